"""The generic testing kit. A model's test declares data; the kit checks every page and API
endpoint of the model for anonymous users, users without permission, users in scope and out of
scope (two cities, two departments, the province), create/edit/delete through the pages and the
API, optimistic locking and the change log.

    class EnterpriseTests(ModelScopeTests):
        model = Enterprise
        region_only = True          # no line of work: every department of the city sees it

        @classmethod
        def make_object(cls, unit): ...           # an object owned by `unit` (default: Shenyang SAMR)
        def form_data(self, unit): ...            # POST data creating one
        def update_data(self, obj): ...           # POST data editing it (default: form_data)

The kit never passes a test silently. A write test is skipped, with its reason, only where the
model declares it read-only for that action — its registry config has no such page
(`allow_add`/`allow_edit`/`allow_delete=False`) — and fails where the model offers the page but
its test class names no writer or gives no form data. The search test makes a second row with the
model's factory (`tests/factories.py`) to show that a search finds its row and not the other.

`tests/registry/test_coverage.py` fails when a registered model has no such test class or factory.

The kit sits above every app in the layers (it makes the world's users and reloads every app's
reference data) and only the tests import it: that is why it may import `tests.factories`.
"""
from __future__ import annotations

from typing import Any, ClassVar

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.test import TestCase
from django.urls import reverse
from rest_framework.test import APIClient

from rectify.accounts.migrations import _loaders as account_loaders
from rectify.accounts.models import Role, User
from rectify.core.access.scope import can, model_allows
from rectify.core.audit.models import ObjectChange
from rectify.core.generic.builders import filterset_for
from rectify.core.registry import registry
from rectify.enforcement.reference import load as load_enforcement
from rectify.organisations import reference
from rectify.organisations.models import Unit
from rectify.reports import definitions
from tests.factories import factory_for

PASSWORD = "Test-pass-2020!"

# key -> (unit code, roles)
WORLD_USERS: dict[str, tuple[str, list[str]]] = {
    "province_office": ("210000-office", ["office_admin", "reviewer", "clerk"]),
    "province_samr": ("210000-samr", ["clerk", "reviewer"]),
    "province_police": ("210000-police", ["clerk"]),
    "shenyang_office": ("210100-office", ["office_admin", "reviewer", "clerk"]),
    "shenyang_samr": ("210100-samr", ["clerk"]),
    "shenyang_samr_admin": ("210100-samr", ["office_admin"]),
    "shenyang_police": ("210100-police", ["clerk"]),
    "shenyang_leader": ("210100-office", ["leader"]),
    "shenyang_norole": ("210100-samr", []),
    "dalian_office": ("210200-office", ["office_admin", "reviewer", "clerk"]),
    "dalian_samr": ("210200-samr", ["clerk"]),
    "customs_dl": ("210200-customs_dl", ["clerk"]),
    "customs_sy": ("210100-customs_sy", ["clerk"]),
    "heping_samr": ("210102-samr", ["clerk"]),
    "sysadmin": ("210000-office", ["sys_admin"]),
    "secadmin": ("210000-office", ["sec_admin"]),
    "auditadmin": ("210000-office", ["audit_admin"]),
}


def make_world_user(key: str) -> User:
    unit_code, roles = WORLD_USERS[key]
    user = User.objects.create_user(username=f"t_{key}", password=PASSWORD, unit=Unit.objects.get(code=unit_code),
                                    full_name=key, is_enforcement_officer=True)
    user.roles.set(Role.objects.filter(code__in=roles))
    return user


