"""The shared cache (Redis) that degrades instead of failing: when Redis does not answer, every
cache call goes to a cache in this process's memory for a short while, so a page computes what it
would have read from the cache from the database (cached figures are keyed on the data version,
so nothing stale is read), and rate limits keep counting per process. Redis is tried again after
RETRY_SECONDS; a warning is logged once per outage."""
from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("rectify.cache")

RETRY_SECONDS = 5.0
_down_until = [0.0]


def cache_reachable() -> bool:
    """False while the shared cache is being bypassed (the health answer reports it)."""
    return time.monotonic() >= _down_until[0]


def _fallback() -> LocMemCache:
    # LocMemCache instances of one name share their storage within the process.
    return LocMemCache("rectify-fallback", {"OPTIONS": {"MAX_ENTRIES": 5000}})


def _resilient(name: str):
    def method(self, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < _down_until[0]:
            return getattr(_fallback(), name)(*args, **kwargs)
        try:
            return getattr(super(ResilientRedisCache, self), name)(*args, **kwargs)
        except Exception as exc:
            if not _is_connection_error(exc):
                raise
            if cache_reachable():
                logger.warning("cache unreachable (%s); serving from the database for %s s",
                               type(exc).__name__, RETRY_SECONDS)
            _down_until[0] = time.monotonic() + RETRY_SECONDS
            return getattr(_fallback(), name)(*args, **kwargs)
    method.__name__ = name
    return method


def _is_connection_error(exc: BaseException) -> bool:
    import redis.exceptions

    return isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError | OSError)


class ResilientRedisCache(RedisCache):
    """RedisCache with short socket timeouts (settings) whose calls fall back as described above."""

    add = _resilient("add")
    get = _resilient("get")
    set = _resilient("set")
    touch = _resilient("touch")
    delete = _resilient("delete")
    get_many = _resilient("get_many")
    set_many = _resilient("set_many")
    delete_many = _resilient("delete_many")
    has_key = _resilient("has_key")
    incr = _resilient("incr")
    clear = _resilient("clear")


