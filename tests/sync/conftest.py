"""Fixtures for the venue side of sync: a real headquarters (`scorer hq serve` as a child process)
on SQLite and on PostgreSQL, and the demo competition file of this test's station."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pg
from tests.sync.harness import HQ

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def hq_db(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """Headquarters' database: None (SQLite in its data folder), or a fresh PostgreSQL database."""
    if getattr(request, "param", "sqlite") == "sqlite":
        yield None
        return
    with pg.database(request.getfixturevalue("postgres_dsn")) as dsn:
        yield dsn


@pytest.fixture
def hq(tmp_path: Path, hq_db: str | None) -> Iterator[HQ]:
    server = HQ(tmp_path / "hq", hq_db).start()
    yield server
    server.stop()


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    from scorer.demo import ensure_demo

    return ensure_demo(tmp_path / "demo.scorer")
