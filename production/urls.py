"""Pages of the production app."""

from django.urls import path

from gendan.web import list_urls, record_urls

from . import views

app_name = "production"

urlpatterns = [
    path("production/", views.board, name="board"),
    path("production/quick-entry/", views.quick_entry, name="quick_entry"),
    *list_urls("production/orders", views.production_order_list, views.production_order_export),
    *list_urls(
        "production/reports",
        views.progress_report_list,
        views.progress_report_export,
        name="report_",
    ),
    *record_urls(
        "production/reports",
        views.progress_report_detail,
        views.progress_report_action,
        name="report_",
    ),
    *record_urls(
        "production/orders",
        views.production_order_detail,
        views.production_order_action,
        notice=views.production_order_notice,
    ),
    path("production/incidents/<int:pk>/resolve/", views.incident_resolve, name="incident_resolve"),
    path("orders/<int:pk>/production/", views.order_production_part, name="order_part"),
]
