"""Celery application. With no broker configured, tasks run in-process (see settings)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")

app = Celery("rectify")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
