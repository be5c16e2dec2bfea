"""Progress and checks: missing marks, re-scoring and conflict-of-interest flags per event."""

from __future__ import annotations

from scorer.session import Session
from ui.windows.progress import (
    COL_CONFLICT,
    COL_MISSING,
    KIND_ALL,
    KIND_CONFLICT,
    KIND_RESCORE,
    ProgressModel,
    ProgressWidget,
    progress_rows,
)


def _judge(store, code):
    return next(j for j in store.competition.judges if j.code == code)


def _codes(model) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def _choose(box, data: str) -> None:
    box.setCurrentIndex(box.findData(data))


def test_model_counts_missing_rescore_and_conflicts(ui_store):
    """Without a widget: one row per contestant, conflicts name the judge, counts add up."""
    k1 = Session(ui_store, _judge(ui_store, "K1"))
    for judge, value in (("J1", "1"), ("J2", "3"), ("J3", "3")):
        Session(ui_store, _judge(ui_store, judge), k1.live).record("C01", "B1.1", value)
    comp = ui_store.competition
    rows = progress_rows(
        k1.results("CNC"),
        k1.contestants("CNC"),
        {j.code: j.organisation for j in comp.judges},
        lambda: ui_store.marks("CNC"),
        names_visible=False,
    )
    model = ProgressModel()
    model.set_rows(rows, names_visible=False)
    assert _codes(model) == ["C01", "C02", "C03"]
    assert model.counts() == (3, 1, 1)
    assert model.index(0, model.column_of(COL_CONFLICT)).data() == "J1 · B1.1"
    assert model.index(1, model.column_of(COL_MISSING)).data().startswith("T1.1.1、A1.1")
    assert rows[0].name == "" and rows[0].organisation == ""


def test_progress_shows_missing_aspects_and_a_conflict_flag(ctx_for, ui_store, qtbot):
    """A mark by J1 on C01 (both 上海电气) appears as a conflict; the summary counts it."""
    ctx = ctx_for("K1")
    w = ProgressWidget(ctx)
    qtbot.addWidget(w)
    summary = w.findChild(type(w.summary), "summary")
    assert summary.text() == "3 名选手缺分，0 项需重评，0 条利益冲突"
    missing = w.model.column_of(COL_MISSING)
    assert w.proxy.index(0, missing).data() == "T1.1.1、A1.1、A1.2、A1.3、B1.1、B1.2、B1.3"

    ctx.switch_judge(_judge(ui_store, "J1"))
    assert "无权" in w.error.text()  # a plain judge sees no progress
    ctx.record("C01", "A1.1", "24.01")
    ctx.switch_judge(_judge(ui_store, "K1"))
    qtbot.waitUntil(lambda: summary.text() == "3 名选手缺分，0 项需重评，1 条利益冲突")
    _choose(w.findChild(type(w.kind_box), "kind"), KIND_CONFLICT)
    table = w.findChild(type(w.table), "table")
    assert _codes(table.model()) == ["C01"]
    assert table.model().index(0, w.model.column_of(COL_CONFLICT)).data() == "J1 · A1.1"
    assert "上海电气" not in (table.model().index(0, w.model.column_of(COL_CONFLICT)).data() or "")


def test_progress_follows_saved_marks_and_filters_rescore(ctx_for, qtbot):
    """Saved marks shrink the missing list at once; a judges' spread over the limit is re-score."""
    ctx = ctx_for("K1")
    w = ProgressWidget(ctx)
    qtbot.addWidget(w)
    ctx.record("C03", "T1.1.1", "88")
    missing = w.model.column_of(COL_MISSING)
    qtbot.waitUntil(lambda: w.model.index(2, missing).data() == "A1.1、A1.2、A1.3、B1.1、B1.2、B1.3")
    _choose(w.kind_box, KIND_RESCORE)
    assert w.proxy.rowCount() == 0
    # K1 may mark every aspect, but a judgement panel has one slot per judge: use the panel.
    for judge, value in (("J1", "0"), ("J2", "3"), ("J3", "3")):
        w.ctx.switch_judge(_judge(ctx.store, judge))
        ctx.record("C02", "B1.1", value)
    w.ctx.switch_judge(_judge(ctx.store, "K1"))
    qtbot.waitUntil(lambda: _codes(w.proxy) == ["C02"])
    assert w.summary.text() == "3 名选手缺分，1 项需重评，0 条利益冲突"
    _choose(w.kind_box, KIND_ALL)
    assert w.proxy.rowCount() == 3
