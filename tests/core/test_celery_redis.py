"""Background work against the real Redis broker (CI sets REDIS_URL): a worker in another process
takes a task from Redis and returns its result; tasks are acknowledged late."""
import os
import subprocess
import sys
import time

import pytest

from rectify.celery import app
from rectify.core.tasks import ping

REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = pytest.mark.redis


@pytest.mark.skipif(not REDIS_URL.startswith("redis"), reason="REDIS_URL not set: the real-broker test runs in CI")
def test_task_round_trip_through_redis():
    queue = f"test-{os.getpid()}-{int(time.time())}"
    env = {**os.environ, "CELERY_BROKER_URL": REDIS_URL, "CELERY_RESULT_BACKEND": REDIS_URL}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "rectify", "worker", "--pool", "solo", "-Q", queue, "--without-gossip",
         "--without-mingle", "--without-heartbeat", "-l", "warning"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
        result = ping.apply_async(args=["via-redis"], queue=queue)
        assert result.get(timeout=60) == "via-redis"
        assert ping.acks_late is True
    finally:
        app.conf.update(task_always_eager=True)
        worker.terminate()
        worker.wait(timeout=20)
