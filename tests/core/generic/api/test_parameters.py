"""An API list says no to what it does not understand: a query parameter it does not read is a 400
naming it (a mistyped filter must not answer the whole list as if it were the match), while the
parameters that are not filters (page, page size, ordering, format) stay accepted; the change log's
documented filters (object, content type, user, action, time) work; and every list documents in the
OpenAPI schema exactly the parameters it accepts. The pages stay lenient: bookmarks and htmx carry
parameters of their own."""
from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import django_filters
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from rest_framework.test import APIRequestFactory, force_authenticate

from rectify.core.access.scope import model_allows
from rectify.core.audit.models import Event, ObjectChange
from rectify.core.generic.api.filtering import accepted_parameters
from rectify.core.generic.api.viewsets import viewset_for
from rectify.core.registry import registry
from rectify.enforcement.models import Case
from rectify.enterprises.models import Enterprise, ListEntry
from rectify.organisations.models import Region
from rectify.testing import WorldTestCase
from tests.enterprises.files import code

BEIJING = ZoneInfo("Asia/Shanghai")
VIEWERS = ("province_office", "sysadmin", "secadmin", "auditadmin")
HUGE = str(2**70)


def _url(model) -> str:
    config = registry.get(model)
    return f"/api/{config.app_label}/{config.model_name}/"


def _change(model, object_id: str, action: str, day: int, user=None) -> ObjectChange:
    return ObjectChange.objects.create(
        content_type=ContentType.objects.get_for_model(model), object_id=object_id, object_repr=f"记录{object_id}",
        action=action, user=user, username=getattr(user, "username", ""),
        time=datetime.datetime(2020, 5, day, 10, 0, tzinfo=BEIJING))


class UnknownParameterTests(WorldTestCase):
    def test_every_api_list_refuses_an_unknown_parameter_naming_it(self):
        refused = set()
        for config in registry:
            key = next((k for k in VIEWERS if model_allows(self.users[k], config.model, "view")), None)
            if key is None:
                continue
            url = f"/api/{config.app_label}/{config.model_name}/"
            with self.subTest(url=url):
                response = self.api(key).get(url, {"foo": "1", "page": "1"})
                self.assertEqual(response.status_code, 400)
                body = response.json()
                self.assertEqual(list(body), ["foo"])  # the page is not named: it is accepted
                self.assertIn("不支持的查询参数“foo”", body["foo"][0])
                refused.add(config.model)
        self.assertTrue({ObjectChange, Event, Enterprise, ListEntry, Case} <= refused)
        self.assertGreater(len(refused), 20)

    def test_a_mistyped_filter_beside_a_good_one_is_named_alone_with_the_parameters_accepted(self):
        response = self.api("auditadmin").get(_url(ObjectChange), {"objectid": "145", "action": "update"})
        self.assertEqual(response.status_code, 400)
        body = response.json()
        self.assertEqual(list(body), ["objectid"])
        message = body["objectid"][0]
        for accepted in ("object_id", "content_type", "user", "action", "time__gte", "page", "ordering"):
            self.assertIn(accepted, message)

    def test_the_message_follows_the_language(self):
        api = self.api("auditadmin")
        api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        message = api.get(_url(ObjectChange), {"objectid": "145"}).json()["objectid"][0]
        self.assertTrue(message.startswith("Unsupported query parameter “objectid”."), message)

    def test_the_parameters_that_are_not_filters_stay_accepted(self):
        Enterprise.objects.create(name="参数测试企业", credit_code=code(801), region=Region.objects.get(code="210100"))
        for model, key in ((Enterprise, "province_office"), (ObjectChange, "auditadmin"), (Case, "shenyang_samr")):
            for params in ({"page": "1", "page_size": "5"}, {"ordering": "-id"}, {"format": "json"},
                           {"q": "参数", "page": "1", "page_size": "5", "ordering": "id", "format": "json"}):
                with self.subTest(model=model.__name__, **params):
                    self.assertEqual(self.api(key).get(_url(model), params).status_code, 200)
                    # beside a parameter the list does not read, only that one is named
                    refused = self.api(key).get(_url(model), {**params, "pagesize": "5"})
                    self.assertEqual((refused.status_code, list(refused.json())), (400, ["pagesize"]))

    def test_who_may_not_read_the_list_learns_nothing_of_its_parameters(self):
        self.assertIn(self.api(None).get(_url(ObjectChange), {"foo": "1"}).status_code, (401, 403))
        self.assertEqual(self.api("shenyang_samr").get(_url(ObjectChange), {"foo": "1"}).status_code, 403)


