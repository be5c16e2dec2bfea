"""The application shell: log-in dialog, role tabs, import problems table, no-display message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from scorer import access
from scorer.demo import ensure_demo
from scorer.errors import ImportRejected
from scorer.store import Store
from tests.conftest import MINI
from ui.context import AppContext
from ui.windows.login import LoginDialog
from ui.windows.main_window import MainWindow
from ui.windows.start import ImportErrorsDialog, import_into


def tab_names(window: MainWindow) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def test_coordinator_sees_set_up_and_overview(qtbot):
    """The coordinator's window lists the demo's events and each event's contestants (with names)."""
    store = Store.open(ensure_demo())
    try:
        window = MainWindow(AppContext(store, access.login(store, "COORD", "8888")))
        qtbot.addWidget(window)
        assert tab_names(window) == ["竞赛概况", "打印中心", "进度与检查", "实时排名", "审计日志", "同步"]
        window.tabs.setCurrentIndex(0)
        overview = window.tabs.widget(0)
        assert overview.events.count() == 3 and "数控车工" in overview.events.item(0).text()
        code = overview.events.item(0).data(Qt.ItemDataRole.UserRole)
        expected = [x.code for x in store.competition.contestants if x.event == code]
        model = overview.model
        assert [model.index(r, 0).data() for r in range(model.rowCount())] == expected
        assert window.import_action.isEnabled()
    finally:
        store.close()


def test_each_role_gets_its_own_tabs(qtbot, tmp_path):
    store = Store.create(tmp_path / "roles.scorer")
    from scorer import package

    store.set_competition(package.load(MINI), "C1")
    try:
        expected = {
            ("J1", "1111"): ["评分录入", "设备"],
            ("L1", "5555"): ["纸质评分表录入"],
            ("K1", "9999"): ["评分录入", "设备", "进度与检查", "实时排名", "锁定与签字", "审计日志"],
            ("E1", "7777"): ["解密"],
        }
        for (code, pin), tabs in expected.items():
            window = MainWindow(AppContext(store, access.login(store, code, pin)))
            qtbot.addWidget(window)
            assert tab_names(window) == tabs, code
            assert not window.import_action.isEnabled()
    finally:
        store.close()


def test_login_dialog_by_keyboard_and_lockout(qtbot, tmp_path):
    """Type the PIN, press Enter: logged in. Five wrong PINs: locked out, with the reason shown."""
    from scorer import package

    store = Store.create(tmp_path / "login.scorer")
    store.set_competition(package.load(MINI), "C1")
    try:
        dialog = LoginDialog(store)
        qtbot.addWidget(dialog)
        dialog.who.setCurrentIndex(dialog.who.findData("J1"))
        qtbot.keyClicks(dialog.pin, "1111")
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
        assert dialog.judge is not None and dialog.judge.code == "J1"

        dialog = LoginDialog(store)
        qtbot.addWidget(dialog)
        dialog.who.setCurrentIndex(dialog.who.findData("J2"))
        for _ in range(5):
            qtbot.keyClicks(dialog.pin, "0000")
            qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
        assert dialog.judge is None
        assert "已被锁定" in dialog.message.text()
        qtbot.keyClicks(dialog.pin, "2222")
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
        assert dialog.judge is None and "锁定" in dialog.message.text()
    finally:
        store.close()


def test_import_problems_are_a_table(qtbot, tmp_path):
    """A refused package shows each problem on its own row, and the file is unchanged."""
    data = json.loads(MINI.read_text(encoding="utf-8"))
    data["contestants"][1]["reg_no"] = "R001"
    data["contestants"][2]["event"] = "NOPE"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    store = Store.create(tmp_path / "imp.scorer")
    try:
        error = import_into(store, bad, show=False)
        assert isinstance(error, ImportRejected)
        dialog = ImportErrorsDialog(error)
        qtbot.addWidget(dialog)
        rows = dialog.table.rowCount()
        assert rows == len(error.problems) >= 3
        texts = [dialog.table.item(r, 1).text() for r in range(rows)]
        assert any("重复" in t for t in texts) and any("NOPE" in t for t in texts)
        assert store.competition is None
        assert import_into(store, MINI, show=False) is None and store.competition is not None
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
