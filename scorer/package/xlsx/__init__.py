"""The competition package as an Excel workbook, the form coordinators actually fill in.

The workbook has one sheet per part of the package (竞赛, 项目, 评分标准, 选手, 裁判, 裁判分工) and a
说明 sheet explaining every column. Row 1 of each sheet is the header (Chinese, with the English key in
the cell's comment; either may be written). Columns may come in any order and extra columns are ignored.
Empty cells mean "not given". See docs/package-format.md.

Modules: `layout` (the sheets and columns, once, as data; `words` for enumerations), `cells` (one cell
↔ one value), `headers`, `tables` (opening the file, finding the sheets, merged cells), `read` (the
package dict with every value's origin), `origins` (locating problems, the one validation), `write`
(workbook and template), `readme` (the 说明 sheet), `styles`.
"""

from __future__ import annotations

from scorer.package.xlsx.cells import (
    cell_text,
    float_text,
    quote_item,
    split_items,
    tiers_value,
    titles_value,
)
from scorer.package.xlsx.layout import (
    ASSIGNMENTS,
    COMPETITION,
    COMPETITION_FIELDS,
    CONTESTANTS,
    EVENTS,
    JUDGE_COLUMNS,
    JUDGES,
    README_SHEET,
    RULE_COLUMNS,
    SCHEME,
    SHEETS,
    Column,
    SheetSpec,
)
from scorer.package.xlsx.read import load_bytes
from scorer.package.xlsx.write import dump_bytes, number_cell, template_bytes

__all__ = [
    "ASSIGNMENTS",
    "COMPETITION",
    "COMPETITION_FIELDS",
    "CONTESTANTS",
    "EVENTS",
    "JUDGES",
    "JUDGE_COLUMNS",
    "README_SHEET",
    "RULE_COLUMNS",
    "SCHEME",
    "SHEETS",
    "Column",
    "SheetSpec",
    "cell_text",
    "dump_bytes",
    "float_text",
    "load_bytes",
    "number_cell",
    "quote_item",
    "split_items",
    "template_bytes",
    "tiers_value",
    "titles_value",
]
