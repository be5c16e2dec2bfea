"""Score entry by keyboard: the grid, validation as typed, corrections, locks, anonymity, wedges."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication

from scorer import locking
from scorer.values import parse_value
from tests.lockhelp import force_lock
from ui.models.score_grid import (
    CORRECTED,
    EMPTY,
    LOG_ID_ROLE,
    PANEL_ROLE,
    RESCORE_ROLE,
    SAVED,
    STATE_ROLE,
    ScoreGridModel,
)
from ui.windows.score_entry import ScoreEntryWidget, looks_like_wedge, monotonic_ms

EVENT = "CNC"
CONTESTANTS = ("C01", "C02", "C03")
NAMES = ("张伟", "邵𠮷祥", "欧阳娜")
# J1's aspects in scheme order, with one value a judge would type per contestant.
TYPED = {
    "A1.1": ("24.01", "24.015", "24.02"),
    "A1.2": ("1.6", "3.2", "0.8"),
    "A1.3": ("pass", "fail", "ok"),
    "B1.1": ("2", "3", "1"),
    "B1.2": ("0", "1", "2"),
    "B1.3": ("152:30.5", "149:59", "180:00"),
}


@pytest.fixture
def settings(tmp_path) -> QSettings:
    """Preferences in a temporary folder: never the user's own."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    s = QSettings()
    s.clear()
    return s


@pytest.fixture
def entry(ctx_for, qtbot, settings) -> Callable[[str], ScoreEntryWidget]:
    """entry("J1") → a shown ScoreEntryWidget for that judge, typing at a person's pace."""

    def make(code: str) -> ScoreEntryWidget:
        w = ScoreEntryWidget(ctx_for(code))
        w.clock = itertools.count(0.0, 180.0).__next__  # 180 ms between keys: a person
        qtbot.addWidget(w)
        w.resize(1000, 600)
        w.show()
        qtbot.waitExposed(w)
        return w

    return make


def type_value(qtbot: Any, w: ScoreEntryWidget, text: str, key: Qt.Key = Qt.Key.Key_Return) -> None:
    """Type into the grid as a judge does: the first key opens the cell's editor, Enter ends it."""
    qtbot.keyClicks(w.grid, text)
    qtbot.keyClick(w.grid, key)


def go(w: ScoreEntryWidget, contestant: str, aspect: str) -> None:
    index = w.model.index_of(contestant, aspect)
    assert index.isValid()
    w.grid.setCurrentIndex(index)


def at(w: ScoreEntryWidget) -> tuple[str, str]:
    index = w.grid.currentIndex()
    contestant = w.model.contestant_at(index.row())
    aspect = w.model.aspect_at(index.column())
    assert contestant is not None and aspect is not None
    return contestant.code, aspect.code


def log_rows(store: Any, kinds: tuple[str, ...] = ("mark", "mark.correct", "mark.void")) -> list[Any]:
    return list(store.log(kinds))


@pytest.mark.parametrize("advance", [None, "down", "right"])
def test_whole_event_by_keyboard_alone(entry, qtbot, ui_store, settings, advance):
    """Every one of J1's 18 cells is typed and Entered; the cursor follows the preference, by
    default the paper's reading order (along the row)."""
    if advance is not None:
        settings.setValue("entry/advance", advance)
        settings.sync()
    w = entry("J1")
    assert [a.code for a in w.model.aspects()] == list(TYPED)
    if advance == "down":
        order = [(c, a) for a in TYPED for c in CONTESTANTS]
    else:
        order = [(c, a) for c in CONTESTANTS for a in TYPED]
    for contestant, aspect in order:
        assert at(w) == (contestant, aspect)
        type_value(qtbot, w, TYPED[aspect][CONTESTANTS.index(contestant)])
        assert w.reason.text() == ""
    assert at(w) == order[-1]  # the last cell: nowhere further to go

    comp = ui_store.competition
    aspects = comp.event(EVENT).aspects()
    marks = {(m.contestant, m.aspect): m for m in ui_store.marks(EVENT)}
    assert len(marks) == 18
    for (contestant, aspect), m in marks.items():
        assert m.judge == "J1"
        assert m.value == parse_value(aspects[aspect], TYPED[aspect][CONTESTANTS.index(contestant)])
        index = w.model.index_of(contestant, aspect)
        assert index.data(STATE_ROLE) == SAVED
        assert index.data(LOG_ID_ROLE) == m.log_id
        assert index.data(Qt.ItemDataRole.BackgroundRole) is not None  # saved cells are coloured
    assert marks[("C03", "A1.3")].value == "pass"
    assert marks[("C01", "B1.3")].value == "9150.5"
    assert {r.source for r in log_rows(ui_store)} == {"keyboard"}


