"""Score entry: one judge's aspects × the event's contestants, typed into a grid.

Type a value and press Enter: it is validated (the reason shows in red while typing and refuses
the Enter), written durably through `AppContext.record` (one store transaction) and the cursor moves
on to the next empty cell in the printed form's reading order (along the row, page by page, as the
paper is filled in; QSettings "entry/advance" = "down" walks down each column instead), never onto
a filled cell, and stops at the form's end. Tab, Shift+Tab and the arrow keys save the same way
and move one cell. Rows, columns and headers are the judge's printed form's (scorer.forms).
Changing a saved value is a correction and asks for a reason; the history panel under the grid
shows every log row behind the selected cell. Nothing typed counts
until Enter: closing the window or a crash loses only the unconfirmed cell.

A keyboard-wedge instrument (a caliper or scanner that "types" its reading and Enter) is told
apart from a person by the key timing, and its marks are logged with source "device-wedge".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum
from itertools import pairwise
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QSettings,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QPainter, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from scorer.access import check_assigned
from scorer.errors import ScorerError
from scorer.model import Aspect
from scorer.store import LogRow
from scorer.values import parse_value, show_value
from ui import i18n
from ui.models.score_grid import CORRECTED, STATE_ROLE, ScoreGridModel
from ui.widgets.device_strip import DeviceStrip, next_in_column, port_of

WEDGE_MAX_GAP_MS = 15.0  # people need ≥ 50 ms between keys; wedge devices send a burst
WEDGE_MIN_CHARS = 3
SETTING_ADVANCE = "entry/advance"  # "right" (default: the printed form's reading order) or "down"
KEYBOARD, WEDGE = "keyboard", "device-wedge"

MARKER = QBrush(QColor("#e07b00"))
_EDITING_KEYS = {
    Qt.Key.Key_Backspace,
    Qt.Key.Key_Delete,
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_Home,
    Qt.Key.Key_End,
}
_MODIFIER_KEYS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr}


class Move(StrEnum):
    NEXT = "next"  # the configured direction (Enter)
    DOWN = "down"
    UP = "up"
    RIGHT = "right"
    LEFT = "left"


_SUBMIT_KEYS = {
    Qt.Key.Key_Return: Move.NEXT,
    Qt.Key.Key_Enter: Move.NEXT,
    Qt.Key.Key_Tab: Move.RIGHT,
    Qt.Key.Key_Backtab: Move.LEFT,
    Qt.Key.Key_Up: Move.UP,
    Qt.Key.Key_Down: Move.DOWN,
}


def looks_like_wedge(
    times_ms: Sequence[float], min_chars: int = WEDGE_MIN_CHARS, max_gap_ms: float = WEDGE_MAX_GAP_MS
) -> bool:
    """Was this typed by a device? `times_ms`: the press time of each character, then of Enter.

    A person cannot type three or more characters and Enter with every gap under ~15 ms; a wedge
    instrument always does."""
    if len(times_ms) < min_chars + 1:
        return False
    return all(0 <= b - a < max_gap_ms for a, b in pairwise(times_ms))


def monotonic_ms() -> float:
    return time.perf_counter() * 1000.0


class MarkEditor(QLineEdit):
    """The inline editor: a line edit that remembers when each character was typed."""

    def __init__(self, parent: QWidget, index: QModelIndex, clock: Callable[[], float]) -> None:
        super().__init__(parent)
        self.index = QPersistentModelIndex(index)
        self.clock = clock
        self.typed: list[float] = []  # press times (ms) of the characters typed
        self.edited = False  # an editing key or a paste: a person at work
        self.done = False  # closed on purpose (saved, or handed to the correction dialog)
        self.invalid = False  # shown as refused while typing
        self.device: tuple[str, bytes, str] | None = None  # (source, raw record, text) of a device reading

    def stamp(self, event: QKeyEvent) -> float:
        """The key's time: the platform's when it gives one (queued events keep their real
        spacing even if the UI was busy), else the widget's clock."""
        return float(event.timestamp()) or self.clock()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        text = event.text()
        if event.matches(QKeySequence.StandardKey.Paste):
            self.edited = True
        elif text and text.isprintable() and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.typed.append(self.stamp(event))
        elif key in _EDITING_KEYS or (text and key not in _MODIFIER_KEYS):
            self.edited = True
        super().keyPressEvent(event)

    def source(self, enter_ms: float) -> str:
        """ "device-wedge" if the whole value came in one machine-speed burst, else "keyboard"."""
        if self.edited or len(self.typed) != len(self.text()):
            return KEYBOARD
        return WEDGE if looks_like_wedge([*self.typed, enter_ms]) else KEYBOARD


