"""Writing a competition as a workbook that the reader reads back to an equal Competition, and the empty
template coordinators fill in.

The output is byte-for-byte stable (fixed timestamps in the zip and the document properties), so the
same competition always gives the same file and the committed template diffs cleanly.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from scorer.errors import ScorerError
from scorer.model import Competition
from scorer.package import codec
from scorer.package.xlsx.cells import EMPTY, get, key_item, quote_item
from scorer.package.xlsx.layout import (
    ASSIGNMENTS,
    COMPETITION,
    COMPETITION_FIELDS,
    CONTESTANTS,
    EVENTS,
    JUDGES,
    SCHEME,
    SCHEME_LEVELS,
    TEXT_KINDS,
    Column,
    SheetSpec,
)
from scorer.package.xlsx.readme import readme_sheet
from scorer.package.xlsx.styles import HEADER_BORDER, HEADER_FILL, HEADER_FONT, REQUIRED_FILL
from scorer.package.xlsx.words import (
    BASIS_TIER_KEY,
    FALSE_WORDS,
    NO_LIMIT_WORDS,
    TITLE_KIND_WORDS,
    TRUE_WORDS,
    mode_words,
    word_of,
)

TEXT_FORMAT = "@"
FIXED_TIME = datetime(2000, 1, 1)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def number_cell(text: str) -> int | float | str:
    """A decimal as a number cell when Excel keeps it exactly (≤ 15 digits), else as text."""
    try:
        d = Decimal(text)
    except InvalidOperation:
        return text
    if not d.is_finite() or len(d.as_tuple().digits) > 15:
        return text
    if d == d.to_integral_value() and abs(d) < 10**15:
        return int(d)
    f = float(d)
    return f if Decimal(repr(f)) == d else text


def _export(col: Column, value: Any) -> Any:
    if value is EMPTY:
        return None
    if value is None and col.kind == "spread":
        return NO_LIMIT_WORDS[0]
    if value == "" and col.kind == "unit":
        return NO_LIMIT_WORDS[0]
    if value is None:
        return None
    if col.kind in ("dec", "nonneg", "spread") and isinstance(value, str):
        return number_cell(value)
    if col.kind == "enum" and col.words:
        return word_of(col.words, value)
    if col.kind == "bool":
        return TRUE_WORDS[0] if value else FALSE_WORDS[0]
    if col.kind == "grades":
        return "; ".join(f"{quote_item(str(g['label']))}:{g['marks']}" for g in value)
    if col.kind == "bands":
        return "; ".join(f"{b['upto']}:{b['marks']}" for b in value)
    if col.kind == "titles":
        return "; ".join(_title_text(t) for t in value)
    if col.kind in ("ties", "scope"):
        return ", ".join(value)
    return value


def _title_text(t: Mapping[str, Any]) -> str:
    """One title of the 称号 cell (inverse of `titles_value`): 名称:名次[:奖章][:name_en=…]."""
    fields = [quote_item(t["name"]), str(t["top"])]
    if "kind" in t:
        fields.append(word_of(TITLE_KIND_WORDS, t["kind"]))
    if "name_en" in t:
        fields.append(key_item("name_en", t["name_en"]))
    return ":".join(fields)


def _tiers_text(tiers: Sequence[Mapping[str, Any]], basis: str) -> str:
    main = BASIS_TIER_KEY.get(basis, "ratio")
    parts = []
    for t in tiers:
        keys = [k for k in ("ratio", "places", "threshold") if k in t]
        en = [key_item("name_en", t["name_en"])] if "name_en" in t else []
        if not keys:
            parts.append(":".join([quote_item(t["name"]), *en]))
        elif keys == [main]:
            parts.append(":".join([quote_item(t["name"]), str(t[main]), *en]))
        else:
            parts.append(":".join([quote_item(t["name"]), *(f"{k}={t[k]}" for k in keys), *en]))
    return "; ".join(parts)


def _set_cell(ws: Worksheet, row: int, column: int, value: Any) -> None:
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        raise ScorerError(
            f"{ws.title} 第 {row} 行含有 Excel 无法保存的控制字符",
            f"{ws.title} row {row} holds a control character that Excel cannot store",
        )
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # a name such as "=A" is text, not a formula


def _sheet(wb: Workbook, spec: SheetSpec, rows: Iterable[Sequence[Any]]) -> Worksheet:
    """A sheet with its commented header row (required columns in red), then one row of cells a row."""
    ws = wb.create_sheet(spec.zh)
    columns = spec.columns
    widths = [max(_display_width(c.zh) + 2, 8) for c in columns]
    for i, col in enumerate(columns, 1):
        cell = ws.cell(row=1, column=i, value=col.zh)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if col.required else HEADER_FILL
        cell.border = HEADER_BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        note = f"{col.key}{'（必填 required）' if col.required else ''}\n{col.help_zh}\n{col.help_en}"
        comment = Comment(note, "Scorer")
        comment.width, comment.height = 320, 140
        cell.comment = comment
    for r, values in enumerate(rows, 2):
        for i, (col, value) in enumerate(zip(columns, values, strict=True), 1):
            if value is None or value == "":
                continue
            _set_cell(ws, r, i, value)
            if col.kind in TEXT_KINDS:
                ws.cell(row=r, column=i).number_format = TEXT_FORMAT
            widths[i - 1] = max(widths[i - 1], min(_display_width(str(value)) + 2, 50))
    for i, col in enumerate(columns, 1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = widths[i - 1]
        if col.kind in TEXT_KINDS:
            ws.column_dimensions[letter].number_format = TEXT_FORMAT  # typed 0123 stays 0123
        if col.dropdown:
            words = ",".join(w[0] for w in (col.words or {}).values())
            dv = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True, showErrorMessage=False)
            dv.add(f"{letter}2:{letter}2000")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30
    return ws


def _competition_rows(c: Mapping[str, Any] | None) -> list[list[Any]]:
    rows = []
    for col in COMPETITION_FIELDS:
        value = (c or {}).get(col.key)
        note = f"{col.key}{'（必填 required）' if col.required else ''}: {col.help_zh} / {col.help_en}"
        rows.append([col.zh, value, note])
    return rows


def _event_rows(events: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    rows = []
    for e in events:
        row = []
        for col in EVENTS.columns:
            if col.key == "award_tiers":
                tiers = e.get("awards", {}).get("tiers", [])
                row.append(_tiers_text(tiers, e.get("awards", {}).get("basis", "ratio")) if tiers else None)
            else:
                row.append(_export(col, get(e, col.dotted)))
        rows.append(row)
    return rows


def _scheme_rows(events: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """One row per aspect; a group's name, weight and maximum on its first row only (SCHEME_LEVELS)."""
    rows = []
    for e in events:
        for comp in e["components"]:
            for ki, crit in enumerate(comp["criteria"]):
                for si, sub in enumerate(crit["sub_criteria"]):
                    for ai, a in enumerate(sub["aspects"]):
                        firsts = (ki == 0 and si == 0 and ai == 0, si == 0 and ai == 0, ai == 0)
                        group: dict[str, Any] = {"event": e["code"]}
                        for (_, _, fields), node, first in zip(
                            SCHEME_LEVELS, (comp, crit, sub), firsts, strict=True
                        ):
                            for fkey, ckey in fields.items():
                                given = fkey == "code" or first
                                group[ckey] = _export(SCHEME.column(ckey), get(node, fkey)) if given else None
                        row = []
                        for col in SCHEME.columns:
                            if col.key in group:
                                row.append(group[col.key])
                            elif col.kind == "mode":
                                mode = get(a, col.dotted)
                                row.append(None if mode is EMPTY else word_of(mode_words(a["type"]), mode))
                            else:
                                row.append(_export(col, get(a, col.dotted)))
                        rows.append(row)
    return rows


