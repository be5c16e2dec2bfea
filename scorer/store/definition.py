"""The competition definition held by a file: the newest `definition` row, the lookups every
validation uses (built once per revision), and the check that a revision orphans no mark."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from scorer.errors import ScorerError
from scorer.model import Competition, Event
from scorer.package import codec
from scorer.store.queries import MarkRow

Index = dict[str, Any]  # "events" | "aspects" | "contestants" | "judges" | "scopes" → code → …


def newest(conn: sqlite3.Connection, known: int) -> tuple[int, Competition | None] | None:
    """(log id, competition) of the newest definition; None when it is the one with id `known`;
    (0, None) when the file has none."""
    r = conn.execute(
        "SELECT id, payload FROM log WHERE kind = 'definition' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if r is None:
        return 0, None
    if r[0] == known:
        return None
    return r[0], codec.from_dict(json.loads(r[1]))


def index(comp: Competition) -> Index:
    return {
        "events": {e.code: e for e in comp.events},
        "aspects": {e.code: e.aspects() for e in comp.events},
        "contestants": {x.code: x for x in comp.contestants},
        "judges": {j.code: j for j in comp.judges},
        "scopes": {e.code: scope_map(e) for e in comp.events},
    }


def scope_map(event: Event) -> dict[str, tuple[str, ...]]:
    """aspect code → the codes that include it (itself, sub-criterion, criterion, component)."""
    out: dict[str, tuple[str, ...]] = {}
    for comp in event.components:
        for crit in comp.criteria:
            for sub in crit.sub_criteria:
                for a in sub.aspects:
                    out[a.code] = (a.code, sub.code, crit.code, comp.code)
    return out


def require(comp: Competition | None) -> Competition:
    if comp is None:
        raise ScorerError(
            "此文件还没有竞赛定义，请先导入竞赛数据包（scorer import）",
            "this file has no competition yet; import a package first (scorer import)",
        )
    return comp


def check_revision(old: Competition | None, comp: Competition, marks: Iterable[MarkRow]) -> None:
    """Refuse a definition of another competition, or one that current marks would lose their
    contestant, aspect or judge under."""
    if old is not None and old.id != comp.id:
        raise ScorerError(
            f"此文件属于竞赛“{old.name}”（{old.id}），不能导入另一个竞赛“{comp.name}”",
            f"this file holds '{old.id}'; it cannot take another competition '{comp.id}'",
        )
    found = orphans(comp, marks)
    if found:
        raise ScorerError(
            "新的竞赛定义会让已有分数失去对应的选手、评分项或裁判：" + "；".join(found[:5]),
            "the new definition would orphan existing marks: " + "; ".join(found[:5]),
        )


def orphans(comp: Competition, marks: Iterable[MarkRow]) -> list[str]:
    contestants = {x.code: x.event for x in comp.contestants}
    aspects = {e.code: set(e.aspects()) for e in comp.events}
    judges = {j.code for j in comp.judges}
    out = []
    for m in marks:
        if contestants.get(m.contestant) != m.event:
            out.append(f"{m.contestant}")
        elif m.aspect not in aspects.get(m.event, set()):
            out.append(f"{m.contestant}/{m.aspect}")
        elif m.judge not in judges:
            out.append(f"{m.judge}")
    return sorted(set(out))
