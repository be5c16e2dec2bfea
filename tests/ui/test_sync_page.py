"""The sync page (同步) and the main window's automatic pushes, against a real headquarters
(`scorer hq serve` as a child process on 127.0.0.1, SQLite in a temporary data folder): enrolment by
the form, push now, a judge saving during a push, headquarters down then up, USB export and receipt
import, a wrong code, and closing the window while a push runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from scorer.store import Entry, Store
from scorer.sync import http, state
from tests.sync.harness import HQ, cli_json, enrolled
from ui import i18n
from ui.context import AppContext
from ui.windows.main_window import MainWindow
from ui.windows.sync import SyncWidget
from ui.workers.sync import SyncService

WAIT = 15_000  # ms: a generous bound for a real server on a busy 2-core machine; not a speed target


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQ]:
    server = HQ(tmp_path / "hq").start()
    yield server
    server.stop()


@pytest.fixture
def window_for(qtbot, ui_store: Store, tmp_path: Path) -> Iterator[Callable[[str], MainWindow]]:
    """window_for("C1") → the main window logged in as that judge, shown; closed after the test."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    made: list[MainWindow] = []

    def make(code: str) -> MainWindow:
        judge = next(j for j in ui_store.competition.judges if j.code == code)
        w = MainWindow(AppContext(ui_store, judge))
        qtbot.addWidget(w)
        w.show()
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()
    assert all(job.isFinished() for job in SyncService._running), "a sync thread outlived its window"
    i18n.install(QApplication.instance(), "zh_CN")


def sync_page(qtbot, w: MainWindow) -> SyncWidget:
    """Open the 同步 tab by clicking it, as a user does; its page once it has read the file."""
    bar = w.tabs.tabBar()
    index = next(i for i in range(w.tabs.count()) if w.tabs.tabText(i) in ("同步", "Sync"))
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    page = w.tabs.currentWidget().view
    assert isinstance(page, SyncWidget)
    qtbot.waitUntil(lambda: page.service.snapshot is not None and page.service.busy is None, timeout=WAIT)
    return page


def mine(page: SyncWidget):
    """This laptop's station line: (text, state)."""
    station = page.service.snapshot.station
    label = page.findChild(type(page.hq_info), f"feed_{station}")
    return label.text(), label.property("state")


def held(hq: HQ, store: Store) -> int:
    """What headquarters holds of this laptop's feed, by its own API."""
    with http.Client(hq.url) as c:
        return int(c.feed(store.db_id, store.station.id)["count"])


def count(store: Store) -> int:
    return int(
        store.conn.execute("SELECT count(*) FROM log WHERE station = ?", (store.station.id,)).fetchone()[0]
    )


def more_rows(store: Store, n: int) -> None:
    """A longer feed for the push to work through (log-in rows, one transaction)."""
    store.append_many([Entry("auth.login", {"judge": "J1"}, "J1", "keyboard") for _ in range(n)])


def test_enrol_by_the_form_then_push_now(qtbot, window_for, hq, ui_store, monkeypatch):
    monkeypatch.setenv("SCORER_SYNC_INTERVAL", "3600")
    page = sync_page(qtbot, window_for("C1"))
    text, st = mine(page)
    assert st == "not enrolled" and "尚未在总部登记" in text
    assert page.form.isVisible() and not page.change_hq.isVisible()

    code = hq.code("浦东赛场")["code"]
    qtbot.keyClicks(page.url, hq.url)
    qtbot.keyClicks(page.code, code.lower())  # typed as it comes: case does not matter
    qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已登记" in page.enrol_result.text(), timeout=WAIT)
    assert hq.url in page.hq_info.text() and "浦东赛场" in page.hq_info.text()
    assert not page.form.isVisible() and page.change_hq.isVisible()
    text, st = mine(page)
    assert st == "behind" and "总部尚未确认任何记录" in text

    more_rows(ui_store, 40)
    n = count(ui_store)
    qtbot.waitUntil(lambda: page.push_button.isEnabled(), timeout=WAIT)
    qtbot.mouseClick(page.push_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "指纹一致" in page.message.text(), timeout=WAIT)
    assert f"总部已收到 {n}/{n} 条记录，指纹一致" in page.message.text()
    text, st = mine(page)
    assert st == "synced" and f"总部已收到 {n}/{n} 条记录，指纹一致" in text
    assert "#1b7f3b" in page.findChild(type(page.hq_info), f"feed_{ui_store.station.id}").styleSheet()
    assert held(hq, ui_store) == n


