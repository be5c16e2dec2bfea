"""Awards and titles from places, as the scheme declares them.

- basis "ratio": each tier takes ratio × N contestants (N = ranked contestants), rounded as the
  scheme says (half_up, down, up), in tier order: 10% / 20% / 30% → 一等奖 / 二等奖 / 三等奖.
- basis "place": each tier takes `places` contestants in order (gold 1, silver 1, bronze 1); a tier
  with a ratio instead reaches down to ratio × N overall (优胜奖: the rest of the top half).
- basis "threshold": the first tier whose threshold the total reaches.
Tied contestants share a rank and therefore an award. Titles go to the top k places.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from scorer.model import Awards, Event
from scorer.rules.results import ContestantResult

_ROUND = {"half_up": ROUND_HALF_UP, "down": ROUND_DOWN, "up": ROUND_UP}


def tier_counts(awards: Awards, n: int) -> list[tuple[str, int]]:
    """Cumulative place bounds per tier: [(name, last place that gets it), …]."""
    mode = _ROUND[awards.rounding]
    bounds: list[tuple[str, int]] = []
    reached = 0
    for tier in awards.tiers:
        if awards.basis == "ratio" and tier.ratio is not None:
            reached += int((tier.ratio * n).quantize(Decimal(1), rounding=mode))
        elif awards.basis == "place" and tier.places is not None:
            reached += tier.places
        elif awards.basis == "place" and tier.ratio is not None:
            reached = max(reached, int((tier.ratio * n).quantize(Decimal(1), rounding=mode)))
        bounds.append((tier.name, min(reached, n)))
    return bounds


def assign_awards(
    event: Event, ranked: list[ContestantResult], start: int = 0, stop: int | None = None
) -> list[ContestantResult]:
    """Set award and title of `ranked[start:stop]` (all by default) from their places; the bounds
    come from the whole field. Tied contestants share a rank, so each place is worked out once."""
    awards = event.awards
    threshold = awards.basis == "threshold"
    bounds = tier_counts(awards, len(ranked)) if not threshold else []
    titles = [(t.top, t.name) for t in event.titles]
    last_rank: int | None = -1
    award = title = ""
    for r in ranked[start:stop]:
        if r.rank != last_rank:
            last_rank = r.rank
            award = "" if r.rank is None else next((name for name, last in bounds if r.rank <= last), "")
            title = "" if r.rank is None else "、".join(name for top, name in titles if r.rank <= top)
        if threshold:
            award = next(
                (t.name for t in awards.tiers if t.threshold is not None and r.total >= t.threshold), ""
            )
        if r.award != award:
            r.award = award
        if r.title != title:
            r.title = title
    return ranked
