"""Headquarters recomputes a locked event from the replicated rows and compares fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

from scorer.demo import ensure_demo
from scorer.hq import results
from scorer.store import Row, Store
from tests.lockhelp import lock_demo_cnc


def _held(store: Store) -> dict[str, list[Row]]:
    feeds: dict[str, list[Row]] = {}
    for r in store.log():
        feeds.setdefault(r.station, []).append(Row.of(r))
    return feeds


def _rows_of(feeds: dict[str, list[Row]]):
    return lambda station, upto: [r for r in feeds.get(station, []) if r.seq <= upto]


def _lock_row(feeds: dict[str, list[Row]]) -> Row:
    return next(r for rows in feeds.values() for r in rows if r.kind == "event.lock")


def test_a_locked_event_recomputes_to_the_venues_fingerprint(tmp_path: Path) -> None:
    with Store.open(ensure_demo(tmp_path / "demo.scorer")) as store:
        lock_demo_cnc(store)
        feeds = _held(store)
    lock = _lock_row(feeds)
    assert json.loads(lock.payload)["results"]
    check = results.check_lock(lock, _rows_of(feeds))
    assert check.state == results.MATCH, check.zh
    assert check.computed == check.expected
    assert "一致" in check.zh


def test_rows_not_yet_held_make_the_check_wait(tmp_path: Path) -> None:
    with Store.open(ensure_demo(tmp_path / "demo.scorer")) as store:
        lock_demo_cnc(store)
        feeds = _held(store)
    lock = _lock_row(feeds)
    partial = {s: rows[: len(rows) // 2] for s, rows in feeds.items()}
    check = results.check_lock(lock, _rows_of(partial))
    assert check.state == results.WAITING
    assert "尚未收齐" in check.zh


def test_a_changed_mark_before_the_lock_is_flagged(tmp_path: Path) -> None:
    """Rows that hash correctly but give other results (a forged history signed with the station's
    key, or a rules engine that disagrees) are flagged, never accepted."""
    with Store.open(ensure_demo(tmp_path / "demo.scorer")) as store:
        lock_demo_cnc(store)
        feeds = _held(store)
    lock = _lock_row(feeds)
    station = lock.station
    rows = list(feeds[station])
    i = next(i for i, r in enumerate(rows) if r.kind == "mark" and json.loads(r.payload)["event"] == "CNC")
    p = json.loads(rows[i].payload)
    p["value"] = "0"
    rows[i] = rows[i]._replace(
        payload=json.dumps(p, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    )
    check = results.check_lock(lock, _rows_of({**feeds, station: rows}))
    assert check.state == results.DIFFER
    assert check.computed and check.computed != check.expected
    assert "不一致" in check.zh and "differ" in check.en


def test_a_lock_without_a_fingerprint_is_unchecked_not_passed(tmp_path: Path) -> None:
    from tests.lockhelp import force_lock

    with Store.open(ensure_demo(tmp_path / "demo.scorer")) as store:
        force_lock(store, "CNC", "CNC-K", ["CNC-K"])
        feeds = _held(store)
    check = results.check_lock(_lock_row(feeds), _rows_of(feeds))
    assert check.state == results.UNCHECKED


def _fixtures(tmp_path: Path) -> list[Path]:
    """Every competition file the tests hold: the demo, and the file made by the first format version
    (opened, so upgraded, as a venue would)."""
    import shutil

    demo = ensure_demo(tmp_path / "demo.scorer")
    old = tmp_path / "schema-v1.scorer"
    for suffix in ("", "-wal", "-shm", ".head"):
        source = Path(__file__).parents[1] / "data" / f"schema-v1.scorer{suffix}"
        if source.exists():
            shutil.copyfile(source, f"{old}{suffix}")
    return [demo, old]


def test_every_event_of_every_fixture_recomputes_to_the_venues_fingerprint(tmp_path: Path) -> None:
    """Headquarters agrees with the venue on every event of every competition file in tests/ (marks,
    corrections, voids, statuses as each file holds them), each locked as the venue locks: its
    fingerprint, its heads and its table from the venue's own results."""
    from scorer.locking import results_table
    from scorer.results_json import fingerprint

    checked = []
    for path in _fixtures(tmp_path):
        with Store.open(path) as store:
            comp = store.competition
            assert comp is not None
            for event in comp.events:
                result = store.results(event.code)
                payload = {"event": event.code, "signed_by": [], "signatures": [], "accepted": [],
                           "results": fingerprint(result), "heads": store.heads(),
                           "table": results_table(result)}  # fmt: skip
                store.append("event.lock", payload, "hq-test", "keyboard")
            feeds = _held(store)
        locks = [r for rows in feeds.values() for r in rows if r.kind == "event.lock"]
        assert len(locks) == len(comp.events)
        for lock in locks:
            check = results.check_lock(lock, _rows_of(feeds))
            assert check.state == results.MATCH, (path.name, check.event, check.zh)
            checked.append((path.name, check.event))
    assert len(checked) >= 4 and {name for name, _ in checked} == {"demo.scorer", "schema-v1.scorer"}
