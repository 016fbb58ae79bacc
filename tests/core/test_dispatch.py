"""Redis (the broker) does not answer: a task handed to the workers is not lost — the sender retries
for RECTIFY_BROKER_WAIT seconds, then runs it in its own process. A real connection to a port where
nothing listens, not a mock."""
from __future__ import annotations

import socket
import time

from django.test import TestCase, override_settings
from kombu import pools

from rectify.celery import app
from rectify.core.dispatch import dispatch
from rectify.core.tasks import ping


def dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{s.getsockname()[1]}/0"


def reset_connections() -> None:
    """The app builds its result backend and broker connection pool from the settings once."""
    app.__dict__.pop("backend", None)
    app._local.__dict__.pop("backend", None)  # where Celery 5 keeps the result backend (per thread)
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps its own producer and connection pools per broker URL; a closed one left there
    # would be handed to the next test that sends a task through the real broker.
    pools.reset()


class BrokerDownTests(TestCase):
    def setUp(self):
        saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
        url = dead_url()
        app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
        reset_connections()

        def restore():
            app.conf.update(**saved)
            reset_connections()

        self.addCleanup(restore)

    @override_settings(RECTIFY_BROKER_WAIT=1)
    def test_the_task_runs_in_process_after_the_wait(self):
        started = time.monotonic()
        result = dispatch(ping, "still-done")
        self.assertEqual(result.get(timeout=5), "still-done")
        self.assertLess(time.monotonic() - started, 15, "the wait is bounded")
