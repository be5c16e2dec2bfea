"""Crash safety: SIGKILL at random moments never loses a mark the program said was saved."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scorer import package
from scorer.store import Store
from scorer.store.verify import verify

TRIALS = 24


def big_package(n: int) -> dict:
    return {
        "format": "scorer-competition",
        "format_version": 1,
        "competition": {"id": "crash", "name": "断电测试"},
        "events": [
            {
                "code": "E",
                "name": "理论",
                "components": [
                    {
                        "code": "T",
                        "name": "理论",
                        "max_mark": "100",
                        "criteria": [
                            {
                                "code": "X",
                                "name": "笔试",
                                "sub_criteria": [
                                    {
                                        "code": "X0",
                                        "name": "试卷",
                                        "aspects": [
                                            {
                                                "code": "X1",
                                                "name": "成绩",
                                                "type": "exam",
                                                "max_mark": "100",
                                                "rule": {"out_of": "100"},
                                            }
                                        ],
                                    }
                                ],
                            }
                        ],
                    }
                ],
            }
        ],
        "contestants": [
            {"reg_no": f"R{i:05d}", "name": f"选手{i}", "event": "E", "code": f"K{i:05d}"} for i in range(n)
        ],
        "judges": [
            {"code": "J1", "name": "裁判", "role": "judge", "assignments": [{"event": "E", "scope": ["*"]}]}
        ],
    }


@pytest.mark.slow
def test_sigkill_never_loses_a_saved_mark(tmp_path: Path):
    """≥ 20 kills at random moments: integrity ok, chain verifies, every printed id is present."""
    db = tmp_path / "crash.scorer"
    with Store.create(db) as store:
        store.set_competition(package.from_data(big_package(20000), "crash.json"), "C1")
    rng = random.Random(20261124)
    child = Path(__file__).with_name("crash_child.py")
    promised: set[int] = set()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    for _trial in range(TRIALS):
        proc = subprocess.Popen(
            [sys.executable, str(child), str(db)], stdout=subprocess.PIPE, text=True, env=env
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # the child is up and writing
        assert first, "child printed nothing"
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()
        proc.wait()
        for line in [first, *rest.splitlines()]:
            if line.strip():
                promised.add(int(line.split()[1]))

        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = {r[0] for r in conn.execute("SELECT id FROM log")}
        conn.close()
        assert promised <= ids, f"lost: {sorted(promised - ids)[:5]}"
        report = verify(db)
        assert report.ok, [p.message("en") for p in report.problems]
    assert len(promised) > TRIALS * 3
    # the file still takes marks after all that
    with Store.open(db) as store:
        store.record_mark(judge="J1", contestant="K19999", aspect="X1", value="50")
    assert verify(db).ok
