"""Ranking: higher total first, then the scheme's ordered tie-breaks; standard competition ranking
(1, 2, 2, 4) when every tie-break is equal. Values are compared as the scheme rounds them, so two
totals that print as 85.50 are equal here too."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from itertools import groupby
from typing import TYPE_CHECKING, Any

from scorer.model import Event
from scorer.rules.rounding import round_as

if TYPE_CHECKING:
    from scorer.rules.compute import ContestantResult

INF = Decimal("Infinity")


def tie_value(event: Event, r: ContestantResult, spec: str) -> Decimal | None:
    """The value a tie-break compares (None: not available, ranks last on that step)."""
    if spec == "time":
        return r.time
    kind, code = spec.split(":", 1)
    if kind == "aspect":
        s = r.aspects.get(code)
        value = s.score if s is not None else None
    else:
        table = {"component": r.components, "criterion": r.criteria, "sub_criterion": r.sub_criteria}[kind]
        value = table.get(code)
    return None if value is None else round_as(event, value)


def sort_key(event: Event, r: ContestantResult) -> tuple[Any, ...]:
    """Smaller sorts first: −total, then each tie-break (time: shorter first)."""
    key: list[Decimal] = [-r.total]
    for spec in event.ranking.tie_breaks:
        v = tie_value(event, r, spec)
        if spec == "time":
            key.append(INF if v is None else v)
        else:
            key.append(INF if v is None else -v)
    return tuple(key)


def rank(
    event: Event, results: list[ContestantResult], keys: Mapping[str, tuple[Any, ...]] | None = None
) -> tuple[list[ContestantResult], list[list[str]], dict[str, tuple[Any, ...]]]:
    """Results in rank order with `rank` set, the groups that share a rank, and the sort keys
    (pass them back to skip recomputing unchanged contestants' keys)."""
    cache = keys or {}
    new_keys = {r.code: cache.get(r.code) or sort_key(event, r) for r in results}
    keyed = sorted(results, key=lambda r: (new_keys[r.code], r.code))
    out: list[ContestantResult] = []
    groups: list[list[str]] = []
    for _key, same in groupby(keyed, key=lambda r: new_keys[r.code]):
        members = list(same)
        place = len(out) + 1
        for r in members:
            if r.rank != place:
                r.rank = place
        out.extend(members)
        if len(members) > 1:
            groups.append([r.code for r in members])
    return out, groups, new_keys
