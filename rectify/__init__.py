"""Rectify — 专项整治监管平台."""
from .celery import app as celery_app

__all__ = ("celery_app",)
