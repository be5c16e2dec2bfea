"""Headquarters checks every lock it receives (scorer.hq.checks over scorer.hq.results): the demo's
locked event recomputes to the venue's fingerprint; a lock whose rows have not all arrived waits and
is checked when they do. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorer.demo import ensure_demo
from scorer.hq import checks, ingest, results
from scorer.hq.db import Database
from scorer.hq.status import status
from scorer.station import Identity, identity
from scorer.store import Row, Store
from scorer.store.chain import canonical, row_hash
from scorer.sync import wire
from tests.hq.conftest import Feed, enrolled, station
from tests.lockhelp import lock_demo_cnc


@pytest.fixture(autouse=True)
def _checking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "_hooks", [])
    checks.install()
    checks.install()  # once is enough: installing twice adds nothing


def push(database: Database, hq: Identity, feed: Feed, first: int, last: int) -> None:
    ingest.push_bytes(database, hq, wire.encode(feed.batch(first, last)))


def test_a_received_lock_is_recomputed_and_matches(hq_db: Database, hq_key: Identity, tmp_path: Path) -> None:
    with Store.open(ensure_demo(tmp_path / "demo.scorer")) as store:
        lock_demo_cnc(store)
        db = store.db_id
        rows = [Row.of(r) for r in store.log()]
    me = identity()
    feed = Feed(me, enrolled(hq_db, hq_key, me), db, rows)
    lock_seq = next(r.seq for r in rows if r.kind == "event.lock")
    push(hq_db, hq_key, feed, 1, lock_seq - 1)
    assert checks.checks(hq_db) == []
    push(hq_db, hq_key, feed, lock_seq, len(rows))
    (check,) = checks.checks(hq_db, db)
    assert (check["event"], check["station"], check["seq"], check["state"]) == (
        "CNC",
        me.id,
        lock_seq,
        results.MATCH,
    )
    assert check["computed"] == check["expected"] and "一致" in check["zh"]
    assert status(hq_db)["results"] == [check]
    push(hq_db, hq_key, feed, 1, len(rows))  # a repeat: nothing stored, nothing checked again
    assert checks.checks(hq_db) == [check]


def test_a_lock_waits_for_the_rows_it_saw_then_is_checked(
    hq_db: Database, hq_key: Identity, tmp_path: Path
) -> None:
    locker, other = station(tmp_path / "a"), station(tmp_path / "b")
    venue = enrolled(hq_db, hq_key, locker)
    enrolled(hq_db, hq_key, other, venue)
    feed = Feed(locker, venue)
    feed.grow(3)
    payload = canonical({"event": "CNC", "results": "f" * 64, "heads": {other.id: 4}, "signed_by": []})
    fields = (
        locker.id,
        4,
        "event.lock",
        payload,
        "CNC-K",
        "keyboard",
        None,
        "2026-05-01T10:00:00Z",
        feed.rows[-1].hash,
    )
    feed.rows.append(Row(*fields, row_hash(*fields)))
    push(hq_db, hq_key, feed, 1, 4)
    (check,) = checks.checks(hq_db)
    assert (
        check["state"] == results.WAITING and "尚未收齐" in check["zh"] and f"{other.id} 0/4" in check["zh"]
    )
    others = Feed(other, venue)
    others.grow(4)
    push(hq_db, hq_key, others, 1, 2)  # not yet all: still waiting, not recomputed
    assert [c["state"] for c in checks.checks(hq_db)] == [results.WAITING]
    push(hq_db, hq_key, others, 3, 4)
    (check,) = checks.checks(hq_db)
    # every row has arrived: checked now (these rows hold no competition, so they cannot match)
    assert check["state"] == results.DIFFER and "无法" in check["zh"]
