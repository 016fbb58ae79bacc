"""Deletion is owned and explained: every deletion names its reason (page form, API `reason`
parameter, service keyword), which the change log keeps; deleting a record a submitted weekly
report counted is allowed but flagged to that unit's next report as a change to explain."""
from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from rectify.core.audit.models import Event, ObjectChange
from rectify.core.generic.services import object_delete
from rectify.core.registry import registry
from rectify.fieldwork.models import Inspection, InspectionOutcome
from rectify.organisations.models import Campaign
from rectify.reports import services as reports
from rectify.reports.corrections import pending_for
from rectify.reports.models import CountedChange, WeeklyReport
from rectify.testing import WorldTestCase
from tests.fieldwork import factories as f
from tests.reports.fixtures import build

D = datetime.date.fromisoformat


def _deletions(model, pk) -> list[ObjectChange]:
    ct = ContentType.objects.get_for_model(model)
    return list(ObjectChange.objects.filter(content_type=ct, object_id=str(pk), action=ObjectChange.DELETE))


class ReasonTests(WorldTestCase):
    def setUp(self):
        self.inspection = f.inspection(self.unit("210100-samr"))
        self.page = f"/fieldwork/inspection/{self.inspection.pk}/delete/"
        self.api_url = f"/api/fieldwork/inspection/{self.inspection.pk}/"

    def test_the_page_asks_for_the_reason_and_deletes_nothing_without_one(self):
        self.login("shenyang_office")
        form = self.client.get(self.page)
        self.assertContains(form, 'name="reason"')
        for blank in ({}, {"reason": ""}, {"reason": "   "}):
            response = self.client.post(self.page, blank)
            self.assertEqual(response.status_code, 400, blank)
            self.assertContains(response, "删除记录须填写删除原因", status_code=400)
            self.assertEqual(list(response.context["form"].errors), ["reason"])
        self.assertTrue(Inspection.objects.filter(pk=self.inspection.pk).exists())
        self.assertEqual(_deletions(Inspection, self.inspection.pk), [])

        response = self.client.post(self.page, {"reason": " 同一次排查重复录入 "})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Inspection.objects.filter(pk=self.inspection.pk).exists())
        [row] = _deletions(Inspection, self.inspection.pk)
        self.assertEqual((row.reason, row.user_id), ("同一次排查重复录入", self.users["shenyang_office"].pk))
        outcome_rows = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(InspectionOutcome),
                                                   action=ObjectChange.DELETE, request_id=row.request_id)
        self.assertEqual({r.reason for r in outcome_rows}, {"同一次排查重复录入"})  # the cascade says why too

    def test_the_api_answers_400_naming_reason_and_deletes_with_one(self):
        api = self.api("shenyang_office")
        for url in (self.api_url, f"{self.api_url}?reason=", f"{self.api_url}?reason=%20%20"):
            response = api.delete(url)
            self.assertEqual(response.status_code, 400, url)
            self.assertIn("reason", response.json())
        self.assertTrue(Inspection.objects.filter(pk=self.inspection.pk).exists())
        self.assertEqual(_deletions(Inspection, self.inspection.pk), [])

        self.assertEqual(api.delete(f"{self.api_url}?reason=%E4%BC%81%E4%B8%9A%E5%BD%95%E9%94%99").status_code, 204)
        [row] = _deletions(Inspection, self.inspection.pk)
        self.assertEqual(row.reason, "企业录错")

    def test_a_user_who_may_not_delete_is_refused_before_the_reason_is_asked(self):
        self.assertEqual(self.api("shenyang_samr").delete(self.api_url).status_code, 403)  # a clerk
        self.assertEqual(self.api("dalian_office").delete(self.api_url).status_code, 404)
        self.assertTrue(Inspection.objects.filter(pk=self.inspection.pk).exists())

    def test_the_service_requires_the_reason(self):
        office = self.users["shenyang_office"]
        with self.assertRaises(TypeError):
            object_delete(obj=self.inspection, actor=office)  # the reason is a required keyword
        with self.assertRaises(ValidationError) as refused:
            object_delete(obj=self.inspection, actor=office, reason=" \n")
        self.assertIn("reason", refused.exception.error_dict)
        with self.assertRaises(ValidationError) as refused:
            object_delete(obj=self.inspection, actor=office, reason="长" * 501)
        self.assertIn("reason", refused.exception.error_dict)
        self.assertTrue(Inspection.objects.filter(pk=self.inspection.pk).exists())

    def test_the_reason_is_shown_with_the_change_row(self):
        object_delete(obj=self.inspection, actor=self.users["shenyang_office"], reason="企业不在名录内")
        [row] = _deletions(Inspection, self.inspection.pk)
        self.login("auditadmin")
        page = self.client.get(registry.url_for(row, "detail"))
        self.assertContains(page, "企业不在名录内")

    def test_the_schema_documents_the_reason_parameter(self):
        self.login("shenyang_office")
        schema = self.client.get("/api/schema/", {"format": "json"}).json()
        delete = schema["paths"]["/api/fieldwork/inspection/{id}/"]["delete"]
        [reason] = [p for p in delete["parameters"] if p["name"] == "reason"]
        self.assertEqual((reason["in"], reason["required"]), ("query", True))
        self.assertIn("400", delete["responses"])


