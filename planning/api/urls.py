"""Routes of the planning API, mounted under /api/v1/ by gendan.api.urls."""

from .views import MaterialViewSet, MilestoneViewSet, PlanViewSet

routes = [
    ("plans", PlanViewSet, "plan"),
    ("milestones", MilestoneViewSet, "milestone"),
    ("materials", MaterialViewSet, "material"),
]
