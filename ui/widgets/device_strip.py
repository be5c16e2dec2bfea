"""The device strip under the score grid: one line per bound device with its state and its latest
event (a reading, a fault, a saved or refused time), so a judge entering marks sees an unplugged
caliper, a wrong-speed line or a refused time without going to the devices tab. It never takes the
focus: the judge's typing stays in the grid.

Also here: what decides whether an auto-saved reading may save by itself (`AutoSaveGuard`) and
where the cursor goes after it (`next_in_column`) — the score entry's device methods use them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

DOUBLE_READING_S = 2.0  # a second reading this soon after an auto-save is a double press, not a new part
_OK = "color:#1d6b1d;"
_PROBLEM = "color:#b00000; font-weight:bold;"


def port_of(source: str) -> str:
    """The port of a log source "device:<port>[ unrequested]"."""
    return source.removeprefix("device:").split(" ", 1)[0]


def now_text() -> str:
    return datetime.now().strftime("%H:%M:%S")


@dataclass(slots=True)
class _Line:
    title: str = ""
    state: str = ""
    state_problem: bool = False
    last: str = ""
    last_problem: bool = False
    repeats: int = 1
    at: str = ""


class DeviceStrip(QWidget):
    """One label per bound device, fed by AppContext.device_state / device_event / device_removed."""

    def __init__(self, ctx: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("device_strip")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self.lines: dict[str, _Line] = {}
        self.labels: dict[str, QLabel] = {}
        self.guard = AutoSaveGuard()  # the score entry's auto-saves, per port
        ctx.device_state.connect(self.set_state)  # type: ignore[attr-defined]
        ctx.device_event.connect(self.note)  # type: ignore[attr-defined]
        ctx.device_removed.connect(self.remove)  # type: ignore[attr-defined]
        self.hide()

    def _label(self, port: str) -> QLabel:
        label = self.labels.get(port)
        if label is None:
            label = QLabel()
            label.setObjectName(f"device:{port}")
            label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Maximum)
            self._layout.addWidget(label)
            self.labels[port] = label
            self.lines.setdefault(port, _Line())
            self.show()
        return label

    def set_state(self, port: str, title: str, state: str, problem: bool) -> None:
        self._label(port)
        line = self.lines[port]
        line.title, line.state, line.state_problem = title or line.title, state, problem
        self._show(port)

    def note(self, port: str, text: str, problem: bool) -> None:
        """The device's latest event; the same text again counts up ("×12") instead of hiding the
        rest of the line behind a flood of identical faults."""
        self._label(port)
        line = self.lines[port]
        if text == line.last and problem == line.last_problem:
            line.repeats += 1
        else:
            line.last, line.last_problem, line.repeats = text, problem, 1
        line.at = now_text()
        self._show(port)

    def remove(self, port: str) -> None:
        label = self.labels.pop(port, None)
        self.lines.pop(port, None)
        if label is not None:
            label.deleteLater()
        self.setVisible(bool(self.labels))

    def text(self, port: str) -> str:
        """What the strip says about a port (tests and screen readers)."""
        label = self.labels.get(port)
        return label.text() if label is not None else ""

    def _show(self, port: str) -> None:
        line = self.lines[port]
        head = f"{line.title} {port}".strip()
        text = f"● {head}：{line.state}" if line.state else f"● {head}"
        if line.last:
            count = f" ×{line.repeats}" if line.repeats > 1 else ""
            text += f" — {line.at} {line.last}{count}"
        label = self.labels[port]
        label.setText(text)
        label.setToolTip(text)
        label.setStyleSheet(_PROBLEM if line.last_problem or line.state_problem else _OK)


class AutoSaveGuard:
    """When an auto-saved reading may save by itself. A double press of the data button, or the
    same value sent again, must not silently become the next contestant's mark: such a reading
    waits in the editor for the judge's Enter instead."""

    def __init__(self, window: float = DOUBLE_READING_S) -> None:
        self.window = window
        self._last: dict[str, tuple[float, str]] = {}  # port → (when auto-saved, text)

    def why_not(self, port: str, text: str, now: float | None = None) -> str:
        """ "" when the reading may save by itself; "soon" (within `window` s of the previous
        one) or "same" (the previous one's value again) when it must wait for Enter."""
        last = self._last.get(port)
        if last is None:
            return ""
        when, previous = last
        if (time.monotonic() if now is None else now) - when < self.window:
            return "soon"
        if previous == text:
            return "same"
        return ""

    def seen(self, port: str, text: str, now: float | None = None) -> None:
        """An auto-save reading arrived (saved or held): the next is judged against it."""
        self._last[port] = (time.monotonic() if now is None else now, text)


def next_in_column(model: object, index: QModelIndex) -> QModelIndex | None:
    """The next empty cell below `index` in its own column, wrapping to the column's top: an
    auto-saved reading never moves the cursor to another aspect. None when the column is full."""
    rows = model.rowCount()  # type: ignore[attr-defined]
    col = index.column()
    for step in range(1, rows):
        r = (index.row() + step) % rows
        if model.is_empty(r, col):  # type: ignore[attr-defined]
            return model.index(r, col)  # type: ignore[attr-defined]
    return None
