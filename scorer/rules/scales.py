"""A configurable standardisation of totals, e.g. 700 + 30 · (raw − median) / (1.4826 · MAD).

Offered as a scheme choice (centre, spread measure, points per spread, centre points); it is not
the official WorldSkills formula, which is not public."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from scorer.model import Scale
from scorer.rules.results import ContestantResult

MAD_NORMAL = Decimal("1.4826")


def median(values: list[Decimal]) -> Decimal:
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def centre_and_spread(scale: Scale, values: list[Decimal]) -> tuple[Decimal, Decimal]:
    centre = median(values) if scale.centre == "median" else sum(values, Decimal(0)) / len(values)
    if scale.spread == "sd":
        mean = sum(values, Decimal(0)) / len(values)
        spread = (sum(((v - mean) ** 2 for v in values), Decimal(0)) / len(values)).sqrt()
    else:
        spread = median([abs(v - median(values)) for v in values])
        if scale.spread == "mad_normal":
            spread *= MAD_NORMAL
    return centre, spread


def standardise(scale: Scale, ranked: list[ContestantResult]) -> list[ContestantResult]:
    if not ranked:
        return ranked
    centre, spread = centre_and_spread(scale, [r.total for r in ranked])
    q = Decimal(1).scaleb(-scale.decimals)
    for r in ranked:
        z = (r.total - centre) / spread if spread else Decimal(0)
        r.scaled = (scale.centre_points + scale.points_per_spread * z).quantize(q, ROUND_HALF_UP)
    return ranked