def test_a_judge_saves_marks_while_a_push_runs(qtbot, window_for, hq, ui_store, monkeypatch):
    """Auto-push runs for a judge too (no sync tab): a save during it returns durable at once and
    the next automatic push sends it."""
    enrolled(ui_store.path, hq)
    more_rows(ui_store, 300)
    monkeypatch.setenv("SCORER_SYNC_INTERVAL", "0.5")
    w = window_for("J1")
    assert "同步" not in [w.tabs.tabText(i) for i in range(w.tabs.count())]
    w.sync.batch_size = 5
    saves: list[tuple[bool, int]] = []

    def save_during_push() -> None:
        job, progress = w.sync.job, w.sync.progress
        if saves or job is None or progress is None or progress[0] >= progress[1]:
            return
        saved = w.ctx.record("C01", "A1.1", "24.01")  # the judge presses Enter mid-push
        saves.append((job.isRunning(), saved.log_id))

    w.sync.changed.connect(save_during_push)
    qtbot.waitUntil(lambda: bool(saves), timeout=WAIT)
    running, log_id = saves[0]
    assert running, "the push had ended before the save: no overlap was tested"
    assert [m.value for m in ui_store.marks("CNC") if m.log_id == log_id] == ["24.01"]
    n = count(ui_store)
    qtbot.waitUntil(lambda: held(hq, ui_store) == n and w.sync.busy is None, timeout=WAIT)
    assert w.sync.snapshot.mine().state == "synced"


def test_headquarters_down_is_quiet_then_the_automatic_push_catches_up(
    qtbot, window_for, hq, ui_store, monkeypatch
):
    enrolled(ui_store.path, hq)
    hq.stop()
    monkeypatch.setenv("SCORER_SYNC_INTERVAL", "0.3")
    page = sync_page(qtbot, window_for("C1"))
    qtbot.waitUntil(lambda: "总部暂时无法连接" in page.auto_state.text(), timeout=WAIT)
    assert "连接被拒绝" in page.auto_state.text() and "稍后自动重试" in page.auto_state.text()
    assert QApplication.activeModalWidget() is None  # no pop-up
    assert mine(page)[1] == "behind" and page.service.halted is None
    hq.start()
    n = count(ui_store)
    qtbot.waitUntil(lambda: mine(page)[1] == "synced", timeout=WAIT)
    assert f"总部已收到 {n}/{n} 条记录，指纹一致" in mine(page)[0]
    assert "总部暂时无法连接" not in page.auto_state.text()
    assert held(hq, ui_store) == n


def test_export_to_usb_and_import_the_receipt_file(qtbot, window_for, hq, ui_store, monkeypatch, tmp_path):
    monkeypatch.setenv("SCORER_SYNC_INTERVAL", "3600")
    enrolled(ui_store.path, hq)
    more_rows(ui_store, 10)
    n = count(ui_store)
    page = sync_page(qtbot, window_for("C1"))
    usb = tmp_path / "usb"
    usb.mkdir()
    out = usb / "venue.bundle"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已写入" in page.message.text(), timeout=WAIT)
    assert str(out) in page.message.text() and f"{n} 条记录" in page.message.text()
    assert out.exists() and held(hq, ui_store) == 0

    cli_json("hq", "import", str(out), "--data", str(hq.data))  # at headquarters
    receipt = Path(f"{out}.receipt")
    assert receipt.exists() and held(hq, ui_store) == n
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(receipt), "")))
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已导入回执文件" in page.message.text(), timeout=WAIT)
    assert "回执 1 份" in page.message.text()
    text, st = mine(page)
    assert st == "synced" and f"总部已收到 {n}/{n} 条记录，指纹一致" in text


