"""The 说明 (instructions) sheet: how to fill in the workbook, then every sheet's columns with their
English keys, help, examples and whether a merged cell fills down — all taken from the layout."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from scorer.package.xlsx.layout import COMPETITION, COMPETITION_FIELDS, README_SHEET, SHEETS, UNREAD, Column
from scorer.package.xlsx.styles import HEADER_BORDER, HEADER_FILL, HEADER_FONT

LINES = (  # (zh, en), the first one the title
    ("竞赛数据包 Excel 模板说明", "Competition package workbook: instructions"),
    (
        "每个工作表第 1 行是表头；列的顺序可以调整，多余的列会被忽略；"
        "表头可写中文，也可写英文（见下表“英文列名”）。",
        "Row 1 of each sheet is the header; columns may be in any order and extra columns are "
        "ignored; headers may be Chinese or the English key below.",
    ),
    (
        "红色表头为必填列。空单元格表示“未填写”，使用默认值。",
        "Red headers are required columns. An empty cell means 'not given': the default applies.",
    ),
    (
        "小数按单元格里的数字原样读取（0.021 就是 0.021）；超过 15 位有效数字时请把单元格设为文本格式。",
        "Decimals are read exactly as written (0.021 stays 0.021); beyond 15 significant digits, "
        "format the cell as text.",
    ),
    (
        "列表写法：等级表 0.8:4; 1.6:4; 3.2:2；分档表 1:16; 2:12; 3:8；"
        "奖项 一等奖:0.1; 二等奖:0.2；称号 技术能手:5; 五一劳动奖章:1:奖章；"
        "并列规则 component:P, time；分工 A, B1.1 或 *。名称里含 ; 或 : 时用英文双引号括起来。",
        "Lists: grades 0.8:4; 1.6:4; bands 1:16; 2:12; tiers 一等奖:0.1; titles 技术能手:5; 五一劳动奖章:1:medal; "
        "tie-breaks component:P, time; scope A, B1.1 or *. Put a name holding ; or : in double quotes.",
    ),
    (
        "评分标准：每行一个评分项；项目、组成部分、模块、子模块代码留空表示与上一行相同；"
        "名称、权重、满分只需填一次。",
        "Scheme: one row per aspect; blank event, component, criterion or sub-criterion codes repeat "
        "the row above; names, weights and maxima need filling once per group.",
    ),
    (
        "合并单元格：下表“合并单元格”一栏为“向下填充”的列（如选手的单位、项目，评分标准的分组列，裁判分工的各列），"
        "合并单元格的值用于它覆盖的每一行；其他列（如参赛证号、姓名、加密号、配分）每行单独填写，"
        "合并后导入时会指出合并区域（如 选手!A6:A8），请取消合并并逐行填写。跨越多列的合并同样不接受。",
        "Merged cells: in the columns marked 'fills down' below (选手 单位 and 项目, the group columns of "
        "评分标准, every column of 裁判分工 …) a merged cell's value applies to every row it covers; the "
        "other columns (参赛证号, 姓名, 加密号, 配分 …) need a value on each row: a merge there is refused "
        "with its range (e.g. 选手!A6:A8); unmerge it and fill every row. Merges across columns are "
        "refused too.",
    ),
    (
        "全角字符：代码、编号、机位号、数字、PIN 和日期中的全角数字、字母和符号（如 １２、Ｒ００１、２０２６／１１／２４）"
        "按半角读取；姓名、单位、名称和评分说明保持原样。",
        "Full-width forms: full-width digits, letters and signs in codes, stations, numbers, PINs and "
        "dates (１２, Ｒ００１, ２０２６／１１／２４) are read as ASCII; names, organisations and "
        "descriptions are kept exactly as written.",
    ),
    (
        "PIN 请填 4–8 位数字（PIN 列为文本格式，开头的 0 会保留）；导入后只保存哈希；"
        "导出时 PIN 列为空、PIN哈希列有值。",
        "PIN: 4 to 8 digits (the column is text, so a leading 0 stays); only a hash is kept; "
        "exports leave PIN empty and fill PIN哈希.",
    ),
    (
        "导入时检查全部内容；有任何问题都不会导入，并一次列出所有问题及其所在的单元格，如“选手!E12 加密号”。",
        "Import checks everything; on any problem nothing is imported and every problem is listed at "
        "once with its cell, e.g. '选手!E12 加密号'.",
    ),
)


def readme_sheet(wb: Workbook) -> None:
    """Add the 说明 sheet as the first sheet of the workbook."""
    ws = wb.create_sheet(README_SHEET, 0)
    bold = Font(bold=True)
    r = 1
    for zh, en in LINES:
        ws.cell(row=r, column=5, value=zh).font = bold if r == 1 else Font()
        ws.cell(row=r, column=6, value=en).font = bold if r == 1 else Font()
        r += 1
    r += 1
    head = [
        "工作表 sheet",
        "列 column",
        "英文列名 key",
        "必填 required",
        "说明",
        "description",
        "示例 example",
        "合并单元格 merged cells",
    ]
    for i, text in enumerate(head, 1):
        cell = ws.cell(row=r, column=i, value=text)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
    r += 1
    for spec in SHEETS:
        ws.cell(row=r, column=1, value=f"{spec.zh} ({spec.en})").font = bold
        ws.cell(row=r, column=5, value=spec.help_zh)
        ws.cell(row=r, column=6, value=spec.help_en)
        r += 1
        columns: Sequence[Column] = spec.columns
        if spec is COMPETITION:
            columns = (*spec.columns, *COMPETITION_FIELDS)
        for col in columns:
            where = spec.zh if col not in COMPETITION_FIELDS else f"{spec.zh}（字段 field）"
            merged = ""
            if col not in COMPETITION_FIELDS and col.key not in UNREAD:
                merged = "向下填充 fills down" if col.fill_down else "每行单独填写 one row each"
            row = [
                where,
                col.zh,
                col.key,
                "是 yes" if col.required else "",
                col.help_zh,
                col.help_en,
                col.example,
                merged,
            ]
            for i, value in enumerate(row, 1):
                if value:
                    ws.cell(row=r, column=i, value=value)
            r += 1
    for letter, width in zip("ABCDEFGH", (16, 18, 18, 12, 60, 60, 28, 22), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=1, max_row=r):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = None
