"""receivers.py: logins, failed ones included, and logouts are audited without the password; the
receivers are connected once, however often AccountsConfig.ready runs."""
from rectify.accounts import receivers
from rectify.core.audit.models import Event
from rectify.testing import PASSWORD, WorldTestCase


class LoginAuditTests(WorldTestCase):
    def test_login_success_and_failure_are_audited(self):
        self.client.post("/accounts/login/", {"username": "t_shenyang_samr", "password": "wrong"})
        self.assertTrue(Event.objects.filter(event="login.failed", outcome="failure").exists())
        self.assertFalse(Event.objects.filter(detail__icontains="wrong").exists())
        response = self.client.post("/accounts/login/", {"username": "t_shenyang_samr", "password": PASSWORD})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Event.objects.filter(event="login", username="t_shenyang_samr").exists())
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_each_sign_in_step_is_audited_once_after_connecting_again(self):
        receivers.connect()  # a second ready() (a test runner, a reload) must not double the receivers
        self.client.post("/accounts/login/", {"username": "t_shenyang_samr", "password": "wrong"})
        self.client.post("/accounts/login/", {"username": "t_shenyang_samr", "password": PASSWORD})
        self.client.post("/accounts/logout/")
        events = list(Event.objects.filter(event__in=["login.failed", "login", "logout"])
                      .order_by("pk").values_list("event", flat=True))
        self.assertEqual(events, ["login.failed", "login", "logout"])
