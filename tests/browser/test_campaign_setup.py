"""The provincial office sets a second campaign up in a browser: it copies the 2020 campaign from the
campaign's page with a Friday-10:00 deadline, lands on the copy, and previews the copy's 附件1 on the
current records — the same figures as the live tables of the campaign it was copied from."""
from __future__ import annotations

import datetime
import re

import pytest

from rectify.organisations.models import Campaign
from rectify.reports.engine import compute_table
from rectify.reports.models import TableLayout
from rectify.reports.selectors import allowed_scope
from rectify.testing import make_world_user
from tests.browser.helpers import login
from tests.reports.fixtures import build

pytestmark = pytest.mark.browser


def test_the_office_copies_a_campaign_and_previews_its_table(page, live_server, transactional_db, settings):
    settings.RECTIFY_REQUIRE_2FA = False
    office = make_world_user("province_office")
    build({key: make_world_user(key) for key in ("shenyang_samr", "dalian_samr", "customs_dl")})
    source = Campaign.objects.get(code="ln-2020-epidemic-supplies")
    login(page, live_server, office)
    page.goto(f"{live_server.url}{source.get_absolute_url()}")
    page.click("#campaign-copy")
    page.wait_for_selector("#campaign-copy-form")
    page.fill("#id_code", "ln-2021-heating")
    page.fill("#id_name", "2021年冬季取暖产品专项整治")
    page.fill("#id_start", "2021-01-04")
    page.fill("#id_end", "2021-03-31")
    page.fill("#id_final_summary_due", "2021-03-25")
    page.select_option("#id_weekly_deadline_weekday", label="周五")
    page.fill("#id_weekly_deadline_time", "10:00")
    page.screenshot(path="/tmp/rectify-shots/campaign-copy-form.png", full_page=True)
    page.click("#copy-submit")
    page.wait_for_selector("#campaign-setup")
    copy = Campaign.objects.get(code="ln-2021-heating")
    assert page.url.endswith(copy.get_absolute_url())
    assert "已复制为新专项行动" in page.inner_text(".alert-success")
    assert page.inner_text("#campaign-state") == "未启用"
    assert page.inner_text("#setup-deadline") == "每周五 10:00 前"
    assert page.locator("#setup-layouts tbody tr").count() == 2
    assert (copy.weekly_deadline_weekday, copy.weekly_deadline_time, copy.is_active) == (4, datetime.time(10), False)

    page.locator("#setup-layouts a.layout-preview").first.click()
    page.wait_for_selector("#preview-table")
    assert page.inner_text("#preview-check-state") == "均可计算"
    assert "按当前专项行动" in page.inner_text("#preview-period")
    layout = TableLayout.objects.get(campaign=copy, code="annex1")
    assert page.url.endswith(f"/reports/tablelayout/{layout.pk}/preview/")
    # the figures are the live table's over the same records (the office's scope, the 2020 period)
    cutoff = datetime.date.fromisoformat(page.input_value("#cutoff"))
    live = compute_table(TableLayout.objects.get(campaign=source, code="annex1"),
                         scope=allowed_scope(office, None, None), cutoff=cutoff)
    shown = [re.sub(r"\s+", " ", row).strip() for row in page.locator("#preview-table tbody tr").all_inner_texts()]
    expected = [re.sub(r"\s+", " ", " ".join([category.name, *(str(cell.value) for cell in cells)])).strip()
                for category, cells in live.rows]
    assert shown == expected
    assert any(cell.value not in (0, "") for _category, cells in live.rows for cell in cells)
    page.fill("#cutoff", "2020-05-21")
    page.click("#preview-form button")
    page.wait_for_selector("#preview-table")
    assert "2020-05-15 至 2020-05-21" in page.inner_text("#preview-period")
    page.screenshot(path="/tmp/rectify-shots/campaign-preview-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="/tmp/rectify-shots/campaign-preview-390.png", full_page=True)
