from django.urls import path

from gendan.web import list_urls

from . import views

app_name = "planning"

urlpatterns = [
    *list_urls("plans/slipping", views.slipping_list, views.slipping_export, name="slipping_"),
    path(
        "plans/milestones/<int:pk>/complete/", views.milestone_complete, name="milestone_complete"
    ),
    path("orders/<int:order_pk>/materials/", views.material_add, name="material_add"),
    path("orders/<int:pk>/plan/", views.order_plan_part, name="order_part"),
    path("plans/materials/<int:pk>/receive/", views.material_receive, name="material_receive"),
]
