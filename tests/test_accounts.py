from django.core.exceptions import ValidationError

from rectify.accounts.models import Role, User
from rectify.accounts.services import user_set_roles, validate_role_combination
from rectify.core.audit.models import Event
from rectify.testing import ModelScopeTests, WorldTestCase


class UserTests(ModelScopeTests):
    model = User
    visible_to = ("sysadmin", "secadmin")
    hidden_from = ()
    history_hidden_from = ("sysadmin", "secadmin")  # the audit administrator's (三员分立)
    writer = "sysadmin"
    deleter = None
    no_permission_user = "shenyang_samr"

    @classmethod
    def make_object(cls, unit):
        return User.objects.create_user(username="zhangsan", password="x", unit=unit, full_name="张三")

    def form_data(self, unit):
        return {"username": "lisi", "full_name": "李四", "unit": unit.pk, "phone": "13800000000", "email": "",
                "officer_number": "", "is_active": "on"}

    def update_data(self, obj):
        return {"username": obj.username, "full_name": "张三丰", "unit": obj.unit_id, "phone": "", "email": "",
                "officer_number": "", "is_active": "on"}

    def test_business_users_cannot_reach_accounts(self):
        for key in ("shenyang_office", "province_office", "auditadmin"):
            self.login(key)
            self.assertEqual(self.client.get("/accounts/user/").status_code, 403, key)


class RoleSeparationTests(WorldTestCase):
    def test_three_administrators_cannot_be_combined(self):
        for pair in ({"sys_admin", "sec_admin"}, {"sys_admin", "audit_admin"}, {"sec_admin", "audit_admin"}):
            with self.assertRaises(ValidationError):
                validate_role_combination(pair)
        with self.assertRaises(ValidationError):
            validate_role_combination({"sys_admin", "clerk"})
        validate_role_combination({"clerk", "reviewer"})

    def test_role_change_is_audited_and_reserved_to_security_admin(self):
        target = self.users["shenyang_samr"]
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            user_set_roles(user=target, role_codes={"reviewer"}, actor=self.users["sysadmin"])
        user_set_roles(user=target, role_codes={"reviewer", "clerk"}, actor=self.users["secadmin"])
        self.assertEqual(set(target.roles.values_list("code", flat=True)), {"reviewer", "clerk"})
        self.assertTrue(Event.objects.filter(event="user.roles", object_id=str(target.pk)).exists())

    def test_all_roles_exist(self):
        self.assertEqual(
            set(Role.objects.values_list("code", flat=True)),
            {"clerk", "reviewer", "office_admin", "leader", "auditor", "sys_admin", "sec_admin", "audit_admin"},
        )


class LoginAuditTests(WorldTestCase):
    def test_login_success_and_failure_are_audited(self):
        from rectify.testing import PASSWORD

        self.client.post("/accounts/login/", {"username": "t_shenyang_samr", "password": "wrong"})
        self.assertTrue(Event.objects.filter(event="login.failed", outcome="failure").exists())
        self.assertFalse(Event.objects.filter(detail__icontains="wrong").exists())
        response = self.client.post("/accounts/login/", {"username": "t_shenyang_samr", "password": PASSWORD})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Event.objects.filter(event="login", username="t_shenyang_samr").exists())
        self.assertEqual(self.client.get("/").status_code, 200)
