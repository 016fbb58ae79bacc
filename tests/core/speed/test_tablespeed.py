"""core/speed/tablespeed.py: django-tables2 with its shortcuts (remembered render signatures, direct
cells, rows and date columns, kept counts) must render exactly what the stock library would."""
import dataclasses
import datetime
import inspect
import re
from decimal import Decimal

import django_tables2 as tables
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context, Template
from django.test import RequestFactory, SimpleTestCase, TestCase
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy
from django_tables2 import utils
from django_tables2.columns.booleancolumn import BooleanColumn

from rectify.core.access.scope import model_allows
from rectify.core.audit.models import ObjectChange
from rectify.core.generic.builders import table_for
from rectify.core.generic.views import ObjectListView, label_paths, list_fields
from rectify.core.registry import registry
from rectify.core.speed import tablespeed
from rectify.core.templatetags.tablecells import row_html
from rectify.enforcement.models import Case
from rectify.testing import make_world_user
from tests.factories import make_rows

ROWS = 15


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
        stock = Template('{{ v|date:"SHORT_DATE_FORMAT" }}').render(Context({"v": day}))
        self.assertEqual(row.get_cell("filed_on"), stock)
        self.assertEqual(row.get_cell("decided_on"), table.default)
        self.assertEqual(row.get_cell_value("filed_on"), "2020-05-21")

        moment = datetime.datetime(2020, 5, 21, 23, 30, tzinfo=datetime.UTC)  # 07:30 on the 22nd in Shenyang
        change = ObjectChange(time=moment)
        row = ChangeTable([change]).rows[0]
        # A moment is Beijing time to the minute in every language, on the page and in exports (core.clock).
        self.assertEqual(row.get_cell("time"), Template('{{ v|date:"Y-m-d H:i" }}').render(Context({"v": moment})))
        self.assertEqual(row.get_cell("time"), "2020-05-22 07:30")
        self.assertEqual(row.get_cell_value("time"), "2020-05-22 07:30")

    def test_a_remembered_date_follows_the_language(self):
        class CaseTable(tables.Table):
            filed_long = tables.DateColumn(accessor="filed_on", short=False)

            class Meta:
                model = Case
                fields = ["filed_on"]

        day = datetime.date(2020, 5, 21)
        cells = {}
        for language in ("zh-hans", "en", "zh-hans", "en"):
            with translation.override(language):
                row = CaseTable([Case(filed_on=day)]).rows[0]
                for name, fmt in (("filed_on", "SHORT_DATE_FORMAT"), ("filed_long", "DATE_FORMAT")):
                    expected = Template(f'{{{{ v|date:"{fmt}" }}}}').render(Context({"v": day}))
                    self.assertEqual(row.get_cell(name), expected, (language, name))
                    cells[(language, name)] = expected
        self.assertNotEqual(cells[("zh-hans", "filed_long")], cells[("en", "filed_long")])


