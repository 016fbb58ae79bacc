"""Records belong where their enterprise is: a record a provincial unit enters about a Dalian
enterprise lies in Dalian (region and county), so that Dalian's unit of the record's line and the
Dalian office see it, while the provincial unit still sees it through its line of work.

Every scoped record model with an enterprise is built here, by a provincial unit of a line that
enters such records, about an enterprise in Dalian's 中山区. A model added later fails
`test_every_model_with_an_enterprise_is_covered` until it is given a builder here (or an exemption
with its reason)."""
from __future__ import annotations

import importlib
import itertools
from collections.abc import Callable
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from rectify.accounts.models import Role, User
from rectify.core.models import ScopedRecord
from rectify.enforcement.models import Case, Complaint, CreditRecord, JointPunishment, Lead, Problem
from rectify.enforcement.placement import place_by_enterprise
from rectify.enterprises.models import Enterprise, Letter
from rectify.fieldwork.models import Disposal, ExportCheck, Recall
from rectify.organisations.models import Department, Region, Unit
from rectify.prices.models import CapacityOffer, PriceFlag, PriceObservation, PriceRule, ServiceRequest
from rectify.targeting.models import CertificateCheck, ConflictOfInterest, ExportListEntry
from rectify.testing import WorldTestCase
from tests.enforcement.helpers import case, d
from tests.fieldwork import factories as f

_seq = itertools.count(1)

# Which provincial unit enters each kind of record in the test (and so which line it has).
# "210000-customs" is made by the test: the seed has customs districts, no provincial customs unit.
ENTERED_BY = {
    "enterprises.Letter": "210000-samr",
    "fieldwork.ExportCheck": "210000-customs",
    "fieldwork.Recall": "210000-commerce",
    "fieldwork.Inspection": "210000-samr",
    "fieldwork.Sample": "210000-samr",
    "fieldwork.Disposal": "210000-samr",
    "enforcement.Case": "210000-police",
    "enforcement.Complaint": "210000-samr",
    "enforcement.CreditRecord": "210000-samr",
    "enforcement.JointPunishment": "210000-samr",
    "enforcement.Lead": "210000-samr",
    "enforcement.Problem": "210000-samr",
    "targeting.CertificateCheck": "210000-nmpa",
    "targeting.ConflictOfInterest": "210000-samr",
    "targeting.ExportListEntry": "210000-commerce",
    "prices.PriceObservation": "210000-samr",
    "prices.PriceFlag": "210000-samr",
    "prices.ServiceRequest": "210000-miit",
    "prices.CapacityOffer": "210000-ndrc",
}
# Dalian's unit of each provincial unit's line.
DALIAN_UNIT = {"210000-samr": "210200-samr", "210000-customs": "210200-customs_dl",
               "210000-commerce": "210200-commerce", "210000-police": "210200-police", "210000-nmpa": "210200-nmpa",
               "210000-miit": "210200-miit", "210000-ndrc": "210200-ndrc"}

# Models with an enterprise whose place deliberately does not follow it, and why. Each is still
# built, and what its place means is asserted in test_exempt_models_keep_their_own_place.
EXEMPT = {
    "targeting.ConflictOfInterest": "an officer's own declaration stays with the declaring unit (UnitPlacedMixin): "
                                    "Dalian's draws never use provincial officers, and a city has no business "
                                    "reading a provincial officer's private reasons",
    "targeting.ExportListEntry": "the province's own list: its scope has no region (every unit reads it, "
                                 "customs at every port check against it), so its place decides neither who sees "
                                 "it nor any table",
}


def _category():
    return f.category("mask")


def _sample(unit, ent):
    return f.sample(unit, ent, result="nonconforming", batch=f"B{next(_seq):06d}")


def _observation(unit, ent):
    return PriceObservation.objects.create(unit=unit, enterprise=ent, outlet_name="大连康民大药房",
                                           product="一次性使用医用口罩", category=_category(), price=Decimal("1.50"),
                                           observed_on=d("2020-05-20"))


