"""The Celery application: web, worker and beat all load it through Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gendan.settings")

app = Celery("gendan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
