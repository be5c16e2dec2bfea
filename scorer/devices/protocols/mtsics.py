"""Mettler Toledo balances speaking MT-SICS (replies end in CR LF; fields split on whitespace).

Weighing replies (to ``S``, ``SI``, ``SIR``, ``SU``, ``SIU`` — ``SI`` replies exactly as ``S``):

- ``S S     100.00 g`` stable → Reading; ``S D     99.98 g`` dynamic → Reading(stable=False);
- ``S I`` the balance cannot execute now → DEVICE_ERROR ("busy"); ``S L`` logic error → DEVICE_ERROR;
- ``S +`` → OVERLOAD, ``S -`` → UNDERLOAD.

Other records: ``ES`` / ``ET`` / ``EL`` (syntax / transmission / logic error) → DEVICE_ERROR;
``Z A`` (and ``ZI S``/``ZI D``) → Control("zeroed"); ``T S 10.00 g`` → Control("tared") with the tare
in ``detail``; ``I4 A "0123456789"`` (power-on / ``@`` reset: serial number) and other ``In A`` → Control("id").
Anything else is a fault: nothing becomes a value unless it is a weighing reply.
"""

from __future__ import annotations

import re
from decimal import Decimal

from scorer.devices.protocols.base import (
    DEVICE_ERROR,
    GARBAGE,
    OVERLOAD,
    UNDERLOAD,
    UNRECOGNISED,
    Control,
    Event,
    Fault,
    Framed,
    Reading,
    fault,
)

WEIGH = frozenset({"S", "SI", "SIR", "SU", "SIU", "SIRU"})
ZERO = frozenset({"Z", "ZI"})
TARE = frozenset({"T", "TI"})
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$", re.ASCII)
_INFO = re.compile(r"^I\d+$", re.ASCII)

ERRORS: dict[str, tuple[str, str]] = {
    "ES": (
        "天平报告语法错误：无法识别该命令（ES）",
        "the balance reports a syntax error: command not recognised (ES)",
    ),
    "ET": (
        "天平报告传输错误：收到的命令有误（ET，检查串口设置）",
        "the balance reports a transmission error: faulty command received (ET: check the line settings)",
    ),
    "EL": (
        "天平报告逻辑错误：命令无法执行（EL）",
        "the balance reports a logical error: the command cannot be executed (EL)",
    ),
}
BUSY = (
    "天平忙，暂时无法执行（稍后重试）",
    "the balance is busy and cannot execute the command now (try again)",
)
LOGIC = ("天平无法执行该命令（参数错误）", "the balance cannot execute the command (wrong parameter)")


def _is_text(record: bytes) -> bool:
    return all(0x20 <= b < 0x7F or b == 0x09 for b in record)


def _value(fields: list[str]) -> tuple[Decimal, str] | None:
    """(value, unit) from the fields after the status; a sign may stand apart from the digits.

    The unit is required: a record cut short must not read as grams when it said kilograms."""
    if len(fields) >= 2 and fields[0] in ("+", "-"):
        fields = [fields[0] + fields[1], *fields[2:]]
    if len(fields) != 2 or not _NUMBER.match(fields[0]):
        return None
    return Decimal(fields[0]), fields[1]


class MtSics(Framed):
    """MT-SICS replies. ``request()`` is ``b"S\\r\\n"`` (a stable value), or ``b"SI\\r\\n"`` (the
    value now, stable or not) when ``immediate=True``."""

    name = "mt-sics"
    unit = "g"

    def __init__(self, immediate: bool = False) -> None:
        super().__init__()
        self.immediate = immediate

    def request(self) -> bytes | None:
        return b"SI\r\n" if self.immediate else b"S\r\n"

    def parse(self, record: bytes, now: float) -> list[Event]:
        if not _is_text(record):
            return [fault(GARBAGE, record, now)]
        fields = record.decode("ascii").split()
        if not fields:
            return [fault(UNRECOGNISED, record, now)]
        if len(fields) == 1 and fields[0] in ERRORS:
            return [fault(DEVICE_ERROR, record, now, *ERRORS[fields[0]])]
        command, status, rest = fields[0], fields[1] if len(fields) > 1 else "", fields[2:]
        if status == "I" and not rest:
            return [fault(DEVICE_ERROR, record, now, *BUSY)]
        if status == "L" and not rest:
            return [fault(DEVICE_ERROR, record, now, *LOGIC)]
        if command in WEIGH:
            return self._weigh(record, now, status, rest)
        if command in ZERO and not rest and (status == "A" or (command == "ZI" and status in ("S", "D"))):
            return [Control("zeroed", record, now)]
        if command in TARE and status in ("S", "D") and (tare := _value(rest)) is not None:
            return [Control("tared", record, now, {"value": str(tare[0]), "unit": tare[1]})]
        if command in ZERO | TARE and status in ("+", "-") and not rest:
            what = "置零" if command in ZERO else "去皮"
            verb = "zero" if command in ZERO else "tare"
            side = ("上限", "upper") if status == "+" else ("下限", "lower")
            return [
                fault(
                    DEVICE_ERROR,
                    record,
                    now,
                    f"无法{what}：超出{side[0]}",
                    f"cannot {verb}: {side[1]} limit exceeded",
                )
            ]
        if _INFO.match(command) and status == "A":
            text = " ".join(rest).strip('"')
            return [Control("id", record, now, {"command": command, "text": text})]
        return [self._unrecognised(record, now)]

    def _weigh(self, record: bytes, now: float, status: str, rest: list[str]) -> list[Event]:
        if status == "+" and not rest:
            return [fault(OVERLOAD, record, now)]
        if status == "-" and not rest:
            return [fault(UNDERLOAD, record, now)]
        if status in ("S", "D") and (parsed := _value(rest)) is not None:
            value, unit = parsed
            return [Reading(value, unit, record, now, stable=status == "S")]
        return [self._unrecognised(record, now)]

    @staticmethod
    def _unrecognised(record: bytes, now: float) -> Fault:
        return fault(UNRECOGNISED, record, now, "无法识别的 MT-SICS 记录", "unrecognised MT-SICS record")
