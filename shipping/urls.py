"""Pages of the shipping app: shipments and after-sales cases."""

from django.urls import path

from gendan.web import list_urls, record_urls

from . import views

app_name = "shipping"

urlpatterns = [
    *list_urls("shipments", views.shipment_list, views.shipment_export, name="shipment_"),
    *record_urls(
        "shipments",
        views.shipment_detail,
        views.shipment_action,
        name="shipment_",
        packing_list=views.shipment_packing_list,
        invoice=views.shipment_invoice,
    ),
    path("shipments/documents/<int:pk>/", views.document_update, name="document_update"),
    path("shipments/documents/<int:pk>/file/", views.document_download, name="document_download"),
    path("orders/<int:order_pk>/shipments/new/", views.shipment_create, name="shipment_create"),
    path("orders/<int:pk>/after-sales/", views.order_after_sales_part, name="order_part"),
    *list_urls("after-sales", views.case_list, views.case_export, name="case_"),
    *record_urls("after-sales", views.case_detail, views.case_action, name="case_"),
]
