"""Keystroke → durable: how long a judge's Enter takes to become a committed mark in a live ranking.

    .venv/bin/python -m bench.keystroke [n]

What is timed, precisely: for each entry the value's characters are typed into the real
ScoreEntryWidget (offscreen) as key events (QTest.keyClicks, untimed); the clock starts just before
the Return key event is sent (QTest.keyClick) and stops inside the first `AppContext.saved` slot
for that mark, after checking that

* the store's append has returned (the row is COMMITted, WAL + synchronous=FULL), and
* `ctx.session.live.results(event)` is current: it holds the contestant's new aspect score
  (status "ok") — the live ranking was re-ranked with the mark before the signal fired.

Inside the interval: validation, the store call, the incremental re-rank, and the slots connected
to `saved` before the benchmark's (the grid model's one-cell dataChanged, the history panel).
Outside: moving the cursor and painting (the event loop runs between entries, untimed). The event:
2,000 contestants × 40 aspects (bench/synth.py), judge J1 assigned "*"; entries go down the first
aspect column (a tolerance measurement) with varied values so the ranking really changes; the live
results are computed once before timing, as the ranking window would have done. Ten untimed
warm-up entries come first. QTest types at machine speed, so these marks are logged as
"device-wedge": the same path as "keyboard".

The baseline is the p99 of a bare durable commit (bench/baseline.py: one INSERT + COMMIT with the
same pragmas, in the same directory), one after each entry, untimed for the entry: the disk's own
p99 in the same minute, so the ratio says what the Enter path adds on any machine.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.baseline import BareLog
from bench.figures import figure, percentile

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WARMUP = 10
RATIO_TARGET = 3.0  # p99 of Enter → durable + current, over the p99 of a bare durable commit
VALUES = ("24.01", "24.015", "24.005", "24.02", "24.03", "24.012", "24.0", "24.025")


def bench_keystroke(n: int = 1000, details: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Time n Enter keys in a 2,000-contestant event; the p99 and median in ms (see module doc).

    `details`, if given, receives the breakdown: the part of each interval spent re-ranking the
    live results (LiveResults.touched) and the rest (widget, validation, store commit)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from bench.synth import package as synth_package
    from scorer import package
    from scorer.store import Store
    from ui.context import AppContext
    from ui.windows.score_entry import ScoreEntryWidget

    if not 0 < n <= 2000 - WARMUP:
        raise ValueError(f"n must be 1..{2000 - WARMUP}: one column of 2,000 contestants")
    app = QApplication.instance() or QApplication([])
    work = Path(tempfile.mkdtemp(prefix="scorer-keystroke-"))
    # The user's own "entry/advance" preference must not steer the benchmark.
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings().setValue("entry/advance", "down")  # down the first column, as always measured
    store = Store.create(work / "keystroke.scorer", "bench")
    widget = None
    times: list[float] = []
    rerank: list[float] = []
    bare: list[float] = []
    floor = BareLog(work / "bare.db")
    try:
        comp = package.from_data(synth_package(2000, 40), "keystroke.json")
        store.set_competition(comp, "bench")
        judge = next(j for j in comp.judges if j.code == "J1")
        ctx = AppContext(store, judge)
        event = comp.events[0].code
        live = ctx.session.live
        live.results(event)  # the live ranking exists before the first Enter

        widget = ScoreEntryWidget(ctx)
        widget.resize(1200, 800)
        widget.show()
        widget.activateWindow()
        app.processEvents()
        grid = widget.grid
        aspect = widget.model.aspect_at(grid.currentIndex().column())
        assert aspect is not None

        stops: dict[str, float] = {}
        touched_time: list[float] = [0.0]
        touched = live.touched

        def timed_touched(ev: str, contestant: str) -> Any:
            t0 = time.perf_counter()
            try:
                return touched(ev, contestant)
            finally:
                touched_time[0] = time.perf_counter() - t0

        live.touched = timed_touched  # type: ignore[method-assign]

        def on_saved(ev: str, contestant: str, log_id: int) -> None:
            if contestant in stops:
                return
            result = live.results(ev)
            mine = next(r for r in result.results if r.code == contestant)
            if mine.aspects[aspect.code].status == "ok":
                stops[contestant] = time.perf_counter()

        ctx.saved.connect(on_saved)
        for i in range(n + WARMUP):
            index = grid.currentIndex()
            contestant = widget.model.contestant_at(index.row())
            assert contestant is not None
            QTest.keyClicks(QApplication.focusWidget() or grid, VALUES[i % len(VALUES)])
            target = QApplication.focusWidget() or grid
            start = time.perf_counter()
            QTest.keyClick(target, Qt.Key.Key_Return)
            stop = stops.get(contestant.code)
            if stop is None:
                raise RuntimeError(f"entry {i} ({contestant.code}) was not saved: {widget.reason.text()}")
            if i >= WARMUP:
                times.append((stop - start) * 1000)
                rerank.append(touched_time[0] * 1000)
            app.processEvents()  # repaint and tidy up between entries, as the event loop would
            if i >= WARMUP:
                bare.append(floor.commit() * 1000)
        saved = sum(1 for m in store.marks(event) if m.aspect == aspect.code)
        if saved != n + WARMUP:
            raise RuntimeError(f"{saved} marks in the store, expected {n + WARMUP}")
    finally:
        if widget is not None:
            widget.close()
            widget.deleteLater()
            app.processEvents()
        store.close()
        floor.close()
        shutil.rmtree(work, ignore_errors=True)
    if details is not None:
        rest = [t - r for t, r in zip(times, rerank, strict=True)]
        details.update(
            {
                "rerank_median_ms": round(statistics.median(rerank), 4),
                "rerank_p99_ms": round(percentile(rerank, 0.99), 4),
                "other_median_ms": round(statistics.median(rest), 4),
                "other_p99_ms": round(percentile(rest, 0.99), 4),
            }
        )
    p99, base = percentile(times, 0.99), percentile(bare, 0.99)
    return {
        "ui_keystroke_to_durable_p99": figure(p99, "ms", base, RATIO_TARGET, "ratio"),
        "ui_keystroke_to_durable_p99_ms": figure(p99, "ms", base, 10.0, "value"),
        "ui_keystroke_to_durable_median": figure(
            statistics.median(times), "ms", statistics.median(bare), None, "value"
        ),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    details: dict[str, Any] = {}
    results = bench_keystroke(int(args[0]) if args else 1000, details)
    for name, e in results.items():
        target = f"target {e['target']} on {e['target_on']}" if e["target"] is not None else ""
        print(
            f"{name:32s} {e['value']:>10} {e['unit']:3s} baseline {e['baseline']} ratio {e['ratio']} {target}"
        )
    for name, value in details.items():
        print(f"  {name:30s} {value:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
