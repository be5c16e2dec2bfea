"""`make bench`: figures for the issues' targets, each against a baseline measured in the same run.

Writes bench/results.json: {"name": {"value", "unit", "baseline", "ratio", "target", "target_on"}}.
Speed targets live here, never in timed tests: this machine is shared and noisy.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synth import package as synth_package  # noqa: E402
from scorer import package  # noqa: E402
from scorer.store import Store  # noqa: E402
from scorer.store.chain import GENESIS, canonical  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def entry(
    value: float, unit: str, baseline: float | None, target: float | None, target_on: str
) -> dict[str, Any]:
    return {
        "value": round(value, 4),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, 4),
        "ratio": None if not baseline else round(value / baseline, 3),
        "target": target,
        "target_on": target_on,
    }


def bare_insert_commit(path: Path, n: int) -> list[float]:
    """The baseline: a plain sqlite3 INSERT + COMMIT of a similar row, same pragmas."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(
        "CREATE TABLE log (id INTEGER PRIMARY KEY, station TEXT, seq INTEGER, kind TEXT, payload TEXT, actor TEXT,"
        " source TEXT, raw BLOB, time TEXT, prev_hash TEXT, hash TEXT, UNIQUE (station, seq))"
    )
    payload = canonical(
        {"event": "E1", "contestant": "K00001", "aspect": "A1", "judge": "J1", "slot": "", "value": "24.015"}
    )
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO log (station, seq, kind, payload, actor, source, raw, time, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "ST-BENCH",
                i + 1,
                "mark",
                payload,
                "J1",
                "keyboard",
                None,
                "2026-11-24T00:00:00Z",
                GENESIS,
                GENESIS,
            ),
        )
        conn.execute("COMMIT")
        times.append(time.perf_counter() - t0)
    conn.close()
    return times


def bench_mark_append(work: Path, comp: Any, n: int = 1000, rounds: int = 3) -> dict[str, dict[str, Any]]:
    """Interleaved rounds so that both sides see the same disk weather."""
    ours: list[float] = []
    bare: list[float] = []
    store = Store.create(work / "append.scorer")
    store.set_competition(comp, "bench")
    for r in range(rounds):
        bare += bare_insert_commit(work / f"bare{r}.db", n)
        ours += mark_appends_round(store, n, r)
    store.close()
    med, base = statistics.median(ours) * 1000, statistics.median(bare) * 1000
    return {
        "mark_append": entry(med, "ms", base, 1.5, "ratio"),
        "mark_append_p99": entry(p(ours, 0.99) * 1000, "ms", p(bare, 0.99) * 1000, None, "value"),
    }


def mark_appends_round(store: Store, n: int, r: int) -> list[float]:
    values = {0: "24.015", 1: "2", 2: "1.6", 3: "pass"}
    times = []
    for i in range(n):
        contestant = f"K{i % 2000:05d}"
        a = (r * 3 + i // 2000) % 40
        t0 = time.perf_counter()
        store.record_mark(judge="J1", contestant=contestant, aspect=f"A{a}", value=values[a % 4])
        times.append(time.perf_counter() - t0)
    return times


def bench_package_import(work: Path) -> tuple[dict[str, dict[str, Any]], Any]:
    """Import of a 2,000-contestant, 40-aspect package: load + validate + record, in seconds."""
    path = work / "big.json"
    path.write_text(json.dumps(synth_package(2000, 40), ensure_ascii=False, indent=1), encoding="utf-8")
    t0 = time.perf_counter()
    json.loads(path.read_text(encoding="utf-8"))
    parse_only = time.perf_counter() - t0
    best = float("inf")
    comp = None
    for r in range(3):
        t0 = time.perf_counter()
        comp = package.load(path)
        with Store.create(work / f"import{r}.scorer") as store:
            store.set_competition(comp, "bench")
        best = min(best, time.perf_counter() - t0)
    return {"package_import": entry(best, "s", parse_only, None, "value")}, comp


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="scorer-bench-", dir=ROOT / "bench"))
    results: dict[str, dict[str, Any]] = {}
    try:
        figures, comp = bench_package_import(work)
        results.update(figures)
        results.update(bench_mark_append(work, comp))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    old.update(results)
    RESULTS.write_text(json.dumps(old, indent=2, ensure_ascii=False) + "\n")
    for name, e in results.items():
        target = f"target {e['target']} on {e['target_on']}" if e["target"] is not None else ""
        print(
            f"{name:22s} {e['value']:>10} {e['unit']:3s} baseline {e['baseline']} ratio {e['ratio']} {target}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
