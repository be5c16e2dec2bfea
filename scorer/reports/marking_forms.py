"""评分记录表: blank paper forms, one per scoring judge, with the aspects the judge may mark as
columns and the event's contestant codes (never names) as rows, each with a QR code identifying
the form so the entry clerk's screen can open it.

Wide forms are split into column groups of `PER_PAGE` aspects, each starting on a new page with the contestant codes repeated.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

from scorer.model import (
    Aspect,
    AspectType,
    DeductionRule,
    Event,
    ExamRule,
    Judge,
    JudgementRule,
    MeasurementRule,
    MeasureMode,
    Role,
)
from scorer.reports import fonts
from scorer.reports.data import EventData
from scorer.reports.page import build, p, signature_line
from scorer.reports.score_sheets import fmt, heading

PER_PAGE = 6  # aspect columns per (portrait) page
CODE_W = 24 * mm
ROW_H = 7 * mm
QR_SIZE = 24 * mm
WIDTH = 210 * mm - 24 * mm  # A4 less the page margins


def _scope_map(event: Event) -> dict[str, tuple[str, ...]]:
    """aspect code → the codes that include it (as scorer.store._scope_map)."""
    return {
        a.code: (a.code, sub.code, crit.code, comp.code)
        for comp in event.components
        for crit in comp.criteria
        for sub in crit.sub_criteria
        for a in sub.aspects
    }


def judge_aspects(event: Event, judge: Judge) -> list[Aspect]:
    """The aspects of `event` that `judge` may mark, in scheme order (as Store.may_mark)."""
    parents = _scope_map(event)
    scopes = [s for asg in judge.assignments if asg.event == event.code for s in asg.scope]
    return [a for code, a in event.aspects().items() if any(s == "*" or s in parents[code] for s in scopes)]


def scoring_judges(data: EventData) -> list[Judge]:
    """Judges and chief judges of the event who may mark at least one aspect."""
    return [
        j
        for j in data.competition.judges
        if j.role in (Role.JUDGE, Role.CHIEF) and judge_aspects(data.event, j)
    ]


def _contestant_codes(data: EventData) -> list[str]:
    return sorted(data.contestants)


def _judge(data: EventData, code: str) -> Judge:
    j = next((j for j in data.competition.judges if j.code == code), None)
    if j is None:
        raise KeyError(code)
    return j


def form_id(data: EventData, judge: str) -> str:
    """The QR payload of `judge`'s form: SCORER-FORM|competition|event|judge|hash of its codes."""
    aspects = [a.code for a in judge_aspects(data.event, _judge(data, judge))]
    text = "\n".join(_contestant_codes(data)) + "\n|\n" + "\n".join(aspects)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return f"SCORER-FORM|{data.competition.id}|{data.event.code}|{judge}|{digest}"


def _signed(d: Decimal | int) -> str:
    return "0" if d == 0 else format(Decimal(d), "+f")


def hint(a: Aspect) -> str:
    """What the judge writes in the box: range, unit, grades, 合格/不合格, 分:秒 …"""
    rule = a.rule
    if isinstance(rule, JudgementRule):
        text = f"{fmt(rule.scale_min)}–{fmt(rule.scale_max)}"
        return text if rule.step == 1 else f"{text}，步长 {fmt(rule.step)}"
    if isinstance(rule, MeasurementRule):
        if rule.mode is MeasureMode.GAUGE:
            return "合格/不合格"
        if rule.mode is MeasureMode.GRADE:
            return " / ".join(g.label for g in rule.grades) + (f" {rule.unit}" if rule.unit else "")
        if rule.mode is MeasureMode.TOLERANCE and rule.nominal is not None:
            lo, up = rule.lower or 0, rule.upper or 0
            return f"实测 {rule.unit}（{fmt(rule.nominal)} {_signed(up)}/{_signed(lo)}）"
        return f"实测 {rule.unit}".strip()
    if a.type is AspectType.TIME:
        return "用时 分:秒"
    if isinstance(rule, DeductionRule):
        return f"违规次数（每次扣 {fmt(rule.per)}）"
    if isinstance(rule, ExamRule):
        return f"0–{fmt(rule.out_of)}"
    return ""


