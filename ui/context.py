"""The application's shared state for one logged-in judge: the core Session plus Qt signals.

Every widget acts through this object, so that each durable save is announced once (`saved`) and
every view that shows marks or results refreshes from it. Lives on the UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from scorer.model import Judge
from scorer.session import Saved, Session
from scorer.store import Store


class AppContext(QObject):
    # A mark, correction, void or status change is durable: (event, contestant, log id).
    saved = Signal(str, str, int)
    # An event was locked, unlocked or decrypted: (event).
    event_state_changed = Signal(str)
    # Another judge logged in on this laptop.
    judge_changed = Signal()
    # A device reading for the focused score-entry cell: a ui.workers.device.Offer (value text,
    # source, raw record, auto-accept, unit, unrequested).
    device_reading = Signal(object)
    # A bound device's state, for the scoring screen's strip: (port, device, state text, problem).
    device_state = Signal(str, str, str, bool)
    # A bound device's latest event (a reading, a fault, a saved or refused time): (port, text, problem).
    device_event = Signal(str, str, bool)
    # A device was removed from the devices tab: (port).
    device_removed = Signal(str)

    def __init__(self, store: Store, judge: Judge, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.session = Session(store, judge)

    @property
    def judge(self) -> Judge:
        return self.session.judge

    def switch_judge(self, judge: Judge) -> None:
        self.session = Session(self.store, judge, self.session.live)
        self.judge_changed.emit()

    def announce(self, saved: Saved | None) -> Saved | None:
        if saved is not None:
            self.saved.emit(saved.event, saved.contestant, saved.log_id)
        return saved

    def record(
        self, contestant: str, aspect: str, value: str, source: str = "keyboard", raw: bytes | None = None
    ) -> Saved:
        saved = self.session.record(contestant, aspect, value, source, raw)
        self.announce(saved)
        return saved

    def correct(
        self, replaces: int, value: str, reason: str, source: str = "keyboard", raw: bytes | None = None
    ) -> Saved:
        saved = self.session.correct(replaces, value, reason, source, raw)
        self.announce(saved)
        return saved

    def void(self, replaces: int, reason: str) -> Saved:
        saved = self.session.void(replaces, reason)
        self.announce(saved)
        return saved

    def event_changed(self, event: str) -> None:
        self.session.live.invalidate(event)
        self.event_state_changed.emit(event)
