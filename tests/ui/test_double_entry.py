"""Paper double entry by two clerks, typed into the grid with real key events."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QTableWidget

from scorer import double_entry
from ui.windows.double_entry import ENTERED, MISMATCH, RECORDED, STATE_ROLE, DoubleEntryWidget


def _widget(qtbot, ctx, judge: str, pass_no: int) -> DoubleEntryWidget:
    w = DoubleEntryWidget(ctx)
    qtbot.addWidget(w)
    w.show()
    judges = w.findChild(QComboBox, "judge")
    judges.setCurrentIndex(judges.findData(judge))
    passes = w.findChild(QComboBox, "pass")
    passes.setCurrentIndex(passes.findData(pass_no))
    return w


def _cell(w: DoubleEntryWidget, contestant: str, aspect: str) -> tuple[int, int]:
    return w.contestant_codes().index(contestant), w.aspect_codes().index(aspect)


def _type(qtbot, w: DoubleEntryWidget, contestant: str, aspect: str, text: str) -> QLineEdit:
    """Put the cursor on a cell and type: the first key opens the cell's editor; the editor is returned."""
    grid = w.findChild(QTableWidget, "grid")
    grid.setCurrentCell(*_cell(w, contestant, aspect))
    qtbot.keyClicks(grid, text[0])
    editor = grid.indexWidget(grid.currentIndex())
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, text[1:])
    return editor


