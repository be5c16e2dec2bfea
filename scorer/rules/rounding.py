"""The scheme's rounding, in one place: totals, tie-break comparisons, explanations and the results
JSON must all round the same way, or two values that print alike could compare differently."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal

from scorer.model import Event

MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN, "up": ROUND_UP}


def quantum(event: Event) -> Decimal:
    """The step of the scheme's decimals: 0.01 for two."""
    return Decimal(1).scaleb(-event.rounding.decimals)


def round_as(event: Event, value: Decimal) -> Decimal:
    """`value` rounded as the event's scheme says (decimals and mode, 四舍五入 by default)."""
    return value.quantize(quantum(event), rounding=MODES[event.rounding.mode])
