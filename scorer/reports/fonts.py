"""Chinese in PDFs on machines with no Chinese fonts: the bundled TrueType fonts, embedded as
subsets in every document. reportlab has no font fallback, so text is split into runs, each
character in the first font that has it: DejaVu Sans (Latin, digits, symbols such as Ø ± →),
Droid Sans Fallback (Chinese), Hanazono (𠮷 and other characters outside the BMP)."""

from __future__ import annotations

from functools import cache
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from scorer.resources import resource_path

LATIN, LATIN_BOLD, CJK, RARE = "ScorerLatin", "ScorerLatinBold", "ScorerCJK", "ScorerCJKRare"
FILES = {
    LATIN: "DejaVuSans.ttf",
    LATIN_BOLD: "DejaVuSans-Bold.ttf",
    CJK: "DroidSansFallbackFull.ttf",
    RARE: "HanaMinA-supplementary.ttf",
}
CHAIN = (LATIN, CJK, RARE)


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap writes code points above U+FFFF as five hex digits, so 𠮷 copied
    or extracted from a PDF came out as another character; PDF wants UTF-16BE (a surrogate pair)."""

    def utf16(v: int) -> str:
        return chr(v).encode("utf-16-be", "surrogatepass").hex().upper()

    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


@cache
def register() -> tuple[str, ...]:
    """Register the fonts once per process, and make documents deterministic; the chain."""
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    for name, file in FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file))))
    rl_config.canvas_basefontname = LATIN  # no unembedded Helvetica in any page
    rl_config.invariant = 1  # no creation date or random ids: same input, same bytes
    return CHAIN


@cache
def _cmaps() -> tuple[tuple[str, frozenset[int]], ...]:
    register()
    return tuple((name, frozenset(pdfmetrics.getFont(name).face.charToGlyph)) for name in CHAIN)


@cache
def font_for(ch: str) -> str:
    code = ord(ch)
    for name, cmap in _cmaps():
        if code in cmap:
            return name
    return CJK  # not in any font: shown as the CJK font's empty box, never dropped


def runs(text: str, latin: str = LATIN) -> list[tuple[str, str]]:
    """(font name, text) runs, each character in the first font of the chain that has it."""
    out: list[tuple[str, str]] = []
    for ch in text:
        font = font_for(ch)
        if font == LATIN:
            font = latin
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + ch)
        else:
            out.append((font, ch))
    return out


def markup(text: str, bold: bool = False) -> str:
    """Paragraph markup for `text` (escaped), each run in its font (styles use LATIN as base)."""
    latin = LATIN_BOLD if bold else LATIN
    return "".join(
        escape(t) if f == LATIN and not bold else f'<font name="{f}">{escape(t)}</font>'
        for f, t in runs(text, latin)
    )


def width(text: str, size: float, bold: bool = False) -> float:
    return sum(pdfmetrics.stringWidth(t, f, size) for f, t in runs(text, LATIN_BOLD if bold else LATIN))


def draw(
    canvas: object, x: float, y: float, text: str, size: float, align: str = "left", bold: bool = False
) -> None:
    """Draw one line on a reportlab canvas with font runs (align: left, centre, right)."""
    from reportlab.pdfgen.canvas import Canvas

    assert isinstance(canvas, Canvas)
    parts = runs(text, LATIN_BOLD if bold else LATIN)
    total = sum(pdfmetrics.stringWidth(t, f, size) for f, t in parts)
    if align == "centre":
        x -= total / 2
    elif align == "right":
        x -= total
    for font, t in parts:
        canvas.setFont(font, size)
        canvas.drawString(x, y, t)
        x += pdfmetrics.stringWidth(t, font, size)
