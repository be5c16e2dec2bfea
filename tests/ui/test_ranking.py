"""The live ranking: ResultsModel without widgets, and RankingWidget driven by saved marks."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import QItemSelectionModel, Qt

from scorer.model import Ranking
from scorer.rules import explain
from scorer.session import Session
from tests.lockhelp import force_lock
from ui.models.results import (
    COL_CODE,
    COL_NAME,
    COL_ORG,
    COL_RANK,
    COL_TOTAL,
    KEY_ROLE,
    SORT_ROLE,
    ResultsModel,
    RowFilterProxy,
)
from ui.windows.ranking import RankingWidget


def _judge(store, code):
    return next(j for j in store.competition.judges if j.code == code)


def _codes(model) -> list[str]:
    return [model.index(r, 0).data(KEY_ROLE) for r in range(model.rowCount())]


def _loaded_model(ctx, names: bool) -> ResultsModel:
    model = ResultsModel()
    model.set_result(
        ctx.session.results("CNC"),
        names,
        ctx.store.competition.event("CNC"),
        ctx.session.contestants("CNC"),
    )
    return model


def test_model_sorts_totals_as_numbers(ctx_for):
    """Totals 9.00, 12.00 and 30.00 sort as numbers (a text sort would put 12.00 first)."""
    ctx = ctx_for("K1")
    for code, value in (("C01", "30"), ("C02", "40"), ("C03", "100")):
        ctx.record(code, "T1.1.1", value)
    model = _loaded_model(ctx, names=False)
    total = model.column_of(COL_TOTAL)
    assert model.index(0, total).data(SORT_ROLE) == Decimal("30.00")
    model.sort(total, Qt.SortOrder.AscendingOrder)
    assert _codes(model) == ["C01", "C02", "C03"]
    assert [model.index(r, total).data() for r in range(3)] == ["9.00", "12.00", "30.00"]
    model.sort(model.column_of(COL_RANK), Qt.SortOrder.AscendingOrder)
    assert _codes(model) == ["C03", "C02", "C01"]
    assert model.index(0, model.column_of(COL_RANK)).data(SORT_ROLE) == 1


def test_model_hides_names_and_filters_by_name_when_visible(ctx_for):
    """Without names there are no name columns and the filter matches codes only."""
    ctx = ctx_for("K1")
    hidden = _loaded_model(ctx, names=False)
    assert hidden.column_of(COL_NAME) == -1 and hidden.column_of(COL_ORG) == -1
    headers = [hidden.headerData(c, Qt.Orientation.Horizontal) for c in range(hidden.columnCount())]
    assert headers[:2] == ["名次", "加密号"] and "理论知识" in headers
    proxy = RowFilterProxy()
    proxy.setSourceModel(hidden)
    proxy.set_text("张伟")
    assert proxy.rowCount() == 0
    proxy.set_text("c02")
    assert _codes(proxy) == ["C02"]

    shown = _loaded_model(ctx, names=True)
    row = shown.row_of("C01")
    assert shown.index(row, shown.column_of(COL_NAME)).data() == "张伟"
    proxy.setSourceModel(shown)
    proxy.set_text("上海电气")
    assert sorted(_codes(proxy)) == ["C01", "C03"]
    proxy.set_text("")
    assert proxy.rowCount() == 3


def test_ranking_follows_saved_marks(ctx_for, qtbot):
    """A saved mark re-ranks the table at once, keeping the selected contestant selected."""
    ctx = ctx_for("K1")
    w = RankingWidget(ctx)
    qtbot.addWidget(w)
    table = w.findChild(type(w.table), "table")
    assert table.model().rowCount() == 3
    w.table.selectRow(w.proxy.mapFromSource(w.model.index(w.model.row_of("C03"), 0)).row())
    assert w.selected_codes() == ["C03"]
    ctx.record("C02", "T1.1.1", "80")
    code_col = w.model.column_of(COL_CODE)
    qtbot.waitUntil(lambda: table.model().index(0, code_col).data() == "C02")
    assert table.model().index(0, w.model.column_of(COL_TOTAL)).data() == "24.00"
    assert w.selected_codes() == ["C03"]


def test_detail_shows_every_mark_behind_the_score(ctx_for, ui_store, qtbot):
    """Clicking a contestant lists each aspect's score, the counted judge scores and the raw marks."""
    ctx = ctx_for("K1")
    w = RankingWidget(ctx)
    qtbot.addWidget(w)
    ids = {}
    for judge, value in (("J1", "2"), ("J2", "3"), ("J3", "3")):
        ctx.switch_judge(_judge(ui_store, judge))
        ids[judge] = ctx.record("C01", "B1.1", value).log_id
    ctx.switch_judge(_judge(ui_store, "K1"))
    row = w.proxy.mapFromSource(w.model.index(w.model.row_of("C01"), 0)).row()
    w.table.selectRow(row)
    detail = w.findChild(type(w.detail), "detail")
    qtbot.waitUntil(lambda: "B1.1" in detail.toPlainText())
    text = detail.toPlainText()
    assert f"J1：2（记录 #{ids['J1']}）" in text
    assert f"J3：3（记录 #{ids['J3']}）" in text
    assert "计入：2、3、3" in text
    assert "T1.1.1 理论成绩：缺分" in text
    assert "张伟" not in text  # the chief judge sees codes only until decryption
    ctx.record("C01", "A1.1", "24.01")  # a later mark for the shown contestant refreshes the panel
    qtbot.waitUntil(lambda: "24.01" in detail.toPlainText())


