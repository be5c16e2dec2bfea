"""Progress and checks: per event, which contestants still miss marks, which aspects must be
re-scored, and which marks were given by a judge from the contestant's own organisation.

Contestants are shown by code; names (and, in tooltips, the shared organisation) only when the
session may see them. Refreshed after every saved mark.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from scorer.errors import ScorerError
from ui.context import AppContext
from ui.models.progress import (  # noqa: F401 (re-exported: the names this module used to hold)
    COL_CODE,
    COL_CONFLICT,
    COL_MISSING,
    COL_NAME,
    COL_ORG,
    COL_RESCORE,
    COL_STATUS,
    KIND_ALL,
    KIND_CONFLICT,
    KIND_MISSING,
    KIND_RESCORE,
    PREDICATES,
    ProgressModel,
    ProgressRow,
    progress_rows,
)
from ui.windows.list_window import ListWindow


class ProgressWidget(ListWindow):
    """Event selector, a kind filter (all / missing / re-score / conflict), the table, a summary."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        top = QHBoxLayout()
        self._event_selector(top)
        top.addWidget(QLabel(self.tr("显示")))
        top.addWidget(self._kind_selector())
        for text, kind in (
            (self.tr("全部选手"), KIND_ALL),
            (self.tr("缺分"), KIND_MISSING),
            (self.tr("需重评"), KIND_RESCORE),
            (self.tr("利益冲突"), KIND_CONFLICT),
        ):
            self.kind_box.addItem(text, kind)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self._error_line()
        self._table(ProgressModel(self), 0)
        self.table.horizontalHeader().setStretchLastSection(True)
        self._lay_out(top, self.table, above=[self.summary])

        self.event_box.currentIndexChanged.connect(self.refresh)
        self.kind_box.currentIndexChanged.connect(self._kind_chosen)
        self._follow(self.reload_events)

    def reload_events(self) -> None:
        self._fill_events()
        self.refresh()

    def _kind_chosen(self, _index: int = -1) -> None:
        self.proxy.set_predicate(PREDICATES[self.kind_box.currentData()])

    def _saved(self, event: str, _contestant: str, _log_id: int) -> None:
        if event == self.event_code():
            self.refresh()

    def _state_changed(self, event: str) -> None:
        if event == self.event_code():
            self.refresh()

    def refresh(self, _index: int = -1) -> None:
        """Re-read the event's results and show what is outstanding."""
        event = self.event_code()
        if not event:
            self._show_error(self.tr("没有可显示的项目"))
            return
        session = self.ctx.session
        try:
            result = session.results(event)
        except ScorerError as exc:
            self._show_error(exc.message())
            return
        comp = self.ctx.store.competition
        judge_orgs = {j.code: j.organisation for j in comp.judges} if comp else {}
        names = session.sees_names(event)
        rows = progress_rows(
            result, session.contestants(event), judge_orgs, lambda: self.ctx.store.marks(event), names
        )
        self.model.set_rows(rows, names)
        self._show_error("")
        missing, rescore, conflicts = self.model.counts()
        self.summary.setText(
            self.tr("{0} 名选手缺分，{1} 项需重评，{2} 条利益冲突").format(missing, rescore, conflicts)
        )

    def _show_error(self, message: str) -> None:
        if message:
            self.model.set_rows([], False)
            self.summary.clear()
        self._set_error(message, self.table)
