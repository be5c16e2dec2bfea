"""Device parser throughput: the ALGE race-day capture replayed through AlgeTimy, against a bare
`bytes.split(b"\\r")` over the same bytes in the same run (this machine is shared and noisy, so only
the ratio travels). A timer dumping its memory after a reconnect sends thousands of records at once;
the parser must keep up without the UI noticing.

Run: `.venv/bin/python -m bench.parsers` (prints the figure as JSON).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CAPTURE = ROOT / "tests" / "data" / "captures" / "alge-tdc8001-race-day.dump"


def _best(fn: Any, rounds: int) -> float:
    """The fastest of `rounds` runs (the least disturbed by other load), in seconds."""
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_parser_throughput(repeat: int = 200, rounds: int = 5) -> dict[str, dict[str, Any]]:
    """Records per second through AlgeTimy vs a bare split, over `repeat` copies of the capture."""
    sys.path.insert(0, str(ROOT))
    from scorer.devices.protocols.alge import AlgeTimy

    records = [r for r in CAPTURE.read_bytes().split(b"\n") if r]
    wire = b"".join(r + b"\r" for r in records) * repeat  # on the wire each record ends with CR
    n = len(records) * repeat

    def parse() -> None:
        events = AlgeTimy().feed(wire, 0.0)
        if len(events) != n:
            raise RuntimeError(f"expected {n} events, got {len(events)}")

    def bare() -> None:
        if len(wire.split(b"\r")) - 1 != n:
            raise RuntimeError("bare split miscounted")

    value = n / _best(parse, rounds)
    baseline = n / _best(bare, rounds)
    return {
        "device_parser_throughput": {
            "value": round(value, 1),
            "unit": "records/s",
            "baseline": round(baseline, 1),
            "ratio": round(value / baseline, 5),
            "target": None,
            "target_on": "ratio",
        }
    }


if __name__ == "__main__":
    print(json.dumps(bench_parser_throughput(), indent=2))
