"""评分记录表: blank paper forms, one per scoring judge, with the aspects the judge may mark as
columns and the event's contestant codes (never names) as numbered rows.

Rows, columns, header texts and page breaks come from `scorer.forms.form_layout`, the same layout
the entry grids show, so a clerk reading the paper line by line types into the same line on
screen. Every page stands on its own: the judge, the event, the form id and its QR code, and
"第 x 页 共 y 页" counted within that judge's form (a form dropped from a pile is still known).
Which judges get a form by default: `scorer.forms.gets_form` (a chief judge's "*" is no panel seat).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from scorer import forms
from scorer.forms import FormLayout, FormPage, form_layout, hint
from scorer.model import Aspect, Event, Judge, Role
from scorer.reports import fonts
from scorer.reports.data import EventData
from scorer.reports.page import Heading, _NumberedCanvas, p, signature_line, styles
from scorer.reports.page import build as build_page
from scorer.reports.score_sheets import heading

__all__ = ["form_id", "hint", "judge_aspects", "layout", "marking_forms_pdf", "qr", "scoring_judges"]

NUMBER_W = 9 * mm
CODE_W = 22 * mm
MAX_COL_W = 36 * mm
ROW_H = 7 * mm  # a page of up to forms.ROWS_PER_PAGE rows
ROW_H_FULL = 6 * mm  # a panel of up to forms.ROWS_ONE_PAGE rows kept on one page
QR_SIZE = 22 * mm
WIDTH = 210 * mm - 24 * mm  # A4 less the page margins
HEAD_SIZE = 7.5


def judge_aspects(event: Event, judge: Judge) -> list[Aspect]:
    """The aspects of `event` that `judge` may mark, in scheme order (as Store.may_mark)."""
    return forms.judge_aspects(event, judge)


def scoring_judges(data: EventData) -> list[Judge]:
    """The judges who get a blank form by default (scorer.forms.gets_form)."""
    return forms.scoring_judges(data.competition, data.event)


def _judge(data: EventData, code: str) -> Judge:
    j = next((j for j in data.competition.judges if j.code == code), None)
    if j is None:
        raise KeyError(code)
    return j


def layout(data: EventData, judge: str) -> FormLayout:
    """The layout of `judge`'s form: the one the entry grids show too."""
    return form_layout(data.competition, data.event, _judge(data, judge))


def form_id(data: EventData, judge: str) -> str:
    """The QR payload of `judge`'s form: SCORER-FORM|competition|event|judge|hash of its codes."""
    return layout(data, judge).form_id


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


def _head_line(text: str, width: float, bold: bool = False) -> Paragraph:
    """One header line. Wrapped at spaces when every word fits the column, so "合格/不合格" or
    "+0.021/0" never breaks inside; at any CJK character only when a word is wider than the column."""
    base = styles()["small"]
    words_fit = all(fonts.width(w, HEAD_SIZE, bold) <= width for w in text.split())
    style = ParagraphStyle("head", parent=base, wordWrap=None if words_fit else "CJK")
    return Paragraph(fonts.markup(text, bold=bold), style)


def _grid(rows: list[list[Any]], widths: list[float], row_h: float) -> Table:
    t = Table(rows, colWidths=widths, rowHeights=[None] + [row_h] * (len(rows) - 1))
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.LATIN),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("VALIGN", (0, 0), (-1, 0), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.9, 0.95)),
                ("BACKGROUND", (0, 1), (1, -1), colors.Color(0.96, 0.96, 0.96)),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return t


class _FormMark(Flowable):
    """Invisible: tells the canvas which form the page belongs to (for 第 x 页 共 y 页 and the
    judge in the page heading). Placed first on each page of a form."""

    def __init__(self, key: str, label: str) -> None:
        super().__init__()
        self.key, self.label = key, label

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.form_key = self.key  # type: ignore[attr-defined]
        self.canv.form_label = self.label  # type: ignore[attr-defined]


