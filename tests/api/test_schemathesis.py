"""The API against its own OpenAPI document (schemathesis): every operation, with a coordinator's and a
coach's token, a bounded number of generated requests each (valid and invalid ones). No answer may be a
5xx, and every answer must be declared for its operation and match the declared schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kaa.accounts.models import ApiToken
from tests.factories import YouthFactory

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
schema.config.generation.update(modes=["positive", "negative"], deterministic=True)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The requests go through Django's real WSGI handler, which closes the database connection after
    each request; the test's transaction lives on that connection (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(coordinator, coach, municipality, team):
    """Youths the two callers may see (one the coach's own) and one neither may see, so that generated
    ids meet real records."""
    mine = YouthFactory(municipality=municipality, coach=coach, team=team)
    other = YouthFactory(municipality=municipality)
    hidden = YouthFactory(municipality=municipality, protection="sekretessmarkering")
    return {
        "coordinator": ApiToken.issue(user=coordinator)[1],
        "coach": ApiToken.issue(user=coach)[1],
        "ids": [mine.pk, other.pk, hidden.pk],
    }


@pytest.mark.parametrize("role", ["coordinator", "coach"])
@schema.parametrize()
@settings(max_examples=15, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_api_conforms_to_its_schema(case, role, tokens):
    youth_id = case.path_parameters.get("youth_id") if case.path_parameters else None
    if isinstance(youth_id, int) and not isinstance(youth_id, bool):
        # Most generated ids match nothing: send two of three requests to a real youth instead.
        case.path_parameters["youth_id"] = (tokens["ids"] + [youth_id])[youth_id % 4]
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"}, checks=CHECKS)
