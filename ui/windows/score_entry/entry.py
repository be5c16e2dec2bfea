"""Entering a mark: what the judge typed is checked as it is typed (the reason shows in red and
refuses the Enter), written durably through `AppContext.record` (one store transaction) on Enter,
Tab or an arrow, and only then reported saved. Changing a saved value is a correction and asks for
a reason; Delete on a saved cell withdraws (voids) it, with a reason. Nothing typed counts until
Enter: closing the window or a crash loses only the unconfirmed cell.

A part of `ScoreEntryWidget` (mixed into it): it uses the widget's grid, model, delegate and
message lines, and moves the cursor with `ReadingOrder`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemDelegate, QInputDialog

from scorer.errors import ScorerError
from scorer.model import Aspect
from scorer.values import parse_value, show_value
from ui import i18n
from ui.windows.score_entry.grid import MarkEditor, Move

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel

    from ui.models.score_grid import ScoreGridModel
    from ui.windows.score_entry.grid import MarkDelegate, ScoreGrid


class MarkEntry:
    """Validation feedback, saving, corrections and voids."""

    ctx: Any
    model: ScoreGridModel
    grid: ScoreGrid
    delegate: MarkDelegate
    reason: QLabel
    status: QLabel
    _own_save: bool

    def show_reason(self, text: str) -> None:
        """Show why a value is refused (or clear it): in red, beside the grid, never a dialog."""
        self.reason.setText(text)
        if text:
            self.refused.emit(text)

    def validate(self, editor: MarkEditor, text: str) -> None:
        """As the judge types: the reason the value would be refused, or nothing."""
        aspect = self.model.aspect_at(editor.index.column())
        why = ""
        if aspect is not None and text.strip():
            try:
                parse_value(aspect, text)
            except ScorerError as exc:
                why = exc.message()
        self.reason.setText(why)
        if editor.invalid != bool(why):  # restyling costs more than a keystroke: only on change
            editor.invalid = bool(why)
            editor.setStyleSheet("background:#fde2e2;" if why else "")

    def left_unsaved(self, editor: MarkEditor) -> None:
        """The editor closed without Enter (focus moved away): say that its value was not saved."""
        text = editor.text().strip()
        index = QModelIndex(editor.index)
        if text and text != (index.data(Qt.ItemDataRole.EditRole) or ""):
            c = self.model.contestant_at(index.row())
            a = self.model.aspect_at(index.column())
            if c is not None and a is not None:
                self.show_reason(
                    self.tr("{0} {1}：“{2}”没有保存（按 Enter 键才保存）").format(c.code, a.code, text)
                )

    # ------------------------------------------------------------------ saving

    def ask_reason(self, old: str, new: str) -> str | None:
        """The reason for changing a saved value; None when the judge cancels (nothing is written)."""
        text, ok = QInputDialog.getText(
            self,
            self.tr("更正分数"),
            self.tr("把已保存的分数 {0} 改为 {1}。\n请写明更正原因：").format(old, new),
        )
        return text if ok else None

    def _close(self, editor: MarkEditor) -> None:
        editor.done = True
        self.delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def submit(self, editor: MarkEditor, move: Move, enter_ms: float) -> None:
        """Enter (or Tab/arrow) in an editor: validate, save durably, move on; or refuse and stay."""
        index = QModelIndex(editor.index)
        aspect = self.model.aspect_at(index.column())
        contestant = self.model.contestant_at(index.row())
        if aspect is None or contestant is None:
            self._close(editor)
            return
        text = editor.text().strip()
        cell = self.model.cell(index)
        if not text:
            if cell is None:  # nothing typed on an empty cell: just move on
                self._close(editor)
                self._move(index, move)
                return
            self.show_reason(self.tr("已保存的分数不能清空；要更改请输入新的分数"))
            return
        try:
            value = parse_value(aspect, text)
        except ScorerError as exc:
            self.show_reason(exc.message())
            return
        if cell is None:
            source, raw = editor.source(enter_ms), None
            if editor.device is not None and editor.device[2] == text:  # the device's value, untouched
                source, raw = editor.device[0], editor.device[1]
            if self._save(  # the text as typed: the store keeps it beside the canonical value
                lambda: self.ctx.record(contestant.code, aspect.code, text, source, raw), aspect, False
            ):
                self._close(editor)
                self._move(index, move)
            return
        if value == cell.value:
            self._close(editor)
            self._move(index, move)
            return
        self._close(editor)  # before the dialog: a modal dialog takes the focus away from the editor
        shown_old, shown_new = (
            show_value(aspect, cell.value, i18n.current()),
            show_value(aspect, value, i18n.current()),
        )
        reason = self.ask_reason(shown_old, shown_new)
        while reason is not None and not reason.strip():  # an empty reason keeps the value and asks again
            self.show_reason(self.tr("更正必须写明原因：{0} 还没有保存").format(shown_new))
            reason = self.ask_reason(shown_old, shown_new)
        if reason is None:
            self.show_reason(
                self.tr("已取消更正：{0} {1} 仍为 {2}，未写入任何内容").format(
                    contestant.code, aspect.code, shown_old
                )
            )
            return
        via = editor.device[:2] if editor.device is not None and editor.device[2] == text else ()
        if self._save(lambda: self.ctx.correct(cell.log_id, text, reason.strip(), *via), aspect, True):
            self._move(index, move)

    def _save(self, action: Callable[[], Any], aspect: Aspect, correction: bool) -> bool:
        """Run one store call; show the store's reason if it refuses (a lock, a judge, a slot)."""
        self._own_save = True  # the cursor moves next and shows the new cell: no history re-read now
        try:
            saved = action()
        except ScorerError as exc:
            self.show_reason(exc.message())
            self._update_banner()  # locked elsewhere meanwhile?
            return False
        except Exception as exc:  # a full disk or a broken file: say so, never a traceback dialog
            self.show_reason(self.tr("保存失败，未写入：{0}").format(exc))
            return False
        finally:
            self._own_save = False
        self.reason.clear()
        index = self.model.index_of(saved.contestant, aspect.code)
        text = (
            self.tr("已更正：{0} {1} = {2}（记录 #{3}）")
            if correction
            else self.tr("已保存：{0} {1} = {2}（记录 #{3}）")
        )
        self.status.setText(
            text.format(saved.contestant, aspect.code, index.data(Qt.ItemDataRole.EditRole), saved.log_id)
        )
        self.entered.emit(saved.contestant, aspect.code, saved.log_id)
        return True

    def void_current(self) -> bool:
        """Delete on a saved cell: the mark is withdrawn (it stays in the log) after a reason."""
        index = self.grid.currentIndex()
        cell = self.model.cell(index) if index.isValid() else None
        contestant = self.model.contestant_at(index.row()) if index.isValid() else None
        aspect = self.model.aspect_at(index.column()) if index.isValid() else None
        if cell is None or contestant is None or aspect is None:
            return False
        shown = show_value(aspect, cell.value, i18n.current())
        reason = self.ask_void_reason(contestant.code, aspect.code, shown)
        if reason is None:
            self.show_reason(
                self.tr("已取消作废：{0} {1} 仍为 {2}").format(contestant.code, aspect.code, shown)
            )
            return False
        try:
            saved = self.ctx.void(cell.log_id, reason)
        except ScorerError as exc:
            self.show_reason(exc.message())
            return False
        self.status.setText(
            self.tr("已作废：{0} {1}（原为 {2}，记录 #{3}）").format(
                contestant.code, aspect.code, shown, saved.log_id
            )
        )
        return True

    def ask_void_reason(self, contestant: str, aspect: str, value: str) -> str | None:
        """The reason for withdrawing a mark (None: cancelled); tests replace this method."""
        text, ok = QInputDialog.getText(
            self,
            self.tr("作废分数"),
            self.tr("作废 {0} {1} 的分数 {2}（记录保留在日志中）。\n请写明原因：").format(
                contestant, aspect, value
            ),
        )
        return text.strip() if ok and text.strip() else None