class _FormCanvas(_NumberedCanvas):
    """Pages numbered within each judge's form, not across the whole print run."""

    form_key = ""
    form_label = ""

    def save(self) -> None:
        keys = [state.get("form_key", "") for state in self._pages]
        totals, seen = Counter(keys), Counter[str]()
        base = self.heading
        for state, key in zip(self._pages, keys, strict=True):
            seen[key] += 1
            self.__dict__.update(state)
            self._pageNumber = seen[key]
            label = state.get("form_label", "")
            self.heading = replace(base, extra=(label,)) if label else base
            self._decorate(totals[key])
            super(_NumberedCanvas, self).showPage()
        super(_NumberedCanvas, self).save()


def _build(story: list[Any], head: Heading) -> bytes:
    """A4 portrait with the usual heading; page numbers counted per form (never a draft mark:
    blank forms are not results)."""
    return build_page(story, head, draft=None, canvas=_FormCanvas)


def _page(data: EventData, form: FormLayout, page: FormPage, width: float) -> list[Any]:
    judge = form.judge
    label = "裁判长" if judge.role is Role.CHIEF else "评分裁判"  # a chief judge who also marks
    columns = form.columns[page.col0 : page.col1]
    rows = form.rows[page.row0 : page.row1]
    info = [
        [p(f"{label}：{judge.code}　{judge.name}", "base", bold=True)],
        [p(f"项目：{data.event.code}　{data.event.name}", "base")],
        [
            p(
                f"评分项：{'、'.join(c.aspect.code for c in columns)}；在方框内填写实测值或分数，改正处请签字。",
                "base",
            )
        ],
        [
            p(
                f"本页第 {rows[0].number if rows else 0}–{rows[-1].number if rows else 0} 行；"
                f"选手 {len(form.rows)} 名，评分项 {len(form.columns)} 个，本表共 {len(form.pages)} 页。",
                "small",
            )
        ],
    ]
    qr_w = width * 0.5
    qr_cell = Table([[qr(form.form_id)], [p(form.form_id, "small")]], colWidths=[qr_w])
    qr_cell.setStyle(_plain([("ALIGN", (0, 0), (-1, -1), "RIGHT")]))
    info_t = Table(info, colWidths=[width - qr_w - 4])
    info_t.setStyle(_plain([]))
    top = Table([[info_t, qr_cell]], colWidths=[width - qr_w, qr_w])
    top.setStyle(_plain([("VALIGN", (0, 0), (-1, -1), "TOP")]))

    col_w = min(MAX_COL_W, (width - NUMBER_W - CODE_W) / max(len(columns), 1))
    inner = col_w - 4
    head: list[Any] = [p("序号", "small", bold=True), p("选手代码", "small", bold=True)]
    for c in columns:
        head.append(
            [_head_line(c.lines[0], inner, bold=True), *(_head_line(t, inner) for t in c.lines[1:] if t)]
        )
    table_rows: list[list[Any]] = [head]
    table_rows.extend([p(str(r.number)), p(r.contestant, bold=True)] + [""] * len(columns) for r in rows)
    row_h = ROW_H if len(rows) <= forms.ROWS_PER_PAGE else ROW_H_FULL
    grid = _grid(table_rows, [NUMBER_W, CODE_W] + [col_w] * len(columns), row_h)
    return [
        _FormMark(form.form_id, f"{label} {judge.code}"),
        top,
        Spacer(1, 2 * mm),
        grid,
        Spacer(1, 4 * mm),
        signature_line([f"{label}签字", "日期", "录分员签字"]),
    ]


def marking_forms_pdf(data: EventData, judges: list[str] | None = None) -> bytes:
    """评分记录表 for `judges` (codes; by default every judge who gets a form, see forms.gets_form)."""
    chosen = scoring_judges(data) if judges is None else [_judge(data, code) for code in judges]
    story: list[Any] = []
    for judge in chosen:
        form = form_layout(data.competition, data.event, judge)
        if not form.columns:
            continue
        for page in form.pages:
            if story:
                story.append(PageBreak())
            story.extend(_page(data, form, page, WIDTH))
    if not story:
        story.append(p("没有评分裁判", "base"))
    return _build(story, heading(data, "评分记录表"))
