"""The health answer for load balancers and operators: is this node able to serve? It checks the
database (a node without it cannot serve anything) and the cache (without it pages still serve,
slower, from the database). Public, no session, and it names no host, user or error text."""
from __future__ import annotations

import time
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from rectify.core.cache import cache_reachable


def _database() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unavailable"
    return "ok"


def _cache() -> str:
    key = f"health:{uuid.uuid4().hex}"
    try:
        cache.set(key, 1, 10)
        ok = cache.get(key) == 1 and cache_reachable()
        cache.delete(key)
    except Exception:  # any backend's own error: the answer is the same for the load balancer
        return "unavailable"
    return "ok" if ok else "unavailable"


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """200 while the database answers — the cache may be down (status "degraded"), pages then
    compute from the database; 503 when the database does not answer, so the balancer takes the
    node out of rotation."""
    started = time.perf_counter()
    database, cache_state = _database(), _cache()
    status = "ok" if database == cache_state == "ok" else ("degraded" if database == "ok" else "unavailable")
    return JsonResponse({"status": status, "database": database, "cache": cache_state,
                         "seconds": round(time.perf_counter() - started, 3)},
                        status=200 if database == "ok" else 503)
