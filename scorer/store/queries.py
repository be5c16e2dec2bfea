"""Read queries over the projections, in the shapes the rules, the results and the reports use.

Plain functions of a connection: they read, never write, and work on read-only opens too.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorer.model import Competition, Station

SlotMarks = dict[str, dict[str, str]]  # aspect → slot → value
EnteredBy = dict[tuple[str, str, str], str]  # (contestant, aspect, slot) → judge


@dataclass(frozen=True, slots=True)
class MarkRow:
    """A current mark: the value that counts now, and the log rows behind it."""

    event: str
    contestant: str
    aspect: str
    judge: str
    value: str
    log_id: int  # the row that set the current value
    first_id: int  # the row of the original entry (differs after a correction)


def marks(conn: sqlite3.Connection, event: str | None = None) -> list[MarkRow]:
    sql = "SELECT event, contestant, aspect, judge, value, log_id, first_id FROM marks"
    params: tuple[str, ...] = ()
    if event:
        sql += " WHERE event = ?"
        params = (event,)
    return [MarkRow(*r) for r in conn.execute(sql + " ORDER BY event, contestant, aspect, judge", params)]


def statuses(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT contestant, status FROM statuses WHERE status != 'ok'").fetchall())


def heads(conn: sqlite3.Connection) -> dict[str, int]:
    """Each station's newest seq in this file."""
    return dict(conn.execute("SELECT station, max(seq) FROM log GROUP BY station").fetchall())


def status_of(conn: sqlite3.Connection, contestant: str) -> str:
    r = conn.execute("SELECT status FROM statuses WHERE contestant = ?", (contestant,)).fetchone()
    return r[0] if r else "ok"


def event_marks(conn: sqlite3.Connection, event: str) -> tuple[dict[str, SlotMarks], EnteredBy]:
    marks: dict[str, SlotMarks] = {}
    entered_by: EnteredBy = {}
    for contestant, aspect, slot, value, judge in conn.execute(
        "SELECT contestant, aspect, slot, value, judge FROM marks WHERE event = ?", (event,)
    ):
        marks.setdefault(contestant, {}).setdefault(aspect, {})[slot] = value
        entered_by[(contestant, aspect, slot)] = judge
    return marks, entered_by


def contestant_marks(conn: sqlite3.Connection, contestant: str) -> SlotMarks:
    out: SlotMarks = {}
    for aspect, slot, value in conn.execute(
        "SELECT aspect, slot, value FROM marks WHERE contestant = ?", (contestant,)
    ):
        out.setdefault(aspect, {})[slot] = value
    return out


def contestant_marks_by(conn: sqlite3.Connection, contestant: str) -> tuple[SlotMarks, EnteredBy]:
    marks: SlotMarks = {}
    entered_by: EnteredBy = {}
    for aspect, slot, value, judge in conn.execute(
        "SELECT aspect, slot, value, judge FROM marks WHERE contestant = ?", (contestant,)
    ):
        marks.setdefault(aspect, {})[slot] = value
        entered_by[(contestant, aspect, slot)] = judge
    return marks, entered_by


def info(conn: sqlite3.Connection, path: Path, station: Station, comp: Competition | None) -> dict[str, Any]:
    """What `scorer info` shows: the file, its station, schema, log and competition in figures."""
    kinds = dict(conn.execute("SELECT kind, count(*) FROM log GROUP BY kind").fetchall())
    return {
        "file": str(path),
        "station": station.id,
        "station_name": station.name,
        "created": station.created,
        "schema": [
            r[0]
            for r in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = 'scorer' ORDER BY id"
            )
        ],
        "log_rows": sum(kinds.values()),
        "log_kinds": kinds,
        "current_marks": conn.execute("SELECT count(*) FROM marks").fetchone()[0],
        "competition": None
        if comp is None
        else {
            "id": comp.id,
            "name": comp.name,
            "venue": comp.venue,
            "events": [
                {
                    "code": e.code,
                    "name": e.name,
                    "aspects": len(e.aspects()),
                    "contestants": sum(1 for x in comp.contestants if x.event == e.code),
                }
                for e in comp.events
            ],
            "contestants": len(comp.contestants),
            "judges": len(comp.judges),
        },
    }
