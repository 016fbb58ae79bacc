"""One enterprise, one identity: the credit code in one form on every way in (page, API, import,
services, bulk writes, lookups, the duplicate finder, the data migration); the county within the
city and the code's division compared with the region (a warning, not an error); no future dates
for what has already happened; individual businesses without a code importable; the seed's own
words for the product categories accepted."""
import datetime
import importlib
from unittest import mock

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import SimpleTestCase

from rectify.core import clock
from rectify.core.generic.services import object_create
from rectify.core.security.validators import uscc_check_char
from rectify.enterprises import selectors
from rectify.enterprises.identity import division_warning
from rectify.enterprises.importing import Lookups, category_key
from rectify.enterprises.models import Enterprise, ImportJob
from rectify.enterprises.services import enterprise_merge
from rectify.organisations.models import ProductCategory, Region
from rectify.organisations.reference import PRODUCT_CATEGORY_ALIASES
from rectify.testing import WorldTestCase
from tests.fieldwork import factories as f

from .files import code, row, xlsx


def uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


CODE = uscc("91210100MA0Y4L2Q4")          # a Shenyang company
OTHER = uscc("91210100MA0Y4L2Q5")
DALIAN_CODE = uscc("91210200MA0Y4L2Q4")   # registered in Dalian
ADD = "/enterprises/enterprise/add/"
API = "/api/enterprises/enterprise/"
FULL_WIDTH = {ord(ch): ord(ch) + 0xFEE0 for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}


def typed(code_: str) -> str:
    """The code as a user may type or paste it: full-width, lower case, spaces around and inside."""
    return f"  {code_[:6].translate(FULL_WIDTH)} {code_[6:12].lower()}\u3000{code_[12:].lower().translate(FULL_WIDTH)} "


def stored_code(pk: int) -> str | None:
    """The column as the database holds it, read past the model field."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT credit_code FROM {Enterprise._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def write_raw_code(pk: int, value: str) -> None:
    """A code written behind the application's back (an older version, raw SQL)."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Enterprise._meta.db_table} SET credit_code = %s WHERE id = %s", [value, pk])


