"""Headquarters checks a venue's results: every lock that reaches it is recomputed from the
replicated log with the same rules engine, and compared with the fingerprint the station sent with
the lock (`event.lock` payload: `results`, and `heads` — each station's newest seq the locking file
held). A difference is flagged, never silently accepted; a lock whose rows have not all arrived yet
waits ("waiting") and is checked again when they do.

Pure over rows: the caller (scorer.hq.ingest) hands in the lock row and a way to read a station's
held rows of the same competition file.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from scorer.errors import ScorerError
from scorer.package import codec
from scorer.results_json import fingerprint
from scorer.rules import EventRules
from scorer.store import Row
from scorer.store.replay import Replay

MATCH, DIFFER, WAITING, UNCHECKED = "match", "differ", "waiting", "unchecked"

# (station, up to seq) → that station's rows held by headquarters, seq 1.. in order (fewer if not all held)
_REPLAYED = frozenset({"mark", "mark.correct", "mark.void", "contestant.status"})

RowsOf = Callable[[str, int], Iterable[Row]]


@dataclass(frozen=True)
class ResultCheck:
    """The outcome of checking one lock: `state` is match / differ / waiting / unchecked."""

    event: str
    station: str  # the station that locked
    seq: int  # the lock row's seq
    state: str
    expected: str  # the station's fingerprint ("" when the lock carries none: an older Scorer)
    computed: str  # headquarters' fingerprint ("" when not computed)
    zh: str
    en: str
    # What headquarters computed (scorer.model.Competition, scorer.rules.EventResult), for the
    # work that follows a check (scorer.hq.checks.on_checked); None when nothing was computed.
    comp: Any = field(default=None, compare=False, repr=False)
    result: Any = field(default=None, compare=False, repr=False)


def check_lock(lock: Row, rows_of: RowsOf) -> ResultCheck:
    """Recompute the event locked by `lock` from the rows the locking file held and compare."""
    p = json.loads(lock.payload)
    event, expected = p["event"], p.get("results", "")
    heads: dict[str, int] = dict(p.get("heads") or {})
    heads[lock.station] = lock.seq - 1  # the lock saw its own station's rows before it

    def out(state: str, computed: str, zh: str, en: str, done: Any = (None, None)) -> ResultCheck:
        return ResultCheck(event, lock.station, lock.seq, state, expected, computed, zh, en, *done)

    if not expected or not p.get("heads"):
        return out(
            UNCHECKED,
            "",
            f"项目 {event} 的锁定记录没有成绩指纹（较早版本的 Scorer），无法核对",
            f"the lock of event {event} carries no results fingerprint (an older Scorer): not checked",
        )
    feeds: list[list[Row]] = []
    missing: list[str] = []
    for station, upto in sorted(heads.items()):
        rows = list(rows_of(station, upto))
        if len(rows) < upto:
            missing.append(f"{station} {len(rows)}/{upto}")
        feeds.append(rows)
    if missing:
        return out(
            WAITING,
            "",
            f"项目 {event} 已锁定，但总部尚未收齐锁定时的记录（{'、'.join(missing)}），收齐后核对",
            f"event {event} is locked, but headquarters does not yet hold every row the lock saw "
            f"({', '.join(missing)}); checked when they arrive",
        )
    try:
        comp, result = _recompute(event, feeds)
        computed = fingerprint(result)
    except (ScorerError, KeyError, ValueError, TypeError) as exc:
        return out(
            DIFFER,
            "",
            f"项目 {event} 的成绩无法由总部收到的记录重新计算（{exc}）",
            f"event {event}'s results cannot be recomputed from the rows headquarters holds ({exc})",
        )
    if computed == expected:
        return out(
            MATCH,
            computed,
            f"项目 {event}：总部重算的成绩与场地一致（指纹 {computed[:8].upper()}）",
            f"event {event}: headquarters' recomputed results match the venue's "
            f"(fingerprint {computed[:8].upper()})",
            (comp, result),
        )
    return out(
        DIFFER,
        computed,
        f"项目 {event}：总部重算的成绩与场地锁定时的成绩不一致（场地 {expected[:8].upper()}，"
        f"总部 {computed[:8].upper()}），需核查",
        f"event {event}: headquarters' recomputed results differ from the venue's at its lock "
        f"(venue {expected[:8].upper()}, headquarters {computed[:8].upper()}): to be investigated",
        (comp, result),
    )


def _recompute(event: str, feeds: list[list[Row]]) -> tuple[Any, Any]:
    """Replay the feeds merged by time (each station's own order kept) and compute the event:
    (the competition as defined in the rows, its EventResult)."""
    replay = Replay()
    definition: str | None = None
    for n, row in enumerate(heapq.merge(*feeds, key=lambda r: (r.time, r.station, r.seq)), 1):
        if row.kind == "definition":
            definition = row.payload
        elif row.kind in _REPLAYED:
            replay.add(n, row.kind, json.loads(row.payload))
    if definition is None:
        raise ValueError("no competition definition among the rows")
    comp = codec.from_dict(json.loads(definition))
    e = comp.event(event)
    if e is None:
        raise ValueError(f"no event {event} in the definition")
    marks, entered_by = replay.event_marks(event)
    return comp, EventRules(e).compute(comp.contestants, marks, replay.not_ok(), comp.judges, entered_by)
