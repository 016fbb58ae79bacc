"""Information sharing: a bulletin reaches the chosen departments' units in the chosen cities, an
urgent report the provincial office; each receiving unit is told, has it on its desk and signs for
it once (who, when in Beijing time); the rules hold on the page and the API."""
from __future__ import annotations

from rectify.core import clock
from rectify.core.models import Notification
from rectify.core.workflow.desk import desk_for
from rectify.fieldwork.models import Bulletin, BulletinReceipt
from rectify.fieldwork.services import bulletin_recipients
from rectify.organisations.models import Department, Region
from rectify.testing import WorldTestCase

ADD, API = "/fieldwork/bulletin/add/", "/api/fieldwork/bulletin/"


def dept(code: str) -> int:
    return Department.objects.get(code=code).pk


def region(code: str) -> int:
    return Region.objects.get(code=code).pk


class BulletinRuleTests(WorldTestCase):
    def data(self, **changes):
        return {"unit": self.unit("210100-samr").pk, "kind": "public_opinion", "issued_on": clock.today().isoformat(),
                "title": "网传某药店高价销售口罩", "content": "经核实，系个别药店行为，已立案调查",
                "to_departments": [dept("police"), dept("commerce")], "to_regions": [region("210100")], **changes}

    def test_a_bulletin_without_departments_or_regions_is_a_field_error_on_the_page_and_the_api(self):
        self.login("shenyang_samr")
        response = self.client.post(ADD, self.data(to_departments=[], to_regions=[]))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.context["form"].errors), {"to_departments", "to_regions"})
        response = self.api("shenyang_samr").post(API, self.data(to_regions=[]), format="json")
        self.assertEqual(response.status_code, 400, response.content[:400])
        self.assertEqual(list(response.json()), ["to_regions"])
        self.assertFalse(Bulletin.objects.exists())

    def test_a_choice_that_reaches_no_unit_is_refused(self):
        # Shenyang Customs does not cover Dalian
        response = self.api("shenyang_samr").post(
            API, self.data(to_departments=[dept("customs_sy")], to_regions=[region("210200")]), format="json")
        self.assertEqual(response.status_code, 400, response.content[:400])
        self.assertIn("没有可接收通报的单位", response.json()["to_regions"][0])
        self.assertFalse(Bulletin.objects.exists())

    def test_the_recipients_are_the_departments_units_in_the_cities_and_the_province(self):
        units = bulletin_recipients(kind="subject", departments=[dept("samr"), dept("customs_dl"), dept("police")],
                                    regions=[region("210600"), region("210000")], sender=self.unit("210000-samr"))
        codes = {u.code for u in units}
        self.assertIn("210600-samr", codes)
        self.assertIn("210200-customs_dl", codes, "a customs district reaches the cities it covers")
        self.assertIn("210000-police", codes)
        self.assertNotIn("210000-samr", codes, "not the sender")
        self.assertNotIn("210600-office", codes)
        self.assertNotIn("210100-samr", codes)

    def test_a_sent_bulletin_is_not_rewritten(self):
        response = self.api("shenyang_samr").post(API, self.data(), format="json")
        self.assertEqual(response.status_code, 201, response.content[:400])
        url = f"{API}{response.json()['id']}/"
        api = self.api("shenyang_samr")
        self.assertEqual(api.patch(url, {"title": "改"}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"]).status_code,
                         405)


class BulletinReceiptTests(WorldTestCase):
    def test_the_receivers_are_told_sign_once_and_the_sender_sees_who_read_it_when(self):
        response = self.api("shenyang_samr").post(API, {
            "unit": self.unit("210100-samr").pk, "kind": "complaint_analysis", "issued_on": clock.today().isoformat(),
            "title": "本周投诉举报分析", "content": "价格类投诉占六成", "to_departments": [dept("police")],
            "to_regions": [region("210100"), region("210000")]}, format="json")
        self.assertEqual(response.status_code, 201, response.content[:400])
        bulletin = Bulletin.objects.get(pk=response.json()["id"])
        self.assertEqual({u.code for u in bulletin.recipients.all()}, {"210100-police", "210000-police"})
        police = self.users["shenyang_police"]
        self.assertTrue(Notification.objects.filter(user=police, title__contains="待签收").exists())
        self.assertTrue(any(i.obj == bulletin for i in desk_for(police).items))

        self.assertEqual(self.api_step("dalian_samr", bulletin, "read").status_code, 404)
        refused = self.api_step("shenyang_office", bulletin, "read")  # sees it by its city, is no recipient
        self.assertEqual(refused.status_code, 403)
        self.assertIn("仅接收单位可以签收", refused.json()["detail"])
        self.assertEqual(self.api_step("shenyang_police", bulletin, "read").status_code, 200)
        receipt = BulletinReceipt.objects.get(bulletin=bulletin)
        self.assertEqual((receipt.unit.code, receipt.user), ("210100-police", police))
        self.assertFalse(any(i.obj == bulletin for i in desk_for(police).items), "a signed bulletin leaves the desk")
        again = self.api_step("shenyang_police", bulletin, "read")
        self.assertEqual(again.status_code, 403)
        self.assertIn("本单位已签收", again.json()["detail"])
        self.assertTrue(any(i.obj == bulletin for i in desk_for(self.users["province_police"]).items),
                        "the other receiving unit has not signed yet")

        self.login("shenyang_samr")
        page = self.client.get(bulletin.get_absolute_url())
        self.assertContains(page, "已签收 1 / 2 个单位")
        self.assertContains(page, clock.format_moment(receipt.read_at))
        self.assertContains(page, "未签收")

    def test_an_urgent_report_goes_straight_to_the_provincial_office(self):
        self.login("shenyang_samr")
        response = self.client.post(ADD, {
            "unit": self.unit("210100-samr").pk, "kind": "urgent", "issued_on": clock.today().isoformat(),
            "title": "某企业涉嫌大量生产假冒口罩", "content": "已查封仓库，请省专项办协调公安介入",
            "to_departments": [], "to_regions": []})
        self.assertEqual(response.status_code, 302, response.content[:400])
        bulletin = Bulletin.objects.get()
        self.assertEqual([u.code for u in bulletin.recipients.all()], ["210000-office"])
        office = self.users["province_office"]
        self.assertTrue(Notification.objects.filter(user=office, title__contains="待签收").exists())
        item = next(i for i in desk_for(office).items if i.obj == bulletin)
        self.assertIsNotNone(item)
