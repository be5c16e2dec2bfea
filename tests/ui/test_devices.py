"""The devices panel and the scoring screen over real pseudo-terminals: readings flow into the
focused cell (only one the judge can see), a timer's start/finish by bib becomes a time mark, and
everything a device does — faults, refusals, voids, pending times — is seen on the scoring screen
and logged with the port and the raw records."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QPushButton, QTabWidget

from scorer import package
from scorer.devices import profiles
from scorer.devices.binding import (
    ASSIGNED,
    CANCEL,
    CANCELLED,
    CONTROL,
    DISMISSED,
    PENDING,
    SAVED,
    UNUSED,
    WAITING,
)
from scorer.devices.simulator import Simulator
from scorer.store import Store
from tests.conftest import MINI
from ui.windows.devices import DevicesWidget
from ui.windows.score_entry import MarkEditor, ScoreEntryWidget

RACE_DAY = Path(__file__).resolve().parents[2] / "resources" / "captures" / "alge-tdc8001-race-day.dump"
CONNECTED = "已连接"


@pytest.fixture
def sim() -> Iterator[Simulator]:
    s = Simulator("pty")
    yield s
    s.close()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Preferences in a temporary folder: never the user's own."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    s = QSettings()
    s.clear()
    return s


Screen = tuple[QTabWidget, ScoreEntryWidget, DevicesWidget]


@pytest.fixture
def screen(qtbot: Any, settings: QSettings) -> Iterator[Callable[..., Screen]]:
    """screen(ctx) → the app's two tabs in one active window: 评分 (score entry) and 设备."""
    panels: list[DevicesWidget] = []
    windows: list[QTabWidget] = []  # qtbot keeps only weak references: the window must outlive the test

    def make(ctx: Any, query_timeout: float = 2.0) -> Screen:
        tabs = QTabWidget()
        entry = ScoreEntryWidget(ctx)
        panel = DevicesWidget(ctx, query_timeout=query_timeout)
        tabs.addTab(entry, "评分")
        tabs.addTab(panel, "设备")
        qtbot.addWidget(tabs)
        tabs.resize(1200, 900)
        tabs.show()
        qtbot.waitExposed(tabs)
        tabs.activateWindow()
        qtbot.waitUntil(tabs.isActiveWindow, timeout=3000)
        panels.append(panel)
        windows.append(tabs)
        return tabs, entry, panel

    yield make
    for panel in panels:
        panel.stop_all()


def connected(qtbot: Any, panel: DevicesWidget, row: int = 0) -> None:
    qtbot.waitUntil(lambda: panel.table.item(row, 2).text().startswith(CONNECTED), timeout=5000)


def go(entry: ScoreEntryWidget, contestant: str, aspect: str) -> None:
    index = entry.model.index_of(contestant, aspect)
    assert index.isValid()
    entry.grid.setCurrentIndex(index)


def at(entry: ScoreEntryWidget) -> tuple[str, str]:
    index = entry.grid.currentIndex()
    c, a = entry.model.contestant_at(index.row()), entry.model.aspect_at(index.column())
    assert c is not None and a is not None
    return c.code, a.code


def editor_with(entry: ScoreEntryWidget, text: str) -> MarkEditor | None:
    return next((e for e in entry.grid.findChildren(MarkEditor) if e.isVisible() and e.text() == text), None)


def rows(store: Store, kinds: tuple[str, ...] = ("mark", "mark.correct", "mark.void")) -> list[Any]:
    return list(store.log(kinds))


def button(panel: DevicesWidget, name: str) -> QPushButton:
    found = panel.findChild(QPushButton, name)
    assert found is not None
    return found


# ------------------------------------------------------------------ instruments into the cell