def _enter(qtbot, w: DoubleEntryWidget, contestant: str, aspect: str, text: str) -> None:
    editor = _type(qtbot, w, contestant, aspect, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def _state(w: DoubleEntryWidget, contestant: str, aspect: str) -> str:
    return w.findChild(QTableWidget, "grid").item(*_cell(w, contestant, aspect)).data(STATE_ROLE)


def _marks(store) -> dict[tuple[str, str, str], str]:
    return {(m.contestant, m.aspect, m.judge): m.value for m in store.marks("CNC")}


def test_grid_shows_codes_and_the_judges_aspects(qtbot, ctx_for):
    """Rows are contestant codes only; columns are the aspects the chosen judge may mark."""
    w = _widget(qtbot, ctx_for("L1"), "J2", 1)
    grid = w.findChild(QTableWidget, "grid")
    assert [grid.verticalHeaderItem(r).text() for r in range(grid.rowCount())] == [
        "1  C01",
        "2  C02",
        "3  C03",
    ]
    assert [grid.horizontalHeaderItem(c).text().split()[0] for c in range(grid.columnCount())] == ["B1.1"]
    assert "满分" in grid.horizontalHeaderItem(0).text()  # the paper's header text, not just the code
    judges = w.findChild(QComboBox, "judge")
    assert [judges.itemData(i) for i in range(judges.count())] == ["J1", "J2", "J3", "K1"]
    assert "张伟" not in str([grid.verticalHeaderItem(r).text() for r in range(grid.rowCount())])


def test_agreeing_passes_become_marks(qtbot, ctx_for, ui_store):
    """Pass 1 by L1 and pass 2 by L2 agree: each cell becomes a mark, announced once."""
    first = _widget(qtbot, ctx_for("L1"), "J1", 1)
    _enter(qtbot, first, "C01", "A1.1", "24.01")
    grid = first.findChild(QTableWidget, "grid")
    assert (grid.currentRow(), grid.currentColumn()) == _cell(first, "C01", "A1.2")  # along the paper's row
    _enter(qtbot, first, "C02", "A1.1", "24.02")
    assert _state(first, "C01", "A1.1") == ENTERED
    assert _marks(ui_store) == {}

    ctx2 = ctx_for("L2")
    second = DoubleEntryWidget(ctx2)
    qtbot.addWidget(second)
    second.show()
    assert second.current_pass() == 2  # L1 has begun J1's form: L2 is offered the second pass
    assert "第二遍" in second.findChild(QComboBox, "pass").currentText()
    assert _state(second, "C01", "A1.1") == ""  # pass 2 does not see pass 1's values
    with qtbot.waitSignal(ctx2.saved) as blocker:
        _enter(qtbot, second, "C01", "A1.1", "24.01")
    assert blocker.args[:2] == ["CNC", "C01"]
    _enter(qtbot, second, "C02", "A1.1", "24.02")
    qtbot.waitUntil(lambda: _state(second, "C02", "A1.1") == RECORDED)
    assert _marks(ui_store) == {("C01", "A1.1", "J1"): "24.01", ("C02", "A1.1", "J1"): "24.02"}
    assert grid.item(*_cell(first, "C01", "A1.1")).text() == "24.01"
    assert "分数已记录" in second.findChild(QLabel, "reason").text()


def test_a_mismatch_is_resolved_from_the_paper_never_by_retyping_a_shown_value(qtbot, ctx_for, ui_store):
    """Disagreeing passes record nothing; no screen shows either value to a clerk; re-entering pass
    1 or 2 is refused; a third pass typed from the paper that agrees with one of them records it,
    logged as entry.resolve pass 3."""
    first = _widget(qtbot, ctx_for("L1"), "J2", 1)
    _enter(qtbot, first, "C01", "B1.1", "2")
    second = _widget(qtbot, ctx_for("L2"), "J2", 2)
    _enter(qtbot, second, "C01", "B1.1", "3")

    assert _state(second, "C01", "B1.1") == MISMATCH
    assert _marks(ui_store) == {}
    table = second.findChild(QTableWidget, "mismatches")
    assert table.rowCount() == 1
    shown = [table.item(0, c).text() for c in range(table.columnCount())]
    assert shown == ["C01", "B1.1", "J2", "L1", "L2"]  # the cell and the clerks, never the values
    grid = second.findChild(QTableWidget, "grid")
    assert grid.item(*_cell(second, "C01", "B1.1")).text() == ""

    first.refresh()
    assert _state(first, "C01", "B1.1") == MISMATCH
    assert first.findChild(QTableWidget, "grid").item(*_cell(first, "C01", "B1.1")).text() == ""
    _enter(qtbot, first, "C01", "B1.1", "3")  # copying the other value into pass 1: refused
    assert "第三遍" in first.findChild(QLabel, "reason").text()
    assert _marks(ui_store) == {}

    third = DoubleEntryWidget(ctx_for("L1"))
    qtbot.addWidget(third)
    third.show()
    judges = third.findChild(QComboBox, "judge")
    judges.setCurrentIndex(judges.findData("J2"))
    assert third.current_pass() == 1  # L1 carries on with their own pass …
    passes = third.findChild(QComboBox, "pass")
    passes.setCurrentIndex(passes.findData(3))  # … and picks the third to settle the mismatch
    editor = _type(qtbot, third, "C01", "B1.1", "2")
    assert editor.text() == "2"  # the cell opened empty: nothing to copy
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert _marks(ui_store) == {("C01", "B1.1", "J2"): "2"}
    assert _state(third, "C01", "B1.1") == RECORDED
    assert third.findChild(QTableWidget, "mismatches").rowCount() == 0
    assert double_entry.mismatches(ui_store, "CNC") == []
    [resolve] = list(ui_store.log(("entry.resolve",)))
    assert resolve.payload["pass"] == 3 and resolve.payload["value"] == "2" and resolve.actor == "L1"


def test_both_passes_done_by_others_offers_the_third_pass(qtbot, ctx_for, ui_store):
    """A clerk who did neither pass of a form with a mismatch is offered the third pass."""
    from dataclasses import replace

    from scorer.model import Assignment, Judge, Role

    double_entry.enter(
        ui_store, clerk="L1", pass_no=1, judge="J2", contestant="C01", aspect="B1.1", value="2"
    )
    double_entry.enter(
        ui_store, clerk="L2", pass_no=2, judge="J2", contestant="C01", aspect="B1.1", value="3"
    )
    comp = ui_store.competition
    l3 = Judge("L3", "第三录分员", Role.CLERK, assignments=(Assignment("CNC", ("*",)),))
    ui_store.set_competition(replace(comp, judges=(*comp.judges, l3)), "C1")
    w = _widget(qtbot, ctx_for("L3"), "J1", 1)
    judges = w.findChild(QComboBox, "judge")
    judges.setCurrentIndex(judges.findData("J2"))
    assert w.current_pass() == 3


def test_invalid_values_are_refused_with_the_reason(qtbot, ctx_for, ui_store):
    """A bad value shows why as it is typed; Enter writes nothing and keeps the cell open."""
    w = _widget(qtbot, ctx_for("L1"), "J1", 1)
    reason = w.findChild(QLabel, "reason")
    rows = ui_store.count()
    editor = _type(qtbot, w, "C01", "A1.1", "2.4")
    assert "不在合理范围" in reason.text()  # a slipped decimal point, seen while typing
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert ui_store.count() == rows and double_entry.waiting(ui_store, "CNC") == []
    grid = w.findChild(QTableWidget, "grid")
    assert grid.indexWidget(grid.currentIndex()) is editor  # still open for a fix
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "abc")
    assert "不是数字" in reason.text()
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert ui_store.count() == rows

    _enter(qtbot, w, "C01", "A1.3", "ok")
    assert double_entry.waiting(ui_store, "CNC") == [("C01", "A1.3", "J1", 1)]
    passes = w.findChild(QComboBox, "pass")
    passes.setCurrentIndex(passes.findData(2))
    _enter(qtbot, w, "C01", "A1.3", "pass")  # the same clerk may not enter the second pass
    assert "两名不同的录分员" in reason.text()
    assert _marks(ui_store) == {}


def test_scanning_a_form_qr_opens_that_form(ctx_for, ui_store, qtbot):
    """A scanner types the form's QR payload + Enter: the event and the judge of that form open."""
    from scorer.reports.data import event_data
    from scorer.reports.marking_forms import form_id

    w = DoubleEntryWidget(ctx_for("L1"))
    qtbot.addWidget(w)
    payload = form_id(event_data(ui_store, "CNC"), "J2")
    qtbot.keyClicks(w.form_code, payload)
    qtbot.keyClick(w.form_code, Qt.Key.Key_Return)
    assert (w.current_event(), w.current_judge()) == ("CNC", "J2")
    assert "已打开评分表" in w.reason.text()
    assert not w.open_form("SCORER-FORM|another-contest|CNC|J2|abc")
    assert "另一个竞赛" in w.reason.text()
    assert not w.open_form("hello")
