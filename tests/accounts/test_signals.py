"""signals.py: logins, failed ones included, are audited without the password."""
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
