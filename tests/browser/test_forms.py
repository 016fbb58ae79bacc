"""Forms that know their user, in a real browser at desktop and phone width: the inspection and the
complaint filled through the enterprise and officer pickers (answers from the server, within the
user's scope), the enterprise form's city → county cascade, dates typed as 年-月-日, and the public
complaint form; each saved. Screenshots go to /tmp/shots/forms/."""
import os

import pytest

from rectify.enforcement.models import Complaint
from rectify.enterprises.models import Enterprise
from rectify.fieldwork.models import Inspection
from rectify.organisations.models import Region, Unit
from rectify.testing import make_world_user
from tests.browser.helpers import login
from tests.fieldwork import factories as f
from tests.portal.helpers import PHONE_UA, solve_text

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots/forms"
SIZES = {"desktop": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}


@pytest.fixture(params=list(SIZES))
def sized(request, browser):
    phone = request.param == "390"
    context = browser.new_context(locale="zh-CN", viewport=SIZES[request.param],
                                  **({"user_agent": PHONE_UA, "is_mobile": True, "has_touch": True} if phone else {}))
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://localhost",
                                                                               "data:")) else None)
    os.makedirs(SHOTS, exist_ok=True)
    yield request.param, page
    context.close()
    assert outside == [], f"the page loaded something from elsewhere: {outside}"


@pytest.fixture
def world(transactional_db, settings):
    settings.RECTIFY_REQUIRE_2FA = False  # the second factor has its own tests
    users = {key: make_world_user(key) for key in ("shenyang_office", "shenyang_samr", "province_office")}
    samr = Unit.objects.get(code="210100-samr")
    officers = f.officers(samr)
    for n, officer in enumerate(officers):
        officer.full_name = ["王建国", "李卫东"][n]
        officer.save()
    mine = f.enterprise("210100", name="沈阳华康口罩有限公司")
    theirs = f.enterprise("210200", name="大连华康口罩有限公司")
    return users, officers, mine, theirs


def pick(page, field: str, typed: str, option: str, shot: str = "") -> list[str]:
    """Type into a picker, wait for the server's answer and choose `option`; the texts offered."""
    page.click(f"#{field} + .ts-wrapper .ts-control")
    page.keyboard.type(typed)
    try:
        page.wait_for_selector(f"#{field}-ts-dropdown .option:has-text('{option}')", timeout=8000)
    except Exception:  # what the page showed, to tell why
        page.screenshot(path=f"{SHOTS}/debug-{field}.png", full_page=True)
        raise
    offered = page.locator(f"#{field}-ts-dropdown .option").all_inner_texts()
    if shot:
        page.screenshot(path=f"{SHOTS}/{shot}.png")
    page.click(f"#{field}-ts-dropdown .option:has-text('{option}')")
    return offered


