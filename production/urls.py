"""Pages of the production app."""

from django.urls import path

from . import views

app_name = "production"

urlpatterns = [
    path("production/", views.board, name="board"),
    path("production/quick-entry/", views.quick_entry, name="quick_entry"),
    path("production/orders/", views.production_order_list, name="list"),
    path("production/orders/export.xlsx", views.production_order_export, name="export"),
    path("production/reports/", views.progress_report_list, name="report_list"),
    path("production/reports/export.xlsx", views.progress_report_export, name="report_export"),
    path("production/orders/<int:pk>/", views.production_order_detail, name="detail"),
    path(
        "production/orders/<int:pk>/do/<slug:action>/",
        views.production_order_action,
        name="action",
    ),
    path("production/incidents/<int:pk>/resolve/", views.incident_resolve, name="incident_resolve"),
]
