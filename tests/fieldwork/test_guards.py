"""The field-work services answer with core's guards: the unit a record is entered for, the row
locked for an edit (with its optimistic lock) and the records a write points at."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from rectify.core.generic.services import ConflictError
from rectify.fieldwork import services
from rectify.fieldwork.models import Inspection
from rectify.testing import WorldTestCase

from . import factories as f


class FieldworkGuardTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.shenyang = cls.unit("210100-samr")
        cls.ent = f.enterprise("210100", name="沈阳被查口罩有限公司")

    def record(self, actor, unit, enterprise=None) -> Inspection:
        return services.inspection_record(
            unit=unit, enterprise=enterprise or self.ent, date=f.D(2020, 5, 20), inspectors=f.officers(unit),
            outcomes={f.category(): "passed"}, actor=actor)

    def test_a_record_entered_for_another_citys_unit_is_refused_naming_that_unit(self):
        dalian = self.unit("210200-samr")
        with self.assertRaises(PermissionDenied) as caught:
            self.record(self.users["shenyang_samr"], dalian)
        self.assertEqual(str(caught.exception), f"您不能以“{dalian}”的名义录入记录。")
        self.assertFalse(Inspection.objects.exists())

    def test_an_enterprise_out_of_the_actors_scope_is_refused_by_its_label(self):
        elsewhere = f.enterprise("210200", name="大连口罩有限公司")
        with self.assertRaises(ValidationError) as caught:
            self.record(self.users["shenyang_samr"], self.shenyang, elsewhere)
        self.assertEqual(caught.exception.messages, ["被查企业不在您的数据范围内。"])
        self.assertFalse(Inspection.objects.exists())

    def test_an_edit_of_an_older_version_is_a_conflict_and_changes_nothing(self):
        inspection = self.record(self.users["shenyang_samr"], self.shenyang)
        services.inspection_update(obj=inspection, data={"notes": "第一次修改"}, actor=self.users["shenyang_samr"],
                                   expected_version=inspection.version)
        with self.assertRaises(ConflictError):
            services.inspection_update(obj=inspection, data={"notes": "基于旧版本的修改"},
                                       actor=self.users["shenyang_samr"], expected_version=inspection.version)
        self.assertEqual(Inspection.objects.get(pk=inspection.pk).notes, "第一次修改")

    def test_an_edit_out_of_scope_gets_the_same_answer_as_a_missing_record(self):
        inspection = self.record(self.users["shenyang_samr"], self.shenyang)
        with self.assertRaises(PermissionDenied) as caught:
            services.inspection_update(obj=inspection, data={"notes": "外市修改"}, actor=self.users["dalian_samr"])
        self.assertEqual(str(caught.exception), "记录不存在或不在您的数据范围内。")
        self.assertEqual(Inspection.objects.get(pk=inspection.pk).notes, "")

    def test_a_record_the_actor_sees_but_may_not_change_is_refused_with_the_reason(self):
        inspection = self.record(self.users["shenyang_samr"], self.shenyang)
        with self.assertRaises(PermissionDenied) as caught:
            services.inspection_update(obj=inspection, data={"notes": "领导修改"}, actor=self.users["shenyang_leader"])
        self.assertEqual(str(caught.exception), "您的角色没有此操作的权限。")
        self.assertEqual(Inspection.objects.get(pk=inspection.pk).notes, "")
