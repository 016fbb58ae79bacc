"""A WSGI wrapper that keeps each request inside one chunk of CPython's frame data stack.

CPython 3.11 keeps Python frames on a per-thread stack made of 16 KiB chunks. When code repeatedly
calls across the end of a chunk, every such call maps a new chunk and every return unmaps it
(CPython gh-142183, "Calls across stack chunks perform badly"; a one-chunk cache was added in later
3.13 and 3.14 releases). Inside a gunicorn sync worker the template rendering of a list page sat
exactly on such a boundary: 7,264 page faults and 45 ms of system time per request, 97 ms in all,
against 47 ms once avoided (docs/performance.md, figure c).

The wrapper calls the application through a function whose frame reserves ~129 KiB: the chunk
allocated for it is 256 KiB, which leaves ~125 KiB of stack for the request — far more than a
Django request uses — so the request's frames never reach a chunk boundary. The chunk is mapped
and unmapped once per request.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

# Stack slots (pointers) reserved by the trampoline's frame: a little over half of 256 KiB.
RESERVED_SLOTS = 16_500
NEEDED = sys.implementation.name == "cpython" and sys.version_info[:2] in ((3, 11), (3, 12))


def _trampoline(app: Callable, environ: dict, start_response: Callable) -> Iterable[bytes]:
    return app(environ, start_response)


if NEEDED:
    _trampoline.__code__ = _trampoline.__code__.replace(co_stacksize=RESERVED_SLOTS)


def one_chunk(app: Callable[..., Any]) -> Callable[..., Any]:
    """`app` as a WSGI application whose requests run inside one data-stack chunk."""
    if not NEEDED:
        return app

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        return _trampoline(app, environ, start_response)

    return application