class CountedDeletionTests(WorldTestCase):
    """Shenyang submits its report of the week to 2020-06-04; an inspection it counted is then
    deleted; Shenyang's next report asks for an explanation of the change."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.records = build(cls.users)
        cls.campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")

    def _submit(self, report: WeeklyReport, explanations: dict[str, str] | None = None):
        return reports.report_submit(report=report, actor=self.users["shenyang_office"], narrative={}, filled_by="王芳",
                                     phone="024-12345678", explanations=explanations)

    def _week(self, day: str, city: str = "210100") -> WeeklyReport:
        reports.reports_open_week(campaign=self.campaign, day=D(day))
        return WeeklyReport.objects.get(unit__code=f"{city}-office", cutoff=reports.week_of(self.campaign, D(day))[1])

    def _inspection(self, day: str) -> Inspection:
        return Inspection.objects.get(enterprise=self.records["e1" if day != "2020-06-10" else "e2"], date=D(day))

    def test_a_deleted_counted_record_is_a_change_the_next_report_explains(self):
        first = self._week("2020-06-01")
        self._submit(first)
        counted = self._inspection("2020-05-20")  # 沈阳甲: 审评审批不合格, counted by the 06-04 report
        self.login("shenyang_office")
        response = self.client.post(f"/fieldwork/inspection/{counted.pk}/delete/", {"reason": "误将其他企业的排查记入"})
        self.assertEqual(response.status_code, 302)

        [change] = CountedChange.objects.all()
        self.assertEqual((change.kind, change.report, change.record_date, change.reason, change.changed_by),
                         ("deleted", first, D("2020-05-20"), "误将其他企业的排查记入", self.users["shenyang_office"]))
        self.assertTrue(Event.objects.filter(event="report.counted_change", object_id=str(first.pk)).exists())

        following = self._week("2020-06-08")
        page = self.client.get(f"/reports/weeklyreport/{following.pk}/")
        self.assertContains(page, "已报送数据的变动")
        self.assertContains(page, "误将其他企业的排查记入")
        self.assertContains(page, f'name="explain_counted_change:{change.pk}"')

        findings = reports.report_check(following, reports.snapshot_of(
            reports.compute_tables(self.campaign, reports.report_scope(following), following.cutoff)))
        self.assertEqual([x for x in findings if x.level == "error"], [])  # the drop below last week is explainable
        warnings = {x.key for x in findings if x.level == "warning"}
        self.assertIn(f"counted_change:{change.pk}", warnings)
        self.assertTrue(any(x.rule == "cumulative" for x in findings))  # 审评审批不合格 fell from 1 to 0

        with self.assertRaises(ValidationError) as refused:
            self._submit(following)
        self.assertIn("误将其他企业的排查记入", " ".join(refused.exception.messages))
        version = self._submit(following, {key: "已核实，删除的是重复记录" for key in warnings})
        change.refresh_from_db()
        self.assertEqual((change.explained_in, change.explanation), (version, "已核实，删除的是重复记录"))
        self.assertEqual(version.explanations[f"counted_change:{change.pk}"], "已核实，删除的是重复记录")
        self.assertEqual(list(pending_for(self._week("2020-06-15"))), [])

    def test_records_no_submitted_report_counted_are_not_flagged(self):
        later = self._inspection("2020-06-10")  # after the 06-04 cut-off
        before = self._inspection("2020-05-28")
        office = self.users["shenyang_office"]
        object_delete(obj=before, actor=office, reason="未报送前删除")  # nothing submitted yet
        self._submit(self._week("2020-06-01"))
        object_delete(obj=later, actor=office, reason="截至日之后的记录")
        dalian = Inspection.objects.get(enterprise=self.records["e3"])
        object_delete(obj=dalian, actor=self.users["dalian_office"], reason="大连未报送")
        self.assertEqual(CountedChange.objects.count(), 0)
