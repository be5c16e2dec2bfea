"""Field trial, keyboard entry and restart: the judge comes back to where they were, Enter never
lands on a filled cell, values read as typed, each cell says what it accepts, an empty correction
reason is asked again, and the log-in remembers who used this laptop last."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFormLayout, QLabel

from scorer import access
from scorer.store import Store
from ui.context import AppContext
from ui.windows.login import LoginDialog
from ui.windows.score_entry import ScoreEntryWidget


@pytest.fixture(autouse=True)
def settings(tmp_path) -> QSettings:
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    s = QSettings()
    s.clear()
    return s


def _entry(qtbot, store: Store, code: str, size: tuple[int, int] = (1000, 700)) -> ScoreEntryWidget:
    judge = next(j for j in store.competition.judges if j.code == code)
    w = ScoreEntryWidget(AppContext(store, judge))
    w.clock = itertools.count(0.0, 180.0).__next__
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    return w


def _at(w: ScoreEntryWidget) -> tuple[str, str]:
    i = w.grid.currentIndex()
    return w.model.contestant_at(i.row()).code, w.model.aspect_at(i.column()).code


def _type(qtbot, w: ScoreEntryWidget, text: str) -> None:
    qtbot.keyClicks(w.grid, text)
    qtbot.keyClick(w.grid, Qt.Key.Key_Return)


VALUES = {"A1.1": "24.01", "A1.2": "1.6", "A1.3": "pass", "B1.1": "2", "B1.2": "0", "B1.3": "2:25:30"}


def test_reopening_lands_on_the_next_empty_cell(qtbot, ui_store):
    for aspect in ("A1.1", "A1.2"):
        ui_store.record_mark(judge="J1", contestant="C01", aspect=aspect, value=VALUES[aspect])
    w = _entry(qtbot, ui_store, "J1")
    assert _at(w) == ("C01", "A1.3")  # the first empty cell in the paper's reading order


def test_enter_at_the_end_of_a_row_goes_to_the_next_rows_first_empty_cell(qtbot, ui_store):
    ui_store.record_mark(judge="J1", contestant="C02", aspect="A1.1", value="24.01")  # the next row's first
    w = _entry(qtbot, ui_store, "J1")
    for aspect in ("A1.1", "A1.2", "A1.3", "B1.1", "B1.2", "B1.3"):
        assert _at(w) == ("C01", aspect)
        _type(qtbot, w, VALUES[aspect])
    assert _at(w) == ("C02", "A1.2")  # along the paper's line, never onto the filled C02 A1.1
    # Fill everything else: at the end Enter says so and stays.
    for _ in range(11):
        _type(qtbot, w, VALUES[_at(w)[1]])
    assert "已全部录入" in w.status.text() and "已保存" in w.status.text()
    assert w.history.count() == 1 and "录入" in w.history.item(0).text()  # the cell stays: its history shows
    assert len(ui_store.marks("CNC")) == 18
    _at_end = _at(w)
    qtbot.keyClick(w.grid, Qt.Key.Key_Return)  # nothing left: Enter stays put
    assert _at(w) == _at_end


def test_enter_stops_at_the_forms_end_and_says_what_is_left(qtbot, ui_store):
    """The paper has an end: Enter never wraps round to the top; it stays on the last cell and
    names the first cell still empty."""
    w = _entry(qtbot, ui_store, "J1")
    w.grid.setCurrentIndex(w.model.index_of("C03", "B1.2"))
    for aspect in ("B1.2", "B1.3"):
        _type(qtbot, w, VALUES[aspect])
    assert _at(w) == ("C03", "B1.3")  # not C01 A1.1 at the top
    assert "已到评分表末尾" in w.status.text() and "还有 16 格未录入" in w.status.text()
    assert "第 1 行 C01 A1.1" in w.status.text()
    qtbot.keyClick(w.grid, Qt.Key.Key_Return)
    assert _at(w) == ("C03", "B1.3")


def test_times_read_as_typed_everywhere_in_the_window(qtbot, ui_store):
    w = _entry(qtbot, ui_store, "J1")
    w.grid.setCurrentIndex(w.model.index_of("C01", "B1.3"))
    _type(qtbot, w, "2:25:30")
    [mark] = [m for m in ui_store.marks("CNC") if m.aspect == "B1.3"]
    assert mark.value == "8730"  # stored in seconds…
    cell = w.model.index_of("C01", "B1.3")
    assert cell.data(Qt.ItemDataRole.DisplayRole) == "2:25:30"  # …shown as typed
    assert "2:25:30" in w.status.text()
    w.grid.setCurrentIndex(cell)
    assert "2:25:30" in w.history.item(0).text() and "8730" not in w.history.item(0).text()
    w.grid.setCurrentIndex(w.model.index_of("C02", "B1.3"))
    _type(qtbot, w, "25:30.5")
    assert w.model.index_of("C02", "B1.3").data(Qt.ItemDataRole.DisplayRole) == "25:30.5"


def test_the_focused_cell_says_what_it_accepts(qtbot, ui_store):
    w = _entry(qtbot, ui_store, "J1")
    assert "C01" in w.hint.text() and "24" in w.hint.text() and "合理范围" in w.hint.text()
    w.grid.setCurrentIndex(w.model.index_of("C02", "B1.3"))
    assert "时:分:秒" in w.hint.text()
    w.grid.setCurrentIndex(w.model.index_of("C02", "A1.2"))
    assert "0.8 / 1.6 / 3.2 / 6.3" in w.hint.text()
    w.grid.setCurrentIndex(w.model.index_of("C02", "B1.1"))
    assert "0–3" in w.hint.text()


def test_an_empty_correction_reason_keeps_the_value_and_asks_again(qtbot, ui_store):
    w = _entry(qtbot, ui_store, "J1")
    _type(qtbot, w, "24.01")
    answers = iter(["", "  ", "读数看错"])
    asked: list[tuple[str, str]] = []

    def ask(old: str, new: str) -> str | None:
        asked.append((old, new))
        return next(answers)

    w.ask_reason = ask  # type: ignore[method-assign]
    w.grid.setCurrentIndex(w.model.index_of("C01", "A1.1"))
    _type(qtbot, w, "24.015")
    assert asked == [("24.01", "24.015")] * 3
    [correction] = list(ui_store.log(("mark.correct",)))
    assert correction.payload["value"] == "24.015" and correction.payload["reason"] == "读数看错"


def test_the_row_being_entered_is_fully_in_view_and_the_grid_has_most_of_the_window(qtbot, ui_store):
    w = _entry(qtbot, ui_store, "J1", size=(900, 700))
    assert w.grid.height() >= 0.6 * w.height(), (w.grid.height(), w.height())
    small = _entry(qtbot, ui_store, "J2", size=(900, 330))
    small.grid.setCurrentIndex(small.model.index_of("C01", "B1.1"))
    for value in ("2", "3"):
        _type(qtbot, small, value)
        rect = small.grid.visualRect(small.grid.currentIndex())
        viewport = small.grid.viewport().rect()
        assert viewport.contains(rect), (rect, viewport)


def test_login_offers_the_last_person_on_this_laptop_and_is_labelled_for_everyone(qtbot, ui_store):
    access.login(ui_store, "J2", "2222")
    with Store.open(ui_store.path) as again:
        dialog = LoginDialog(again)
        qtbot.addWidget(dialog)
        assert dialog.selected_code() == "J2"
        form = dialog.findChild(QFormLayout)
        label = form.labelForField(dialog.who)
        assert isinstance(label, QLabel) and label.text() == "登录人"
        qtbot.keyClicks(dialog.pin, "2222")
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
        assert dialog.judge is not None and dialog.judge.code == "J2"


def test_a_judge_without_assignments_is_told_what_to_fill_in(qtbot, ui_store):
    from dataclasses import replace

    comp = ui_store.competition
    judges = tuple(replace(j, assignments=()) if j.code == "J2" else j for j in comp.judges)
    ui_store.set_competition(replace(comp, judges=judges), "C1")
    w = _entry(qtbot, ui_store, "J2")
    assert "没有分工" in w.reason.text() and "裁判分工" in w.reason.text()