def test_caliper_reading_lands_in_the_focused_cell(ctx_for, ui_store, qtbot, sim, screen):
    _, entry, panel = screen(ctx_for("J1"))
    go(entry, "C02", "A1.1")
    panel.add(sim.path, profiles.get("mitutoyo"))
    connected(qtbot, panel)
    assert panel.table.item(0, 2).text() == CONNECTED  # no "已连接 — /tm…": the port has its own column
    sim.send(b"01A+0024.012\r")
    qtbot.waitUntil(lambda: editor_with(entry, "24.012") is not None, timeout=5000)
    assert rows(ui_store) == []  # waits for the judge's Enter
    qtbot.keyClick(editor_with(entry, "24.012"), Qt.Key.Key_Return)
    [row] = rows(ui_store)
    assert row.payload["value"] == "24.012" and row.source == f"device:{sim.path}"
    assert row.raw == b"01A+0024.012"
    assert "24.012" in panel.table.item(0, 3).text()
    assert "24.012" in entry.device_strip.text(sim.path) and CONNECTED in entry.device_strip.text(sim.path)


def test_auto_save_double_press_never_marks_the_next_contestant(ctx_for, ui_store, qtbot, sim, screen):
    """Auto-save on: the same Mitutoyo reading twice saves once (C01) and waits in C02's editor;
    a third quick press waits too; the judge's Enter saves it; the cursor never leaves A1.1."""
    _, entry, panel = screen(ctx_for("J1"))
    go(entry, "C01", "A1.1")
    panel.add(sim.path, profiles.get("mitutoyo"), auto_accept=True)
    connected(qtbot, panel)
    sim.send(b"01A+0024.012\r")
    qtbot.waitUntil(lambda: len(rows(ui_store)) == 1, timeout=5000)
    assert at(entry) == ("C02", "A1.1")
    sim.send(b"01A+0024.012\r")  # the double press
    qtbot.waitUntil(lambda: editor_with(entry, "24.012") is not None, timeout=5000)
    assert len(rows(ui_store)) == 1 and at(entry) == ("C02", "A1.1")
    assert "连按" in entry.reason.text() and "连按" in entry.device_strip.text(sim.path)
    sim.send(b"01A+0024.015\r")  # and a third, at once
    qtbot.waitUntil(lambda: editor_with(entry, "24.015") is not None, timeout=5000)
    assert len(rows(ui_store)) == 1 and at(entry) == ("C02", "A1.1")
    qtbot.keyClick(editor_with(entry, "24.015"), Qt.Key.Key_Return)  # the judge confirms
    first, second = rows(ui_store)
    assert (first.payload["contestant"], second.payload["contestant"]) == ("C01", "C02")
    assert second.raw == b"01A+0024.015" and second.source == f"device:{sim.path}"
    # The last cell of the column: saved, and the cursor stays on A1.1 (no wrap to another aspect).
    entry.device_strip.guard.window = 0.0
    go(entry, "C03", "A1.1")
    sim.send(b"01A+0024.020\r")
    qtbot.waitUntil(lambda: len(rows(ui_store)) == 3, timeout=5000)
    assert at(entry) == ("C03", "A1.1")
    sim.send(b"01A+0024.021\r")  # into the just-filled cell: asks (a correction), saves nothing
    qtbot.waitUntil(lambda: editor_with(entry, "24.021") is not None, timeout=5000)
    assert len(rows(ui_store)) == 3 and at(entry) == ("C03", "A1.1") and "已有分数" in entry.reason.text()


def test_no_reading_is_written_while_the_grid_is_not_in_view(ctx_for, ui_store, qtbot, sim, screen):
    tabs, entry, panel = screen(ctx_for("J1"))
    go(entry, "C01", "A1.1")
    panel.add(sim.path, profiles.get("mitutoyo"), auto_accept=True)
    connected(qtbot, panel)
    tabs.setCurrentWidget(panel)  # the judge is on the 设备 tab: the grid is out of sight
    sim.send(b"01A+0024.012\r")
    qtbot.waitUntil(lambda: "未写入" in panel.message.text(), timeout=5000)
    assert rows(ui_store) == [] and editor_with(entry, "24.012") is None
    assert "评分页不在前台" in entry.device_strip.text(sim.path)
    tabs.setCurrentWidget(entry)
    sim.send(b"01A+0024.013\r")
    qtbot.waitUntil(lambda: len(rows(ui_store)) == 1, timeout=5000)
    assert rows(ui_store)[0].payload["value"] == "24.013"


