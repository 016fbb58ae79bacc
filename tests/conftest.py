import os
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_migrate

from rectify.celery import app
from rectify.testing import reload_reference_data


def pytest_report_header(config):
    db = os.environ.get("DATABASE_URL", "") or "sqlite (default)"
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    lines = [f"rectify database: {db.split('@')[-1]}"]
    missing = "SKIPPED — Debian chromium not installed (apt-get install chromium)"
    lines.append(f"browser tests: {'chromium at ' + browser if browser else missing}")
    return lines


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # pytest-django's settings fixture: restored after the test
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: on SQLite a rolled-back test's change-log ids are used
    again by the next, so a figure cached under one test's data version could meet another's."""
    cache.clear()


def _reload_reference_data(sender, **kwargs):
    if sender.label != "reports":  # post_migrate is sent once per app; reload once per flush
        return
    reload_reference_data()


def pytest_configure(config):
    # Hashing passwords with PBKDF2 would dominate the suite; the hasher is not under test here
    # (tests of the password policy use the production hashers explicitly).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A transactional test ends with a flush that empties every table, the organisation loaded by
    # the data migrations included; the flush then sends post_migrate, and the reference data is
    # loaded again for the tests that follow in the same process.
    post_migrate.connect(_reload_reference_data, dispatch_uid="rectify-tests-reload-reference")
    # Other apps' tests log in with client.force_login; the TOTP step is proved in tests/security
    # with override_settings(RECTIFY_REQUIRE_2FA=True).
    settings.RECTIFY_REQUIRE_2FA = False
    # Tasks run in-process in the suite; the one test against the real Redis broker starts a
    # worker of its own (tests/core/test_celery_redis.py). Caches are per process so that parallel
    # workers do not share rate-limit counters.
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
