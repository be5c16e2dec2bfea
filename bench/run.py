"""`make bench`: figures for the issues' targets, each against a baseline measured in the same run.

Writes bench/results.json: {"name": {"value", "unit", "baseline", "ratio", "target", "target_on"}}.
Speed targets live here, never in timed tests: this machine is shared and noisy.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.figures import figure, percentile  # noqa: E402
from bench.synth import package as synth_package  # noqa: E402
from scorer import package  # noqa: E402
from scorer.store import Store  # noqa: E402
from scorer.store.chain import GENESIS, canonical  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"


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
        "mark_append": figure(med, "ms", base, 1.5, "ratio"),
        "mark_append_p99": figure(
            percentile(ours, 0.99) * 1000, "ms", percentile(bare, 0.99) * 1000, None, "value"
        ),
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
    best = float("inf")
    comp = None
    for r in range(3):
        t0 = time.perf_counter()
        comp = package.load(path)
        with Store.create(work / f"import{r}.scorer") as store:
            store.set_competition(comp, "bench")
        best = min(best, time.perf_counter() - t0)
    return {"package_import": figure(best, "s", None, None, "value")}, comp


def bench_rules(work: Path) -> dict[str, dict[str, Any]]:
    """Full compute of 2,000 contestants × 40 judgement aspects × 3 judges (240,000 marks) against
    reading those marks from the store; then one new mark → results current again."""
    import random

    from scorer.rules import EventRules

    comp = package.from_data(synth_package(2000, 40, all_judged=True), "rules.json")
    rng = random.Random(7)
    store = Store.create(work / "rules.scorer")
    store.set_competition(comp, "bench")
    batch = []
    for c in comp.contestants[:-1]:  # the last one gets a mark in the incremental part
        for a in range(40):
            base = rng.randint(1, 3)
            for j in ("J1", "J2", "J3"):
                batch.append(
                    {
                        "judge": j,
                        "contestant": c.code,
                        "aspect": f"A{a}",
                        "value": str(base - rng.randint(0, 1)),
                    }
                )
        if len(batch) >= 24000:
            store.record_marks(batch)
            batch = []
    store.record_marks(batch)
    event = comp.events[0]
    reads, computes = [], []
    result = None
    for _ in range(3):
        t0 = time.perf_counter()
        marks, entered_by = store.event_marks(event.code)
        reads.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        result = EventRules(event).compute(comp.contestants, marks, {}, comp.judges, entered_by)
        computes.append(time.perf_counter() - t0)
    assert result is not None
    rules = EventRules(event)
    result = rules.compute(comp.contestants, marks, {}, comp.judges, entered_by)
    entrants = list(comp.contestants)
    last = comp.contestants[-1].code
    incremental = []
    for a in range(40):
        for j in ("J1", "J2", "J3"):
            store.record_mark(judge=j, contestant=last, aspect=f"A{a}", value=str(rng.randint(1, 3)))
            t0 = time.perf_counter()
            mine = store.contestant_marks(last)
            result = rules.rescore(result, last, mine, entrants)
            incremental.append(time.perf_counter() - t0)
    store.close()
    read, compute = min(reads), min(computes)
    return {
        "rules_compute_full": figure(compute * 1000, "ms", read * 1000, 1.0, "ratio"),
        "rules_incremental": figure(statistics.median(incremental) * 1000, "ms", None, 5.0, "value"),
    }


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="scorer-bench-", dir=ROOT / "bench"))
    results: dict[str, dict[str, Any]] = {}
    try:
        figures, comp = bench_package_import(work)
        results.update(figures)
        results.update(bench_mark_append(work, comp))
        results.update(bench_rules(work))
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from bench.device_latency import bench_device_latency
        from bench.keystroke import bench_keystroke
        from bench.parsers import bench_parser_throughput

        results.update(bench_keystroke())
        results.update(bench_parser_throughput())
        results.update(bench_device_latency())
        from bench.certificates import bench_certificates
        from bench.pdfs import bench_results_list

        results.update(bench_results_list())
        results.update(bench_certificates())
        # in a fresh small process: a child's peak memory includes its parent's at fork time
        out = subprocess.run(
            [sys.executable, "-m", "bench.startup", "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        results.update(json.loads(out.stdout.strip().splitlines()[-1]))
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
