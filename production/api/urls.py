"""Routes of the production API, mounted under /api/v1/ by gendan.api.urls."""

from .views import (
    IncidentViewSet,
    InspectionViewSet,
    OrderProductionViewSet,
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
    # An order's production actions, /orders/{pk}/issue-production/ and the like: the
    # order's id is part of the prefix (the actions are routed as detail=False), so
    # the router's root keeps listing /orders/ as orders' own.
    (r"orders/(?P<pk>[^/.]+)", OrderProductionViewSet, "order-production"),
]
