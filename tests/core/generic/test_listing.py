"""Lists that drive work (core/generic/listing.py): each row's open deadline from the workflow
declarations, overdue rows marked; the quantity columns totalled over the filtered rows in one
aggregate query; the first column opening the row's own record; filter choices limited to the
regions and units the user's scope holds."""
import datetime
import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rectify.core import clock
from rectify.enforcement.models import Complaint, CreditRecord, Problem
from rectify.fieldwork.models import ExportCheck
from rectify.organisations.models import Region, Unit
from rectify.testing import WorldTestCase
from tests.enforcement import factories as ef
from tests.factories import unit as unit_of
from tests.fieldwork import factories as ff

ROW = re.compile(r"<tr[^>]*>.*?</tr>", re.S)


def rows_of(html: str) -> list[str]:
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return ROW.findall(body)


def footer_of(html: str) -> list[str]:
    foot = html.split("<tfoot", 1)[1].split("</tfoot>", 1)[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", foot, re.S)]


def options_of(html: str, select_id: str) -> list[str]:
    select = html.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    return [text.strip() for value, text in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)', select) if value]


class DeadlineTests(WorldTestCase):
    def test_overdue_rows_are_marked_with_their_deadline(self):
        today = clock.today()
        late = ef.problem()  # 整改期限 2020-06-10, still open
        due_soon = ef.problem()
        Problem.objects.filter(pk=due_soon.pk).update(deadline=today + datetime.timedelta(days=5))
        verified = ef.problem()
        Problem.objects.filter(pk=verified.pk).update(status=Problem.Status.VERIFIED)
        self.login("shenyang_office")
        html = self.client.get("/enforcement/problem/?per_page=200").content.decode()
        self.assertIn("办理期限", html)
        rows = {pk: next(r for r in rows_of(html) if f'href="{p.get_absolute_url()}"' in r)
                for pk, p in ((late.pk, late), (due_soon.pk, due_soon), (verified.pk, verified))}
        self.assertIn('class="table-danger row-overdue"', rows[late.pk])
        self.assertIn("2020-06-10", rows[late.pk])
        self.assertIn("已逾期", rows[late.pk])
        self.assertNotIn("row-overdue", rows[due_soon.pk])
        self.assertIn((today + datetime.timedelta(days=5)).isoformat(), rows[due_soon.pk])
        self.assertIn("还剩5天", rows[due_soon.pk])
        # a verified problem has no open step, so no deadline: its 整改期限 is only a column
        self.assertNotIn("row-overdue", rows[verified.pk])
        self.assertNotIn("已逾期", rows[verified.pk])
        self.assertNotIn("还剩", rows[verified.pk])

    def test_a_step_whose_condition_fails_lends_no_deadline(self):
        """A tip is verified, never accepted: its past 受理 date does not make it overdue, its 核查 date counts."""
        tip = ef.complaint()
        verify_by = clock.today() + datetime.timedelta(days=3)
        Complaint.objects.filter(pk=tip.pk).update(kind=Complaint.Kind.TIP, accept_due=datetime.date(2020, 5, 29),
                                                   verify_due=verify_by)
        self.login("shenyang_office")
        html = self.client.get(f"/enforcement/complaint/?q={tip.number}").content.decode()
        [row] = rows_of(html)
        self.assertNotIn("row-overdue", row)
        deadline = re.findall(r"<td>(.*?)</td>", row, re.S)[1]  # the column after the first
        self.assertIn(verify_by.isoformat(), deadline)
        self.assertIn("还剩3天", deadline)

    def test_deadlines_cost_one_query_whatever_the_rows(self):
        self.login("shenyang_office")
        ef.problem()
        url = "/enforcement/problem/"
        self.client.get(url)
        with CaptureQueriesContext(connection) as one:
            self.client.get(url)
        for _n in range(6):
            ef.problem()
        self.client.get(url)
        with CaptureQueriesContext(connection) as seven:
            self.client.get(url)
        self.assertEqual(len(seven), len(one))


class TotalsTests(WorldTestCase):
    def test_footer_totals_equal_the_filtered_rows_recomputed(self):
        dalian = unit_of("210200-customs_dl")
        checks = [ff.export_check(dalian) for _n in range(4)]
        ExportCheck.objects.filter(pk=checks[0].pk).update(batches_checked=17, batches_nonconforming=5,
                                                           action_taken="released")
        ExportCheck.objects.filter(pk=checks[1].pk).update(batches_checked=8, batches_nonconforming=0)
        self.login("customs_dl")
        for query, rows in (("", ExportCheck.objects.all()),
                            ("?action_taken=returned", ExportCheck.objects.filter(action_taken="returned"))):
            with CaptureQueriesContext(connection) as queries:
                html = self.client.get(f"/fieldwork/exportcheck/{query}").content.decode()
            sums = [q["sql"] for q in queries.captured_queries if "SUM(" in q["sql"].upper()]
            self.assertEqual(len(sums), 1, sums)  # one aggregate query for both columns
            footer = footer_of(html)
            self.assertEqual(footer[0], "合计")
            checked = sum(r.batches_checked for r in rows)
            nonconforming = sum(r.batches_nonconforming for r in rows)
            headers = re.findall(r"<th[^>]*>(.*?)</th>", html.split("<thead", 1)[1].split("</thead>", 1)[0], re.S)
            headers = [re.sub(r"<[^>]+>", "", h).strip() for h in headers]
            self.assertEqual(footer[headers.index("抽查批次")], str(checked))
            self.assertEqual(footer[headers.index("不合格批次")], str(nonconforming))
        self.assertEqual((checked, nonconforming), (8 + 3 + 3, 0 + 1 + 1))  # the released check left out

    def test_amounts_total_over_the_users_rows_only(self):
        mine = [ef.credit_record(), ef.credit_record()]
        CreditRecord.objects.filter(pk=mine[0].pk).update(amount=Decimal("1200.50"))
        CreditRecord.objects.filter(pk=mine[1].pk).update(amount=Decimal("300.25"))
        other = ef.credit_record(unit_of("210200-samr"))
        CreditRecord.objects.filter(pk=other.pk).update(amount=Decimal("99999.00"))
        self.login("shenyang_office")
        html = self.client.get("/enforcement/creditrecord/").content.decode()
        self.assertIn("1500.75", footer_of(html))
        self.assertNotIn("101499.75", html)

    def test_a_list_without_quantities_has_no_footer(self):
        ef.problem()
        self.login("shenyang_office")
        self.assertNotIn("<tfoot", self.client.get("/enforcement/problem/").content.decode())


class RowLinkTests(WorldTestCase):
    def test_every_row_opens_its_own_record(self):
        """A credit record's first column shows its enterprise, and still opens the credit record."""
        record = ef.credit_record()
        self.login("shenyang_office")
        [row] = rows_of(self.client.get("/enforcement/creditrecord/").content.decode())
        first = re.search(r"<td>(.*?)</td>", row, re.S).group(1)
        self.assertIn(f'href="{record.get_absolute_url()}"', first)
        self.assertIn(record.enterprise.name, first)
        self.assertNotIn(record.enterprise.get_absolute_url(), first)

    def test_the_problem_ledger_shows_its_description(self):
        problem = ef.problem()
        self.login("shenyang_office")
        html = self.client.get("/enforcement/problem/").content.decode()
        self.assertIn("问题描述", html)
        self.assertIn(problem.description, rows_of(html)[0])


class FilterChoiceTests(WorldTestCase):
    def test_a_city_user_is_offered_the_citys_regions_and_units(self):
        self.login("shenyang_office")
        html = self.client.get("/fieldwork/inspection/").content.decode()
        shenyang = Region.objects.get(code="210100")
        regions = options_of(html, "id_region")
        self.assertEqual(set(regions), {shenyang.name, *shenyang.children.values_list("name", flat=True)})
        units = options_of(html, "id_unit")
        self.assertIn("沈阳市市场监督管理局", units)
        self.assertNotIn("大连市市场监督管理局", units)
        self.assertEqual(len(units), Unit.objects.filter(region__code__startswith="2101").count())

    def test_a_department_user_is_offered_the_units_of_its_line(self):
        self.login("shenyang_samr")
        units = options_of(self.client.get("/fieldwork/inspection/").content.decode(), "id_unit")
        self.assertTrue(units)
        lines = set(Unit.objects.filter(name__in=units).values_list("department__line", flat=True))
        self.assertEqual(lines, {"market"})
        self.assertNotIn("沈阳市公安局", units)
        self.assertNotIn("沈阳海关", units)

    def test_a_customs_district_is_offered_the_cities_it_covers(self):
        user = self.login("customs_dl")
        regions = options_of(self.client.get("/fieldwork/exportcheck/").content.decode(), "id_region")
        covered = set(Region.objects.filter(pk__in=user.unit.covered_city_ids()).values_list("name", flat=True))
        self.assertTrue(covered <= set(regions))
        self.assertNotIn("沈阳市", regions)
        self.assertNotIn("辽宁省", regions)

    def test_the_provincial_office_is_offered_every_region(self):
        self.login("province_office")
        regions = options_of(self.client.get("/fieldwork/inspection/").content.decode(), "id_region")
        self.assertEqual(len(regions), Region.objects.count())
