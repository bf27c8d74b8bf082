"""The KPI pages, under /kpi/ (included by gendan/urls.py)."""

from django.urls import include, path

from . import views

app_name = "kpi"

month_urls = [
    path("", views.month, name="month"),
    path("compute/", views.month_compute, name="month_compute"),
    path("finalize/", views.month_finalize, name="month_finalize"),
]
assessment_urls = [
    path("", views.assessment_detail, name="assessment"),
    path("<slug:action>/", views.assessment_action, name="assessment_action"),
]
pay_urls = [path("", views.pay, name="pay"), path("export/", views.pay_export, name="pay_export")]

urlpatterns = [
    path("", views.index, name="index"),
    path("my/", views.mine, name="mine"),
    path("month/<str:period>/", include(month_urls)),
    path("assessments/<int:pk>/", include(assessment_urls)),
    path("penalties/<int:pk>/delete/", views.penalty_delete, name="penalty_delete"),
    path("faults/<int:pk>/delete/", views.fault_delete, name="fault_delete"),
    path("pay/<str:period>/", include(pay_urls)),
    path("pay-statements/<int:pk>/", views.statement_detail, name="statement"),
]