class DirectCellTests(TestCase):
    """The direct cell path and the `table_rows` tag against the stock library, over every
    registered model's list table and rows its factory makes (tests/factories.py), so models added
    later are covered. Each list is read by a user who may see the model (the province office,
    the system administrator for accounts, the audit administrator for the logs)."""

    @classmethod
    def setUpTestData(cls) -> None:
        make_rows(ROWS)
        cls.viewers = [make_world_user(key) for key in ("province_office", "sysadmin", "auditadmin")]

    def _tables(self):
        for config in registry:
            label = config.model._meta.label
            user = next((u for u in self.viewers if model_allows(u, config.model, "view")), None)
            self.assertIsNotNone(user, f"{label}: none of the viewers may see it")
            request = RequestFactory().get("/")
            request.user = user
            view = ObjectListView(config=config)
            view.request = request
            rows = list(view.list_queryset().order_by("-pk")[:ROWS])
            self.assertTrue(rows, f"{label}: no rows to compare; its factory should make them")
            yield config, table_for(config)(rows)

    def test_cells_equal_the_stock_path(self):
        stock_cell, stock_items = tablespeed.STOCK["get_and_render_with"], tablespeed.STOCK["items"]
        compared = 0
        for config, table in self._tables():
            for row in table.rows:
                with self.subTest(model=config.model._meta.label, pk=row.record.pk):
                    for column in table.columns:
                        self.assertEqual(str(row._get_and_render_with(column, row._call_render, column.default)),
                                         str(stock_cell(row, column, row._call_render, column.default)), column.name)
                        self.assertEqual(row._get_and_render_with(column, row._call_value, None),
                                         stock_cell(row, column, row._call_value, None), column.name)
                    self.assertEqual([str(c) for _col, c in row.items()], [str(c) for _col, c in stock_items(row)])
                    compared += 1
        self.assertGreater(compared, 200)

    def test_boolean_and_linked_cells_equal_the_library_s_own(self):
        booleans = links = 0
        for config, table in self._tables():
            for row in table.rows:
                for column in table.columns:
                    value = row._get_and_render_with(column, lambda _column, value: value, None)  # the raw value
                    kwargs = row._optional_cell_arguments(column, value)
                    with self.subTest(model=config.model._meta.label, pk=row.record.pk, column=column.name):
                        if isinstance(column.column, BooleanColumn) and value is not None:
                            for shown in (value, not value):  # both truths, whatever the rows hold
                                self.assertEqual(column.column.render(shown, row.record, column),
                                                 tablespeed.STOCK["boolean_render"](column.column, shown, row.record,
                                                                                    column))
                            booleans += 1
                        if column.link:
                            self.assertEqual(column.link("内容", **kwargs),
                                             tablespeed.STOCK["link_call"](column.link, "内容", **kwargs))
                            links += 1
        self.assertGreater(booleans, 50)
        self.assertGreater(links, 200)

    def test_remembered_signatures_equal_the_library_s_own(self):
        compared = 0
        for config, table in self._tables():
            for column in table.columns:
                for fn in (column.render, column.column.value, column.column.render):
                    with self.subTest(model=config.model._meta.label, column=column.name, fn=fn):
                        self.assertEqual(utils.signature(fn), tablespeed.STOCK["signature"](fn))
                        compared += 1
        self.assertGreater(compared, 300)

    def test_date_cells_equal_the_library_s_date_column(self):
        """The registered DateColumn against django-tables2's own template for the same format."""
        compared = 0
        for config, table in self._tables():
            for column in table.columns:
                if type(column.column).__qualname__ != "_register_date_columns.<locals>.DateColumn":
                    continue
                stock = Template(f'{{{{ value|date:"{column.column.format}"|default:default }}}}')
                for row in table.rows:
                    value = row._get_and_render_with(column, lambda _column, value: value, None)
                    with self.subTest(model=config.model._meta.label, column=column.name, pk=row.record.pk):
                        self.assertEqual(str(row.get_cell(column.name)),
                                         stock.render(Context({"value": value, "default": column.default})))
                        compared += 1
        self.assertGreater(compared, 200)

    def test_kept_counts_equal_the_library_s_count(self):
        counted = 0
        for config in registry:
            request = RequestFactory().get("/")
            request.user = next(u for u in self.viewers if model_allows(u, config.model, "view"))
            view = ObjectListView(config=config)
            view.request = request
            table = table_for(config)(view.list_queryset())
            table.paginate(per_page=10)
            kept = table.paginator.count
            table.data._length = None  # what the library itself counts
            with self.subTest(model=config.model._meta.label):
                self.assertEqual(kept, tablespeed.STOCK["count"](table.data))
            counted += kept > 0
        self.assertGreater(counted, 30)

    def test_the_case_list_reads_the_enterprise_name_only(self):
        request = RequestFactory().get("/")
        request.user = self.viewers[0]  # the province office
        view = ObjectListView(config=registry.get(Case))
        view.request = request
        case = view.list_queryset().filter(enterprise__isnull=False).first()
        self.assertIn("credit_code", case.enterprise.get_deferred_fields())
        self.assertIn("facts", case.get_deferred_fields())
        self.assertNotIn("name", case.enterprise.get_deferred_fields())

    def test_row_html_writes_what_the_template_loop_writes(self):
        loop = Template("{% for cell in row %}<td>{{ cell }}</td>{% endfor %}")
        for config, table in self._tables():
            for row in table.rows:
                with self.subTest(model=config.model._meta.label, pk=row.record.pk):
                    self.assertEqual(row_html(Context({"row": row}), row), loop.render(Context({"row": row})))

    def test_table_rows_tag_writes_each_row_as_the_row_loop_did(self):
        loop = Template("{% for row in table.paginated_rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}"
                        "</tr>\n{% endfor %}")
        tag = Template("{% load tablecells %}{% table_rows table %}\n")
        compared = 0
        for config, table in self._tables():
            table.paginate(per_page=10)
            with self.subTest(model=config.model._meta.label):
                self.assertEqual(tag.render(Context({"table": table})), loop.render(Context({"table": table})))
                compared += len(table.paginated_rows)
        self.assertGreater(compared, 200)

    def test_an_empty_table_shows_its_empty_text_across_all_columns(self):
        table = table_for(registry.get(Case))(Case.objects.none(), empty_text="没有<记录>")
        html = Template("{% load tablecells %}{% table_rows table %}").render(Context({"table": table}))
        self.assertEqual(html, f'<tr><td colspan="{len(table.columns)}">没有&lt;记录&gt;</td></tr>')
        page = table.as_html(RequestFactory().get("/"))  # the project's table template
        self.assertIn(html, page)

    def test_row_html_escapes_and_localises_as_the_template_loop_does(self):
        class Html:
            def __html__(self):
                return "<u>html</u>"

            def __str__(self):
                return "<u>str</u>"

        row = ["<b>&\"'</b>", mark_safe("<i>safe</i>"), SafeString("<s>x</s>"), Html(), 1234567, Decimal("1234.50"),
               datetime.date(2020, 5, 26), datetime.datetime(2020, 5, 26, 8, 30, tzinfo=datetime.UTC), None, True,
               gettext_lazy("案件"), ""]
        for autoescape in (True, False):
            loop = Template("{% for cell in row %}<td>{{ cell }}</td>{% endfor %}")
            with self.subTest(autoescape=autoescape):
                self.assertEqual(row_html(Context({"row": row}, autoescape=autoescape), row),
                                 loop.render(Context({"row": row}, autoescape=autoescape)))

    def test_a_failing_read_takes_the_stock_path(self):
        class CaseTable(tables.Table):
            class Meta:
                model = Case
                fields = ["enterprise", "number"]

        row = CaseTable([Case(number="X-1")]).rows[0]  # no enterprise: its descriptor raises
        self.assertEqual(row.get_cell("enterprise"), row.table.default)
        self.assertEqual(row.get_cell("number"), "X-1")