def test_a_wrong_code_is_said_in_both_languages_and_stores_nothing(
    qtbot, window_for, hq, ui_store, monkeypatch
):
    monkeypatch.setenv("SCORER_SYNC_INTERVAL", "3600")
    w = window_for("C1")
    page = sync_page(qtbot, w)
    qtbot.keyClicks(page.url, hq.url)
    qtbot.keyClicks(page.code, "ABCD-EFGH")
    qtbot.keyClick(page.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.service.last is not None and page.service.busy is None, timeout=WAIT)
    zh = page.enrol_result.text()
    assert "登记码" in zh and "Traceback" not in zh, zh
    assert "#9b1c1c" in page.enrol_result.styleSheet()
    assert state.enrolment(ui_store.conn, ui_store.station.id) is None
    assert page.form.isVisible() and mine(page)[1] == "not enrolled"
    assert page.service.halted is None and "暂停" not in page.auto_state.text()

    w.set_language("en")
    page = sync_page(qtbot, w)
    en = page.enrol_result.text()
    assert en and en != zh and "code" in en.lower() and not any("\u4e00" <= ch <= "\u9fff" for ch in en), en
    assert page.push_button.text() == "Push now"


def test_closing_the_window_mid_push_stops_after_the_batch_in_flight(
    qtbot, window_for, hq, ui_store, monkeypatch
):
    monkeypatch.setenv("SCORER_SYNC_INTERVAL", "3600")
    enrolled(ui_store.path, hq)
    more_rows(ui_store, 400)
    w = window_for("C1")
    w.sync.batch_size = 2
    page = sync_page(qtbot, w)
    qtbot.mouseClick(page.push_button, Qt.MouseButton.LeftButton)
    job = w.sync.job  # this push, or the automatic one started a second after the window opened
    assert job is not None
    qtbot.waitUntil(lambda: w.sync.progress is not None, timeout=WAIT)
    w.close()  # returns once the push has stopped
    assert job.isFinished() and w.sync.closed
    got = held(hq, ui_store)
    assert got < count(ui_store)
    assert SyncService.of(w.ctx) is w.sync
    # what headquarters holds is what the file's receipt says: nothing was lost or half-kept
    assert state.receipt(ui_store.conn, ui_store.db_id, ui_store.station.id).count == got


def test_a_refusal_stops_automatic_pushes_until_the_user_acts(
    qtbot, window_for, hq, ui_store, monkeypatch, tmp_path
):
    enrolled(ui_store.path, hq)
    other = HQ(tmp_path / "other").start()  # a headquarters this station never enrolled with
    try:
        state.set_url(ui_store, ui_store.station.id, other.url)
        monkeypatch.setenv("SCORER_SYNC_INTERVAL", "0.3")
        w = window_for("C1")
        page = sync_page(qtbot, w)
        qtbot.waitUntil(lambda: page.service.halted is not None, timeout=WAIT)
        assert "自动推送已暂停" in page.auto_state.text() and "#9b1c1c" in page.auto_state.styleSheet()
        kinds: list[str] = []
        w.sync.changed.connect(lambda: kinds.append(w.sync.busy or ""))
        qtbot.wait(1200)  # several ticks of the 0.3 s timer
        assert "status" in kinds and "auto" not in kinds and "push" not in kinds
        assert QApplication.activeModalWidget() is None
    finally:
        other.stop()
    state.set_url(ui_store, ui_store.station.id, hq.url)  # the right address again
    qtbot.waitUntil(lambda: w.sync.busy is None, timeout=WAIT)  # between two status looks
    qtbot.mouseClick(page.push_button, Qt.MouseButton.LeftButton)  # the user acts
    n = count(ui_store)
    qtbot.waitUntil(lambda: "指纹一致" in page.message.text(), timeout=WAIT)
    assert page.service.halted is None and "暂停" not in page.auto_state.text()
    assert held(hq, ui_store) == n and mine(page)[1] == "synced"
