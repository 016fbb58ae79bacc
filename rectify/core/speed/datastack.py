"""A WSGI wrapper that keeps each request inside one chunk of CPython's frame data stack.

Unnecessary from CPython 3.14.4 on: that release caches one chunk per thread (python/cpython
gh-142183; the 3.13 branch got the same fix as python/cpython#146123), which removes the cost
described below. pyproject.toml allows CPython 3.11 and 3.12, which keep the cost, and the wrapper
steps aside on any other interpreter (NEEDED). When requires-python moves to 3.14.4 or later,
delete this module and its use in rectify/wsgi.py. Until then `make bench` (figure c′, shortcut
`datastack`) shows whether it still pays: the case list is served with and without it.

CPython 3.11 keeps Python frames on a per-thread stack made of 16 KiB chunks. When code repeatedly
calls across the end of a chunk, every such call maps a new chunk and every return unmaps it
("Calls across stack chunks perform badly"). Inside a gunicorn sync worker the rendering of a list
page sat on such a boundary: a page fault and a system call pair on every call across it.

The wrapper calls the application through a function whose frame reserves ~129 KiB: the chunk
allocated for it is 256 KiB, which leaves ~125 KiB of stack for the request — far more than a
Django request uses — so the request's frames never reach a chunk boundary. The chunk is mapped
and unmapped once per request.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

from rectify.core.speed.shortcuts import enabled

# Stack slots (pointers) reserved by the trampoline's frame: a little over half of 256 KiB.
RESERVED_SLOTS = 16_500
NEEDED = sys.implementation.name == "cpython" and sys.version_info[:2] in ((3, 11), (3, 12))


def _trampoline(app: Callable, environ: dict, start_response: Callable) -> Iterable[bytes]:
    return app(environ, start_response)


if NEEDED:
    _trampoline.__code__ = _trampoline.__code__.replace(co_stacksize=RESERVED_SLOTS)


def one_chunk(app: Callable[..., Any]) -> Callable[..., Any]:
    """`app` as a WSGI application whose requests run inside one data-stack chunk."""
    if not NEEDED or not enabled("datastack"):
        return app

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        return _trampoline(app, environ, start_response)

    return application
