"""A decided penalty never changes: the documented 更正 step keeps the sealed decision in force as a
sealed DecisionVersion and writes the corrected one under a new seal, in one transaction, with a
reason, by the case's owner side with the review role only."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from rectify.accounts.models import Role, User
from rectify.core.audit.chain import verify_all
from rectify.core.audit.events import events_for
from rectify.core.audit.integrity import compute, matches
from rectify.core.audit.models import ObjectChange
from rectify.enforcement import services as s
from rectify.enforcement.models import Case, CreditRecord, DecisionVersion
from rectify.organisations.models import Campaign
from rectify.reports import services as reports
from rectify.reports.models import CountedChange, WeeklyReport
from rectify.testing import PASSWORD, WorldTestCase

from .helpers import case, d, enterprise, unit


def step(obj, key: str) -> str:
    return reverse(f"enforcement:{obj._meta.model_name}_step", kwargs={"pk": obj.pk, "step": key})


class DecisionCorrectionTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        reviewer = User.objects.create_user(username="t_shenyang_samr_reviewer", password=PASSWORD,
                                            unit=unit("210100-samr"), full_name="审核员")
        reviewer.roles.set(Role.objects.filter(code="reviewer"))
        cls.reviewer = reviewer

    def setUp(self):
        clerk = self.users["shenyang_samr"]
        c = case(unit("210100-samr"), ent=enterprise("210100"))
        s.case_transition(case=c, to="filed", actor=clerk, filed_on=d("2020-05-20"))
        s.case_transition(case=c, to="investigated", actor=clerk, staff_dispatched=4, units_investigated=1)
        self.case = s.case_transition(case=c, to="decided", actor=clerk, decision_number="沈市监罚〔2020〕1号",
                                      decided_on=d("2020-06-01"), fine=Decimal("20000"))
        self.case.refresh_from_db()
        self.seal = self.case.integrity_code

    def _correct(self, actor=None, **fields):
        return s.case_decision_correct(case=self.case, actor=actor or self.reviewer, **fields)

    def test_a_correction_keeps_the_sealed_decision_and_seals_the_new_one(self):
        corrected = self._correct(reason="罚款金额计算有误，依法更正", fine=Decimal("15000"),
                                  confiscation=Decimal("3000"))
        stored = Case.objects.get(pk=self.case.pk)
        self.assertEqual((stored.fine, stored.confiscation), (Decimal("15000"), Decimal("3000")))
        self.assertNotEqual(stored.integrity_code, self.seal)
        self.assertTrue(matches(stored.integrity_fields(), stored.integrity_code))
        self.assertEqual(corrected.integrity_code, stored.integrity_code)

        [kept] = DecisionVersion.objects.filter(case=self.case)
        self.assertEqual((kept.number, kept.decision_seal, kept.reason, kept.corrected_by),
                         (1, self.seal, "罚款金额计算有误，依法更正", self.reviewer))
        self.assertEqual((kept.decision["fine"], kept.decision["decision_number"]), ("20000", "沈市监罚〔2020〕1号"))
        self.assertTrue(kept.decision_intact())  # exactly what the old seal covered
        self.assertEqual(compute(kept.decision), self.seal)
        report = verify_all()
        self.assertEqual((report["enforcement.Case"], report["enforcement.DecisionVersion"]), ([], []))

        change = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Case),
                                             object_id=str(self.case.pk), action=ObjectChange.UPDATE).first()
        self.assertEqual(change.reason, "罚款金额计算有误，依法更正")
        event = events_for(self.case).get(event="case.decision_correct")
        self.assertEqual((event.detail["reason"], event.detail["from"]["fine"], event.detail["to"]["fine"]),
                         ("罚款金额计算有误，依法更正", "20000.00", "15000"))
        credit = CreditRecord.objects.get(case=self.case)
        self.assertEqual(credit.amount, Decimal("18000"))

        self._correct(reason="决定书文号笔误", decision_number="沈市监罚〔2020〕2号")
        self.assertEqual(list(DecisionVersion.objects.filter(case=self.case).values_list("number", flat=True)), [1, 2])
        second = DecisionVersion.objects.get(case=self.case, number=2)
        self.assertEqual(second.decision_seal, corrected.integrity_code)
        self.assertEqual(verify_all()["enforcement.DecisionVersion"], [])

    def test_the_kept_decision_cannot_be_changed(self):
        self._correct(reason="罚款金额计算有误", fine=Decimal("15000"))
        kept = DecisionVersion.objects.get(case=self.case)
        kept.decision = {**kept.decision, "fine": "1"}
        with self.assertRaisesMessage(ValidationError, "不可修改"):
            kept.save()
        DecisionVersion.objects.filter(pk=kept.pk).update(decision={**kept.decision, "fine": "1"})  # behind its back
        self.assertEqual(verify_all()["enforcement.DecisionVersion"], [str(kept.pk)])

    def test_no_reason_no_correction(self):
        for reason in ("", "   "):
            with self.assertRaises(ValidationError) as refused:
                self._correct(reason=reason, fine=Decimal("15000"))
            self.assertIn("reason", refused.exception.error_dict)
        with self.assertRaises(ValidationError):
            self._correct(reason="没有改动", fine=Decimal("20000"))
        with self.assertRaises(ValidationError):
            self._correct(reason="改案由", title="其他案由")
        with self.assertRaises(ValidationError):  # a decision keeps a penalty
            self._correct(reason="免于处罚", fine=Decimal("0"))
        stored = Case.objects.get(pk=self.case.pk)
        self.assertEqual((stored.fine, stored.integrity_code), (Decimal("20000"), self.seal))
        self.assertFalse(DecisionVersion.objects.exists())

    def test_only_the_owner_side_with_the_review_role_corrects(self):
        for key in ("dalian_samr", "dalian_office", "shenyang_samr", "shenyang_leader", "shenyang_police"):
            with self.subTest(user=key), self.assertRaises(PermissionDenied):
                self._correct(actor=self.users[key], reason="越权更正", fine=Decimal("1"))
        self._correct(actor=self.users["shenyang_office"], reason="市专项办复核后更正", fine=Decimal("18000"))
        self.assertEqual(Case.objects.get(pk=self.case.pk).fine, Decimal("18000"))
        with self.assertRaises(ValidationError):  # a case not decided has no decision to correct
            s.case_decision_correct(case=case(unit("210100-samr")), actor=self.reviewer, reason="无", fine=Decimal("1"))

    def test_the_step_on_the_case_page(self):
        url = step(self.case, "correct_decision")
        self.client.force_login(self.reviewer)
        self.assertContains(self.client.get(self.case.get_absolute_url()), url)
        form = self.client.get(url)
        self.assertContains(form, "沈市监罚〔2020〕1号")  # prefilled with the decision in force
        data = {"decision_number": "沈市监罚〔2020〕1号", "decided_on": "2020-06-01", "fine": "12000",
                "goods_value": "0"}
        missing = self.client.post(url, data)
        self.assertEqual(missing.status_code, 400)
        self.assertContains(missing, "更正处罚决定须填写更正原因", status_code=400)
        self.assertFalse(DecisionVersion.objects.exists())
        response = self.client.post(url, {**data, "reason": "复议决定变更罚款"})
        self.assertRedirects(response, self.case.get_absolute_url(), fetch_redirect_response=False)
        page = self.client.get(self.case.get_absolute_url())
        self.assertContains(page, 'id="decision-versions"')
        self.assertContains(page, "复议决定变更罚款")
        history = self.client.get(reverse("enforcement:case_history", kwargs={"pk": self.case.pk}))
        self.assertContains(history, "复议决定变更罚款")

        self.login("shenyang_samr")  # a clerk: no button, and the service refuses a forged post
        self.assertNotContains(self.client.get(self.case.get_absolute_url()), url)
        self.client.post(url, {**data, "fine": "1", "reason": "越权"})
        self.login("dalian_samr")
        self.assertEqual(self.client.post(url, {**data, "fine": "1", "reason": "越权"}).status_code, 404)
        self.assertEqual(Case.objects.get(pk=self.case.pk).fine, Decimal("12000"))


class CorrectionBehindAReportTests(WorldTestCase):
    """A correction of a decision a submitted report counted is flagged to the city's next report,
    like a deletion; one that changes nothing the tables count (the document number) is not."""

    def test_a_counted_decision_corrected_is_flagged_to_the_next_report(self):
        campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")
        clerk, office = self.users["shenyang_samr"], self.users["shenyang_office"]
        c = case(unit("210100-samr"), ent=enterprise("210100"))
        s.case_transition(case=c, to="filed", actor=clerk, filed_on=d("2020-05-20"))
        s.case_transition(case=c, to="investigated", actor=clerk)
        decided = s.case_transition(case=c, to="decided", actor=clerk, decision_number="沈市监罚〔2020〕9号",
                                    decided_on=d("2020-06-01"), fine=Decimal("50000"))
        reports.reports_open_week(campaign=campaign, day=datetime.date(2020, 6, 1))
        first = WeeklyReport.objects.get(unit__code="210100-office", cutoff=datetime.date(2020, 6, 4))
        reports.report_submit(report=first, actor=office, narrative={}, filled_by="王芳", phone="1")

        s.case_decision_correct(case=decided, actor=office, reason="文号笔误", decision_number="沈市监罚〔2020〕10号")
        self.assertFalse(CountedChange.objects.exists())
        s.case_decision_correct(case=decided, actor=office, reason="复议减少罚款", fine=Decimal("30000"))
        [change] = CountedChange.objects.all()
        self.assertEqual((change.kind, change.report, change.reason), ("corrected", first, "复议减少罚款"))

        reports.reports_open_week(campaign=campaign, day=datetime.date(2020, 6, 8))
        following = WeeklyReport.objects.get(unit__code="210100-office", cutoff=datetime.date(2020, 6, 11))
        self.login("shenyang_office")
        page = self.client.get(f"/reports/weeklyreport/{following.pk}/")
        self.assertContains(page, f'name="explain_counted_change:{change.pk}"')
        self.assertContains(page, "复议减少罚款")
