"""The application's first window, and its one-line refusal without a display."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from scorer.demo import ensure_demo
from scorer.store import Store
from ui.windows.main_window import MainWindow


def test_main_window_lists_events_and_contestants(qtbot):
    """The demo opens with its events listed and the first event's contestants in the table."""
    path = ensure_demo()
    store = Store.open(path)
    try:
        window = MainWindow(store)
        qtbot.addWidget(window)
        window.show()
        assert window.events.count() == 3
        assert "数控车工" in window.events.item(0).text()
        first_event = window.events.item(0).data(Qt.ItemDataRole.UserRole)
        expected = [x.code for x in store.competition.contestants if x.event == first_event]
        model = window.model
        assert model.rowCount() == len(expected)
        assert [model.index(r, 0).data() for r in range(model.rowCount())] == expected
        window.events.setCurrentRow(2)
        assert model.rowCount() == sum(1 for x in store.competition.contestants if x.event == "WELD")
        assert "名选手" in window.status.text()
    finally:
        store.close()


def test_demo_is_created_once_and_verifies(tmp_path):
    from scorer.store.verify import verify

    path = ensure_demo(tmp_path / "demo.scorer")
    assert verify(path).ok
    mtime = path.stat().st_mtime_ns
    assert ensure_demo(path) == path and path.stat().st_mtime_ns == mtime


def test_no_display_is_one_clear_line(tmp_path):
    """Without a display the app says so in one line and mentions xvfb-run; no traceback."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    r = subprocess.run(
        [sys.executable, "-m", "ui.app"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).parents[1],
        timeout=60,
    )
    assert r.returncode == 1
    assert len(r.stderr.strip().splitlines()) == 1
    assert "xvfb-run make run" in r.stderr and "Traceback" not in r.stderr
