"""Login, then one list → detail → edit flow in a real browser, and nothing loaded from elsewhere."""
import pytest

from rectify.enterprises.models import Enterprise
from rectify.organisations.models import Region
from rectify.testing import PASSWORD, make_world_user

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    user = make_world_user("shenyang_samr")
    enterprise = Enterprise.objects.create(name="沈阳华康口罩有限公司", credit_code="91350100M000100Y43",
                                           region=Region.objects.get(code="210100"), is_producer=True)
    return user, enterprise


@pytest.fixture
def server(live_server):
    return live_server


def test_login_list_detail_edit(page, server, world, settings):
    settings.RECTIFY_REQUIRE_2FA = False  # the second factor has its own browser-free tests
    user, enterprise = world
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", user.username)
    page.fill("#id_password", "wrong-password")
    page.click("#login-submit")
    assert page.locator("#login-error").is_visible()
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("text=工作台")
    page.click(".app-sidebar a.nav-link:has-text('企业名录')")
    page.wait_for_selector("table")
    page.click(f"text={enterprise.name}")
    page.wait_for_selector("#edit-object")
    page.click("#edit-object")
    page.fill("#id_address", "沈阳市和平区南京北街1号")
    page.click("#save")
    page.wait_for_selector(".alert-success")
    assert "沈阳市和平区南京北街1号" in page.content()
    page.click("#history-tab")
    page.wait_for_selector(".history-table")
    assert "沈阳市和平区南京北街1号" in page.inner_text(".history-table")
    enterprise.refresh_from_db()
    assert enterprise.address == "沈阳市和平区南京北街1号"
    outside = [u for u in requests if not u.startswith(server.url) and not u.startswith("data:")]
    assert outside == [], f"the page loaded something from elsewhere: {outside}"

