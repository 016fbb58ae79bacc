"""Item 20, inputs never crash: a filter, page number, date or id the database cannot hold is a
400 naming the parameter on the API, a form error or an ignored value on a page — never a 500."""
from __future__ import annotations

import pytest
from django.urls import reverse

from rectify.core.access.scope import model_allows
from rectify.core.generic.api.viewsets import etag_of
from rectify.core.generic.builders import filterset_for, form_for
from rectify.core.registry import registry
from rectify.core.security.inputs import INT64_MAX, parse_int
from rectify.enforcement.models import Case, Lead, Transfer, ViolationType
from rectify.organisations.models import Region
from rectify.reports.models import TableLayout
from rectify.testing import WorldTestCase

HUGE = "1180591620717411303424"  # 2**70: no integer column holds it
# Values each filter of every list is sent at once: too large for any integer column, a digit
# int() refuses, dates outside what a date-time can hold or what the calendar has, a NUL byte
# (PostgreSQL refuses it in text), a negative and a fractional number.
HOSTILE = [HUGE, f"-{HUGE}", "²", "0001-01-01", "9999-12-31", "99999-01-01", "a\x00b", "-1", "1.5"]
VIEWERS = ("province_office", "sysadmin", "secadmin", "auditadmin")


class InputTests(WorldTestCase):
    def test_odd_region_and_category_on_the_report_pages_are_not_server_errors(self):
        from rectify.reports.models import Indicator

        self.login("province_office")
        indicator = Indicator.objects.exclude(aggregate=Indicator.Aggregate.RATIO).first()
        for value in ("²", "abc", str(2**70)):
            self.assertEqual(self.client.get("/reports/tables/", {"region": value}).status_code, 200, value)
            drill = self.client.get(f"/reports/drill/{indicator.pk}/", {"category": value, "region": value})
            self.assertEqual(drill.status_code, 404, value)

    def test_a_huge_id_in_a_multiple_choice_filter_is_a_400_naming_it_on_the_api(self):
        response = self.api("province_office").get("/api/enforcement/case/", {"violation_types": HUGE})
        self.assertEqual(response.status_code, 400)
        self.assertIn("violation_types", response.json())

    def test_a_huge_id_in_a_multiple_choice_filter_is_a_form_error_on_a_page(self):
        self.login("province_office")
        response = self.client.get(reverse("enforcement:case_list"), {"violation_types": HUGE})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["filterset"].form.errors["violation_types"])
        self.assertEqual(len(response.context["table"].rows), 0)

    def test_a_huge_id_among_real_ones_matches_nothing_and_does_not_crash(self):
        real = ViolationType.objects.order_by("pk").first()
        self.assertEqual(list(ViolationType.objects.filter(pk__in=[2**70, real.pk])), [real])
        self.assertFalse(Region.objects.filter(pk__in=[2**70, -(2**70)]).exists())

    def test_huge_and_invalid_page_numbers(self):
        self.login("province_office")
        url = reverse("enforcement:case_list")
        for params in ({"page": "999999999999999999999"}, {"page": "-1"}, {"page": "²"}, {"per_page": "-1"},
                       {"per_page": "²"}, {"per_page": HUGE}, {"per_page": "0"}):
            with self.subTest(**params):
                response = self.client.get(url, params)
                self.assertEqual(response.status_code, 200)
                self.assertLessEqual(response.context["table"].paginator.per_page, 200)
        api = self.api("province_office")
        for page in ("999999999999999999999", "-1", "²"):
            self.assertEqual(api.get("/api/enforcement/case/", {"page": page}).status_code, 404, page)
        for size in ("-1", HUGE, "²"):
            self.assertEqual(api.get("/api/enforcement/case/", {"page_size": size}).status_code, 200, size)

    def test_a_huge_pk_in_a_url_is_a_404(self):
        self.login("province_office")
        pk = "9" * 30
        for action in ("detail", "history", "edit", "delete"):
            with self.subTest(action=action):
                url = reverse(registry.get(Case).url_name(action), kwargs={"pk": 1}).replace("/1/", f"/{pk}/")
                self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertEqual(self.api("province_office").get(f"/api/enforcement/case/{pk}/").status_code, 404)
        self.assertEqual(self.api("shenyang_samr").patch(f"/api/enforcement/case/{pk}/", {}).status_code, 404)

    def test_dates_a_date_column_or_a_date_time_column_cannot_hold(self):
        self.assertEqual(self.api("province_office").get("/api/enforcement/case/", {"filed_on__gte": "99999-01-01"})
                         .status_code, 400)
        api = self.api("auditadmin")  # the change log's time is a date-time column
        for day in ("0001-01-01", "9999-12-31"):
            for name in ("time__gte", "time__lte"):
                response = api.get("/api/core/objectchange/", {name: day})
                self.assertIn(response.status_code, (200, 400), (name, day))
        self.assertIn("time__gte", api.get("/api/core/objectchange/", {"time__gte": "0001-01-01"}).json())
        self.assertEqual(api.get("/api/core/objectchange/", {"time__gte": "0001-01-02"}).status_code, 200)

    def test_a_local_date_time_before_year_one_in_utc_is_a_400(self):
        owner = self.unit("210100-samr")
        lead = Lead.objects.create(unit=owner, source="complaint", description="线索")
        transfer = Transfer.objects.create(unit=owner, lead=lead, to_unit=self.unit("210102-samr"), reason="属地管辖",
                                           sent_at="2020-05-22T10:00:00+08:00")
        response = self.api("shenyang_samr").patch(f"/api/enforcement/transfer/{transfer.pk}/",
                                                   {"sent_at": "0001-01-01T00:00:00"}, format="json",
                                                   HTTP_IF_MATCH=etag_of(transfer))
        self.assertEqual(response.status_code, 400)
        self.assertIn("sent_at", response.json())

    def test_null_sent_as_form_data_to_a_json_field_that_may_not_be_null_is_a_400(self):
        layout = TableLayout.objects.order_by("pk").first()
        response = self.api("sysadmin").patch(f"/api/reports/tablelayout/{layout.pk}/", {"rules": "null"},
                                              HTTP_IF_MATCH=etag_of(layout))  # multipart form data
        self.assertEqual(response.status_code, 400)
        self.assertIn("rules", response.json())

    def test_a_huge_id_posted_to_a_form_is_a_form_error(self):
        self.login("shenyang_samr")
        response = self.client.post(reverse("enforcement:case_add"), {"violation_types": HUGE, "enterprise": HUGE})
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["form"].errors["violation_types"])

    def test_app_pages_reading_ids_from_the_query(self):
        self.login("province_office")
        for url, params in (("/prices/chart/", {"category": "abc", "region": HUGE}),
                            ("/prices/complaints-by-seller/", {"min": HUGE}),
                            ("/fieldwork/trace/", {"enterprise": "²", "batch": "B1"}),
                            ("/fieldwork/trace/", {"enterprise": HUGE, "batch": "B1"})):
            with self.subTest(url=url, **params):
                self.assertIn(self.client.get(url, params).status_code, (200, 404))


