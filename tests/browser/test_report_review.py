"""The reviewer's page in a browser: the province reads the city's narrative, the check results and
the difference against last week on the report itself, and returns it with a reason that reaches
the city."""
from __future__ import annotations

import datetime

import pytest

from rectify.core.audit.models import Event
from rectify.core.models import Notification
from rectify.reports import services as reports
from rectify.reports.models import WeeklyReport
from rectify.reports.tasks import open_weekly_reports
from rectify.testing import make_world_user
from tests.browser.helpers import login

pytestmark = pytest.mark.browser


def test_the_province_reviews_and_returns_a_report(page, live_server, transactional_db, settings):
    settings.RECTIFY_REQUIRE_2FA = False
    city, province = make_world_user("shenyang_office"), make_world_user("province_office")
    open_weekly_reports("2020-06-01")
    report = WeeklyReport.objects.get(unit__code="210100-office", cutoff=datetime.date(2020, 6, 4))
    reports.report_submit(report=report, actor=city, filled_by="王芳", phone="024-12345678",
                          narrative={"measures": "全面排查口罩生产企业，出动执法人员120人次"})
    login(page, live_server, province)
    # The desk also holds the province's own report upward; the city's is the one to review.
    page.click("#work-desk a.fw-semibold:has-text('沈阳市专项工作组办公室')")
    page.wait_for_selector("#review")
    narrative = page.inner_text("#review-narrative")
    assert "全面排查口罩生产企业，出动执法人员120人次" in narrative, narrative
    assert page.locator("#review-checks").count() == 1
    assert page.locator("#review-last-week").count() == 1
    page.screenshot(path="/tmp/rectify-shots/report-review-desktop.png", full_page=True)
    page.locator("#workflow-actions").get_by_role("link", name="退回", exact=True).click()
    page.fill("#id_reason", "第二部分缺少出动执法人员的分项数字，请补充后重新报送")
    page.click("#workflow-step-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    report.refresh_from_db()
    assert (report.status, report.return_reason) == ("returned", "第二部分缺少出动执法人员的分项数字，请补充后重新报送")
    assert Notification.objects.filter(user=city, body__contains="缺少出动执法人员").exists()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="/tmp/rectify-shots/report-returned-390.png", full_page=True)


def test_the_province_urges_a_city_that_has_not_submitted(page, live_server, transactional_db, settings):
    """催报 from the completeness page: the one city urged, its reviewer told, the urge logged."""
    settings.RECTIFY_REQUIRE_2FA = False
    province, city = make_world_user("province_office"), make_world_user("shenyang_office")
    open_weekly_reports("2020-06-01")
    login(page, live_server, province)
    page.goto(f"{live_server.url}/reports/completeness/?cutoff=2020-06-04")
    page.locator('tr[data-unit="210100-office"]').get_by_role("button", name="催报").click()
    page.wait_for_selector(".alert-success")
    assert "已催报1个单位" in page.inner_text(".alert-success")
    note = Notification.objects.get(user=city, key__startswith="report.urge:")
    assert note.title.startswith("催报：沈阳市专项工作组办公室"), note.title
    assert "报送期限2020-06-04 14:00已过" in note.body, note.body
    assert Event.objects.filter(event="report.urge", user=province).count() == 1
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="/tmp/rectify-shots/report-urged-390.png", full_page=True)
