"""Header rows: which column a header names (Chinese, English key or alias, however it is spaced or
annotated), and where each column of a sheet or CSV list stands, for problems that name a cell."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl.utils import get_column_letter

from scorer.package.xlsx.cells import Path, cell_text
from scorer.package.xlsx.layout import Column


def header_keys(text: Any) -> list[str]:
    """Forms a header may match in: as written, without spaces, its first line, before a bracket."""
    raw = cell_text(text)
    if raw is None:
        return []
    s = unicodedata.normalize("NFKC", raw).strip().lower()
    out = [s, re.sub(r"\s+", "", s)]
    first_line = s.splitlines()[0].strip() if s.splitlines() else s
    out.append(first_line)
    out.append(re.split(r"[(\[]", first_line)[0].strip())
    return out


def header_lookup(columns: Iterable[Column]) -> dict[str, str]:
    """Every accepted header form (Chinese, English key, aliases) → column key."""
    names: dict[str, str] = {}
    for col in columns:
        for word in (col.zh, col.key, *col.aliases):
            for key in header_keys(word):
                names.setdefault(key, col.key)
    return names


def match_headers(header: Sequence[Any], columns: Sequence[Column]) -> dict[str, int]:
    """Column key → position in `header`; unknown headers are ignored, the first of a repeat wins."""
    names = header_lookup(columns)
    index: dict[str, int] = {}
    for pos, text in enumerate(header):
        for key in header_keys(text):
            if key in names:
                index.setdefault(names[key], pos)
                break
    return index


def header_cells(
    columns: Iterable[Column], header: Sequence[Any], index: Mapping[str, int], letters: bool
) -> dict[str, tuple[str, str]]:
    """Dotted path → (header as the user wrote it, column letter) for locating problems."""
    out: dict[str, tuple[str, str]] = {}
    for col in columns:
        pos = index.get(col.key)
        text = (cell_text(header[pos]) or col.zh) if pos is not None else col.zh
        letter = get_column_letter(pos + 1) if letters and pos is not None else ""
        out[col.dotted] = (text, letter)
    return out


def lookup_header(cells: Mapping[str, tuple[str, str]], rel: Path) -> tuple[str, str]:
    """The column a path below a row's object refers to: longest matching dotted prefix, then the last key."""
    strs = [p for p in rel if isinstance(p, str)]
    for end in range(len(strs), 0, -1):
        hit = cells.get(".".join(strs[:end]))
        if hit:
            return hit
    if strs and strs[-1] in cells:
        return cells[strs[-1]]
    return cells.get("", ("", ""))
