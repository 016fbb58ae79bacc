"""core/generic/api/filtering.py: the API's filters follow the pages' scope rules, and a request that names
no filter is answered without building a filter form."""
from __future__ import annotations

import datetime

import django_filters
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from rectify.core.generic.api.filtering import ScopedFilterBackend
from rectify.core.generic.api.viewsets import viewset_for
from rectify.core.registry import registry
from rectify.enterprises.models import Enterprise, ListEntry
from rectify.organisations.models import Region
from rectify.testing import WorldTestCase
from tests.enterprises.files import code


class ByEnterprise(django_filters.FilterSet):
    class Meta:
        model = ListEntry
        fields = ["enterprise", "kind"]


def _entry(n: int, region: str) -> ListEntry:
    enterprise = Enterprise.objects.create(name=f"过滤测试企业{n}", credit_code=code(n, region),
                                           region=Region.objects.get(code=region))
    return ListEntry.objects.create(enterprise=enterprise, kind="producer", listed_on=datetime.date(2020, 5, 20))


class ScopedFilterBackendTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.shenyang = _entry(701, "210100")
        cls.dalian = _entry(702, "210200")

    def _filter(self, user_key: str, params: dict):
        user = self.users[user_key]
        request = Request(APIRequestFactory().get("/api/enterprises/listentry/", params))
        request.user = user
        view = viewset_for(registry.get(ListEntry))(request=request, format_kwarg=None, action="list")
        view.filterset_class = ByEnterprise
        queryset = ListEntry.objects.restrict(user, "view")
        return queryset, ScopedFilterBackend().filter_queryset(request, queryset, view)

    def test_a_request_naming_no_filter_is_not_filtered(self):
        queryset, result = self._filter("shenyang_samr", {"page": 2, "ordering": "-id"})
        self.assertIs(result, queryset)

    def test_a_filter_in_scope_filters(self):
        _queryset, result = self._filter("shenyang_samr", {"enterprise": self.shenyang.enterprise_id})
        self.assertEqual(list(result), [self.shenyang])

    def test_an_id_out_of_scope_is_refused_as_unknown(self):
        with self.assertRaises(ValidationError) as raised:
            self._filter("shenyang_samr", {"enterprise": self.dalian.enterprise_id})
        self.assertIn("enterprise", raised.exception.detail)
        # the province sees both
        _queryset, result = self._filter("province_office", {"enterprise": self.dalian.enterprise_id})
        self.assertEqual(list(result), [self.dalian])

    def test_the_api_still_refuses_a_bad_filter_value(self):
        api = self.api("shenyang_samr")
        self.assertEqual(api.get("/api/enterprises/listentry/", {"kind": "no-such-kind"}).status_code, 400)
        ok = api.get("/api/enterprises/listentry/", {"kind": "producer"})
        self.assertEqual(ok.status_code, 200)
        self.assertEqual([row["id"] for row in ok.json()["results"]], [self.shenyang.pk])
        unknown = api.get("/api/enterprises/listentry/", {"unrelated": "1"})
        self.assertEqual(unknown.status_code, 400)
        self.assertIn("unrelated", unknown.json())
