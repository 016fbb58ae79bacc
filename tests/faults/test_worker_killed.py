"""A real Celery worker is killed (SIGKILL to the whole worker, pool included) in the middle of a
large enterprise import and started again: the import's transaction died with it (no row written),
the job still says it is being imported, and once the task is delivered again (acks_late: the
broker keeps it until a worker finishes it) the import completes exactly once — every row once,
no duplicate. Private PostgreSQL and Redis; 30,000 rows, enough for the kill to land mid-write."""
from __future__ import annotations

import time

import pytest
import redis

from tests.enterprises.files import csv_bytes, rows

from .services import Worker, app_env, django_shell, needs_postgres_binaries, needs_redis_server, wait_for

pytestmark = [pytest.mark.faults, needs_postgres_binaries, needs_redis_server]

ROWS = 30_000
VISIBILITY = 8  # seconds before the broker hands an unacknowledged task out again (production: an hour)

START = """
from django.core.files.uploadedfile import SimpleUploadedFile
from rectify.accounts.models import Role, User
from rectify.core.current import acting_as
from rectify.enterprises import services
from rectify.enterprises.tasks import import_commit_task
from rectify.organisations.models import Unit
user = User.objects.create_user(username="importer", password="Test-pass-2020!", full_name="导入员",
                                unit=Unit.objects.get(code="210100-samr"))
user.roles.set(Role.objects.filter(code="clerk"))
with acting_as(user):
    job = services.import_job_create(uploaded=SimpleUploadedFile("big.csv", open(PATH, "rb").read()), actor=user)
    services.import_job_check(job)
    job = services.import_job_confirm(job=job, actor=user)
import_commit_task.delay(job.pk)
print("JOB", job.pk, job.status, job.total)
"""


def test_worker_killed_mid_import_completes_once(cluster, app_db, workdir, redis_server):
    env = app_env(cluster.url(app_db), workdir, REDIS_URL=redis_server.url, CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY))
    source = workdir / "big.csv"
    source.write_bytes(csv_bytes(rows(ROWS, city="沈阳市", county="和平区")))
    worker = Worker(env, "celery", workdir / "worker-1.log")
    broker = redis.Redis.from_url(redis_server.url)

    def count(sql: str) -> int:
        return int(cluster.psql(sql, db=app_db))

    try:
        started = django_shell(env, START.replace("PATH", repr(str(source))), timeout=300)
        job_id, status, total = started.split("JOB ")[1].split()
        assert (status, int(total)) == ("committing", ROWS)

        key = f":1:enterprises:import-progress:{job_id}"  # Django's Redis cache keeps integers as text

        def progress() -> int:
            return int(broker.get(key) or 0)

        broker.delete(key)  # the check's count; the commit counts again from its first batch
        worker.start()
        wait_for(lambda: progress() >= 2000, 180, "the import to be writing")
        worker.kill()
        assert progress() < ROWS, "the kill must land before the import ended"
        time.sleep(1)  # the server notices the dead connection and rolls its transaction back
        assert count("SELECT count(*) FROM enterprises_enterprise") == 0, "nothing of the killed import remains"
        assert cluster.psql(f"SELECT status FROM enterprises_importjob WHERE id = {job_id}", db=app_db) == "committing"

        worker = Worker(env, "celery", workdir / "worker-2.log").start()
        wait_for(lambda: cluster.psql(f"SELECT status FROM enterprises_importjob WHERE id = {job_id}",
                                      db=app_db) in ("done", "failed"), 240, "the import delivered again", interval=1)
        job = cluster.psql(f"SELECT status, count_new, message FROM enterprises_importjob WHERE id = {job_id}",
                           db=app_db).split("|")
        assert job[:2] == ["done", str(ROWS)], job
        assert "导入完成" in job[2]
        assert count("SELECT count(*) FROM enterprises_enterprise") == ROWS
        assert count("SELECT count(DISTINCT credit_code) FROM enterprises_enterprise") == ROWS, "no duplicate"
        assert count("SELECT count(*) FROM enterprises_listentry") == ROWS, "each row listed once"
        assert count("SELECT count(*) FROM core_event WHERE event = 'enterprise.import.commit'") == 1
    finally:
        worker.stop()
