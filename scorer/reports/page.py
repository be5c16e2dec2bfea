"""What every printed document shares: fonts, styles, the page frame (header with contest, event,
venue and date; "第 x 页 共 y 页"), the draft watermark (unlocked events; final documents of events not
yet decrypted), one way of writing dates, and PDF bytes out.

Documents are deterministic: reportlab runs in invariant mode (fonts.register), so the same input
gives byte-identical PDFs, which the tests check.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle

from scorer.reports import fonts

if TYPE_CHECKING:
    from scorer.reports.data import EventData

DRAFT_MARK = "未锁定 草稿"
UNDECRYPTED_MARK = "未解密 草稿"


@dataclass(frozen=True)
class Draft:
    """Why a document is not final: the large diagonal mark and the reason printed at the top."""

    mark: str
    reason: str


UNLOCKED = Draft(DRAFT_MARK, f"{DRAFT_MARK}：项目未锁定，成绩可能变动")
UNDECRYPTED = Draft(UNDECRYPTED_MARK, "姓名未解密：草稿，不得作为正式文件公布")


UNSOUND_MARK = "校验未通过 草稿"
_FILE_PROBLEM: ContextVar[str | None] = ContextVar("file_problem", default=None)


@contextmanager
def file_problem(reason: str | None) -> Iterator[None]:
    """While rendering, the competition file failed verification: final documents are drafts
    carrying `reason` ("文件校验未通过：…"). Set by registry.render (documents take EventData only)."""
    token = _FILE_PROBLEM.set(reason)
    try:
        yield
    finally:
        _FILE_PROBLEM.reset(token)


def draft_of(data: EventData, final: bool = False) -> Draft | None:
    """The draft state of an event's document: unlocked → draft; a final document (results list,
    award list, notice, certificates) also needs the names, i.e. decryption, and a file that passes
    verification; else None (final)."""
    problem = _FILE_PROBLEM.get()
    if final and problem:
        return Draft(UNSOUND_MARK, problem if len(problem) <= 70 else problem[:69] + "…")
    if not data.locked:
        return UNLOCKED
    if final and not data.names:
        return UNDECRYPTED
    return None


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def date_range(start: str, end: str = "") -> str:
    """The one way documents write a date or a span of dates: 2026年11月21日, 2026年11月21日—22日,
    2026年11月30日—12月1日, 2026年12月31日—2027年1月1日 (text that is not an ISO date is kept)."""
    end = "" if end == start else end
    a, b = _ISO.match(start or ""), _ISO.match(end or "")
    if not (a and (b or not end)):
        return " 至 ".join(x for x in (start, end) if x)
    y, m, d = (int(x) for x in a.groups())
    text = f"{y}年{m}月{d}日"
    if b is None:
        return text
    y2, m2, d2 = (int(x) for x in b.groups())
    if y2 != y:
        return f"{text}—{y2}年{m2}月{d2}日"
    if m2 != m:
        return f"{text}—{m2}月{d2}日"
    return f"{text}—{d2}日"


@dataclass(frozen=True)
class Heading:
    """The lines at the top of every page."""

    title: str  # 成绩排名表
    contest: str = ""  # 2026年上海市职工职业技能大赛
    event: str = ""  # 数控车工
    venue: str = ""
    date: str = ""
    extra: tuple[str, ...] = field(default_factory=tuple)


def event_heading(data: EventData, title: str) -> Heading:
    """The page heading of every document about one event (contest, event, venue, dates)."""
    comp = data.competition
    return Heading(
        title=title,
        contest=comp.name,
        event=data.event.name,
        venue=comp.venue,
        date=date_range(comp.start_date, comp.end_date),
    )


def styles() -> dict[str, ParagraphStyle]:
    fonts.register()
    base = ParagraphStyle("base", fontName=fonts.LATIN, fontSize=9, leading=12, wordWrap="CJK")
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=20, alignment=TA_CENTER),
        "centre": ParagraphStyle("centre", parent=base, alignment=TA_CENTER),
        "body": ParagraphStyle("body", parent=base, fontSize=10.5, leading=17, firstLineIndent=21),
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
    draft: Draft | None

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
        if self.draft is not None:
            self.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.18))
            self.translate(w / 2, h / 2)
            self.rotate(35)
            fonts.draw(self, 0, 0, self.draft.mark, 64, align="centre")
            self.rotate(-35)
            self.translate(-w / 2, -h / 2)
            self.setFillColor(colors.Color(0.75, 0.1, 0.1))
            fonts.draw(self, w - 15 * mm, h - 12 * mm, self.draft.reason, 8, align="right")
        self.setFillColor(colors.black)
        fonts.draw(self, w / 2, h - 14 * mm, h_.title, 15, align="centre", bold=True)
        line = "　".join(x for x in (h_.contest, h_.event, h_.venue, h_.date, *h_.extra) if x)
        fonts.draw(self, w / 2, h - 20 * mm, line, 8.5, align="centre")
        fonts.draw(self, w / 2, 9 * mm, f"第 {self._pageNumber} 页 共 {total} 页", 8, align="centre")
        self.restoreState()


def build(
    story: list[Any],
    heading: Heading,
    draft: bool | Draft | None = False,
    wide: bool = False,
    top: float = 26 * mm,
    canvas: type[_NumberedCanvas] | None = None,
) -> bytes:
    """Lay out `story` under `heading` on A4 (landscape if `wide`); the PDF bytes. `draft`: a Draft
    (its mark and reason on every page), True for UNLOCKED, False or None for a final document.
    `canvas`: a page decorator of the document's own (blank forms number pages per form)."""
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

    class Maker(canvas or _NumberedCanvas):  # type: ignore[misc,valid-type]
        pass

    Maker.heading = heading
    Maker.draft = UNLOCKED if draft is True else (draft or None)
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


SEAL_LABEL = "盖章处"


def draw_seal_area(canvas: Canvas, cx: float, cy: float, radius: float = 21 * mm) -> None:
    """A dashed circle labelled 盖章处 where the issuing body stamps its seal (over its name and the
    date, as Chinese documents are sealed); light grey so a red seal covers it."""
    canvas.saveState()
    canvas.setStrokeColor(colors.Color(0.6, 0.6, 0.6))
    canvas.setFillColor(colors.Color(0.55, 0.55, 0.55))
    canvas.setLineWidth(0.6)
    canvas.setDash(3, 2)
    canvas.circle(cx, cy, radius, stroke=1, fill=0)
    fonts.draw(canvas, cx, cy + radius - 5 * mm, f"（{SEAL_LABEL}）", 7.5, align="centre")
    canvas.restoreState()


class IssuerBlock(Flowable):
    """The issuing body and the date at the right, with the seal area over them."""

    def __init__(self, issuer: str, date: str, height: float = 46 * mm) -> None:
        super().__init__()
        self.issuer, self.date, self.height = issuer, date, height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        c = self.canv
        right = self.width - 10 * mm
        width = max(fonts.width(self.issuer, 11), fonts.width(self.date, 11))
        centre = right - width / 2
        fonts.draw(c, centre, self.height / 2 + 2 * mm, self.issuer, 11, align="centre")
        fonts.draw(c, centre, self.height / 2 - 5 * mm, self.date, 11, align="centre")
        draw_seal_area(c, centre, self.height / 2)
