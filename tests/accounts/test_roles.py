"""services/roles.py: the three administrators stay apart, and only the security administrator grants
roles."""
from django.core.exceptions import PermissionDenied, ValidationError

from rectify.accounts.models import Role
from rectify.accounts.services import user_set_roles, validate_role_combination
from rectify.core.audit.models import Event
from rectify.testing import WorldTestCase


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
