import os
import shutil

import pytest


def pytest_report_header(config):
    db = os.environ.get("DATABASE_URL", "") or "sqlite (default)"
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    lines = [f"rectify database: {db.split('@')[-1]}"]
    lines.append(f"browser tests: {'chromium at ' + browser if browser else 'SKIPPED — Debian chromium not installed (apt-get install chromium)'}")
    return lines


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pytest_configure(config):
    from django.conf import settings

    # Hashing passwords with PBKDF2 would dominate the suite; the hasher is not under test here
    # (tests of the password policy use the production hashers explicitly).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Other apps' tests log in with client.force_login; the TOTP step is proved in tests/security
    # with override_settings(RECTIFY_REQUIRE_2FA=True).
    settings.RECTIFY_REQUIRE_2FA = False
    # Tasks run in-process in the suite; the one test against the real Redis broker starts a
    # worker of its own (tests/test_celery_redis.py). Caches are per process so that parallel
    # workers do not share rate-limit counters.
    from rectify.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