@pytest.mark.exhaustive
class EveryListAndFormTests(WorldTestCase):
    """Every registered list (page and API) with every one of its filters sent each hostile value,
    and every add form posted each hostile value in every field."""

    def _user(self, config, action: str, keys: tuple[str, ...]) -> str | None:
        return next((k for k in keys if model_allows(self.users[k], config.model, action)), None)

    def test_no_filter_value_is_a_server_error(self):
        checked = 0
        for config in registry:
            key = self._user(config, "view", VIEWERS)
            if key is None:
                continue
            self.login(key)
            page, endpoint = reverse(config.url_name("list")), f"/api/{config.app_label}/{config.model_name}/"
            filters = list(filterset_for(config).base_filters)
            # Each with the parameters it reads: the API refuses any other before filtering.
            for client, url, names in ((self.client, page, [*filters, "page", "per_page", "sort"]),
                                       (self.api(key), endpoint, [*filters, "page", "page_size", "ordering"])):
                for value in HOSTILE:
                    self.assertLess(client.get(url, dict.fromkeys(names, value)).status_code, 500, f"{url} {value!r}")
                    checked += 1
        self.assertGreater(checked, 500)

    def test_no_form_value_is_a_server_error(self):
        checked = 0
        for config in registry:
            key = self._user(config, "add", ("shenyang_samr", *VIEWERS)) if config.allow_add else None
            if key is None:
                continue
            self.login(key)
            url = reverse(config.url_name("add"))
            names = list(form_for(config).base_fields)
            for value in HOSTILE:
                self.assertLess(self.client.get(url, dict.fromkeys(names, value)).status_code, 500, f"{url} {value!r}")
                self.assertLess(self.client.post(url, dict.fromkeys(names, value)).status_code, 500, f"{url} {value!r}")
                checked += 1
        self.assertGreater(checked, 200)


def test_parse_int():
    assert parse_int("12") == 12 and parse_int(" 7 ") == 7
    assert parse_int("²") is None and parse_int(None, 3) == 3 and parse_int("1.5", 1) == 1
    assert parse_int(str(INT64_MAX)) == INT64_MAX and parse_int(str(INT64_MAX + 1)) is None
    assert parse_int("0", 5, minimum=1) == 5 and parse_int("300", 50, maximum=200) == 50
