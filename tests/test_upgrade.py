"""Upgrades: a file written at schema version 1 opens, migrates and keeps every mark."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from scorer import station
from scorer.errors import ScorerError
from scorer.store import Store
from scorer.store.schema import KNOWN
from scorer.store.verify import verify

FIXTURE = Path(__file__).parent / "data" / "schema-v1.scorer"


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    target = tmp_path / "old.scorer"
    shutil.copy(FIXTURE, target)
    shutil.copy(f"{FIXTURE}.head", f"{target}.head")
    return target


def test_fixture_is_really_version_1():
    """The fixture predates every later migration (guards against regenerating it by mistake)."""
    conn = sqlite3.connect(f"file:{FIXTURE}?mode=ro", uri=True)
    applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    conn.close()
    assert applied == ["m001_initial"]
    assert len(KNOWN) > 1


def test_v1_file_migrates_and_keeps_marks(v1_copy):
    with Store.open(v1_copy) as store:
        applied = [r[0] for r in store.conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
        assert applied == KNOWN
        marks = {(m.contestant, m.aspect, m.judge): m.value for m in store.marks()}
        assert marks == {
            ("C01", "A1.1", "J1"): "24.012",
            ("C01", "B1.1", "J2"): "2",
            ("C01", "B1.1", "J3"): "3",
        }
        assert store.competition is not None and store.competition.id == "mini-2026"
        store.record_mark(judge="J1", contestant="C02", aspect="A1.1", value="24.02")
    report = verify(v1_copy)
    assert report.ok, [p.message("en") for p in report.problems]
    # the old file's own chain, then this laptop's: its station.init (with its public key) and the mark
    assert report.rows == 8
    assert report.stations == {"ST-V1FIXTURE01": 6, station.identity().id: 2}


def test_file_from_a_newer_program_is_refused(v1_copy):
    conn = sqlite3.connect(v1_copy)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('scorer', 'm999_future', 'x')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(ScorerError, match="newer Scorer"):
        Store.open(v1_copy)
