"""Cold start: process start → an interactive main window, for a 2,000-contestant competition,
against a bare PySide6 window in the same run; and the app's peak memory (max RSS).

Run it in a small process of its own (bench/run.py does): a child's peak RSS counts the memory of the
parent it was forked from. Each figure is the median of several runs of a fresh process (offscreen Qt); `--quit-when-shown`
quits from the event loop once the window is shown, so the process lifetime is the start-up.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1200, 760); w.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{cmd} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024


def bench_startup(runs: int = 5) -> dict[str, dict[str, Any]]:
    sys.path.insert(0, str(ROOT))
    from bench.synth import package as synth_package
    from scorer import package
    from scorer.store import Store

    work = Path(tempfile.mkdtemp(prefix="scorer-start-", dir=ROOT / "bench"))
    db = work / "big.scorer"
    with Store.create(db) as store:
        store.set_competition(package.from_data(synth_package(2000, 40), "big.json"), "bench")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "SCORER_DATA_DIR": str(work),
        "PYTHONPATH": str(ROOT),
    }
    app_cmd = [sys.executable, "-m", "ui.app", str(db), "--judge", "J1", "--pin", "1001", "--quit-when-shown"]
    bare_cmd = [sys.executable, "-c", BARE]
    bare_t, app_t, app_mem, bare_mem = [], [], [], []
    run(bare_cmd, env)  # warm the file cache for both
    run(app_cmd, env)
    for _ in range(runs):
        t, m = run(bare_cmd, env)
        bare_t.append(t)
        bare_mem.append(m)
        t, m = run(app_cmd, env)
        app_t.append(t)
        app_mem.append(m)
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    app, bare = statistics.median(app_t), statistics.median(bare_t)
    return {
        "ui_cold_start": {
            "value": round(app * 1000, 1),
            "unit": "ms",
            "baseline": round(bare * 1000, 1),
            "ratio": round(app / bare, 3),
            "target": 3.0,
            "target_on": "ratio",
        },
        "ui_peak_memory": {
            "value": round(max(app_mem), 1),
            "unit": "MB",
            "baseline": round(max(bare_mem), 1),
            "ratio": round(max(app_mem) / max(bare_mem), 3),
            "target": 300.0,
            "target_on": "value",
        },
    }


if __name__ == "__main__":
    import json

    figures = bench_startup()
    if "--json" in sys.argv:
        print(json.dumps(figures))
    else:
        for name, entry in figures.items():
            print(name, entry)
