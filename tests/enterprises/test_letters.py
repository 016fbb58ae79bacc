"""Letters in bulk: a city's warning letters to every listed producer (of a category) at once, from
the system's template or the unit's own, in one Word file; a second batch skips those written to;
a hostile or broken template, an unknown placeholder or nobody to write to is refused and changes
nothing; the return is tracked and the coverage per city adds up."""
from __future__ import annotations

import datetime
import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from rectify.enterprises import services
from rectify.enterprises.models import Enterprise, Letter, LetterBatch
from rectify.enterprises.services.letters import default_template
from rectify.organisations.models import ProductCategory
from rectify.testing import WorldTestCase

from .factories import enterprise


def docx_template(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def text_of(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


class LetterBatchTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.samr = cls.users["shenyang_samr"].unit
        cls.mask_makers = [enterprise(cls.samr) for _ in range(3)]  # listed producers of masks in Shenyang
        cls.suit_maker = enterprise(cls.samr)
        cls.suit_maker.categories.set([ProductCategory.objects.get(code="protective_suit")])
        cls.unlisted = enterprise(cls.samr)
        Enterprise.objects.filter(pk=cls.unlisted.pk).update(is_producer=False)
        cls.dalian = enterprise(cls.users["dalian_samr"].unit)

    def _issue(self, **values) -> LetterBatch:
        data = {"unit": self.samr, "kind": "warning", "category": None, "date": datetime.date(2020, 5, 22),
                "number_prefix": "沈市监告〔2020〕", "body": "", **values}
        return services.letter_batch_issue(data=data, actor=self.users["shenyang_samr"])

    def test_every_listed_producer_of_the_city_and_category_gets_a_numbered_letter(self):
        mask = ProductCategory.objects.get(code="mask")
        batch = self._issue(category=mask, body="{{ 企业名称 }}：请严格落实{{ 产品类别 }}质量主体责任。")
        letters = list(batch.letters.order_by("number"))
        self.assertEqual(batch.issued, 3)
        self.assertEqual({le.enterprise_id for le in letters}, {e.pk for e in self.mask_makers})
        self.assertEqual(sorted(le.number for le in letters), [f"沈市监告〔2020〕{n}号" for n in (1, 2, 3)])
        self.assertTrue(all(le.kind == "warning" and le.unit_id == self.samr.pk for le in letters))
        # One Word file, each letter with its own enterprise, number and body.
        text = text_of(services.letter_batch_docx(batch))
        for letter in letters:
            self.assertIn(letter.enterprise.name, text)
            self.assertIn(letter.number, text)
            self.assertIn(f"{letter.enterprise.name}：请严格落实口罩质量主体责任。", text)
        self.assertIn("沈阳市市场监督管理局", text)
        self.assertIn("2020年5月22日", text)
        self.assertNotIn(self.suit_maker.name, text)
        # A second batch writes only to those not written to: the suit maker.
        again = self._issue()
        self.assertEqual([le.enterprise_id for le in again.letters.all()], [self.suit_maker.pk])
        self.assertNotIn(self.unlisted.pk, Letter.objects.values_list("enterprise_id", flat=True))
        self.assertNotIn(self.dalian.pk, Letter.objects.values_list("enterprise_id", flat=True))

    def test_the_units_own_template_and_its_refusals(self):
        own = SimpleUploadedFile("模板.docx", docx_template("{{ 文号 }}", "致{{ 企业名称 }}：", "{{ 正文 }}",
                                                             "{{ 发函单位 }} {{ 日期 }}"))
        batch = self._issue(template=own, body="请于{{ 日期 }}前自查。")
        self.assertIn("请于2020年5月22日前自查。", text_of(services.letter_batch_docx(batch)))

        refusals = {
            "template": [docx_template("{{ 企业名称 }} {{ 法人代表 }}"),  # a placeholder the letter does not know
                         docx_template("{{ ''.__class__.__mro__[1].__subclasses__() }}"),  # out of the sandbox
                         docx_template("{% if %}"),  # broken
                         b"PK\x03\x04 not really a docx"],
        }
        before = (LetterBatch.objects.count(), Letter.objects.count())
        for content in refusals["template"]:
            with self.subTest(content=content[:40]), self.assertRaises(ValidationError) as refused:
                self._issue(template=SimpleUploadedFile("t.docx", content))
            self.assertIn("template", refused.exception.message_dict)
        with self.assertRaises(ValidationError) as body:
            self._issue(body="{{ 企业名称 }}{{ 未知 }}")
        self.assertIn("body", body.exception.message_dict)
        self.assertEqual((LetterBatch.objects.count(), Letter.objects.count()), before)

    def test_nobody_left_to_write_to_and_a_provincial_unit_are_refused(self):
        self._issue()
        with self.assertRaises(ValidationError) as nobody:
            self._issue()
        self.assertIn("没有尚未收到提醒告诫函的生产企业", nobody.exception.message_dict["category"][0])
        with self.assertRaises(ValidationError) as province:
            services.letter_batch_issue(data={"unit": self.users["province_samr"].unit, "kind": "warning",
                                              "date": datetime.date(2020, 5, 22), "body": "x"},
                                        actor=self.users["province_samr"])
        self.assertIn("unit", province.exception.message_dict)

    def test_through_the_pages_the_docx_and_the_coverage(self):
        self.login("shenyang_samr")
        answer = self.client.post("/enterprises/letterbatch/add/", {
            "unit": self.samr.pk, "kind": "commitment", "category": "", "date": "2020-05-22", "number_prefix": "",
            "body": ""})
        self.assertEqual(answer.status_code, 302, answer.content.decode()[:300])
        batch = LetterBatch.objects.get()
        page = self.client.get(batch.get_absolute_url())
        self.assertContains(page, 'id="letters-docx"')
        download = self.client.get(f"/enterprises/letterbatch/{batch.pk}/letters.docx")
        self.assertIn("承诺书", text_of(download.content))
        self.assertIn("filename*=UTF-8''", download["Content-Disposition"])
        # Two letters come back; the coverage counts Shenyang's 4 listed producers (not the unlisted one).
        for letter in batch.letters.order_by("pk")[:2]:
            Letter.objects.filter(pk=letter.pk).update(returned_on=datetime.date(2020, 5, 25))
        rows = {r["city"].code: r for r in services.letter_coverage(self.users["shenyang_samr"])}
        self.assertEqual(rows["210100"]["producers"], 4)
        self.assertEqual(rows["210100"]["commitment"], {"sent": 4, "returned": 2, "rate": 100.0})
        self.assertEqual(rows["210100"]["warning"]["sent"], 0)
        self.assertNotIn("210200", rows)  # Dalian is outside the Shenyang user's scope
        page = self.client.get("/enterprises/letters/coverage/")
        self.assertContains(page, 'data-city="210100"')
        # A returned date before the letter's is refused on the letter's own form.
        letter = batch.letters.first()
        with self.assertRaises(ValidationError):
            Letter(unit=letter.unit, enterprise=letter.enterprise, kind="commitment", date=letter.date,
                   returned_on=letter.date - datetime.timedelta(days=1)).full_clean()

    def test_the_system_templates_name_only_known_placeholders(self):
        for kind in Letter.Kind.values:
            text = text_of(default_template(kind))
            self.assertIn("{{ 企业名称 }}", text)
            self.assertIn("{{ 正文 }}", text)
