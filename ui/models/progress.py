"""Table model of an event's outstanding work (one row per contestant): marks still missing,
aspects to re-score, and marks given by a judge from the contestant's own organisation; the rows
are built from the core's EventResult by `progress_rows`. Shown by `ui.windows.progress`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt

from scorer.model import Contestant
from scorer.rules import EventResult
from scorer.store import MarkRow
from ui.models.results import STATUS_TEXT
from ui.models.rows import KEY_ROLE, SORT_ROLE, SortedRowsModel

KIND_ALL, KIND_MISSING, KIND_RESCORE, KIND_CONFLICT = "all", "missing", "rescore", "conflict"


@dataclass(frozen=True, slots=True)
class ProgressRow:
    """One contestant's outstanding work and flags."""

    code: str
    name: str  # empty unless names are visible
    organisation: str  # empty unless names are visible
    status: str  # "ok" | "dnf" | "withdrawn" | "dq"
    missing: tuple[str, ...]
    rescore: tuple[tuple[str, str], ...]  # (aspect, spread)
    conflicts: tuple[tuple[str, str], ...]  # (judge, aspect)


def progress_rows(
    result: EventResult,
    contestants: Iterable[Contestant],
    judge_orgs: dict[str, str],
    marks: Callable[[], list[MarkRow]],
    names_visible: bool,
) -> list[ProgressRow]:
    """Rows for every contestant of an event result. `marks` is called only when there are
    conflict flags (to name the judge behind each)."""
    people = {c.code: c for c in contestants}
    flagged: dict[str, list[str]] = {}
    for f in result.flags:
        if f.kind == "conflict":
            flagged.setdefault(f.contestant, []).append(f.aspect)
    judges_of: dict[tuple[str, str], list[str]] = {}
    if flagged:
        for m in marks():
            judges_of.setdefault((m.contestant, m.aspect), []).append(m.judge)
    rows = []
    for r in result.results:
        p = people.get(r.code)
        org = p.organisation if p else ""
        conflicts = []
        for aspect in flagged.get(r.code, []):
            same = [j for j in judges_of.get((r.code, aspect), []) if org and judge_orgs.get(j) == org]
            conflicts += [(j, aspect) for j in same] or [("", aspect)]
        rescore = tuple((a, str(r.aspects[a].spread or "")) for a in r.rescore)
        rows.append(
            ProgressRow(
                r.code,
                p.name if p and names_visible else "",
                org if names_visible else "",
                r.status,
                r.missing if r.status == "ok" else (),
                rescore,
                tuple(conflicts),
            )
        )
    return rows


COL_CODE, COL_NAME, COL_ORG, COL_STATUS, COL_MISSING, COL_RESCORE, COL_CONFLICT = range(7)
CONTEXT = "ProgressModel"
HEADERS = {
    COL_CODE: QT_TRANSLATE_NOOP("ProgressModel", "加密号"),
    COL_NAME: QT_TRANSLATE_NOOP("ProgressModel", "姓名"),
    COL_ORG: QT_TRANSLATE_NOOP("ProgressModel", "单位"),
    COL_STATUS: QT_TRANSLATE_NOOP("ProgressModel", "状态"),
    COL_MISSING: QT_TRANSLATE_NOOP("ProgressModel", "缺分的评分项"),
    COL_RESCORE: QT_TRANSLATE_NOOP("ProgressModel", "需重评"),
    COL_CONFLICT: QT_TRANSLATE_NOOP("ProgressModel", "利益冲突（裁判 · 评分项）"),
}


class ProgressModel(SortedRowsModel[ProgressRow]):
    """One row per contestant: status, missing aspects, aspects to re-score, conflict flags."""

    row_key = staticmethod(attrgetter("code"))

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = [COL_CODE, COL_STATUS, COL_MISSING, COL_RESCORE, COL_CONFLICT]

    def set_rows(self, rows: Iterable[ProgressRow], names_visible: bool) -> None:
        self.beginResetModel()
        base = [COL_CODE, COL_NAME, COL_ORG] if names_visible else [COL_CODE]
        self._columns = [*base, COL_STATUS, COL_MISSING, COL_RESCORE, COL_CONFLICT]
        self._rows = self._sorted(rows)
        self.endResetModel()

    def column_of(self, kind: int) -> int:
        return self._columns.index(kind) if kind in self._columns else -1

    def counts(self) -> tuple[int, int, int]:
        """(contestants missing marks, aspects to re-score, conflict flags)."""
        return (
            sum(1 for r in self._rows if r.missing),
            sum(len(r.rescore) for r in self._rows),
            sum(len(r.conflicts) for r in self._rows),
        )

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def header_text(self, section: int) -> str:
        return QCoreApplication.translate(CONTEXT, HEADERS[self._columns[section]])

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        kind = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, kind)
        if role == SORT_ROLE:
            return self.sort_getter(index.column())(r)
        if role == KEY_ROLE:
            return r.code
        if role == Qt.ItemDataRole.ToolTipRole and kind == COL_RESCORE and r.rescore:
            return "\n".join(self.tr("{0}：裁判分差 {1}").format(a, s) for a, s in r.rescore)
        if role == Qt.ItemDataRole.ToolTipRole and kind == COL_CONFLICT and r.conflicts:
            if r.organisation:
                return self.tr("裁判与选手同属“{0}”").format(r.organisation)
            return self.tr("裁判与选手来自同一单位")
        return None

    def _display(self, r: ProgressRow, kind: int) -> str:
        if kind == COL_CODE:
            return r.code
        if kind == COL_NAME:
            return r.name
        if kind == COL_ORG:
            return r.organisation
        if kind == COL_STATUS:
            if r.status != "ok":
                return QCoreApplication.translate("ResultsModel", STATUS_TEXT.get(r.status, r.status))
            return self.tr("完整") if not (r.missing or r.rescore) else self.tr("未完成评分")
        if kind == COL_MISSING:
            return "、".join(r.missing)
        if kind == COL_RESCORE:
            return "、".join(a for a, _spread in r.rescore)
        return "、".join(f"{j} · {a}" if j else a for j, a in r.conflicts)

    def sort_getter(self, column: int) -> Callable[[ProgressRow], Any]:
        kind = self._columns[column]
        if kind == COL_MISSING:
            return lambda r: len(r.missing)
        if kind == COL_RESCORE:
            return lambda r: len(r.rescore)
        if kind == COL_CONFLICT:
            return lambda r: len(r.conflicts)
        return lambda r: self._display(r, kind) or None

    def filter_text(self, row: int) -> str:
        r = self._rows[row]
        return f"{r.code}\n{r.name}\n{r.organisation}".casefold()


PREDICATES: dict[str, Callable[[ProgressRow], bool] | None] = {
    KIND_ALL: None,
    KIND_MISSING: lambda r: bool(r.missing),
    KIND_RESCORE: lambda r: bool(r.rescore),
    KIND_CONFLICT: lambda r: bool(r.conflicts),
}
