"""The layout of a judge's marking form (评分记录表), for the paper and the screen alike.

A clerk or a judge reads the printed form line by line while typing into a grid: if the two
orders differ, marks land against the wrong contestants. So the printed form
(`scorer.reports.marking_forms`), the judge's entry grid (`ui.models.score_grid`) and the paper
double-entry grid (`ui.windows.double_entry`) all take their rows, columns, header texts, row
numbers and page breaks from `form_layout` — and nothing else decides them.

- Rows: the event's contestants by code, ascending (CNC-118, CNC-194, …), numbered 1, 2, 3 …
- Columns: the aspects the judge may mark, in scheme order; each with the header text the paper
  prints (code and name, then the points or the time rule, then what to write).
- Pages: column groups of `COLUMNS_PER_PAGE` aspects; within a group, up to `ROWS_ONE_PAGE` rows
  stay on one page (a little lower rows, still legible), more are split into pages of at most
  `ROWS_PER_PAGE`, balanced. The reading order is page by page (all rows of the first column
  group, then the next group), and along each row within a page — the order a form is filled in.

Core module: no Qt, no reportlab.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field, replace
from decimal import Decimal

from scorer.model import (
    Aspect,
    AspectType,
    Assignment,
    Competition,
    DeductionRule,
    Event,
    ExamRule,
    Judge,
    JudgementRule,
    MeasurementRule,
    MeasureMode,
    Role,
    TimeRule,
)

COLUMNS_PER_PAGE = 6  # aspect columns per portrait page
ROWS_PER_PAGE = 25  # rows per page at the normal row height (7 mm)
ROWS_ONE_PAGE = 30  # a panel up to this many rows fits one page (rows ≥ 6 mm high)


def _fmt(d: Decimal | int) -> str:
    """A decimal without trailing zeros or exponent (10.0 → 10, 0.50 → 0.5)."""
    text = format(Decimal(d), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _signed(d: Decimal | int | None) -> str:
    return "0" if not d else format(Decimal(d), "+f")


def hint(a: Aspect) -> str:
    """What the judge writes in the box: range, unit, grades, 合格/不合格, 分:秒 …"""
    rule = a.rule
    if isinstance(rule, JudgementRule):
        text = f"{_fmt(rule.scale_min)}–{_fmt(rule.scale_max)}"
        return text if rule.step == 1 else f"{text}，步长 {_fmt(rule.step)}"
    if isinstance(rule, MeasurementRule):
        if rule.mode is MeasureMode.GAUGE:
            return "合格/不合格"
        if rule.mode is MeasureMode.GRADE:
            return " / ".join(g.label for g in rule.grades) + (f" {rule.unit}" if rule.unit else "")
        if rule.mode is MeasureMode.TOLERANCE and rule.nominal is not None:
            lo, up = rule.lower or 0, rule.upper or 0
            return f"实测 {rule.unit}（{_fmt(rule.nominal)} {_signed(up)}/{_signed(lo)}）"
        return f"实测 {rule.unit}".strip()
    if a.type is AspectType.TIME:
        return "用时 分:秒"
    if isinstance(rule, DeductionRule):
        return f"违规次数（每次扣 {_fmt(rule.per)}）"
    if isinstance(rule, ExamRule):
        return f"0–{_fmt(rule.out_of)}"
    return ""


def worth(a: Aspect) -> str:
    """The header's second line: the points, or the rule when the points say nothing (a time item
    or a deduction from the total has max_mark 0: "满分 0" would mislead)."""
    rule = a.rule
    if isinstance(rule, TimeRule) and rule.limit_minutes is not None:
        text = f"限时 {_fmt(rule.limit_minutes)} 分钟"
        return text if rule.cutoff_minutes is None else f"{text}，{_fmt(rule.cutoff_minutes)} 分钟截止"
    if isinstance(rule, DeductionRule) and a.max_mark == 0:
        return "从总分扣" if rule.cap is None else f"从总分扣，最多 {_fmt(rule.cap)}"
    if isinstance(rule, TimeRule) and a.max_mark == 0:
        return "计时"
    return f"满分 {_fmt(a.max_mark)}"


@dataclass(frozen=True, slots=True)
class FormRow:
    """One printed line: its number on the paper and the contestant's code."""

    number: int
    contestant: str


@dataclass(frozen=True, slots=True)
class FormColumn:
    """One aspect column, with the header lines the paper prints."""

    aspect: Aspect
    lines: tuple[str, ...]  # ("A1.1 外圆 Ø24 +0.021/0", "满分 10", "实测 mm（24 +0.021/0）")

    @property
    def header(self) -> str:
        """The header text, one line per printed line (the grid shows the same)."""
        return "\n".join(self.lines)


@dataclass(frozen=True, slots=True)
class FormPage:
    """One sheet of the form: rows [row0, row1) × columns [col0, col1) of the layout."""

    number: int  # 1-based within this judge's form
    row0: int
    row1: int
    col0: int
    col1: int

    @property
    def cells(self) -> int:
        return (self.row1 - self.row0) * (self.col1 - self.col0)


