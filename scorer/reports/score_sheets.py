"""评分表: one page per contestant with every aspect's marks, the judges who gave them, the score
the rules computed (with the note saying how), subtotals, total, rank and award, and signatures.

Contestants appear by code only until the event is decrypted (`EventData.names`).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from scorer.model import STATUS_NAMES, Aspect, AspectType, Event
from scorer.reports.data import EventData
from scorer.reports.page import build, event_heading, p, signature_line, table
from scorer.rules.aspects import MISSING, RESCORE, AspectScore
from scorer.rules.compute import ContestantResult
from scorer.rules.rounding import round_as
from scorer.store import MarkRow
from scorer.values import show_value

STATUS_ZH = {code: names[0] for code, names in STATUS_NAMES.items()}
WIDTHS = [16 * mm, 36 * mm, 11 * mm, 40 * mm, 22 * mm, 14 * mm, 47 * mm]


heading = event_heading  # kept: the marking forms import it from here


def fmt(value: Decimal) -> str:
    return format(value, "f")


def rounded(event: Event, value: Decimal) -> str:
    """`value` rounded to the event's decimals, as the rules round."""
    return fmt(round_as(event, value))


def score_text(event: Event, s: AspectScore | None) -> str:
    if s is None or s.status == MISSING or (s.score is None and s.status != RESCORE):
        return "缺"
    if s.status == RESCORE:
        return "需重评"
    assert s.score is not None
    return rounded(event, s.score)


def _marks_cell(aspect: Aspect, rows: list[MarkRow]) -> str:
    """The marks as the judges wrote them (scorer.values.show_value: times as h:mm:ss or m:ss.ff,
    numbers at the aspect's precision), each with its judge."""
    if not rows:
        return ""
    if aspect.type is AspectType.JUDGEMENT:
        return "  ".join(f"{m.judge}: {show_value(aspect, m.value)}" for m in rows)
    return "  ".join(f"{show_value(aspect, m.value)}（{m.judge}）" for m in rows)


def _panel_cell(s: AspectScore | None) -> str:
    if s is None or not (s.counted or s.dropped):
        return ""
    text = "计入 " + " ".join(fmt(v) for v in s.counted)
    if s.dropped:
        text += "；去掉 " + " ".join(fmt(v) for v in s.dropped)
    return text


def _dec(value: Decimal | None) -> str:
    return "" if value is None else fmt(value)


def _sheet(data: EventData, r: ContestantResult, marks: dict[tuple[str, str], list[MarkRow]]) -> list[Any]:
    e = data.event
    person = data.contestants.get(r.code)
    who = f"选手代码：{r.code}"
    if data.names and person is not None:
        who += f"　　姓名：{person.name}　　单位：{person.organisation}"
    story: list[Any] = [p(who, "base", bold=True), Spacer(1, 3 * mm)]
    head = ["代码", "评分项", "满分", "评分记录（裁判）", "计入/去掉", "得分", "说明"]
    rows: list[list[Any]] = [[p(h, bold=True) for h in head]]
    style: list[tuple[Any, ...]] = []

    def band(text: str, shade: float, value: str = "") -> None:
        rows.append([p(text, bold=True), "", "", "", "", p(value, bold=True), ""])
        n = len(rows) - 1
        style.extend(
            [
                ("SPAN", (0, n), (4, n)),
                ("SPAN", (5, n), (6, n)),
                ("BACKGROUND", (0, n), (-1, n), colors.Color(shade, shade, shade)),
            ]
        )

    for comp in e.components:
        for crit in comp.criteria:
            for sub in crit.sub_criteria:
                sub_score = r.sub_criteria.get(sub.code)
                rows.append(
                    [p(sub.code, bold=True), p(sub.name, bold=True), "", "", "", p(_dec(sub_score)), ""]
                )
                style.append(
                    ("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), colors.Color(0.95, 0.95, 0.95))
                )
                for a in sub.aspects:
                    s = r.aspects.get(a.code)
                    rows.append(
                        [
                            p(a.code),
                            p(a.name),
                            p(fmt(a.max_mark)),
                            p(_marks_cell(a, marks.get((r.code, a.code), []))),
                            p(_panel_cell(s)),
                            p(score_text(e, s), bold=True),
                            p(s.note if s else "", "small"),
                        ]
                    )
            band(f"{crit.code} {crit.name} 小计", 0.9, _dec(r.criteria.get(crit.code)))
        label = f"{comp.code} {comp.name} 合计（满分 {fmt(comp.max_mark)}，权重 {fmt(comp.weight)}）"
        band(label, 0.82, _dec(r.components.get(comp.code)))
    t = table(rows, WIDTHS, zebra=False)
    t.setStyle([*style, ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])
    story.append(t)
    story.append(Spacer(1, 4 * mm))
    status = STATUS_ZH.get(r.status, "")
    summary = [
        [p(h, bold=True) for h in ("总分", "名次", "奖项", "状态")],
        [
            p(fmt(r.total), bold=True),
            p(str(r.rank) if r.rank is not None else "—"),
            p(r.award or "—"),
            p(status or ("完整" if r.complete else "未完成评分")),
        ],
    ]
    story.append(table(summary, [40 * mm, 30 * mm, 60 * mm, 56 * mm], zebra=False))
    story.append(Spacer(1, 8 * mm))
    story.append(signature_line(["评分裁判签字", "裁判长签字"]))
    return story


def score_sheets_pdf(data: EventData, contestants: list[str] | None = None) -> bytes:
    """评分表 of `contestants` (all of the event, by code, unless given), one per page."""
    by_code = data.result.by_code()
    codes = contestants if contestants is not None else sorted(data.contestants)
    marks: dict[tuple[str, str], list[MarkRow]] = defaultdict(list)
    for m in sorted(data.marks, key=lambda m: (m.contestant, m.aspect, m.judge)):
        marks[(m.contestant, m.aspect)].append(m)
    story: list[Any] = []
    for code in codes:
        r = by_code.get(code)
        if r is None:
            continue
        if story:
            story.append(PageBreak())
        story.extend(_sheet(data, r, marks))
    if not story:
        story.append(p("没有选手", "base"))
    return build(story, heading(data, "评分表"), draft=not data.locked)
