"""Who is acting and in which request, for the change log and audit events.

A context variable rather than a thread-local so that it is right under ASGI and in Celery tasks,
which set it explicitly with `acting_as`."""
from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    username: str = ""
    request_id: str = ""
    ip: str = ""


_NOBODY = Actor()
_actor: ContextVar[Actor] = ContextVar("rectify_actor", default=_NOBODY)  # noqa: B039 (frozen dataclass)


def current_actor() -> Actor:
    return _actor.get()


def set_actor(actor: Actor):
    return _actor.set(actor)


def reset_actor(token) -> None:
    _actor.reset(token)


@contextlib.contextmanager
def acting_as(user=None, *, request_id: str | None = None, ip: str = "") -> Iterator[Actor]:
    """Run a block (a command, a task, a test) as `user`, with a fresh request id."""
    actor = Actor(
        user_id=getattr(user, "pk", None),
        username=getattr(user, "username", "") or "",
        request_id=request_id or uuid.uuid4().hex,
        ip=ip,
    )
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


_reason: ContextVar[str] = ContextVar("rectify_change_reason", default="")


def current_reason() -> str:
    return _reason.get()


@contextlib.contextmanager
def change_reason(reason: str) -> Iterator[None]:
    """Every change row written in the block records `reason`: a deletion or a 更正 keeps why it
    was done next to who did it and what changed (cascaded rows included)."""
    token = _reason.set(reason)
    try:
        yield
    finally:
        _reason.reset(token)


# The campaign the user works in (chosen in the top bar, or a command's --campaign): lists, choices,
# tables and new records follow it. None: the default campaign (the active one that started last).
_campaign: ContextVar[int | None] = ContextVar("rectify_campaign", default=None)


def chosen_campaign_id() -> int | None:
    return _campaign.get()


@contextlib.contextmanager
def working_in_campaign(campaign_id: int | None) -> Iterator[None]:
    """Run a block (a request, a command, a task) in one campaign."""
    token = _campaign.set(campaign_id)
    try:
        yield
    finally:
        _campaign.reset(token)


def set_campaign(campaign_id: int | None):
    return _campaign.set(campaign_id)


def reset_campaign(token) -> None:
    _campaign.reset(token)
