"""Framework tasks. `ping` proves the broker round trip (used by the health check and the tests)."""
from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def ping(value: str = "pong") -> str:
    return value
