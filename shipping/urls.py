"""Pages of the shipping app: shipments and after-sales cases."""

from django.urls import path

from . import views

app_name = "shipping"

urlpatterns = [
    path("shipments/", views.shipment_list, name="shipment_list"),
    path("shipments/export.xlsx", views.shipment_export, name="shipment_export"),
    path("shipments/<int:pk>/", views.shipment_detail, name="shipment_detail"),
    path("shipments/<int:pk>/do/<slug:action>/", views.shipment_action, name="shipment_action"),
    path("shipments/documents/<int:pk>/", views.document_update, name="document_update"),
    path("shipments/documents/<int:pk>/file/", views.document_download, name="document_download"),
    path("orders/<int:order_pk>/shipments/new/", views.shipment_create, name="shipment_create"),
    path("after-sales/", views.case_list, name="case_list"),
    path("after-sales/export.xlsx", views.case_export, name="case_export"),
    path("after-sales/<int:pk>/", views.case_detail, name="case_detail"),
    path("after-sales/<int:pk>/do/<slug:action>/", views.case_action, name="case_action"),
]
