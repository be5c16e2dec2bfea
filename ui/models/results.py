"""Table model of an event's live results (one row per contestant), over the core's EventResult;
a `SortedRowsModel` (ui/models/rows.py: it sorts itself, `RowFilterProxy` only filters).

Updates reset the model; for 2,000 rows that costs ≈ 1.5–2 ms in rank order, ≈ 2.5–3 ms sorted by
another column, ≈ 4–5 ms with a filter typed. Views keep their selection by row key (`KEY_ROLE`).
There is deliberately no `dataChanged` / `layoutChanged` path: with PySide6 6.12 on Python 3.11
every `Signal.emit()` made from Python drops a reference to `True`, and after a few thousand emits
the process aborts (`bool_dealloc`); resets and inserts are emitted by Qt itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from scorer.model import Contestant, Event
from scorer.rules import ContestantResult, EventResult
from ui import i18n
from ui.models.rows import (  # noqa: F401 (RowFilterProxy, SortedRowsModel re-exported: they used to live here)
    ASC,
    KEY_ROLE,
    SORT_ROLE,
    RowFilterProxy,
    SortedRowsModel,
)

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


# Column kinds; the actual columns depend on the event (components) and on name visibility.
COL_RANK, COL_CODE, COL_NAME, COL_ORG, COL_COMPONENT, COL_TOTAL, COL_AWARD, COL_TITLE, COL_STATUS = range(9)

CONTEXT = "ResultsModel"
HEADERS = {
    COL_RANK: QT_TRANSLATE_NOOP("ResultsModel", "名次"),
    COL_CODE: QT_TRANSLATE_NOOP("ResultsModel", "加密号"),
    COL_NAME: QT_TRANSLATE_NOOP("ResultsModel", "姓名"),
    COL_ORG: QT_TRANSLATE_NOOP("ResultsModel", "单位"),
    COL_TOTAL: QT_TRANSLATE_NOOP("ResultsModel", "总分"),
    COL_AWARD: QT_TRANSLATE_NOOP("ResultsModel", "奖项"),
    COL_TITLE: QT_TRANSLATE_NOOP("ResultsModel", "称号"),
    COL_STATUS: QT_TRANSLATE_NOOP("ResultsModel", "状态"),
}
STATUS_TEXT = {
    "absent": QT_TRANSLATE_NOOP("ResultsModel", "缺考"),
    "dnf": QT_TRANSLATE_NOOP("ResultsModel", "未完成"),
    "withdrawn": QT_TRANSLATE_NOOP("ResultsModel", "弃权"),
    "dq": QT_TRANSLATE_NOOP("ResultsModel", "取消资格"),
}


def fmt_decimal(value: Decimal | None, quantum: Decimal | None = None) -> str:
    """A score as the scheme prints it (its decimals), or empty."""
    if value is None:
        return ""
    return str(value.quantize(quantum) if quantum is not None else value)


class ResultsModel(SortedRowsModel[ContestantResult]):
    """One row per contestant of an EventResult: rank, code, [name, organisation], component
    scores, total, award, title and status (complete, or how much is outstanding)."""

    row_key = staticmethod(attrgetter("code"))

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._people: dict[str, Contestant] = {}
        self._components: list[tuple[str, str]] = []  # (code, name)
        self._quantum: Decimal | None = None
        self._names = False
        self._columns: list[tuple[int, str]] = []  # (column kind, component code or "")
        self._haystacks: dict[str, str] = {}  # code → filter text (cached: names do not change)
        self._english: dict[str, str] = {}  # award / title name → its English name
        self.event_code = ""
        self.result: EventResult | None = None

    # -------------------------------------------------------------- loading

    def set_result(
        self,
        result: EventResult,
        names_visible: bool,
        event: Event | None = None,
        contestants: Iterable[Contestant] | None = None,
    ) -> None:
        """Show `result`. `event` (component columns, rounding) and `contestants` (names,
        organisations) are kept from the previous call when not given."""
        quantum: Decimal | None
        if event is not None:
            # English names of awards and titles where the package gives them (shown in English mode)
            self._english = {t.name: t.name_en for t in (*event.awards.tiers, *event.titles) if t.name_en}
            components = [(c.code, i18n.named(c.name, c.name_en)) for c in event.components]
            quantum = Decimal(1).scaleb(-event.rounding.decimals)
        elif result.event == self.event_code:
            components, quantum = self._components, self._quantum
        else:
            first = result.results[0].components if result.results else {}
            components, quantum = [(code, code) for code in first], None
        if contestants is not None:
            self._people = {c.code: c for c in contestants}
        self.beginResetModel()
        if (result.event, names_visible) != (self.event_code, self._names) or contestants is not None:
            self._haystacks = {}
        self.event_code, self.result = result.event, result
        self._components, self._quantum, self._names = components, quantum, names_visible
        self._columns = self._layout(components, names_visible)
        self._rows = self._sorted(result.results)
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._rows, self._columns, self.event_code, self.result = [], [], "", None
        self.endResetModel()

    def _sorted(self, rows: Iterable[ContestantResult]) -> list[ContestantResult]:
        result = self.result
        column = self._sort_column
        if (
            result is not None
            and rows is result.results
            and 0 <= column < len(self._columns)
            and self._columns[column][0] == COL_RANK
            and self._sort_order == ASC
        ):
            return list(rows)  # the rules give rank order, ties by code, unranked last by code
        return super()._sorted(rows)

    @staticmethod
    def _layout(components: Sequence[tuple[str, str]], names: bool) -> list[tuple[int, str]]:
        cols = [(COL_RANK, ""), (COL_CODE, "")]
        if names:
            cols += [(COL_NAME, ""), (COL_ORG, "")]
        cols += [(COL_COMPONENT, code) for code, _name in components]
        cols += [(COL_TOTAL, ""), (COL_AWARD, ""), (COL_TITLE, ""), (COL_STATUS, "")]
        return cols

    # -------------------------------------------------------------- lookups

    def column_of(self, kind: int, component: str = "") -> int:
        """The column index of a column kind (and component code), or -1 if not shown."""
        try:
            return self._columns.index((kind, component))
        except ValueError:
            return -1

    def row_of(self, code: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.code == code), -1)

    @property
    def quantum(self) -> Decimal | None:
        """The event's rounding step (0.01 for two decimals), once an event is shown."""
        return self._quantum

    @property
    def names_visible(self) -> bool:
        return self._names

    @property
    def people(self) -> Mapping[str, Contestant]:
        return self._people

    # -------------------------------------------------------------- Qt API

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def header_text(self, section: int) -> str:
        kind, comp = self._columns[section]
        if kind == COL_COMPONENT:
            return dict(self._components).get(comp, comp)
        return QCoreApplication.translate(CONTEXT, HEADERS[kind])

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        kind, comp = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, kind, comp)
        if role == SORT_ROLE:
            return self.sort_getter(index.column())(r)
        if role == KEY_ROLE:
            return r.code
        if role == Qt.ItemDataRole.TextAlignmentRole and kind in (COL_RANK, COL_COMPONENT, COL_TOTAL):
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and kind == COL_STATUS:
            return self._status_tip(r)
        return None

    def _display(self, r: ContestantResult, kind: int, comp: str) -> str:
        if kind == COL_RANK:
            return "" if r.rank is None else str(r.rank)
        if kind == COL_CODE:
            return r.code
        if kind in (COL_NAME, COL_ORG):
            p = self._people.get(r.code)
            if p is None or not self._names:
                return ""
            return p.name if kind == COL_NAME else p.organisation
        if kind == COL_COMPONENT:
            return fmt_decimal(r.components.get(comp), self._quantum)
        if kind == COL_TOTAL:
            return fmt_decimal(r.total, self._quantum)
        if kind == COL_AWARD:
            return self._english.get(r.award, r.award) if i18n.current() == "en" else r.award
        if kind == COL_TITLE:
            if i18n.current() != "en" or not r.title:
                return r.title
            return ", ".join(self._english.get(t, t) for t in r.title.split("、"))  # a medal and a title
        return self.status_text(r)

    def sort_getter(self, column: int) -> Callable[[ContestantResult], Any]:
        kind, comp = self._columns[column]
        if kind == COL_RANK:
            return attrgetter("rank")
        if kind == COL_CODE:
            return attrgetter("code")
        if kind == COL_COMPONENT:
            return lambda r: r.components.get(comp)
        if kind == COL_TOTAL:
            return attrgetter("total")
        if kind == COL_STATUS:
            # Complete first, then by how much is outstanding; unranked statuses last.
            return lambda r: (r.status != "ok", len(r.missing) + len(r.rescore), r.status)
        return lambda r: self._display(r, kind, comp) or None

    def filter_text(self, row: int) -> str:
        code = self._rows[row].code
        text = self._haystacks.get(code)
        if text is None:
            p = self._people.get(code)
            text = f"{code}\n{p.name}\n{p.organisation}" if p is not None and self._names else code
            text = self._haystacks[code] = text.casefold()
        return text

    def status_text(self, r: ContestantResult) -> str:
        """Complete, what is outstanding, or why the contestant is not ranked."""
        if r.status != "ok":
            return QCoreApplication.translate(CONTEXT, STATUS_TEXT.get(r.status, r.status))
        parts = []
        if r.missing:
            parts.append(self.tr("缺 {0} 项").format(len(r.missing)))
        if r.rescore:
            parts.append(self.tr("需重评 {0} 项").format(len(r.rescore)))
        return "，".join(parts) if parts else self.tr("完整")

    def _status_tip(self, r: ContestantResult) -> str:
        lines = []
        if r.missing:
            lines.append(self.tr("缺分：{0}").format("、".join(r.missing)))
        if r.rescore:
            lines.append(self.tr("需重评：{0}").format("、".join(r.rescore)))
        return "\n".join(lines)