@pytest.mark.parametrize(
    ("aspect", "text", "why"),
    [
        ("A1.1", "2.4", "不在合理范围"),
        ("B1.1", "4", "超出评分范围 0–3"),
        ("B1.3", "61:75", "分或秒超过 59"),
    ],
)
def test_invalid_value_is_refused_with_its_reason(entry, qtbot, ui_store, aspect, text, why):
    """The reason shows while typing and again on Enter; nothing is written and the cell stays."""
    w = entry("J1")
    go(w, "C02", aspect)
    before = ui_store.count()
    qtbot.keyClicks(w.grid, text)
    assert why in w.reason.text()  # validated as typed
    with qtbot.waitSignal(w.refused) as refused:
        qtbot.keyClick(w.grid, Qt.Key.Key_Return)
    assert why in refused.args[0]
    assert why in w.reason.text()
    assert ui_store.count() == before
    assert at(w) == ("C02", aspect)
    assert w.grid.state() == QAbstractItemView.State.EditingState  # still there to fix
    qtbot.keyClick(w.grid, Qt.Key.Key_Escape)
    assert w.grid.state() != QAbstractItemView.State.EditingState
    assert w.reason.text() == ""
    assert ui_store.count() == before
    assert w.model.index_of("C02", aspect).data(STATE_ROLE) == EMPTY


def test_correction_asks_a_reason_and_keeps_history(entry, qtbot, ui_store):
    """Changing a saved value is a correction: the reason is logged, the history shows old and new;
    cancelling the reason writes nothing."""
    w = entry("J1")
    asked: list[tuple[str, str]] = []
    answers = iter(["读数看错了", None])

    def ask_reason(old: str, new: str) -> str | None:
        asked.append((old, new))
        return next(answers)

    w.ask_reason = ask_reason  # type: ignore[method-assign]
    type_value(qtbot, w, "24.01")
    assert at(w) == ("C01", "A1.2")  # along the row, as the paper is read

    go(w, "C01", "A1.1")
    type_value(qtbot, w, "24.015")
    assert asked == [("24.01", "24.015")]
    corrections = log_rows(ui_store, ("mark.correct",))
    assert len(corrections) == 1
    assert corrections[0].payload["reason"] == "读数看错了"
    assert corrections[0].payload["value"] == "24.015"
    assert at(w) == ("C01", "A1.2")  # moved on, as after any Enter

    go(w, "C01", "A1.1")
    cell = w.model.index_of("C01", "A1.1")
    assert cell.data(STATE_ROLE) == CORRECTED
    lines = [w.history.item(i).text() for i in range(w.history.count())]
    assert len(lines) == 2
    assert "24.01" in lines[0] and "录入" in lines[0]
    assert "24.01 → 24.015" in lines[1] and "读数看错了" in lines[1]

    before = ui_store.count()
    type_value(qtbot, w, "24.02")  # …and the judge cancels the reason dialog
    assert asked[-1] == ("24.015", "24.02")
    assert ui_store.count() == before
    assert cell.data(Qt.ItemDataRole.DisplayRole) == "24.015"
    assert "已取消更正" in w.reason.text()
    assert at(w) == ("C01", "A1.1")


