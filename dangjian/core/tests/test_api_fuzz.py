"""The whole API under schemathesis (security review, finding 7): every operation of the OpenAPI schema served at
/api/schema/, called through the WSGI application (no network) as two secretaries of villages in different
counties and as a county administrator. It fails on any 5xx, any status code or body that the schema does not
document, and any success (2xx) for an object outside the caller's scope.

Deterministic (hypothesis derandomized, no example database) and bounded: a few examples per operation, path ids
drawn from the objects of both counties (so both in-scope and out-of-scope objects are hit) and from random
numbers, no shrinking. The whole module takes well under two minutes on two cores.
"""

import datetime

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dangjian.accounts import services as account_services
from dangjian.accounts.models import User
from dangjian.conftest import make_person, make_user
from dangjian.core.permissions import Role
from dangjian.orgs import services as org_services
from dangjian.orgs.models import Org, Person, Position, Transfer

EXAMPLES = 5  # per operation and persona
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# The object of a URL's {id}, per collection: a 2xx for an id outside visible_to(caller) is a leak.
MODELS = {"orgs": Org, "people": Person, "positions": Position, "transfers": Transfer, "users": User}
# Run last: it ends the caller's token.
LAST = ("POST", "/api/v1/auth/logout/")
PERSONAS = ["wujiatai", "yunlong", "xuanen_admin"]


@pytest.fixture
def wsgi_app():
    """The WSGI application as a request in a test sees it: Django's test client also keeps the test's connection
    (and its transaction) open across requests instead of closing it when a request finishes."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        cache.clear()  # the token endpoint's throttle counts must not reach other tests


@pytest.fixture
def fuzz_world(world):
    """The matrix world plus a secretary of a 巴东 village and objects in both counties (a position, a transfer)."""
    users = dict(world["users"])
    users["yunlong"] = make_user(world["yunlong"], Role.SECRETARY, "yunlong")
    badong_person = make_person(world["yunlong"], name="巴东党员")
    make_person(world["wujiatai_b1"], name="支部党员")
    from dangjian.orgs.choices import Title

    org_services.position_appoint(actor=users["badong_admin"], person=badong_person, org=world["yunlong"],
                                  title=Title.SECRETARY, start_date=datetime.date(2022, 3, 1))
    world["users"] = users
    return world


def _ids(model):
    return list(model.objects.order_by("pk").values_list("pk", flat=True))


def _collection(path):
    parts = path.strip("/").split("/")  # api, v1, collection, ...
    return parts[2] if len(parts) > 2 else ""


def _scope_violations(case, response, user, visible_before):
    """2xx on an object outside the caller's scope, or a list that shows one."""
    problems = []
    if not 200 <= response.status_code < 300:
        return problems
    if visible_before is False:
        problems.append(f"{case.method} {case.formatted_path} answered {response.status_code} for an object "
                        f"outside the scope of {user.username}")
    model = MODELS.get(_collection(case.operation.path))
    if model is not None and case.method == "GET" and "{id}" not in case.operation.path:
        body = response.json()
        listed = {row["id"] for row in body.get("results", []) if isinstance(row, dict) and "id" in row}
        hidden = listed - set(model.objects.visible_to(user).filter(pk__in=listed).values_list("pk", flat=True))
        if hidden:
            problems.append(f"{case.formatted_path} lists {sorted(hidden)} outside the scope of {user.username}")
    return problems


def _run_operation(operation, *, user, headers, ids):
    failures = []
    model = MODELS.get(_collection(operation.path))
    id_strategy = st.one_of(st.sampled_from(ids), st.integers(min_value=1, max_value=2**31)) if ids else None

    @given(data=st.data())
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), print_blob=False)
    def run(data):
        case = data.draw(operation.as_strategy())
        if "id" in (case.path_parameters or {}) and id_strategy is not None:
            case.path_parameters["id"] = data.draw(id_strategy)
        visible_before = None
        if model is not None and "{id}" in operation.path:
            pk = case.path_parameters.get("id")
            visible_before = isinstance(pk, int) and model.objects.visible_to(user).filter(pk=pk).exists()
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # each failure is reported with its operation
            failures.append(f"{operation.label} as {user.username}: {str(exc)[:1500]}")
        failures.extend(_scope_violations(case, response, user, visible_before))

    run()
    return failures


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_whole_api_as(persona, fuzz_world, wsgi_app):
    user = fuzz_world["users"][persona]
    token = account_services.token_issue(user=user)
    headers = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda op: (op.method.upper(), op.path) == LAST)
    assert len(operations) >= 40
    failures = []
    for operation in operations:
        ids = _ids(MODELS[_collection(operation.path)]) if _collection(operation.path) in MODELS else []
        failures.extend(_run_operation(operation, user=user, headers=headers, ids=ids))
    assert not failures, "\n\n".join(failures[:15]) + f"\n\n({len(failures)} failures)"
