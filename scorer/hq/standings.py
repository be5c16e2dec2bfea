"""Headquarters' standings: each event's results as headquarters recomputed them at the newest
checked lock of a competition file, beside the venue's own figures (the lock's "table").

Written by `on_checked` (registered by scorer.hq.checks.install) inside the check's own transaction, so a
check and its standings are stored together or not at all. One row per (db, event, contestant);
a newer lock of the event replaces the event's rows of that file wholesale. The rows are what the
venue pages (a venue's events, side by side) and the cross-venue ranking (scorer.hq.crossvenue)
read — nothing there recomputes an event.

- `total`, `scaled` are Decimal texts as the scheme rounded them; `rank` NULL for the unranked.
- `tie` is the contestant's tie-break values in the event's order (texts or null) — the event's
  tie-break specs themselves are in `detail["tie_breaks"]` ("time" ranks the shorter first).
- `venue_*` are NULL when the lock carried no table (a lock made by an older Scorer).
- `detail["explain"]` says, for a row where the venue and headquarters differ, both sides' figures
  and the rules engine's decisive step (scorer.rules.explain); empty strings otherwise.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from scorer.hq import results
from scorer.hq.db import Tx
from scorer.model import Competition, Event
from scorer.rules import EventResult, explain
from scorer.rules.ranking import tie_value
from scorer.rules.results import ContestantResult
from scorer.store import Row

COLUMNS = (
    "db", "event", "code", "venue", "station", "lock_seq", "locked_at", "state", "event_name",
    "competition", "name", "organisation", "reg_no", "status", "total", "scaled", "rank", "award",
    "title", "tie", "venue_total", "venue_rank", "venue_award", "venue_title", "detail",
)  # fmt: skip
_INSERT = f"INSERT INTO standings ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"

VenueRow = tuple[
    int | None, str | None, str | None, str | None, str | None
]  # rank, total, award, title, status


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def venue_table(payload: dict[str, Any]) -> dict[str, VenueRow] | None:
    """The lock's "table" by contestant code; None when the lock has none (an older Scorer) or it
    cannot be read (then every venue column stays NULL and the rows say so in `detail`)."""
    table = payload.get("table")
    if not isinstance(table, list):
        return None
    out: dict[str, VenueRow] = {}
    for item in table:
        if not (isinstance(item, list) and len(item) == 6 and isinstance(item[0], str)):
            return None
        code, rank, total, award, title, status = item
        if rank is not None and not (isinstance(rank, int) and not isinstance(rank, bool)):
            return None
        if not all(v is None or isinstance(v, str) for v in (total, award, title, status)):
            return None
        out[code] = (rank, total, award, title, status)
    return out


def _same_total(venue: str | None, ours: Decimal) -> bool:
    if venue is None:
        return False
    try:
        return Decimal(venue) == ours
    except InvalidOperation:
        return False


def differs(r: ContestantResult, venue: VenueRow | None) -> bool:
    """Do the venue's figures for this contestant differ from headquarters' (rank, total, award,
    title, status)? A contestant missing from a table the lock did carry differs."""
    if venue is None:
        return True
    rank, total, award, title, status = venue
    return (
        rank != r.rank
        or not _same_total(total, r.total)
        or (award or "") != (r.award or "")
        or (title or "") != (r.title or "")
        or (status or "ok") != r.status
    )


def _explain(
    event: Event, result: EventResult, r: ContestantResult, venue: VenueRow | None
) -> dict[str, str]:
    """Both sides' figures and the decisive step: against the contestant headquarters put at the
    place the venue gave (why not there), else the one just above (or below, for the first)."""
    q = (r.rank, str(r.total), r.award or "—")
    if venue is None:
        zh = f"场地成绩表中没有选手 {r.code}；总部重算：总分 {q[1]}，第 {q[0] or '—'} 名，{q[2]}"
        en = f"the venue's table has no contestant {r.code}; headquarters: total {q[1]}, place {q[0] or '—'}, {q[2]}"
    else:
        v = (venue[0] or "—", venue[1] or "—", venue[2] or "—")
        zh = f"场地：总分 {v[1]}，第 {v[0]} 名，{v[2]}；总部重算：总分 {q[1]}，第 {q[0] or '—'} 名，{q[2]}"
        en = f"venue: total {v[1]}, place {v[0]}, {v[2]}; headquarters: total {q[1]}, place {q[0] or '—'}, {q[2]}"
    ranked = [x for x in result.results if x.rank is not None]
    other: ContestantResult | None = None
    if r.rank is not None and len(ranked) > 1:
        wanted = venue[0] if venue is not None else None
        if isinstance(wanted, int) and wanted != r.rank:
            other = next((x for x in ranked if x.rank == wanted and x.code != r.code), None)
        if other is None:
            at = next(i for i, x in enumerate(ranked) if x.code == r.code)
            other = ranked[at - 1] if at else ranked[1]
    if other is not None:
        step = explain(event, result, r.code, other.code)
        zh += f"。{step.zh}"
        en += f". {step.en}"
    return {"zh": zh, "en": en}


def rows_of(
    db: str,
    venue: str,
    station: str,
    lock_seq: int,
    locked_at: str,
    state: str,
    comp: Competition,
    result: EventResult,
    table: dict[str, VenueRow] | None,
    table_note: str = "",
) -> list[tuple[Any, ...]]:
    """The standings rows of one computed event (in COLUMNS order)."""
    event = comp.event(result.event)
    assert event is not None, result.event
    people = {c.code: c for c in comp.contestants if c.event == event.code}
    specs = list(event.ranking.tie_breaks)
    out = []
    for r in result.results:
        person = people.get(r.code)
        venue_row = None if table is None else table.get(r.code)
        differ = table is not None and differs(r, venue_row)
        detail = {
            "components": {k: str(v) for k, v in r.components.items()},
            "criteria": {k: str(v) for k, v in r.criteria.items()},
            "missing": list(r.missing),
            "tie_breaks": specs,
            "explain": _explain(event, result, r, venue_row) if differ else {"zh": "", "en": ""},
        }
        if table_note:
            detail["venue_table"] = table_note
        tie = [_text(tie_value(event, r, spec)) for spec in specs]
        v = venue_row or (None, None, None, None, None)
        out.append(
            (db, event.code, r.code, venue, station, lock_seq, locked_at, state, event.name, comp.id,
             person.name if person else "", person.organisation if person else "",
             person.reg_no if person else "", r.status, str(r.total), _text(r.scaled), r.rank,
             r.award or "", r.title or "", json.dumps(tie), v[1], v[0], v[2], v[3],
             json.dumps(detail, ensure_ascii=False, sort_keys=True))
        )  # fmt: skip
    return out


def write(
    tx: Tx,
    db: str,
    venue: str,
    station: str,
    lock_seq: int,
    locked_at: str,
    state: str,
    comp: Competition,
    result: EventResult,
    table: dict[str, VenueRow] | None,
    table_note: str = "",
) -> int:
    """Replace the event's standings of file `db` with `result` (the lock in force: which one that
    is, scorer.hq.checks.settle decides); how many rows were written."""
    tx.run("DELETE FROM standings WHERE db = ? AND event = ?", (db, result.event))
    rows = rows_of(db, venue, station, lock_seq, locked_at, state, comp, result, table, table_note)
    tx.copy("standings", COLUMNS, rows)
    return len(rows)


def venue_of(tx: Tx, db: str, station: str) -> str:
    """The venue a station's feed of `db` belongs to (its enrolment, if the feed is not held)."""
    row = tx.one("SELECT venue FROM feeds WHERE db = ? AND station = ?", (db, station))
    if row is None:
        row = tx.one("SELECT venue FROM enrolments WHERE station = ? ORDER BY enrolled DESC", (station,))
    return "" if row is None else str(row[0])


