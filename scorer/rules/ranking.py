"""Ranking: higher total first, then the scheme's ordered tie-breaks; standard competition ranking
(1, 2, 2, 4) when every tie-break is equal. Values are compared as the scheme rounds them, so two
totals that print as 85.50 are equal here too."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from decimal import Decimal
from itertools import groupby
from typing import Any

from scorer.model import Event
from scorer.rules.results import ContestantResult
from scorer.rules.rounding import round_as

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


def reposition(
    ranked: list[ContestantResult],
    keys: Mapping[str, tuple[Any, ...]],
    old: int | None,
    fresh: ContestantResult,
    end: int | None = None,
) -> tuple[int, int]:
    """Move one contestant in an already ranked list (in place): take out the entry at position
    `old` (None: it was not ranked), put `fresh` where its key (in `keys`) sorts, and set the
    ranks that this changes. The ranked part is `ranked[:end]` (all by default; unranked results
    may follow). Returns the half-open range of positions whose rank was rewritten.

    Only the stretch between the old and the new position (and the tie groups at its ends) can
    change rank, so one mark costs O(log N + contestants overtaken), not a sort of the field."""
    n = len(ranked) if end is None else end
    if old is not None:
        del ranked[old]
        n -= 1
    key = keys[fresh.code]
    new = bisect_left(ranked, (key, fresh.code), 0, n, key=lambda r: (keys[r.code], r.code))
    ranked.insert(new, fresh)
    n += 1
    fresh.rank = None  # always rewritten below
    lo = new if old is None else min(old, new)
    hi = new if old is None else max(old, new)
    place = ranked[lo - 1].rank if lo else 0
    previous = keys[ranked[lo - 1].code] if lo else None
    i = lo
    while i < n:
        r = ranked[i]
        k = keys[r.code]
        if i == 0 or k != previous:
            if i > hi and r.rank == i + 1:
                break  # a group starts where it did before: nothing after it moved
            place = i + 1
        if r.rank != place:
            r.rank = place
        previous = k
        i += 1
    return lo, i
