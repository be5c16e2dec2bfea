"""The CRLF text timer used at agility contests: `START [ms]`, `INT ms`, `STOP ms`, `FAIL`, `OK`, `RESET`.

Commands are case-insensitive and blanks around them are tolerated. START/INT/STOP are Readings
(kind "start"/"split"/"finish", value = ms / 1000 in seconds, unit "s"; a bare `START` has value
None: the timer started but said no time). FAIL/OK/RESET are Controls ("fail"/"ok"/"reset"). A
command with a missing or extra number, or any other line, is an UNRECOGNISED fault; bytes outside
printable ASCII are GARBAGE (wrong speed?).
"""

from __future__ import annotations

import re
from decimal import Decimal

from scorer.devices.protocols.base import GARBAGE, UNRECOGNISED, Control, Event, Framed, Reading, fault

_LINE = re.compile(r" *(?P<cmd>[A-Za-z]+)(?: +(?P<ms>\d{1,12}))? *")
_READINGS = {"START": "start", "INT": "split", "STOP": "finish"}
_CONTROLS = {"FAIL": "fail", "OK": "ok", "RESET": "reset"}


class TextTimer(Framed):
    """CRLF text timer (push device)."""

    name = "texttimer"
    unit = "s"
    terminators = b"\r\n"
    max_record = 64

    def request(self) -> bytes | None:
        return None

    def parse(self, record: bytes, now: float) -> list[Event]:
        try:
            text = record.decode("ascii")
        except UnicodeDecodeError:
            return [fault(GARBAGE, record, now)]
        if not text.isprintable():
            return [fault(GARBAGE, record, now)]
        m = _LINE.fullmatch(text)
        if m is None:
            return [fault(UNRECOGNISED, record, now)]
        cmd, ms = m["cmd"].upper(), m["ms"]
        if cmd in _CONTROLS and ms is None:
            return [Control(_CONTROLS[cmd], record, now)]
        if cmd in _READINGS and (ms is not None or cmd == "START"):
            value = None if ms is None else Decimal(ms).scaleb(-3)
            return [Reading(value=value, unit="s", raw=record, received=now, kind=_READINGS[cmd])]
        return [fault(UNRECOGNISED, record, now)]
