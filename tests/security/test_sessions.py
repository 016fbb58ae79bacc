"""Item 4: idle and absolute session limits, key rotation at login, logout and disabling end
sessions, unused accounts disabled."""
import io
import time
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from rectify.accounts.models import User
from rectify.accounts.services import user_update
from rectify.core.audit.models import Event
from rectify.testing import WorldTestCase

from .helpers import password_login


def _age(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


class SessionTests(WorldTestCase):
    def test_session_key_rotates_at_login(self):
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store["planted"] = "by an attacker"  # session fixation: a key known before login
        store.save()
        self.client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
        self.assertEqual(password_login(self.client, self.users["shenyang_samr"]).status_code, 302)
        new_key = self.client.cookies[settings.SESSION_COOKIE_NAME].value
        self.assertNotEqual(new_key, store.session_key)
        self.assertFalse(Session.objects.filter(session_key=store.session_key).exists())

    def test_idle_for_30_minutes_ends_the_session(self):
        password_login(self.client, self.users["shenyang_samr"])
        _age(self.client, rectify_seen=29 * 60)
        self.assertEqual(self.client.get("/").status_code, 200)
        _age(self.client, rectify_seen=31 * 60)
        response = self.client.get("/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/accounts/login/"))
        self.assertEqual(self.client.get("/").status_code, 302, "logged out, not just redirected once")
        self.assertTrue(Event.objects.filter(event="session.expired", detail__reason="idle").exists())

    def test_twelve_hours_in_all_end_the_session(self):
        password_login(self.client, self.users["shenyang_samr"])
        _age(self.client, rectify_started=11 * 3600, rectify_seen=0)
        self.assertEqual(self.client.get("/").status_code, 200)
        _age(self.client, rectify_started=12 * 3600 + 60, rectify_seen=0)
        self.assertEqual(self.client.get("/").status_code, 302)
        self.assertTrue(Event.objects.filter(event="session.expired", detail__reason="absolute").exists())

    def test_api_session_gets_401_when_expired(self):
        password_login(self.client, self.users["sysadmin"])
        _age(self.client, rectify_seen=31 * 60)
        self.assertEqual(self.client.get("/api/accounts/user/").status_code, 401)

    def test_logout_deletes_the_session(self):
        password_login(self.client, self.users["shenyang_samr"])
        key = self.client.session.session_key
        self.assertTrue(Session.objects.filter(session_key=key).exists())
        self.client.post("/accounts/logout/")
        self.assertFalse(Session.objects.filter(session_key=key).exists())

    def test_disabling_a_user_ends_all_their_sessions(self):
        user = self.users["shenyang_samr"]
        other = Client()
        password_login(self.client, user)
        password_login(other, user)
        bystander = Client()
        password_login(bystander, self.users["dalian_samr"])
        keys = {self.client.session.session_key, other.session.session_key}
        user_update(obj=user, data={"is_active": False}, actor=self.users["sysadmin"])
        self.assertFalse(Session.objects.filter(session_key__in=keys).exists())
        self.assertTrue(Session.objects.filter(session_key=bystander.session.session_key).exists())
        self.assertEqual(bystander.get("/").status_code, 200)


class InactiveAccountTests(WorldTestCase):
    def test_accounts_unused_for_90_days_are_disabled(self):
        stale, fresh, never = self.users["shenyang_samr"], self.users["dalian_samr"], self.users["heping_samr"]
        old = timezone.now() - timezone.timedelta(days=91)
        User.objects.filter(pk=stale.pk).update(last_login=old)
        User.objects.filter(pk=fresh.pk).update(last_login=timezone.now() - timezone.timedelta(days=89))
        User.objects.filter(pk=never.pk).update(last_login=None, date_joined=old)
        password_login(self.client, stale)  # would log in now: make sure the session is ended too
        User.objects.filter(pk=stale.pk).update(last_login=old)
        call_command("disable_inactive_users", stdout=io.StringIO())
        self.assertFalse(User.objects.get(pk=stale.pk).is_active)
        self.assertFalse(User.objects.get(pk=never.pk).is_active)
        self.assertTrue(User.objects.get(pk=fresh.pk).is_active)
        self.assertEqual(self.client.get("/").status_code, 302)
        self.assertTrue(Event.objects.filter(event="user.disabled_inactive", object_id=str(stale.pk)).exists())

    def test_task_is_scheduled(self):
        from rectify.accounts.tasks import disable_inactive_users
        from rectify.celery import app

        names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
        self.assertIn(disable_inactive_users.name, names)
        self.assertIn(disable_inactive_users.name, app.tasks)
