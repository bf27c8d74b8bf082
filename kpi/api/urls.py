"""Routes of the kpi/ endpoints (api.md): mounted under /api/v1/ with the API's router."""

from rest_framework.routers import SimpleRouter

from .views import AssessmentViewSet, PayStatementViewSet

# (prefix, viewset, basename) — for the API's main router at merge.
ROUTES = [
    ("kpi/assessments", AssessmentViewSet, "kpi-assessment"),
    ("kpi/pay-statements", PayStatementViewSet, "kpi-pay-statement"),
]

router = SimpleRouter()
for prefix, viewset, basename in ROUTES:
    router.register(prefix, viewset, basename=basename)

urlpatterns = router.urls
