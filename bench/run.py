"""`make bench`: figures for the issues' targets, each against a baseline measured in the same run.

Writes bench/results.json: {"name": {"value", "unit", "baseline", "ratio", "target", "target_on"}}.
`bench/run.py mark_append rules ui_keystroke` runs only those benches (see BENCHES) and updates
only their figures.
Speed targets live here, never in timed tests: this machine is shared and noisy.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.baseline import BareLog  # noqa: E402
from bench.figures import figure, percentile  # noqa: E402
from bench.synth import package as synth_package  # noqa: E402
from scorer import package  # noqa: E402
from scorer.store import Store  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"


def bare_insert_commit(path: Path, n: int) -> list[float]:
    """The baseline: a plain sqlite3 INSERT + COMMIT of a similar row, same pragmas."""
    bare = BareLog(path)
    try:
        return [bare.commit() for _ in range(n)]
    finally:
        bare.close()


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
    incremental, scratch = [], []
    for a in range(40):
        for j in ("J1", "J2", "J3"):
            store.record_mark(judge=j, contestant=last, aspect=f"A{a}", value=str(rng.randint(1, 3)))
            # Interleaved, alternating which goes first: both see the same scorer memos and caches.
            for side in (0, 1) if len(incremental) % 2 else (1, 0):
                t0 = time.perf_counter()
                mine = store.contestant_marks(last)
                if side == 0:
                    result = rules.rescore(result, last, mine, entrants)
                    incremental.append(time.perf_counter() - t0)
                else:
                    rules.score(last, mine)
                    scratch.append(time.perf_counter() - t0)
    store.close()
    read, compute = min(reads), min(computes)
    inc, one = statistics.median(incremental) * 1000, statistics.median(scratch) * 1000
    return {
        "rules_compute_full": figure(compute * 1000, "ms", read * 1000, 1.0, "ratio"),
        # one mark → results current again, against reading and scoring that one contestant from
        # scratch: what re-ranking 2,000 contestants adds (it should touch only whom it passes)
        "rules_incremental": figure(inc, "ms", one, 3.0, "ratio"),
        "rules_incremental_ms": figure(inc, "ms", one, 5.0, "value"),
    }


BENCHES = (
    "package_import",
    "mark_append",
    "rules",
    "ui_keystroke",
    "device_parser",
    "device_latency",
    "results_list",
    "certificates",
    "ui_startup",
    "sync_push",
    "sync_resume",
    "hq_ingest",
    "hq_cross_venue",
    "hq_page",
)


def selected(argv: list[str]) -> set[str]:
    """Which benches to run: all, or those named on the command line (a name's prefix also
    selects it, so `rules_incremental` runs `rules`); results.json keeps the others' figures."""
    if not argv:
        return set(BENCHES)
    chosen = {b for b in BENCHES for a in argv if a.startswith(b) or b.startswith(a)}
    unknown = [a for a in argv if not any(a.startswith(b) or b.startswith(a) for b in BENCHES)]
    if unknown:
        raise SystemExit(f"unknown bench {', '.join(unknown)}; choose from: {' '.join(BENCHES)}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    """`bench/run.py [bench …]`: run every bench, or only the named ones."""
    only = selected(sys.argv[1:] if argv is None else argv)
    work = Path(tempfile.mkdtemp(prefix="scorer-bench-", dir=ROOT / "bench"))
    results: dict[str, dict[str, Any]] = {}
    try:
        if "package_import" in only or "mark_append" in only:
            figures, comp = bench_package_import(work)
            if "package_import" in only:
                results.update(figures)
            if "mark_append" in only:
                results.update(bench_mark_append(work, comp))
        if "rules" in only:
            results.update(bench_rules(work))
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        if "ui_keystroke" in only:
            from bench.keystroke import bench_keystroke

            results.update(bench_keystroke())
        if "device_parser" in only:
            from bench.parsers import bench_parser_throughput

            results.update(bench_parser_throughput())
        if "device_latency" in only:
            from bench.device_latency import bench_device_latency

            results.update(bench_device_latency())
        if "results_list" in only:
            from bench.pdfs import bench_results_list

            results.update(bench_results_list())
        if "certificates" in only:
            from bench.certificates import bench_certificates

            results.update(bench_certificates())
        if only & {"sync_push", "sync_resume", "hq_ingest"}:
            from bench.sync import run as run_sync

            results.update(run_sync(work, only))
        if "hq_cross_venue" in only:
            from bench.crossvenue import bench_cross_venue_rank

            results.update(bench_cross_venue_rank(work))
        if "hq_page" in only:
            from bench.hqpages import bench_hq_page_p95

            results.update(bench_hq_page_p95(work))
        if "ui_startup" in only:
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