@pytest.fixture
def gram_ctx(tmp_path: Path, qtbot: Any) -> Iterator[Any]:
    """The mini competition with A1.1 weighed in grams (a balance's aspect)."""
    from ui.context import AppContext

    data = json.loads(MINI.read_text(encoding="utf-8"))
    a11 = data["events"][0]["components"][1]["criteria"][0]["sub_criteria"][0]["aspects"][0]
    assert a11["code"] == "A1.1"
    a11["rule"]["unit"] = "g"
    store = Store.create(tmp_path / "g.scorer", "测试机")
    store.set_competition(package.from_data(data, "mini-g.json"), "C1")
    judge = next(j for j in store.competition.judges if j.code == "J1")
    yield AppContext(store, judge), store
    store.close()


def test_unrequested_balance_reading_is_marked_and_never_auto_saved(gram_ctx, qtbot, sim, screen):
    ctx, store = gram_ctx
    _, entry, panel = screen(ctx)
    go(entry, "C01", "A1.1")
    panel.add(sim.path, profiles.get("ohaus"), auto_accept=True)
    connected(qtbot, panel)
    sim.send(b"      24.01 g\r\n")  # the balance's PRINT key: nobody asked
    qtbot.waitUntil(lambda: editor_with(entry, "24.01") is not None, timeout=5000)
    editor = editor_with(entry, "24.01")
    assert rows(store) == []  # query mode: not saved unasked
    assert "未经请求" in editor.toolTip() and "fff0c2" in editor.styleSheet()
    assert "未经请求" in entry.device_strip.text(sim.path) and "未经请求" in panel.log.item(0).text()
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the judge accepts it
    [row] = rows(store)
    assert row.source == f"device:{sim.path} unrequested" and row.raw == b"      24.01 g"


def test_a_reading_in_another_unit_is_refused(ctx_for, ui_store, qtbot, sim, screen):
    _, entry, panel = screen(ctx_for("J1"))
    go(entry, "C01", "A1.1")  # Ø24 mm
    panel.add(sim.path, profiles.get("ohaus"), auto_accept=True)
    connected(qtbot, panel)
    sim.send(b"      24.01 g\r\n")  # inside the mm range, but grams
    qtbot.waitUntil(lambda: "单位" in entry.reason.text(), timeout=5000)
    assert "g" in entry.reason.text() and "mm" in entry.reason.text()
    assert rows(ui_store) == [] and editor_with(entry, "24.01") is None
    assert "单位" in entry.device_strip.text(sim.path)


def test_a_query_without_an_answer_is_seen_on_the_scoring_screen_in_time(ctx_for, qtbot, sim, screen):
    """The judge asks the Sylvac for a value and nothing comes back: the timeout shows on the
    scoring screen when the configured time runs out, with no other traffic on the line."""
    _, entry, panel = screen(ctx_for("J1"), query_timeout=0.5)
    go(entry, "C01", "A1.1")
    panel.add(sim.path, profiles.get("sylvac"))
    connected(qtbot, panel)
    panel.table.setCurrentCell(0, 0)
    asked = time.monotonic()
    qtbot.mouseClick(button(panel, "ask"), Qt.MouseButton.LeftButton)
    assert sim.wait_requests(lambda sent: sent.endswith(b"?\r"), 2.0)
    qtbot.waitUntil(lambda: "没有回应" in entry.device_strip.text(sim.path), timeout=3000)
    assert time.monotonic() - asked < 0.5 + 0.6
    assert entry.device_strip.labels[sim.path].styleSheet().startswith("color:#b00000")


def test_faults_reach_the_scoring_screen_without_taking_the_focus(ctx_for, qtbot, sim, screen):
    _, entry, panel = screen(ctx_for("J1"))
    go(entry, "C01", "A1.1")
    entry.grid.setFocus()
    panel.add(sim.path, profiles.get("mitutoyo"))
    connected(qtbot, panel)
    focus = QApplication.focusWidget()
    for _ in range(12):
        sim.noise(b"01A+0024.010\r", 4.0)  # a port set 4 × too fast
    qtbot.waitUntil(lambda: "×" in entry.device_strip.text(sim.path), timeout=5000)
    strip = entry.device_strip.text(sim.path)
    assert "故障" in strip and "波特率" in strip  # state: wrong speed?, last event: the fault
    assert panel.log.count() <= 3 and "×" in panel.log.item(0).text()  # collapsed, not a flood
    assert QApplication.focusWidget() is focus
    sim.unplug()
    qtbot.waitUntil(lambda: "已断开" in entry.device_strip.text(sim.path), timeout=5000)
    assert QApplication.focusWidget() is focus


