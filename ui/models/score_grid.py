"""Table model of one judge's score sheet: the event's contestants × the aspects this judge marks.

Rows and columns are those of the judge's printed marking form (`scorer.forms.form_layout`): the
same order, the same row numbers (vertical header "3  CNC-215"), the same header text, so a judge
copying from paper types into the line the paper shows. Rows are contestants by anonymous code
(加密号); a name column exists only when the judge's role may see names (or the event is
decrypted). A cell is this judge's own current value for judgement
panels (slot = judge code) and the current value for every other aspect. The model follows
`AppContext.saved` one log row at a time (a `dataChanged` for that contestant's row, never a
reset), so the Enter → saved path stays cheap in a 2,000-contestant event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from scorer.access import Action
from scorer.forms import FormLayout, form_layout
from scorer.model import (
    Aspect,
    AspectType,
    Contestant,
    DeductionRule,
    ExamRule,
    JudgementRule,
    MeasurementRule,
    MeasureMode,
    TimeRule,
)
from scorer.rules import ContestantResult, EventResult
from scorer.rules.aspects import MISSING, RESCORE, fmt
from scorer.store import LogRow
from scorer.values import measurement_range, show_value
from ui import i18n

LOG_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # int: the log row that set the current value (0: none)
STATE_ROLE = Qt.ItemDataRole.UserRole + 2  # "empty" | "saved" | "corrected"
PANEL_ROLE = Qt.ItemDataRole.UserRole + 3  # judgement panel summary ("" when not visible)
ASPECT_ROLE = Qt.ItemDataRole.UserRole + 4  # aspect code ("" for the name column)
CONTESTANT_ROLE = Qt.ItemDataRole.UserRole + 5  # contestant code
RESCORE_ROLE = Qt.ItemDataRole.UserRole + 6  # bool: the panel's spread is over the limit

EMPTY, SAVED, CORRECTED = "empty", "saved", "corrected"
MARK_KINDS = ("mark", "mark.correct", "mark.void")

SAVED_BG = QBrush(QColor("#d8f0d2"))
RESCORE_BG = QBrush(QColor("#f8d0c8"))
LOCKED_FG = QBrush(QColor("#707070"))


@dataclass(frozen=True, slots=True)
class Cell:
    """The current mark in one cell, and the log rows behind it."""

    value: str
    log_id: int  # the row that set the current value
    first_id: int  # the original entry (differs after a correction)
    judge: str  # who entered it (another judge may hold a shared, non-panel aspect)

    @property
    def state(self) -> str:
        return CORRECTED if self.log_id != self.first_id else SAVED


_ROLES = frozenset(
    int(r)
    for r in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ToolTipRole,
        LOG_ID_ROLE,
        STATE_ROLE,
        PANEL_ROLE,
        ASPECT_ROLE,
        CONTESTANT_ROLE,
        RESCORE_ROLE,
    )
)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_READ_ONLY = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE = _READ_ONLY | Qt.ItemFlag.ItemIsEditable


class ScoreGridModel(QAbstractTableModel):
    def __init__(self, ctx: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._event = ""
        self._rows: list[Contestant] = []
        self._numbers: list[int] = []  # the form's row number of each row
        self._layout: FormLayout | None = None
        self._headers: dict[str, str] = {}  # aspect code → the form's header text
        self._row_of: dict[str, int] = {}
        self._aspects: list[Aspect] = []
        self._col_of: dict[str, int] = {}
        self._names = False
        self._locked = False
        self._cells: dict[tuple[str, str], Cell] = {}
        self._voids: dict[tuple[str, str, str], list[int]] = {}  # (contestant, aspect, slot) → void rows
        self._shown: dict[tuple[str, str, str], str] = {}  # (aspect, stored value, language) → as typed
        self._results: EventResult | None = None
        self._by_code: dict[str, ContestantResult] = {}
        ctx.saved.connect(self._on_saved)

    # ------------------------------------------------------------------ loading

    @property
    def event_code(self) -> str:
        """The shown event (not `event`: that would hide QObject.event(), which Qt calls)."""
        return self._event

    @property
    def names_visible(self) -> bool:
        return self._names

    @property
    def locked(self) -> bool:
        return self._locked

    @property
    def first_aspect_column(self) -> int:
        return 1 if self._names else 0

    def set_event(self, event: str) -> None:
        self._event = event
        self.reload()

    def reload(self) -> None:
        """Read the event afresh (another event, a lock or decryption, another judge logged in)."""
        session = self.ctx.session
        self.beginResetModel()
        event = self._event
        comp = self.ctx.store.competition
        e = comp.event(event) if comp is not None and event else None
        mine = set(session.my_aspects(event)) if e is not None else set()
        if e is None or comp is None or not mine:
            self._rows, self._aspects, self._numbers, self._layout = [], [], [], None
            self._names = self._locked = False
        else:
            form = form_layout(comp, e, self.ctx.judge)  # the paper's rows, columns and order
            people = {c.code: c for c in session.contestants(event)}
            self._rows = [people[r.contestant] for r in form.rows]
            self._numbers = [r.number for r in form.rows]
            self._aspects = [c.aspect for c in form.columns if c.aspect.code in mine]
            self._headers = {c.aspect.code: c.header for c in form.columns}
            self._layout = form if len(self._aspects) == len(form.columns) else None
            self._names = session.sees_names(event)
            self._locked = session.is_locked(event)
        self._row_of = {c.code: i for i, c in enumerate(self._rows)}
        self._col_of = {a.code: i + self.first_aspect_column for i, a in enumerate(self._aspects)}
        self._cells = {}
        self._voids = {}
        self._shown = {}
        self._results, self._by_code = None, {}
        if self._aspects:
            mine = {a.code: a for a in self._aspects}
            me = self.ctx.judge.code
            for m in self.ctx.store.marks(event):
                a = mine.get(m.aspect)
                if a is None or (a.type is AspectType.JUDGEMENT and m.judge != me):
                    continue
                self._cells[(m.contestant, m.aspect)] = Cell(m.value, m.log_id, m.first_id, m.judge)
            for row in self.ctx.store.log(("mark.void",)):
                self._note_void(row)
        self.endResetModel()

    def set_locked(self, locked: bool) -> None:
        if locked != self._locked:
            self._locked = locked
            if self._rows and self._aspects:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(self._rows) - 1, self.columnCount() - 1)
                )

    # ------------------------------------------------------------------ lookups

    def aspect_at(self, column: int) -> Aspect | None:
        i = column - self.first_aspect_column
        return self._aspects[i] if 0 <= i < len(self._aspects) else None

    def aspects(self) -> list[Aspect]:
        return list(self._aspects)

    def contestant_at(self, row: int) -> Contestant | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_number(self, row: int) -> int:
        """The row's number on the printed form (1, 2, 3 …)."""
        return self._numbers[row]

    def header_text(self, aspect: Aspect) -> str:
        """The column's header, as the printed form has it (code and name, points, what to write)."""
        return self._headers.get(aspect.code, f"{aspect.code} {aspect.name}")

    def reading_position(self, row: int, column: int) -> int:
        """The cell's place in the printed form's reading order (page by page, along each row);
        arithmetic through the layout's pages, no list of cells."""
        col = column - self.first_aspect_column
        if self._layout is None:
            return row * len(self._aspects) + col
        return self._layout.position(row, col)

    def reading_cell(self, position: int) -> tuple[int, int]:
        """(row, column) at a place in the reading order: the inverse of `reading_position`."""
        if self._layout is None:
            row, col = divmod(position, len(self._aspects))
        else:
            row, col = self._layout.cell_at(position)
        return row, col + self.first_aspect_column

    def index_of(self, contestant: str, aspect: str) -> QModelIndex:
        row, col = self._row_of.get(contestant), self._col_of.get(aspect)
        return QModelIndex() if row is None or col is None else self.index(row, col)

    def slot_for(self, aspect: Aspect) -> str:
        return self.ctx.judge.code if aspect.type is AspectType.JUDGEMENT else ""

    def is_empty(self, row: int, column: int) -> bool:
        """No value saved (by anyone whose value this judge's cell shows) at (row, column)."""
        c, a = self.contestant_at(row), self.aspect_at(column)
        return c is not None and a is not None and (c.code, a.code) not in self._cells

    def cell(self, index: QModelIndex | QPersistentModelIndex) -> Cell | None:
        a, c = self.aspect_at(index.column()), self.contestant_at(index.row())
        return None if a is None or c is None else self._cells.get((c.code, a.code))

    def history(self, index: QModelIndex | QPersistentModelIndex) -> list[LogRow]:
        """The cell's log rows, oldest first: the current mark's chain of corrections, and every
        earlier chain that was voided. Walks log ids (primary-key lookups), never the whole log."""
        a, c = self.aspect_at(index.column()), self.contestant_at(index.row())
        if a is None or c is None:
            return []
        store = self.ctx.store
        rows: dict[int, LogRow] = {}

        def chain(log_id: int | None) -> None:
            while log_id is not None and log_id not in rows:
                row = store.get(log_id)
                if row is None or row.kind not in MARK_KINDS:
                    return
                rows[log_id] = row
                log_id = row.payload.get("replaces")

        current = self._cells.get((c.code, a.code))
        if current is not None:
            chain(current.log_id)
        for void in self._voids.get((c.code, a.code, self.slot_for(a)), []):
            chain(void)
        return [rows[i] for i in sorted(rows)]

    def panel(self, contestant: str, aspect: Aspect) -> tuple[str, bool]:
        """(summary, needs re-scoring) of a judgement panel. Roles that may see results get the
        counted scores; a scoring judge learns only that the panel must re-score, never the
        other judges' scores."""
        if aspect.type is not AspectType.JUDGEMENT:
            return "", False
        result = self.ctx.session.live.results(self._event)
        if result is not self._results:
            self._results, self._by_code = result, result.by_code()
        r = self._by_code.get(contestant)
        score = r.aspects.get(aspect.code) if r else None
        if not self._sees_results():
            if score is not None and score.status == RESCORE:
                return self.tr("裁判分差超限，需要重新评分（请与裁判长联系）"), True
            return "", False
        if score is None or score.status == MISSING:
            return self.tr("评分未齐"), False
        counted = " / ".join(fmt(v) for v in score.counted)
        if score.dropped:
            counted += self.tr("（去掉 {0}）").format(" / ".join(fmt(v) for v in score.dropped))
        if score.status == RESCORE:
            spread = fmt(score.spread) if score.spread is not None else "?"
            return self.tr("{0}：分差 {1} 超限，需要重新评分").format(counted, spread), True
        value = fmt(score.score) if score.score is not None else ""
        return self.tr("{0} → {1}").format(counted, value), False

    def _sees_results(self) -> bool:
        session = self.ctx.session
        return session.may(Action.RANKING) or session.may(Action.PROGRESS)

    # ------------------------------------------------------------------ following saves

    def _note_void(self, row: LogRow) -> None:
        p = row.payload
        if p.get("event") == self._event:
            self._voids.setdefault((p["contestant"], p["aspect"], p.get("slot", "")), []).append(row.id)

    def _on_saved(self, event: str, contestant: str, log_id: int) -> None:
        """One durable save: update the cell from its log row and repaint just that cell (the
        contestant's row when the save was not a mark, e.g. a status change)."""
        if event != self._event:
            return
        row = self._row_of.get(contestant)
        if row is None:
            return
        entry = self.ctx.store.get(log_id)
        col = self._col_of.get(entry.payload.get("aspect", "")) if entry is not None else None
        if entry is None or entry.kind not in MARK_KINDS or col is None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
            return
        p = entry.payload
        aspect = self._aspects[col - self.first_aspect_column]
        if p.get("slot", "") == self.slot_for(aspect):  # else another judge's panel score: summary only
            key = (contestant, aspect.code)
            if entry.kind == "mark":
                self._cells[key] = Cell(p["value"], log_id, log_id, p["judge"])
            elif entry.kind == "mark.correct":
                old = self._cells.get(key)
                first = old.first_id if old is not None else p["replaces"]
                self._cells[key] = Cell(p["value"], log_id, first, p["judge"])
            else:
                self._cells.pop(key, None)
                self._note_void(entry)
        cell = self.index(row, col)
        self.dataChanged.emit(cell, cell)

    # ------------------------------------------------------------------ Qt model interface

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._aspects) + self.first_aspect_column

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        # Called for every painted cell: the flag values are built once (enum `|` is slow in PySide6).
        if not index.isValid():
            return _NO_FLAGS
        if self._locked or index.column() < self.first_aspect_column:
            return _READ_ONLY
        return _EDITABLE

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            c = self.contestant_at(section)
            if c is not None and role == Qt.ItemDataRole.DisplayRole:
                return f"{self._numbers[section]}  {c.code}"  # as the paper's 序号 and 选手代码
            return None
        a = self.aspect_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if a is None:
                return self.tr("姓名") if self._names and section == 0 else None
            return self.header_text(a)
        if role == Qt.ItemDataRole.ToolTipRole and a is not None:
            return self.rule_summary(a)
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role not in _ROLES or not index.isValid():  # painting asks for many roles this model has not
            return None
        c = self._rows[index.row()]
        a = self.aspect_at(index.column())
        if a is None:  # the name column: present only when names may be seen
            if role == Qt.ItemDataRole.DisplayRole:
                return c.name
            if role == CONTESTANT_ROLE:
                return c.code
            if role == ASPECT_ROLE:
                return ""
            return None
        cell = self._cells.get((c.code, a.code))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if cell is None:
                return ""
            # As typed (2:25:30, 62.0); cached per value: painting asks for every visible cell.
            key = (a.code, cell.value, i18n.current())
            shown = self._shown.get(key)
            if shown is None:
                shown = self._shown[key] = show_value(a, cell.value, key[2])
            return shown
        if role == Qt.ItemDataRole.BackgroundRole:
            if a.type is AspectType.JUDGEMENT and self.panel(c.code, a)[1]:
                return RESCORE_BG
            return SAVED_BG if cell else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return LOCKED_FG if self._locked else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == LOG_ID_ROLE:
            return cell.log_id if cell else 0
        if role == STATE_ROLE:
            return cell.state if cell else EMPTY
        if role == PANEL_ROLE:
            return self.panel(c.code, a)[0]
        if role == RESCORE_ROLE:
            return self.panel(c.code, a)[1]
        if role == ASPECT_ROLE:
            return a.code
        if role == CONTESTANT_ROLE:
            return c.code
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(c, a, cell)
        return None

    def _tooltip(self, c: Contestant, a: Aspect, cell: Cell | None) -> str:
        lines = [f"{c.code} · {a.code} {a.name}"]
        if cell is None:
            lines.append(self.tr("未录入"))
        elif cell.state == CORRECTED:
            lines.append(
                self.tr("已更正：{0}（记录 #{1}，原记录 #{2}）").format(
                    show_value(a, cell.value, i18n.current()), cell.log_id, cell.first_id
                )
            )
        else:
            lines.append(
                self.tr("已保存：{0}（记录 #{1}）").format(
                    show_value(a, cell.value, i18n.current()), cell.log_id
                )
            )
        if cell is not None and cell.judge != self.ctx.judge.code:
            lines.append(self.tr("由 {0} 录入").format(cell.judge))
        summary = self.panel(c.code, a)[0]
        if summary:
            lines.append(self.tr("评分组：{0}").format(summary))
        return "\n".join(lines)

    def rule_summary(self, a: Aspect) -> str:
        """What a judge may enter for the aspect, and what it is worth, in one or two lines."""
        rule = a.rule
        if isinstance(rule, MeasurementRule):
            if rule.mode is MeasureMode.GAUGE:
                what = self.tr("量规检测：合格 / 不合格（pass / fail）")
            elif rule.mode is MeasureMode.GRADE:
                what = self.tr("等级：{0}").format(" / ".join(g.label for g in rule.grades))
            elif rule.mode is MeasureMode.TOLERANCE and rule.nominal is not None:
                what = self.tr("公差测量：{0} {1}/{2} {3}").format(
                    fmt(rule.nominal), _signed(rule.upper), _signed(rule.lower), rule.unit
                )
            else:
                what = self.tr("测量值（{0}）").format(rule.unit)
            bounds = measurement_range(rule) if rule.mode is MeasureMode.TOLERANCE else None
            if bounds is not None:
                what += self.tr("，合理范围 {0}–{1}").format(fmt(bounds[0]), fmt(bounds[1]))
        elif isinstance(rule, JudgementRule):
            what = self.tr("评价分 {0}–{1}，步长 {2}，{3} 名裁判").format(
                fmt(rule.scale_min), fmt(rule.scale_max), fmt(rule.step), rule.judges
            )
        elif isinstance(rule, TimeRule):
            what = self.tr("用时：分:秒 或 时:分:秒（例如 25:30.5、2:25:30）")
            if rule.limit_minutes is not None:
                what += self.tr("，限时 {0} 分钟").format(fmt(rule.limit_minutes))
        elif isinstance(rule, DeductionRule):
            what = self.tr("违规次数：每次扣 {0} 分，最多 {1} 次").format(fmt(rule.per), rule.max_count)
        elif isinstance(rule, ExamRule):
            what = self.tr("试卷成绩 0–{0}").format(fmt(rule.out_of))
        else:
            what = ""
        return self.tr("{0} {1}\n{2}\n满分 {3}").format(a.code, a.name, what, fmt(a.max_mark))


def _signed(value: Any) -> str:
    if value is None:
        return "0"
    text = fmt(value)
    return text if text.startswith("-") or text == "0" else "+" + text
