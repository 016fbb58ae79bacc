"""Handing work to the Celery workers without ever losing it: when the broker (Redis) does not
answer, the sender retries for RECTIFY_BROKER_WAIT seconds, then runs the task in its own process
(what the embedded default does anyway), logging that it did. Fire and forget: no caller waits for
a result, so none is subscribed to (which would wait on the result store, Redis too, first)."""
from __future__ import annotations

import logging
from typing import Any

from celery import Task
from celery.result import AsyncResult, EagerResult
from django.conf import settings

logger = logging.getLogger("rectify.tasks")

STEP_SECONDS = 0.5


def _broker_down(exc: BaseException) -> bool:
    import kombu.exceptions
    import redis.exceptions

    return isinstance(exc, kombu.exceptions.OperationalError | redis.exceptions.ConnectionError
                      | redis.exceptions.TimeoutError | ConnectionError | TimeoutError)


def dispatch(task: Task, *args: Any, **kwargs: Any) -> AsyncResult | EagerResult:
    """task.delay(*args, **kwargs) that falls back to running in-process when the broker is away."""
    if task.app.conf.task_always_eager:
        return task.apply_async(args, kwargs)
    wait = float(getattr(settings, "RECTIFY_BROKER_WAIT", 5))
    try:
        return task.apply_async(args, kwargs, ignore_result=True, retry=True, retry_policy={
            "max_retries": max(0, int(wait / STEP_SECONDS)), "interval_start": 0,
            "interval_step": STEP_SECONDS, "interval_max": STEP_SECONDS})
    except Exception as exc:
        if not _broker_down(exc):
            raise
        logger.warning("broker unavailable (%s): running %s in this process", type(exc).__name__, task.name)
        return task.apply(args, kwargs)
