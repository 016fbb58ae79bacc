"""Item 2: five failed logins lock the account for 30 minutes; attempts and locks are audited."""
from django.utils import timezone

from rectify.core.audit.models import Event
from rectify.testing import PASSWORD, WorldTestCase

from .helpers import password_login


class LockoutTests(WorldTestCase):
    def test_five_failures_lock_for_thirty_minutes(self):
        user = self.users["shenyang_samr"]
        for i in range(4):
            password_login(self.client, user, f"wrong-{i}")
            user.refresh_from_db()
            self.assertEqual(user.failed_logins, i + 1)
            self.assertIsNone(user.locked_until)
        response = password_login(self.client, user, "wrong-4")
        self.assertContains(response, "账号已锁定")
        user.refresh_from_db()
        minutes = (user.locked_until - timezone.now()).total_seconds() / 60
        self.assertTrue(29 < minutes <= 30, minutes)
        locked = Event.objects.get(event="account.locked", object_id=str(user.pk))
        self.assertEqual(locked.outcome, Event.FAILURE)
        self.assertEqual(Event.objects.filter(event="login.failed").count(), 5)

        # the right password is refused during the lock, and the refusal is audited
        response = password_login(self.client, user)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "账号已锁定")
        self.assertTrue(Event.objects.filter(event="login.locked", object_id=str(user.pk)).exists())
        self.assertEqual(self.client.get("/").status_code, 302)

        # 30 minutes later (moved back instead of waited for) it opens, and the counter is reset
        user.locked_until = timezone.now() - timezone.timedelta(seconds=1)
        user.save()
        self.assertEqual(password_login(self.client, user).status_code, 302)
        user.refresh_from_db()
        self.assertEqual((user.failed_logins, user.locked_until), (0, None))

        # no attempt left a password behind in the audit log
        for event in Event.objects.all():
            self.assertNotIn("wrong-", str(event.detail))
            self.assertNotIn(PASSWORD, str(event.detail))

    def test_success_resets_the_counter(self):
        user = self.users["shenyang_samr"]
        for i in range(4):
            password_login(self.client, user, f"wrong-{i}")
        self.assertEqual(password_login(self.client, user).status_code, 302)
        user.refresh_from_db()
        self.assertEqual(user.failed_logins, 0)

    def test_a_lock_ends_an_existing_session(self):
        user = self.users["shenyang_samr"]
        self.client.force_login(user)
        self.assertEqual(self.client.get("/").status_code, 200)
        user.locked_until = timezone.now() + timezone.timedelta(minutes=30)
        user.save()
        self.assertEqual(self.client.get("/").status_code, 302)

    def test_security_admin_unlocks(self):
        from django.core.exceptions import PermissionDenied

        from rectify.accounts.services import user_unlock

        user = self.users["shenyang_samr"]
        user.locked_until = timezone.now() + timezone.timedelta(minutes=30)
        user.save()
        with self.assertRaises(PermissionDenied):
            user_unlock(user=user, actor=self.users["sysadmin"])
        user_unlock(user=user, actor=self.users["secadmin"])
        user.refresh_from_db()
        self.assertIsNone(user.locked_until)
        self.assertTrue(Event.objects.filter(event="account.unlocked", object_id=str(user.pk)).exists())
