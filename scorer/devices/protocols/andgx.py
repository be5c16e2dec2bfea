"""A&D GX/GF (and compatible) balances: 15 characters + CR LF.

Layout: 2-character header, comma, 9-character signed number, 3-character unit, e.g.
``ST,+00123.45  g``. Headers: ``ST`` stable, ``US`` unstable, ``QT`` counting (unit ``PC`` → ``pcs``),
``OL`` out of range (``+`` → OVERLOAD, ``-`` → UNDERLOAD, the balance shows ``-E``).
Also: ``EC,En`` error codes → DEVICE_ERROR with their meaning; the acknowledge code ``<AK>``
(0x06, with or without CR LF) → Control("ack"); ``ID,000012`` → Control("id").

Data records must be exactly 15 characters (``strict_length``): a dropped digit would otherwise
read as another, plausible weight.
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
    Framed,
    Reading,
    fault,
)

ACK = 0x06
RECORD_CHARS = 15
DATA_HEADERS = frozenset({"ST", "US", "QT"})
_DATA = re.compile(r"^([A-Z]{2}), *([+-]?) *(\d+(?:\.\d+)?) *([A-Za-z%]{1,3}) *$", re.ASCII)
_HEADER = re.compile(r"^([A-Z]{2}),(.*)$", re.ASCII)
UNITS = {"PC": "pcs", "PCS": "pcs"}

ERRORS: dict[str, tuple[str, str]] = {
    "E0": (
        "天平报告通信错误（EC,E0：校验/帧错误，检查串口设置）",
        "the balance reports a communication error (EC,E0: parity/framing: check the line settings)",
    ),
    "E1": ("天平不认识该命令（EC,E1）", "the balance does not know the command (EC,E1)"),
    "E2": ("天平未就绪，无法执行命令（EC,E2）", "the balance is not ready for the command (EC,E2)"),
    "E3": ("天平通信超时（EC,E3）", "the balance timed out (EC,E3)"),
    "E4": ("命令字符过多（EC,E4）", "the command has too many characters (EC,E4)"),
    "E6": ("命令格式错误（EC,E6）", "the command format is wrong (EC,E6)"),
    "E7": ("数值超出范围（EC,E7）", "a value is out of range (EC,E7)"),
}


def _is_text(record: bytes) -> bool:
    return all(0x20 <= b < 0x7F or b == 0x09 for b in record)


class AndGx(Framed):
    """A&D records. ``request()`` is ``b"Q\\r\\n"`` (the weight now, stable or not)."""

    name = "and-gx"
    unit = "g"
    max_record = 64

    def __init__(self, strict_length: bool = True) -> None:
        super().__init__()
        self.strict_length = strict_length

    def request(self) -> bytes | None:
        return b"Q\r\n"

    def parse(self, record: bytes, now: float) -> list[Event]:
        out: list[Event] = []
        while record and record[0] == ACK:  # <AK> may arrive without its own CR LF
            out.append(Control("ack", record[:1], now))
            record = record[1:]
        if record:
            out.append(self._record(record, now))
        return out

    def _record(self, record: bytes, now: float) -> Event:
        if not _is_text(record):
            return fault(GARBAGE, record, now)
        text = record.decode("ascii")
        head = _HEADER.match(text)
        if head is None:
            return fault(UNRECOGNISED, record, now, "无法识别的 A&D 记录", "unrecognised A&D record")
        header, body = head.groups()
        if header == "OL":
            return fault(UNDERLOAD if body.strip().startswith("-") else OVERLOAD, record, now)
        if header == "EC":
            code = body.strip()
            zh, en = ERRORS.get(code, (f"天平报告错误 EC,{code}", f"the balance reports error EC,{code}"))
            return fault(DEVICE_ERROR, record, now, zh, en)
        if header == "ID":
            return Control("id", record, now, {"id": body.strip()})
        m = _DATA.match(text)
        if header not in DATA_HEADERS or m is None:
            return fault(UNRECOGNISED, record, now, "无法识别的 A&D 记录", "unrecognised A&D record")
        if self.strict_length and len(record) != RECORD_CHARS:
            return fault(
                GARBAGE,
                record,
                now,
                "天平记录长度不对（丢失字符？），已丢弃",
                "balance record has the wrong length (characters lost?): dropped",
            )
        _, sign, digits, unit = m.groups()
        value = Decimal(("-" if sign == "-" else "") + digits)
        return Reading(value, UNITS.get(unit.upper(), unit), record, now, stable=header != "US")
