"""Routes of the kpi/ endpoints (api.md), mounted under /api/v1/ by gendan.api.urls."""

from .views import AssessmentViewSet, PayStatementViewSet

ROUTES = [
    ("kpi/assessments", AssessmentViewSet, "kpi-assessment"),
    ("kpi/pay-statements", PayStatementViewSet, "kpi-pay-statement"),
]
