"""The layout in Debian's chromium: at 390 px the menu opens from its button and holds the user and
the language switch; wide tables scroll inside their card with their first column fixed, and on a
desktop the official tables show every column up to 合计; the public form's radios sit on one line;
a record prints without the menu and the buttons."""
from __future__ import annotations

import pytest

from rectify.testing import make_world_user
from tests.browser.helpers import login
from tests.enforcement import factories as ef
from tests.portal.helpers import PHONE_UA

pytestmark = pytest.mark.browser


@pytest.fixture
def office(transactional_db, settings):
    settings.RECTIFY_REQUIRE_2FA = False  # the second factor has its own tests
    return make_world_user("shenyang_office")


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, user_agent=PHONE_UA,
                                  is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_phone_menu_holds_the_user_and_switches_the_language(phone, live_server, office):
    page = phone
    login(page, live_server, office)
    assert no_sideways_scroll(page)
    assert not page.locator("#app-menu").is_visible()
    assert not page.locator(".app-topbar .app-user").is_visible()  # the name is in the menu, not squeezed here
    assert page.locator("h1", has_text="工作台").evaluate("e => e.getBoundingClientRect().height < 60")  # one line
    page.click("#menu-toggle")
    page.wait_for_selector("#app-menu.show")
    assert page.locator("#menu-user").is_visible()
    assert office.full_name in page.inner_text("#menu-user")
    assert page.locator("#app-menu a", has_text="生产企业排查").is_visible()
    page.select_option("#menu-language", "en")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1", has_text="Dashboard").is_visible()
    page.click("#menu-toggle")
    page.wait_for_selector("#app-menu.show")
    assert page.locator("#menu-logout", has_text="Log out").is_visible()
    page.select_option("#menu-language", "zh-hans")
    page.wait_for_selector("html[lang=zh-hans]")
    page.click("#menu-toggle")
    page.wait_for_selector("#app-menu.show")
    page.click("#app-menu a:has-text('问题清单台账')")
    page.wait_for_selector("table")
    assert page.url.endswith("/enforcement/problem/")


def test_the_desktop_keeps_the_sidebar_and_the_top_bar(page, live_server, office):
    login(page, live_server, office)
    assert page.locator("#app-menu").is_visible()
    assert not page.locator("#menu-toggle").is_visible()
    assert not page.locator("#menu-language").is_visible()
    assert page.locator(".app-topbar .app-user").is_visible()
    assert page.locator(".app-topbar .lang-select").is_visible()


def _table_geometry(page, index: int) -> dict:
    return page.evaluate("""i => { const box = document.querySelectorAll('.table-responsive')[i];
        const table = box.querySelector('table');
        return {box: box.clientWidth, table: table.scrollWidth, left: box.getBoundingClientRect().left}; }""", index)


def test_the_official_tables_show_every_column_on_a_desktop(page, live_server, office):
    login(page, live_server, office)
    page.goto(f"{live_server.url}/reports/tables/")
    page.wait_for_selector(".report-table")
    assert page.locator(".report-table").count() == 2
    for index in range(2):
        geometry = _table_geometry(page, index)
        assert geometry["table"] <= geometry["box"], geometry  # nothing hidden to the right
    assert page.locator(".report-table th", has_text="合计").first.is_visible()


def test_a_wide_table_scrolls_in_its_card_with_its_first_column_fixed(phone, live_server, office):
    page = phone
    login(page, live_server, office)
    page.goto(f"{live_server.url}/reports/tables/")
    page.wait_for_selector(".report-table")
    assert no_sideways_scroll(page)  # the table scrolls, not the page
    geometry = _table_geometry(page, 1)
    assert geometry["table"] > geometry["box"]
    header = page.locator(".report-table").nth(1).locator("tbody th").first
    before = header.bounding_box()["x"]
    page.evaluate("document.querySelectorAll('.table-responsive')[1].scrollLeft = 400")
    page.wait_for_function("document.querySelectorAll('.table-responsive')[1].scrollLeft > 0")
    assert abs(header.bounding_box()["x"] - before) < 1  # the row's header stayed where it was
    total = page.locator(".report-table").nth(1).locator("thead th", has_text="合计")
    total.scroll_into_view_if_needed()
    assert total.is_visible()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_complaint_forms_radios_sit_on_one_line(browser, live_server, transactional_db, width):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/public/complaint/")
    boxes = [page.locator(f"label[for=id_kind_{n}]").bounding_box() for n in (0, 1)]
    radios = [page.locator(f"#id_kind_{n}").bounding_box() for n in (0, 1)]
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('label[for=id_kind_0]')).lineHeight)")
    assert all(box["height"] < 1.5 * line for box in boxes), boxes  # "投诉" on one line, not one character a line
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2 and boxes[0]["x"] < boxes[1]["x"]  # side by side
    assert all(radio["x"] < box["x"] for radio, box in zip(radios, boxes, strict=True))  # each label after its radio
    legend = page.locator("#id_kind legend").bounding_box()
    assert legend["y"] + legend["height"] <= boxes[0]["y"] + 1  # nothing overlaps the group's own label
    following = page.locator("label[for=id_subject_name]").bounding_box()
    assert following["y"] >= boxes[0]["y"] + boxes[0]["height"]  # nor the next field's label
    page.click("label[for=id_kind_0]")
    assert page.locator("#id_kind_0").is_checked()
    context.close()


def test_a_record_prints_without_the_menu_and_the_buttons(page, live_server, office):
    problem = ef.problem()
    login(page, live_server, office)
    page.goto(f"{live_server.url}{problem.get_absolute_url()}")
    page.wait_for_selector(".app-sidebar")
    page.emulate_media(media="print")
    for hidden in (".app-sidebar", ".app-topbar", ".btn"):
        assert page.locator(hidden).evaluate_all("els => els.every(e => !e.offsetParent)"), hidden
    width = page.locator(".app-content").evaluate("e => e.getBoundingClientRect().width")
    assert width >= page.viewport_size["width"] - 2
    assert problem.description in page.inner_text(".app-content")
