from django.urls import path

from . import views

app_name = "conversation"

urlpatterns = [
    path("orders/<int:pk>/notes/", views.note_create, name="note_create"),
    path("orders/<int:pk>/attachments/", views.attachment_create, name="attachment_create"),
    path("orders/<int:pk>/thread/", views.order_thread_part, name="order_thread"),
    path("orders/<int:pk>/timeline/", views.order_timeline_part, name="order_timeline"),
    path("attachments/<int:pk>/file/", views.attachment_download, name="attachment_download"),
    path(
        "attachments/<int:pk>/thumbnail/", views.attachment_thumbnail, name="attachment_thumbnail"
    ),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/approve/", views.request_approve, name="request_approve"),
    path("requests/<int:pk>/reject/", views.request_reject, name="request_reject"),
]