def _price_flag(unit, ent):
    rule = PriceRule.objects.create(unit=Unit.objects.get(code="210000-samr"), name="高于疫情前价格50%",
                                    kind=PriceRule.Kind.ABOVE_BASELINE, threshold=Decimal("50"))
    return PriceFlag.objects.create(rule=rule, observation=_observation(unit, ent), unit=unit, enterprise=ent,
                                    outlet_name="大连康民大药房", measured=Decimal("200"), threshold=Decimal("50"),
                                    explanation="高出200%")


BUILDERS: dict[str, Callable] = {
    "enterprises.Letter": lambda unit, ent: Letter.objects.create(enterprise=ent, unit=unit, kind="warning",
                                                                  date=d("2020-05-18")),
    "fieldwork.ExportCheck": lambda unit, ent: ExportCheck.objects.create(
        unit=unit, declaration_number=f"0901{next(_seq):08d}", checked_on=d("2020-05-30"), exporter=ent, producer=ent,
        enterprise=ent, category=_category(), batches_checked=3, batches_nonconforming=1, destination_country="意大利",
        action_taken="returned"),
    "fieldwork.Recall": lambda unit, ent: Recall.objects.create(
        unit=unit, enterprise=ent, category=_category(), product_name="口罩", batch_number="B1", quantity=500,
        recalled_on=d("2020-06-03"), reason="抽检不合格"),
    "fieldwork.Inspection": lambda unit, ent: f.inspection(unit, ent),
    "fieldwork.Sample": _sample,
    "fieldwork.Disposal": lambda unit, ent: (lambda s: Disposal.objects.create(
        sample=s, unit=unit, enterprise=ent, category=s.category, batch_number=s.batch_number))(_sample(unit, ent)),
    "enforcement.Case": lambda unit, ent: case(unit, ent=ent, cat="public_security", police_kind="criminal"),
    "enforcement.Complaint": lambda unit, ent: Complaint.objects.create(
        unit=unit, number=f"C-{next(_seq):04d}", received_on=d("2020-05-20"), content="口罩价格过高",
        reporter_name="张三", reporter_phone="13812341234", subject_name=ent.name, enterprise=ent),
    "enforcement.CreditRecord": lambda unit, ent: CreditRecord.objects.create(
        unit=unit, enterprise=ent, recorded_on=d("2020-06-01"), summary="行政处罚"),
    "enforcement.JointPunishment": lambda unit, ent: JointPunishment.objects.create(
        unit=unit, enterprise=ent, decided_on=d("2020-06-05"), basis="多次违法"),
    "enforcement.Lead": lambda unit, ent: Lead.objects.create(unit=unit, source="complaint", description="高价销售口罩",
                                                              enterprise=ent),
    "enforcement.Problem": lambda unit, ent: Problem.objects.create(
        unit=unit, source="inspection", description="进货台账不全", requirement="建立购销台账",
        deadline=d("2020-06-10"), enterprise=ent),
    "targeting.CertificateCheck": lambda unit, ent: CertificateCheck.objects.create(
        unit=unit, number="国械注准20200000001", kind="device_registration", enterprise=ent, on_date=d("2020-05-20"),
        flagged=True, reason="证书编号不存在"),
    "targeting.ConflictOfInterest": lambda unit, ent: ConflictOfInterest.objects.create(
        unit=unit, officer=f.officers(unit, 1)[0], enterprise=ent, reason="亲属任职", declared_on=d("2020-05-20")),
    "targeting.ExportListEntry": lambda unit, ent: ExportListEntry.objects.create(
        unit=unit, list_kind="negative", name=ent.name, enterprise=ent, category=_category(),
        listed_from=d("2020-04-26"), source="市场监管总局"),
    "prices.PriceObservation": _observation,
    "prices.PriceFlag": _price_flag,
    "prices.ServiceRequest": lambda unit, ent: ServiceRequest.objects.create(
        unit=unit, enterprise=ent, title="熔喷布供应紧张", content="原料短缺", received_on=d("2020-05-20"),
        tracking_code=f"QYTEST{next(_seq):07d}"),
    "prices.CapacityOffer": lambda unit, ent: CapacityOffer.objects.create(
        unit=unit, enterprise=ent, category=_category(), quantity=10000, available_from=d("2020-05-20")),
}


def scoped_models_with_an_enterprise() -> list[type]:
    found = []
    for model in apps.get_models():
        if not issubclass(model, ScopedRecord):
            continue
        try:
            field = model._meta.get_field("enterprise")
        except FieldDoesNotExist:
            continue
        if field.many_to_one:
            found.append(model)
    return found


