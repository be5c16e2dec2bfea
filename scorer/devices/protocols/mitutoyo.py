"""Mitutoyo Digimatic output through a USB/RS-232 adapter (calipers, micrometers, height gauges).

One record is 13 bytes: ``0`` + channel digit + item letter + sign + 8 data characters holding a
floating point + CR, e.g. ``b"01A+0000.123\\r"``. The record is parsed with a pattern, not fixed
column slices, so the point may sit anywhere in the data field (``00.12345``, ``000.1234``).

The record carries no unit: the same item letter ``A`` comes from mm and inch instruments, and the
number of decimals does not tell them apart reliably (0.0001 mm and 0.0001 in both exist). The unit
is therefore the constructor argument ``unit`` (default ``"mm"``), set once per profile.
"""

from __future__ import annotations

import re
from decimal import Decimal

from scorer.devices.protocols.base import GARBAGE, UNRECOGNISED, Event, Framed, Reading, fault

_RECORD = re.compile(r"^(\d)(\d)([A-Z])([+-])( *)(\d+(?:\.\d+)?) *$", re.ASCII)
DATA_CHARS = 8  # the data field: digits, spaces and the floating point


def _is_text(record: bytes) -> bool:
    return all(0x20 <= b < 0x7F or b == 0x09 for b in record)


class Mitutoyo(Framed):
    """Digimatic records (CR; a stray LF is tolerated). The instrument pushes a value when its data
    button or a foot switch is pressed.

    ``unit``: the unit of every value (the record has none). ``query``: the adapter takes a request
    line — ``request()`` then returns ``b"1\\r"``; by default the device pushes and ``request()`` is
    None. ``strict_length``: the data field must be exactly 8 characters (a lost digit would
    otherwise read as a different, plausible value); turn off only for adapters known to pad
    differently.
    """

    name = "mitutoyo"
    max_record = 32

    def __init__(self, unit: str = "mm", query: bool = False, strict_length: bool = True) -> None:
        super().__init__()
        self.unit = unit
        self.query = query
        self.strict_length = strict_length

    def request(self) -> bytes | None:
        return b"1\r" if self.query else None

    def parse(self, record: bytes, now: float) -> list[Event]:
        if not _is_text(record):
            return [fault(GARBAGE, record, now)]
        m = _RECORD.match(record.decode("ascii"))
        if m is None:
            return [fault(UNRECOGNISED, record, now, "无法识别的测量记录", "unrecognised measurement record")]
        hi, lo, _item, sign, pad, digits = m.groups()
        if self.strict_length and len(pad) + len(digits) != DATA_CHARS:
            return [
                fault(
                    GARBAGE,
                    record,
                    now,
                    "测量记录长度不对（丢失字符？），已丢弃",
                    "measurement record has the wrong length (characters lost?): dropped",
                )
            ]
        value = Decimal(sign + digits)
        channel = str(int(hi + lo))  # "01" → "1"
        return [Reading(value, self.unit, record, now, channel=channel)]