class IdentityTestCase(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.shenyang, cls.dalian = Region.objects.get(code="210100"), Region.objects.get(code="210200")
        cls.heping, cls.zhongshan = Region.objects.get(code="210102"), Region.objects.get(code="210202")

    def form(self, **over) -> dict:
        data = {"name": "沈阳华康医用防护用品有限公司", "credit_code": CODE, "entity_type": "company",
                "region": self.shenyang.pk, "county": "", "legal_representative": "王伟", "address": "", "contact": "",
                "phone": "", "credit_status": "normal", "notes": "", "approved_on": ""}
        return {**data, **over}

    def api_data(self, **over) -> dict:
        return {**self.form(), "county": None, "approved_on": None, **over}

    def upload(self, data: list[list[str]], key: str = "shenyang_samr") -> ImportJob:
        self.login(key)
        self.client.post("/enterprises/import/", {"file": SimpleUploadedFile("list.xlsx", xlsx(data))})
        return ImportJob.objects.latest("pk")

    def commit(self, job: ImportJob) -> ImportJob:
        self.client.post(f"/enterprises/import/{job.pk}/commit/")
        job.refresh_from_db()
        return job


class CreditCodeTests(IdentityTestCase):
    def test_the_page_stores_the_code_normalised_and_refuses_the_same_firm_typed_again(self):
        self.login("shenyang_samr")
        response = self.client.post(ADD, self.form(credit_code=typed(CODE)))
        self.assertEqual(response.status_code, 302,
                         getattr(response, "context", None) and response.context["form"].errors)
        firm = Enterprise.objects.get(name="沈阳华康医用防护用品有限公司")
        self.assertEqual(stored_code(firm.pk), CODE)
        response = self.client.post(ADD, self.form(name="华康医用", credit_code=CODE.lower()))
        self.assertEqual(response.status_code, 400)
        errors = response.context["form"].errors["credit_code"]
        self.assertTrue(any("沈阳华康医用防护用品有限公司" in e for e in errors), errors)
        self.assertEqual(Enterprise.objects.filter(credit_code=CODE).count(), 1)
        self.assertFalse(Enterprise.objects.filter(name="华康医用").exists())

    def test_the_api_stores_the_code_normalised_and_refuses_the_same_firm_typed_again(self):
        api = self.api("shenyang_samr")
        response = api.post(API, self.api_data(credit_code=typed(CODE)), format="json")
        self.assertEqual(response.status_code, 201, response.content.decode())
        self.assertEqual(response.json()["credit_code"], CODE)
        self.assertEqual(stored_code(response.json()["id"]), CODE)
        response = api.post(API, self.api_data(name="华康医用", credit_code=f" {CODE.lower()} "), format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("credit_code", response.json())
        self.assertEqual(Enterprise.objects.count(), 1)

    def test_the_api_takes_individual_businesses_without_a_code(self):
        api = self.api("shenyang_samr")
        for name in ("沈阳市和平区张三口罩店", "沈阳市和平区李四口罩店"):
            response = api.post(API, self.api_data(name=name, credit_code="", entity_type="individual"), format="json")
            self.assertEqual(response.status_code, 201, response.content.decode())
        self.assertEqual([stored_code(e.pk) for e in Enterprise.objects.all()], [None, None])

    def test_services_bulk_writes_and_lookups_use_the_normalised_code(self):
        actor = self.users["shenyang_samr"]
        made = object_create(model=Enterprise,
                             data={"name": "华康", "credit_code": typed(CODE), "region": self.shenyang}, actor=actor)
        self.assertEqual(stored_code(made.pk), CODE)
        self.assertEqual(Enterprise.objects.get(credit_code=typed(CODE)).pk, made.pk)
        bulk = Enterprise.objects.bulk_create([Enterprise(name="康泰", credit_code=typed(OTHER), region=self.shenyang)])
        self.assertEqual(stored_code(bulk[0].pk), OTHER)
        third = uscc("91210100MA0Y4L2Q6")
        Enterprise.objects.filter(pk=made.pk).update(credit_code=typed(third))
        self.assertEqual(stored_code(made.pk), third)
        made.credit_code = CODE.lower()
        Enterprise.objects.bulk_update([made], ["credit_code"])
        self.assertEqual(stored_code(made.pk), CODE)
        # Enough rows for PostgreSQL's COPY path (core.bulkcopy), which writes without an INSERT.
        Enterprise.objects.bulk_create([Enterprise(name=f"批量{n}", credit_code=typed(code(n)), region=self.shenyang)
                                        for n in range(1, 201)])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT credit_code FROM {Enterprise._meta.db_table} WHERE name LIKE %s", ["批量%"])
            self.assertEqual(sorted(r[0] for r in cursor.fetchall()), sorted(code(n) for n in range(1, 201)))

    def test_the_import_finds_the_firm_whatever_form_its_code_is_written_in(self):
        firm = Enterprise.objects.create(name="沈阳测试防护用品有限公司00001", credit_code=code(1),
                                         region=self.shenyang)
        job = self.upload([row(1, 统一社会信用代码=typed(code(1)))])
        self.assertEqual(job.status, ImportJob.Status.READY, job.errors)
        self.assertEqual((job.count_new, job.count_update + job.count_unchanged), (0, 1))
        self.assertEqual(self.commit(job).status, ImportJob.Status.DONE, job.message)
        self.assertEqual(list(Enterprise.objects.values_list("pk", flat=True)), [firm.pk])
        job = self.upload([row(2), row(3, 统一社会信用代码=typed(code(2)))])
        self.assertEqual(job.status, ImportJob.Status.INVALID)
        self.assertEqual([(e["row"], e["column"]) for e in job.errors], [(3, "统一社会信用代码")])
        self.assertIn("与第2行的统一社会信用代码重复", job.errors[0]["reason"])

    def test_the_duplicate_finder_compares_codes_normalised_and_the_pair_merges(self):
        kept = Enterprise.objects.create(name="沈阳华康医用防护用品有限公司", credit_code=CODE, region=self.shenyang)
        other = Enterprise.objects.create(name="华康口罩厂", credit_code=OTHER, region=self.shenyang)
        write_raw_code(other.pk, f"{CODE.lower()} ")
        office = self.users["shenyang_office"]
        groups = selectors.duplicate_groups(office)
        self.assertEqual([sorted(e.pk for e in g.enterprises) for g in groups], [sorted([kept.pk, other.pk])])
        self.login("shenyang_office")
        self.assertContains(self.client.get("/enterprises/duplicates/"), "华康口罩厂")
        enterprise_merge(keep=kept, merge=other, actor=office)
        other.refresh_from_db()
        self.assertEqual((other.merged_into_id, stored_code(other.pk), stored_code(kept.pk)), (kept.pk, None, CODE))

    def test_the_data_migration_normalises_stored_codes_and_reports_collisions(self):
        first = Enterprise.objects.create(name="沈阳华康医用防护用品有限公司", credit_code=CODE, region=self.shenyang)
        twin = Enterprise.objects.create(name="华康口罩厂", credit_code=uscc("91210100MA0Y4L2Q7"), region=self.shenyang,
                                         notes="原有备注")
        lower = Enterprise.objects.create(name="康泰", credit_code=uscc("91210100MA0Y4L2Q8"), region=self.shenyang)
        blank = Enterprise.objects.create(name="空白", credit_code=uscc("91210100MA0Y4L2Q9"), region=self.shenyang)
        write_raw_code(twin.pk, CODE.lower().translate(FULL_WIDTH))  # 18 characters: the column holds no more
        write_raw_code(lower.pk, OTHER.lower())
        write_raw_code(blank.pk, "   ")
        migration = importlib.import_module("rectify.enterprises.migrations.0005_normalise_credit_codes")
        with mock.patch("sys.stdout") as out:
            migration.forward(apps, None)
        written = "".join(call.args[0] for call in out.write.call_args_list)
        self.assertEqual([stored_code(e.pk) for e in (first, twin, lower, blank)], [CODE, None, OTHER, None])
        twin.refresh_from_db()
        self.assertTrue(twin.notes.startswith("原有备注\n"), twin.notes)
        for text in (twin.notes, written):
            self.assertIn(f"编号 {twin.pk}", text)
            self.assertIn(f"与企业“沈阳华康医用防护用品有限公司”（编号 {first.pk}）相同", text)
        self.assertEqual(written.count("规范化后为"), 1)


class RegionTests(IdentityTestCase):
    def test_the_page_refuses_a_county_of_another_city(self):
        self.login("shenyang_samr")
        response = self.client.post(ADD, self.form(county=self.zhongshan.pk))
        self.assertEqual(response.status_code, 400)
        self.assertIn("不属于所在市“沈阳市”", " ".join(response.context["form"].errors["county"]))
        self.assertFalse(Enterprise.objects.exists())

    def test_the_api_refuses_a_county_of_another_city(self):
        response = self.api("shenyang_samr").post(API, self.api_data(county=self.zhongshan.pk), format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("中山区", " ".join(response.json()["county"]))
        self.assertFalse(Enterprise.objects.exists())

    def test_the_page_saves_a_code_of_another_city_with_a_warning(self):
        self.login("shenyang_samr")
        response = self.client.post(ADD, self.form(credit_code=DALIAN_CODE, county=self.heping.pk), follow=True)
        self.assertEqual(response.status_code, 200)
        firm = Enterprise.objects.get(credit_code=DALIAN_CODE)
        warning = "统一社会信用代码第3-8位（登记管理机关行政区划码）为 210200（大连市），与所选的沈阳市不一致"
        self.assertContains(response, warning)
        self.assertContains(self.client.get(firm.get_absolute_url()), warning)
        self.client.post(ADD, self.form(name="沈阳康泰", credit_code=OTHER, county=self.heping.pk), follow=True)
        self.assertNotContains(self.client.get(Enterprise.objects.get(credit_code=OTHER).get_absolute_url()),
                               "登记管理机关行政区划码")

    def test_the_import_preview_warns_about_the_code_region_and_still_imports(self):
        job = self.upload([row(1), row(2, 统一社会信用代码=code(2, "210200")),
                           row(3, 统一社会信用代码=code(3, "210103"))])
        self.assertEqual(job.status, ImportJob.Status.READY, job.errors)
        self.assertEqual([(w["row"], w["column"]) for w in job.warnings],
                         [(3, "统一社会信用代码"), (4, "统一社会信用代码")])
        self.assertIn("210200（大连市），与所选的沈阳市不一致", job.warnings[0]["reason"])
        self.assertIn("与所选的沈阳市和平区不一致", job.warnings[1]["reason"])
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, 'id="import-warnings"')
        self.assertContains(page, "另有 2 条提示，不影响导入")
        self.assertEqual(self.commit(job).status, ImportJob.Status.DONE)
        self.assertEqual(Enterprise.objects.count(), 3)


class DivisionWarningTests(SimpleTestCase):
    def test_only_a_division_outside_the_chosen_place_is_noted(self):
        shenyang, dalian = Region(code="210100", name="沈阳市"), Region(code="210200", name="大连市")
        heping = Region(code="210102", name="和平区")
        names = {"210100": "沈阳市", "210102": "和平区", "210103": "沈河区", "210200": "大连市"}
        fits = [("91210100MA0Y4L2Q4T", shenyang, None), ("91210102MA0Y4L2Q4T", shenyang, heping),
                ("91210100MA0Y4L2Q4T", shenyang, heping), ("91210000MA0Y4L2Q4T", dalian, None), ("", shenyang, None)]
        for code_, city, county in fits:
            self.assertIsNone(division_warning(code_, city, county, names), code_)
        for code_, city, county, where in [("91210200MA0Y4L2Q4T", shenyang, None, "大连市"),
                                           ("91210103MA0Y4L2Q4T", shenyang, heping, "沈河区"),
                                           ("91110105MA0Y4L2Q4T", shenyang, None, "本省以外或未登记的地区")]:
            self.assertIn(f"（{where}）", division_warning(code_, city, county, names) or "", code_)


class FutureDateTests(IdentityTestCase):
    def test_the_page_refuses_an_approval_date_after_today(self):
        self.login("shenyang_samr")
        tomorrow = clock.today() + datetime.timedelta(days=1)
        response = self.client.post(ADD, self.form(approved_on="2030-01-01"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("日期不能晚于今天", " ".join(response.context["form"].errors["approved_on"]))
        self.assertEqual(self.client.post(ADD, self.form(approved_on=tomorrow.isoformat())).status_code, 400)
        self.assertFalse(Enterprise.objects.exists())
        self.assertEqual(self.client.post(ADD, self.form(approved_on=clock.today().isoformat())).status_code, 302)

    def test_the_api_refuses_future_dates_of_what_has_happened(self):
        api = self.api("shenyang_samr")
        response = api.post(API, self.api_data(approved_on="2030-01-01"), format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("approved_on", response.json())
        firm = Enterprise.objects.create(name="沈阳华康", credit_code=CODE, region=self.shenyang)
        cases = [("/api/enterprises/qualification/", {"enterprise": firm.pk, "kind": "production_licence",
                                                      "number": "辽XK16-205-00001"}, "valid_from"),
                 ("/api/enterprises/listentry/", {"enterprise": firm.pk, "kind": "exporter"}, "listed_on")]
        for url, data, field in cases:
            with self.subTest(field=field):
                response = api.post(url, {**data, field: "2030-01-01"}, format="json")
                self.assertEqual(response.status_code, 400, response.content.decode())
                self.assertIn(field, response.json())
                response = api.post(url, {**data, field: "2020-05-20"}, format="json")
                self.assertEqual(response.status_code, 201, response.content.decode())
        # An expiry date lies ahead by nature.
        response = api.post("/api/enterprises/qualification/", {
            "enterprise": firm.pk, "kind": "filing", "number": "辽械备20200001", "valid_to": "2030-01-01",
        }, format="json")
        self.assertEqual(response.status_code, 201, response.content.decode())

    def test_today_is_the_beijing_day(self):
        """At 23:30 UTC it is already the next day in Beijing: that day is today, the one after is not."""
        api = self.api("shenyang_samr")
        late_evening_utc = datetime.datetime(2020, 6, 3, 23, 30, tzinfo=datetime.UTC)
        with mock.patch("django.utils.timezone.now", return_value=late_evening_utc):
            refused = api.post(API, self.api_data(approved_on="2020-06-05"), format="json")
            accepted = api.post(API, self.api_data(approved_on="2020-06-04"), format="json")
        self.assertEqual(refused.status_code, 400)
        self.assertIn("2020-06-04", " ".join(refused.json()["approved_on"]))
        self.assertEqual(accepted.status_code, 201, accepted.content.decode())

    def test_records_of_other_apps_refuse_future_dates_of_what_has_happened(self):
        """A price seen, a complaint registered, a conflict declared: none on a day still to come."""
        unit = self.unit("210100-samr")
        mask = f.category("mask").pk
        observation = {"unit": unit.pk, "outlet_name": "沈阳仁和药店", "enterprise": None, "product": "医用外科口罩",
                       "category": mask, "unit_of_sale": "只", "price": "1.20", "source": "inspection"}
        complaint = {"unit": unit.pk, "kind": "complaint", "channel": "hotline", "reporter_name": "李四",
                     "reporter_phone": "13900001111", "subject_name": "某药店", "product_category": mask,
                     "content": "高价销售口罩"}
        conflict = {"unit": unit.pk, "officer": f.officers(unit, 1)[0].pk, "enterprise": f.enterprise("210100").pk,
                    "reason": "曾在该企业任职"}
        api = self.api("shenyang_samr")
        for url, data, field in [("/api/prices/priceobservation/", observation, "observed_on"),
                                 ("/api/enforcement/complaint/", complaint, "received_on"),
                                 ("/api/targeting/conflictofinterest/", conflict, "declared_on")]:
            with self.subTest(field=field):
                response = api.post(url, {**data, field: "2030-01-01", "number": "C-0001"}, format="json")
                self.assertEqual(response.status_code, 400, response.content.decode())
                self.assertIn("日期不能晚于今天", " ".join(response.json()[field]))
                response = api.post(url, {**data, field: "2020-05-21", "number": "C-0002"}, format="json")
                self.assertEqual(response.status_code, 201, response.content.decode())

    def test_every_date_of_something_that_happened_refuses_tomorrow(self):
        """One shared validator on the dates of records about what has already happened, in each app."""
        past_only = {
            "enterprises.enterprise": ["approved_on"], "enterprises.qualification": ["valid_from"],
            "enterprises.listentry": ["listed_on"], "enterprises.letter": ["date"],
            "fieldwork.inspection": ["date"], "fieldwork.measure": ["date"],
            "fieldwork.sample": ["production_date", "sampled_on", "notified_on", "objection_filed_on", "retested_on"],
            "fieldwork.disposal": ["cause_analysis_on", "recall_ordered_on", "recall_completed_on", "flow_traced_on",
                                   "case_opened_on", "exposed_on"],
            "fieldwork.ledgerentry": ["traded_on"], "fieldwork.exportcheck": ["checked_on"],
            "fieldwork.recall": ["recalled_on"],
            "enforcement.complaint": ["received_on"], "enforcement.creditrecord": ["recorded_on"],
            "enforcement.jointpunishment": ["decided_on"], "enforcement.jointpunishmentaction": ["done_on"],
            "enforcement.supervision": ["listed_on"],
            "prices.priceobservation": ["observed_on"], "prices.servicerequest": ["received_on", "answered_on"],
            "prices.capacityallocation": ["allocated_on"],
            "targeting.conflictofinterest": ["declared_on"], "targeting.certificatecheck": ["on_date"],
        }
        today = clock.today()
        for label, names in past_only.items():
            model = apps.get_model(label)
            for name in names:
                with self.subTest(field=f"{label}.{name}"):
                    field = model._meta.get_field(name)
                    field.run_validators(today)
                    with self.assertRaisesMessage(Exception, "日期不能晚于今天"):
                        field.run_validators(today + datetime.timedelta(days=1))


class IndividualBusinessTests(IdentityTestCase):
    SHOP = "沈阳市和平区张三口罩店"

    def shop(self, **over) -> list[str]:
        return row(1, 企业名称=self.SHOP, 统一社会信用代码="", 主体类型="个体工商户", **over)

    def test_an_individual_business_without_a_code_is_imported_and_found_again_by_name_and_city(self):
        job = self.upload([self.shop()])
        self.assertEqual(job.status, ImportJob.Status.READY, job.errors)
        self.assertEqual(self.commit(job).status, ImportJob.Status.DONE, job.message)
        shop = Enterprise.objects.get(name=self.SHOP)
        self.assertEqual((stored_code(shop.pk), shop.entity_type, shop.region_id),
                         (None, "individual", self.shenyang.pk))
        job = self.upload([self.shop()])
        self.assertEqual((job.status, job.count_new, job.count_unchanged), (ImportJob.Status.READY, 0, 1))
        job = self.commit(self.upload([self.shop(联系电话="024-88888888")]))
        self.assertEqual((job.status, job.count_new, job.count_update), (ImportJob.Status.DONE, 0, 1))
        self.assertEqual(Enterprise.objects.get().phone, "024-88888888")

    def test_rows_without_a_code_that_cannot_be_told_apart_are_errors(self):
        job = self.upload([row(1, 统一社会信用代码=""), self.shop(), self.shop()])
        self.assertEqual(job.status, ImportJob.Status.INVALID)
        self.assertEqual([(e["row"], e["column"]) for e in job.errors], [(2, "统一社会信用代码"), (4, "企业名称")])
        self.assertIn("个体工商户", job.errors[0]["reason"])
        self.assertIn("与第3行是同一所在市的同名企业", job.errors[1]["reason"])
        for _n in range(2):
            Enterprise.objects.create(name=self.SHOP, region=self.shenyang, entity_type="individual")
        job = self.upload([self.shop()])
        self.assertEqual(job.status, ImportJob.Status.INVALID)
        self.assertIn("有 2 家名为“沈阳市和平区张三口罩店”的企业", job.errors[0]["reason"])


class CategoryWordTests(IdentityTestCase):
    def test_the_seed_words_for_the_categories_are_accepted(self):
        words = "检测试剂、口罩、防护服、测温仪/红外体温计(额温枪)、熔喷布"
        job = self.upload([row(1, 生产产品类别=words)])
        self.assertEqual(job.status, ImportJob.Status.READY, job.errors)
        self.assertEqual(self.commit(job).status, ImportJob.Status.DONE)
        self.assertEqual(set(Enterprise.objects.get().categories.values_list("code", flat=True)),
                         {"test_reagent", "mask", "protective_suit", "thermometer", "meltblown"})
        job = self.upload([row(2, 生产产品类别="口罩、火箭")])
        self.assertEqual([e["reason"] for e in job.errors], ["产品类别“火箭”不在本次专项行动的类别中"])

    def test_each_word_names_its_own_category_and_one_only(self):
        lookups = Lookups()
        codes = dict(ProductCategory.objects.values_list("pk", "code"))
        owners: dict[str, str] = {}
        for code_, words in PRODUCT_CATEGORY_ALIASES.items():
            for word in words:
                with self.subTest(word=word):
                    self.assertNotIn(category_key(word), owners, f"{word}: {owners.get(category_key(word))}")
                    owners[category_key(word)] = code_
                    self.assertEqual(codes[lookups.categories[category_key(word)]], code_)
