"""The portal's complaint flow in a real browser at a phone-sized viewport: file a tip, read the
tracking code, follow it; and nothing is loaded from elsewhere."""
import pytest

from rectify.enforcement.models import Complaint
from tests.portal.helpers import PHONE_UA, solve_text

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, user_agent=PHONE_UA,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def test_tip_filed_and_followed_on_a_phone(phone, live_server, transactional_db):
    page = phone
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live_server.url}/public/")
    page.click("#go-complaint")
    page.wait_for_selector("#complaint-form")
    page.select_option("#id_city", label="沈阳市")
    page.check("#id_kind_1")  # 举报
    page.fill("#id_subject_name", "沈阳哄抬药房")
    page.fill("#id_content", "一次性口罩每只十五元，是平时的三十倍。")
    page.check("#id_anonymous")
    page.fill("#id_captcha", solve_text(page.content()))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no horizontal scrolling
    page.click("#complaint-submit")
    page.wait_for_selector("#tracking-code")
    code = page.inner_text("#tracking-code").strip()
    assert Complaint.objects.get().channel == "portal"
    page.goto(f"{live_server.url}/public/track/")
    page.fill("#id_code", code)
    page.fill("#id_captcha", solve_text(page.content()))
    page.click("#track-submit")
    page.wait_for_selector("#track-result")
    assert "待受理" in page.inner_text("#track-status")
    outside = [u for u in requests if not u.startswith(live_server.url) and not u.startswith("data:")]
    assert outside == [], f"the page loaded something from elsewhere: {outside}"