def qr(payload: str, size: float = QR_SIZE) -> Drawing:
    """A QR code of `payload`, `size` points square."""
    w = QrCodeWidget(payload, barBorder=2)
    x0, y0, x1, y1 = w.getBounds()
    d = Drawing(
        size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0], initialFontName=fonts.LATIN
    )
    d.add(w)
    return d


def _plain(extra: list[tuple[Any, ...]]) -> TableStyle:
    """Layout tables: no padding, and no unembedded default font."""
    base: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.LATIN),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]
    return TableStyle(base + extra)


def _grid(rows: list[list[Any]], widths: list[float], header_h: float) -> Table:
    heights = [header_h] + [ROW_H] * (len(rows) - 1)
    t = Table(rows, colWidths=widths, rowHeights=heights, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.LATIN),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.9, 0.95)),
                ("BACKGROUND", (0, 1), (0, -1), colors.Color(0.96, 0.96, 0.96)),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return t


def _form(data: EventData, judge: Judge, width: float) -> list[Any]:
    aspects = judge_aspects(data.event, judge)
    codes = _contestant_codes(data)
    payload = form_id(data, judge.code)
    groups = [aspects[i : i + PER_PAGE] for i in range(0, len(aspects), PER_PAGE)]
    label = "裁判长" if judge.role is Role.CHIEF else "评分裁判"  # a chief judge who also marks
    story: list[Any] = []
    for n, group in enumerate(groups, 1):
        if story:
            story.append(PageBreak())
        part = f"（第 {n} / {len(groups)} 部分）" if len(groups) > 1 else ""
        info = [
            [p(f"{label}：{judge.code}　{judge.name}{part}", "base", bold=True)],
            [
                p(
                    f"评分项：{'、'.join(a.code for a in group)}；在方框内填写实测值或分数，改正处请签字。",
                    "base",
                )
            ],
            [p(f"评分项共 {len(aspects)} 个，选手 {len(codes)} 名。", "small")],
        ]
        qr_w = width * 0.5
        qr_cell = Table([[qr(payload)], [p(payload, "small")]], colWidths=[qr_w])
        qr_cell.setStyle(_plain([("ALIGN", (0, 0), (-1, -1), "RIGHT")]))
        info_t = Table(info, colWidths=[width - qr_w - 4])
        info_t.setStyle(_plain([]))
        top = Table([[info_t, qr_cell]], colWidths=[width - qr_w, qr_w])
        top.setStyle(_plain([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(top)
        story.append(Spacer(1, 2 * mm))
        col_w = min(32 * mm, (width - CODE_W) / PER_PAGE)
        head: list[Any] = [p("选手代码", bold=True)]
        for a in group:
            head.append(
                [
                    p(f"{a.code} {a.name}", "small", bold=True),
                    p(f"满分 {fmt(a.max_mark)}｜{hint(a)}", "small"),
                ]
            )
        rows: list[list[Any]] = [head]
        rows.extend([p(code, bold=True)] + [""] * len(group) for code in codes)
        story.append(_grid(rows, [CODE_W] + [col_w] * len(group), 20 * mm))
        story.append(Spacer(1, 6 * mm))
        story.append(signature_line([f"{label}签字", "日期", "录分员签字"]))
    return story


def marking_forms_pdf(data: EventData, judges: list[str] | None = None) -> bytes:
    """评分记录表 for `judges` (codes; all scoring judges of the event unless given)."""
    chosen = scoring_judges(data) if judges is None else [_judge(data, code) for code in judges]
    story: list[Any] = []
    for judge in chosen:
        form = _form(data, judge, WIDTH)
        if not form:
            continue
        if story:
            story.append(PageBreak())
        story.extend(form)
    if not story:
        story.append(p("没有评分裁判", "base"))
    return build(story, heading(data, "评分记录表"), draft=False)
