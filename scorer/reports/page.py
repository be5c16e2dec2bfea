"""What every printed document shares: fonts, styles, the page frame (header with contest, event,
venue and date; "第 x 页 共 y 页"), the draft watermark for unlocked events, and PDF bytes out.

Documents are deterministic: reportlab runs in invariant mode (fonts.register), so the same input
gives byte-identical PDFs, which the tests check.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Table, TableStyle

from scorer.reports import fonts

DRAFT_MARK = "未锁定 草稿"


@dataclass(frozen=True)
class Heading:
    """The lines at the top of every page."""

    title: str  # 成绩排名表
    contest: str = ""  # 2026年上海市职工职业技能大赛
    event: str = ""  # 数控车工
    venue: str = ""
    date: str = ""
    extra: tuple[str, ...] = field(default_factory=tuple)


def styles() -> dict[str, ParagraphStyle]:
    fonts.register()
    base = ParagraphStyle("base", fontName=fonts.LATIN, fontSize=9, leading=12, wordWrap="CJK")
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=20, alignment=TA_CENTER),
        "centre": ParagraphStyle("centre", parent=base, alignment=TA_CENTER),
    }


def p(text: str, style: str = "cell", bold: bool = False) -> Paragraph:
    """A paragraph of plain text (escaped, with font runs), wrapping CJK anywhere."""
    return Paragraph(fonts.markup(text, bold=bold), styles()[style])


def table(
    rows: Sequence[Sequence[Any]], widths: Sequence[float], header_rows: int = 1, zebra: bool = True
) -> Table:
    """A grid table whose header rows repeat on every page."""
    t = Table(list(rows), colWidths=list(widths), repeatRows=header_rows)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.LATIN),  # else reportlab sets Helvetica (unembedded) per cell
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.Color(0.88, 0.9, 0.95)),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if zebra:
        for r in range(header_rows + 1, len(rows), 2):
            style.append(("BACKGROUND", (0, r), (-1, r), colors.Color(0.97, 0.97, 0.97)))
    t.setStyle(TableStyle(style))
    return t


class _NumberedCanvas(Canvas):
    """Two passes: pages are kept until the end, when "共 y 页" (the page count) is known."""

    heading: Heading
    draft: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        w, h = self._pagesize
        h_ = self.heading
        self.saveState()
        if self.draft:
            self.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.18))
            self.translate(w / 2, h / 2)
            self.rotate(35)
            fonts.draw(self, 0, 0, DRAFT_MARK, 64, align="centre")
            self.rotate(-35)
            self.translate(-w / 2, -h / 2)
            self.setFillColor(colors.Color(0.75, 0.1, 0.1))
            fonts.draw(
                self, w - 15 * mm, h - 12 * mm, f"{DRAFT_MARK}：项目未锁定，成绩可能变动", 8, align="right"
            )
        self.setFillColor(colors.black)
        fonts.draw(self, w / 2, h - 14 * mm, h_.title, 15, align="centre", bold=True)
        line = "　".join(x for x in (h_.contest, h_.event, h_.venue, h_.date, *h_.extra) if x)
        fonts.draw(self, w / 2, h - 20 * mm, line, 8.5, align="centre")
        fonts.draw(self, w / 2, 9 * mm, f"第 {self._pageNumber} 页 共 {total} 页", 8, align="centre")
        self.restoreState()


def build(
    story: list[Any],
    heading: Heading,
    draft: bool = False,
    wide: bool = False,
    top: float = 26 * mm,
) -> bytes:
    """Lay out `story` under `heading` on A4 (landscape if `wide`); the PDF bytes."""
    fonts.register()
    pagesize = landscape(A4) if wide else A4
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=top,
        bottomMargin=16 * mm,
        title=heading.title,
        author="Scorer",
        creator="Scorer",
        initialFontName=fonts.LATIN,
        initialFontSize=9,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    class Maker(_NumberedCanvas):
        pass

    Maker.heading = heading
    Maker.draft = draft
    doc.build(story, canvasmaker=Maker)
    return out.getvalue()


def signature_line(labels: Sequence[str]) -> Table:
    """Signature boxes: "评分裁判签字：____" … for the judges and the chief judge."""
    cells = [p(f"{label}：", "base") for label in labels]
    t = Table([cells], colWidths=None)
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.LATIN),
                ("TOPPADDING", (0, 0), (-1, -1), 14),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.black),
            ]
        )
    )
    return t
