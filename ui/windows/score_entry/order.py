"""Where the cursor goes after a save: Enter follows the printed form's reading order (along the
row, page by page, as the paper is filled in; QSettings "entry/advance" = "down" walks down each
column instead) to the next cell still empty, never onto a filled one, and stops at the form's end;
Tab, Shift+Tab and the arrows move one cell.

A part of `ScoreEntryWidget` (mixed into it): it uses the widget's grid, model and status line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QSettings
from PySide6.QtWidgets import QAbstractItemView

from ui.windows.score_entry.grid import Move

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel

    from ui.models.score_grid import ScoreGridModel
    from ui.windows.score_entry.grid import ScoreGrid

SETTING_ADVANCE = "entry/advance"  # "right" (default: the printed form's reading order) or "down"


class ReadingOrder:
    """Enter's order over the grid's cells, and moving the cursor along it."""

    model: ScoreGridModel
    grid: ScoreGrid
    status: QLabel

    def advance(self) -> Move:
        """Where Enter moves: the paper's reading order (along the row) unless "entry/advance" says
        "down" (down each column, then the top of the next)."""
        return Move.DOWN if QSettings().value(SETTING_ADVANCE, "right") == "down" else Move.RIGHT

    def _position(self, row: int, col: int, across: bool) -> int:
        """A cell's place in Enter's order (col counts aspect columns from 0)."""
        m = self.model
        return m.reading_position(row, col + m.first_aspect_column) if across else col * m.rowCount() + row

    def _cell(self, position: int, across: bool) -> tuple[int, int]:
        """The (row, grid column) at a place in Enter's order: the inverse of `_position`."""
        m = self.model
        if across:
            return m.reading_cell(position)
        col, row = divmod(position, m.rowCount())
        return row, col + m.first_aspect_column

    def next_empty(self, index: QModelIndex, include: bool = False) -> QModelIndex | None:
        """The next cell still to be entered after `index` (or at it, with `include`), in Enter's
        order (the printed form's reading order, or down each column), up to the form's end and no
        further (no wrapping round: the paper has an end); None when nothing is left after it.
        Positions are arithmetic: no list of every cell is built (80,000 cells at 2,000 × 40)."""
        m = self.model
        rows, first = m.rowCount(), m.first_aspect_column
        cols = m.columnCount() - first
        total = rows * cols
        if total <= 0:
            return None
        across = self.advance() is Move.RIGHT
        row, col = index.row(), index.column() - first
        start = self._position(row, col, across) if 0 <= row < rows and 0 <= col < cols else -1
        for p in range(max(start + (0 if include else 1), 0), total):
            r, c = self._cell(p, across)
            if m.is_empty(r, c):
                return m.index(r, c)
        return None

    def _left_behind(self, index: QModelIndex) -> tuple[int, QModelIndex | None]:
        """Empty cells up to `index` in Enter's order: (how many, the first). Only at the form's
        end, so a plain count is fine."""
        m = self.model
        first = m.first_aspect_column
        across = self.advance() is Move.RIGHT
        if not index.isValid() or index.column() < first:
            return 0, None
        end = self._position(index.row(), index.column() - first, across)
        count, first_empty = 0, None
        for p in range(end + 1):
            r, c = self._cell(p, across)
            if m.is_empty(r, c):
                count += 1
                if first_empty is None:
                    first_empty = m.index(r, c)
        return count, first_empty

    def _scroll_to(self, target: QModelIndex) -> None:
        """Keep the cell and a couple of rows below it in view (never half-hidden at the bottom)."""
        below = self.model.index(min(target.row() + 2, self.model.rowCount() - 1), target.column())
        self.grid.scrollTo(below, QAbstractItemView.ScrollHint.EnsureVisible)
        self.grid.scrollTo(target, QAbstractItemView.ScrollHint.EnsureVisible)

    def _move(self, index: QModelIndex, move: Move) -> None:
        """Put the cursor on the next cell. Enter goes to the next cell still empty in the paper's
        reading order (or down the column), so a whole form is entered with Enter alone and never
        lands on a filled cell; at the form's end it stays and says what is left. Tab and the
        arrows move one cell."""
        m = self.model
        if move is Move.NEXT:
            target = self.next_empty(index)
            if target is None:
                left, first_empty = self._left_behind(index)
                c = m.contestant_at(first_empty.row()) if first_empty is not None else None
                a = m.aspect_at(first_empty.column()) if first_empty is not None else None
                done = (
                    self.tr("已到评分表末尾；还有 {0} 格未录入（第一格：第 {1} 行 {2} {3}）").format(
                        left, m.row_number(first_empty.row()), c.code, a.code
                    )
                    if first_empty is not None and c is not None and a is not None
                    else self.tr("本项目您的评分格已全部录入")
                )
                saved = self.status.text()
                self.status.setText(f"{saved}  {done}" if saved and done not in saved else done)
                self._show_cell(index)  # the cursor stays: show the cell's new history
                return
            self.grid.setCurrentIndex(target)
            self._scroll_to(target)
            return
        rows, first, last = m.rowCount(), m.first_aspect_column, m.columnCount() - 1
        row, col = index.row(), index.column()
        if move is Move.DOWN:
            row = min(row + 1, rows - 1)
        elif move is Move.RIGHT:
            row, col = (row, col + 1) if col < last else ((row + 1, first) if row + 1 < rows else (row, col))
        elif move is Move.UP:
            row = max(row - 1, 0)
        elif move is Move.LEFT:
            col = max(col - 1, first)
        target = m.index(row, col)
        if target == index:
            self._show_cell(index)  # nowhere further: the cursor stays, its history has changed
        elif target.isValid():
            self.grid.setCurrentIndex(target)
            self._scroll_to(target)
