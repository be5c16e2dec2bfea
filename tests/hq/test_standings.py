"""Headquarters' standings (scorer.hq.standings): written from a real lock in the check's own
transaction, beside the venue's own figures from the lock's table; a venue's figures that differ
are flagged with the rules engine's explanation; an older lock without a table leaves the venue's
columns empty; a newer lock replaces an event's rows, an older one checked late does not. SQLite
and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scorer.demo import ensure_demo
from scorer.hq import checks, ingest, results, standings
from scorer.hq.db import Database
from scorer.rules.ranking import tie_value
from scorer.station import Identity, identity
from scorer.store import Row, Store
from scorer.sync import wire
from tests.hq.conftest import Feed, enrolled
from tests.hq.venues import TRADE, make_venue, push
from tests.lockhelp import force_lock, lock_demo_cnc


@pytest.fixture(autouse=True)
def _checking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "_hooks", [])
    checks.install()


def test_the_demo_lock_gives_standings_equal_to_the_venues_results(
    hq_db: Database, hq_key: Identity, tmp_path: Path
) -> None:
    with Store.open(ensure_demo(tmp_path / "demo.scorer")) as store:
        lock_demo_cnc(store)
        venue_result = store.results("CNC")
        comp = store.competition
        db = store.db_id
        rows = [Row.of(r) for r in store.log()]
    me = identity()
    feed = Feed(me, enrolled(hq_db, hq_key, me), db, rows)
    lock = next(r for r in rows if r.kind == "event.lock")
    assert len(json.loads(lock.payload)["table"]) == len(venue_result.results)
    ingest.push_bytes(hq_db, hq_key, wire.encode(feed.batch(1, len(rows))))
    with hq_db.read() as tx:
        got = standings.event_rows(tx, db, "CNC")
        (event,) = standings.events_of(tx, feed.venue)
    assert comp is not None
    event_def = comp.event("CNC")
    assert event_def is not None
    people = {c.code: c for c in comp.contestants}
    assert [r["code"] for r in got] == [r.code for r in venue_result.results]
    for row, r in zip(got, venue_result.results, strict=True):
        assert (row["rank"], row["total"], row["award"], row["title"], row["status"]) == (
            r.rank, str(r.total), r.award, r.title, r.status,
        )  # fmt: skip
        assert (row["venue_rank"], row["venue_total"], row["venue_award"], row["venue_title"]) == (
            r.rank, str(r.total), r.award, r.title,
        )  # fmt: skip
        assert row["tie"] == [
            None if (v := tie_value(event_def, r, s)) is None else str(v)
            for s in event_def.ranking.tie_breaks
        ]
        assert (row["name"], row["organisation"], row["reg_no"]) == (
            people[r.code].name, people[r.code].organisation, people[r.code].reg_no,
        )  # fmt: skip
        assert (row["state"], row["venue"], row["station"], row["lock_seq"]) == (
            "match",
            feed.venue,
            me.id,
            lock.seq,
        )
        assert row["differs"] is False and row["detail"]["explain"] == {"zh": "", "en": ""}
        assert row["detail"]["components"] == {k: str(v) for k, v in r.components.items()}
    unranked = [r for r in got if r["rank"] is None]
    assert unranked and all(r["status"] == "absent" for r in unranked)
    assert event == {
        "db": db, "event": "CNC", "name": event_def.name, "state": "match", "locked_at": lock.time,
        "station": me.id, "lock_seq": lock.seq,
        "counts": {"contestants": len(got), "ranked": len(got) - len(unranked), "differ": 0},
    }  # fmt: skip


# WELD at one venue: b01 90, b02 80, b03 60 (ratio award 一等奖 34% of 3 → 1 place)
MARKS = {"b01": ("50", "40"), "b02": ("50", "30"), "b03": ("30", "30")}


def test_a_venue_table_edited_after_the_fact_is_flagged_with_the_explanation(
    hq_db: Database, hq_key: Identity, tmp_path: Path
) -> None:
    edited = [
        ["b01", 1, "90.00", "一等奖", "", "ok"],
        ["b02", 2, "85.00", "", "", "ok"],  # the venue's paper says 85 where the marks give 80
        ["b03", 3, "60.00", "", "", "ok"],
    ]
    v = make_venue(tmp_path / "v", "第二赛场", MARKS, lock={"table": edited})
    push(hq_db, hq_key, v)
    with hq_db.read() as tx:
        rows = {r["code"]: r for r in standings.event_rows(tx, v.db, TRADE)}
        (event,) = standings.events_of(tx, v.venue)
    assert [c for c, r in rows.items() if r["differs"]] == ["b02"]
    b02 = rows["b02"]
    assert (b02["total"], b02["venue_total"], b02["rank"], b02["venue_rank"]) == ("80.00", "85.00", 2, 2)
    explain = b02["detail"]["explain"]
    assert "场地：总分 85.00" in explain["zh"] and "总部重算：总分 80.00" in explain["zh"]
    # the rules engine's step against the one just above: b01's 90.00 > 80.00
    assert "总分 b01 90.00 > b02 80.00" in explain["zh"] and "venue: total 85.00" in explain["en"]
    assert event["counts"]["differ"] == 1 and event["state"] == "match"  # the fingerprint itself matched


def test_a_venue_whose_results_differ_is_flagged_on_every_changed_row(
    hq_db: Database, hq_key: Identity, tmp_path: Path
) -> None:
    claimed = [  # the venue's lock claims b03 won (and a fingerprint the rows do not give)
        ["b03", 1, "95.00", "一等奖", "", "ok"],
        ["b01", 2, "90.00", "", "", "ok"],
        ["b02", 3, "80.00", "", "", "ok"],
    ]
    v = make_venue(tmp_path / "v", "第二赛场", MARKS, lock={"table": claimed, "results": "f" * 64})
    push(hq_db, hq_key, v)
    with hq_db.read() as tx:
        rows = {r["code"]: r for r in standings.event_rows(tx, v.db, TRADE)}
    assert {r["state"] for r in rows.values()} == {"differ"}
    assert sorted(c for c, r in rows.items() if r["differs"]) == ["b01", "b02", "b03"]  # every place moved
    b03 = rows["b03"]["detail"]["explain"]
    # the venue put b03 first: headquarters says why b01 is there instead
    assert "场地：总分 95.00，第 1 名，一等奖" in b03["zh"] and "总分 b01 90.00 > b03 60.00" in b03["zh"]
    assert "place 1" in b03["en"]


def test_a_lock_without_a_table_leaves_the_venue_columns_empty(
    hq_db: Database, hq_key: Identity, tmp_path: Path
) -> None:
    v = make_venue(tmp_path / "v", "第二赛场", MARKS, lock={"table": None})
    rows = [r for r in v.rows]
    lock = rows[-1]
    p = json.loads(lock.payload)
    assert p["table"] is None
    push(hq_db, hq_key, v)
    with hq_db.read() as tx:
        got = standings.event_rows(tx, v.db, TRADE)
    assert [r["code"] for r in got] == ["b01", "b02", "b03"]
    assert all(r["venue_total"] is None and r["venue_rank"] is None and not r["differs"] for r in got)
    assert "venue_table" not in got[0]["detail"]


def test_an_unchecked_lock_writes_nothing(hq_db: Database, hq_key: Identity, tmp_path: Path) -> None:
    with Store.open(ensure_demo(tmp_path / "demo.scorer")) as store:
        force_lock(store, "CNC", "CNC-K", ["CNC-K"])  # a lock of an older Scorer: no fingerprint
        db = store.db_id
        rows = [Row.of(r) for r in store.log()]
    me = identity()
    feed = Feed(me, enrolled(hq_db, hq_key, me), db, rows)
    ingest.push_bytes(hq_db, hq_key, wire.encode(feed.batch(1, len(rows))))
    assert [c["state"] for c in checks.checks(hq_db)] == ["unchecked"]
    with hq_db.read() as tx:
        assert standings.event_rows(tx, db, "CNC") == [] and standings.events_of(tx, feed.venue) == []


def test_a_newer_lock_replaces_the_rows_an_older_one_checked_late_does_not(
    hq_db: Database, tmp_path: Path
) -> None:
    """Which lock is in force is checks.settle's to say, for standings and certificates alike."""
    v = make_venue(tmp_path / "v", "第二赛场", MARKS)
    with Store.open(tmp_path / "v" / "weld.scorer", readonly=True) as store:
        comp, result = store.competition, store.results(TRADE)
    assert comp is not None

    def lock(seq: int, time: str) -> Row:
        payload = json.dumps({"event": TRADE})
        return Row(
            "ST-000000000001", seq, "event.lock", payload, "K1", "keyboard", None, time, "0" * 64, "1" * 64
        )

    def check(row: Row, state: str) -> results.ResultCheck:
        return results.ResultCheck(TRADE, row.station, row.seq, state, "e", "c", "", "", comp, result)

    newer, older, newest = (
        lock(7, "2026-05-01T10:00:00Z"),
        lock(5, "2026-05-01T09:00:00Z"),
        lock(9, "2026-05-01T11:00:00Z"),
    )
    with hq_db.write() as tx:
        # waiting: nothing yet, not even the lock in force
        assert not checks.settle(tx, "DB-1", newer, check(newer, results.WAITING))
        assert tx.all("SELECT * FROM event_locks") == [] and tx.all("SELECT * FROM standings") == []
        assert checks.settle(tx, "DB-1", newer, check(newer, results.MATCH))
        tx.run("UPDATE standings SET name = 'old' WHERE db = 'DB-1'")
        # an older lock (earlier time) checked after: nothing changes
        assert not checks.settle(tx, "DB-1", older, check(older, results.MATCH))
        assert tx.all("SELECT DISTINCT name, lock_seq FROM standings") == [("old", 7)]
        assert tx.all("SELECT lock_seq FROM event_locks") == [(7,)]
        # a newer one: the event's rows replaced wholesale
        assert checks.settle(tx, "DB-1", newest, check(newest, results.DIFFER))
        assert tx.all("SELECT DISTINCT lock_seq, state FROM standings") == [(9, "differ")]
        assert {r[0] for r in tx.all("SELECT name FROM standings")} == {"选手b01", "选手b02", "选手b03"}
    assert v.db != "DB-1"
