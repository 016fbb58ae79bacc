"""Item 1: password policy, history, forced change at first login and after 90 days."""
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from rectify.accounts.models import PasswordHistory
from rectify.testing import PASSWORD, WorldTestCase


def _codes(password: str, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return {e.code for e in exc.error_list}
    return set()


class PasswordPolicyTests(WorldTestCase):
    def test_complexity_username_and_common_passwords(self):
        user = self.users["shenyang_samr"]  # username t_shenyang_samr
        self.assertIn("password_too_short", _codes("Ab1!xyz", user))
        self.assertIn("password_too_simple", _codes("abcdefgh12", user))  # 2 classes
        self.assertIn("password_too_simple", _codes("ABCDEFGHIJ!!", user))
        self.assertIn("password_contains_username", _codes("X1!t_Shenyang_SAMR", user))
        self.assertIn("password_too_common", _codes("P@ssw0rd", user))
        self.assertEqual(_codes("Qiang-Zhi9", user), set())

    @override_settings(RECTIFY_PASSWORD_POLICY={"MIN_LENGTH": 12, "MIN_CLASSES": 4})
    def test_policy_is_configurable(self):
        user = self.users["shenyang_samr"]
        self.assertIn("password_too_short", _codes("Qiang-Zhi9", user))
        self.assertIn("password_too_simple", _codes("qiangzhiqiang-9", user))
        self.assertEqual(_codes("Qiang-Zhi9-Long", user), set())

    def test_none_of_the_last_five(self):
        user = self.users["shenyang_samr"]
        passwords = [f"Rotate-{i}-Pw" for i in range(7)]
        for pw in passwords:
            validate_password(pw, user)
            user.set_password(pw)
            user.save()
        self.assertEqual(PasswordHistory.objects.filter(user=user).count(), 5)
        for pw in passwords[-5:]:
            self.assertIn("password_reused", _codes(pw, user), pw)
        self.assertNotIn("password_reused", _codes(passwords[0], user))
        # only hashes are kept
        self.assertFalse(PasswordHistory.objects.filter(password__contains="Rotate").exists())


class ForcedChangeTests(WorldTestCase):
    def _login(self, key):
        user = self.users[key]
        self.client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
        return user

    def test_first_login_forces_a_change(self):
        user = self.users["shenyang_samr"]
        user.must_change_password = True
        user.save()
        self._login("shenyang_samr")
        response = self.client.get("/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/accounts/password/"))
        page = self.client.get(response["Location"])
        self.assertContains(page, "请先修改密码后再使用系统")
        # the policy applies on the page
        bad = self.client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "abcdefgh",
                                                       "new_password2": "abcdefgh"})
        self.assertEqual(bad.status_code, 200)
        self.assertContains(bad, "至少 3 类")
        reused = self.client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": PASSWORD,
                                                          "new_password2": PASSWORD})
        self.assertContains(reused, "最近 5 次")
        ok = self.client.post("/accounts/password/?next=/", {"old_password": PASSWORD, "new_password1": "Xin-Mima-2025",
                                                             "new_password2": "Xin-Mima-2025", "next": "/"})
        self.assertEqual(ok.status_code, 302)
        user.refresh_from_db()
        self.assertFalse(user.must_change_password)
        self.assertTrue(user.check_password("Xin-Mima-2025"))
        self.assertEqual(self.client.get("/").status_code, 200)  # still logged in, free to go

    def test_password_older_than_90_days_forces_a_change(self):
        user = self.users["shenyang_samr"]
        self._login("shenyang_samr")
        self.assertEqual(self.client.get("/").status_code, 200)
        user.password_changed_at = timezone.now() - timezone.timedelta(days=91)
        user.save()
        response = self.client.get("/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/accounts/password/"))
        user.password_changed_at = timezone.now() - timezone.timedelta(days=89)
        user.save()
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_setting_a_password_starts_the_clock(self):
        user = self.users["shenyang_samr"]
        user.password_changed_at = None
        user.set_password("Xin-Mima-2025")
        self.assertIsNotNone(user.password_changed_at)
