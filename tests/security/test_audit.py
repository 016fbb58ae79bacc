"""Item 7: audit records carry time with zone, user, IP, request id, event, object and outcome,
for logins, locks, role changes, data changes and exports — and never a password, a TOTP code
or a session id. Retention: at least 180 days."""
import io
import json

from django.core.management import CommandError, call_command
from django.test import override_settings

from rectify.accounts.services import user_set_roles
from rectify.core.audit.models import Event, ObjectChange
from rectify.testing import PASSWORD, WorldTestCase

from .helpers import code_for, full_login, password_login


def _leaves(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _leaves(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


@override_settings(RECTIFY_REQUIRE_2FA=True)
class AuditCompletenessTests(WorldTestCase):
    def test_audited_actions_and_no_secrets_in_the_logs(self):
        secrets = {PASSWORD}
        codes = set()  # six digits: compared with whole values (a timestamp may contain any six digits)
        # logins (failed and successful, with the second factor) and a lock
        user = self.users["auditadmin"]
        password_login(self.client, user, "Wrong-Guess-1")
        full_login(self.client, user)
        codes.add(code_for(user))
        secrets.add(self.client.session.session_key)
        from rectify.accounts.services import totp_secret

        secrets.add(totp_secret(user))
        login = Event.objects.filter(event="login", username=user.username).latest("id")
        self.assertIsNotNone(login.time.tzinfo)
        self.assertEqual(login.ip, "127.0.0.1")
        self.assertTrue(login.request_id)
        self.assertEqual((login.user_id, login.outcome, login.object_id), (user.pk, "success", str(user.pk)))
        failed = Event.objects.filter(event="login.failed").latest("id")
        self.assertEqual((failed.outcome, failed.detail["username"]), ("failure", user.username))

        victim = self.users["dalian_samr"]
        for i in range(5):
            password_login(self.client.__class__(), victim, f"Wrong-Guess-{i}")
        self.assertTrue(Event.objects.filter(event="account.locked", object_id=str(victim.pk)).exists())

        # a role change
        user_set_roles(user=self.users["shenyang_samr"], role_codes={"clerk", "reviewer"}, actor=self.users["secadmin"])
        change = Event.objects.get(event="user.roles")
        self.assertEqual(change.detail, {"before": ["clerk"], "after": ["clerk", "reviewer"]})

        # an export of a list, with the request id of the response
        response = self.client.get("/event/", {"export": "csv"})
        self.assertEqual(response.status_code, 200)
        export = Event.objects.get(event="export")
        self.assertEqual((export.user_id, export.detail["model"], export.detail["format"]),
                         (user.pk, "core.Event", "csv"))
        self.assertEqual(export.request_id, response["X-Request-ID"])

        # a data change through a page, by the system administrator
        admin = self.users["sysadmin"]
        from django.test import Client

        admin_client = Client()
        full_login(admin_client, admin)
        secrets.add(admin_client.session.session_key)
        response = admin_client.post("/org/department/add/", {"code": "aud", "name": "审计测试", "short_name": "审",
                                                              "line": "market", "order": 1})
        self.assertEqual(response.status_code, 302)
        created = ObjectChange.objects.get(action="create", content_type__model="department", after__code="aud")
        self.assertEqual((created.user_id, created.request_id), (admin.pk, response["X-Request-ID"]))
        self.assertIsNotNone(created.time.tzinfo)

        # nothing secret anywhere in the logs
        blobs = [json.dumps(e.detail, ensure_ascii=False) + e.object_repr for e in Event.objects.all()]
        blobs += [json.dumps([c.before, c.after], ensure_ascii=False) for c in ObjectChange.objects.all()]
        for secret in secrets:
            self.assertTrue(secret)
            self.assertFalse([b for b in blobs if secret in b], f"secret found in the audit log: {secret[:4]}…")
        self.assertFalse([b for b in blobs if "Wrong-Guess" in b])
        leaves = [str(v) for e in Event.objects.all() for v in _leaves(e.detail)]
        leaves += [str(v) for c in ObjectChange.objects.all() for v in _leaves([c.before, c.after])]
        self.assertFalse(codes & set(leaves), "a TOTP code in the audit log")
        # user rows are logged with the password and the TOTP secret masked
        user_changes = ObjectChange.objects.filter(content_type__model="user", object_id=str(user.pk))
        self.assertTrue(user_changes.exists())
        for c in user_changes:
            for snap in (c.before or {}, c.after or {}):
                self.assertIn(snap.get("password", "******"), ("******", "", None))
                self.assertIn(snap.get("totp_secret", "******"), ("******", "", None))


class RetentionTests(WorldTestCase):
    def test_purge_refuses_less_than_180_days_and_deletes_nothing(self):
        from rectify.core.audit.events import record_event
        from rectify.core.current import acting_as

        with acting_as(None):
            record_event("test.event")
        with self.assertRaises(CommandError):
            call_command("purge_audit", "--older-than-days", "179")
        out = io.StringIO()
        before = Event.objects.count()
        call_command("purge_audit", "--older-than-days", "180", stdout=out)
        self.assertIn("审计事件 0 条", out.getvalue())
        self.assertEqual(Event.objects.count(), before)
