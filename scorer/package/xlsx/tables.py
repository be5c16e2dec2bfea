"""The workbook as tables: every sheet's rows as plain values, each package sheet found by its name and
header row, and merged cells filled down where the column allows it (`Column.fill_down`) or refused.

Only this module opens the file (openpyxl, read-only and streaming); anything it cannot read is refused
with one problem, never a traceback.
"""

from __future__ import annotations

import io
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from scorer.errors import ImportRejected, Problem
from scorer.package.xlsx.cells import cell_text
from scorer.package.xlsx.headers import header_cells, header_keys, match_headers
from scorer.package.xlsx.layout import UNREAD, SheetSpec

MAX_COLUMNS = 200  # columns beyond this are ignored (a sheet formatted to column XFD stays cheap)
HEADER_SEARCH_ROWS = 10  # the header row may sit below a title row or two


@dataclass
class Table:
    """A package sheet found in the workbook: where its columns stand and its rows below the header."""

    spec: SheetSpec
    title: str
    header_row: int
    index: dict[str, int]
    cells: dict[str, tuple[str, str]]
    rows: list[tuple[int, tuple[Any, ...]]]
    refused: set[tuple[int, str]] = field(default_factory=set)  # (row, key) emptied by a refused merge
    filled: list[tuple[str, int, int, str]] = field(default_factory=list)  # key, rows, range filled down

    def raw(self, values: tuple[Any, ...], key: str) -> Any:
        pos = self.index.get(key)
        return values[pos] if pos is not None and pos < len(values) else None

    def at(self, row: int, key: str) -> str:
        header, letter = self.cells[self.spec.column(key).dotted]
        return f"{self.title}!{letter}{row} {header}" if letter else f"{self.title}!第{row}行 {header}"


Rows = list[tuple[int, tuple[Any, ...]]]
Box = tuple[int, int, int, int]  # a merged range: min column, min row, max column, max row (1-based)
MERGE_TAG = f"{{{SHEET_MAIN_NS}}}mergeCell"


def merged_ranges(ws: Any) -> list[Box]:
    """The merged ranges of a read-only sheet, which openpyxl does not offer in read-only mode: a second
    streaming pass over the sheet's XML, keeping nothing but the mergeCell references."""
    boxes: list[Box] = []
    with ws._get_source() as src:
        for _, element in iterparse(src):
            if element.tag == MERGE_TAG:
                box = range_boundaries(element.get("ref", ""))
                if None not in box:  # a whole-column or whole-row reference merges nothing real
                    boxes.append(box)  # type: ignore[arg-type]
            element.clear()
    return boxes


def read_workbook(raw: bytes, source: str) -> tuple[dict[str, Rows], dict[str, list[Box]]]:
    """Every sheet's non-empty rows as plain values, and its merged ranges; anything openpyxl cannot
    read is refused here."""
    if raw[:4] == b"\xd0\xcf\x11\xe0":
        raise ImportRejected(
            source,
            [
                Problem(
                    "",
                    "这是旧版 .xls 文件，请在 Excel 中另存为 .xlsx",
                    "this is an old .xls file; save it as .xlsx",
                )
            ],
        )
    if raw[:2] != b"PK":
        raise ImportRejected(
            source, [Problem("", "文件不是 Excel .xlsx 工作簿", "the file is not an Excel .xlsx workbook")]
        )
    book: dict[str, Rows] = {}
    merges: dict[str, list[Box]] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)
            try:
                for ws in wb.worksheets:
                    ws.reset_dimensions()  # a sheet "used" down to row 1048576 must not cost that much
                    rows = []
                    # without max_col, missing rows come back as () and each row only as wide as its cells
                    for n, values in enumerate(ws.iter_rows(min_row=1, values_only=True), 1):
                        if values and any(cell_text(v) is not None for v in values[:MAX_COLUMNS]):
                            rows.append((n, tuple(values[:MAX_COLUMNS])))
                    book[ws.title] = rows
                    merges[ws.title] = merged_ranges(ws)
            finally:
                wb.close()
    except Exception as exc:  # a damaged file can fail anywhere inside openpyxl, zipfile or the XML parser
        raise ImportRejected(
            source,
            [
                Problem(
                    "",
                    f"无法读取 Excel 文件，文件可能已损坏或不完整（{type(exc).__name__}）",
                    f"cannot read the Excel file; it may be damaged or incomplete ({type(exc).__name__})",
                )
            ],
        ) from None
    return book, merges


