"""获奖证书: one certificate page per winner (every ranked contestant with an award or a title).

Drawn directly on a reportlab canvas (no platypus): an optional background image, positioned
fields (name, organisation, event, award, title, contest, date, verification code) and a QR code
carrying "SCORER-CERT|<competition id>|<event>|<contestant code>|<award>|<verification code>".
Until the event is decrypted, the contestant's code is printed instead of the name ("待解密"); until
it is locked, every page carries the draft watermark. Same input, same bytes (fonts.register()).
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from scorer.reports import fonts
from scorer.reports.data import EventData
from scorer.reports.page import DRAFT_MARK
from scorer.rules.compute import ContestantResult

QR_PREFIX = "SCORER-CERT"
PENDING = "待解密"


def verification_code(competition_id: str, event: str, code: str, award: str, total: Decimal | str) -> str:
    """The certificate's check code, which headquarters can re-compute from the results:

        base32(sha256("|".join([competition_id, event, code, award, str(total)]).encode("utf-8")))

    without "=" padding, first 10 characters (A–Z, 2–7). `total` is the rounded total as printed
    in the results (e.g. "88.15"). There is no secret in it yet: it shows a certificate matches a
    result, not who issued it; a signed version comes with the sync issue.
    """
    text = "|".join([competition_id, event, code, award, str(total)])
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=")[:10]


def qr_payload(competition_id: str, event: str, code: str, award: str, check: str) -> str:
    """What the QR code carries (and what is printed under it)."""
    return "|".join([QR_PREFIX, competition_id, event, code, award, check])


@dataclass(frozen=True)
class Field:
    """One positioned text field: x, y in mm from the bottom left; align left, centre or right."""

    name: str
    x_mm: float
    y_mm: float
    size: float
    align: str = "centre"
    bold: bool = False


DEFAULT_FIELDS: tuple[Field, ...] = (
    Field("heading", 148.5, 165, 34, bold=True),
    Field("name", 148.5, 135, 26, bold=True),
    Field("organisation", 148.5, 124, 13),
    Field("event", 148.5, 108, 15),
    Field("award", 148.5, 90, 24, bold=True),
    Field("title", 148.5, 77, 14),
    Field("contest", 200, 45, 12),
    Field("date", 200, 37, 12),
    Field("verification", 22, 20, 9, align="left"),
    Field("pending", 148.5, 146, 10),
)


@dataclass(frozen=True)
class CertificateTemplate:
    """Page size (points), optional background image and where each field and the QR code go."""

    pagesize: tuple[float, float] = landscape(A4)
    background: str | Path | None = None
    fields: tuple[Field, ...] = DEFAULT_FIELDS
    qr_x_mm: float = 22
    qr_y_mm: float = 30
    qr_size_mm: float = 30
    heading: str = "荣誉证书"


def winners(data: EventData) -> list[ContestantResult]:
    """Ranked contestants with an award or a title, in rank order."""
    return [r for r in data.result.results if r.rank is not None and (r.award or r.title)]


def _date(comp_date: str) -> str:
    parts = comp_date.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日"
    return comp_date


def field_texts(data: EventData, r: ContestantResult, heading: str = "荣誉证书") -> dict[str, str]:
    """The text of each field on one contestant's certificate."""
    comp, event = data.competition, data.event
    person = data.contestants.get(r.code)
    check = verification_code(comp.id, event.code, r.code, r.award, r.total)
    named = data.names and person is not None
    return {
        "heading": heading,
        "name": person.name if named and person else r.code,
        "organisation": person.organisation if named and person else "",
        "pending": "" if named else f"（参赛编号，姓名{PENDING}）",
        "event": f"在{comp.name}“{event.name}”项目中",
        "award": f"荣获{r.award}" if r.award else "",
        "title": f"获得“{r.title}”称号" if r.title else "",
        "contest": comp.organiser or comp.name,
        "date": _date(comp.end_date or comp.start_date),
        "verification": f"验证码：{check}",
        "qr": qr_payload(comp.id, event.code, r.code, r.award, check),
    }


QR_MASK = 0  # any of the 8 masks is valid; trying all of them (reportlab's make) was 80% of the time


@cache
def _cache_qr_polynomials() -> None:
    """reportlab rebuilds the Reed-Solomon generator polynomial (the same one for every code of a
    version) for each block of each code; `mod` never changes it, so it can be shared."""
    util = qrencoder.QRUtil
    if not hasattr(util.getErrorCorrectPolynomial, "cache_info"):
        util.getErrorCorrectPolynomial = staticmethod(cache(util.getErrorCorrectPolynomial))
        qrencoder.QRPolynomial.mod = _poly_mod


