"""The owner side of every record (core.access.scope): seeing a row is not owning it.

The generic kit (`ModelScopeTests.test_only_the_owner_side_writes`) tries every world user on
every registered record model; these tests add every pair of units on one model, and the named
attacks: a receiver editing the sender's lead, a published exposure rewritten, a sealed decision
changed, a joint-punishment decision created by a clerk, the province's listings removed by a city."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from rectify.core.access.scope import can
from rectify.core.audit.chain import verify_all
from rectify.enforcement import services as s
from rectify.enforcement.models import Case, Exposure, Lead, Supervision
from rectify.fieldwork.models import CovertVisit
from rectify.organisations.models import Region, Unit
from rectify.testing import WORLD_USERS, WorldTestCase, owner_side
from tests.enforcement.helpers import case, d, enterprise, unit
from tests.fieldwork import factories as f


def _etag(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response["ETag"]


class EveryPairOfUnitsTests(WorldTestCase):
    def test_inspections_owned_by_each_unit_are_written_by_its_owner_side_only(self):
        owners = Unit.objects.filter(code__in={code for code, _ in WORLD_USERS.values()}).select_related(
            "region", "department")
        checked = 0
        for owner in owners:
            inspection = f.inspection(owner, f.enterprise(owner.city.code if owner.city.code != "210000" else "210100"))
            for key, (_code, roles) in WORLD_USERS.items():
                user = self.users[key]
                sees = type(inspection).objects.restrict(user).filter(pk=inspection.pk).exists()
                writes = (bool({"clerk", "reviewer", "office_admin"} & set(roles)) and sees
                          and owner_side(user.unit, owner))
                with self.subTest(owner=owner.code, user=key):
                    self.assertEqual(can(user, "change", inspection), writes)
                checked += 1
        self.assertGreaterEqual(len(owners), 11)  # the province, two cities, a county; offices, lines, customs
        self.assertEqual(checked, len(owners) * len(WORLD_USERS))


class NamedAttacksTests(WorldTestCase):
    def test_the_receiver_of_a_pending_transfer_cannot_edit_the_senders_lead(self):
        lead = Lead.objects.create(unit=unit("210100-samr"), source="complaint", description="某店高价销售口罩")
        s.lead_transfer(lead=lead, to_unit=unit("210102-samr"), reason="属地管辖", actor=self.users["shenyang_samr"])
        api = self.api("heping_samr")
        url = f"/api/enforcement/lead/{lead.pk}/"
        response = api.patch(url, {"description": "改写"}, format="json", HTTP_IF_MATCH=_etag(api, url))
        self.assertEqual(response.status_code, 403)
        self.assertIn("只能查看", response.json()["detail"])
        self.assertEqual(Lead.objects.get(pk=lead.pk).description, "某店高价销售口罩")

    def test_a_published_exposure_changes_only_through_a_new_review(self):
        office = self.users["shenyang_office"]
        exposure = Exposure.objects.create(unit=unit("210100-office"), title="某店哄抬口罩价格案",
                                           public_text="当事人哄抬口罩价格，被罚款5万元。")
        s.exposure_review(exposure=exposure, actor=office)
        s.exposure_publish(exposure=Exposure.objects.get(pk=exposure.pk), actor=office)
        api = self.api("shenyang_office")
        url = f"/api/enforcement/exposure/{exposure.pk}/"
        response = api.patch(url, {"public_text": "举报人张三，电话13912345678"}, format="json",
                             HTTP_IF_MATCH=_etag(api, url))
        self.assertEqual(response.status_code, 400)
        self.assertIn("撤回", str(response.json()))
        self.assertEqual(api.delete(f"{url}?reason=撤下").status_code, 400)
        self.assertEqual(Exposure.objects.get(pk=exposure.pk).public_text, "当事人哄抬口罩价格，被罚款5万元。")
        with self.assertRaises(ValidationError):
            s.exposure_withdraw(exposure=exposure, reason=" ", actor=office)
        s.exposure_withdraw(exposure=exposure, reason="补充处罚结果", actor=office)
        withdrawn = Exposure.objects.get(pk=exposure.pk)
        self.assertEqual((withdrawn.status, withdrawn.published_on), (Exposure.Status.DRAFT, None))
        response = api.patch(url, {"public_text": "当事人哄抬口罩价格，被罚款5万元并没收违法所得。"}, format="json",
                             HTTP_IF_MATCH=_etag(api, url))
        self.assertEqual(response.status_code, 200, response.content[:300])

    def _decided_case(self) -> Case:
        clerk = self.users["shenyang_samr"]
        c = case(unit("210100-samr"), ent=enterprise("210100"))
        s.case_transition(case=c, to="filed", actor=clerk, filed_on=d("2020-05-20"))
        s.case_transition(case=c, to="investigated", actor=clerk, staff_dispatched=4, units_investigated=1)
        return s.case_transition(case=c, to="decided", actor=clerk, decision_number="沈市监罚〔2020〕1号",
                                 decided_on=d("2020-06-01"), fine=Decimal("20000"))

    def test_every_sealed_field_of_a_decision_is_immutable(self):
        decided = self._decided_case()
        api = self.api("shenyang_samr")
        url = f"/api/enforcement/case/{decided.pk}/"
        response = api.patch(url, {"number": "改号-1"}, format="json", HTTP_IF_MATCH=_etag(api, url))
        self.assertEqual(response.status_code, 400, response.content[:300])
        self.assertIn("number", response.json())
        self.assertEqual(api.delete(f"{url}?reason=录错").status_code, 403)  # a clerk has no delete role
        office = self.api("shenyang_office")
        response = office.delete(f"{url}?reason=录错")
        self.assertEqual(response.status_code, 400)
        self.assertIn("签章", str(response.json()))
        self.assertEqual(verify_all()["enforcement.Case"], [])

    def test_a_decision_stays_sealed_after_the_transfer_to_the_police(self):
        decided = self._decided_case()
        s.case_transition(case=decided, to="transferred", actor=self.users["shenyang_samr"],
                          to_unit=unit("210100-police"), reason="涉嫌生产销售伪劣产品罪")
        transferred = Case.objects.get(pk=decided.pk)
        self.assertTrue(transferred.decision_issued)
        api = self.api("shenyang_samr")
        url = f"/api/enforcement/case/{decided.pk}/"
        response = api.patch(url, {"goods_value": "1"}, format="json", HTTP_IF_MATCH=_etag(api, url))
        self.assertEqual(response.status_code, 400, response.content[:300])
        self.assertIn("goods_value", response.json())
        transferred.fine = Decimal("1")
        with self.assertRaisesMessage(ValidationError, "不能修改"):
            transferred.save()  # any path through save(): a workflow step, an import
        self.assertEqual(Case.objects.get(pk=decided.pk).fine, Decimal("20000"))
        self.assertEqual(verify_all()["enforcement.Case"], [])

    def test_a_clerk_cannot_create_a_joint_punishment_decision(self):
        api = self.api("shenyang_samr")
        data = {"unit": unit("210100-samr").pk, "enterprise": enterprise("210100").pk, "decided_on": "2020-06-06",
                "basis": "联合约谈"}
        self.assertEqual(api.post("/api/enforcement/jointpunishment/", data, format="json").status_code, 405)
        self.login("shenyang_samr")
        self.assertEqual(self.client.get("/enforcement/jointpunishment/add/").status_code, 404)

    def test_a_city_office_cannot_delete_a_customs_export_check(self):
        from rectify.fieldwork.models import ExportCheck

        exporter = enterprise("210200")
        check = ExportCheck.objects.create(unit=unit("210200-customs_dl"), declaration_number="090120200009",
                                           checked_on=d("2020-05-28"), exporter=exporter, enterprise=exporter,
                                           category=f.category(), batches_checked=2, destination_country="意大利",
                                           action_taken="released")
        office = self.api("dalian_office")
        self.assertEqual(office.get(f"/api/fieldwork/exportcheck/{check.pk}/").status_code, 200)
        response = office.delete(f"/api/fieldwork/exportcheck/{check.pk}/?reason=重复")
        self.assertEqual(response.status_code, 403)
        self.assertIn("只能查看", response.json()["detail"])
        self.assertTrue(ExportCheck.objects.filter(pk=check.pk).exists())
        self.login("dalian_office")
        page = self.client.get(f"/fieldwork/exportcheck/{check.pk}/delete/")
        self.assertContains(page, "只能查看", status_code=403)
        province = self.api("province_office")
        self.assertEqual(province.delete(f"/api/fieldwork/exportcheck/{check.pk}/?reason=重复").status_code, 204)

    def test_the_visited_city_answers_a_covert_visit_but_cannot_change_or_delete_it(self):
        visit = CovertVisit.objects.create(unit=unit("210000-office"), visited_city=Region.objects.get(code="210100"),
                                           start_date=d("2020-06-02"), end_date=d("2020-06-04"), team="省专项办",
                                           findings="药店销售三无口罩", requirements="三日内整改",
                                           response_due=d("2020-06-10"))
        city = self.api("shenyang_office")
        url = f"/api/fieldwork/covertvisit/{visit.pk}/"
        self.assertEqual(city.delete(f"{url}?reason=已整改").status_code, 403)
        response = city.patch(url, {"findings": "无问题"}, format="json", HTTP_IF_MATCH=_etag(city, url))
        self.assertEqual(response.status_code, 403)
        from rectify.fieldwork import services as fw

        fw.covert_visit_respond(visit=visit, response="已下架并立案", responded_on=d("2020-06-08"),
                                actor=self.users["shenyang_office"])
        visit.refresh_from_db()
        self.assertEqual((visit.findings, visit.response), ("药店销售三无口罩", "已下架并立案"))

    def test_the_city_follows_up_a_listing_but_cannot_rewrite_or_remove_it(self):
        c = case(unit("210100-samr"), ent=enterprise("210100"))
        listing = Supervision.objects.create(case=c, listed_by=unit("210000-office"), listed_on=d("2020-05-25"),
                                             deadline=d("2020-06-20"), requirement="限期查结")
        city = self.api("shenyang_office")
        url = f"/api/enforcement/supervision/{listing.pk}/"
        response = city.patch(url, {"deadline": "2020-12-31"}, format="json", HTTP_IF_MATCH=_etag(city, url))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(city.delete(f"{url}?reason=已办结").status_code, 403)
        s.supervision_follow_up(supervision=listing, note="已约谈当事人", actor=self.users["shenyang_samr"])
        with self.assertRaisesMessage(Exception, "仅省专项工作组办公室和案件承办方可以填写督办跟踪"):
            s.supervision_follow_up(supervision=listing, note="越权", actor=self.users["shenyang_leader"])
        listing.refresh_from_db()
        self.assertEqual(listing.deadline, d("2020-06-20"))
        self.assertIn("已约谈当事人", listing.follow_ups)
