"""Score entry: one judge's aspects × the event's contestants, typed into a grid.

Rows, columns and headers are the judge's printed form's (scorer.forms). The widget is assembled
from its parts: the grid and its keyboard (`grid`), entering and correcting marks (`entry`), where
the cursor goes next (`order`) and device readings (`devices`); this module lays them out, follows
the chosen event and its lock, and shows the selected cell's history (every log row behind it) and
what it accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from scorer.access import check_assigned
from scorer.errors import ScorerError
from scorer.store import LogRow
from scorer.values import show_value
from ui import i18n
from ui.models.score_grid import ScoreGridModel
from ui.widgets.device_strip import DeviceStrip
from ui.widgets.event_box import fill_event_box
from ui.windows.score_entry.devices import DeviceInput
from ui.windows.score_entry.entry import MarkEntry
from ui.windows.score_entry.grid import MarkDelegate, Move, ScoreGrid, monotonic_ms
from ui.windows.score_entry.order import ReadingOrder

_KIND_LABELS = {
    "mark": QT_TRANSLATE_NOOP("ScoreEntryWidget", "录入"),
    "mark.correct": QT_TRANSLATE_NOOP("ScoreEntryWidget", "更正"),
    "mark.void": QT_TRANSLATE_NOOP("ScoreEntryWidget", "作废"),
}
_SOURCE_LABELS = {
    "keyboard": QT_TRANSLATE_NOOP("ScoreEntryWidget", "键盘"),
    "device-wedge": QT_TRANSLATE_NOOP("ScoreEntryWidget", "仪器（键盘输入）"),
    "device": QT_TRANSLATE_NOOP("ScoreEntryWidget", "仪器"),
    "double-entry": QT_TRANSLATE_NOOP("ScoreEntryWidget", "双人录入"),
    "import": QT_TRANSLATE_NOOP("ScoreEntryWidget", "导入"),
    "cli": QT_TRANSLATE_NOOP("ScoreEntryWidget", "命令行"),
    "sync": QT_TRANSLATE_NOOP("ScoreEntryWidget", "同步"),
}


class ScoreEntryWidget(MarkEntry, DeviceInput, ReadingOrder, QWidget):
    """The score-entry tab: event chooser, lock banner, the grid, the device strip, the message
    lines and the selected cell's history. Its behaviour comes from the mixed-in parts."""

    # A value was refused or could not be saved; the text is what the widget shows (in red).
    refused = Signal(str)
    # A mark, or a correction, is durable: (contestant, aspect, log id).
    entered = Signal(str, str, int)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.clock: Callable[[], float] = monotonic_ms  # tests may replace it to type "slowly"
        self._own_save = False

        self.event_box = QComboBox()
        self.event_box.setObjectName("event")
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#fff3c4; color:#7a4b00; padding:6px; font-weight:bold;")
        self.banner.hide()

        self.model = ScoreGridModel(ctx, self)
        self.grid = ScoreGrid()
        self.grid.setObjectName("grid")
        self.grid.setModel(self.model)
        self.delegate = MarkDelegate(self)
        self.grid.setItemDelegate(self.delegate)
        self.grid.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.grid.setTabKeyNavigation(True)
        self.grid.horizontalHeader().setDefaultSectionSize(120)
        self.grid.horizontalHeader().setMinimumSectionSize(96)  # room to type 152:30.5
        self.grid.horizontalHeader().setResizeContentsPrecision(50)
        self.grid.horizontalHeader().setMinimumHeight(44)
        self.grid.setWordWrap(False)

        self.reason = QLabel()
        self.reason.setObjectName("reason")
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet("color:#c00000;")
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setStyleSheet("color:#1d6b1d;")
        self.panel = QLabel()
        self.panel.setObjectName("panel")
        self.hint = QLabel()
        self.hint.setObjectName("hint")  # what the focused cell accepts, before anything is typed
        self.hint.setStyleSheet("color:#334155;")
        self.history = QListWidget()
        self.history.setObjectName("history")
        self.history.setMaximumHeight(84)
        self.history.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("项目：")))
        top.addWidget(self.event_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.hint)
        layout.addWidget(self.grid, 1)
        self.device_strip = DeviceStrip(ctx, self)  # each bound device's state and last event
        layout.addWidget(self.device_strip)
        # One line for the refusal (red) and the last save (green), one for the panel: the grid
        # keeps most of the window.
        messages = QHBoxLayout()
        messages.addWidget(self.reason, 3)
        messages.addWidget(self.status, 2)
        layout.addLayout(messages)
        self.history_label = QLabel(self.tr("所选单元格的记录："))
        below = QHBoxLayout()
        below.addWidget(self.history_label)
        below.addWidget(self.panel, 1)
        layout.addLayout(below)
        layout.addWidget(self.history)
        for label in (self.reason, self.status, self.panel, self.hint):
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        self.event_box.currentIndexChanged.connect(self._event_selected)
        self.grid.selectionModel().currentChanged.connect(self._current_changed)
        self.grid.blocked.connect(self._blocked)
        self.grid.skip.connect(lambda: self._move(self.grid.currentIndex(), Move.NEXT))
        self.grid.void.connect(self.void_current)
        ctx.saved.connect(self._on_saved)
        ctx.event_state_changed.connect(self._on_event_state)
        ctx.device_reading.connect(self._device_reading)
        ctx.judge_changed.connect(self._fill_events)
        self._fill_events()
        self.grid.setFocus()  # typing starts at once, without a click

    # ------------------------------------------------------------------ events and state

    def _fill_events(self) -> None:
        session = self.ctx.session
        mine = [e for e in session.events() if session.my_aspects(e.code)]
        fill_event_box(self.event_box, mine, keep=False)
        if self.event_box.count() == 0:
            self.model.set_event("")
            self._update_banner()
            try:
                check_assigned(self.ctx.judge)  # no assignments at all: say what to fill in, and where
            except ScorerError as exc:
                self.show_reason(exc.message())
                return
            self.show_reason(self.tr("{0} 没有可以评分的项目").format(self.ctx.judge.code))
            return
        self.event_box.setCurrentIndex(0)
        self._event_selected()

    def current_event(self) -> str:
        return self.event_box.currentData() or ""

    def select_event(self, event: str) -> None:
        i = self.event_box.findData(event)
        if i >= 0:
            self.event_box.setCurrentIndex(i)

    def _event_selected(self, *_: object) -> None:
        self.model.set_event(self.current_event())
        self._update_banner()
        self.show_reason("")
        self.status.clear()
        # Size columns by their headers: values are short, and reading 2,000 rows to size 40
        # columns was the slowest part of opening the window.
        header = self.grid.horizontalHeader()
        for col in range(self.model.columnCount()):
            header.resizeSection(col, max(header.minimumSectionSize(), min(220, header.sectionSizeHint(col))))
        if self.model.rowCount() and self.model.columnCount() > self.model.first_aspect_column:
            first = self.model.index(0, self.model.first_aspect_column)
            target = self.next_empty(first, include=True) or first  # where the judge left off
            self.grid.setCurrentIndex(target)
            self._scroll_to(target)
        self._show_cell(self.grid.currentIndex())

    def _update_banner(self) -> None:
        event = self.model.event_code
        locked = bool(event) and self.ctx.session.is_locked(event)
        self.model.set_locked(locked)
        if locked:
            self.banner.setText(
                self.tr("项目 {0} 已锁定：分数不能再录入或修改（需裁判长解锁）").format(event)
            )
        self.banner.setVisible(locked)

    def _on_event_state(self, event: str) -> None:
        """A lock, unlock or decryption: names and editability may have changed."""
        if event == self.model.event_code:
            current = self.grid.currentIndex()
            row, col = current.row(), current.column() - self.model.first_aspect_column
            self.model.reload()
            self._update_banner()
            target = self.model.index(max(row, 0), max(col, 0) + self.model.first_aspect_column)
            if target.isValid():
                self.grid.setCurrentIndex(target)
            self._show_cell(self.grid.currentIndex())

    def _blocked(self) -> None:
        if self.model.locked:
            self.show_reason(self.tr("项目已锁定，不能再录入或修改分数（需裁判长解锁）"))

    # ------------------------------------------------------------------ following saves

    def _on_saved(self, event: str, contestant: str, log_id: int) -> None:
        if self._own_save:
            return  # this widget's own Enter: `_move` shows the cell the cursor lands on
        current = self.grid.currentIndex()
        if event == self.model.event_code and current.isValid():
            c = self.model.contestant_at(current.row())
            if c is not None and c.code == contestant:
                self._show_cell(current)

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self.reason.clear()  # a reason belongs to the cell it was shown for
        self._show_cell(current)

    def _show_cell(self, index: QModelIndex) -> None:
        """The history panel and the panel summary of the selected cell."""
        self.history.clear()
        self.panel.clear()
        aspect = self.model.aspect_at(index.column()) if index.isValid() else None
        contestant = self.model.contestant_at(index.row()) if index.isValid() else None
        self.hint.setText(
            self.tr("{0} 可输入：{1}").format(
                contestant.code, self.model.rule_summary(aspect).replace("\n", " · ")
            )
            if aspect is not None and contestant is not None
            else ""
        )
        if aspect is None or contestant is None:
            return
        summary = self.model.panel(contestant.code, aspect)[0]
        if summary:
            self.panel.setText(self.tr("评分组 {0}：{1}").format(aspect.code, summary))
        rows = self.model.history(index)
        values = {r.id: show_value(aspect, r.payload.get("value", ""), i18n.current()) for r in rows}
        for r in rows:
            self.history.addItem(self._history_line(r, values))

    def _history_line(self, r: LogRow, values: dict[int, str]) -> str:
        p = r.payload
        when = _local_time(r.time)
        kind = self.tr(_KIND_LABELS.get(r.kind, r.kind))
        source = self.tr(_SOURCE_LABELS.get(r.source, r.source))
        if r.kind == "mark":
            return self.tr("{0}  {1}  {2}  {3} · {4} · #{5}").format(
                when, kind, values.get(r.id, ""), r.actor, source, r.id
            )
        old = values.get(p.get("replaces", -1), "?")
        if r.kind == "mark.correct":
            return self.tr("{0}  {1}  {2} → {3}  原因：{4}  {5} · #{6}").format(
                when, kind, old, values.get(r.id, ""), p.get("reason", ""), r.actor, r.id
            )
        return self.tr("{0}  {1}  {2}  原因：{3}  {4} · #{5}").format(
            when, kind, old, p.get("reason", ""), r.actor, r.id
        )


def _local_time(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().strftime("%m-%d %H:%M:%S")
    except ValueError:
        return stamp
