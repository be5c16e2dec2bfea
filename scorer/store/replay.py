"""Current marks and statuses derived from the log alone: the definition of the projections.

`verify` compares the tables with this; headquarters replays a venue's rows with it to recompute
results (scorer.hq.results); a rebuild after a migration uses it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Key = tuple[str, str, str]  # contestant, aspect, slot
Current = dict[Key, tuple[str, str, str, int, int]]  # → event, judge, value, log_id, first_id


class Replay:
    """The projections' state after the rows added so far, one row at a time, as the projection
    statements keep it: a correction or void acts on its payload's slot (contestant, aspect, slot),
    not on the replaced row's log id — ids are per file, so a file holding another station's
    corrections replays the same."""

    def __init__(self) -> None:
        self.current: Current = {}
        self.statuses: dict[str, str] = {}

    def add(self, log_id: int, kind: str, p: dict[str, Any]) -> None:
        current = self.current
        if kind == "mark":
            key = (p["contestant"], p["aspect"], p["slot"])
            current[key] = (p["event"], p["judge"], p["value"], log_id, log_id)
        elif kind in ("mark.correct", "mark.void"):
            key = (p["contestant"], p["aspect"], p["slot"])
            if key not in current:
                return
            event, judge, _value, _old, first = current[key]
            if kind == "mark.void":
                del current[key]
            else:
                current[key] = (event, judge, p["value"], log_id, first)
        elif kind == "contestant.status":
            self.statuses[p["contestant"]] = p["status"]

    def event_marks(
        self, event: str
    ) -> tuple[dict[str, dict[str, dict[str, str]]], dict[tuple[str, str, str], str]]:
        """An event's current marks in the rules' shape, and who entered each (as the store's
        `event_marks` gives them from the table)."""
        marks: dict[str, dict[str, dict[str, str]]] = {}
        entered_by: dict[tuple[str, str, str], str] = {}
        for (contestant, aspect, slot), (e, judge, value, _id, _first) in self.current.items():
            if e == event:
                marks.setdefault(contestant, {}).setdefault(aspect, {})[slot] = value
                entered_by[(contestant, aspect, slot)] = judge
        return marks, entered_by

    def not_ok(self) -> dict[str, str]:
        """Statuses other than "ok" (as the store's `statuses` gives them)."""
        return {c: s for c, s in self.statuses.items() if s != "ok"}


def project(rows: Iterable[tuple[int, str, dict[str, Any]]]) -> Current:
    """The current marks after replaying (log id, kind, payload) in log order."""
    replay = Replay()
    for log_id, kind, p in rows:
        replay.add(log_id, kind, p)
    return replay.current
