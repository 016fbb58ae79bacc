"""Accounts are rolled out in the application (docs/security.md, item 22): the system administrator creates
an account (page or xlsx import), the person sets a password through a one-time link (or changes an
initial password at first login), logs in and enrols the second factor; all of it audited."""
from __future__ import annotations

import datetime
import re
from unittest import mock

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from rectify.accounts.models import User
from rectify.accounts.services import account_issue_link, user_create
from rectify.core.audit.models import Event, ObjectChange
from rectify.core.generic.exports import write_xlsx
from rectify.organisations.models import Unit
from rectify.testing import WorldTestCase
from tests.security.helpers import code_for, password_login

NEW_PASSWORD = "Liaoning-2020!ok"
WEAK_PASSWORD = "abcdefgh"  # long enough, but one character class only
LINK = re.compile(r"/accounts/setup/[^/\s<\"]+/[^/\s<\"]+/")
HEADERS = ["用户名", "姓名", "单位代码", "手机", "邮箱", "角色"]
GOOD_ROWS = [
    ["sy_samr_zhao", "赵一", "210100-samr", "13800000001", "zhao@example.gov.cn", "数据录入员、审核员"],
    ["sy_police_qian", "钱二", "210100-police", "13800000002", "", "数据录入员"],
    ["dl_samr_sun", "孙三", "210200-samr", "", "sun@example.gov.cn", "领导"],
]


