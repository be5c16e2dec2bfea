"""Property-based tests of the live API from its own /openapi.json (schemathesis): whatever a
client sends — generated from the declared schemas and mutated beyond them — headquarters answers
without a server error, with a status and a body its description declares. On SQLite and
PostgreSQL, against a real `scorer hq serve`. Every request carries an administrator's API token,
so the staff endpoints are exercised past their log-in check (without one they answer 401:
tests/hq/test_auth.py); the sync endpoints ignore it."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from scorer.hq import users
from scorer.hq.db import open_database
from tests import pg
from tests.hq.conftest import BACKENDS, Server


@pytest.fixture(scope="module", params=BACKENDS)
def live_hq(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("hq-live")
    with (
        pg.database(request.getfixturevalue("postgres_dsn"))
        if request.param == "postgresql"
        else _sqlite(folder) as url
    ):
        server = Server(url, folder / "hqdata", log=folder / "server.log")
        try:
            TOKENS[server.url] = _admin_token(url)
            yield server
        finally:
            server.stop()


TOKENS: dict[str, str] = {}


def _admin_token(url: str) -> str:
    database = open_database(url)
    try:
        users.add(database, "schemathesis", "administrator", "a long enough password", "cli:test")
        return users.new_token(database, "schemathesis", "property test", "cli:test").token
    finally:
        database.close()


class _sqlite:
    def __init__(self, folder: Path):
        self.url = str(folder / "hq.sqlite")

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *exc: object) -> None:
        return None


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_input_makes_the_api_fail(live_hq: Server, mode: GenerationMode) -> None:
    """Each operation of /openapi.json, 30 generated requests of the mode (fitting the schemas, or
    deliberately not)."""
    bearer = {"Authorization": f"Bearer {TOKENS[live_hq.url]}"}
    with urllib.request.urlopen(urllib.request.Request(live_hq.url + "/api/v1/me", headers=bearer)) as me:
        assert me.status == 200  # the token works: the staff endpoints are tested past their check
    schema = schemathesis.openapi.from_url(live_hq.url + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/v1/batches", "/api/v1/enrol", "/api/v1/bundles"}
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and (
            operation.path == "/api/v1/echo"
            or (
                not any(
                    len(p)
                    for p in (
                        operation.path_parameters,
                        operation.query,
                        operation.headers,
                        operation.cookies,
                    )
                )
                and not len(operation.body)
            )
        ):
            continue  # no parameters and no body, or any bytes: nothing can be made not to fit

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def call(case: Any) -> None:
            case.call_and_validate(checks=CHECKS, timeout=30, headers=bearer)

        call()