def find_table(
    book: Mapping[str, list[tuple[int, tuple[Any, ...]]]], spec: SheetSpec, problems: list[Problem]
) -> Table | None:
    wanted = {header_keys(spec.zh)[0], header_keys(spec.en)[0]}
    title = next((t for t in book if (header_keys(t) or [""])[0] in wanted), None)
    if title is None:
        problems.append(
            Problem(
                spec.zh,
                f"缺少工作表“{spec.zh}”（请使用模板中的工作表名称）",
                f"the sheet '{spec.zh}' ({spec.en}) is missing (keep the template's sheet names)",
            )
        )
        return None
    rows = book[title]
    required = [c for c in spec.columns if c.required]
    for i, (n, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        index = match_headers(values, spec.columns)
        if index:
            missing = [c for c in required if c.key not in index]
            for c in missing:
                problems.append(
                    Problem(
                        f"{title}!第{n}行",
                        f"表头缺少必填列“{c.zh}”（{c.key}）",
                        f"the header lacks the required column '{c.zh}' ({c.key})",
                    )
                )
            if missing:
                return None
            cells = header_cells(spec.columns, values, index, letters=True)
            return Table(spec, title, n, index, cells, rows[i + 1 :])
    names = "、".join(c.zh for c in required)
    problems.append(
        Problem(title, f"找不到表头行（应包含：{names}）", f"no header row found (it needs: {names})")
    )
    return None


def between(numbers: Sequence[int], first: int, last: int) -> Sequence[int]:
    """The numbers of the rows read (sorted) from `first` to `last`: a merge down to row 1048576 costs
    the rows that are there, not a million."""
    return numbers[bisect_left(numbers, first) : bisect_right(numbers, last)]


def apply_merges(table: Table, boxes: Sequence[Box]) -> list[Problem]:
    """Merged cells below the header: filled down where the column allows it, refused elsewhere.

    Excel keeps a merged cell's value in its top-left cell only; read plainly, the other rows would be
    empty and, say, two of three contestants under a merged 单位 would have no organisation.
    """
    problems: list[Problem] = []
    key_at = {pos: key for key, pos in table.index.items() if key not in UNREAD}  # 0-based column → key
    row_at = {n: i for i, (n, _) in enumerate(table.rows)}
    numbers = [n for n, _ in table.rows]
    for c1, r1, c2, r2 in sorted(boxes, key=lambda b: (b[1], b[0])):
        if r1 <= table.header_row or r1 not in row_at:
            continue  # a title or header above the data, or a merge starting in an empty row
        values = table.rows[row_at[r1]][1]
        anchor = values[c1 - 1] if c1 - 1 < len(values) else None
        read = [pos for pos in range(c1 - 1, min(c2, MAX_COLUMNS)) if pos in key_at]
        lost = [(n, pos) for n in between(numbers, r1, r2) for pos in read if (n, pos) != (r1, c1 - 1)]
        if cell_text(anchor) is None or not lost:
            continue  # an empty merge, or nothing read lies under it: no value goes missing
        ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
        key = key_at.get(c1 - 1)
        if c1 == c2 and key is not None and table.spec.column(key).fill_down:
            for n, _ in lost:
                i = row_at[n]
                row = list(table.rows[i][1]) + [None] * (c1 - len(table.rows[i][1]))
                row[c1 - 1] = anchor
                table.rows[i] = (n, tuple(row))
            table.filled.append((key, r1, r2, ref))
            continue
        table.refused.update((n, key_at[pos]) for n, pos in lost)
        if c1 == c2 and key is not None:
            col = table.spec.column(key)
            header = table.cells[col.dotted][0]
            problems.append(
                Problem(
                    f"{table.title}!{ref} {header}",
                    f"合并单元格：“{header}”每行须单独填写（合并后只有第 {r1} 行有值，其余行读到的是空）。"
                    "请取消合并，并在每一行填写",
                    f"merged cells: '{header}' ({col.key}) needs its own value on every row (only row {r1} "
                    "holds it, the others read as empty); unmerge the cells and fill in every row",
                )
            )
        else:
            headers = "、".join(table.cells[table.spec.column(key_at[p]).dotted][0] for p in read)
            problems.append(
                Problem(
                    f"{table.title}!{ref}",
                    f"合并单元格跨越多列（{headers}）：只有左上角的单元格有值。请取消合并，每个单元格分别填写",
                    f"merged cells span several columns ({headers}) and only the top-left one holds a "
                    "value; unmerge them and fill in each cell",
                )
            )
    return problems
