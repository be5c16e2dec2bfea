"""The audit view: the log as a table (AuditModel without widgets too) and the hash-chain status."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt

from ui.models.audit_log import (
    COL_ACTOR,
    COL_ID,
    COL_KIND,
    COL_RAW,
    COL_SOURCE,
    COL_SUMMARY,
    AuditModel,
)
from ui.models.results import KEY_ROLE, RowFilterProxy
from ui.windows.audit import AuditWidget


def _ids(model) -> list[int]:
    return [model.index(r, 0).data(KEY_ROLE) for r in range(model.rowCount())]


def test_model_shows_rows_codes_only_and_raw_records(ui_store):
    """Kinds, sources and payloads read as text; the raw device record is escaped; no names."""
    ui_store.record_mark(
        judge="J1", contestant="C01", aspect="A1.1", value="24.01", source="device", raw=b"\x0224.010\r\n"
    )
    model = AuditModel()
    model.load(ui_store.log())
    assert model.rowCount() == 3
    definition, mark = 1, 2
    assert model.index(definition, COL_SUMMARY).data() == "迷你测试赛：1 个项目，3 名选手，8 名裁判"
    assert model.index(mark, COL_KIND).data() == "评分"
    assert model.index(mark, COL_SOURCE).data() == "设备"
    assert model.index(mark, COL_SUMMARY).data() == "C01 A1.1 = 24.01"
    assert model.index(mark, COL_RAW).data() == "\\x0224.010\\r\\n"
    assert model.index(mark, COL_RAW).data(Qt.ItemDataRole.ToolTipRole) == "02 32 34 2e 30 31 30 0d 0a"
    assert not any("张伟" in model.filter_text(r) for r in range(model.rowCount()))


def test_model_inserts_new_rows_in_sorted_place(ui_store):
    """Appended rows land where the current sort puts them, without a reset."""
    model = AuditModel()
    model.load(ui_store.log())
    model.sort(COL_ID, Qt.SortOrder.DescendingOrder)
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    new = ui_store.record_mark(judge="J1", contestant="C02", aspect="A1.1", value="24.00")
    model.append([ui_store.get(new)])
    assert _ids(model) == [new, 2, 1]
    model.sort(COL_ACTOR, Qt.SortOrder.AscendingOrder)  # C1, J1, system
    newer = ui_store.record_mark(judge="J1", contestant="C03", aspect="A1.1", value="24.00")
    model.append([ui_store.get(newer)])
    assert _ids(model) == [2, new, newer, 1]
    assert len(resets) == 1  # the sort only


def test_audit_appends_saved_marks_and_filters(ctx_for, qtbot):
    """A saved mark appears as a new row at once; text and kind filters narrow the table."""
    ctx = ctx_for("K1")
    w = AuditWidget(ctx)
    qtbot.addWidget(w)
    table = w.findChild(type(w.table), "table")
    before = table.model().rowCount()
    with qtbot.waitSignal(w.model.rowsInserted):
        saved = ctx.record("C01", "A1.1", "24.01")
    qtbot.waitUntil(lambda: table.model().rowCount() == before + 1)
    assert table.model().index(before, COL_SUMMARY).data() == "C01 A1.1 = 24.01"
    ctx.record("C02", "T1.1.1", "75")
    # "c01 a1.1", not "c01": a random station id such as ST-9C01… would match that too
    w.findChild(type(w.filter_box), "filter").setText("c01 a1.1")
    assert _ids(table.model()) == [saved.log_id]
    w.filter_box.clear()
    kind = w.findChild(type(w.kind_box), "kind")
    kind.setCurrentIndex(kind.findData("mark"))
    assert table.model().rowCount() == 2
    kind.setCurrentIndex(kind.findData("definition"))
    assert _ids(table.model()) == [2]


def test_chain_status_turns_to_failure_after_tampering(ctx_for, ui_store, qtbot):
    """The chain is reported intact, then broken once a row is edited with plain sqlite3."""
    ctx = ctx_for("K1")
    ctx.record("C01", "A1.1", "24.01")
    w = AuditWidget(ctx)
    qtbot.addWidget(w)
    chain = w.findChild(type(w.chain), "chain")
    assert chain.text() == "哈希链完好"
    conn = sqlite3.connect(ui_store.path)
    conn.execute("DROP TRIGGER log_no_update")
    conn.execute("UPDATE log SET actor = 'X' WHERE id = 2")
    conn.commit()
    conn.close()
    qtbot.mouseClick(w.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chain.text() != "哈希链完好")
    assert chain.text().startswith("#2: 第 2 行")
    assert "被修改过" in chain.text()


def test_judge_may_not_see_the_audit(ctx_for, qtbot):
    """A plain judge gets a refusal and no log rows."""
    w = AuditWidget(ctx_for("J1"))
    qtbot.addWidget(w)
    assert w.model.rowCount() == 0
    assert w.error.text() == "当前登录的裁判无权查看审计日志"


def test_proxy_text_filter_is_case_insensitive(ui_store):
    """The filter proxy matches case-insensitively over every shown column."""
    model = AuditModel()
    model.load(ui_store.log())
    proxy = RowFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_text("SYSTEM")
    assert _ids(proxy) == [1]


def test_audit_shows_times_as_typed(ctx_for, qtbot):
    """A time typed 2:25:30 reads 2:25:30 in the audit log too (stored in seconds)."""
    ctx = ctx_for("K1")
    w = AuditWidget(ctx)
    qtbot.addWidget(w)
    before = w.table.model().rowCount()
    with qtbot.waitSignal(w.model.rowsInserted):
        ctx.record("C01", "B1.3", "2:25:30")
    qtbot.waitUntil(lambda: w.table.model().rowCount() == before + 1)
    assert w.table.model().index(before, COL_SUMMARY).data() == "C01 B1.3 = 2:25:30"
