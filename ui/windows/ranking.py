"""Live ranking: an event's results table, refreshed after every saved mark, with the marks behind
a contestant's score and `explain` for two contestants.

Contestants are shown by code; names and organisations only when the session may see them
(`Session.sees_names`). A role that may not see results gets the core's refusal instead of a table.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from scorer.errors import ScorerError, language
from scorer.model import Aspect, Event
from scorer.rules import ContestantResult, EventResult, explain
from scorer.rules.aspects import MISSING, RESCORE
from scorer.store import MarkRow
from scorer.values import show_value
from ui import i18n
from ui.context import AppContext
from ui.models.results import COL_RANK, KEY_ROLE, ResultsModel, fmt_decimal
from ui.windows.list_window import ListWindow

BANNER_STYLE = "QLabel { background: #fdecea; color: #b00020; padding: 6px; border: 1px solid #b00020; }"


def _place(r: ContestantResult) -> tuple[bool, int]:
    """Sort key: ranked contestants by rank, unranked last."""
    return (r.rank is None, r.rank or 0)


class RankingWidget(ListWindow):
    """Event selector, filter box, results table and a detail panel (marks or an explanation)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._event: Event | None = None
        self._shown: tuple[str, ...] = ()  # the codes the detail panel is about
        self._kept: tuple[list[str], str, int] = ([], "", 0)  # selection across a model reset
        self._restoring = False

        top = QHBoxLayout()
        self._event_selector(top)
        top.addWidget(self._filter_box(self.tr("筛选：加密号、姓名或单位")), 2)
        self.problems = QLabel()
        self.problems.setObjectName("problems")
        self.problems.setStyleSheet(BANNER_STYLE)
        self.problems.setWordWrap(True)
        self.problems.hide()
        self._error_line()
        self._table(ResultsModel(self), COL_RANK)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

        self.detail = QTextBrowser()
        self.detail.setObjectName("detail")
        self.detail.setPlaceholderText(self.tr("点击一名选手查看其每一项分数；选中两名选手可比较名次"))
        self.explain_button = QPushButton(self.tr("比较所选两名选手"))
        self.explain_button.setObjectName("explain")
        self.explain_button.setEnabled(False)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.explain_button)
        side_layout.addWidget(self.detail, 1)
        self.body = QSplitter(Qt.Orientation.Horizontal)
        self.body.addWidget(self.table)
        self.body.addWidget(side)
        self.body.setStretchFactor(0, 3)
        self.body.setStretchFactor(1, 2)
        self._lay_out(top, self.body, above=[self.problems])

        self.event_box.currentIndexChanged.connect(self._event_chosen)
        self.filter_box.textChanged.connect(self.proxy.set_text)
        self.proxy.modelAboutToBeReset.connect(self._keep_selection)
        self.proxy.modelReset.connect(self._restore_selection)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.explain_button.clicked.connect(self.show_explanation)
        self._follow(self.reload_events)

    # -------------------------------------------------------------- loading

    def reload_events(self) -> None:
        """Fill the event selector from what this session may see, keeping the chosen event."""
        self._fill_events()
        self._event_chosen()

    def _event_chosen(self, _index: int = -1) -> None:
        code = self.event_code()
        comp = self.ctx.store.competition
        self._event = comp.event(code) if comp and code else None
        self._shown = ()
        self.detail.clear()
        self.refresh(full=True)

    def refresh(self, full: bool = False) -> None:
        """Re-read the shown event's results (incremental in the core) and show them."""
        event = self._event
        if event is None:
            self.model.clear()
            self._show_error(self.tr("没有可显示的项目") if self.event_box.count() == 0 else "")
            return
        try:
            result = self.ctx.session.results(event.code)
        except ScorerError as exc:
            self.model.clear()
            self._show_error(exc.message())
            return
        self._show_error("")
        if full:
            names = self.ctx.session.sees_names(event.code)
            self.model.set_result(result, names, event, self.ctx.session.contestants(event.code))
            self.table.resizeColumnsToContents()
        else:
            self.model.set_result(result, self.model.names_visible)
        self._show_problems(result)

    def _show_error(self, message: str) -> None:
        self._set_error(message, self.body)
        if message:
            self.problems.hide()

    def _show_problems(self, result: EventResult) -> None:
        # The text alone: a tie problem's "where" ("rank 1") adds nothing to the sentence.
        text = "\n".join(p.en if language() == "en" else p.zh for p in result.problems)
        self.problems.setText(text)
        self.problems.setVisible(bool(text))

    # -------------------------------------------------------------- live updates

    def _saved(self, event: str, contestant: str, _log_id: int) -> None:
        if self._event is None or event != self._event.code:
            return
        self.refresh()
        if contestant in self._shown:
            self._render_detail()

    def _state_changed(self, event: str) -> None:
        if self._event is not None and event == self._event.code:
            self.refresh(full=True)
            self._render_detail()

    def _keep_selection(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        current = self.table.currentIndex()
        self._kept = (
            [i.data(KEY_ROLE) for i in rows],
            current.data(KEY_ROLE) if current.isValid() else "",
            self.table.verticalScrollBar().value(),
        )

    def _restore_selection(self) -> None:
        codes, current, scroll = self._kept
        if not codes and not current:
            return
        where = {r.code: i for i, r in enumerate(self.model.rows())}
        selection = QItemSelection()
        for code in codes:
            if code in where:
                index = self.proxy.mapFromSource(self.model.index(where[code], 0))
                if index.isValid():
                    selection.select(index, index)
        model = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        self._restoring = True
        try:
            if current in where:
                index = self.proxy.mapFromSource(self.model.index(where[current], 0))
                model.setCurrentIndex(index, flags.NoUpdate)
            model.select(selection, flags.ClearAndSelect | flags.Rows)
        finally:
            self._restoring = False
        self.table.verticalScrollBar().setValue(scroll)

    # -------------------------------------------------------------- detail panel

    def selected_codes(self) -> list[str]:
        """The selected contestants' codes, in table order."""
        rows = sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())
        return [i.data(KEY_ROLE) for i in rows]

    def _selection_changed(self) -> None:
        if self._restoring:
            return
        codes = self.selected_codes()
        self.explain_button.setEnabled(len(codes) == 2)
        if len(codes) == 1:
            self._shown = (codes[0],)
            self._render_detail()

    def show_explanation(self) -> None:
        """Why one of the two selected contestants ranks above the other."""
        codes = self.selected_codes()
        if len(codes) != 2:
            return
        self._shown = (codes[0], codes[1])
        self._render_detail()

    def _render_detail(self) -> None:
        result, event = self.model.result, self._event
        if not self._shown or result is None or event is None:
            return
        if len(self._shown) == 2:
            self.detail.setHtml(self._explanation_html(event, result, *self._shown))
            return
        r = result.by_code().get(self._shown[0])
        if r is None:
            self.detail.clear()
            return
        marks = [m for m in self.ctx.store.marks(event.code) if m.contestant == r.code]
        self.detail.setHtml(self._marks_html(event, r, marks))

    def _explanation_html(self, event: Event, result: EventResult, a: str, b: str) -> str:
        by_code = result.by_code()
        ra, rb = by_code.get(a), by_code.get(b)
        if ra is not None and rb is not None and _place(rb) < _place(ra):
            a, b = b, a  # the higher-placed contestant first
        try:
            text = explain(event, result, a, b).text()
        except ScorerError as exc:
            text = exc.message()
        title = self.tr("{0} 与 {1} 的名次比较").format(a, b)
        return f"<h3>{escape(title)}</h3><p>{escape(text)}</p>"

    def _who(self, code: str) -> str:
        p = self.model.people.get(code)
        if p is not None and self.model.names_visible:
            return f"{code} {p.name} · {p.organisation}"
        return code

    def _marks_html(self, event: Event, r: ContestantResult, marks: list[MarkRow]) -> str:
        q = self.model.quantum
        by_aspect: dict[str, list[MarkRow]] = {}
        for m in marks:
            by_aspect.setdefault(m.aspect, []).append(m)
        rank = str(r.rank) if r.rank is not None else "—"
        out = [
            f"<h3>{escape(self._who(r.code))}</h3>",
            "<p>"
            + escape(
                self.tr("名次 {0} · 总分 {1} · {2}").format(
                    rank, fmt_decimal(r.total, q), self.model.status_text(r)
                )
            )
            + (f" · <b>{escape(r.award)}</b>" if r.award else "")
            + (f" · {escape(r.title)}" if r.title else "")
            + "</p>",
        ]
        for comp in event.components:
            out.append(
                f"<h4>{escape(comp.code)} {escape(comp.name)}：{fmt_decimal(r.components.get(comp.code), q)}</h4>"
            )
            out.append("<ul>")
            for crit in comp.criteria:
                for sub in crit.sub_criteria:
                    for aspect in sub.aspects:
                        out.append(self._aspect_html(r, aspect, by_aspect.get(aspect.code, []), q))
            out.append("</ul>")
        return "".join(out)

    def _aspect_html(
        self, r: ContestantResult, aspect: Aspect, marks: list[MarkRow], q: Decimal | None
    ) -> str:
        code, name = aspect.code, aspect.name
        s = r.aspects.get(code)
        head = f"<b>{escape(code)}</b> {escape(name)}："
        if s is None or s.status == MISSING:
            head += '<span style="color:#b00020">' + escape(self.tr("缺分")) + "</span>"
        elif s.status == RESCORE:
            head += '<span style="color:#b00020">' + escape(self.tr("需重评")) + "</span>"
        else:
            head += escape(self.tr("得分 {0}").format(fmt_decimal(s.score, q)))
        if s is not None and s.note:
            head += f"（{escape(s.note)}）"
        lines = [head]
        if s is not None and (s.counted or s.dropped):
            counted = "、".join(str(v) for v in s.counted) or "—"
            dropped = "、".join(str(v) for v in s.dropped) or "—"
            lines.append(escape(self.tr("计入：{0}；去掉：{1}").format(counted, dropped)))
        for m in marks:
            shown = show_value(aspect, m.value, i18n.current())
            text = self.tr("{0}：{1}（记录 #{2}）").format(m.judge, shown, m.log_id)
            if m.first_id != m.log_id:
                text += self.tr("，更正自 #{0}").format(m.first_id)
            lines.append(escape(text))
        return "<li>" + "<br>".join(lines) + "</li>"
