"""Routes of the orders API, mounted under /api/v1/ by gendan.api.urls."""

from .views import CustomerViewSet, ImportViewSet, OrderViewSet, PaymentViewSet, ProductViewSet

routes = [
    ("customers", CustomerViewSet, "customer"),
    ("products", ProductViewSet, "product"),
    ("orders", OrderViewSet, "order"),
    ("payments", PaymentViewSet, "payment"),
    ("imports", ImportViewSet, "import"),
]
