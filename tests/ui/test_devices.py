"""The devices panel over a real pseudo-terminal: readings flow into the focused cell, or a
timer's start/finish by bib becomes a time mark — logged with the port and the raw records."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from scorer.devices import profiles
from scorer.devices.simulator import Simulator
from ui.windows.devices import DevicesWidget
from ui.windows.score_entry import MarkEditor, ScoreEntryWidget


@pytest.fixture
def sim():
    s = Simulator("pty")
    yield s
    s.close()


def test_caliper_reading_lands_in_the_focused_cell(ctx_for, ui_store, qtbot, sim):
    ctx = ctx_for("J1")
    entry = ScoreEntryWidget(ctx)
    panel = DevicesWidget(ctx)
    qtbot.addWidget(entry)
    qtbot.addWidget(panel)
    entry.show()
    entry.grid.setCurrentIndex(entry.model.index_of("C02", "A1.1"))
    worker = panel.add(sim.path, profiles.get("mitutoyo"))
    try:
        qtbot.waitUntil(lambda: panel.table.item(0, 2).text().startswith("已连接"), timeout=5000)
        sim.send(b"01A+0024.012\r")
        qtbot.waitUntil(
            lambda: any(e.text() == "24.012" for e in entry.grid.findChildren(MarkEditor)), timeout=5000
        )
        [editor] = [e for e in entry.grid.findChildren(MarkEditor) if e.text() == "24.012"]
        assert list(ui_store.log(("mark",))) == []  # waits for the judge's Enter
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        [row] = ui_store.log(("mark",))
        assert row.payload["value"] == "24.012" and row.source == f"device:{sim.path}"
        assert row.raw == b"01A+0024.012"
        assert "24.012" in panel.table.item(0, 3).text()
    finally:
        worker.stop()


def test_timer_start_finish_by_bib_becomes_a_time_mark(ctx_for, ui_store, qtbot, sim):
    ctx = ctx_for("J1")
    panel = DevicesWidget(ctx)
    qtbot.addWidget(panel)
    target = panel.target_box.findData("CNC:B1.3")
    assert target >= 0
    worker = panel.add(sim.path, profiles.get("alge-timy"), "CNC:B1.3")
    try:
        qtbot.waitUntil(lambda: panel.table.item(0, 2).text().startswith("已连接"), timeout=5000)
        sim.send(b" 0001 C0  09:00:00.0000 00\r")
        sim.send(b" 0001 C1  11:32:30.5000 00\r")
        qtbot.waitUntil(lambda: len(list(ui_store.log(("mark",)))) == 1, timeout=5000)
        [row] = ui_store.log(("mark",))
        assert (row.payload["contestant"], row.payload["aspect"]) == ("C01", "B1.3")
        assert float(row.payload["value"]) == 9150.5
        assert b"C0" in row.raw and b"C1" in row.raw
    finally:
        worker.stop()


def test_garbage_shows_a_fault_and_makes_no_mark(ctx_for, ui_store, qtbot, sim):
    ctx = ctx_for("J1")
    panel = DevicesWidget(ctx)
    qtbot.addWidget(panel)
    worker = panel.add(sim.path, profiles.get("mitutoyo"))
    try:
        qtbot.waitUntil(lambda: panel.table.item(0, 2).text().startswith("已连接"), timeout=5000)
        for _ in range(4):
            sim.send(b"\xfe\x81garbage!!\r")
        qtbot.waitUntil(lambda: panel.log.count() >= 3, timeout=5000)
        assert "故障" in panel.log.item(0).text()
        assert list(ui_store.log(("mark",))) == []
    finally:
        worker.stop()


def test_timer_record_without_bib_is_assigned_by_the_judge(ctx_for, ui_store, qtbot, sim):
    ctx = ctx_for("J1")
    panel = DevicesWidget(ctx)
    qtbot.addWidget(panel)
    worker = panel.add(sim.path, profiles.get("alge-timy"), "CNC:B1.3")
    try:
        qtbot.waitUntil(lambda: panel.table.item(0, 2).text().startswith("已连接"), timeout=5000)
        sim.send(b" 0002 C0  09:00:00.0000 00\r")
        sim.send(b"?0000 C1  10:00:00.0000 00\r")
        qtbot.waitUntil(lambda: panel.unassigned.count() == 1, timeout=5000)
        panel.unassigned.setCurrentRow(0)
        panel.assign_to.setCurrentText("C02")
        panel.assign_selected()
        [row] = ui_store.log(("mark",))
        assert row.payload["contestant"] == "C02" and float(row.payload["value"]) == 3600.0
        assert panel.unassigned.count() == 0
    finally:
        worker.stop()