def _people_rows(items: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> list[list[Any]]:
    return [[_export(col, get(x, col.dotted)) for col in columns] for x in items]


def _assignment_rows(judges: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    rows = []
    for j in judges:
        for a in j.get("assignments", []):
            cells = {"judge": j["code"], "event": a["event"], "scope": ", ".join(a.get("scope", ["*"]))}
            rows.append([cells[col.key] for col in ASSIGNMENTS.columns])
    return rows


def _workbook(d: Mapping[str, Any] | None) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    readme_sheet(wb)
    _sheet(wb, COMPETITION, _competition_rows(d["competition"] if d else None))
    events = d["events"] if d else []
    _sheet(wb, EVENTS, _event_rows(events))
    _sheet(wb, SCHEME, _scheme_rows(events))
    _sheet(wb, CONTESTANTS, _people_rows(d["contestants"] if d else [], CONTESTANTS.columns))
    _sheet(wb, JUDGES, _people_rows(d["judges"] if d else [], JUDGES.columns))
    _sheet(wb, ASSIGNMENTS, _assignment_rows(d["judges"] if d else []))
    wb.active = 0
    wb.properties.creator = "Scorer"
    wb.properties.created = FIXED_TIME
    return wb


def _save(wb: Workbook) -> bytes:
    """Save with fixed timestamps so that the same competition always gives the same bytes."""
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", body
                )
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def dump_bytes(comp: Competition) -> bytes:
    """The competition as a workbook that `load_bytes` reads back to an equal Competition."""
    return _save(_workbook(codec.to_dict(comp)))


def template_bytes() -> bytes:
    """An empty workbook with every sheet's header and the 说明 sheet, for coordinators to fill in."""
    return _save(_workbook(None))
