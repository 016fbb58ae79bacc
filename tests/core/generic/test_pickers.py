"""Forms that know their user (core.generic.pickers, core.generic.autocomplete): searchable pickers
answered from the form's own scoped field, the city → county cascade within the user's regions, the
unit of the record's line preselected, short multiple choices as checkboxes, one-line short text and
dates typed as 年-月-日."""
from __future__ import annotations

import re

from rectify.enforcement.models import Complaint
from rectify.enterprises.models import Enterprise
from rectify.fieldwork.models import Inspection
from rectify.organisations.models import Region, Unit
from rectify.testing import WorldTestCase
from tests.fieldwork import factories as f

PICK_ENTERPRISE = "/pick/fieldwork/inspection/enterprise/"


def option_values(html: str, name: str) -> list[str]:
    """The option values of the select named `name` in `html`."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def selected_value(html: str, name: str) -> str | None:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    found = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return found.group(1) if found else None


class PickerEndpointTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.shenyang = [f.enterprise("210100", name=f"沈阳拣选测试口罩厂{i:02d}号") for i in range(25)]
        cls.dalian = f.enterprise("210200", name="大连拣选测试口罩厂")
        cls.coded = Enterprise.objects.create(name="沈阳代码测试公司", credit_code="91210100MA0QFT8Y3K",
                                              region=Region.objects.get(code="210100"))

    def pick(self, key: str | None, url: str = PICK_ENTERPRISE, **params):
        if key:
            self.login(key)
        return self.client.get(url, params)

    def test_answers_only_the_users_scope_a_page_at_a_time(self):
        body = self.pick("shenyang_office", q="拣选测试").json()
        self.assertEqual(len(body["results"]), 20)
        self.assertTrue(body["more"])
        rest = self.client.get(PICK_ENTERPRISE, {"q": "拣选测试", "page": 2}).json()
        self.assertEqual(len(rest["results"]), 5)
        self.assertFalse(rest["more"])
        ids = {r["id"] for r in body["results"] + rest["results"]}
        self.assertEqual(ids, {e.pk for e in self.shenyang})
        self.assertNotIn(self.dalian.pk, ids)

    def test_a_user_of_another_city_gets_none_of_the_citys_enterprises(self):
        body = self.pick("dalian_office", q="拣选测试").json()
        self.assertEqual([r["id"] for r in body["results"]], [self.dalian.pk])
        self.assertEqual(body["results"][0]["text"], "大连拣选测试口罩厂")

    def test_finds_by_credit_code_and_shows_it(self):
        body = self.pick("shenyang_samr", q="ma0qft8y").json()
        self.assertEqual(body["results"], [{"id": self.coded.pk, "text": "沈阳代码测试公司（91210100MA0QFT8Y3K）"}])

    def test_bad_parameters_are_a_clear_400(self):
        self.login("shenyang_office")
        for params, words in [({"q": "口" * 51}, "过长"), ({"q": "口罩\x00"}, "控制字符"), ({"page": "abc"}, "页码"),
                              ({"page": "0"}, "页码"), ({"page": "99999999999999999999999"}, "页码")]:
            response = self.client.get(PICK_ENTERPRISE, params)
            self.assertEqual(response.status_code, 400, params)
            self.assertIn(words, response.json()["error"])
        for field in ("date", "nonexistent", "notes"):
            response = self.client.get(f"/pick/fieldwork/inspection/{field}/", {"q": "x"})
            self.assertEqual(response.status_code, 400, field)
            self.assertIn("不是可搜索选择的字段", response.json()["error"])
        self.assertEqual(self.client.get("/pick/fieldwork/nosuchmodel/enterprise/").status_code, 404)

    def test_anonymous_and_read_only_users_get_nothing(self):
        response = self.pick(None, q="拣选测试")
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn("拣选测试".encode(), response.content)
        response = self.pick("shenyang_leader", q="拣选测试")
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("拣选测试", response.content.decode())

    def test_persons_are_the_officers_of_the_users_units(self):
        mine = f.officers(self.unit("210100-samr"))
        theirs = f.officers(self.unit("210200-samr"))
        body = self.pick("shenyang_samr", url="/pick/fieldwork/inspection/inspectors/", q="执法员").json()
        ids = {r["id"] for r in body["results"]}
        self.assertTrue({u.pk for u in mine} <= ids)
        self.assertFalse({u.pk for u in theirs} & ids)


class InspectionFormTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ent = f.enterprise("210100", name="沈阳表单测试口罩厂")
        cls.other = f.enterprise("210200", name="大连表单测试口罩厂")

    def test_the_page_holds_no_enterprise_list_and_the_lines_unit_is_preselected(self):
        self.login("shenyang_office")
        html = self.client.get("/fieldwork/inspection/add/").content.decode()
        self.assertNotIn("表单测试口罩厂", html)
        self.assertIn('data-picker="/pick/fieldwork/inspection/enterprise/"', html)
        self.assertEqual(option_values(html, "enterprise"), [""])
        # the office enters an inspection for the city's market-regulation bureau, not for itself
        self.assertEqual(selected_value(html, "unit"), str(self.unit("210100-samr").pk))
        date = re.search(r'<input type="text" name="date"[^>]*>', html).group(0)
        self.assertIn('placeholder="年-月-日', date)

    def test_units_offered_are_the_market_lines_members(self):
        self.login("shenyang_office")
        body = self.client.get("/pick/fieldwork/inspection/unit/").json()
        units = Unit.objects.filter(pk__in=[r["id"] for r in body["results"]]).select_related("department")
        self.assertTrue(units)
        self.assertEqual({u.department.line for u in units}, {"market"})
        self.assertFalse(any(u.is_office for u in units))
        self.assertIn(self.unit("210100-samr"), units)

    def test_chosen_value_stays_after_an_error_and_out_of_scope_ids_are_refused(self):
        self.login("shenyang_samr")
        team = f.officers(self.unit("210100-samr"))
        data = {"unit": self.unit("210100-samr").pk, "enterprise": self.ent.pk, "date": "05/21/2020",
                "inspectors": [u.pk for u in team], "staff_dispatched": 2, "outcome_mask": "passed"}
        response = self.client.post("/fieldwork/inspection/add/", data)
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        self.assertIn("请按“年-月-日”填写日期", html)
        # without JavaScript the chosen enterprise and officers are still in the page, selected
        self.assertEqual(selected_value(html, "enterprise"), str(self.ent.pk))
        self.assertIn(team[0].username, html)
        response = self.client.post("/fieldwork/inspection/add/", {**data, "date": "2020-05-21",
                                                                    "enterprise": self.other.pk})
        self.assertEqual(response.status_code, 400)
        self.assertIn("enterprise", response.context["form"].errors)
        self.assertNotIn("大连表单测试口罩厂", response.content.decode())
        self.assertFalse(Inspection.objects.filter(enterprise=self.other).exists())
        response = self.client.post("/fieldwork/inspection/add/", {**data, "date": "2020-5-21"})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Inspection.objects.filter(enterprise=self.ent, date="2020-05-21").exists())

    def test_a_police_unit_is_refused_for_an_inspection(self):
        self.login("shenyang_office")
        team = f.officers(self.unit("210100-samr"))
        response = self.client.post("/fieldwork/inspection/add/", {
            "unit": self.unit("210100-police").pk, "enterprise": self.ent.pk, "date": "2020-05-21",
            "inspectors": [u.pk for u in team], "staff_dispatched": 2, "outcome_mask": "passed"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("unit", response.context["form"].errors)


class EnterpriseFormTests(WorldTestCase):
    def test_a_city_user_sees_the_city_and_its_counties_only(self):
        self.login("shenyang_office")
        html = self.client.get("/enterprises/enterprise/add/").content.decode()
        shenyang = Region.objects.get(code="210100")
        self.assertEqual(option_values(html, "region"), ["", str(shenyang.pk)])
        self.assertEqual(selected_value(html, "region"), str(shenyang.pk))
        counties = set(Region.objects.filter(parent=shenyang).values_list("pk", flat=True))
        offered = {int(v) for v in option_values(html, "county") if v}
        self.assertEqual(offered, counties)
        county = re.search(r'<select name="county"[^>]*>', html).group(0)
        self.assertIn('data-cascade-from="id_region"', county)
        self.assertIn(f'data-parent="{shenyang.pk}"', html)
        # the product categories are a row of checkboxes
        self.assertEqual(len(re.findall(r'<input type="checkbox"[^>]*name="categories"', html)), 8)

    def test_a_county_of_another_city_is_refused(self):
        self.login("shenyang_office")
        dalian_county = Region.objects.get(code="210202")
        response = self.client.post("/enterprises/enterprise/add/", {
            "name": "级联测试公司", "entity_type": "company", "region": Region.objects.get(code="210100").pk,
            "county": dalian_county.pk, "credit_status": "normal"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("county", response.context["form"].errors)
        self.assertFalse(Enterprise.objects.filter(name="级联测试公司").exists())

    def test_the_province_sees_every_city(self):
        self.login("province_office")
        html = self.client.get("/enterprises/enterprise/add/").content.decode()
        self.assertEqual(len([v for v in option_values(html, "region") if v]),
                         Region.objects.filter(level="city").count())


class ComplaintFormTests(WorldTestCase):
    def test_short_personal_fields_are_single_lines(self):
        self.login("shenyang_samr")
        html = self.client.get("/enforcement/complaint/add/").content.decode()
        for name, length in (("reporter_name", 50), ("reporter_phone", 30), ("reporter_id_number", 18)):
            tag = re.search(rf'<(input|textarea)[^>]*name="{name}"[^>]*>', html).group(0)
            self.assertTrue(tag.startswith('<input type="text"'), tag)
            self.assertIn(f'maxlength="{length}"', tag)
        self.assertNotIn("textarea", re.search(r'name="reporter_name"[^>]*>', html).group(0))

    def test_an_id_number_longer_than_18_is_refused(self):
        self.login("shenyang_samr")
        response = self.client.post("/enforcement/complaint/add/", {
            "unit": self.unit("210100-samr").pk, "number": "TS-LEN-1", "kind": "tip", "channel": "hotline",
            "received_on": "2020-05-20", "reporter_id_number": "2" * 19, "content": "测试"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("reporter_id_number", response.context["form"].errors)
        self.assertFalse(Complaint.objects.filter(number="TS-LEN-1").exists())
