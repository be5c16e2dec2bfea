"""The statements that keep the projections (marks, statuses, locks, decryption, paper passes)
current, each derived from a row's kind and payload alone.

A statement runs in the transaction that appends its row (`Log.apply`), with `LOG_ID` bound to the
new row's id. Local actions attach them to their `Entry`; a row received from another station gets
them from `for_row`, so both keep the tables the same way. `verify` replays the log to check the
tables (replay.py for the marks).

Locking (scorer/locking.py), log-in (scorer/access.py) and paper double entry
(scorer/double_entry.py) build their own statements at the moment they append; the lock, decryption
and pass statements here are the same text, for received rows (tests/test_store.py checks that a
file rebuilt from another's rows has the same tables). A log-in failure's lock-out counter is
derived from this laptop's state and not from a row alone, so it is not here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class _LogId:
    """Placeholder in projection parameters for the id of the row being appended."""

    def __repr__(self) -> str:
        return "LOG_ID"


LOG_ID: Any = _LogId()

Statement = tuple[str, tuple[Any, ...]]


def mark(p: dict[str, Any]) -> list[Statement]:
    """A first mark fills its slot (the slot's primary key refuses a second first mark)."""
    return [
        (
            "INSERT INTO marks (contestant, aspect, slot, event, judge, value, log_id, first_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (p["contestant"], p["aspect"], p["slot"], p["event"], p["judge"], p["value"], LOG_ID, LOG_ID),
        )
    ]


def mark_correct(p: dict[str, Any]) -> list[Statement]:
    return [
        (
            "UPDATE marks SET value = ?, log_id = ? WHERE contestant = ? AND aspect = ? AND slot = ?",
            (p["value"], LOG_ID, p["contestant"], p["aspect"], p["slot"]),
        )
    ]


def mark_void(p: dict[str, Any]) -> list[Statement]:
    return [
        (
            "DELETE FROM marks WHERE contestant = ? AND aspect = ? AND slot = ?",
            (p["contestant"], p["aspect"], p["slot"]),
        )
    ]


def status(p: dict[str, Any]) -> list[Statement]:
    return [
        (
            "INSERT INTO statuses (contestant, status, log_id) VALUES (?, ?, ?)"
            " ON CONFLICT (contestant) DO UPDATE SET status = excluded.status, log_id = excluded.log_id",
            (p["contestant"], p["status"], LOG_ID),
        )
    ]


_LOCK = (
    "INSERT INTO locks (event, locked, log_id) VALUES (?, ?, ?)"
    " ON CONFLICT (event) DO UPDATE SET locked = excluded.locked, log_id = excluded.log_id"
)


def lock(p: dict[str, Any]) -> list[Statement]:
    return [(_LOCK, (p["event"], 1, LOG_ID))]


def unlock(p: dict[str, Any]) -> list[Statement]:
    return [(_LOCK, (p["event"], 0, LOG_ID))]


def decrypt(p: dict[str, Any]) -> list[Statement]:
    return [("INSERT INTO decrypted (event, log_id) VALUES (?, ?)", (p["event"], LOG_ID))]


def paper_pass(p: dict[str, Any]) -> list[Statement]:
    """One pass of a paper cell (a chief judge's decision has no pass: it fills no draft)."""
    if "pass" not in p:
        return []
    return [
        (
            "INSERT INTO drafts (contestant, aspect, slot, pass, event, judge, value, clerk, log_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (contestant, aspect, slot, pass) DO UPDATE"
            " SET value = excluded.value, clerk = excluded.clerk, log_id = excluded.log_id, judge = excluded.judge",
            (
                p["contestant"],
                p["aspect"],
                p["slot"],
                p["pass"],
                p["event"],
                p["judge"],
                p["value"],
                p["clerk"],
                LOG_ID,
            ),
        )
    ]


BY_KIND: dict[str, Callable[[dict[str, Any]], list[Statement]]] = {
    "mark": mark,
    "mark.correct": mark_correct,
    "mark.void": mark_void,
    "contestant.status": status,
    "event.lock": lock,
    "event.unlock": unlock,
    "event.decrypt": decrypt,
    "entry.draft": paper_pass,
    "entry.resolve": paper_pass,
}


def for_row(kind: str, payload: dict[str, Any]) -> list[Statement]:
    """The projection statements of a row of `kind` (none for kinds that project nothing)."""
    make = BY_KIND.get(kind)
    return make(payload) if make is not None else []