def _poly_mod(self: qrencoder.QRPolynomial, e: qrencoder.QRPolynomial) -> qrencoder.QRPolynomial:
    """reportlab's recursive QRPolynomial.mod as a loop over its log/exp tables (same result)."""
    log, exp = qrencoder.LOG_TABLE, qrencoder.EXP_TABLE
    en = e.num
    length = len(en)
    num = list(self.num)
    while True:
        offset = 0
        while offset < len(num) and num[offset] == 0:
            offset += 1
        if len(num) - offset < length:
            return qrencoder.QRPolynomial(num, 0)
        num = num[offset:]
        ratio = log[num[0]] - log[en[0]]
        num_tail = num[length:]
        num = [n ^ exp[(log[m] + ratio) % 255] for n, m in zip(num, en, strict=False)]
        num += num_tail


def qr_modules(value: str) -> list[list[bool]]:
    """The QR code's module matrix (error correction M, fixed mask pattern), top row first."""
    _cache_qr_polynomials()
    qr = QrCodeWidget(value, barLevel="M").qr
    if qr.version is None:
        qr.version = qr.calculate_version()
    qr.makeImpl(False, QR_MASK)
    return [[bool(m) for m in row] for row in qr.modules]


def _draw_qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    """The QR code as literal PDF rectangles in module units (one per dark run in a row), scaled
    by one transform: formatting 50,000 float rectangles through a path object was the cost."""
    modules = qr_modules(value)
    n = len(modules)
    ops: list[str] = []
    for r, row in enumerate(modules):
        c, y_ = 0, n - 1 - r
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                ops.append(f"{start} {y_} {c - start} 1 re")
            else:
                c += 1
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.transform(size / n, 0, 0, size / n, x, y)
    canvas.addLiteral("\n".join(ops) + "\nf")
    canvas.restoreState()


def _watermark(canvas: Canvas, w: float, h: float) -> None:
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.15))
    canvas.translate(w / 2, h / 2)
    canvas.rotate(30)
    fonts.draw(canvas, 0, 0, DRAFT_MARK, 72, align="centre")
    canvas.restoreState()
    canvas.setFillColor(colors.Color(0.75, 0.1, 0.1))
    fonts.draw(canvas, w - 16 * mm, h - 17 * mm, f"{DRAFT_MARK}：项目未锁定，不可颁发", 8, align="right")


def _frame(canvas: Canvas, w: float, h: float) -> None:
    canvas.setStrokeColor(colors.Color(0.7, 0.55, 0.2))
    canvas.setLineWidth(3)
    canvas.rect(8 * mm, 8 * mm, w - 16 * mm, h - 16 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(11 * mm, 11 * mm, w - 22 * mm, h - 22 * mm)


def draw_certificate(
    canvas: Canvas, texts: dict[str, str], template: CertificateTemplate, draft: bool
) -> None:
    """One certificate page (without showPage)."""
    w, h = template.pagesize
    if template.background is not None:
        canvas.drawImage(str(template.background), 0, 0, w, h, preserveAspectRatio=False)
    else:
        _frame(canvas, w, h)
    canvas.setFillColor(colors.black)
    for f in template.fields:
        text = texts.get(f.name, "")
        if text:
            fonts.draw(canvas, f.x_mm * mm, f.y_mm * mm, text, f.size, align=f.align, bold=f.bold)
    size = template.qr_size_mm * mm
    _draw_qr(canvas, texts["qr"], template.qr_x_mm * mm, template.qr_y_mm * mm, size)
    canvas.setFillColor(colors.Color(0.3, 0.3, 0.3))
    fonts.draw(canvas, template.qr_x_mm * mm, 13 * mm, texts["qr"], 6)
    if draft:
        _watermark(canvas, w, h)


def render(pages: Sequence[dict[str, str]], template: CertificateTemplate, draft: bool, title: str) -> bytes:
    """Certificates from prepared field texts (one dict per page)."""
    fonts.register()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=template.pagesize, invariant=1)
    canvas.setTitle(title)
    canvas.setAuthor("Scorer")
    canvas.setCreator("Scorer")
    for texts in pages:
        draw_certificate(canvas, texts, template, draft)
        canvas.showPage()
    if not pages:
        fonts.draw(canvas, 20 * mm, template.pagesize[1] - 30 * mm, "本项目没有获奖者", 14)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def certificates_pdf(data: EventData, template: CertificateTemplate | None = None) -> bytes:
    """获奖证书 for every award or title holder of the event, one page each; PDF bytes."""
    template = template or CertificateTemplate()
    pages = [field_texts(data, r, template.heading) for r in winners(data)]
    return render(pages, template, draft=not data.locked, title=f"获奖证书 {data.event.name}")


__all__ = [
    "CertificateTemplate",
    "Field",
    "certificates_pdf",
    "field_texts",
    "qr_payload",
    "verification_code",
    "winners",
]
