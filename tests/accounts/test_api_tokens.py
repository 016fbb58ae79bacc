"""API tokens in the application: the system and security administrators issue a token for an
account (shown once), list the tokens (owner, unit, purpose, issue, expiry, last use in Beijing
time — never a secret) and revoke one with a reason; the API refuses an expired or revoked token
with 401 and says why; each authenticated call records the token's last use, at most once a minute."""
from __future__ import annotations

import datetime
import hashlib
import importlib
import io
import re
from contextlib import contextmanager
from types import SimpleNamespace
from unittest import mock

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from rectify.accounts.models import ApiToken
from rectify.accounts.services import api_token_issue, api_token_revoke
from rectify.core.audit.models import Event, ObjectChange
from rectify.testing import WorldTestCase

SECRET = re.compile(r"rct_[A-Za-z0-9_-]{43}")
API = "/api/enterprises/enterprise/"
UTC = datetime.UTC
EVENING_UTC = datetime.datetime(2020, 6, 3, 23, 30, tzinfo=UTC)  # 2020-06-04 07:30 in Beijing


@contextmanager
def clock_at(moment: datetime.datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def client_with(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def refusal(response) -> str:
    return response.json()["detail"]


class IssueListRevokeTests(WorldTestCase):
    def issue_through_the_page(self, owner_key: str = "shenyang_samr", **data) -> tuple[ApiToken, str]:
        owner = self.users[owner_key]
        response = self.client.post("/accounts/token/issue/", {
            "owner": owner.pk, "purpose": "沈阳市局执法系统数据同步", "expires_on": "", **data})
        self.assertEqual(response.status_code, 200, response.content.decode()[:2000])
        self.assertIn("no-store", response["Cache-Control"])
        [secret] = SECRET.findall(response.content.decode())
        self.assertContains(response, "只显示这一次")
        self.assertContains(response, 'data-copy="#token-secret"')
        return ApiToken.objects.get(owner=owner), secret

    def test_issue_through_the_page_shows_the_secret_once_and_it_works(self):
        admin = self.login("sysadmin")
        form = self.client.get("/accounts/token/issue/")
        self.assertEqual(form.status_code, 200)
        owners = {int(pk) for pk in re.findall(r'<option value="(\d+)"', form.content.decode())}
        self.assertIn(self.users["shenyang_samr"].pk, owners)
        self.assertIn(self.users["dalian_office"].pk, owners)
        # administrators' accounts are not offered: a token skips the second factor (三员分立)
        self.assertFalse(owners & {self.users[k].pk for k in ("sysadmin", "secadmin", "auditadmin")})
        with clock_at(EVENING_UTC):
            # the default expiry is 90 days after Beijing's today, not after the UTC date
            self.assertContains(self.client.get("/accounts/token/issue/"), 'value="2020-09-02"')

        token, secret = self.issue_through_the_page(expires_on=(timezone.localdate() + datetime.timedelta(days=30)))
        self.assertEqual((token.purpose, token.issued_by, token.revoked_at), ("沈阳市局执法系统数据同步", admin, None))
        self.assertEqual(token.digest, hashlib.new("sm3", secret.encode()).hexdigest())
        event = Event.objects.get(event="api_token.issued", object_id=str(token.pk))
        self.assertEqual((event.user, event.detail["owner"], event.detail["unit"]),
                         (admin, "t_shenyang_samr", "210100-samr"))
        logged = [*Event.objects.values_list("detail", flat=True),
                  *ObjectChange.objects.values_list("after", flat=True)]
        for row in logged:
            self.assertNotIn(secret, str(row))
            self.assertNotIn(token.digest, str(row))

        response = client_with(secret).get(API)
        self.assertEqual(response.status_code, 200)
        # the events of credentials are the audit administrator's, not the administrators' (三员分立)
        self.assertFalse(Event.objects.restrict(admin).filter(event__startswith="api_token.").exists())
        self.assertTrue(Event.objects.restrict(self.users["auditadmin"]).filter(pk=event.pk).exists())

    def test_the_security_administrator_issues_too_and_the_default_expiry_applies(self):
        self.login("secadmin")
        token, _secret = self.issue_through_the_page("dalian_samr")
        self.assertEqual(token.expires_on, timezone.localdate() + datetime.timedelta(days=90))

    def test_expiry_is_bounded_and_purpose_required(self):
        self.login("sysadmin")
        owner = self.users["shenyang_samr"]
        too_late = timezone.localdate() + datetime.timedelta(days=366)
        response = self.client.post("/accounts/token/issue/", {"owner": owner.pk, "purpose": "对接",
                                                               "expires_on": too_late.isoformat()})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "有效期最长 365 天", status_code=400)
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        response = self.client.post("/accounts/token/issue/", {"owner": owner.pk, "purpose": "对接",
                                                               "expires_on": yesterday.isoformat()})
        self.assertContains(response, "有效期不能早于今天", status_code=400)
        response = self.client.post("/accounts/token/issue/", {"owner": owner.pk, "purpose": "  ",
                                                               "expires_on": ""})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ApiToken.objects.exists())

    def test_no_token_for_an_administrator_or_oneself_through_the_pages(self):
        admin = self.login("sysadmin")
        for key in ("secadmin", "sysadmin"):
            response = self.client.post("/accounts/token/issue/", {"owner": self.users[key].pk, "purpose": "对接",
                                                                   "expires_on": ""})
            self.assertEqual(response.status_code, 400, key)
        for key in ("secadmin", "sysadmin"):
            with self.assertRaises(PermissionDenied):
                api_token_issue(owner=self.users[key], purpose="对接", actor=admin)
        self.assertFalse(ApiToken.objects.exists())

    def test_a_disabled_account_gets_no_token(self):
        owner = self.users["shenyang_police"]
        owner.is_active = False
        owner.save()
        self.login("sysadmin")
        response = self.client.post("/accounts/token/issue/", {"owner": owner.pk, "purpose": "对接", "expires_on": ""})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ApiToken.objects.exists())

    def test_the_list_shows_owner_unit_dates_and_state_never_the_secret(self):
        admin = self.users["sysadmin"]
        used = api_token_issue(owner=self.users["shenyang_samr"], purpose="执法系统同步", actor=admin)
        ApiToken.objects.filter(pk=used.token.pk).update(created_at=EVENING_UTC - datetime.timedelta(hours=1))
        with clock_at(EVENING_UTC):
            self.assertEqual(client_with(used.secret).get(API).status_code, 200)
        unused = api_token_issue(owner=self.users["dalian_samr"], purpose="大连数据中心", actor=admin)
        revoked = api_token_issue(owner=self.users["heping_samr"], purpose="旧系统", actor=admin)
        api_token_revoke(token=revoked.token, reason="旧系统下线", actor=admin)

        self.login("sysadmin")
        response = self.client.get("/accounts/token/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        html = response.content.decode()
        for issued in (used, unused, revoked):
            self.assertNotIn(issued.secret, html)
            self.assertNotIn(issued.secret[4:], html)
            self.assertNotIn(issued.token.digest, html)
        self.assertFalse(SECRET.search(html))
        row = self._row(html, used.token)
        # issued 06:30 and last used 07:30 Beijing time (22:30 and 23:30 UTC the evening before)
        for text in ("t_shenyang_samr", "沈阳市市场监督管理局", "执法系统同步", "2020-06-04 06:30", "2020-06-04 07:30",
                     used.token.expires_on.isoformat(), ">有效<", ">sysadmin<"):
            self.assertIn(text, row)
        self.assertNotIn("23:30", row)
        self.assertNotIn("2020-06-03", row)
        self.assertIn("从未使用", self._row(html, unused.token))
        row = self._row(html, revoked.token)
        self.assertIn("已撤销", row)
        self.assertIn("旧系统下线", row)
        self.assertNotIn("/revoke/", row)

        active_only = self.client.get("/accounts/token/?state=active").content.decode()
        self.assertIn(f'id="token-{used.token.pk}"', active_only)
        self.assertNotIn(f'id="token-{revoked.token.pk}"', active_only)
        revoked_only = self.client.get("/accounts/token/?state=revoked").content.decode()
        self.assertIn(f'id="token-{revoked.token.pk}"', revoked_only)
        self.assertNotIn(f'id="token-{used.token.pk}"', revoked_only)

    @staticmethod
    def _row(html: str, token: ApiToken) -> str:
        match = re.search(rf'<tr id="token-{token.pk}">(.*?)</tr>', html, re.S)
        assert match is not None, f"token {token.pk} is not listed"
        return match.group(1)

    def test_revoke_through_the_page_with_a_reason_then_the_api_refuses_it(self):
        admin = self.users["secadmin"]
        issued = api_token_issue(owner=self.users["shenyang_samr"], purpose="执法系统同步",
                                 actor=self.users["sysadmin"])
        client = client_with(issued.secret)
        self.assertEqual(client.get(API).status_code, 200)

        self.login("secadmin")
        url = f"/accounts/token/{issued.token.pk}/revoke/"
        page = self.client.get(url)
        self.assertContains(page, "撤销原因")
        self.assertNotIn(issued.secret, page.content.decode())
        issued.token.refresh_from_db()
        self.assertIsNone(issued.token.revoked_at, "opening the page revokes nothing")
        missing = self.client.post(url, {"reason": "  "})
        self.assertContains(missing, "请填写撤销原因", status_code=400)
        issued.token.refresh_from_db()
        self.assertIsNone(issued.token.revoked_at)

        response = self.client.post(url, {"reason": "对接系统已停用"})
        self.assertRedirects(response, "/accounts/token/", fetch_redirect_response=False)
        issued.token.refresh_from_db()
        self.assertEqual((issued.token.revoked_by, issued.token.revoke_reason), (admin, "对接系统已停用"))
        self.assertIsNotNone(issued.token.revoked_at)
        event = Event.objects.get(event="api_token.revoked", object_id=str(issued.token.pk))
        self.assertEqual((event.user, event.detail["reason"], event.detail["owner"]),
                         (admin, "对接系统已停用", "t_shenyang_samr"))
        self.assertLess(timezone.now() - event.time, datetime.timedelta(minutes=1))

        refused = client.get(API)
        self.assertEqual(refused.status_code, 401)
        self.assertEqual(refused["WWW-Authenticate"], "Token")
        self.assertIn("已于", refusal(refused))
        self.assertIn("撤销，不能再使用", refusal(refused))

        again = self.client.post(url, {"reason": "再撤一次"})
        self.assertContains(again, "该令牌已于", status_code=400)
        self.assertEqual(Event.objects.filter(event="api_token.revoked").count(), 1)

    def test_an_expired_token_gets_401_with_its_date(self):
        with clock_at(EVENING_UTC - datetime.timedelta(days=3)):
            issued = api_token_issue(owner=self.users["shenyang_samr"], purpose="对接", actor=self.users["sysadmin"],
                                     expires_on=datetime.date(2020, 6, 4))
        with clock_at(datetime.datetime(2020, 6, 4, 15, 59, tzinfo=UTC)):  # 23:59 in Beijing: the last minute
            self.assertEqual(client_with(issued.secret).get(API).status_code, 200)
        with clock_at(datetime.datetime(2020, 6, 4, 16, 0, tzinfo=UTC)):  # midnight in Beijing
            response = client_with(issued.secret).get(API)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(refusal(response), "接口令牌已于 2020-06-04 到期，不能再使用。请联系管理员签发新的令牌。")

    def test_unknown_token_and_a_disabled_owner_get_401(self):
        self.assertEqual(client_with("rct_" + "x" * 43).get(API).status_code, 401)
        issued = api_token_issue(owner=self.users["shenyang_samr"], purpose="对接", actor=self.users["sysadmin"])
        owner = self.users["shenyang_samr"]
        owner.is_active = False
        owner.save()
        response = client_with(issued.secret).get(API)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(refusal(response), "接口令牌所属账号已停用。")
        self.login("sysadmin")
        self.assertIn("账号已停用", self._row(self.client.get("/accounts/token/").content.decode(), issued.token))

    def test_last_use_is_recorded_at_most_once_a_minute(self):
        issued = api_token_issue(owner=self.users["shenyang_samr"], purpose="对接", actor=self.users["sysadmin"])
        self.assertIsNone(issued.token.last_used_at)
        client = client_with(issued.secret)
        changes = ObjectChange.objects.count()
        with clock_at(EVENING_UTC):
            self.assertEqual(client.get(API).status_code, 200)
        issued.token.refresh_from_db()
        self.assertEqual(issued.token.last_used_at, EVENING_UTC)
        with clock_at(EVENING_UTC + datetime.timedelta(seconds=50)):
            client.get(API)
        issued.token.refresh_from_db()
        self.assertEqual(issued.token.last_used_at, EVENING_UTC)
        later = EVENING_UTC + datetime.timedelta(minutes=3)
        with clock_at(later):
            client.get(API)
        issued.token.refresh_from_db()
        self.assertEqual(issued.token.last_used_at, later)
        self.assertEqual(ObjectChange.objects.count(), changes, "a use is bookkeeping, not a change")
        # a refused request does not count as a use
        api_token_revoke(token=issued.token, reason="停用", actor=self.users["sysadmin"])
        with clock_at(later + datetime.timedelta(minutes=5)):
            self.assertEqual(client.get(API).status_code, 401)
        issued.token.refresh_from_db()
        self.assertEqual(issued.token.last_used_at, later)


class WhoMayTests(WorldTestCase):
    def test_business_users_and_the_audit_administrator_get_403(self):
        issued = api_token_issue(owner=self.users["shenyang_samr"], purpose="对接", actor=self.users["sysadmin"])
        urls = ("/accounts/token/", "/accounts/token/issue/", f"/accounts/token/{issued.token.pk}/revoke/")
        for key in ("shenyang_samr", "shenyang_office", "province_office", "auditadmin"):
            self.login(key)
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 403, (key, url))
            self.assertEqual(self.client.post(urls[1], {"owner": self.users[key].pk, "purpose": "x"}).status_code, 403)
            self.assertEqual(self.client.post(urls[2], {"reason": "x"}).status_code, 403, key)
            self.assertNotIn("/accounts/token/", self.client.get("/").content.decode(), key)
        issued.token.refresh_from_db()
        self.assertIsNone(issued.token.revoked_at)
        self.assertEqual(ApiToken.objects.count(), 1)
        with self.assertRaises(PermissionDenied):
            api_token_revoke(token=issued.token, reason="x", actor=self.users["shenyang_office"])

    def test_the_menu_offers_the_token_list_to_the_two_administrators(self):
        for key in ("sysadmin", "secadmin"):
            self.login(key)
            self.assertContains(self.client.get("/"), 'href="/accounts/token/"')

    def test_an_administrators_token_is_outside_the_scope_404(self):
        # issued on the command line: the pages neither list nor revoke it
        issued = api_token_issue(owner=self.users["secadmin"], purpose="安全巡检脚本", actor=None)
        self.login("sysadmin")
        self.assertNotIn(f'id="token-{issued.token.pk}"', self.client.get("/accounts/token/").content.decode())
        url = f"/accounts/token/{issued.token.pk}/revoke/"
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, {"reason": "x"}).status_code, 404)
        self.assertEqual(self.client.get("/accounts/token/999999/revoke/").status_code, 404)
        with self.assertRaises(PermissionDenied):
            api_token_revoke(token=issued.token, reason="x", actor=self.users["sysadmin"])
        issued.token.refresh_from_db()
        self.assertIsNone(issued.token.revoked_at)


