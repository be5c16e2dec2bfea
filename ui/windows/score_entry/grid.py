"""The score grid and its keyboard: the inline editor that times each key (a keyboard-wedge
instrument "types" a whole reading in one machine-speed burst, a person cannot), the delegate that
hands Enter, Tab and the arrows to the score-entry widget, and the table view that routes keys.

Nothing here saves: the widget (`ScoreEntryWidget`) decides what a key means for the store.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from enum import StrEnum
from itertools import pairwise
from typing import Protocol

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QPainter, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from ui.models.score_grid import CORRECTED, STATE_ROLE


class GridOwner(Protocol):
    """What the delegate needs from the widget that owns the grid (ScoreEntryWidget): its key
    clock, its validation and saving, and its reason line. A Protocol, not an import: the widget
    imports this module, so this module must not import the widget."""

    clock: Callable[[], float]
    reason: QLabel

    def validate(self, editor: MarkEditor, text: str) -> None: ...

    def left_unsaved(self, editor: MarkEditor) -> None: ...

    def submit(self, editor: MarkEditor, move: Move, enter_ms: float) -> None: ...


WEDGE_MAX_GAP_MS = 15.0  # people need ≥ 50 ms between keys; wedge devices send a burst
WEDGE_MIN_CHARS = 3
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

    def __init__(self, owner: GridOwner) -> None:
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
