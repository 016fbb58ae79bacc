"""Framework tasks. `ping` proves the broker round trip (used by the health check and the tests)."""
from __future__ import annotations

from celery import shared_task

from rectify.core.workflow.notices import remind


@shared_task(acks_late=True)
def ping(value: str = "pong") -> str:
    return value


@shared_task(acks_late=True)
def remind_deadlines() -> int:
    """Reminders before each open workflow step's deadline, and notices once it is overdue."""
    return remind()
