"""The campaign's hand-offs through the pages, in Debian's chromium: a complaint becomes a case
that goes to the police, who find it on their work desk and receive it; a returned weekly report
reaches the city's desk with its reason and is resubmitted; a joint-punishment measure assigned
to another city is completed there."""
from __future__ import annotations

import datetime
import re

import pytest

from rectify.enforcement import services as s
from rectify.enforcement.models import Case, Complaint, JointPunishmentAction, Transfer
from rectify.reports.models import WeeklyReport
from rectify.reports.tasks import open_weekly_reports
from rectify.testing import make_world_user
from tests.browser.helpers import login
from tests.enforcement.helpers import case_category, category, enterprise, unit

pytestmark = pytest.mark.browser
SHOTS = "/tmp/rectify-shots"


@pytest.fixture
def people(transactional_db, settings):
    settings.RECTIFY_REQUIRE_2FA = False  # the second factor has its own tests
    return {key: make_world_user(key) for key in ("shenyang_samr", "shenyang_police", "shenyang_office",
                                                  "province_office", "dalian_samr")}


def step(page, label: str) -> None:
    """Click the step's button (or link) in the record's workflow panel, by its exact label."""
    page.locator("#workflow-actions").get_by_role("button", name=label, exact=True).or_(
        page.locator("#workflow-actions").get_by_role("link", name=label, exact=True)).first.click()
    page.wait_for_load_state()


def submit_step(page) -> None:
    page.click("#workflow-step-form button[type=submit]")
    page.wait_for_selector(".alert-success, .alert-danger")
    errors = page.locator(".alert-danger, .invalid-feedback").all_inner_texts()
    assert not errors, errors


def test_complaint_to_case_to_police_through_the_pages(page, live_server, people):
    enterprise("210100", name="沈阳护佳口罩经营部")
    clerk, police = people["shenyang_samr"], people["shenyang_police"]
    login(page, live_server, clerk)
    page.goto(f"{live_server.url}/enforcement/complaint/add/")
    page.fill("#id_number", "12315-BR-1")
    page.fill("#id_received_on", datetime.date(2020, 5, 26).isoformat())
    page.fill("#id_subject_name", "沈阳护佳口罩经营部")
    page.fill("#id_content", "网购口罩每只30元，哄抬价格")
    page.click("#save")
    page.wait_for_selector("#workflow-panel")
    assert page.inner_text("#workflow-state") == "待受理"
    complaint = Complaint.objects.get(number="12315-BR-1")

    step(page, "受理")
    page.wait_for_selector(".alert-success")
    step(page, "转为线索")
    submit_step(page)  # the description is prefilled with the complaint's content
    lead = complaint.leads.get()
    page.goto(f"{live_server.url}{lead.get_absolute_url()}")
    step(page, "立案")
    page.fill("#id_number", "沈市监价立〔2020〕8号")
    page.fill("#id_title", "哄抬口罩价格案")
    page.select_option("#id_case_category", str(case_category("price").pk))
    page.select_option("#id_product_category", str(category().pk))
    page.fill("#id_filed_on", "2020-05-28")
    submit_step(page)
    case = Case.objects.get(source_lead=lead)
    assert page.url.endswith(case.get_absolute_url())
    page.click("#workflow-closed summary")
    closed = page.inner_text("#workflow-closed")
    assert "须为“调查终结”才能作出处罚决定" in closed, closed
    step(page, "调查终结")
    submit_step(page)
    step(page, "作出处罚决定")
    page.fill("#id_decision_number", "沈市监罚〔2020〕8号")
    page.fill("#id_decided_on", "2020-06-01")
    page.fill("#id_fine", "30000")
    submit_step(page)
    step(page, "移送公安")
    page.select_option("#id_to_unit", str(unit("210100-police").pk))
    page.fill("#id_reason", "涉嫌非法经营罪，达到追诉标准")
    submit_step(page)
    assert page.inner_text("#workflow-state") == "已移送"
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=f"{SHOTS}/case-transferred-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#workflow-panel").screenshot(path=f"{SHOTS}/case-panel-390.png")
    page.set_viewport_size({"width": 1366, "height": 900})

    # The police: a notice in the top bar, the hop on the work desk, received from there.
    login(page, live_server, police)
    assert page.inner_text("#unread-count") == "1"
    hop = Transfer.objects.get(case=case)
    desk = page.inner_text("#work-desk")
    assert "接收移送" in desk and "沈阳市市场监督管理局" in desk, desk
    page.screenshot(path=f"{SHOTS}/desk-police-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SHOTS}/desk-police-390.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click("#work-desk a.fw-semibold")
    page.wait_for_selector("#workflow-panel")
    assert page.url.endswith(hop.get_absolute_url())
    step(page, "接收移送")
    page.wait_for_selector(".alert-success")
    hop.refresh_from_db()
    assert hop.status == "accepted"
    page.goto(f"{live_server.url}/notifications/")
    assert "待接收移送" in page.inner_text("#notice-list")
    page.screenshot(path=f"{SHOTS}/notices-desktop.png", full_page=True)


def test_a_returned_report_reaches_the_city_desk_and_is_resubmitted(page, live_server, people):
    open_weekly_reports("2020-06-01")
    report = WeeklyReport.objects.get(unit__code="210100-office", cutoff=datetime.date(2020, 6, 4))
    from rectify.reports import services as reports
    reports.report_submit(report=report, actor=people["shenyang_office"], narrative={"measures": "排查"},
                          filled_by="王芳", phone="024-12345678")
    login(page, live_server, people["province_office"])
    assert "接收" in page.inner_text("#work-desk")
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    step(page, "退回")
    page.fill("#id_reason", "召回数量与台账不符，请核实")
    submit_step(page)

    login(page, live_server, people["shenyang_office"])
    assert page.inner_text("#unread-count") == "1"
    desk = page.inner_text("#work-desk")
    assert "召回数量与台账不符，请核实" in desk, desk
    page.screenshot(path=f"{SHOTS}/desk-city-returned-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SHOTS}/desk-city-returned-390.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click(f'#work-desk a.fw-semibold[href^="{report.get_absolute_url()}"]')  # not a deliverable's
    page.wait_for_selector("#submit")
    assert "召回数量与台账不符" in page.inner_text("#return-reason-shown")
    page.fill("#correction_reason", "已核实召回数量")
    page.click("#submit-report")
    page.wait_for_selector(".alert-success")
    report.refresh_from_db()
    assert (report.status, report.versions.count()) == ("submitted", 2)
    story = page.inner_text("#workflow-story")
    assert re.search(r"退回 · .*\n?理由：召回数量与台账不符", story), story


def test_a_measure_assigned_to_another_city_is_completed_there(page, live_server, people):
    office = make_world_user("shenyang_office") if "shenyang_office" not in people else people["shenyang_office"]
    decision = s.joint_punishment_decide(unit=unit("210100-office"), enterprise=enterprise("210100"),
                                         basis="多次销售不合格口罩", actions=[(unit("210200-samr"), "spot_check")],
                                         actor=office)
    action = JointPunishmentAction.objects.get(punishment=decision)
    login(page, live_server, people["dalian_samr"])
    assert "填报落实情况" in page.inner_text("#work-desk")
    page.click("#work-desk a.fw-semibold")
    step(page, "填报落实情况")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SHOTS}/step-form-390.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.fill("#id_text", "已对该企业开展抽查")
    submit_step(page)
    action.refresh_from_db()
    assert action.done_on is not None
    page.screenshot(path=f"{SHOTS}/joint-action-done-desktop.png", full_page=True)
