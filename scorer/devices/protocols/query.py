"""Pairing a query device's answers with the requests that asked for them.

A judge presses "read" and the transport sends `protocol.request()`; the value that comes back is
the answer to that request. But a query device may also talk unasked (the balance's PRINT key, a
caliper's data button, a reply that arrives after its request was given up): such a reading is still
shown, marked unrequested, so the judge decides — it must never be taken as the answer to a later
request. `QueryMatcher` keeps the outstanding requests in order (devices answer in order), pairs each
Reading or Fault with the oldest one, and drops a request nobody answered within `timeout`.

It is pure bookkeeping on the `now` values the caller passes — no thread, no timer, no clock of its
own — so the transport's reader loop drives it and tests replay it exactly. Register only value
requests with `sent` (zero, tare and other commands answered by a Control are not tracked);
Control events (echo, ID, ack, zeroed) never consume a request.
"""

from __future__ import annotations

from collections import deque

from scorer.devices.protocols.base import Event, Fault, Reading


class QueryMatcher:
    """FIFO of outstanding requests; `answer` pairs events with them, `expired` reports timeouts."""

    def __init__(self, timeout: float = 2.0) -> None:
        self.timeout = timeout
        self._pending: deque[tuple[bytes, float]] = deque()
        self._lapsed: list[bytes] = []

    def sent(self, command: bytes, now: float) -> None:
        """The transport wrote `command` at `now`."""
        self._lapse(now)
        self._pending.append((command, now))

    def answer(self, event: Event) -> bytes | None:
        """The request this Reading or Fault answers, or None (unrequested, or a Control)."""
        if not isinstance(event, Reading | Fault):
            return None
        self._lapse(event.received)
        if not self._pending:
            return None
        return self._pending.popleft()[0]

    def expired(self, now: float) -> list[bytes]:
        """Requests that went unanswered for longer than `timeout` (each reported once), oldest first."""
        self._lapse(now)
        out, self._lapsed = self._lapsed, []
        return out

    @property
    def outstanding(self) -> int:
        """How many requests still wait for an answer."""
        return len(self._pending)

    def clear(self) -> None:
        """Forget everything (the port was closed or reopened)."""
        self._pending.clear()
        self._lapsed.clear()

    def _lapse(self, now: float) -> None:
        while self._pending and now - self._pending[0][1] > self.timeout:
            self._lapsed.append(self._pending.popleft()[0])
