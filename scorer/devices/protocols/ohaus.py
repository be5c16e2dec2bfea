"""Ohaus balances (CR LF): a right-aligned value, the unit, then optional markers.

``"     192.21 g"`` is stable; a trailing ``?`` (``"       0.01 g ?"``) marks it unstable. ``N``/``NET``
and ``G``/``GROSS`` markers become ``Reading.flags`` ``("net",)`` / ``("gross",)``; a sign may stand
apart from the digits. ``ES`` (the balance did not accept a command) → DEVICE_ERROR. A record with any
other marker (a tare or total printout, a header line) is UNRECOGNISED, never a value: the printout
formats vary by model and setting [U].

The weight is right-justified in a field of 9 to 12 characters (Ohaus RS232 manuals: 9 on the 3000
indicators — polarity, blank, 7 — 10 on Navigator, 11 or 12 on Scout and others): a record must
start with a blank or a sign and its weight field must be that wide. So ``92.21 g`` or ``.21 g`` —
the tail of ``     192.21 g`` read by a port opened mid-record — is UNRECOGNISED, never a value.
"""

from __future__ import annotations

import re
from decimal import Decimal

from scorer.devices.protocols.base import (
    DEVICE_ERROR,
    GARBAGE,
    UNRECOGNISED,
    Event,
    Framed,
    Reading,
    fault,
)

# the weight field: right-justified, so it starts with a blank or a sign; the sign may stand apart
_WEIGHT = re.compile(r"^(?=[ +-])( *[+-]? *)(\d+(?:\.\d+)?)(?= |$)", re.ASCII)
FIELD = (9, 12)  # how wide the weight field may be, in characters
_UNIT = re.compile(r"^[A-Za-z%]{1,4}$", re.ASCII)
MARKERS = {"N": "net", "NET": "net", "G": "gross", "GROSS": "gross"}
UNITS = {"PC": "pcs", "PCS": "pcs"}


def _is_text(record: bytes) -> bool:
    return all(0x20 <= b < 0x7F or b == 0x09 for b in record)


class Ohaus(Framed):
    """Ohaus records. ``request()`` is ``b"IP\\r\\n"`` (print the value now, stable or not)."""

    name = "ohaus"
    unit = "g"

    def request(self) -> bytes | None:
        return b"IP\r\n"

    def parse(self, record: bytes, now: float) -> list[Event]:
        if not _is_text(record):
            return [fault(GARBAGE, record, now)]
        fields = record.decode("ascii").split()
        if fields == ["ES"]:
            return [
                fault(
                    DEVICE_ERROR,
                    record,
                    now,
                    "天平不接受该命令（ES）",
                    "the balance did not accept the command (ES)",
                )
            ]
        text = record.decode("ascii")
        weight = _WEIGHT.match(text)
        if weight is None or not FIELD[0] <= weight.end() <= FIELD[1]:
            return [self._unrecognised(record, now)]
        number = weight[1].replace(" ", "").replace("+", "") + weight[2]
        fields = [number, *text[weight.end() :].split()]
        if len(fields) < 2 or not _UNIT.match(fields[1]):
            return [self._unrecognised(record, now)]
        stable = True
        flags: list[str] = []
        for marker in fields[2:]:
            if marker == "?":
                stable = False
            elif marker.upper() in MARKERS:
                flags.append(MARKERS[marker.upper()])
            else:
                return [self._unrecognised(record, now)]
        unit = UNITS.get(fields[1].upper(), fields[1])
        return [Reading(Decimal(fields[0]), unit, record, now, stable=stable, flags=tuple(flags))]

    @staticmethod
    def _unrecognised(record: bytes, now: float) -> Event:
        return fault(UNRECOGNISED, record, now, "无法识别的 Ohaus 记录", "unrecognised Ohaus record")
