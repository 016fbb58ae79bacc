"""Every operation of the OpenAPI schema the API serves (/api/schema/), sent requests generated from
it — valid by the schema and deliberately invalid ones — never answers a server error (item 20).

Schemathesis builds the requests from drf-spectacular's schema; they reach the application
in-process through its WSGI handler with a real user's API token, over the small demo data set.
Each operation runs as the first of a Shenyang clerk, the provincial office and the three
administrators whose role allows it (so the filters of an administrator's list are reached too),
reads as the province (who sees every row) and writes as the clerk first. Every second request
of an operation on one record names a record the user can see, so reads, updates (with the
record's ETag in If-Match) and deletes reach the serializers and services, not only the 404.

The run is bounded (~6,600 requests): for every GET operation the coverage phase's negative cases
(each query parameter in turn sent each wrong kind of value: a fraction, a boolean, text, nothing,
a list), and for every operation EXAMPLES generated requests valid by the schema (any integer,
however large; any date) and EXAMPLES invalid ones; derandomized, no shrinking, no example database.
Writes are included: they reach validation and, with a real record, the services."""
from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from rectify.accounts.services import api_token_issue
from rectify.core.access.scope import model_allows
from rectify.core.generic.api.permissions import ACTION_FOR_METHOD
from rectify.core.generic.api.viewsets import etag_of
from rectify.core.registry import ModelConfig, registry
from rectify.testing import make_world_user

# Tried in this order for each operation; the first the operation's model allows runs it.
READERS = ("province_office", "shenyang_samr", "sysadmin", "secadmin", "auditadmin")
WRITERS = ("shenyang_samr", "province_office", "sysadmin", "secadmin", "auditadmin")
CONFIG = SchemathesisConfig.from_dict({"generation": {"database": "none"}})
EXAMPLES = 3  # generated requests per operation and mode, besides the coverage phase's
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


@dataclass
class Api:
    tokens: dict[str, str]
    users: dict[str, object]
    calls: dict[str, int] = field(default_factory=dict)

    def config(self, path: str) -> ModelConfig | None:
        """The registered model behind /api/<app>/<model>/…"""
        parts = path.strip("/").split("/")[1:3]
        return next((c for c in registry if [c.app_label, c.model_name] == parts), None)

    def user_for(self, method: str, config: ModelConfig | None):
        action = ACTION_FOR_METHOD.get(method, "view")
        keys = READERS if action == "view" else WRITERS
        if config is None:
            return self.users[keys[0]]
        return next((self.users[k] for k in keys if model_allows(self.users[k], config.model, action)),
                    self.users[keys[0]])

    def prepare(self, case) -> dict[str, str]:
        """Headers for `case`, after pointing every second request on one record at a real one."""
        method = case.method.upper()
        config = self.config(case.path)
        user = self.user_for(method, config)
        headers = {"Authorization": f"Token {self.tokens[user.username]}"}
        count = self.calls[case.operation.label] = self.calls.get(case.operation.label, 0) + 1
        if "id" in (case.path_parameters or {}) and config is not None and count % 2 == 0:
            obj = config.model.objects.restrict(user, "view").order_by("pk").first()
            if obj is not None:
                case.path_parameters["id"] = obj.pk
                if method in {"PUT", "PATCH"}:
                    headers["If-Match"] = etag_of(obj)
        return headers


@pytest.fixture
def api(db) -> Iterator[Api]:
    call_command("seed_demo", scale="small", stdout=io.StringIO())
    keys = {*READERS, *WRITERS}
    users = {key: make_world_user(key) for key in keys}
    # A request through the bare WSGI handler closes the database connection at its start and end
    # (close_old_connections), and with it the test's transaction; Django's test client holds
    # these signals back the same way.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        tokens = {user.username: api_token_issue(owner=user, purpose="schemathesis", actor=None).secret
                  for user in users.values()}
        yield Api(users=users, tokens=tokens)
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.mark.exhaustive
def test_no_operation_answers_a_server_error(api: Api) -> None:
    started, cpu = time.monotonic(), time.process_time()
    headers = {"Authorization": f"Token {api.tokens['t_province_office']}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler(), config=CONFIG, headers=headers)
    failures: list[str] = []

    def call(case) -> None:
        sent = api.prepare(case)
        try:
            case.call_and_validate(headers=sent, checks=[not_a_server_error])
        except (AssertionError, BaseExceptionGroup) as exc:  # all collected, reported together below
            failures.append(str(exc)[:2000])

    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        if operation.method.upper() == "GET":  # each query parameter in turn sent each wrong kind of value
            generation = schema.config.generation_for(operation=operation, phase="coverage")
            for case in schema.iter_coverage_cases(operation, generation_modes=[GenerationMode.NEGATIVE],
                                                   generation_config=generation):
                call(case)
        for mode in MODES:
            FUZZ(given(case=operation.as_strategy(generation_mode=mode))(call))()
    print(f"schemathesis: {sum(api.calls.values())} requests over {len(api.calls)} operations in "
          f"{time.monotonic() - started:.0f} s ({time.process_time() - cpu:.0f} s of CPU)")
    assert not failures, f"{len(failures)} server errors:\n\n" + "\n\n".join(failures)
    # Guards against a run that silently sends nothing (a schema that lost its paths, a filter).
    assert len(operations) > 300 and set(api.calls) == {operation.label for operation in operations}
    assert sum(api.calls.values()) > 5000
