"""A record's page and its history read in Chinese (core.generic.display): choices by their labels,
yes/no as 是/否, moments in Beijing time, references by name and linked, structured values as
labelled lines, system fields folded under 技术信息, workflow events by their steps' labels."""
from __future__ import annotations

import datetime
import re

from django.contrib.contenttypes.models import ContentType

from rectify.core.audit.changelog import history_for
from rectify.core.audit.events import events_for, record_event
from rectify.core.generic import display
from rectify.core.workflow.engine import perform
from rectify.enforcement.models import Case
from rectify.targeting.models import CertificateCheck
from rectify.testing import WorldTestCase
from tests.enforcement import factories as ef


class DetailPageTests(WorldTestCase):
    def setUp(self):
        self.case = ef.case()
        self.login("shenyang_samr")

    def page(self, url: str) -> str:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response.content.decode()

    def test_fields_read_as_labels_in_panels_with_system_fields_folded(self):
        page = self.page(self.case.get_absolute_url())
        for panel in ("基本信息", "承办与归属"):
            self.assertIn(f'<div class="card-header">{panel}</div>', page)
        self.assertIn('<dt class="col-sm-4 text-muted">业务条线</dt>\n        <dd class="col-sm-8">市场监管</dd>', page)
        self.assertIn(f"<dd class=\"col-sm-8 col-lg-9\">{self.case.get_status_display()}</dd>", page)
        self.assertIn(f'<a href="{self.case.enterprise.get_absolute_url()}">{self.case.enterprise}</a>', page)
        self.assertRegex(page, r"已移送公安</dt>\s*<dd[^>]*>否</dd>")
        folded = page[page.index('id="technical-info"'):]
        for label in ("版本", "创建时间", "决定书完整性校验码"):
            self.assertIn(f">{label}</dt>", folded)
        main = page[:page.index('id="technical-info"')]
        self.assertNotIn(">版本</dt>", main)
        self.assertNotRegex(page, r">market<|>False<|>True<|\+00:00")

    def test_a_generic_reference_is_the_record_it_names(self):
        problem = ef.problem()
        problem.source_type = ContentType.objects.get_for_model(self.case)
        problem.source_id = str(self.case.pk)
        problem.save()
        page = self.page(problem.get_absolute_url())
        self.assertRegex(page, rf"来源记录编号</dt>\s*<dd[^>]*><a href=\"{self.case.get_absolute_url()}\">"
                               rf"{re.escape(str(self.case))}</a>")
        self.assertRegex(page, r"来源记录类型</dt>\s*<dd[^>]*>案件</dd>")

    def test_structured_values_are_labelled_lines(self):
        lines = display.structured({"enrolment": False, "line__in": ["market", "drug"]})
        self.assertEqual([line.label for line in lines], ["enrolment", "业务条线 属于"])
        self.assertEqual([line.text for line in lines], ["否", "市场监管、药品监管"])
        self.assertEqual(display.value_text(True), "是")
        self.assertEqual(display.value_text("2020-06-03T21:46:07.123456+00:00"), "2020-06-04 05:46")
        self.assertEqual(display.value_text("2020-06-20"), "2020-06-20")
        self.assertEqual(display.key_label("line__in"), "业务条线 属于")

    def test_a_check_result_shows_no_repr(self):
        check = CertificateCheck(findings=[{"code": "certificate_exists", "ok": False, "message": "证书不存在"}])
        shown = display.shown_value(check, CertificateCheck._meta.get_field("findings"))
        self.assertEqual(len(shown), 1)
        self.assertNotRegex(shown[0].text, r"[{}\[\]']|False|certificate_exists")


class HistoryTests(WorldTestCase):
    def setUp(self):
        self.case = ef.case(self.unit("210100-samr"))
        self.login("shenyang_samr")

    def test_fields_by_label_values_as_shown_and_steps_in_words(self):
        Case.objects.filter(pk=self.case.pk).update(status=Case.Status.FILED, filed_on=datetime.date(2020, 6, 1))
        self.case.refresh_from_db()
        perform(self.case, "investigated", actor=self.users["shenyang_samr"], values={})
        page = self.client.get(f"{self.case.get_absolute_url()}history/").content.decode()
        self.assertIn('<th scope="row" class="fw-normal text-muted">状态</th>', page)
        self.assertIn('<td class="text-muted text-break">已立案</td>', page)
        self.assertIn('<td class="text-break">调查终结</td>', page)
        self.assertIn(f'<a href="{self.case.enterprise.get_absolute_url()}">{self.case.enterprise}</a>', page)
        self.assertIn('<strong class="history-event">调查终结</strong>', page)
        self.assertIn("步骤：</span>调查终结", page)
        self.assertIn("原状态：</span>已立案", page)
        self.assertNotRegex(page, r"<code>|updated_at|case\.investigated|state_from|\+00:00|\d{2}:\d{2}:\d{2}")
        self.assertEqual(len(events_for(self.case)), 1)
        self.assertGreaterEqual(len(history_for(self.case)), 2)

    def test_an_event_of_an_app_is_named_by_the_app(self):
        record_event("personal_data.view", self.case)
        page = self.client.get(f"{self.case.get_absolute_url()}history/").content.decode()
        self.assertIn('<strong class="history-event">查看个人信息</strong>', page)
        self.assertEqual(display.event_label("no.such_event"), "no.such_event")