def test_two_selected_rows_explain_their_order(ctx_for, qtbot):
    """With exactly two rows selected, the explain action shows the core's explanation."""
    ctx = ctx_for("K1")
    ctx.record("C01", "T1.1.1", "70")
    ctx.record("C02", "T1.1.1", "90")
    w = RankingWidget(ctx)
    qtbot.addWidget(w)
    button = w.findChild(type(w.explain_button), "explain")
    assert not button.isEnabled()
    selection = w.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for code in ("C01", "C02"):
        selection.select(w.proxy.mapFromSource(w.model.index(w.model.row_of(code), 0)), flags)
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    expected = explain(ctx.store.competition.event("CNC"), ctx.session.results("CNC"), "C02", "C01").text()
    qtbot.waitUntil(lambda: expected in w.detail.toPlainText())
    assert "C02 27.00 > C01 21.00" in expected


def test_judge_gets_the_refusal_instead_of_a_table(ctx_for, qtbot):
    """A plain judge may not see results: the core's message shows and no row (or name) is shown."""
    w = RankingWidget(ctx_for("J1"))
    qtbot.addWidget(w)
    w.show()
    assert w.model.rowCount() == 0
    assert "无权" in w.error.text() and w.error.isVisible()
    assert not w.table.isVisible()


def test_names_appear_for_the_chief_only_after_decryption(ctx_for, ui_store, qtbot):
    """K1 sees codes only; once the event is locked and decrypted the names show."""
    ctx = ctx_for("K1")
    w = RankingWidget(ctx)
    qtbot.addWidget(w)
    assert w.model.column_of(COL_NAME) == -1
    force_lock(ui_store, "CNC", "K1", ["J1"])
    Session(ui_store, _judge(ui_store, "E1")).decrypt("CNC")
    ctx.event_changed("CNC")
    qtbot.waitUntil(lambda: w.model.column_of(COL_NAME) != -1)
    w.filter_box.setText("欧阳")
    assert _codes(w.proxy) == ["C03"]


def test_unresolved_medal_tie_shows_a_red_banner(ctx_for, ui_store, qtbot):
    """With no shared award places, a tie on an award place is shown as a blocking problem."""
    comp = ui_store.competition
    event = comp.events[0]
    strict = replace(event, ranking=Ranking(tie_breaks=event.ranking.tie_breaks, shared_medal_places=False))
    ui_store.set_competition(replace(comp, events=(strict,)), "C1")
    w = RankingWidget(ctx_for("K1"))
    qtbot.addWidget(w)
    w.show()
    assert w.problems.isVisible()
    assert "并列" in w.problems.text()
