"""Item 14: `check --deploy` clean with production settings, CSRF enforced,
Content-Security-Policy sent, generic error pages."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.http import HttpResponse
from django.test import Client, TestCase, override_settings
from django.urls import include, path

from rectify.testing import WorldTestCase

ROOT = Path(__file__).resolve().parents[2]


def _boom(request):
    raise RuntimeError("secret internals: db password is hunter2")


def _ok(request):
    return HttpResponse("ok")


urlpatterns = [path("boom/", _boom), path("ok/", _ok), path("", include("rectify.urls"))]
handler404 = "rectify.core.generic.errors.page_not_found"
handler500 = "rectify.core.generic.errors.server_error"


class DeployCheckTests(TestCase):
    def _check(self, *tags: str):
        env = {**os.environ, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "x",
               "HTTPS": "1", "DJANGO_SETTINGS_MODULE": "rectify.settings"}
        env.pop("SECURE_COOKIES", None)
        # the browser tests' setting, when they ran earlier in this process: never a deployment's
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        code = ("import django, sys; django.setup(); from django.core.management import call_command; "
                "call_command('check', *sys.argv[1:], deploy=True, fail_level='WARNING')")
        args = [a for t in tags for a in ("--tag", t)]
        result = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])

    def test_check_deploy_passes_with_production_settings(self):
        self._check()  # every check, warnings included (the API schema's too)

    def test_deploy_security_checks_pass(self):
        self._check("security")


class HeadersAndCsrfTests(WorldTestCase):
    def test_csrf_is_enforced(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.users["sysadmin"])
        response = client.post("/org/department/add/", {"code": "csrf", "name": "跨站", "short_name": "跨",
                                                        "line": "market", "order": 1})
        self.assertEqual(response.status_code, 403)
        anonymous = Client(enforce_csrf_checks=True)
        self.assertEqual(anonymous.post("/accounts/login/", {"username": "x", "password": "y"}).status_code, 403)

    def test_content_security_policy_on_pages(self):
        self.login("shenyang_samr")
        for url in ("/", "/accounts/login/", "/public/"):
            response = self.client.get(url)
            csp = response.get("Content-Security-Policy", "")
            self.assertIn("default-src 'self'", csp, url)
            self.assertIn("script-src 'self'", csp, url)
            self.assertNotIn("unsafe-inline", csp.split("script-src")[1].split(";")[0], url)
            self.assertIn("frame-ancestors 'none'", csp, url)
            self.assertEqual(response["X-Frame-Options"], "DENY")
            self.assertEqual(response["X-Content-Type-Options"], "nosniff")

    def test_session_cookie_flags(self):
        from django.conf import settings

        self.assertTrue(settings.SESSION_COOKIE_HTTPONLY)
        self.assertEqual(settings.SESSION_COOKIE_AGE, 12 * 3600)


@override_settings(ROOT_URLCONF="tests.security.test_deployment", DEBUG=False)
class ErrorPageTests(TestCase):
    def test_404_and_500_are_generic(self):
        response = self.client.get("/no/such/page/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "未找到", status_code=404)
        client = Client(raise_request_exception=False)
        client.force_login(_user())
        response = client.get("/boom/")
        self.assertEqual(response.status_code, 500)
        body = response.content.decode()
        self.assertIn("系统错误", body)
        for leak in ("Traceback", "RuntimeError", "hunter2", "secret internals", "/work/", "site-packages"):
            self.assertNotIn(leak, body)
        self.assertIn(response["X-Request-ID"], body, "the request id to quote to support")


def _user():
    from rectify.accounts.models import User

    return User.objects.create_user(username="err", password="x")