class CommandLineTests(WorldTestCase):
    def test_the_command_issues_a_working_token_for_any_account(self):
        out, err = io.StringIO(), io.StringIO()
        call_command("issue_api_token", "t_sysadmin", "--purpose", "运维脚本", "--expires",
                     (timezone.localdate() + datetime.timedelta(days=10)).isoformat(), stdout=out, stderr=err)
        secret = out.getvalue().strip()
        self.assertRegex(secret, SECRET)
        token = ApiToken.objects.get(owner=self.users["sysadmin"])
        self.assertEqual((token.purpose, token.issued_by), ("运维脚本", None))
        self.assertEqual(client_with(secret).get("/api/accounts/user/").status_code, 200)

    @override_settings(RECTIFY_API_TOKENS={"DEFAULT_DAYS": 7, "MAX_DAYS": 30})
    def test_the_command_keeps_the_bounds(self):
        from django.core.management import CommandError

        with self.assertRaises(CommandError):
            call_command("issue_api_token", "t_shenyang_samr", "--purpose", "x", "--expires",
                         (timezone.localdate() + datetime.timedelta(days=31)).isoformat(), stdout=io.StringIO(),
                         stderr=io.StringIO())
        call_command("issue_api_token", "t_shenyang_samr", "--purpose", "x", stdout=io.StringIO(), stderr=io.StringIO())
        self.assertEqual(ApiToken.objects.get().expires_on, timezone.localdate() + datetime.timedelta(days=7))


