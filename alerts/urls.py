"""The alert inbox pages (included at the root, without a namespace: the URL names
``alerts`` and ``alert_ack`` are the ones the menu and the templates use)."""

from django.urls import path

from . import views

urlpatterns = [
    path("alerts/", views.alert_inbox, name="alerts"),
    path("alerts/<int:alert_id>/ack/", views.alert_acknowledge, name="alert_ack"),
    path("alerts/preferences/", views.alert_preferences, name="alert_preferences"),
]
