"""Current marks derived from the log alone: the definition of the `marks` projection.

`verify` compares the table with this; a rebuild after a migration uses it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Key = tuple[str, str, str]  # contestant, aspect, slot
Current = dict[Key, tuple[str, str, str, int, int]]  # → event, judge, value, log_id, first_id


def project(rows: Iterable[tuple[int, str, dict[str, Any]]]) -> Current:
    """Replay (log id, kind, payload) in log order, as the projection statements do: a correction
    or void acts on its payload's slot (contestant, aspect, slot), not on the replaced row's log id —
    ids are per file, so a file holding another station's corrections replays the same."""
    current: Current = {}
    for log_id, kind, p in rows:
        if kind == "mark":
            key = (p["contestant"], p["aspect"], p["slot"])
            current[key] = (p["event"], p["judge"], p["value"], log_id, log_id)
        elif kind in ("mark.correct", "mark.void"):
            key = (p["contestant"], p["aspect"], p["slot"])
            if key not in current:
                continue
            event, judge, _value, _old, first = current[key]
            if kind == "mark.void":
                del current[key]
            else:
                current[key] = (event, judge, p["value"], log_id, first)
    return current
