from django.urls import path

from gendan.web import list_urls, record_urls

from . import views

app_name = "samples"

urlpatterns = [
    *list_urls("samples", views.sample_list, views.sample_export),
    path("samples/new/", views.sample_create, name="create"),
    *record_urls("samples", views.sample_detail, views.sample_action, photo=views.photo_add),
    path("samples/photos/<int:pk>/", views.photo_download, name="photo"),
    path(
        "production/<int:pk>/samples/",
        views.production_sample_record,
        name="production_sample_record",
    ),
    path("orders/<int:pk>/samples/", views.order_samples_part, name="order_part"),
    path(
        "production/samples/<int:pk>/file/",
        views.production_sample_download,
        name="production_sample_file",
    ),
]