def test_unstable_balance_reading_is_refused_on_the_scoring_screen(gram_ctx, qtbot, sim, screen):
    ctx, store = gram_ctx
    _, entry, panel = screen(ctx)
    go(entry, "C01", "A1.1")
    panel.add(sim.path, profiles.get("mt-sics"))
    connected(qtbot, panel)
    sim.send(b"S D      24.01 g\r\n")
    qtbot.waitUntil(lambda: "不稳定" in entry.device_strip.text(sim.path), timeout=5000)
    assert rows(store) == [] and editor_with(entry, "24.01") is None


def test_correcting_from_a_caliper_is_logged_with_the_device(ctx_for, ui_store, qtbot, sim, screen):
    _, entry, panel = screen(ctx_for("J1"))
    go(entry, "C01", "A1.1")
    entry.clock = itertools.count(0.0, 180.0).__next__  # a person's pace: not a keyboard wedge
    qtbot.keyClicks(entry.grid, "24.010")
    qtbot.keyClick(entry.grid, Qt.Key.Key_Return)
    [first] = rows(ui_store)
    assert first.source == "keyboard"
    go(entry, "C01", "A1.1")
    entry.ask_reason = lambda old, new: "卡尺重测"  # type: ignore[method-assign]
    panel.add(sim.path, profiles.get("mitutoyo"))
    connected(qtbot, panel)
    sim.send(b"01A+0024.012\r")
    qtbot.waitUntil(lambda: editor_with(entry, "24.012") is not None, timeout=5000)
    qtbot.keyClick(editor_with(entry, "24.012"), Qt.Key.Key_Return)
    _, correction = rows(ui_store)
    assert correction.kind == "mark.correct" and correction.payload["replaces"] == first.id
    assert correction.source == f"device:{sim.path}" and correction.raw == b"01A+0024.012"


# ------------------------------------------------------------------ timers


def test_timer_start_finish_by_bib_becomes_a_time_mark(ctx_for, ui_store, qtbot, sim, screen):
    _, entry, panel = screen(ctx_for("J1"))
    assert panel.target_box.findData("CNC:B1.3") >= 0
    panel.add(sim.path, profiles.get("alge-timy"), "CNC:B1.3")
    connected(qtbot, panel)
    sim.send(b" 0001 C0  09:00:00.0000 00\r")
    sim.send(b" 0001 C1  11:32:30.5000 00\r")
    qtbot.waitUntil(lambda: len(rows(ui_store)) == 1, timeout=5000)
    [row] = rows(ui_store)
    assert (row.payload["contestant"], row.payload["aspect"]) == ("C01", "B1.3")
    assert row.payload["value"] == "9150"  # whole seconds, like hand entries; .5 kept in the raw record
    assert b"C0" in row.raw and b"11:32:30.5000" in row.raw
    assert entry.model.index_of("C01", "B1.3").data() == "2:32:30"
    assert "已保存计时" in entry.device_strip.text(sim.path)


