"""The phase's deliverables on the work desk, in a real browser at desktop and phone width: the city
office finds its 阶段任务 panel, reports a deliverable done with its evidence from the panel's button,
and sees it awaiting the province; the province finds it in its cities' grid and confirms it.
Screenshots go to /tmp/shots/deliverables/."""
import os

import pytest

from rectify.enterprises.models import Enterprise
from rectify.organisations.models import CityDeliverable, Region
from rectify.testing import make_world_user
from tests.browser.helpers import login
from tests.portal.helpers import PHONE_UA

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots/deliverables"
SIZES = {"desktop": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}


@pytest.fixture(params=list(SIZES))
def sized(request, browser):
    phone = request.param == "390"
    context = browser.new_context(locale="zh-CN", viewport=SIZES[request.param],
                                  **({"user_agent": PHONE_UA, "is_mobile": True, "has_touch": True} if phone else {}))
    page = context.new_page()
    os.makedirs(SHOTS, exist_ok=True)
    yield request.param, page
    context.close()


@pytest.fixture
def people(transactional_db, settings):
    settings.RECTIFY_REQUIRE_2FA = False  # the second factor has its own tests
    Enterprise.objects.create(name="沈阳华康口罩有限公司", region=Region.objects.get(code="210100"), is_producer=True)
    return {key: make_world_user(key) for key in ("shenyang_office", "province_office")}


def test_a_city_office_reports_its_deliverable_done_from_the_desk_and_the_province_confirms_it(
        sized, live_server, people):
    size, page = sized
    login(page, live_server, people["shenyang_office"])
    panel = page.locator("#deliverables-panel")
    assert "阶段任务" in panel.locator("#deliverables-title").inner_text()
    items = panel.locator(".deliverable-item")
    assert items.count() == 4
    producers = items.filter(has_text="建立生产企业清单")
    assert "未开始 · 逾期" in producers.locator(".deliverable-status").inner_text()
    assert "列入生产企业清单的企业：1 家" in producers.locator(".deliverable-figure").inner_text()
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"], "the panel fits the screen"
    page.screenshot(path=f"{SHOTS}/city-desk-{size}.png", full_page=True)

    producers.locator(".deliverable-report").click()
    page.wait_for_selector("#workflow-step-form")
    page.fill("#id_evidence_note", "已建立生产企业清单，列入企业1家")
    page.fill("#id_completed_on", "2020-05-24")
    page.fill("#id_evidence_link", "https://example.gov.cn/sy/list")
    page.click("#workflow-step-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert page.locator("#workflow-state").inner_text() == "已报完成待确认"
    row = CityDeliverable.objects.get(deliverable__name="建立生产企业清单", region__code="210100")
    assert (row.status, str(row.completed_on), row.reported_by_id) == ("reported", "2020-05-24",
                                                                        people["shenyang_office"].pk)

    page.goto(f"{live_server.url}/")
    producers = page.locator("#deliverables-panel .deliverable-item").filter(has_text="建立生产企业清单")
    assert producers.locator(".deliverable-status").inner_text() == "已报完成待确认"
    assert producers.locator(".deliverable-report").count() == 0
    page.screenshot(path=f"{SHOTS}/city-desk-reported-{size}.png", full_page=True)

    login(page, live_server, people["province_office"])
    grid = page.locator("#deliverables-panel .deliverables-grid")
    assert grid.locator("tbody tr").count() == 14
    page.locator("#deliverables-panel").screenshot(path=f"{SHOTS}/province-grid-{size}.png")
    cell = grid.locator("tbody tr").filter(has_text="沈阳市").locator(".deliverable-cell").nth(2)
    assert cell.inner_text() == "待确认"
    cell.click()
    page.wait_for_selector("#workflow-panel")
    assert "列入生产企业清单的企业：1 家" in page.locator("#deliverable-evidence").inner_text()
    page.locator("#workflow-actions").get_by_role("button", name="确认完成", exact=True).click()
    page.wait_for_selector(".alert-success")
    assert page.locator("#workflow-state").inner_text() == "已完成"
    row.refresh_from_db()
    assert (row.status, row.confirmed_by_id) == ("done", people["province_office"].pk)