class MarkDelegate(QStyledItemDelegate):
    """Creates MarkEditors and routes Enter/Tab/arrows to the widget (which saves, or refuses and
    keeps the editor open); paints a corner marker on corrected cells."""

    def __init__(self, owner: ScoreEntryWidget) -> None:
        super().__init__(owner)
        self.owner = owner

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        editor = MarkEditor(parent, QModelIndex(index), self.owner.clock)
        editor.textEdited.connect(lambda text: self.owner.validate(editor, text))
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, MarkEditor):
            editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")
            editor.selectAll()  # a typed key replaces the saved value (→ a correction)

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Qt commits on focus-out; only Enter saves here, so say what was left unsaved."""
        if isinstance(editor, MarkEditor) and not editor.done:
            editor.done = True
            self.owner.left_unsaved(editor)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if isinstance(obj, MarkEditor) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            move = _SUBMIT_KEYS.get(Qt.Key(event.key()))
            if move is not None and not event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
            ):
                self.owner.submit(obj, move, obj.stamp(event))
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.owner.reason.clear()  # the edit is abandoned, and so is its complaint
        return super().eventFilter(obj, event)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().paint(painter, option, index)
        if index.data(STATE_ROLE) == CORRECTED:
            r = option.rect  # type: ignore[attr-defined]
            size = min(8, r.height() // 3)
            painter.save()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(MARKER)
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(r.right() - size, r.top()),
                        QPointF(r.right() + 1, r.top()),
                        QPointF(r.right() + 1, r.top() + size),
                    ]
                )
            )
            painter.restore()


class ScoreGrid(QTableView):
    """The grid: keys typed while a cell is being edited go to its editor (as a real keyboard's
    would, via focus), Enter on a cell not being edited moves on, and typing on a cell that may
    not be edited (a locked event) says why instead of doing nothing."""

    # A printable key was typed on a cell that cannot be edited.
    blocked = Signal()
    # Enter was pressed with no editor open: skip to the next cell.
    skip = Signal()
    # Delete on a saved cell: withdraw (void) that mark, with a reason.
    void = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state() == QAbstractItemView.State.EditingState:
            editor = self.indexWidget(self.currentIndex())
            if editor is not None:
                QApplication.sendEvent(editor, event)
                return
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.skip.emit()
            return
        if key == Qt.Key.Key_Delete:
            self.void.emit()
            return
        index = self.currentIndex()
        text = event.text()
        if (
            index.isValid()
            and text
            and text.isprintable()
            and not index.flags() & Qt.ItemFlag.ItemIsEditable
            and index.data(STATE_ROLE) is not None
        ):
            self.blocked.emit()
            return
        super().keyPressEvent(event)


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


class ScoreEntryWidget(QWidget):
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
        self.event_box.blockSignals(True)
        self.event_box.clear()
        for e in session.events():
            if session.my_aspects(e.code):
                self.event_box.addItem(f"{e.code} {i18n.named(e.name, e.name_en)}", e.code)
        self.event_box.blockSignals(False)
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

    # ------------------------------------------------------------------ messages

    def show_reason(self, text: str) -> None:
        """Show why a value is refused (or clear it): in red, beside the grid, never a dialog."""
        self.reason.setText(text)
        if text:
            self.refused.emit(text)

    def validate(self, editor: MarkEditor, text: str) -> None:
        """As the judge types: the reason the value would be refused, or nothing."""
        aspect = self.model.aspect_at(editor.index.column())
        why = ""
        if aspect is not None and text.strip():
            try:
                parse_value(aspect, text)
            except ScorerError as exc:
                why = exc.message()
        self.reason.setText(why)
        if editor.invalid != bool(why):  # restyling costs more than a keystroke: only on change
            editor.invalid = bool(why)
            editor.setStyleSheet("background:#fde2e2;" if why else "")

    def left_unsaved(self, editor: MarkEditor) -> None:
        """The editor closed without Enter (focus moved away): say that its value was not saved."""
        text = editor.text().strip()
        index = QModelIndex(editor.index)
        if text and text != (index.data(Qt.ItemDataRole.EditRole) or ""):
            c = self.model.contestant_at(index.row())
            a = self.model.aspect_at(index.column())
            if c is not None and a is not None:
                self.show_reason(
                    self.tr("{0} {1}：“{2}”没有保存（按 Enter 键才保存）").format(c.code, a.code, text)
                )

    # ------------------------------------------------------------------ saving

    def ask_reason(self, old: str, new: str) -> str | None:
        """The reason for changing a saved value; None when the judge cancels (nothing is written)."""
        text, ok = QInputDialog.getText(
            self,
            self.tr("更正分数"),
            self.tr("把已保存的分数 {0} 改为 {1}。\n请写明更正原因：").format(old, new),
        )
        return text if ok else None

    def _close(self, editor: MarkEditor) -> None:
        editor.done = True
        self.delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def submit(self, editor: MarkEditor, move: Move, enter_ms: float) -> None:
        """Enter (or Tab/arrow) in an editor: validate, save durably, move on; or refuse and stay."""
        index = QModelIndex(editor.index)
        aspect = self.model.aspect_at(index.column())
        contestant = self.model.contestant_at(index.row())
        if aspect is None or contestant is None:
            self._close(editor)
            return
        text = editor.text().strip()
        cell = self.model.cell(index)
        if not text:
            if cell is None:  # nothing typed on an empty cell: just move on
                self._close(editor)
                self._move(index, move)
                return
            self.show_reason(self.tr("已保存的分数不能清空；要更改请输入新的分数"))
            return
        try:
            value = parse_value(aspect, text)
        except ScorerError as exc:
            self.show_reason(exc.message())
            return
        if cell is None:
            source, raw = editor.source(enter_ms), None
            if editor.device is not None and editor.device[2] == text:  # the device's value, untouched
                source, raw = editor.device[0], editor.device[1]
            if self._save(  # the text as typed: the store keeps it beside the canonical value
                lambda: self.ctx.record(contestant.code, aspect.code, text, source, raw), aspect, False
            ):
                self._close(editor)
                self._move(index, move)
            return
        if value == cell.value:
            self._close(editor)
            self._move(index, move)
            return
        self._close(editor)  # before the dialog: a modal dialog takes the focus away from the editor
        shown_old, shown_new = (
            show_value(aspect, cell.value, i18n.current()),
            show_value(aspect, value, i18n.current()),
        )
        reason = self.ask_reason(shown_old, shown_new)
        while reason is not None and not reason.strip():  # an empty reason keeps the value and asks again
            self.show_reason(self.tr("更正必须写明原因：{0} 还没有保存").format(shown_new))
            reason = self.ask_reason(shown_old, shown_new)
        if reason is None:
            self.show_reason(
                self.tr("已取消更正：{0} {1} 仍为 {2}，未写入任何内容").format(
                    contestant.code, aspect.code, shown_old
                )
            )
            return
        via = editor.device[:2] if editor.device is not None and editor.device[2] == text else ()
        if self._save(lambda: self.ctx.correct(cell.log_id, text, reason.strip(), *via), aspect, True):
            self._move(index, move)

    def _save(self, action: Callable[[], Any], aspect: Aspect, correction: bool) -> bool:
        """Run one store call; show the store's reason if it refuses (a lock, a judge, a slot)."""
        self._own_save = True  # the cursor moves next and shows the new cell: no history re-read now
        try:
            saved = action()
        except ScorerError as exc:
            self.show_reason(exc.message())
            self._update_banner()  # locked elsewhere meanwhile?
            return False
        except Exception as exc:  # a full disk or a broken file: say so, never a traceback dialog
            self.show_reason(self.tr("保存失败，未写入：{0}").format(exc))
            return False
        finally:
            self._own_save = False
        self.reason.clear()
        index = self.model.index_of(saved.contestant, aspect.code)
        text = (
            self.tr("已更正：{0} {1} = {2}（记录 #{3}）")
            if correction
            else self.tr("已保存：{0} {1} = {2}（记录 #{3}）")
        )
        self.status.setText(
            text.format(saved.contestant, aspect.code, index.data(Qt.ItemDataRole.EditRole), saved.log_id)
        )
        self.entered.emit(saved.contestant, aspect.code, saved.log_id)
        return True

    def void_current(self) -> bool:
        """Delete on a saved cell: the mark is withdrawn (it stays in the log) after a reason."""
        index = self.grid.currentIndex()
        cell = self.model.cell(index) if index.isValid() else None
        contestant = self.model.contestant_at(index.row()) if index.isValid() else None
        aspect = self.model.aspect_at(index.column()) if index.isValid() else None
        if cell is None or contestant is None or aspect is None:
            return False
        shown = show_value(aspect, cell.value, i18n.current())
        reason = self.ask_void_reason(contestant.code, aspect.code, shown)
        if reason is None:
            self.show_reason(
                self.tr("已取消作废：{0} {1} 仍为 {2}").format(contestant.code, aspect.code, shown)
            )
            return False
        try:
            saved = self.ctx.void(cell.log_id, reason)
        except ScorerError as exc:
            self.show_reason(exc.message())
            return False
        self.status.setText(
            self.tr("已作废：{0} {1}（原为 {2}，记录 #{3}）").format(
                contestant.code, aspect.code, shown, saved.log_id
            )
        )
        return True

    def ask_void_reason(self, contestant: str, aspect: str, value: str) -> str | None:
        """The reason for withdrawing a mark (None: cancelled); tests replace this method."""
        text, ok = QInputDialog.getText(
            self,
            self.tr("作废分数"),
            self.tr("作废 {0} {1} 的分数 {2}（记录保留在日志中）。\n请写明原因：").format(
                contestant, aspect, value
            ),
        )
        return text.strip() if ok and text.strip() else None

    def _device_reading(self, offer: Any) -> None:
        self.offer_reading(
            offer.text, offer.source, offer.raw, offer.auto, unit=offer.unit, unrequested=offer.unrequested
        )

    def _device_refused(self, source: str, text: str) -> bool:
        """A reading that was not put anywhere: said in red here and on the device strip."""
        self.show_reason(text)
        self.ctx.device_event.emit(port_of(source), text, True)
        return False

    def offer_reading(
        self,
        text: str,
        source: str,
        raw: bytes,
        auto_accept: bool = False,
        *,
        unit: str = "",
        unrequested: bool = False,
    ) -> bool:
        """A device reading for the focused cell: shown in its editor for the judge's Enter, or
        saved at once when auto-save is on. Only into a cell the judge can see (this tab shown, the
        window active) and in the aspect's unit. Auto-save holds back — the value waits in the
        editor for Enter — when the cell is filled, the reading came unasked, or it follows an
        auto-save within seconds or repeats its value (a double press must not mark the next
        contestant); after an auto-save the cursor stays in the aspect's column. False if the
        reading went nowhere."""
        from scorer.devices.binding import check_unit

        port = port_of(source)
        if not (self.isVisible() and self.window().isActiveWindow()):
            return self._device_refused(
                source, self.tr("设备读数 {0} 未写入：评分页不在前台（请回到评分页再测一次）").format(text)
            )
        index = self.grid.currentIndex()
        aspect = self.model.aspect_at(index.column()) if index.isValid() else None
        contestant = self.model.contestant_at(index.row()) if index.isValid() else None
        if aspect is None or contestant is None:
            return self._device_refused(source, self.tr("收到设备读数 {0}，但没有选中评分格").format(text))
        try:
            check_unit(unit, aspect)
        except ScorerError as exc:
            return self._device_refused(source, f"{contestant.code} {aspect.code}：{exc.message()}")
        cell = self.model.cell(index)
        hold = self.tr("未经请求的读数（仪器上按了打印键？）") if unrequested else ""
        if auto_accept:
            why = self.device_strip.guard.why_not(port, text)
            self.device_strip.guard.seen(port, text)  # held or saved: a third quick press is held too
            if not hold and cell is not None:
                hold = self.tr("该格已有分数，保存即为更正")
            elif not hold and why == "soon":
                hold = self.tr("刚保存后又收到读数（连按了两次？）")
            elif not hold and why == "same":
                hold = self.tr("与上一个读数相同")
        self._scroll_to(index)
        self.grid.edit(index)
        editor = self.grid.indexWidget(index) or self.grid.focusWidget()
        if not isinstance(editor, MarkEditor):
            editor = next((w for w in self.grid.findChildren(MarkEditor) if w.index == index), None)
        if editor is None:
            return False
        editor.setText(text)
        editor.device = (source, raw, text)
        self.validate(editor, text)
        where = f"{contestant.code} {aspect.code}"
        if unrequested:  # marked in the cell itself, not only in the log
            editor.setStyleSheet("background:#fff0c2;")
            editor.setToolTip(self.tr("未经请求的读数"))
        if auto_accept and not hold:
            try:
                parse_value(aspect, text)
            except ScorerError as exc:
                return self._device_refused(source, f"{where}：{exc.message()}")
            if not self._save(
                lambda: self.ctx.record(contestant.code, aspect.code, text, source, raw), aspect, False
            ):
                self.ctx.device_event.emit(port, self.reason.text(), True)
                return True
            self._close(editor)
            self.ctx.device_event.emit(port, self.tr("已保存 {0} = {1}").format(where, text), False)
            target = next_in_column(self.model, index)
            if target is None:
                full = self.tr("本列已全部录入")
                self.status.setText(f"{self.status.text()}  {full}")
                self._show_cell(index)
            else:
                self.grid.setCurrentIndex(target)
                self._scroll_to(target)
            return True
        ask = self.tr("{0} ← {1}：按 Enter 保存，Esc 放弃").format(where, text)
        if hold:
            ask = f"{hold}：{ask}"
        self.ctx.device_event.emit(port, ask, bool(hold))
        if hold:
            self.reason.setText(ask)
        return True

    def advance(self) -> Move:
        """Where Enter moves: the paper's reading order (along the row) unless "entry/advance" says
        "down" (down each column, then the top of the next)."""
        return Move.DOWN if QSettings().value(SETTING_ADVANCE, "right") == "down" else Move.RIGHT

    def _position(self, row: int, col: int, across: bool) -> int:
        """A cell's place in Enter's order (col counts aspect columns from 0)."""
        m = self.model
        return m.reading_position(row, col + m.first_aspect_column) if across else col * m.rowCount() + row

    def _cell(self, position: int, across: bool) -> tuple[int, int]:
        """The (row, grid column) at a place in Enter's order: the inverse of `_position`."""
        m = self.model
        if across:
            return m.reading_cell(position)
        col, row = divmod(position, m.rowCount())
        return row, col + m.first_aspect_column

    def next_empty(self, index: QModelIndex, include: bool = False) -> QModelIndex | None:
        """The next cell still to be entered after `index` (or at it, with `include`), in Enter's
        order (the printed form's reading order, or down each column), up to the form's end and no
        further (no wrapping round: the paper has an end); None when nothing is left after it.
        Positions are arithmetic: no list of every cell is built (80,000 cells at 2,000 × 40)."""
        m = self.model
        rows, first = m.rowCount(), m.first_aspect_column
        cols = m.columnCount() - first
        total = rows * cols
        if total <= 0:
            return None
        across = self.advance() is Move.RIGHT
        row, col = index.row(), index.column() - first
        start = self._position(row, col, across) if 0 <= row < rows and 0 <= col < cols else -1
        for p in range(max(start + (0 if include else 1), 0), total):
            r, c = self._cell(p, across)
            if m.is_empty(r, c):
                return m.index(r, c)
        return None

    def _left_behind(self, index: QModelIndex) -> tuple[int, QModelIndex | None]:
        """Empty cells up to `index` in Enter's order: (how many, the first). Only at the form's
        end, so a plain count is fine."""
        m = self.model
        first = m.first_aspect_column
        across = self.advance() is Move.RIGHT
        if not index.isValid() or index.column() < first:
            return 0, None
        end = self._position(index.row(), index.column() - first, across)
        count, first_empty = 0, None
        for p in range(end + 1):
            r, c = self._cell(p, across)
            if m.is_empty(r, c):
                count += 1
                if first_empty is None:
                    first_empty = m.index(r, c)
        return count, first_empty

    def _scroll_to(self, target: QModelIndex) -> None:
        """Keep the cell and a couple of rows below it in view (never half-hidden at the bottom)."""
        below = self.model.index(min(target.row() + 2, self.model.rowCount() - 1), target.column())
        self.grid.scrollTo(below, QAbstractItemView.ScrollHint.EnsureVisible)
        self.grid.scrollTo(target, QAbstractItemView.ScrollHint.EnsureVisible)

    def _move(self, index: QModelIndex, move: Move) -> None:
        """Put the cursor on the next cell. Enter goes to the next cell still empty in the paper's
        reading order (or down the column), so a whole form is entered with Enter alone and never
        lands on a filled cell; at the form's end it stays and says what is left. Tab and the
        arrows move one cell."""
        m = self.model
        if move is Move.NEXT:
            target = self.next_empty(index)
            if target is None:
                left, first_empty = self._left_behind(index)
                c = m.contestant_at(first_empty.row()) if first_empty is not None else None
                a = m.aspect_at(first_empty.column()) if first_empty is not None else None
                done = (
                    self.tr("已到评分表末尾；还有 {0} 格未录入（第一格：第 {1} 行 {2} {3}）").format(
                        left, m.row_number(first_empty.row()), c.code, a.code
                    )
                    if first_empty is not None and c is not None and a is not None
                    else self.tr("本项目您的评分格已全部录入")
                )
                saved = self.status.text()
                self.status.setText(f"{saved}  {done}" if saved and done not in saved else done)
                self._show_cell(index)  # the cursor stays: show the cell's new history
                return
            self.grid.setCurrentIndex(target)
            self._scroll_to(target)
            return
        rows, first, last = m.rowCount(), m.first_aspect_column, m.columnCount() - 1
        row, col = index.row(), index.column()
        if move is Move.DOWN:
            row = min(row + 1, rows - 1)
        elif move is Move.RIGHT:
            row, col = (row, col + 1) if col < last else ((row + 1, first) if row + 1 < rows else (row, col))
        elif move is Move.UP:
            row = max(row - 1, 0)
        elif move is Move.LEFT:
            col = max(col - 1, first)
        target = m.index(row, col)
        if target == index:
            self._show_cell(index)  # nowhere further: the cursor stays, its history has changed
        elif target.isValid():
            self.grid.setCurrentIndex(target)
            self._scroll_to(target)

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
