"""Generic scope tests for the users the accounts app registers, and who reaches the account pages."""
from rectify.accounts.models import User
from rectify.testing import ModelScopeTests


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
