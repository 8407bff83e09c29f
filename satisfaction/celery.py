"""The Celery app: Redis as broker, tasks autodiscovered from the apps' tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satisfaction.settings")

app = Celery("satisfaction")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
