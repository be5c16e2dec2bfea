"""How the workbook's header rows look: one style for every sheet and the 说明 sheet."""

from __future__ import annotations

from openpyxl.styles import Border, Font, PatternFill, Side

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
REQUIRED_FILL = PatternFill("solid", fgColor="9C2A00")  # a required column's header
THIN = Side(style="thin", color="A6A6A6")
HEADER_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