class WorldTestCase(TestCase):
    """A TestCase with the standard users (self.users[key]) and helpers to act as them."""

    users: ClassVar[dict[str, Any]]

    @classmethod
    def setUpTestData(cls):
        cls.users = {key: make_world_user(key) for key in WORLD_USERS}

    @staticmethod
    def unit(code: str) -> Unit:
        return Unit.objects.select_related("region", "department").get(code=code)

    def login(self, key: str) -> User:
        self.client.force_login(self.users[key])
        return self.users[key]

    def api(self, key: str | None) -> APIClient:
        client = APIClient()
        if key:
            client.force_authenticate(self.users[key])
        return client

    def api_step(self, key: str, obj: Any, name: str, data: dict | None = None) -> Any:
        """POST a workflow step of `obj` through the API (core.workflow.api) as user `key`."""
        meta = obj._meta
        return self.api(key).post(f"/api/{meta.app_label}/{meta.model_name}/{obj.pk}/{name}/", data or {},
                                  format="json")

    def api_steps(self, key: str, obj: Any) -> tuple[str, dict[str, dict]]:
        """The API's read of `obj`'s steps as user `key`: its state, and each step by name."""
        meta = obj._meta
        response = self.api(key).get(f"/api/{meta.app_label}/{meta.model_name}/{obj.pk}/steps/")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        return body["state"], {s["name"]: s for s in body["steps"]}


WRITE_ROLES = frozenset({"clerk", "reviewer", "office_admin"})


def owner_side(user_unit, owner_unit, *, province_owned: bool = False, has_owner: bool = True,
               delete: bool = False) -> bool:
    """The domain's owner rule, written from the units' places rather than from core.access.scope, as
    the tests' oracle: may a unit write (or delete) a record owned by `owner_unit`?"""
    if user_unit.is_provincial_office:
        return True
    if delete and has_owner and user_unit.department.line != owner_unit.department.line:
        return False
    if province_owned and (not user_unit.is_provincial or not has_owner):
        return False
    if not has_owner:
        return True
    if user_unit.pk == owner_unit.pk:
        return True
    owner_city = owner_unit.region.city or owner_unit.region
    same_line = user_unit.department.line == owner_unit.department.line
    if user_unit.is_provincial:
        return not user_unit.is_office and same_line
    if user_unit.county is not None:
        return False
    in_cities = owner_city.pk in user_unit.covered_city_ids()
    return in_cities and (user_unit.is_office or same_line)


def _url(config, action: str, obj=None) -> str:
    if obj is None:
        return reverse(config.url_name(action))
    return reverse(config.url_name(action), kwargs={"pk": obj.pk})


def _api_url(config, obj=None) -> str:
    base = f"api-{config.app_label}-{config.model_name}"
    return reverse(f"{base}-detail", kwargs={"pk": obj.pk}) if obj is not None else reverse(f"{base}-list")


def _field_values(obj, path: str) -> list[str]:
    """The values a search over `path` (a search_fields entry, possibly across relations) reads
    on `obj`."""
    values = [obj]
    for part in path.split("__"):
        following = []
        for value in values:
            value = getattr(value, part, None)
            if value is None:
                continue
            if hasattr(value, "all") and callable(value.all):  # a to-many relation
                following.extend(value.all())
            else:
                following.append(value)
        values = following
    return [str(v) for v in values if str(v).strip()]


def _distinguishing_term(search_fields, obj, other) -> tuple[str, str]:
    """A value of one of `obj`'s search fields that no search field of `other` contains (the
    search is a case-insensitive `contains`), and that field's name; ("", "") if there is none."""
    held = [v.casefold() for f in search_fields for v in _field_values(other, f)]
    for field in search_fields:
        for value in _field_values(obj, field):
            if not any(value.casefold() in h for h in held):
                return value, field
    return "", ""


