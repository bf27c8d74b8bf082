"""The project's URLs plus the kpi/ API under /api/v1/, as the API router will mount it."""

from django.urls import include, path

from gendan.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("api/v1/", include("kpi.api.urls"))]