def test_same_value_again_is_not_a_correction(entry, qtbot, ui_store):
    """Re-typing the saved value (or its other spelling) just moves on."""
    w = entry("J1")
    w.ask_reason = lambda old, new: pytest.fail("no correction expected")  # type: ignore[method-assign]
    go(w, "C01", "A1.3")
    type_value(qtbot, w, "pass")
    go(w, "C01", "A1.3")
    before = ui_store.count()
    type_value(qtbot, w, "ok")
    assert ui_store.count() == before
    assert at(w) == ("C01", "B1.1")


def test_value_left_without_enter_is_not_saved_and_says_so(entry, qtbot, ui_store):
    """Only Enter saves: an editor closed by a focus change writes nothing and tells the judge."""
    w = entry("J1")
    before = ui_store.count()
    qtbot.keyClicks(w.grid, "24.01")
    editor = w.grid.indexWidget(w.grid.currentIndex())
    assert editor is not None
    QApplication.sendEvent(editor, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.MouseFocusReason))
    qtbot.waitUntil(lambda: w.grid.state() != QAbstractItemView.State.EditingState)
    assert ui_store.count() == before
    assert "没有保存" in w.reason.text() and "24.01" in w.reason.text()


def test_locked_event_refuses_marks_with_the_reason(entry, qtbot, ui_store):
    """A lock made elsewhere is refused by the store on Enter; then the banner shows and typing
    says why at once."""
    w = entry("J1")
    assert not w.banner.isVisible()
    force_lock(ui_store, EVENT, "K1", ["J1"])
    before = ui_store.count()
    type_value(qtbot, w, "24.01")
    assert "项目已锁定" in w.reason.text()
    assert ui_store.count() == before
    assert w.banner.isVisible()
    assert "已锁定" in w.banner.text()

    qtbot.keyClick(w.grid, Qt.Key.Key_Escape)
    go(w, "C02", "B1.1")
    w.reason.clear()
    qtbot.keyClicks(w.grid, "2")
    assert "项目已锁定" in w.reason.text()
    assert w.grid.state() != QAbstractItemView.State.EditingState
    assert ui_store.count() == before


