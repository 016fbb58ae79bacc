"""core/tablespeed.py: django-tables2 with remembered render signatures and direct date columns
must render exactly what the stock library and the `date` filter would."""
import datetime
import inspect

import django_tables2 as tables
from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import timezone
from django_tables2 import utils

from rectify.core.models import ObjectChange
from rectify.enforcement.models import Case


def _stock_signature(fn) -> tuple:
    args, keywords = [], None
    for arg in inspect.signature(fn).parameters.values():
        if arg.kind == arg.VAR_KEYWORD:
            keywords = arg.name
        elif arg.kind != arg.VAR_POSITIONAL:
            args.append(arg.name)
    return tuple(args), keywords


class SignatureCacheTests(SimpleTestCase):
    def test_installed_and_answers_as_inspect_does(self):
        self.assertTrue(getattr(utils.signature, "_rectify_cached", False))

        class Holder:
            def render(self, value, record):
                return value

            def value(self, **kwargs):
                return kwargs

        def plain(value, bound_column=None):
            return value

        def star(*args, table):
            return table

        holder = Holder()
        for fn in (holder.render, Holder().render, holder.value, plain, star, lambda record: record):
            self.assertEqual(utils.signature(fn), _stock_signature(fn), fn)
            self.assertEqual(utils.signature(fn), _stock_signature(fn), fn)  # the remembered answer
        self.assertEqual(utils.signature(len), _stock_signature(len))  # a builtin: not remembered, still right


class DateColumnTests(SimpleTestCase):
    def test_model_date_columns_render_as_the_date_filter(self):
        class CaseTable(tables.Table):
            class Meta:
                model = Case
                fields = ["filed_on", "decided_on"]

        class ChangeTable(tables.Table):
            class Meta:
                model = ObjectChange
                fields = ["time"]

        day = datetime.date(2020, 5, 21)
        case = Case(filed_on=day, decided_on=None)
        table = CaseTable([case])
        row = table.rows[0]
        self.assertNotIsInstance(table.columns["filed_on"].column, tables.TemplateColumn)
        self.assertEqual(row.get_cell("filed_on"), Template('{{ v|date:"SHORT_DATE_FORMAT" }}').render(Context({"v": day})))
        self.assertEqual(row.get_cell("decided_on"), table.default)
        self.assertEqual(row.get_cell_value("filed_on"), "2020-05-21")

        moment = datetime.datetime(2020, 5, 21, 23, 30, tzinfo=datetime.UTC)  # 07:30 on the 22nd in Shenyang
        change = ObjectChange(time=moment)
        cell = ChangeTable([change]).rows[0].get_cell("time")
        self.assertEqual(cell, Template('{{ v|date:"SHORT_DATETIME_FORMAT" }}').render(Context({"v": moment})))
        self.assertIn(timezone.localtime(moment).strftime("%H:%M"), cell)
