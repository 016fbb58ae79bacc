"""Periodic account housekeeping (scheduled in settings.CELERY_BEAT_SCHEDULE)."""
from __future__ import annotations

from celery import shared_task

from rectify.accounts.services import disable_inactive_users as run
from rectify.core.current import acting_as


@shared_task(name="accounts.disable_inactive_users")
def disable_inactive_users(days: int | None = None) -> list[str]:
    """Disable accounts unused for 90 days (等保: 及时删除或停用多余的、过期的账户)."""
    with acting_as(None):
        return run(days)