def xlsx(rows, name: str = "accounts.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, write_xlsx(HEADERS, rows, sheet="账号"))


def links_in(response) -> list[str]:
    return LINK.findall(response.content.decode())


class LinkRolloutTests(WorldTestCase):
    def _create_through_the_page(self) -> User:
        self.login("sysadmin")
        response = self.client.post("/accounts/user/add/", {
            "username": "wangwu", "full_name": "王五", "unit": self.unit("210100-samr").pk, "phone": "13800000000",
            "email": "wangwu@example.gov.cn", "officer_number": "", "is_active": "on"})
        self.assertEqual(response.status_code, 302, response.content[:500])
        account = User.objects.get(username="wangwu")
        self.assertFalse(account.has_usable_password())
        self.assertTrue(Event.objects.filter(event="account.created", object_id=str(account.pk),
                                             user=self.users["sysadmin"], detail__via="single").exists())
        return account

    def test_created_account_sets_its_own_password_through_a_one_time_link(self):
        account = self._create_through_the_page()
        page = self.client.get(f"/accounts/user/{account.pk}/")
        self.assertContains(page, "签发一次性设置密码链接")
        self.assertContains(page, "未设置（待本人通过一次性链接设置）")

        with self.captureOnCommitCallbacks(execute=True):
            issued = self.client.post(f"/accounts/user/{account.pk}/link/")
        self.assertEqual(issued.status_code, 200)
        self.assertIn("no-store", issued["Cache-Control"])
        [link] = links_in(issued)
        self.assertContains(issued, "http://testserver" + link)
        [message] = mail.outbox
        self.assertEqual(message.to, ["wangwu@example.gov.cn"])
        self.assertIn("http://testserver" + link, message.body)
        event = Event.objects.get(event="account.link_issued", object_id=str(account.pk))
        self.assertEqual((event.user, event.detail["emailed"], event.detail["reset"]),
                         (self.users["sysadmin"], True, False))
        token = link.rstrip("/").rsplit("/", 1)[1]
        logged = [*Event.objects.values_list("detail", flat=True),
                  *ObjectChange.objects.values_list("after", flat=True)]
        for row in logged:
            self.assertNotIn(token, str(row))

        person = Client()
        self.assertContains(person.get(link), "设置登录密码")
        weak = person.post(link, {"new_password1": WEAK_PASSWORD, "new_password2": WEAK_PASSWORD})
        self.assertEqual(weak.status_code, 200)
        self.assertContains(weak, "密码须包含大写字母、小写字母、数字、特殊字符中的至少 3 类。")
        account.refresh_from_db()
        self.assertFalse(account.has_usable_password())

        done = person.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        self.assertRedirects(done, "/accounts/login/", fetch_redirect_response=False)
        account.refresh_from_db()
        self.assertTrue(account.check_password(NEW_PASSWORD))
        self.assertFalse(account.must_change_password)  # chosen by the person under the policy
        self.assertTrue(Event.objects.filter(event="account.password_set", object_id=str(account.pk),
                                             user=account).exists())

        # single use: the link is dead, and a second submission changes nothing
        again = Client()
        self.assertContains(again.get(link), "链接已失效", status_code=400)
        other = "Another-pass-2020!"
        self.assertEqual(again.post(link, {"new_password1": other, "new_password2": other}).status_code, 400)
        account.refresh_from_db()
        self.assertTrue(account.check_password(NEW_PASSWORD))

        with override_settings(RECTIFY_REQUIRE_2FA=True):
            browser = Client()
            self.assertEqual(password_login(browser, account, NEW_PASSWORD).status_code, 302)
            home = browser.get("/")
            self.assertEqual(home.status_code, 302)
            self.assertTrue(home["Location"].startswith("/accounts/totp/enrol/"), home["Location"])
            browser.get("/accounts/totp/enrol/")
            enrolled = browser.post("/accounts/totp/enrol/", {"code": code_for(account), "next": "/"})
            self.assertRedirects(enrolled, "/", fetch_redirect_response=False)
            self.assertEqual(browser.get("/").status_code, 200)  # no forced change left
        account.refresh_from_db()
        self.assertTrue(account.has_totp)

    def test_expired_link_is_refused(self):
        account = user_create(data={"username": "late", "full_name": "迟到", "unit": self.unit("210100-samr")},
                              actor=self.users["sysadmin"])
        issued_at = timezone.now() - datetime.timedelta(hours=73)
        with mock.patch("django.utils.timezone.now", return_value=issued_at):
            link = account_issue_link(user=account, actor=self.users["sysadmin"]).url
        person = Client()
        self.assertContains(person.get(link), "链接已失效", status_code=400)
        response = person.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        self.assertEqual(response.status_code, 400)
        account.refresh_from_db()
        self.assertFalse(account.has_usable_password())
        # within the 72 hours the same kind of link works
        with mock.patch("django.utils.timezone.now", return_value=timezone.now() - datetime.timedelta(hours=71)):
            fresh = account_issue_link(user=account, actor=self.users["sysadmin"]).url
        self.assertEqual(Client().get(fresh).status_code, 200)

    def test_a_new_link_or_initial_password_ends_the_earlier_one(self):
        account = user_create(data={"username": "twice", "full_name": "两次", "unit": self.unit("210100-samr")},
                              actor=self.users["sysadmin"])
        first = account_issue_link(user=account, actor=self.users["sysadmin"]).url
        second = account_issue_link(user=account, actor=self.users["sysadmin"]).url
        self.assertEqual(Client().get(first).status_code, 400)
        self.assertEqual(Client().get(second).status_code, 200)
        self.login("sysadmin")
        self.client.post(f"/accounts/user/{account.pk}/initial-password/")
        self.assertEqual(Client().get(second).status_code, 400)

    def test_initial_password_is_shown_once_and_changed_at_first_login(self):
        account = user_create(data={"username": "chen", "full_name": "陈六", "unit": self.unit("210200-samr"),
                                    "email": "chen@example.gov.cn"}, actor=self.users["sysadmin"])
        self.login("sysadmin")
        with self.captureOnCommitCallbacks(execute=True):
            page = self.client.post(f"/accounts/user/{account.pk}/initial-password/")
        self.assertEqual(page.status_code, 200)
        self.assertIn("no-store", page["Cache-Control"])
        password = re.search(r'id="initial-password">([^<]+)<', page.content.decode())[1]
        self.assertEqual(mail.outbox, [])  # a password is never mailed
        self.assertTrue(Event.objects.filter(event="account.initial_password", object_id=str(account.pk)).exists())
        self.assertFalse(any(password in str(d) for d in Event.objects.values_list("detail", flat=True)))

        with override_settings(RECTIFY_REQUIRE_2FA=True):
            browser = Client()
            self.assertEqual(password_login(browser, account, password).status_code, 302)
            self.assertTrue(browser.get("/")["Location"].startswith("/accounts/totp/enrol/"))
            browser.get("/accounts/totp/enrol/")
            browser.post("/accounts/totp/enrol/", {"code": code_for(account), "next": "/"})
            forced = browser.get("/")
            self.assertTrue(forced["Location"].startswith("/accounts/password/"), forced["Location"])
            changed = browser.post("/accounts/password/", {"old_password": password, "new_password1": NEW_PASSWORD,
                                                           "new_password2": NEW_PASSWORD, "next": "/"})
            self.assertEqual(changed.status_code, 302)
            self.assertEqual(browser.get("/").status_code, 200)

    def test_a_used_account_is_reset_by_the_security_administrator_only(self):
        account = self.users["shenyang_samr"]
        account.last_login = timezone.now()
        account.save(update_fields=["last_login"])
        self.login("sysadmin")
        self.assertEqual(self.client.post(f"/accounts/user/{account.pk}/link/").status_code, 403)
        self.assertNotContains(self.client.get(f"/accounts/user/{account.pk}/"), "签发一次性设置密码链接")
        self.assertEqual(self.client.post(f"/accounts/user/{self.users['sysadmin'].pk}/link/").status_code, 403)
        self.login("secadmin")
        response = self.client.post(f"/accounts/user/{account.pk}/link/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(links_in(response)), 1)
        self.assertTrue(Event.objects.filter(event="account.link_issued", object_id=str(account.pk),
                                             detail__reset=True).exists())

    def test_non_administrators_cannot_import_or_issue(self):
        target = self.users["shenyang_samr"]
        for key in ("shenyang_office", "province_office", "shenyang_samr_admin", "auditadmin"):
            self.login(key)
            self.assertEqual(self.client.get("/accounts/user/import/").status_code, 403, key)
            self.assertEqual(self.client.get("/accounts/user/import/?template=1").status_code, 403, key)
            for url in ("/accounts/user/import/", "/accounts/user/import/roles/"):
                self.assertEqual(self.client.post(url, {"file": xlsx(GOOD_ROWS)}).status_code, 403, (key, url))
            self.assertEqual(self.client.post(f"/accounts/user/{target.pk}/link/").status_code, 403, key)
            self.assertEqual(self.client.post(f"/accounts/user/{target.pk}/initial-password/").status_code, 403, key)
        self.assertFalse(User.objects.filter(username="sy_samr_zhao").exists())
        self.assertFalse(Event.objects.filter(event__in=["account.link_issued", "account.initial_password"]).exists())
        # 三员分立: the security administrator does not create accounts, the system administrator grants no roles
        self.login("secadmin")
        self.assertEqual(self.client.post("/accounts/user/import/", {"file": xlsx(GOOD_ROWS)}).status_code, 403)
        self.login("sysadmin")
        self.assertEqual(self.client.post("/accounts/user/import/roles/", {"file": xlsx(GOOD_ROWS)}).status_code, 403)
        self.assertFalse(User.objects.filter(username="sy_samr_zhao").exists())


class ImportTests(WorldTestCase):
    def test_a_bad_row_stops_the_file_and_is_named_then_the_fixed_file_creates_all(self):
        self.login("sysadmin")
        self.assertEqual(self.client.get("/accounts/user/import/").status_code, 200)
        template = self.client.get("/accounts/user/import/?template=1")
        self.assertEqual(template.status_code, 200)
        self.assertIn(b"PK", template.content[:2])

        bad = ["sy_customs_li", "李四", "219999-samr", "13800000004", "li@example.gov.cn", ""]
        response = self.client.post("/accounts/user/import/", {"file": xlsx([*GOOD_ROWS, bad])})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "第5行", status_code=400)
        self.assertContains(response, "单位代码“219999-samr”不存在或已停用", status_code=400)
        self.assertFalse(User.objects.filter(username__in=[r[0] for r in [*GOOD_ROWS, bad]]).exists())
        self.assertFalse(Event.objects.filter(event__in=["account.created", "account.link_issued"]).exists())

        fixed = [*GOOD_ROWS, [*bad[:2], "210100-customs_sy", *bad[3:]]]
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/accounts/user/import/", {"file": xlsx(fixed)})
        self.assertEqual(response.status_code, 200, response.content[:1000])
        created = User.objects.filter(username__in=[r[0] for r in fixed])
        self.assertEqual(created.count(), 4)
        self.assertEqual(set(created.values_list("unit__code", flat=True)),
                         {"210100-samr", "210100-police", "210200-samr", "210100-customs_sy"})
        self.assertFalse(any(u.roles.exists() for u in created))  # roles are the security administrator's
        self.assertFalse(any(u.has_usable_password() for u in created))
        links = links_in(response)
        self.assertEqual(len(links), 4)
        for username in (r[0] for r in fixed):
            self.assertContains(response, username)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox),
                         ["li@example.gov.cn", "sun@example.gov.cn", "zhao@example.gov.cn"])
        self.assertEqual(Event.objects.filter(event="account.created", detail__via="import").count(), 4)
        self.assertEqual(Event.objects.filter(event="account.link_issued").count(), 4)

        # the security administrator grants the roles from the same file
        self.login("secadmin")
        response = self.client.post("/accounts/user/import/roles/", {"file": xlsx(fixed)})
        self.assertEqual(response.status_code, 200, response.content[:1000])
        self.assertEqual(User.objects.get(username="sy_samr_zhao").role_codes, {"clerk", "reviewer"})
        self.assertEqual(User.objects.get(username="dl_samr_sun").role_codes, {"leader"})
        self.assertEqual(User.objects.get(username="sy_customs_li").role_codes, set())  # no roles in its row
        self.assertEqual(Event.objects.filter(event="user.roles", user=self.users["secadmin"]).count(), 3)

        # and each person's link works
        person = Client()
        response = person.post(links[0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(User.objects.get(username=fixed[0][0]).check_password(NEW_PASSWORD))

    def test_every_kind_of_row_error_is_named_by_row_and_column(self):
        self.login("sysadmin")
        rows = [
            GOOD_ROWS[0],
            ["sy_samr_zhao", "重复", "210100-samr", "", "", ""],             # 3: repeats row 2
            ["t_shenyang_samr", "已有", "210100-samr", "", "", ""],          # 4: username taken
            ["bad name!", "", "210100-samr", "call me", "not-an-email", ""],  # 5: four errors
            ["ok_user", "好", "210100-samr", "", "", "总经理、系统管理员"],   # 6: unknown role
            ["mix_user", "混", "210100-samr", "", "", "系统管理员、数据录入员"],  # 7: admin with a business role
        ]
        response = self.client.post("/accounts/user/import/", {"file": xlsx(rows)})
        self.assertEqual(response.status_code, 400)
        errors = [(e.row, e.column) for e in response.context["errors"]]
        for expected in [(3, "用户名"), (4, "用户名"), (5, "用户名"), (5, "姓名"), (5, "手机"), (5, "邮箱"),
                         (6, "角色"), (7, "角色")]:
            self.assertIn(expected, errors)
        self.assertNotIn(2, [row for row, _column in errors])
        self.assertContains(response, "与第2行重复", status_code=400)
        self.assertContains(response, "没有名为“总经理”的角色", status_code=400)
        self.assertFalse(User.objects.filter(username__in=["sy_samr_zhao", "ok_user", "mix_user"]).exists())

    def test_the_role_file_refuses_an_administrator_with_a_business_role_and_grants_nothing(self):
        before = self.users["shenyang_samr"].role_codes
        rows = [["t_shenyang_samr", "", "", "", "", "审核员"],
                ["t_dalian_samr", "", "", "", "", "系统管理员、数据录入员"]]
        self.login("secadmin")
        response = self.client.post("/accounts/user/import/roles/", {"file": xlsx(rows)})
        self.assertEqual(response.status_code, 400)
        self.assertEqual([(e.row, e.column) for e in response.context["errors"]], [(3, "角色")])
        self.assertContains(response, "管理员账号不能同时担任业务角色。", status_code=400)
        self.assertEqual(User.objects.get(username="t_shenyang_samr").role_codes, before)
        self.assertFalse(Event.objects.filter(event="user.roles").exists())

    def test_a_whole_province_in_one_file(self):
        units = list(Unit.objects.filter(is_active=True).order_by("code"))
        self.assertGreaterEqual(len(units), 112)  # 14 cities × 8 departments and more
        rows = [[f"u_{unit.code.replace('-', '_')}", f"联络员{i}", unit.code, "", "", "数据录入员"]
                for i, unit in enumerate(units)]
        self.login("sysadmin")
        response = self.client.post("/accounts/user/import/", {"file": xlsx(rows)})
        self.assertEqual(response.status_code, 200, response.content[:1000])
        self.assertEqual(User.objects.filter(username__startswith="u_").count(), len(units))
        self.assertEqual(len(links_in(response)), len(units))
