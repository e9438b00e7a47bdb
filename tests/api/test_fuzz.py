"""Property-based tests of the API from its own OpenAPI document (schemathesis), against a live server with
the tiny county and alice's token: for every operation and generated request — valid and invalid — no 500,
and every answer's status, content type and body match the document."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from eduplan.facts import Facts
from eduplan.web.api import tokens
from tests.conftest import ALICE, make_tiny_facts, make_user

pytestmark = pytest.mark.db
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 12  # per operation and mode: about 800 requests in all


@pytest.fixture
def served(transactional_db: None, live_server: Any, no_api_rate: None) -> tuple[str, str]:
    """The live server with the tiny county; no rate limit: the fuzzer calls far faster than any real client."""
    from eduplan.store import save_facts

    facts: Facts = make_tiny_facts()
    save_facts(facts)
    return live_server.url, tokens.create(make_user(ALICE))


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
def test_every_operation_keeps_its_schema_and_never_fails(served: tuple[str, str], mode: Any) -> None:
    base, token = served
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json", timeout=120)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES, database=None, suppress_health_check=list(HealthCheck), deadline=None
        )
        def run(case: Any) -> None:
            case.call_and_validate(base_url=base, headers={"Authorization": f"Token {token}"}, checks=CHECKS)

        try:
            run()
        except Unsatisfiable:  # no invalid request exists for an operation without parameters or body
            assert mode == schemathesis.GenerationMode.NEGATIVE
        except Exception as exc:  # collect every operation's first failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
