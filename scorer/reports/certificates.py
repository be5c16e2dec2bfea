"""获奖证书: one certificate page per winner (every ranked contestant with an award or a title).

Drawn directly on a reportlab canvas (no platypus): an optional background image, positioned
fields (name, organisation, event, award, title, medal, contest, date, verification code), a seal
area (盖章处) over the issuer and date, and a QR code carrying the certificate's verification
address at headquarters, `<base>/verify/<verification code>` (base: the package's `verify_url`, else
the enrolled headquarters' address; printed without its scheme under the QR code), or, when no
headquarters is known, "SCORER-CERT|<competition id>|<event>|<contestant code>|<award>|<verification
code>" (only the verification code is printed as text). Titles (称号) and medals (奖章) are worded apart: 授予“…”称号,
授予…奖章. A certificate is final only when the event is locked and decrypted: before that every page
carries the draft watermark with its reason, and before decryption the contestant's code stands where
the name goes ("待解密"). Same input, same bytes (fonts.register()).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
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
from scorer.reports.page import (
    DRAFT_MARK,
    UNDECRYPTED,
    UNLOCKED,
    Draft,
    date_range,
    draft_of,
    draw_seal_area,
)
from scorer.rules.compute import ContestantResult
from scorer.rules.verification import verification_code  # re-exported: shared with headquarters

QR_PREFIX = "SCORER-CERT"
PENDING = "待解密"
CERT_DRAFTS = {  # a certificate is handed over, so the reason says it must not be
    UNLOCKED: Draft(DRAFT_MARK, f"{DRAFT_MARK}：项目未锁定，不可颁发"),
    UNDECRYPTED: Draft(UNDECRYPTED.mark, "姓名未解密：草稿，不可颁发"),
}


def qr_payload(competition_id: str, event: str, code: str, award: str, check: str) -> str:
    """What the QR code carries when no headquarters is known (only its verification code is
    printed as text)."""
    return "|".join([QR_PREFIX, competition_id, event, code, award, check])


def verify_address(base: str, check: str) -> str:
    """The certificate's public verification address, `<base>/verify/<check>` (a base that already
    ends in /verify is not given it twice); what its QR code carries when headquarters is known."""
    base = base.strip().rstrip("/")
    if not base.endswith("/verify"):
        base += "/verify"
    return f"{base}/{check}"


def short_address(address: str) -> str:
    """The address as printed under the QR code: without its scheme."""
    return address.split("://", 1)[-1]


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
    Field("medal", 148.5, 67, 14),
    Field("contest", 200, 45, 12),
    Field("date", 200, 37, 12),
    Field("verification", 22, 20, 9, align="left"),
    Field("address", 22, 25, 7, align="left"),
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


def honours(data: EventData, r: ContestantResult) -> tuple[str, str]:
    """(title line, medal line): a title is 授予“…”称号, a medal 授予…奖章 (Title.kind); the rules
    join a contestant's titles with "、"."""
    kinds = {t.name: t.kind for t in data.event.titles}
    names = [n for n in r.title.split("、") if n]
    titles = [n for n in names if kinds.get(n, "title") != "medal"]
    medals = [n for n in names if kinds.get(n) == "medal"]
    title = f"授予{'、'.join(f'“{n}”' for n in titles)}称号" if titles else ""
    return title, f"授予{'、'.join(medals)}" if medals else ""


def field_texts(data: EventData, r: ContestantResult, heading: str = "荣誉证书") -> dict[str, str]:
    """The text of each field on one contestant's certificate."""
    comp, event = data.competition, data.event
    person = data.contestants.get(r.code)
    check = verification_code(comp.id, event.code, r.code, r.award, r.total)
    named = data.names and person is not None
    title, medal = honours(data, r)
    address = verify_address(data.verify_base, check) if data.verify_base else ""
    return {
        "heading": heading,
        "name": person.name if named and person else r.code,
        "organisation": person.organisation if named and person else "",
        "pending": "" if named else f"（参赛编号，姓名{PENDING}）",
        "event": f"在{comp.name}“{event.name}”项目中",
        "award": f"荣获{r.award}" if r.award else "",
        "title": title,
        "medal": medal,
        "contest": comp.organiser or comp.name,
        "date": date_range(comp.end_date or comp.start_date),
        "verification": f"验证码：{check}",
        "address": short_address(address),
        "qr": address or qr_payload(comp.id, event.code, r.code, r.award, check),
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


def _watermark(canvas: Canvas, w: float, h: float, draft: Draft) -> None:
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.15))
    canvas.translate(w / 2, h / 2)
    canvas.rotate(30)
    fonts.draw(canvas, 0, 0, draft.mark, 72, align="centre")
    canvas.restoreState()
    canvas.setFillColor(colors.Color(0.75, 0.1, 0.1))
    fonts.draw(canvas, w - 16 * mm, h - 17 * mm, draft.reason, 8, align="right")


def _draft(draft: bool | Draft | None) -> Draft | None:
    """True (the old flag) is the unlocked draft; a page Draft gets the certificate's wording."""
    if draft is True:
        draft = UNLOCKED
    if not draft:
        return None
    return CERT_DRAFTS.get(draft, draft)


def _frame(canvas: Canvas, w: float, h: float) -> None:
    canvas.setStrokeColor(colors.Color(0.7, 0.55, 0.2))
    canvas.setLineWidth(3)
    canvas.rect(8 * mm, 8 * mm, w - 16 * mm, h - 16 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(11 * mm, 11 * mm, w - 22 * mm, h - 22 * mm)


def _seal_centre(template: CertificateTemplate) -> tuple[float, float] | None:
    """Where the seal goes: over the issuer (contest) and date fields."""
    at = [f for f in template.fields if f.name in ("contest", "date")]
    if not at:
        return None
    return sum(f.x_mm for f in at) / len(at) * mm, sum(f.y_mm for f in at) / len(at) * mm + 2 * mm


def draw_certificate(
    canvas: Canvas, texts: dict[str, str], template: CertificateTemplate, draft: bool | Draft | None
) -> None:
    """One certificate page (without showPage)."""
    w, h = template.pagesize
    if template.background is not None:
        canvas.drawImage(str(template.background), 0, 0, w, h, preserveAspectRatio=False)
    else:
        _frame(canvas, w, h)
    seal = _seal_centre(template)
    if seal is not None:
        draw_seal_area(canvas, *seal)
    canvas.setFillColor(colors.black)
    for f in template.fields:
        text = texts.get(f.name, "")
        if text:
            fonts.draw(canvas, f.x_mm * mm, f.y_mm * mm, text, f.size, align=f.align, bold=f.bold)
    size = template.qr_size_mm * mm
    _draw_qr(canvas, texts["qr"], template.qr_x_mm * mm, template.qr_y_mm * mm, size)
    shown = _draft(draft)
    if shown is not None:
        _watermark(canvas, w, h, shown)


def render(
    pages: Sequence[dict[str, str]], template: CertificateTemplate, draft: bool | Draft | None, title: str
) -> bytes:
    """Certificates from prepared field texts (one dict per page); `draft` as page.build's."""
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
    draft = draft_of(data, final=True)  # never final before decryption: see docs/printing.md
    return render(pages, template, draft=draft, title=f"获奖证书 {data.event.name}")


__all__ = [
    "CertificateTemplate",
    "Field",
    "certificates_pdf",
    "field_texts",
    "honours",
    "qr_payload",
    "short_address",
    "verification_code",
    "verify_address",
    "winners",
]