class LegacyTokenTests(WorldTestCase):
    """Tokens of DRF's authtoken app, issued before the upgrade, keep working as ApiTokens, and their
    clear-text keys leave the database."""

    def test_legacy_tokens_are_adopted_and_their_keys_removed(self):
        migration = importlib.import_module("rectify.accounts.migrations.0004_api_tokens")
        owner = self.users["shenyang_samr"]
        key = "0123456789abcdef0123456789abcdef01234567"
        with connection.cursor() as cursor:
            cursor.execute('CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, "created" timestamp, '
                           '"user_id" integer)')
            cursor.execute('INSERT INTO authtoken_token ("key", "created", "user_id") VALUES (%s, %s, %s)',
                           [key, datetime.datetime(2020, 5, 1, 2, 0), owner.pk])
        try:
            # the migration reads nothing of its schema editor but the connection
            migration.adopt_legacy_tokens(apps, SimpleNamespace(connection=connection))
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM authtoken_token")
                self.assertEqual(cursor.fetchone()[0], 0)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE authtoken_token")
        token = ApiToken.objects.get(owner=owner)
        self.assertEqual(token.created_at, datetime.datetime(2020, 5, 1, 2, 0, tzinfo=UTC))
        self.assertEqual(token.expires_on, timezone.localdate() + datetime.timedelta(days=90))
        self.assertEqual(client_with(key).get(API).status_code, 200)


class ServiceRuleTests(WorldTestCase):
    def test_a_revocation_needs_its_reason(self):
        issued = api_token_issue(owner=self.users["shenyang_samr"], purpose="对接", actor=self.users["sysadmin"])
        with self.assertRaises(ValidationError) as caught:
            api_token_revoke(token=issued.token, reason="", actor=self.users["sysadmin"])
        self.assertIn("reason", caught.exception.error_dict)
