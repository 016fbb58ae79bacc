"""Credit-code validator, export safety, duplicates and merge, demo data."""
import io
import zipfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import SimpleTestCase

from rectify.core.audit.events import events_for
from rectify.core.audit.models import ObjectChange
from rectify.core.security.validators import uscc_error, validate_uscc
from rectify.enterprises import demo
from rectify.enterprises.models import Enterprise, Letter, ListEntry, Qualification
from rectify.enterprises.selectors import name_key
from rectify.enterprises.services import enterprise_merge
from rectify.organisations.demo import DemoContext
from rectify.organisations.models import ProductCategory
from rectify.testing import WorldTestCase

from .files import code


class CreditCodeTests(SimpleTestCase):
    def test_gb32100(self):
        validate_uscc("91350100M000100Y43")
        self.assertIsNone(uscc_error("91350100M000100Y43"))
        self.assertIn("校验位", uscc_error("91350100M000100Y44"))
        self.assertIn("非法字符", uscc_error("91350100M000100I43"))
        self.assertIn("非法字符", uscc_error("91350100m000100Y43"))
        self.assertIn("18位", uscc_error("91350100M000100Y4"))
        with self.assertRaises(ValidationError):
            validate_uscc("91350100M000100Y433")


class RegistryTests(WorldTestCase):
    def setUp(self):
        self.sy = self.unit("210100-samr").region

    def ent(self, name, credit_code=None, **kw):
        return Enterprise.objects.create(name=name, credit_code=credit_code, region=kw.pop("region", self.sy), **kw)

    def test_export_never_makes_formulas(self):
        for i, evil in enumerate(["=HYPERLINK(\"http://x\",\"y\")", "+1", "-1", "@SUM(A1)"]):
            self.ent(evil, code(700 + i))
        self.login("shenyang_samr")
        text = self.client.get("/enterprises/enterprise/", {"export": "csv"}).content.decode("utf-8-sig")
        for evil in ["'=HYPERLINK", "'+1", "'-1", "'@SUM(A1)"]:
            self.assertIn(evil, text)
        xlsx = self.client.get("/enterprises/enterprise/", {"export": "xlsx"}).content
        sheet = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml").decode()
        self.assertNotIn("<f>", sheet)
        strings = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/sharedStrings.xml").decode()
        for evil in ["=HYPERLINK", "+1", "-1", "@SUM(A1)"]:
            self.assertIn(evil, strings)

    def test_duplicates_page_and_merge_keeps_records_and_history(self):
        keep = self.ent("沈阳华康口罩有限公司", code(800), address="")
        merge = self.ent("沈阳 华康口罩（有限）公司", None, address="和平区1号", phone="024-1")
        other = self.ent("沈阳华康口罩有限责任公司", code(801))
        self.assertEqual(name_key(keep.name), name_key(merge.name))
        mask = ProductCategory.objects.get(code="mask")
        merge.categories.add(mask)
        q_keep = Qualification.objects.create(enterprise=keep, kind="filing", number="A-1")
        Qualification.objects.create(enterprise=merge, kind="filing", number="A-1")   # duplicate of keep's
        q_moved = Qualification.objects.create(enterprise=merge, kind="filing", number="B-2")
        ListEntry.objects.create(enterprise=merge, kind="producer", listed_on="2020-05-20")
        letter = Letter.objects.create(enterprise=merge, unit=self.unit("210100-samr"), kind="warning",
                                       date="2020-05-20")
        self.login("shenyang_samr")
        self.assertEqual(self.client.get("/enterprises/duplicates/").status_code, 403)
        self.login("shenyang_office")
        page = self.client.get("/enterprises/duplicates/")
        self.assertContains(page, "名称相近且缺少统一社会信用代码")
        self.assertContains(page, "同名但统一社会信用代码不同")
        with self.assertRaises(PermissionDenied):
            enterprise_merge(keep=keep, merge=merge, actor=self.users["dalian_office"])
        response = self.client.post("/enterprises/duplicates/", {"keep": keep.pk, "merge": merge.pk})
        self.assertEqual(response.status_code, 302)
        merge.refresh_from_db()
        keep.refresh_from_db()
        self.assertEqual(merge.merged_into, keep)
        self.assertEqual(keep.address, "和平区1号")
        self.assertEqual(list(keep.categories.all()), [mask])
        self.assertEqual(set(keep.qualifications.values_list("pk", flat=True)), {q_keep.pk, q_moved.pk})
        self.assertEqual(keep.list_entries.count(), 1)
        letter.refresh_from_db()
        self.assertEqual(letter.enterprise, keep)
        self.assertTrue(ObjectChange.objects.filter(content_type__model="qualification", action="delete").exists())
        self.assertTrue(ObjectChange.objects.filter(content_type__model="letter", object_id=str(letter.pk),
                                                    action="update").exists())
        self.assertTrue(events_for(keep).filter(event="enterprise.merge").exists())
        self.assertTrue(events_for(merge).filter(event="enterprise.merged_into").exists())
        with self.assertRaises(ValidationError):
            enterprise_merge(keep=other, merge=merge, actor=self.users["shenyang_office"])

    def test_a_merge_naming_no_enterprise_is_answered_with_a_message(self):
        keep = self.ent("沈阳华康口罩有限公司", code(802))
        self.login("shenyang_office")
        for junk in ("abc", "²", "9" * 30, ""):
            response = self.client.post("/enterprises/duplicates/", {"keep": keep.pk, "merge": junk}, follow=True)
            self.assertContains(response, "请选择要保留的企业和要合并的企业。", msg_prefix=repr(junk))
        self.assertFalse(Enterprise.objects.filter(merged_into__isnull=False).exists())

    def test_demo_seed_small(self):
        ctx = DemoContext()
        demo.seed(ctx)
        self.assertEqual(Enterprise.objects.count(), 30 * 14)
        self.assertEqual(len(ctx.store["enterprises"]), 14)
        for credit in Enterprise.objects.values_list("credit_code", flat=True)[:50]:
            validate_uscc(credit)
        self.assertTrue(Qualification.objects.filter(kind="device_registration").exists())
        self.assertEqual(ListEntry.objects.filter(kind="producer").count(), 30 * 14)
