"""The KPI pages, under /kpi/ (included by gendan/urls.py)."""

from django.urls import path

from . import views

app_name = "kpi"

urlpatterns = [
    path("", views.index, name="index"),
    path("month/<str:period>/", views.month, name="month"),
    path("month/<str:period>/compute/", views.month_compute, name="month_compute"),
    path("month/<str:period>/finalize/", views.month_finalize, name="month_finalize"),
    path("my/", views.mine, name="mine"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/<slug:action>/", views.assessment_action, name="assessment_action"),
    path("penalties/<int:pk>/delete/", views.penalty_delete, name="penalty_delete"),
    path("faults/<int:pk>/delete/", views.fault_delete, name="fault_delete"),
    path("pay/<str:period>/", views.pay, name="pay"),
    path("pay/<str:period>/export/", views.pay_export, name="pay_export"),
    path("pay-statements/<int:pk>/", views.statement_detail, name="statement"),
]