def on_checked(tx: Tx, db: str, lock: Row, check: results.ResultCheck) -> None:
    """After headquarters checked the lock in force of an event (scorer.hq.checks.settle): its
    standings when it computed the event ("match" or "differ"); a lock it could not compute
    (unchecked, or a recomputation that failed) removes the file's older rows of the event — they
    no longer stand."""
    if check.comp is None or check.result is None:
        tx.run("DELETE FROM standings WHERE db = ? AND event = ?", (db, check.event))
        return
    payload = json.loads(lock.payload)
    table = venue_table(payload)
    note = "unreadable" if table is None and payload.get("table") is not None else ""
    write(
        tx, db, venue_of(tx, db, lock.station), lock.station, lock.seq, lock.time, check.state,
        check.comp, check.result, table, note,
    )  # fmt: skip


# ------------------------------------------------------------ reading, for the pages

ROW_KEYS = COLUMNS


def _row(r: tuple[Any, ...]) -> dict[str, Any]:
    out = dict(zip(COLUMNS, r, strict=True))
    out["tie"] = json.loads(out["tie"])
    out["detail"] = json.loads(out["detail"])
    for k in ("lock_seq", "rank", "venue_rank"):
        if out[k] is not None:
            out[k] = int(out[k])
    out["differs"] = bool((out["detail"].get("explain") or {}).get("zh"))
    return out


def event_rows(tx: Tx, db: str, event: str) -> list[dict[str, Any]]:
    """An event's standings in file `db`: ranked first by rank, then the unranked by code. Each a
    dict of COLUMNS (tie and detail parsed) plus "differs" (venue and headquarters disagree)."""
    rows = tx.all(
        f"SELECT {', '.join(COLUMNS)} FROM standings WHERE db = ? AND event = ? "
        "ORDER BY rank IS NULL, rank, code",
        (db, event),
    )
    return [_row(r) for r in rows]


# `detail` as written for a row where the venue and headquarters agree (json.dumps, sorted keys)
_AGREES = '%"explain": {"en": "", "zh": ""}%'


def events_of(tx: Tx, venue: str) -> list[dict[str, Any]]:
    """A venue's events with standings: {db, event, name, state, locked_at, station, lock_seq,
    counts: {contestants, ranked, differ}}, by event then file."""
    rows = tx.all(
        "SELECT db, event, max(event_name), max(state), max(locked_at), max(station), max(lock_seq), "
        "count(*), count(rank), "
        "sum(CASE WHEN detail LIKE ? THEN 0 ELSE 1 END) "
        "FROM standings WHERE venue = ? GROUP BY db, event ORDER BY event, db",
        (_AGREES, venue),
    )
    return [
        {
            "db": r[0],
            "event": r[1],
            "name": r[2],
            "state": r[3],
            "locked_at": r[4],
            "station": r[5],
            "lock_seq": int(r[6]),
            "counts": {"contestants": int(r[7]), "ranked": int(r[8]), "differ": int(r[9] or 0)},
        }
        for r in rows
    ]
