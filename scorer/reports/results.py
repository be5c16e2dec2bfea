"""成绩排名表: the ranked results list of one event, with signature lines for the judges and the
chief judge. Names and organisations are printed only after decryption.

Speed: a 2,000-row list must not take a Paragraph per cell. A cell whose text is one font run and
fits its column is a plain string with a FONTNAME style command (grouped per column run); only
text that wraps or mixes fonts (such as 𠮷 in a name) becomes a Paragraph.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from scorer.model import STATUS_NAMES, Event, Role
from scorer.reports import fonts, page
from scorer.reports.data import EventData
from scorer.rules.rounding import round_as

SIZE, LEADING, PAD = 8.5, 10.5, 12.0  # cell font size, leading, left + right padding (reportlab: 6 each)
STATUS_ZH = {code: names[0] for code, names in STATUS_NAMES.items()}
INCOMPLETE = "未完成"


@cache
def _cell_style(bold: bool = False) -> ParagraphStyle:
    base = page.styles()["cell"]
    return ParagraphStyle("cellb" if bold else "cell1", parent=base, fontName=fonts.LATIN)


def cell(text: str, width: float, bold: bool = False) -> tuple[Any, str | None]:
    """A table cell: (plain string, its font) when one run that fits `width`, else (Paragraph, None)."""
    latin = fonts.LATIN_BOLD if bold else fonts.LATIN
    parts = fonts.runs(text, latin)
    if not parts:
        return "", None
    if len(parts) == 1 and (  # no character is wider than 1 em: measure only long texts
        len(text) * SIZE <= width - PAD or fonts.width(text, SIZE, bold) <= width - PAD
    ):
        return text, parts[0][0]
    return Paragraph(fonts.markup(text, bold=bold), _cell_style(bold)), None


def grid(
    texts: Sequence[Sequence[str]],
    widths: Sequence[float],
    header_rows: int = 1,
    bold_rows: int = 1,
    right: Sequence[int] = (),
) -> Table:
    """page.table over texts, with cells as plain strings where possible (see `cell`)."""
    rows: list[list[Any]] = []
    fontmap: list[list[str | None]] = []
    for r, line in enumerate(texts):
        out, fm = [], []
        for c, text in enumerate(line):
            value, font = cell(text, widths[c], bold=r < bold_rows)
            out.append(value)
            fm.append(font)
        rows.append(out)
        fontmap.append(fm)
    t = page.table(rows, widths, header_rows=header_rows)
    cmds: list[tuple[Any, ...]] = [
        ("FONTSIZE", (0, 0), (-1, -1), SIZE),
        ("LEADING", (0, 0), (-1, -1), LEADING),
        *(("ALIGN", (c, header_rows), (c, -1), "RIGHT") for c in right),
    ]
    for c in range(len(widths)):  # one FONTNAME per vertical run of cells in the same (non-Latin) font
        r = 0
        while r < len(rows):
            font = fontmap[r][c] if c < len(fontmap[r]) else None
            end = r
            while (
                end + 1 < len(rows) and (fontmap[end + 1][c] if c < len(fontmap[end + 1]) else None) == font
            ):
                end += 1
            if font is not None and font != fonts.LATIN:
                cmds.append(("FONTNAME", (c, r), (c, end), font))
            r = end + 1
    t.setStyle(cmds)
    return t


heading = page.event_heading  # kept: awards, progress and the notice import it from here


MIN_WIDTH = 3 * SIZE + PAD  # three Chinese characters


def natural_widths(
    texts: Sequence[Sequence[str]], header_rows: int = 1, skip: Sequence[int] = ()
) -> list[float]:
    """Each column as wide as its widest text on one line (the fonts' metrics; header rows bold;
    rows in `skip`, such as a spanning band, not counted)."""
    if not texts:
        return []
    natural: list[float] = []
    for c in range(len(texts[0])):
        seen: set[str] = set()
        widest = 0.0
        for r, line in enumerate(texts):
            text = line[c] if c < len(line) else ""
            if r in skip or not text or (r >= header_rows and text in seen):
                continue
            seen.add(text)
            widest = max(widest, fonts.width(text, SIZE, bold=r < header_rows) + PAD + 1)
        natural.append(widest)
    return natural


def fit_widths(natural: Sequence[float], avail: float, minimum: float = MIN_WIDTH) -> list[float]:
    """Column widths from their content, so a short 称号 is not squeezed into three lines while 单位
    has room to spare. Too wide for `avail`: the widest columns share one width (and wrap), narrow
    ones keep theirs. Narrower: the spare width goes to the widest columns (at least half the widest)."""
    natural = list(natural)
    if not natural:
        return []
    total = sum(natural)
    if total <= avail:
        top = max(natural)
        wide = [c for c, w in enumerate(natural) if w >= top / 2]
        share = sum(natural[c] for c in wide)
        spare = avail - total
        return [w + (spare * w / share if c in wide else 0) for c, w in enumerate(natural)]
    cap = max(natural)  # lower the common width of the widest columns until the row fits
    for w in sorted(natural, reverse=True):
        wider = [x for x in natural if x >= w]
        rest = sum(x for x in natural if x < w)
        cap = (avail - rest) / len(wider)
        if cap >= max((x for x in natural if x < w), default=0.0):
            break
    cap = max(cap, minimum)
    return [min(w, cap) for w in natural]


def fmt(value: Decimal | None, event: Event) -> str:
    """A score at the event's decimals, rounded as the rules round (not Decimal's half-even)."""
    return "" if value is None else str(round_as(event, value))


def signatures(data: EventData) -> list[Any]:
    """Signature lines: the scoring judges who signed at the lock (or blank lines), then the chief
    judge. A chief judge among the signers signs as 裁判长, never as a 评分裁判."""
    roles = {j.code: j.role for j in data.competition.judges}
    chiefs = [s for s in data.signers if roles.get(s) is Role.CHIEF]
    judges = [f"评分裁判 {data.judge_name(s)}" for s in data.signers if s not in chiefs]
    judges = judges or ["评分裁判签字"] * 4
    story: list[Any] = [Spacer(1, 8 * mm)]
    for i in range(0, len(judges), 4):
        chunk = judges[i : i + 4]
        story.append(page.signature_line(chunk + [""] * (4 - len(chunk)) if len(judges) > 4 else chunk))
    chief = [f"裁判长 {data.judge_name(s)}" for s in chiefs] or ["裁判长签字"]
    story.append(page.signature_line([*chief, "日期"]))
    return story


def results_pdf(data: EventData) -> bytes:
    """The ranked results list (成绩排名表) of one event as PDF bytes."""
    e = data.event
    comps = list(e.components)
    people = data.contestants
    head = ["名次", "加密号"] + (["姓名", "单位"] if data.names else [])
    head += [c.name for c in comps] + ["总分", "奖项", "称号", "备注"]
    texts: list[list[str]] = [head]
    ranked = [r for r in data.result.results if r.rank is not None]
    unranked = [r for r in data.result.results if r.rank is None]
    split_at = 0
    for group, results in enumerate((ranked, unranked)):
        if group == 1 and results:
            split_at = len(texts)
            texts.append(["未参加排名"] + [""] * (len(head) - 1))
        for r in results:
            row = [str(r.rank) if r.rank is not None else "—", r.code]
            if data.names:
                x = people.get(r.code)
                row += [x.name if x else "", x.organisation if x else ""]
            ranked_row = r.status == "ok" or r.rank is not None
            row += [fmt(r.components.get(c.code), e) if ranked_row else "" for c in comps]
            row += [fmt(r.total, e) if ranked_row else "", r.award, r.title]
            note = STATUS_ZH.get(r.status, r.status)
            if not note and not r.complete:
                note = INCOMPLETE
            row.append(note)
            texts.append(row)

    natural = natural_widths(texts, skip=(split_at,) if split_at else ())
    wide = sum(natural) > A4[0] - 24 * mm  # landscape rather than wrap
    widths = fit_widths(natural, (landscape(A4)[0] if wide else A4[0]) - 24 * mm)
    story: list[Any] = []
    if len(texts) == 1:
        story.append(page.p("无选手", "base"))
    else:
        first = 4 if data.names else 2
        t = grid(texts, widths, right=range(first, first + len(comps) + 1))
        if split_at:
            t.setStyle([("SPAN", (0, split_at), (-1, split_at))])
        story.append(t)
    if data.result.problems:
        story.append(Spacer(1, 3 * mm))
        for prob in data.result.problems:
            story.append(page.p(f"需裁定：{prob.message('zh')}", "small"))
    story += signatures(data)
    draft = page.draft_of(data, final=True)
    return page.build(story, heading(data, "成绩排名表"), draft=draft, wide=wide)