def test_inspection_through_the_pickers(sized, live_server, world):
    size, page = sized
    users, officers, mine, theirs = world
    login(page, live_server, users["shenyang_office"])
    page.goto(f"{live_server.url}/fieldwork/inspection/add/")
    page.wait_for_selector("#id_enterprise-ts-control")
    # the office enters for the city's market-regulation bureau, preselected
    assert page.locator("#id_unit").evaluate("s => s.options[s.selectedIndex].text") == "沈阳市市场监督管理局"
    assert page.inner_text("#id_unit + .ts-wrapper .ts-control").strip() == "沈阳市市场监督管理局"
    assert page.get_attribute("#id_date", "placeholder").startswith("年-月-日")
    offered = pick(page, "id_enterprise", "华康", "沈阳华康口罩有限公司", shot=f"inspection-picker-open-{size}")
    assert not any("大连" in text for text in offered), offered  # another city's enterprise is never offered
    pick(page, "id_inspectors", "王建国", "王建国")
    pick(page, "id_inspectors", "李卫东", "李卫东")
    page.keyboard.press("Escape")
    page.click("h1")  # the picker lets go before the rest of the form is filled
    page.fill("#id_date", "2020-05-21")
    page.fill("#id_staff_dispatched", "2")
    page.select_option("#id_outcome_mask", "passed")
    page.check("#id_check_licence")
    page.fill("#id_notes", "现场检查口罩生产线")
    page.screenshot(path=f"{SHOTS}/inspection-{size}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    page.click("#save")
    page.wait_for_selector(".alert-success")
    saved = Inspection.objects.get(enterprise=mine)
    assert saved.unit.code == "210100-samr"
    assert str(saved.date) == "2020-05-21"
    assert set(saved.inspectors.all()) == set(officers)


def test_complaint_through_the_picker(sized, live_server, world):
    size, page = sized
    users, _officers, mine, _theirs = world
    login(page, live_server, users["shenyang_samr"])
    page.goto(f"{live_server.url}/enforcement/complaint/add/")
    page.wait_for_selector("#id_enterprise-ts-control")
    number = f"TS-BROWSER-{size}"
    page.fill("#id_number", number)
    page.fill("#id_received_on", "2020-05-20")
    page.fill("#id_reporter_name", "张三")
    page.fill("#id_reporter_phone", "13800000000")
    page.fill("#id_reporter_id_number", "210102199001011234")
    offered = pick(page, "id_enterprise", "91", "沈阳华康口罩有限公司")  # the credit code's first digits
    assert not any("大连" in text for text in offered), offered
    page.fill("#id_content", "口罩无生产日期。")
    page.screenshot(path=f"{SHOTS}/complaint-internal-{size}.png", full_page=True)
    page.click("#save")
    page.wait_for_selector(".alert-success")
    complaint = Complaint.objects.get(number=number)
    assert complaint.enterprise == mine and complaint.reporter_name == "张三"


def test_enterprise_city_county_cascade(sized, live_server, world):
    size, page = sized
    users, *_ = world
    login(page, live_server, users["shenyang_office"])
    page.goto(f"{live_server.url}/enterprises/enterprise/add/")
    cities = page.locator("#id_region option").all_inner_texts()
    assert [c for c in cities if c.strip("-")] == ["沈阳市"]  # a Shenyang user sees Shenyang only
    counties = [c for c in page.locator("#id_county option").all_inner_texts() if c.strip("-")]
    assert counties and set(counties) <= {"和平区", "沈河区", "大东区", "皇姑区", "铁西区", "浑南区", "于洪区"}
    # the province chooses Dalian: the counties follow
    page.context.clear_cookies()
    login(page, live_server, users["province_office"])
    page.goto(f"{live_server.url}/enterprises/enterprise/add/")
    page.fill("#id_name", f"级联测试防护用品公司{size}")
    page.select_option("#id_region", label="大连市")
    counties = [c for c in page.locator("#id_county option").all_inner_texts() if c.strip("-")]
    assert "中山区" in counties and "和平区" not in counties, counties
    page.select_option("#id_county", label="中山区")
    page.check("#id_categories_0")
    page.screenshot(path=f"{SHOTS}/enterprise-{size}.png", full_page=True)
    page.click("#save")
    page.wait_for_selector(".alert-success")
    saved = Enterprise.objects.get(name=f"级联测试防护用品公司{size}")
    assert saved.region == Region.objects.get(code="210200") and saved.county.name == "中山区"
    assert saved.categories.count() == 1


def test_public_complaint_form(sized, live_server, transactional_db):
    size, page = sized
    page.goto(f"{live_server.url}/public/complaint/")
    page.wait_for_selector("#complaint-form")
    page.select_option("#id_city", label="沈阳市")
    page.check("#id_kind_0")
    page.fill("#id_subject_name", "沈阳某药房")
    page.fill("#id_content", "口罩每只十五元。")
    page.fill("#id_reporter_name", "李四")
    page.fill("#id_reporter_phone", "13900000000")
    page.fill("#id_captcha", solve_text(page.content()))
    page.screenshot(path=f"{SHOTS}/complaint-public-{size}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    page.click("#complaint-submit")
    page.wait_for_selector("#tracking-code")
    assert Complaint.objects.get(channel="portal").subject_name == "沈阳某药房"
