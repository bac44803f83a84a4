"""The OpenAPI document is accurate: schemathesis generates requests from it against the
running API process (operator token given) and finds no server error and no response that
contradicts the document."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pactwatch_devtools import ServiceProcess, SmtpSink, create_topics, free_port

from .conftest import TOKEN, api_env

AUTH = {"Authorization": f"Bearer {TOKEN}"}

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def running_api(kafka: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One API process for the whole module (schemathesis makes hundreds of calls)."""
    tmp = tmp_path_factory.mktemp("openapi")
    deadletter = f"t{uuid.uuid4().hex[:8]}.deadletter"
    asyncio.run(create_topics(kafka, {deadletter: 2}))
    with SmtpSink() as smtp:
        port = free_port()
        env = api_env(
            tmp,
            port,
            PACTWATCH_NOTIFIER_API_PORT=str(port),
            PACTWATCH_NOTIFIER_SMTP_PORT=str(smtp.port),
            PACTWATCH_KAFKA_BOOTSTRAP=kafka,
            PACTWATCH_DEAD_LETTER_TOPIC=deadletter,
            PACTWATCH_NOTIFIER_RETRY_TOPIC=f"{deadletter}.retry",
            PACTWATCH_NOTIFIER_API_RATE_LIMIT="100000/minute",
        )
        api = ServiceProcess(
            "notifier-api",
            [str(Path(sys.executable).parent / "pactwatch-notifier-api")],
            env,
            port,
            tmp / "notifier-api.log",
        ).start()
        try:
            yield api.base_url
        finally:
            assert api.stop() == 0, api.tail()


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_no_server_errors_and_answers_match_the_document(running_api: str) -> None:
    """Every operation, with valid (positive) and invalid (negative) generated input.
    (Hypothesis is driven here directly: schemathesis' pytest loader does not work with
    pytest 9 yet.)"""
    schema = schemathesis.openapi.from_url(running_api + "/openapi.json")
    failures: list[str] = []
    calls = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            # Test alerts go to a subscription that does not exist: a generated webhook URL
            # must never receive a real POST (tests talk to 127.0.0.1 only).
            fixed = {"sub_id": "no-such-subscription"} if operation.path.endswith("/test") else None
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)

            @given(case=strategy)
            @settings(
                max_examples=20,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: schemathesis.Case) -> None:
                nonlocal calls
                calls += 1
                case.call_and_validate(headers=AUTH, checks=CHECKS, timeout=30)

            try:
                run()
            except Unsatisfiable:
                continue  # nothing to make invalid (no parameters, no body)
            except (Exception, BaseExceptionGroup) as exc:  # report every operation's failure
                failures.append(f"{operation.label} [{mode}]: {exc}"[:3000])
    assert not failures, "\n\n".join(failures)
    assert calls >= 10 * len(operations)


def test_the_document_names_every_route(running_api: str) -> None:
    doc = httpx.get(running_api + "/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert {"/subscribe", "/confirm", "/unsubscribe", "/manage", "/api/v1/subscriptions"} <= set(
        doc["paths"]
    )
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