class ModelScopeTests(WorldTestCase):
    __test__ = False  # abstract: only subclasses that name a model are collected
    model: ClassVar[type | None] = None
    owner_unit: ClassVar[str] = "210100-samr"
    # Who sees an object owned by `owner_unit`. The defaults are the rules of the domain for a
    # record of Shenyang's market-regulation line; subclasses state their own when different.
    visible_to: ClassVar[tuple[str, ...]] = ("province_office", "province_samr", "shenyang_office", "shenyang_samr")
    hidden_from: ClassVar[tuple[str, ...]] = ("dalian_office", "dalian_samr", "shenyang_police", "province_police",
                                              "customs_dl")
    region_only: ClassVar[bool] = False  # no line of work: all departments of the region see it
    # Who creates and edits, and who deletes, in the tests. None only where the registry config
    # offers no such page: a model with an add or edit page that names no writer fails its tests.
    writer: ClassVar[str | None] = "shenyang_samr"
    deleter: ClassVar[str | None] = "shenyang_office"
    no_permission_user: ClassVar[str] = "shenyang_norole"
    # In-scope users refused the history tab (403): a model with a log area (core/access/history.py).
    history_hidden_from: ClassVar[tuple[str, ...]] = ()
    # The owner of the search test's second row; another unit where the list searches only the
    # owner's name (a report is found by its unit).
    search_other_unit: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        names_a_model = cls.__dict__.get("model") is not None
        cls.__test__ = names_a_model or (cls.model is not None and "__test__" not in cls.__dict__)

    @classmethod
    def make_object(cls, unit):
        raise NotImplementedError

    def form_data(self, unit) -> dict | None:
        return None

    def update_data(self, obj) -> dict | None:
        """POST data for an edit; defaults to form_data with the same unit."""
        return self.form_data(obj.unit) if hasattr(obj, "unit") else self.form_data(None)

    def api_data(self, unit) -> dict | None:
        """JSON for an API create: form_data as the API takes it."""
        return self.api_values(self.form_data(unit))

    def api_update_data(self, obj) -> dict | None:
        """JSON for an API edit: api_data with the object's unit, or, for a model created only by
        its services (no form_data), update_data as the API takes it."""
        data = self.api_data(obj.unit if hasattr(obj, "unit") else None)
        return data if data is not None else self.api_values(self.update_data(obj))

    def api_values(self, data: dict | None) -> dict | None:
        """Form data as the API takes it: booleans as booleans, empty optional values as null."""
        if data is None:
            return None
        out = {}
        for key, value in data.items():
            if key == "version":
                continue
            try:
                field = self.model._meta.get_field(key)
            except FieldDoesNotExist:
                out[key] = value
                continue
            if isinstance(field, models.BooleanField):
                value = value in (True, "on", "true", "1", 1)
            elif value == "" and (field.null or isinstance(field, models.ForeignKey)):
                value = None
            out[key] = value
        return out

    # ------------------------------------------------------------------------------------------
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        if cls.model is None:
            return
        cls.config = registry.get(cls.model)
        cls.obj = cls.make_object(cls.unit(cls.owner_unit))

    def setUp(self):
        if self.model is None:
            self.skipTest("abstract")

    def _visible(self):
        visible = list(self.visible_to)
        hidden = list(self.hidden_from)
        if self.region_only:
            moved = [k for k in hidden if k in ("shenyang_police",)]
            visible += moved
            hidden = [k for k in hidden if k not in moved and k not in ("province_police",)]
        return visible, hidden

    def test_anonymous_is_sent_to_login(self):
        urls = [_url(self.config, "list"), _url(self.config, "detail", self.obj),
                _url(self.config, "history", self.obj)]
        if self.config.allow_add:
            urls.append(_url(self.config, "add"))
        if self.config.allow_edit:
            urls.append(_url(self.config, "edit", self.obj))
        if self.config.allow_delete:
            urls.append(_url(self.config, "delete", self.obj))
        for url in urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertIn(reverse("accounts:login"), response["Location"])
        for url in (_api_url(self.config), _api_url(self.config, self.obj)):
            self.assertIn(self.api(None).get(url).status_code, (401, 403), url)

    def test_user_without_role_sees_nothing(self):
        self.login(self.no_permission_user)
        self.assertEqual(self.client.get(_url(self.config, "list")).status_code, 403)
        self.assertEqual(self.client.get(_url(self.config, "detail", self.obj)).status_code, 404)
        self.assertEqual(self.api(self.no_permission_user).get(_api_url(self.config)).status_code, 403)

    def test_in_scope_users_see_the_object(self):
        visible, _ = self._visible()
        for key in visible:
            self.login(key)
            response = self.client.get(_url(self.config, "list"))
            self.assertEqual(response.status_code, 200, key)
            detail = self.client.get(_url(self.config, "detail", self.obj))
            self.assertEqual(detail.status_code, 200, f"{key} should see {self.obj!r}")
            history = 403 if key in self.history_hidden_from else 200
            self.assertEqual(self.client.get(_url(self.config, "history", self.obj)).status_code, history, key)
            self.assertTrue(self.model.objects.restrict(self.users[key]).filter(pk=self.obj.pk).exists(), key)
            api = self.api(key).get(_api_url(self.config, self.obj))
            self.assertEqual(api.status_code, 200, key)
            self.assertEqual(api.json()["id"], self.obj.pk)

    def test_out_of_scope_users_get_404(self):
        _, hidden = self._visible()
        for key in hidden:
            self.login(key)
            # The list itself may be refused (403: the role does not reach the model); if it is
            # shown, the row is not in it.
            listed = self.client.get(_url(self.config, "list"))
            self.assertIn(listed.status_code, (200, 403), key)
            if listed.status_code == 200:
                self.assertNotIn(self.obj.pk, {r.pk for r in listed.context["table"].data}, key)
            self.assertEqual(self.client.get(_url(self.config, "detail", self.obj)).status_code, 404, key)
            if self.config.allow_edit:
                self.assertEqual(self.client.get(_url(self.config, "edit", self.obj)).status_code, 404, key)
            self.assertEqual(self.api(key).get(_api_url(self.config, self.obj)).status_code, 404, key)
            api_list = self.api(key).get(_api_url(self.config))
            self.assertIn(api_list.status_code, (200, 403), key)
            if api_list.status_code == 200:
                self.assertNotIn(self.obj.pk, [r["id"] for r in api_list.json()["results"]], key)

    def test_list_filters_search_sort_and_export(self):
        key = self._visible()[0][0]
        self.login(key)
        table_cls = self.client.get(_url(self.config, "list")).context["table"]
        sortable = [c.name for c in table_cls.columns if c.orderable]
        if sortable:
            self.assertEqual(self.client.get(_url(self.config, "list"), {"sort": f"-{sortable[0]}"}).status_code, 200)
        response = self.client.get(_url(self.config, "list"), {"export": "csv"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.decode("utf-8-sig").count("\n") >= 2)
        response = self.client.get(_url(self.config, "list"), {"export": "xlsx"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content[:2], b"PK")

    def test_search_finds_its_row_and_not_another(self):
        """A search by one of the object's search-field values lists the object, on the page and in
        the API, and not a second row (made by the model's factory) that does not hold that value."""
        key = self._visible()[0][0]
        user = self.login(key)
        search_fields = filterset_for(self.config).search_fields  # the config's, or its own filterset's
        self.assertTrue(search_fields, f"{self.model._meta.label}'s list has no search fields")
        other = factory_for(self.model)(self.unit(self.search_other_unit or self.owner_unit))
        self.assertTrue(self.model.objects.restrict(user).filter(pk=other.pk).exists(),
                        f"the factory's row is not visible to {key}: the test would prove nothing")
        term, field = _distinguishing_term(search_fields, self.obj, other)
        self.assertTrue(term, f"no search field of {self.obj!r} holds a value the factory's row {other!r} lacks")
        response = self.client.get(_url(self.config, "list"), {"q": term})
        self.assertEqual(response.status_code, 200)
        found = {r.pk for r in response.context["table"].data}
        self.assertIn(self.obj.pk, found, f"q={term!r} ({field})")
        self.assertNotIn(other.pk, found, f"q={term!r} ({field})")
        answer = self.api(key).get(_api_url(self.config), {"q": term, "page_size": 100})
        self.assertEqual(answer.status_code, 200)
        found = {r["id"] for r in answer.json()["results"]}
        self.assertIn(self.obj.pk, found, f"API q={term!r} ({field})")
        self.assertNotIn(other.pk, found, f"API q={term!r} ({field})")

    def _changes(self, obj, action):
        ct = ContentType.objects.get_for_model(type(obj))
        return ObjectChange.objects.filter(content_type=ct, object_id=str(obj.pk), action=action)

    def _declared_writer(self, action: str) -> str:
        """The writer for an add or edit page, or a skip where the registry offers no such page."""
        label = self.model._meta.label
        if not getattr(self.config, f"allow_{action}"):
            self.skipTest(f"{label} is read-only for {action}: its registry config has allow_{action}=False")
        self.assertIsNotNone(self.writer, f"{label} has an {action} page but its test class names no writer")
        return self.writer

    def test_create_through_page_and_api(self):
        writer = self._declared_writer("add")
        unit = self.users[writer].unit
        data = self.form_data(unit)
        self.assertIsNotNone(data, f"{self.model._meta.label} has an add page but its test class gives no form_data")
        self.login(writer)
        self.assertEqual(self.client.get(_url(self.config, "add")).status_code, 200)
        before = set(self.model.objects.values_list("pk", flat=True))
        response = self.client.post(_url(self.config, "add"), data)
        if response.status_code != 302:
            form = response.context.get("form") if response.context else None
            self.fail(f"create failed: {response.status_code} {form.errors if form else response.content[:500]}")
        created = self.model.objects.exclude(pk__in=before).get()
        change = self._changes(created, ObjectChange.CREATE).get()
        self.assertEqual(change.user_id, self.users[self.writer].pk)
        self.assertTrue(change.request_id)
        api_data = self.api_data(unit)
        self.assertIsNotNone(api_data, f"{self.model._meta.label}: no api_data for the API create")
        created.delete()  # the API creates the same data again (unique fields)
        response = self.api(writer).post(_api_url(self.config), api_data, format="json")
        self.assertEqual(response.status_code, 201, response.content[:800])

    def test_leader_reads_but_cannot_write(self):
        if self.model.perm_area != "records":
            self.skipTest(f"{self.model._meta.label} is {self.model.perm_area} data, not a business record: "
                          "the leader role reaches business records only")
        self.login("shenyang_leader")
        if self.config.allow_add:
            self.assertEqual(self.client.get(_url(self.config, "add")).status_code, 403)
        self.assertEqual(self.api("shenyang_leader").post(_api_url(self.config), {}, format="json").status_code, 403)

    def test_edit_with_optimistic_lock_and_history(self):
        writer = self._declared_writer("edit")
        data = self.update_data(self.obj)
        self.assertIsNotNone(data, f"{self.model._meta.label} has an edit page but its test class gives no update data")
        self.login(writer)
        page = self.client.get(_url(self.config, "edit", self.obj))
        self.assertEqual(page.status_code, 200)
        version = self.model.objects.get(pk=self.obj.pk).version
        stale = {**data, "version": version - 1}
        conflict = self.client.post(_url(self.config, "edit", self.obj), stale)
        self.assertContains(conflict, "已被他人修改", status_code=409)
        self.assertContains(conflict, 'id="conflict"', status_code=409)
        response = self.client.post(_url(self.config, "edit", self.obj), {**data, "version": version})
        if response.status_code != 302:
            form = response.context.get("form") if response.context else None
            self.fail(f"edit failed: {form.errors if form else response.status_code}")
        self.assertEqual(self.model.objects.get(pk=self.obj.pk).version, version + 1)
        api = self.api(writer)
        url = _api_url(self.config, self.obj)
        etag = api.get(url)["ETag"]
        api_data = self.api_update_data(self.obj)
        self.assertTrue(api_data, f"{self.model._meta.label}: no data for the API edit")
        self.assertEqual(api.patch(url, api_data, format="json").status_code, 428)
        self.assertEqual(api.patch(url, api_data, format="json", HTTP_IF_MATCH='"0-0"').status_code, 412)
        response = api.patch(url, api_data, format="json", HTTP_IF_MATCH=etag)
        self.assertEqual(response.status_code, 200, response.content[:800])
        self.assertEqual(self.model.objects.get(pk=self.obj.pk).version, version + 2)  # the API edit was saved

    def _owner_expected(self, key: str, obj, delete: bool = False) -> bool:
        spec = getattr(self.model, "scope", None)
        user = self.users[key]
        if spec is None or not WRITE_ROLES & set(WORLD_USERS[key][1]):
            return False
        owner = obj
        for part in (spec.owner or "").split("__"):
            owner = getattr(owner, part) if spec.owner else None
        visible = self.model.objects.restrict(user).filter(pk=obj.pk).exists()
        return visible and owner_side(user.unit, owner, province_owned=spec.province_owned,
                                      has_owner=spec.owner is not None, delete=delete)

    def test_only_the_owner_side_writes(self):
        """Every world user against the object: the owner side may change and delete it (as far
        as its roles allow), a unit that only sees it gets 403 with the reason, others 404; the
        object is never changed by a refused write (page, API edit, API delete)."""
        if self.model.perm_area != "records":
            self.skipTest("reference data: written by the system administrator (ReferenceScopeTests)")
        obj = self.obj
        version = self.model.objects.get(pk=obj.pk).version
        for key in WORLD_USERS:
            user = self.users[key]
            expected = self._owner_expected(key, obj)
            with self.subTest(user=key):
                self.assertEqual(can(user, "change", obj), expected, f"{key} change")
                if "office_admin" in WORLD_USERS[key][1]:
                    self.assertEqual(can(user, "delete", obj), self._owner_expected(key, obj, delete=True),
                                     f"{key} delete")
                if expected:
                    continue
                visible = self.model.objects.restrict(user).filter(pk=obj.pk).exists()

                def refused(action: str, user=user, visible=visible) -> int:  # role first, then row
                    return 404 if model_allows(user, self.model, action) and not visible else 403

                if self.config.allow_edit:
                    self.login(key)
                    page = self.client.get(_url(self.config, "edit", obj))
                    self.assertEqual(page.status_code, 403 if visible else 404, key)
                    patch = self.api(key).patch(_api_url(self.config, obj), {}, format="json",
                                                HTTP_IF_MATCH=f'"{obj.pk}-{version}"')
                    self.assertEqual(patch.status_code, refused("change"), key)
                if self.config.allow_delete:
                    url = f"{_api_url(self.config, obj)}?reason=owner-side"
                    self.assertEqual(self.api(key).delete(url).status_code, refused("delete"), key)
        self.assertTrue(self.model.objects.filter(pk=obj.pk, version=version).exists())

    def test_delete_is_logged(self):
        """A deletion asks for its reason (a form error without one, nothing deleted) and keeps it
        in the change row of the deletion."""
        label = self.model._meta.label
        if not self.config.allow_delete:
            self.skipTest(f"{label} is never deleted by hand: its registry config has allow_delete=False")
        self.assertIsNotNone(self.deleter, f"{label} has a delete page but its test class names no deleter")
        obj = self.obj
        self.login(self.deleter)
        refused = self.client.post(_url(self.config, "delete", obj), {"reason": "  "})
        self.assertEqual(refused.status_code, 400)
        self.assertIn("reason", refused.context["form"].errors)
        self.assertTrue(self.model.objects.filter(pk=obj.pk).exists())
        response = self.client.post(_url(self.config, "delete", obj), {"reason": "重复录入"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(self.model.objects.filter(pk=obj.pk).exists())
        self.assertEqual(self._changes(obj, ObjectChange.DELETE).get().reason, "重复录入")


class ReferenceScopeTests(ModelScopeTests):
    """Reference data: every authenticated user with a role reads it; only the system admin writes."""

    visible_to = ("province_office", "shenyang_samr", "dalian_office", "customs_dl", "sysadmin")
    hidden_from = ()
    writer = "sysadmin"
    deleter = "sysadmin"

    @classmethod
    def make_object(cls, unit):
        raise NotImplementedError

    def test_clerk_cannot_write_reference_data(self):
        if not (self.config.allow_add or self.config.allow_edit):
            self.skipTest(f"{self.model._meta.label} has neither an add nor an edit page")
        self.login("shenyang_office")
        if self.config.allow_add:
            self.assertEqual(self.client.get(_url(self.config, "add")).status_code, 403)
        if self.config.allow_edit:
            self.assertEqual(self.client.get(_url(self.config, "edit", self.obj)).status_code, 403)


def reload_reference_data() -> None:
    """Re-run the data migrations' loaders (idempotent). A transactional test ends with a flush
    that empties every table, including the organisation loaded by migrations; tests that run after
    it in the same process need it back."""
    reference.load(apps)
    account_loaders.load_roles(apps)
    load_enforcement(apps)
    definitions.load(apps)