def test_a_finish_resent_after_a_cleared_one_is_saved(ctx_for, ui_store, qtbot, sim, screen):
    """Start 08:00:00, finish 10:20:13.5 (saved), the timer clears the finish (the mark is voided
    by the device), then a new finish 10:21:00: it pairs with the start that still stands."""
    _, entry, panel = screen(ctx_for("J1"))
    panel.add(sim.path, profiles.get("alge-timy"), "CNC:B1.3")
    connected(qtbot, panel)
    sim.send(b" 0001 C0  08:00:00.0000 00\r")
    sim.send(b" 0001 C1  10:20:13.5000 00\r")
    qtbot.waitUntil(lambda: len(rows(ui_store)) == 1, timeout=5000)
    assert rows(ui_store)[0].payload["value"] == "8413"
    sim.send(b"c0001 C1  10:20:13.5000 00\r")
    qtbot.waitUntil(lambda: len(rows(ui_store)) == 2, timeout=5000)
    void = rows(ui_store)[1]
    assert void.kind == "mark.void" and void.source == f"device:{sim.path}"
    assert void.raw == b"c0001 C1  10:20:13.5000 00"
    said = panel.message.text()
    assert "作废" in said and f"#{void.id}" in said and "已保存" not in said
    assert "作废" in entry.device_strip.text(sim.path)
    sim.send(b" 0001 C1  10:21:00.0000 00\r")
    qtbot.waitUntil(lambda: len(rows(ui_store)) == 3, timeout=5000)
    again = rows(ui_store)[2]
    assert again.kind == "mark" and again.payload["value"] == "8460"
    assert [(m.contestant, m.value) for m in ui_store.marks()] == [("C01", "8460")]


def test_timer_record_without_bib_is_assigned_by_the_judge(ctx_for, ui_store, qtbot, sim, screen):
    _, _, panel = screen(ctx_for("J1"))
    panel.add(sim.path, profiles.get("alge-timy"), "CNC:B1.3")
    connected(qtbot, panel)
    sim.send(b" 0002 C0  09:00:00.0000 00\r")
    sim.send(b"?0000 C1  10:00:00.0000 00\r")
    qtbot.waitUntil(lambda: panel.pending.count() == 2, timeout=5000)  # the waiting start, the finish
    row = next(i for i in range(panel.pending.count()) if "没有有效号码" in panel.pending.item(i).text())
    panel.pending.setCurrentRow(row)
    panel.assign_to.setCurrentText("C02")
    qtbot.mouseClick(button(panel, "assign"), Qt.MouseButton.LeftButton)
    [mark] = rows(ui_store)
    assert mark.payload["contestant"] == "C02" and mark.payload["value"] == "3600"
    assert panel.pending.count() == 0


def test_refused_times_stay_pending_until_the_judge_decides(ctx_for, ui_store, qtbot, sim, screen):
    """An unknown bib and a second time for a timed contestant are not overwritten by the next
    message: both wait in the list; the judge corrects one and dismisses the other, with reasons
    typed, and both decisions are logged with the device and the raw records."""
    _, entry, panel = screen(ctx_for("J1"))
    panel.add(sim.path, profiles.get("alge-timy"), "CNC:B1.3")
    connected(qtbot, panel)
    for record in (
        b" 0072 C0  08:00:00.0000 00",
        b" 0072 C1  09:00:00.0000 00",  # bib 72: nobody's station
        b" 0003 C0  08:00:00.0000 00",
        b" 0003 C1  10:00:00.0000 00",  # saved
        b" 0003 C0  10:10:00.0000 00",
        b" 0003 C1  12:00:00.0000 00",  # C03 already timed
    ):
        sim.send(record + b"\r")
    qtbot.waitUntil(lambda: panel.pending.count() == 2, timeout=5000)
    texts = [panel.pending.item(i).text() for i in range(2)]
    assert "0072" in texts[0] and "已有用时 7200" in texts[1]
    assert "已有用时" in entry.device_strip.text(sim.path)
    panel.pending.setCurrentRow(1)
    qtbot.mouseClick(button(panel, "correct"), Qt.MouseButton.LeftButton)  # no reason: refused
    assert "原因" in panel.message.text() and panel.pending.count() == 2
    qtbot.keyClicks(panel.pending_reason, "false start on run 1")
    qtbot.mouseClick(button(panel, "correct"), Qt.MouseButton.LeftButton)
    correction = rows(ui_store)[-1]
    assert correction.kind == "mark.correct" and correction.payload["value"] == "6600"
    assert correction.source == f"device:{sim.path}" and b"12:00:00" in correction.raw
    panel.pending.setCurrentRow(0)
    qtbot.keyClicks(panel.pending_reason, "trial run")
    qtbot.mouseClick(button(panel, "dismiss"), Qt.MouseButton.LeftButton)
    [dismissal] = ui_store.log(("device.dismiss",))
    assert dismissal.payload["reason"] == "trial run" and dismissal.payload["bib"] == "0072"
    assert dismissal.raw.startswith(b" 0072 C0") and dismissal.source == f"device:{sim.path}"
    assert panel.pending.count() == 0


