"""A device port for the UI: the core Transport owns the port in its own thread; this QObject
turns its callbacks into Qt signals, which Qt queues to the UI thread (no widget is touched from
the reader thread)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from scorer.devices.profiles import Profile
from scorer.devices.protocols.base import Event
from scorer.devices.transport import PortState, Transport


@dataclass(frozen=True, slots=True)
class Offer:
    """A reading offered to the focused score-entry cell (AppContext.device_reading)."""

    text: str  # the value as a judge would type it
    source: str  # the log's source: "device:<port>" (+ " unrequested")
    raw: bytes  # the record it came from
    auto: bool  # save without Enter (the profile or the judge chose auto-save)
    unit: str = ""  # checked against the aspect's unit
    unrequested: bool = False  # a query device sent it without being asked


class DeviceWorker(QObject):
    # A Reading, Control or Fault from the device (delivered on the UI thread).
    event = Signal(object)
    # The port's state changed: (state value, detail text).
    state = Signal(str, str)

    def __init__(
        self,
        port: str,
        profile: Profile,
        capture: Path | None = None,
        parent: QObject | None = None,
        query_timeout: float = 2.0,
    ):
        super().__init__(parent)
        self.port = port
        self.profile = profile
        self.transport = Transport(
            port, profile, self._on_event, self._on_state, capture, query_timeout=query_timeout
        )

    def start(self) -> None:
        self.transport.start()

    def stop(self) -> None:
        self.transport.stop()

    def ask(self) -> None:
        """Ask a query device for a value now (the judge pressed "get value")."""
        self.transport.ask()

    def _on_event(self, event: Event) -> None:  # reader thread
        self.event.emit(event)

    def _on_state(self, state: PortState, detail: str) -> None:  # reader thread
        self.state.emit(str(state.value), detail)
