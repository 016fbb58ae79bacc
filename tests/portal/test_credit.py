"""Credit after a penalty: a list entry (abnormal operation, serious violation) carries its restrictions
and end date, sets the enterprise's credit status, and the public enterprise check shows the penalty
and the lists in force; the rules hold on the page, the API and a PATCH."""
from __future__ import annotations

import datetime
from decimal import Decimal

from rectify.core import clock
from rectify.enforcement import demo
from rectify.enforcement.models import CreditRecord
from rectify.enforcement.services import credit_standing
from rectify.enterprises.models import Enterprise
from rectify.organisations.demo import DemoContext
from rectify.testing import WorldTestCase
from tests.enforcement.factories import case
from tests.enterprises.factories import enterprise

ADD, API = "/enforcement/creditrecord/add/", "/api/enforcement/creditrecord/"


def days_ago(n: int) -> datetime.date:
    return clock.today() - datetime.timedelta(days=n)


class CreditTests(WorldTestCase):
    def setUp(self):
        self.firm = enterprise(self.unit("210100-samr"))

    def data(self, **changes):
        return {"unit": self.unit("210100-samr").pk, "enterprise": self.firm.pk, "case": "", "kind": "serious",
                "recorded_on": days_ago(1).isoformat(), "decision_number": "辽沈市监列严〔2020〕1号", "amount": "0",
                "summary": "因生产销售假冒伪劣口罩被列入严重违法失信名单",
                "restrictions": "法定代表人三年内不得担任其他企业的法定代表人；限制参与政府采购",
                "ends_on": days_ago(-3 * 365).isoformat(), "is_public": "on", **changes}

    def test_a_list_entry_without_its_restrictions_or_end_date_is_a_field_error(self):
        self.login("shenyang_samr")
        response = self.client.post(ADD, self.data(restrictions="", ends_on=""))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.context["form"].errors), {"restrictions", "ends_on"})
        api = self.api("shenyang_samr")
        response = api.post(API, {**self.data(ends_on=days_ago(2).isoformat()), "case": None, "is_public": True},
                            format="json")
        self.assertEqual(response.status_code, 400, response.content[:400])
        self.assertIn("ends_on", response.json())
        self.assertFalse(CreditRecord.objects.exists())
        self.firm.refresh_from_db()
        self.assertEqual(self.firm.credit_status, "normal")

    def test_the_list_sets_the_credit_status_and_the_public_check_shows_it_with_the_penalty(self):
        the_case = case(self.unit("210100-samr"))
        CreditRecord.objects.create(unit=self.unit("210100-samr"), enterprise=self.firm, case=the_case,
                                    recorded_on=days_ago(10), decision_number="辽沈市监罚〔2020〕7号",
                                    amount=Decimal("50000.00"), summary="销售不合格口罩")
        api = self.api("shenyang_samr")
        created = api.post(API, {**self.data(), "case": None, "is_public": True}, format="json")
        self.assertEqual(created.status_code, 201, created.content[:400])
        self.firm.refresh_from_db()
        self.assertEqual(self.firm.credit_status, "serious")

        page = self.client.get("/public/check/", {"q": self.firm.credit_code})
        self.assertContains(page, "列入严重违法失信名单")
        self.assertContains(page, "法定代表人三年内不得担任其他企业的法定代表人")
        self.assertContains(page, days_ago(-3 * 365).isoformat())
        self.assertContains(page, "辽沈市监罚〔2020〕7号")
        self.assertContains(page, "50000.00")

        # the entry ended: the enterprise is back to normal, its penalty stays on the record
        url = f"{API}{created.json()['id']}/"
        early = api.patch(url, {"ends_on": days_ago(5).isoformat()}, format="json",
                          HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(early.status_code, 400, "an end before the entry itself")
        self.assertIn("ends_on", early.json())
        record = CreditRecord.objects.get(pk=created.json()["id"])
        CreditRecord.objects.filter(pk=record.pk).update(recorded_on=days_ago(400), ends_on=days_ago(30))
        ended = api.patch(url, {"restrictions": record.restrictions + "（已期满）"}, format="json",
                          HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(ended.status_code, 200, ended.content[:400])
        self.assertEqual(Enterprise.objects.get(pk=self.firm.pk).credit_status, "normal")
        page = self.client.get("/public/check/", {"q": self.firm.credit_code})
        self.assertNotContains(page, "列入严重违法失信名单")
        self.assertContains(page, "正常（有行政处罚记录）")
        self.assertContains(page, "辽沈市监罚〔2020〕7号")

    def test_a_penalty_carries_no_restrictions_and_a_private_record_is_not_published(self):
        api = self.api("shenyang_samr")
        response = api.post(API, {**self.data(kind="penalty", ends_on=None), "case": None, "is_public": True},
                            format="json")
        self.assertEqual(response.status_code, 400, response.content[:400])
        self.assertIn("kind", response.json())
        hidden = api.post(API, {**self.data(kind="abnormal", ends_on=None, restrictions="不得享受评优评先"),
                                "case": None, "is_public": False}, format="json")
        self.assertEqual(hidden.status_code, 201, hidden.content[:400])
        self.firm.refresh_from_db()
        self.assertEqual(self.firm.credit_status, "abnormal")
        page = self.client.get("/public/check/", {"q": self.firm.credit_code})
        self.assertNotContains(page, "不得享受评优评先")


class CreditDemoTests(WorldTestCase):
    def test_the_demo_list_entries_keep_the_rules_and_set_the_credit_status(self):
        demo.seed(DemoContext())
        entries = CreditRecord.objects.filter(kind__in=CreditRecord.LISTS)
        self.assertTrue(entries.exists())
        for entry in entries:
            entry.full_clean()
            self.assertTrue(entry.restrictions)
            expected = credit_standing(entry.enterprise_id)
            self.assertEqual(Enterprise.objects.get(pk=entry.enterprise_id).credit_status, expected)
            if entry.in_force(clock.today()):
                self.assertNotEqual(expected, "normal", entry)
        self.assertTrue(Enterprise.objects.filter(credit_status="abnormal").exists(),
                        "an abnormal-operation entry without an end date is in force")