def clerk(unit: Unit) -> User:
    user = User.objects.create_user(username=f"clerk_{unit.code}_{next(_seq)}", password="x", unit=unit,
                                    full_name="录入员")
    user.roles.set([Role.objects.get(code="clerk")])
    return user


class PlacementTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.province = Region.objects.get(code="210000")
        cls.dalian, cls.zhongshan = Region.objects.get(code="210200"), Region.objects.get(code="210202")
        Unit.objects.create(code="210000-customs", name="海关（省级，测试）", region=cls.province,
                            department=Department.objects.get(code="customs_dl"),
                            parent=Unit.objects.get(code="210000-office"))
        cls.ent = Enterprise.objects.create(name="大连中山医用防护用品有限公司", region=cls.dalian,
                                            county=cls.zhongshan, is_producer=True)
        codes = {*ENTERED_BY.values(), *DALIAN_UNIT.values()}
        cls.clerks = {code: clerk(Unit.objects.get(code=code)) for code in codes}
        cls.dalian_office = cls.users["dalian_office"]

    def build(self, label: str):
        unit = Unit.objects.select_related("region", "department").get(code=ENTERED_BY[label])
        obj = BUILDERS[label](unit, self.ent)
        return type(obj)._base_manager.get(pk=obj.pk)

    def sees(self, user: User, obj) -> bool:
        return type(obj).objects.restrict(user).filter(pk=obj.pk).exists()

    def test_every_model_with_an_enterprise_is_covered(self):
        labels = {m._meta.label for m in scoped_models_with_an_enterprise()}
        self.assertGreaterEqual(len(labels), 19)
        self.assertEqual(labels - set(BUILDERS), set(), "give each new model a builder here (or an exemption)")
        self.assertEqual(set(BUILDERS) - labels, set())
        self.assertLessEqual(set(EXEMPT), set(BUILDERS))

    def test_a_provincial_record_about_a_dalian_enterprise_lies_in_dalian(self):
        for model in scoped_models_with_an_enterprise():
            label = model._meta.label
            if label in EXEMPT:
                continue
            with self.subTest(model=label):
                obj = self.build(label)
                self.assertEqual((obj.region_id, obj.county_id), (self.dalian.pk, self.zhongshan.pk))
                provincial, dalian = ENTERED_BY[label], DALIAN_UNIT[ENTERED_BY[label]]
                self.assertEqual(obj.unit.code, provincial)
                self.assertTrue(self.sees(self.clerks[dalian], obj), f"{dalian} should see it")
                self.assertTrue(self.sees(self.dalian_office, obj), "the Dalian office should see it")
                self.assertTrue(self.sees(self.clerks[provincial], obj), f"{provincial} should still see it")
                self.assertTrue(self.sees(self.users["province_office"], obj))
                self.assertFalse(self.sees(self.users["shenyang_office"], obj), "Shenyang has nothing to do with it")

    def test_exempt_models_keep_their_own_place(self):
        declaration = self.build("targeting.ConflictOfInterest")
        self.assertEqual(declaration.region_id, self.province.pk)
        self.assertTrue(self.sees(self.clerks["210000-samr"], declaration))
        self.assertFalse(self.sees(self.dalian_office, declaration))
        entry = self.build("targeting.ExportListEntry")
        self.assertTrue(all(self.sees(u, entry) for u in (self.dalian_office, self.clerks["210200-customs_dl"],
                                                          self.users["shenyang_samr"])))

    def test_a_provincial_record_without_an_enterprise_stays_at_the_province(self):
        samr = Unit.objects.get(code="210000-samr")
        for obj in (case(samr), Lead.objects.create(unit=samr, source="other", description="舆情线索"),
                    Complaint.objects.create(unit=samr, number="C-P-1", received_on=d("2020-05-20"),
                                             content="网络销售假口罩")):
            with self.subTest(model=type(obj).__name__):
                obj = type(obj)._base_manager.get(pk=obj.pk)
                self.assertEqual((obj.region_id, obj.county_id), (self.province.pk, None))
                self.assertTrue(self.sees(self.clerks["210000-samr"], obj))
                self.assertFalse(self.sees(self.dalian_office, obj))

    def test_a_city_units_record_about_another_citys_enterprise_stays_in_its_city(self):
        """The handling city keeps what it handles; a customs district covers the enterprise's city."""
        shenyang_case = case(Unit.objects.get(code="210100-samr"), ent=self.ent)
        self.assertEqual(Case.objects.get(pk=shenyang_case.pk).region.code, "210100")
        dandong = Enterprise.objects.create(name="丹东出口商贸有限公司", region=Region.objects.get(code="210600"))
        customs_case = case(Unit.objects.get(code="210200-customs_dl"), ent=dandong)
        self.assertEqual(Case.objects.get(pk=customs_case.pk).region.code, "210600")
        self.assertEqual(Lead.objects.create(unit=Unit.objects.get(code="210100-samr"), description="外市线索",
                                             enterprise=self.ent).region.code, "210100")