class ListFieldsTests(SimpleTestCase):
    def test_the_generic_list_reads_the_columns_it_shows(self):
        config = registry.get(Case)
        fields = list_fields(config)
        self.assertEqual(fields[0], "id")
        self.assertTrue(set(config.list_columns) <= set(fields))
        self.assertNotIn("facts", fields)

    def test_joined_records_read_only_what_their_name_needs(self):
        self.assertEqual(sorted(label_paths(registry.get(Case))),
                         ["case_category__name", "enterprise__name", "product_category__name", "unit__name"])
        deeper = dataclasses.replace(registry.get(Case), select_related=["enterprise__region"])
        self.assertNotIn("enterprise__name", label_paths(deeper))  # a deeper join needs the whole record

    def test_a_column_that_is_not_a_field_reads_everything(self):
        config = dataclasses.replace(registry.get(Case), list_columns=["number", "__str__"])
        self.assertIsNone(list_fields(config))


class SelectTemplateTests(SimpleTestCase):
    def test_the_project_select_writes_what_django_writes(self):
        choices = [("", "---"), ("a", "甲 & <乙>"), ("分组", [("b", "b"), ("c", "c")])]
        widgets = [forms.Select(choices=choices, attrs={"class": "form-select", "required": True}),
                   forms.SelectMultiple(choices=choices, attrs={"disabled": False}),
                   forms.NullBooleanSelect()]
        for widget in widgets:
            if isinstance(widget, forms.NullBooleanSelect):
                values = ("true", None)
            else:
                values = ("a", ["b", "c"], None, "unknown")
            for value in values:
                ours = widget.render("f", value)
                django = widget.render("f", value, renderer=DjangoTemplates())
                self.assertEqual(re.sub(r">\s+<", "><", ours), re.sub(r">\s+<", "><", django), (widget, value))


class PlainValueShortcutTests(SimpleTestCase):
    def test_a_table_render_method_is_still_called(self):
        class CaseTable(tables.Table):
            class Meta:
                model = Case
                fields = ["number", "title"]

            def render_number(self, value):
                return f"№{value}"

        row = CaseTable([Case(number="X-1", title="标题")]).rows[0]
        self.assertEqual(row.get_cell("number"), "№X-1")
        self.assertEqual(row.get_cell("title"), "标题")