def test_race_day_capture_every_record_accounted_for(ctx_for, ui_store, qtbot, sim, screen):
    """A real race morning (661 records) replayed at speed: each record ends saved, in the pending
    list with its reason, set aside by a cancel, or as what it is (a bib selection, the timer's
    own run time) — counted, none missing — and the judge can work through the list."""
    _, _, panel = screen(ctx_for("J1"))
    panel.add(sim.path, profiles.get("alge-timy"), "CNC:B1.3")
    connected(qtbot, panel)
    binding = next(iter(panel.bindings.values()))
    replay = threading.Thread(target=sim.replay, args=(RACE_DAY,), kwargs={"speed": 40.0}, daemon=True)
    replay.start()
    qtbot.waitUntil(lambda: binding.pairing.count == 661, timeout=60000)
    replay.join(5)
    qtbot.waitUntil(lambda: panel.pending.count() == len(binding.pending()), timeout=5000)
    fates = binding.pairing.fates()
    assert sum(fates.values()) == 661
    assert set(fates) <= {SAVED, PENDING, WAITING, CANCEL, CANCELLED, CONTROL, UNUSED}
    assert fates[CONTROL] == 167 and fates[CANCEL] == 6 and fates[CANCELLED] == 6
    marks = ui_store.marks("CNC")
    assert sorted(m.contestant for m in marks) == ["C01", "C02", "C03"]
    assert fates[SAVED] == 2 * len(marks)  # start + finish of each saved time
    pending = binding.pending()
    held = sum(len(p.elapsed.seqs) if p.elapsed is not None else 1 for p in pending)
    assert held == fates[PENDING] + fates[WAITING]  # every pending record is in the list
    assert all(p.zh and p.en for p in pending)
    kinds = {p.kind for p in pending}
    assert {"unknown_bib", "no_bib", "timed"} <= kinds
    assert panel.pending.count() == len(pending)
    assert "待处理的计时记录：" in panel.pending_label.text()
    # The judge corrects C01's time from its second run, and dismisses a bib nobody has.
    timed = next(i for i in range(panel.pending.count()) if "已有用时" in panel.pending.item(i).text())
    panel.pending.setCurrentRow(timed)
    qtbot.keyClicks(panel.pending_reason, "second run counts")
    qtbot.mouseClick(button(panel, "correct"), Qt.MouseButton.LeftButton)
    assert rows(ui_store, ("mark.correct",))[-1].source == f"device:{sim.path}"
    unknown = next(i for i in range(panel.pending.count()) if "对应不到" in panel.pending.item(i).text())
    panel.pending.setCurrentRow(unknown)
    qtbot.keyClicks(panel.pending_reason, "not in this event")
    qtbot.mouseClick(button(panel, "dismiss"), Qt.MouseButton.LeftButton)
    fates = binding.pairing.fates()
    assert sum(fates.values()) == 661 and fates[ASSIGNED] == 2 and fates[DISMISSED] == 2
    assert panel.pending.count() == len(pending) - 2


@pytest.mark.parametrize(
    ("profile", "record", "said"),
    [("sylvac", b"ERR3\r", "超出范围（ERR3）"), ("mt-sics", b"S +\r\n", "过载")],
)
def test_instrument_errors_reach_the_scoring_screen(ctx_for, qtbot, sim, screen, profile, record, said):
    _, entry, panel = screen(ctx_for("J1"))
    go(entry, "C01", "A1.1")
    panel.add(sim.path, profiles.get(profile))
    connected(qtbot, panel)
    sim.send(record)
    qtbot.waitUntil(lambda: said in entry.device_strip.text(sim.path), timeout=5000)
    assert entry.device_strip.labels[sim.path].styleSheet().startswith("color:#b00000")
