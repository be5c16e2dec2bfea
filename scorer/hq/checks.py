"""Headquarters runs its results check (scorer.hq.results) on every lock it receives, and keeps the
outcome in `result_checks` for staff (`scorer hq status`).

After each stored batch of a competition file (`ingest.on_stored`), every `event.lock` entry of that
file not yet settled is checked: a lock whose rows have not all arrived stays "waiting" and is
looked at again when more rows of the file arrive. Whether they have is read from `feeds` first (the
lock's `heads` against what is held), so a waiting lock costs one small query per batch, and the
rows are read — and the event recomputed — only once they are all there.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from scorer.hq import ingest, results
from scorer.hq.db import Database, Tx
from scorer.store import Row
from scorer.store.log import now

# Two small queries, each on an index (the locks of a file: `entries_by_kind`, covering; the
# settled checks: the primary key), then the pending locks' rows by primary key.
_LOCKS = "SELECT station, seq FROM entries WHERE db = ? AND kind = 'event.lock'"
_SETTLED = "SELECT station, seq, state FROM result_checks WHERE db = ?"
_ROW = (
    "SELECT station, seq, kind, payload, actor, source, raw, time, prev_hash, hash FROM entries "
    "WHERE db = ? AND station = ? AND seq = ?"
)
_UPSERT = (
    "INSERT INTO result_checks (db, station, seq, event, state, expected, computed, zh, en, checked) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (db, station, seq) DO UPDATE SET "
    "state = excluded.state, computed = excluded.computed, zh = excluded.zh, en = excluded.en, "
    "checked = excluded.checked"
)


# Work that follows a check, in the check's own write transaction: (tx, db, lock row, check).
CheckedHook = Callable[[Tx, str, Row, results.ResultCheck], None]
_checked: list[CheckedHook] = []


def on_checked(callback: CheckedHook) -> None:
    """Run `callback` after every check of the lock in force is kept (see settle), in the same
    transaction (once per callback)."""
    if callback not in _checked:
        _checked.append(callback)


def settle(tx: Tx, db: str, lock: Row, check: results.ResultCheck) -> bool:
    """Run the follow-up work of a kept check (on_checked) if its lock is the one in force for its
    event in file `db`: not while it waits for rows, never for an older lock checked after a newer
    one (its time, station, seq order the locks). The lock in force is kept in `event_locks`, so
    standings and certificates follow the same lock. Whether it ran."""
    if check.state == results.WAITING:
        return False
    held = tx.one(
        "SELECT locked_at, station, lock_seq FROM event_locks WHERE db = ? AND event = ?", (db, check.event)
    )
    if held is not None and (held[0], held[1], int(held[2])) > (lock.time, lock.station, lock.seq):
        return False
    tx.run(
        "INSERT INTO event_locks (db, event, station, lock_seq, locked_at, state) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (db, event) DO UPDATE SET station = excluded.station, lock_seq = excluded.lock_seq, "
        "locked_at = excluded.locked_at, state = excluded.state",
        (db, check.event, lock.station, lock.seq, lock.time, check.state),
    )
    for callback in _checked:
        callback(tx, db, lock, check)
    return True


def _row(r: tuple[Any, ...]) -> Row:
    return Row(r[0], int(r[1]), r[2], r[3], r[4], r[5], None if r[6] is None else bytes.fromhex(r[6]), *r[7:])


def held_rows(database: Database, db: str, station: str, upto: int) -> Iterator[Row]:
    """The rows of (db, station) headquarters holds, seq 1..upto in order (fewer if not all held)."""
    for e in ingest.entries(database, db, station, upto=upto):
        yield _row(tuple(e[k] for k in ingest.ENTRY_COLUMNS[1:]))


def check_file(database: Database, db: str, station: str = "") -> list[results.ResultCheck]:
    """Check every lock of competition file `db` not yet settled; the checks made (`station`, the
    one whose batch was stored, is unused: any station's rows may complete another's lock)."""
    with database.read() as tx:
        locks = [(r[0], int(r[1])) for r in tx.all(_LOCKS, (db,))]
        if not locks:
            return []
        states = {(r[0], int(r[1])): r[2] for r in tx.all(_SETTLED, (db,))}
        todo = sorted(k for k in locks if states.get(k, results.WAITING) == results.WAITING)
        if not todo:
            return []
        held = dict(tx.all("SELECT station, last_seq FROM feeds WHERE db = ?", (db,)))
        pending = [_row(r) for r in (tx.one(_ROW, (db, *k)) for k in todo) if r is not None]
        waiting = {k for k in todo if k in states}
    done = []
    for lock in pending:
        if (lock.station, lock.seq) in waiting and not _complete(lock, held):
            continue  # still waiting, as recorded: nothing new to say
        check = results.check_lock(lock, lambda st, upto: held_rows(database, db, st, upto))
        with database.write() as tx:
            tx.run(
                _UPSERT,
                (db, lock.station, lock.seq, check.event, check.state, check.expected, check.computed,
                 check.zh, check.en, now()),
            )  # fmt: skip
            settle(tx, db, lock, check)
        done.append(check)
    return done


def _complete(lock: Row, held: dict[str, Any]) -> bool:
    """Does headquarters hold every row the lock saw (its `heads`, and its own station before it)?"""
    try:
        heads = dict(json.loads(lock.payload).get("heads") or {})
    except (ValueError, AttributeError, TypeError):
        return True  # let the check itself say what is wrong with the lock
    heads[lock.station] = lock.seq - 1
    return all(isinstance(n, int) and int(held.get(s, 0)) >= n for s, n in heads.items())


def checks(database: Database, db: str | None = None) -> list[dict[str, Any]]:
    """The results checks kept, newest first (of one file, or all)."""
    sql = "SELECT db, station, seq, event, state, expected, computed, zh, en, checked FROM result_checks"
    params: tuple[str, ...] = ()
    if db is not None:
        sql += " WHERE db = ?"
        params = (db,)
    with database.read() as tx:
        rows = tx.all(sql + " ORDER BY checked DESC, db, station, seq", params)
    names = ("db", "station", "seq", "event", "state", "expected", "computed", "zh", "en", "checked")
    return [dict(zip(names, r, strict=True)) for r in rows]


def install() -> None:
    """Check locks after every stored batch (the app and `scorer hq import` call this once), and
    write the standings of every computed check (scorer.hq.standings)."""
    from scorer.hq import certs, standings

    on_checked(standings.on_checked)
    on_checked(certs.keep)  # the certificates it vouches for (scorer.hq.certs)
    if not any(callback is _after_store for _, callback in ingest._hooks):
        ingest.on_stored(None, _after_store)


def _after_store(database: Database, db: str, station: str) -> None:
    check_file(database, db, station)
