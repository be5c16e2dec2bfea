"""One shape for every figure in bench/results.json, and the percentile the benches share."""

from __future__ import annotations

from typing import Any


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def figure(
    value: float,
    unit: str,
    baseline: float | None = None,
    target: float | None = None,
    target_on: str = "value",
) -> dict[str, Any]:
    """{"value", "unit", "baseline", "ratio", "target", "target_on"}: ratio = value / baseline."""
    return {
        "value": round(value, 4),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, 4),
        "ratio": None if not baseline else round(value / baseline, 3),
        "target": target,
        "target_on": target_on,
    }
