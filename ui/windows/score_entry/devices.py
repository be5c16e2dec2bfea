"""Device readings in the score grid: a bound instrument's reading (from `ui.workers.device`
through `AppContext.device_reading`) goes into the focused cell's editor for the judge's Enter, or
is saved at once when auto-save is on and nothing holds it back. Every outcome is also told to the
device strip under the grid (`AppContext.device_event`).

A part of `ScoreEntryWidget` (mixed into it): it saves with `MarkEntry` and moves with
`ReadingOrder`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scorer.errors import ScorerError
from scorer.values import parse_value
from ui.widgets.device_strip import next_in_column, port_of
from ui.windows.score_entry.grid import MarkEditor

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel

    from ui.models.score_grid import ScoreGridModel
    from ui.widgets.device_strip import DeviceStrip
    from ui.windows.score_entry.grid import ScoreGrid


class DeviceInput:
    """Offers a device reading to the focused cell (see the module docstring)."""

    ctx: Any
    model: ScoreGridModel
    grid: ScoreGrid
    device_strip: DeviceStrip
    reason: QLabel
    status: QLabel

    def _device_reading(self, offer: Any) -> None:
        self.offer_reading(
            offer.text, offer.source, offer.raw, offer.auto, unit=offer.unit, unrequested=offer.unrequested
        )

    def _device_refused(self, source: str, text: str) -> bool:
        """A reading that was not put anywhere: said in red here and on the device strip."""
        self.show_reason(text)
        self.ctx.device_event.emit(port_of(source), text, True)
        return False

    def offer_reading(
        self,
        text: str,
        source: str,
        raw: bytes,
        auto_accept: bool = False,
        *,
        unit: str = "",
        unrequested: bool = False,
    ) -> bool:
        """A device reading for the focused cell: shown in its editor for the judge's Enter, or
        saved at once when auto-save is on. Only into a cell the judge can see (this tab shown, the
        window active) and in the aspect's unit. Auto-save holds back — the value waits in the
        editor for Enter — when the cell is filled, the reading came unasked, or it follows an
        auto-save within seconds or repeats its value (a double press must not mark the next
        contestant); after an auto-save the cursor stays in the aspect's column. False if the
        reading went nowhere."""
        from scorer.devices.binding import check_unit

        port = port_of(source)
        if not (self.isVisible() and self.window().isActiveWindow()):
            return self._device_refused(
                source, self.tr("设备读数 {0} 未写入：评分页不在前台（请回到评分页再测一次）").format(text)
            )
        index = self.grid.currentIndex()
        aspect = self.model.aspect_at(index.column()) if index.isValid() else None
        contestant = self.model.contestant_at(index.row()) if index.isValid() else None
        if aspect is None or contestant is None:
            return self._device_refused(source, self.tr("收到设备读数 {0}，但没有选中评分格").format(text))
        try:
            check_unit(unit, aspect)
        except ScorerError as exc:
            return self._device_refused(source, f"{contestant.code} {aspect.code}：{exc.message()}")
        cell = self.model.cell(index)
        hold = self.tr("未经请求的读数（仪器上按了打印键？）") if unrequested else ""
        if auto_accept:
            why = self.device_strip.guard.why_not(port, text)
            self.device_strip.guard.seen(port, text)  # held or saved: a third quick press is held too
            if not hold and cell is not None:
                hold = self.tr("该格已有分数，保存即为更正")
            elif not hold and why == "soon":
                hold = self.tr("刚保存后又收到读数（连按了两次？）")
            elif not hold and why == "same":
                hold = self.tr("与上一个读数相同")
        self._scroll_to(index)
        self.grid.edit(index)
        editor = self.grid.indexWidget(index) or self.grid.focusWidget()
        if not isinstance(editor, MarkEditor):
            editor = next((w for w in self.grid.findChildren(MarkEditor) if w.index == index), None)
        if editor is None:
            return False
        editor.setText(text)
        editor.device = (source, raw, text)
        self.validate(editor, text)
        where = f"{contestant.code} {aspect.code}"
        if unrequested:  # marked in the cell itself, not only in the log
            editor.setStyleSheet("background:#fff0c2;")
            editor.setToolTip(self.tr("未经请求的读数"))
        if auto_accept and not hold:
            try:
                parse_value(aspect, text)
            except ScorerError as exc:
                return self._device_refused(source, f"{where}：{exc.message()}")
            if not self._save(
                lambda: self.ctx.record(contestant.code, aspect.code, text, source, raw), aspect, False
            ):
                self.ctx.device_event.emit(port, self.reason.text(), True)
                return True
            self._close(editor)
            self.ctx.device_event.emit(port, self.tr("已保存 {0} = {1}").format(where, text), False)
            target = next_in_column(self.model, index)
            if target is None:
                full = self.tr("本列已全部录入")
                self.status.setText(f"{self.status.text()}  {full}")
                self._show_cell(index)
            else:
                self.grid.setCurrentIndex(target)
                self._scroll_to(target)
            return True
        ask = self.tr("{0} ← {1}：按 Enter 保存，Esc 放弃").format(where, text)
        if hold:
            ask = f"{hold}：{ask}"
        self.ctx.device_event.emit(port, ask, bool(hold))
        if hold:
            self.reason.setText(ask)
        return True
