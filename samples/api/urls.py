"""Routes of the samples API, mounted under /api/v1/ by gendan.api.urls."""

from .views import ProductionSampleViewSet, SampleRequestViewSet

routes = [
    ("samples", SampleRequestViewSet, "sample"),
    ("production-samples", ProductionSampleViewSet, "production-sample"),
]
