"""The stable JSON of results (`scorer results --format json`), read by tools and headquarters.

Format "scorer-results" version 1, documented in docs/results-format.md. Decimals are strings with
the scheme's decimals ("82.02"); fields are only ever added, never renamed, within a version.
"""

from __future__ import annotations

import hashlib
from typing import Any

from scorer.model import Competition
from scorer.rules import EventResult
from scorer.rules.rounding import round_as
from scorer.store.chain import canonical

FORMAT = "scorer-results"
VERSION = 1


def _s(value: Any) -> str | None:
    return None if value is None else format(value, "f")


def event_to_dict(comp: Competition, result: EventResult) -> dict[str, Any]:
    event = comp.event(result.event)
    assert event is not None
    people = {x.code: x for x in comp.contestants}

    def r2(value: Any) -> str | None:
        return None if value is None else _s(round_as(event, value))

    rows = []
    for r in result.results:
        x = people[r.code]
        rows.append(
            {
                "rank": r.rank,
                "code": r.code,
                "reg_no": x.reg_no,
                "name": x.name,
                "organisation": x.organisation,
                "district": x.district,
                "team": x.team or None,
                "status": r.status,
                "total": _s(r.total),
                "scaled": _s(r.scaled),
                "components": {k: r2(v) for k, v in r.components.items()},
                "criteria": {k: r2(v) for k, v in r.criteria.items()},
                "time_seconds": _s(r.time),
                "award": r.award or None,
                "title": r.title or None,
                "complete": r.complete,
                "missing": list(r.missing),
                "rescore": list(r.rescore),
            }
        )
    return {
        "event": event.code,
        "name": event.name,
        "contestants": len(rows),
        "complete": all(r.complete for r in result.results if r.status == "ok"),
        "problems": [{"where": p.where, "zh": p.zh, "en": p.en} for p in result.problems],
        "flags": [
            {"kind": f.kind, "contestant": f.contestant, "aspect": f.aspect, "zh": f.zh, "en": f.en}
            for f in result.flags
        ],
        "results": rows,
        "teams": [
            {
                "rank": t.rank,
                "team": t.team,
                "members": list(t.members),
                "total": _s(t.total),
                "time_seconds": _s(t.time),
            }
            for t in result.teams
        ],
    }


def to_dict(comp: Competition, results: list[EventResult]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "competition": {"id": comp.id, "name": comp.name, "venue": comp.venue},
        "events": [event_to_dict(comp, r) for r in results],
    }


def fingerprint(result: EventResult) -> str:
    """The fingerprint of an event's outcome: every contestant's rank, status, total, scaled score,
    time, award and title, and the teams' — what must come out the same wherever the log is replayed.
    The lock row carries it, and headquarters compares it with its own recomputation (scorer.hq).
    Texts (problems, flags) are left out: a newer Scorer may word them differently."""
    body = {
        "event": result.event,
        "results": [
            [r.rank, r.code, r.status, _s(r.total), _s(r.scaled), _s(r.time), r.award or "", r.title or ""]
            for r in result.results
        ],
        "teams": [[t.rank, t.team, list(t.members), _s(t.total), _s(t.time)] for t in result.teams],
    }
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()
