"""Sylvac calipers and indicators on the OPTO-RS cable (4800 7E2, CR-terminated).

Records:

- a value ``[+|-| ]int.frac``, e.g. ``+12.345`` — sign (or blank), digits, point, digits, nothing
  else: ``345``, ``.345`` or ``12.345`` (the tail of ``+12.345`` when a port opens mid-record) is an
  UNRECOGNISED fault, never a value; in tolerance mode a ``<``, ``=`` or ``>`` is
  appended (→ ``Reading.flags``); a trailing unit ``mm``/``in`` is accepted if an instrument sends one;
- ``ERR0`` … ``ERR3`` → a DEVICE_ERROR fault with its meaning;
- the power-on ID ``SY<instr>.<opt>`` → ``Control("id")``;
- on a duplex cable the instrument echoes each command it gets: an echoed ``?``, ``PRI`` … line is
  ``Control("echo")``, never a reading. Which commands can be echoed is not fully documented [U]:
  the list is ``commands`` (constructor), and an echo that is not on it is an UNRECOGNISED fault —
  visible, never a value. An echo glued to the reply without its own CR (``?+12.345``) is split.

The record has no unit unless one is appended; otherwise it is the constructor's ``unit``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from scorer.devices.protocols.base import (
    DEVICE_ERROR,
    GARBAGE,
    UNRECOGNISED,
    Control,
    Event,
    Framed,
    Reading,
    fault,
)

COMMANDS: tuple[str, ...] = (
    "?",
    "PRI",
    "PRI?",
    "ID?",
    "SET",
    "SET?",
    "MM",
    "IN",
    "UNI?",
    "CHA+",
    "CHA-",
    "CHA?",
    "ZER",
    "TOL?",
)

_VALUE = re.compile(
    r"^(?P<echo>\?|PRI\??)?(?P<sign>[+\- ])(?P<num>\d+\.\d+) *(?P<unit>mm|in|inch)? *(?P<tol>[<=>])? *$",
    re.ASCII,
)
_ERROR = re.compile(r"^ *ERR *(\d+) *$", re.ASCII)
_ID = re.compile(r"^ *SY([0-9A-Za-z]+)\.([0-9A-Za-z.]*) *$", re.ASCII)

ERRORS: dict[str, tuple[str, str]] = {
    "0": ("仪器传感器错误（ERR0）", "instrument sensor error (ERR0)"),
    "1": ("仪器收到无效命令（ERR1）", "the instrument received an invalid command (ERR1)"),
    "2": (
        "仪器报告校验错误（ERR2，检查串口设置 4800 7E2）",
        "the instrument reports a parity error (ERR2: check 4800 7E2)",
    ),
    "3": ("测量值超出范围（ERR3）", "measurement out of range (ERR3)"),
}


def _is_text(record: bytes) -> bool:
    return all(0x20 <= b < 0x7F or b == 0x09 for b in record)


class Sylvac(Framed):
    """Sylvac OPTO-RS records. ``request()`` is ``b"?\\r"`` (the instrument answers with a value)."""

    name = "sylvac"
    max_record = 48

    def __init__(self, unit: str = "mm", commands: Iterable[str] = COMMANDS) -> None:
        super().__init__()
        self.unit = unit
        self.commands = frozenset(c.upper() for c in commands)

    def request(self) -> bytes | None:
        return b"?\r"

    def parse(self, record: bytes, now: float) -> list[Event]:
        if not _is_text(record):
            return [fault(GARBAGE, record, now)]
        text = record.decode("ascii")
        stripped = text.strip()
        if stripped.upper() in self.commands:
            return [Control("echo", record, now, {"command": stripped})]
        m = _VALUE.match(text)
        if m is not None:
            out: list[Event] = []
            if m["echo"]:
                out.append(Control("echo", m["echo"].encode("ascii"), now, {"command": m["echo"]}))
            sign = "-" if m["sign"] == "-" else ""
            unit = {"mm": "mm", "in": "in", "inch": "in"}.get(m["unit"] or "", self.unit)
            flags = (m["tol"],) if m["tol"] else ()
            out.append(Reading(Decimal(sign + m["num"]), unit, record, now, flags=flags))
            return out
        m = _ERROR.match(text)
        if m is not None:
            zh, en = ERRORS.get(m[1], (f"仪器报告错误 ERR{m[1]}", f"the instrument reports error ERR{m[1]}"))
            return [fault(DEVICE_ERROR, record, now, zh, en)]
        m = _ID.match(text)
        if m is not None:
            return [Control("id", record, now, {"instrument": m[1], "option": m[2]})]
        return [fault(UNRECOGNISED, record, now, "无法识别的 Sylvac 记录", "unrecognised Sylvac record")]
