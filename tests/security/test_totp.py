"""Item 3: a TOTP second factor for every internal user; no login-required page without it."""
import re

from django.test import override_settings
from rest_framework.test import APIClient

from rectify.accounts.services import api_token_issue
from rectify.core.audit.models import Event
from rectify.testing import WorldTestCase

from .helpers import code_for, full_login, password_login


@override_settings(RECTIFY_REQUIRE_2FA=True)
class TotpTests(WorldTestCase):
    def test_enrolment_then_verification(self):
        user = self.users["shenyang_samr"]
        self.assertEqual(password_login(self.client, user).status_code, 302)
        # half-authenticated: every login-required page leads to the TOTP step
        for url in ("/", "/enterprises/enterprise/", "/accounts/user/"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertTrue(response["Location"].startswith("/accounts/totp/enrol/?next="), response["Location"])
        page = self.client.get("/accounts/totp/enrol/?next=/")
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        # QR code made on the server as a data URI; no inline script (CSP), no external source
        self.assertRegex(html, r'<img src="data:image/svg\+xml[^"]+" alt="动态口令二维码"')
        self.assertNotRegex(html, r"<script(?![^>]*\bsrc=)[^>]*>")
        self.assertNotIn("http://", re.sub(r'(xmlns(:\w+)?="http://[^"]+")|(data:[^"]+)', "", html))
        user.refresh_from_db()
        self.assertTrue(user.totp_secret.startswith("sm4:"), "the secret is encrypted at rest")
        self.assertIsNone(user.totp_confirmed_at)

        wrong = self.client.post("/accounts/totp/enrol/", {"code": "000000", "next": "/"})
        self.assertContains(wrong, "动态口令不正确")
        key_before = self.client.session.session_key
        response = self.client.post("/accounts/totp/enrol/", {"code": code_for(user), "next": "/"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/")
        self.assertNotEqual(self.client.session.session_key, key_before, "key rotated after the second factor")
        self.assertEqual(self.client.get("/").status_code, 200)
        user.refresh_from_db()
        self.assertIsNotNone(user.totp_confirmed_at)
        self.assertTrue(Event.objects.filter(event="totp.enrolled", object_id=str(user.pk)).exists())

        # next login: verification (not enrolment); a code cannot be replayed
        used = code_for(user)
        self.client.post("/accounts/logout/")
        password_login(self.client, user)
        response = self.client.get("/")
        self.assertTrue(response["Location"].startswith("/accounts/totp/?next="))
        self.assertEqual(self.client.get("/accounts/totp/enrol/")["Location"], "/accounts/totp/")
        self.assertContains(self.client.post("/accounts/totp/", {"code": used}), "已使用")
        response = self.client.post("/accounts/totp/", {"code": code_for(user, 1), "next": "/reports/"})
        self.assertEqual(response["Location"], "/reports/")
        self.assertTrue(Event.objects.filter(event="login.2fa", outcome="success", object_id=str(user.pk)).exists())
        self.assertTrue(Event.objects.filter(event="login.2fa", outcome="failure", object_id=str(user.pk)).exists())

    def test_open_redirect_is_refused(self):
        user = self.users["shenyang_samr"]
        password_login(self.client, user)
        self.client.get("/accounts/totp/enrol/")
        response = self.client.post("/accounts/totp/enrol/", {"code": code_for(user), "next": "https://evil.example/"})
        self.assertEqual(response["Location"], "/")

    def test_wrong_codes_count_towards_the_lockout(self):
        user = self.users["shenyang_samr"]
        full_login(self.client, user)
        self.client.post("/accounts/logout/")
        password_login(self.client, user)
        for _ in range(5):
            response = self.client.post("/accounts/totp/", {"code": "123456"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/accounts/login/")
        user.refresh_from_db()
        self.assertTrue(user.is_locked)
        self.assertEqual(self.client.get("/").status_code, 302)
        self.assertTrue(Event.objects.filter(event="account.locked", detail__reason="totp").exists())

    def test_session_api_needs_the_second_factor_token_api_does_not(self):
        user = self.users["sysadmin"]
        password_login(self.client, user)
        self.assertEqual(self.client.get("/api/accounts/user/").status_code, 403)
        secret = api_token_issue(owner=user, purpose="测试", actor=None).secret
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        self.assertEqual(api.get("/api/accounts/user/").status_code, 200)
        full_login(self.client, user)
        self.assertEqual(self.client.get("/api/accounts/user/").status_code, 200)

    def test_security_admin_resets_a_lost_second_factor(self):
        from rectify.accounts.services import totp_reset

        user = self.users["shenyang_samr"]
        full_login(self.client, user)
        totp_reset(user=user, actor=self.users["secadmin"])
        user.refresh_from_db()
        self.assertFalse(user.has_totp)
        self.assertEqual(self.client.get("/").status_code, 302, "the reset ends the user's sessions")


class TotpSwitchTests(WorldTestCase):
    @override_settings(RECTIFY_REQUIRE_2FA=False)
    def test_switched_off_only_by_setting(self):
        password_login(self.client, self.users["shenyang_samr"])
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_default_is_on(self):
        from rectify import settings as project_settings

        self.assertTrue(project_settings.RECTIFY_REQUIRE_2FA)