def test_locked_event_shows_the_banner_from_the_start(entry, ui_store):
    """Opening a locked event: banner shown, no cell editable."""
    force_lock(ui_store, EVENT, "K1", ["J1"])
    w = entry("J1")
    assert w.banner.isVisible()
    assert not w.model.flags(w.model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


def _everything_shown(model: ScoreGridModel) -> str:
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    texts = []
    for role in roles:
        for c in range(model.columnCount()):
            texts.append(str(model.headerData(c, Qt.Orientation.Horizontal, role)))
        for r in range(model.rowCount()):
            texts.append(str(model.headerData(r, Qt.Orientation.Vertical, role)))
            for c in range(model.columnCount()):
                texts.append(str(model.index(r, c).data(role)))
    return "\n".join(texts)


def test_a_judge_never_sees_a_name_until_decryption(entry, qtbot, ui_store):
    """J1 sees codes only (cells, headers, tooltips, history); names appear after lock and decryption."""
    w = entry("J1")
    type_value(qtbot, w, "24.01")
    go(w, "C01", "A1.1")
    shown = _everything_shown(w.model) + "\n".join(w.history.item(i).text() for i in range(w.history.count()))
    assert "C01" in shown and "C03" in shown
    assert not [name for name in NAMES if name in shown]
    assert not w.model.names_visible

    force_lock(ui_store, EVENT, "K1", ["J1"])
    locking.decrypt_event(ui_store, EVENT, "E1")
    w.ctx.event_changed(EVENT)
    assert w.model.names_visible
    shown = _everything_shown(w.model)
    assert all(name in shown for name in NAMES)
    assert w.model.index(0, 0).data() == "张伟"
    assert w.model.aspect_at(w.model.first_aspect_column).code == "A1.1"


def test_fast_burst_is_logged_as_a_wedge_device(entry, qtbot, ui_store, settings):
    """Digits and Enter 2 ms apart come from an instrument, not a person."""
    settings.setValue("entry/advance", "down")  # three contestants' A1.1, one after the other
    w = entry("J1")
    w.clock = itertools.count(0.0, 2.0).__next__
    type_value(qtbot, w, "24.012")
    w.clock = itertools.count(0.0, 2.0).__next__
    type_value(qtbot, w, "24")  # too short to tell: a person
    w.clock = itertools.count(0.0, 180.0).__next__
    type_value(qtbot, w, "24.01")
    sources = [(r.payload["contestant"], r.source) for r in log_rows(ui_store)]
    assert sources == [("C01", "device-wedge"), ("C02", "keyboard"), ("C03", "keyboard")]


def test_real_key_burst_is_a_wedge(entry, qtbot, ui_store):
    """keyClicks and Enter sent back to back, on the real clock, are as fast as a wedge."""
    w = entry("J1")
    w.clock = monotonic_ms  # the default, real clock
    type_value(qtbot, w, "24.012")
    assert [r.source for r in log_rows(ui_store)] == ["device-wedge"]


@pytest.mark.parametrize(
    ("times", "wedge"),
    [
        ([0, 3, 6, 9, 12], True),  # 4 characters and Enter, 3 ms apart
        ([0, 3, 6, 9], True),  # 3 characters and Enter
        ([0, 3, 6], False),  # 2 characters: too few to tell
        ([0, 3, 6, 30, 33], False),  # one human pause
        ([0, 120, 260, 350, 500], False),  # a person typing fast
        ([0, 14.9, 29.8, 44.7], True),
    ],
)
def test_wedge_detection(times, wedge):
    """All gaps under 15 ms across ≥ 3 characters and Enter: a device."""
    assert looks_like_wedge(times) is wedge


def test_tab_and_arrows_move(entry, qtbot, ui_store):
    """Tab saves and moves right, arrows move without an editor, Up from an editor saves and moves up."""
    w = entry("J1")
    type_value(qtbot, w, "24.01", Qt.Key.Key_Tab)
    assert at(w) == ("C01", "A1.2")
    assert w.model.index_of("C01", "A1.1").data(STATE_ROLE) == SAVED
    qtbot.keyClick(w.grid, Qt.Key.Key_Down)
    qtbot.keyClick(w.grid, Qt.Key.Key_Right)
    assert at(w) == ("C02", "A1.3")
    type_value(qtbot, w, "fail", Qt.Key.Key_Up)
    assert at(w) == ("C01", "A1.3")
    assert [m.value for m in ui_store.marks(EVENT)] == ["24.01", "fail"]


def test_model_refreshes_one_cell_per_save(ctx_for, qtbot):
    """A save repaints just its cell (no reset); the judge's own panel score only, no results."""
    ctx = ctx_for("J1")
    model = ScoreGridModel(ctx)
    model.set_event(EVENT)
    assert (model.rowCount(), model.columnCount()) == (3, 6)
    assert model.headerData(0, Qt.Orientation.Horizontal).startswith("A1.1 ")
    assert model.headerData(0, Qt.Orientation.Vertical) == "1  C01"
    assert "满分 40" in model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    cell = model.index_of("C02", "B1.1")
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged) as changed:
        ctx.record("C02", "B1.1", "2")
    assert changed.args[0] == cell and changed.args[1] == cell
    assert cell.data() == "2"
    assert cell.data(PANEL_ROLE) == ""  # a judge does not see the panel


def test_chief_sees_the_panel_and_its_spread(ctx_for, ui_store):
    """Once J1, J2, J3 have scored, the chief's grid shows the counted scores or the re-score flag."""
    chief = ctx_for("K1")
    model = ScoreGridModel(chief)
    model.set_event(EVENT)
    for judge, c01, c02 in (("J1", "2", "1"), ("J2", "3", "3"), ("J3", "2", "1")):
        ctx = ctx_for(judge)
        ctx.record("C01", "B1.1", c01)
        ctx.record("C02", "B1.1", c02)
    chief.session.live.invalidate(EVENT)  # the three saves went through the judges' own sessions
    ok = model.index_of("C01", "B1.1")
    assert ok.data(PANEL_ROLE).startswith("2 / 2 / 3 → ")
    assert ok.data(RESCORE_ROLE) is False
    spread = model.index_of("C02", "B1.1")
    assert "需要重新评分" in spread.data(PANEL_ROLE)
    assert spread.data(RESCORE_ROLE) is True
    assert model.index_of("C03", "B1.1").data(PANEL_ROLE) == "评分未齐"