@dataclass(frozen=True)
class FormLayout:
    """A judge's form for one event: rows, columns, pages and the form id its QR code carries."""

    event: str
    judge: Judge
    rows: tuple[FormRow, ...]
    columns: tuple[FormColumn, ...]
    pages: tuple[FormPage, ...]
    form_id: str
    printed: bool  # printed with the event's forms by default (see `gets_form`)
    _starts: tuple[int, ...] = field(default=(), repr=False)  # reading position of each page's first cell

    def __post_init__(self) -> None:
        starts, total = [], 0
        for page in self.pages:
            starts.append(total)
            total += page.cells
        object.__setattr__(self, "_starts", tuple(starts))

    @property
    def cells(self) -> int:
        return len(self.rows) * len(self.columns)

    def page_of(self, row: int, col: int) -> FormPage | None:
        """The page holding a cell (a handful of pages: a plain loop)."""
        for page in self.pages:
            if page.row0 <= row < page.row1 and page.col0 <= col < page.col1:
                return page
        return None

    def position(self, row: int, col: int) -> int:
        """The cell's place in the paper's reading order (0-based); arithmetic, no list of cells."""
        page = self.page_of(row, col)
        if page is None:
            raise IndexError((row, col))
        width = page.col1 - page.col0
        return self._starts[page.number - 1] + (row - page.row0) * width + (col - page.col0)

    def cell_at(self, position: int) -> tuple[int, int]:
        """The (row, column) at a place in the reading order: the inverse of `position`."""
        i = bisect.bisect_right(self._starts, position) - 1
        page = self.pages[i]
        r, c = divmod(position - self._starts[i], page.col1 - page.col0)
        return page.row0 + r, page.col0 + c


def _scope_parents(event: Event) -> dict[str, tuple[str, ...]]:
    """aspect code → the codes that include it (as the store's scope map)."""
    return {
        a.code: (a.code, sub.code, crit.code, comp.code)
        for comp in event.components
        for crit in comp.criteria
        for sub in crit.sub_criteria
        for a in sub.aspects
    }


def judge_aspects(event: Event, judge: Judge) -> list[Aspect]:
    """The aspects of `event` that `judge` may mark, in scheme order (as Store.may_mark)."""
    parents = _scope_parents(event)
    scopes = [s for asg in judge.assignments if asg.event == event.code for s in asg.scope]
    return [a for code, a in event.aspects().items() if any(s == "*" or s in parents[code] for s in scopes)]


def gets_form(event: Event, judge: Judge) -> bool:
    """Is a blank form printed for `judge` by default? Scoring judges with aspects, yes. A chief
    judge's scope "*" is the authority to enter or correct any mark, not a seat on a panel: a
    chief gets a form only for aspects named in their assignment (a chief who really scores).
    A form can still be printed for anyone on request (marking_forms_pdf(data, [code]))."""
    if judge.role is Role.JUDGE:
        return bool(judge_aspects(event, judge))
    if judge.role is Role.CHIEF:
        named = [s for asg in judge.assignments if asg.event == event.code for s in asg.scope if s != "*"]
        return bool(named)
    return False


def _columns(event: Event, judge: Judge) -> list[Aspect]:
    """A chief who also scores gets the named aspects on paper; otherwise every markable one."""
    aspects = judge_aspects(event, judge)
    if judge.role is Role.CHIEF and gets_form(event, judge):
        named = replace(
            judge,
            assignments=tuple(
                Assignment(asg.event, tuple(s for s in asg.scope if s != "*"))
                for asg in judge.assignments
                if asg.event == event.code
            ),
        )
        return judge_aspects(event, named)
    return aspects


def _split(n: int, most: int) -> list[tuple[int, int]]:
    """[0, n) in balanced runs of at most `most` (45 → 23 + 22, never 25 + 20)."""
    if n <= 0:
        return [(0, 0)]
    parts = -(-n // most)
    size, extra = divmod(n, parts)
    out, start = [], 0
    for i in range(parts):
        stop = start + size + (1 if i < extra else 0)
        out.append((start, stop))
        start = stop
    return out


def form_id(competition_id: str, event: str, judge: str, contestants: list[str], aspects: list[str]) -> str:
    """The QR payload: SCORER-FORM|competition|event|judge|first 12 hex of sha256 of the codes."""
    text = "\n".join(contestants) + "\n|\n" + "\n".join(aspects)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return f"SCORER-FORM|{competition_id}|{event}|{judge}|{digest}"


def form_layout(competition: Competition, event: Event, judge: Judge) -> FormLayout:
    """The one layout of `judge`'s form for `event` (paper and screens)."""
    codes = sorted(c.code for c in competition.contestants if c.event == event.code)
    aspects = _columns(event, judge)
    rows = tuple(FormRow(i, code) for i, code in enumerate(codes, 1))
    columns = tuple(FormColumn(a, (f"{a.code} {a.name}", worth(a), hint(a))) for a in aspects)
    row_runs = _split(len(rows), ROWS_ONE_PAGE if len(rows) <= ROWS_ONE_PAGE else ROWS_PER_PAGE)
    pages: list[FormPage] = []
    for col0 in range(0, len(columns), COLUMNS_PER_PAGE):
        col1 = min(col0 + COLUMNS_PER_PAGE, len(columns))
        for row0, row1 in row_runs:
            pages.append(FormPage(len(pages) + 1, row0, row1, col0, col1))
    fid = form_id(competition.id, event.code, judge.code, codes, [a.code for a in aspects])
    return FormLayout(event.code, judge, rows, columns, tuple(pages), fid, gets_form(event, judge))


def scoring_judges(competition: Competition, event: Event) -> list[Judge]:
    """The judges who get a blank form for `event` by default, in package order."""
    return [j for j in competition.judges if gets_form(event, j)]
