"""The event selector every tab has: a combo box whose items read "CODE name" (the English name in
English mode, where the package gives one) and carry the event code as their data."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QComboBox

from scorer.model import Event
from ui import i18n


def fill_event_box(box: QComboBox, events: Iterable[Event], keep: bool = True) -> None:
    """Refill an event selector without emitting a signal, so the caller refreshes once. With
    `keep`, the chosen event stays chosen if it is still there; else the first event is chosen."""
    current = box.currentData() if keep else None
    box.blockSignals(True)
    try:
        box.clear()
        for e in events:
            box.addItem(f"{e.code} {i18n.named(e.name, e.name_en)}", e.code)
        if keep:
            index = box.findData(current) if current else -1
            box.setCurrentIndex(max(index, 0) if box.count() else -1)
    finally:
        box.blockSignals(False)