class ChangeLogFilterTests(WorldTestCase):
    # Object ids no row of the world has: the log also holds the changes of the world's own rows.
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        clerk = cls.users["shenyang_samr"]
        cls.history = [_change(Enterprise, "9145", "create", 1, clerk), _change(Enterprise, "9145", "update", 3)]
        cls.same_id_other_type = _change(Case, "9145", "update", 2, clerk)
        cls.others = [_change(Enterprise, "91450", "update", 2, clerk), _change(Enterprise, "914", "delete", 4)]

    def _ids(self, params: dict) -> list[int]:
        response = self.api("auditadmin").get(_url(ObjectChange), {**params, "page_size": 500})
        self.assertEqual(response.status_code, 200, response.content)
        return sorted(row["id"] for row in response.json()["results"])

    def test_object_id_returns_just_that_objects_rows(self):
        self.assertEqual(self._ids({"object_id": "9145"}),
                         sorted(c.pk for c in [*self.history, self.same_id_other_type]))
        enterprise_type = ContentType.objects.get_for_model(Enterprise)
        self.assertEqual(self._ids({"object_id": "9145", "content_type": enterprise_type.pk}),
                         sorted(c.pk for c in self.history))

    def test_user_action_and_time_range(self):
        clerk = self.users["shenyang_samr"]
        mine = [self.history[0], self.same_id_other_type, self.others[0]]
        self.assertEqual(self._ids({"user": clerk.pk, "time__gte": "2020-05-01", "time__lte": "2020-05-04"}),
                         sorted(c.pk for c in mine))
        self.assertEqual(self._ids({"user": clerk.pk, "action": "update", "time__lte": "2020-05-04"}),
                         sorted(c.pk for c in mine[1:]))
        self.assertEqual(self._ids({"object_id": "9145", "time__gte": "2020-05-02", "time__lte": "2020-05-03"}),
                         sorted([self.history[1].pk, self.same_id_other_type.pk]))

    def test_the_time_range_is_by_beijing_days(self):
        late = ObjectChange.objects.create(  # 2020-05-05 23:59 in Beijing, 15:59 UTC
            content_type=ContentType.objects.get_for_model(Enterprise), object_id="9145", object_repr="记录9145",
            action="update", time=datetime.datetime(2020, 5, 5, 15, 59, tzinfo=datetime.UTC))
        early = ObjectChange.objects.create(  # 2020-05-06 00:30 in Beijing, still the 5th in UTC
            content_type=ContentType.objects.get_for_model(Enterprise), object_id="9145", object_repr="记录9145",
            action="update", time=datetime.datetime(2020, 5, 5, 16, 30, tzinfo=datetime.UTC))
        self.assertEqual(self._ids({"time__gte": "2020-05-05", "time__lte": "2020-05-05"}), [late.pk])
        self.assertEqual(self._ids({"time__gte": "2020-05-06", "time__lte": "2020-05-06"}), [early.pk])
        self.assertEqual(len(self._ids({"time__lte": "9999-12-31"})), ObjectChange.objects.count())

    def test_a_user_that_is_not_an_id_is_a_400_naming_it(self):
        for value in ("1.5", HUGE, "abc", "0"):
            with self.subTest(value=value):
                response = self.api("auditadmin").get(_url(ObjectChange), {"user": value})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(list(response.json()), ["user"])

    def test_the_event_log_filters_by_object_and_user(self):
        clerk = self.users["shenyang_samr"]
        kept = Event.objects.create(event="case.transfer", object_id="9145", user=clerk, username=clerk.username,
                                    content_type=ContentType.objects.get_for_model(Case))
        Event.objects.create(event="case.transfer", object_id="146", user=clerk, username=clerk.username)
        Event.objects.create(event="case.transfer", object_id="9145")
        response = self.api("auditadmin").get(_url(Event), {"object_id": "9145", "user": clerk.pk})
        self.assertEqual([row["id"] for row in response.json()["results"]], [kept.pk])

    def test_the_log_page_filters_too_and_still_ignores_what_it_does_not_read(self):
        self.login("auditadmin")
        enterprise_type = ContentType.objects.get_for_model(Enterprise)
        response = self.client.get(reverse(registry.get(ObjectChange).url_name("list")),
                                   {"object_id": "9145", "content_type": enterprise_type.pk, "hx-bookmark": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(sorted(row.record.pk for row in response.context["table"].rows),
                         sorted(c.pk for c in self.history))


class ByListingPeriod(django_filters.FilterSet):
    listed_on = django_filters.DateFromToRangeFilter()

    class Meta:
        model = ListEntry
        fields = ["kind"]


class DocumentedParameterTests(WorldTestCase):
    def test_every_list_documents_exactly_the_parameters_it_accepts(self):
        self.client.force_login(self.users["province_office"])
        paths = self.client.get("/api/schema/", {"format": "json"}).json()["paths"]
        for config in registry:
            url = f"/api/{config.app_label}/{config.model_name}/"
            viewset = viewset_for(config)
            documented = {p["name"] for p in paths[url]["get"].get("parameters", []) if p["in"] == "query"}
            with self.subTest(url=url):
                self.assertLessEqual(set(viewset.filterset_class.base_filters), documented)
                self.assertEqual(accepted_parameters(viewset) - {"format"}, documented)
        log = {p["name"] for p in paths[_url(ObjectChange)]["get"]["parameters"]}
        self.assertLessEqual({"object_id", "content_type", "user", "action", "time__gte", "time__lte"}, log)

    def test_a_filter_read_under_several_names_accepts_each(self):
        base = viewset_for(registry.get(ListEntry))
        view_class = type("ByPeriodViewSet", (base,), {"filterset_class": ByListingPeriod})
        self.assertLessEqual({"listed_on_after", "listed_on_before", "kind", "page", "ordering"},
                             accepted_parameters(view_class))
        self.assertNotIn("listed_on", accepted_parameters(view_class))
        enterprise = Enterprise.objects.create(name="区间测试企业", credit_code=code(802),
                                               region=Region.objects.get(code="210100"))
        entry = ListEntry.objects.create(enterprise=enterprise, kind="producer", listed_on=datetime.date(2020, 5, 20))
        ListEntry.objects.create(enterprise=enterprise, kind="exporter", listed_on=datetime.date(2020, 4, 1))
        view = view_class.as_view({"get": "list"})
        for params, status in (({"listed_on_after": "2020-05-01"}, 200), ({"listed_on": "2020-05-01"}, 400)):
            request = APIRequestFactory().get(_url(ListEntry), params)
            force_authenticate(request, self.users["province_office"])
            response = view(request)
            self.assertEqual(response.status_code, status, params)
            if status == 200:
                self.assertEqual([row["id"] for row in response.data["results"]], [entry.pk])