def test_judge_is_told_to_rescore_without_seeing_other_scores(ctx_for, ui_store):
    """A spread over the limit is flagged to the judges too, but never shows the others' scores."""
    for judge, value in (("J2", "3"), ("J3", "1")):
        ctx_for(judge).record("C02", "B1.1", value)
    j1 = ctx_for("J1")
    model = ScoreGridModel(j1)
    model.set_event(EVENT)
    j1.record("C02", "B1.1", "1")
    cell = model.index_of("C02", "B1.1")
    text = cell.data(PANEL_ROLE)
    assert cell.data(RESCORE_ROLE) is True and "重新评分" in text
    assert "3" not in text


def test_device_reading_waits_for_enter_then_logs_port_and_raw(entry, qtbot, ui_store):
    """A caliper reading lands in the focused cell; the judge's Enter saves it with its raw record."""
    w = entry("J1")
    w.activateWindow()  # device readings go only into the judge's active window
    qtbot.waitUntil(w.isActiveWindow)
    go(w, "C02", "A1.1")
    assert w.offer_reading("24.012", "device:/dev/ttyUSB0", b"01A+0024.012")
    assert [r for r in log_rows(ui_store)] == []  # not saved before Enter
    from ui.windows.score_entry import MarkEditor

    [editor] = [e for e in w.grid.findChildren(MarkEditor) if e.isVisible()]
    assert editor.text() == "24.012"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    [row] = log_rows(ui_store)
    assert (
        row.payload["value"] == "24.012"
        and row.source == "device:/dev/ttyUSB0"
        and row.raw == b"01A+0024.012"
    )


def test_auto_accepted_reading_saves_at_once(entry, qtbot, ui_store):
    w = entry("J1")
    w.activateWindow()  # device readings go only into the judge's active window
    qtbot.waitUntil(w.isActiveWindow)
    go(w, "C03", "A1.1")
    assert w.offer_reading("24.020", "device:COM3", b"01A+0024.020", auto_accept=True)
    [row] = log_rows(ui_store)
    assert row.source == "device:COM3" and at(w) != ("C03", "A1.1")  # saved and moved on


def test_out_of_range_reading_is_refused_like_typing(entry, qtbot, ui_store):
    w = entry("J1")
    w.activateWindow()  # device readings go only into the judge's active window
    qtbot.waitUntil(w.isActiveWindow)
    go(w, "C01", "A1.1")
    w.offer_reading("2.4012", "device:COM3", b"01A+0002.4012", auto_accept=True)
    assert log_rows(ui_store) == [] and "合理范围" in w.reason.text()


def test_delete_voids_a_mark_with_a_reason_and_keeps_it_in_the_log(entry, qtbot, ui_store, monkeypatch):
    """Delete on a saved cell asks a reason, withdraws the mark, and the history still shows it."""
    w = entry("J1")
    go(w, "C01", "A1.1")
    type_value(qtbot, w, "24.010")
    go(w, "C01", "A1.1")
    monkeypatch.setattr(w, "ask_void_reason", lambda *a: None)
    qtbot.keyClick(w.grid, Qt.Key.Key_Delete)
    assert [m.value for m in ui_store.marks()] == ["24.010"]  # cancelled: nothing written
    monkeypatch.setattr(w, "ask_void_reason", lambda *a: "entered for the wrong contestant")
    qtbot.keyClick(w.grid, Qt.Key.Key_Delete)
    assert ui_store.marks() == []
    assert [r.kind for r in log_rows(ui_store)] == ["mark", "mark.void"]
    cell = w.model.index_of("C01", "A1.1")
    assert cell.data() == ""
    assert any("24.010" in w.history.item(i).text() for i in range(w.history.count()))
