"""Routes of the production API, mounted under /api/v1/ by gendan.api.urls."""

from .views import (
    IncidentViewSet,
    InspectionViewSet,
    ProductionOrderViewSet,
    ProgressReportViewSet,
    StageViewSet,
)

routes = [
    ("stages", StageViewSet, "stage"),
    ("production-orders", ProductionOrderViewSet, "production-order"),
    ("progress-reports", ProgressReportViewSet, "progress-report"),
    ("inspections", InspectionViewSet, "inspection"),
    ("incidents", IncidentViewSet, "incident"),
]
