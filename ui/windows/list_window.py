"""The frame the list tabs share (progress, ranking, audit): a top row of selectors, an error line
that stands in for the table when there is nothing to show, a sortable, filterable table over a
`SortedRowsModel` (sorting in the model, filtering in a `RowFilterProxy`), and the wiring that keeps
the tab current: `AppContext.saved`, `event_state_changed` and `judge_changed`.

Each tab builds its own widgets with these helpers, in its own order, and keeps its own object
names ("event", "filter", "kind", "table", "error"), which tests and screenshots look up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.models.rows import RowFilterProxy, SortedRowsModel
from ui.widgets.event_box import fill_event_box


class ListWindow(QWidget):
    """A tab listing rows of the competition file; subclasses build it with the helpers below and
    give `_saved` and `_state_changed` (what a durable save, or a lock/unlock/decryption, changes)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    # -------------------------------------------------------------- building

    def _event_selector(self, row: QHBoxLayout) -> QComboBox:
        """ "项目" and the event selector (`event_box`, item data: the event code, filled by
        `_fill_events`), added to `row`."""
        self.event_box = QComboBox()
        self.event_box.setObjectName("event")
        row.addWidget(QLabel(self.tr("项目")))
        row.addWidget(self.event_box, 1)
        return self.event_box

    def _filter_box(self, placeholder: str) -> QLineEdit:
        """The text filter (`filter_box`); the tab connects it to `proxy.set_text`."""
        self.filter_box = QLineEdit()
        self.filter_box.setObjectName("filter")
        self.filter_box.setPlaceholderText(placeholder)
        self.filter_box.setClearButtonEnabled(True)
        return self.filter_box

    def _kind_selector(self) -> QComboBox:
        """The row-kind filter (`kind_box`); the tab fills it and sets the proxy's predicate."""
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("kind")
        return self.kind_box

    def _error_line(self) -> QLabel:
        """The error line (`error`), hidden until `_set_error` says something."""
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        return self.error

    def _table(self, model: SortedRowsModel, sort_column: int) -> QTableView:
        """`model` behind a filter proxy in a read-only, row-selecting, sortable table (`table`)."""
        self.model = model
        self.proxy = RowFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.table = QTableView()
        self.table.setObjectName("table")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(sort_column, Qt.SortOrder.AscendingOrder)
        return self.table

    def _lay_out(
        self,
        top: QHBoxLayout,
        body: QWidget,
        above: Sequence[QWidget] = (),
        below: Sequence[QLayout] = (),
    ) -> None:
        """Top row, the lines above the error line, the error line, the body (it takes the
        height), then the rows below it."""
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        for widget in above:
            layout.addWidget(widget)
        layout.addWidget(self.error)
        layout.addWidget(body, 1)
        for row in below:
            layout.addLayout(row)

    def _follow(self, reload: Callable[[], None]) -> None:
        """Keep current from the context's signals (`reload` when another judge logs in), then
        load once."""
        self.ctx.saved.connect(self._saved)
        self.ctx.event_state_changed.connect(self._state_changed)
        self.ctx.judge_changed.connect(reload)
        reload()

    # -------------------------------------------------------------- state

    def _fill_events(self) -> None:
        """Refill the event selector from what this session may see, keeping the chosen event."""
        fill_event_box(self.event_box, self.ctx.session.events())

    def event_code(self) -> str:
        code = self.event_box.currentData()
        return code if isinstance(code, str) else ""

    def _set_error(self, message: str, *hidden: QWidget) -> None:
        """Show `message` in the error line (or hide it) and hide `hidden` while it shows."""
        self.error.setText(message)
        self.error.setVisible(bool(message))
        for widget in hidden:
            widget.setVisible(not message)

    def _saved(self, event: str, contestant: str, log_id: int) -> None:
        raise NotImplementedError

    def _state_changed(self, event: str) -> None:
        raise NotImplementedError
