"""Routes of the shipping API, mounted under /api/v1/ by gendan.api.urls."""

from .views import AfterSalesCaseViewSet, ShipmentViewSet

routes = [
    ("shipments", ShipmentViewSet, "shipment"),
    ("after-sales", AfterSalesCaseViewSet, "after-sales-case"),
]