def _migration(app: str, name: str):
    return importlib.import_module(f"rectify.{app}.migrations.{name}")


class PlacementMigrationTests(WorldTestCase):
    """Existing rows entered by provincial units before the change are moved by the data migrations
    of enforcement and prices; other rows keep their place."""

    MIGRATIONS = [("enforcement", "0007_provincial_records_in_enterprise_city"),
                  ("prices", "0003_provincial_records_in_enterprise_city")]

    def test_the_data_migrations_move_provincial_records_to_the_enterprise_city(self):
        province, dalian = Region.objects.get(code="210000"), Region.objects.get(code="210200")
        zhongshan = Region.objects.get(code="210202")
        ent = Enterprise.objects.create(name="大连中山口罩经营部", region=dalian, county=zhongshan)
        samr = Unit.objects.get(code="210000-samr")
        moved = [case(samr, ent=ent), Complaint.objects.create(unit=samr, number="C-M-1", received_on=d("2020-05-20"),
                                                                content="高价", enterprise=ent),
                 Lead.objects.create(unit=samr, description="线索", enterprise=ent),
                 Problem.objects.create(unit=samr, source="inspection", description="台账不全", requirement="整改",
                                        deadline=d("2020-06-10"), enterprise=ent),
                 BUILDERS["prices.PriceFlag"](samr, ent),
                 BUILDERS["prices.ServiceRequest"](Unit.objects.get(code="210000-miit"), ent),
                 BUILDERS["prices.CapacityOffer"](Unit.objects.get(code="210000-ndrc"), ent)]
        moved.append(moved[4].observation)
        for obj in moved:  # where the records lay before
            type(obj)._base_manager.filter(pk=obj.pk).update(region=province, county=None)
        kept = {case(samr): (province.pk, None),  # no enterprise: the province is its place
                case(Unit.objects.get(code="210100-samr"), ent=ent): (Region.objects.get(code="210100").pk, None)}
        state = MigrationLoader(connection).project_state([(app, name) for app, name in self.MIGRATIONS]).apps
        for app, name in self.MIGRATIONS:
            _migration(app, name).forward(state, None)
        for obj in moved:
            with self.subTest(model=type(obj).__name__):
                row = type(obj)._base_manager.get(pk=obj.pk)
                self.assertEqual((row.region_id, row.county_id), (dalian.pk, zhongshan.pk))
                self.assertTrue(type(obj).objects.restrict(self.users["dalian_office"]).filter(pk=obj.pk).exists())
        for obj, place in kept.items():
            row = Case.objects.get(pk=obj.pk)
            self.assertEqual((row.region_id, row.county_id), place)

    def test_the_migration_works_in_batches(self):
        province, dalian = Region.objects.get(code="210000"), Region.objects.get(code="210200")
        samr = Unit.objects.get(code="210000-samr")
        ents = [Enterprise.objects.create(name=f"大连口罩经营部{i}", region=dalian) for i in range(5)]
        cases = [case(samr, ent=e) for e in ents]
        Case.objects.filter(pk__in=[c.pk for c in cases[:4]]).update(region=province)
        self.assertEqual(place_by_enterprise(apps, ["enforcement.Case"], batch_size=2), 4)
        self.assertEqual(set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("region__code", flat=True)),
                         {"210200"})
        self.assertEqual(place_by_enterprise(apps, ["enforcement.Case"], batch_size=2), 0)
