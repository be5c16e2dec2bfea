"""What every device protocol produces, and the framing they share.

A protocol is a pure incremental parser: `feed(data, now)` takes bytes as they arrive, split at any
byte boundary, and returns events — a `Reading` (a value), a `Control` record (bib selection, a
clear that cancels an earlier reading, an instrument's power-on ID, an acknowledgement) or a `Fault`
(garbage, a checksum or length error, an instrument error). Nothing is ever dropped silently: a
record that is not understood is a Fault carrying its raw bytes. No port, no thread, no Qt here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal

# Fault kinds
GARBAGE = "garbage"  # bytes that are no record of this protocol (wrong speed or wrong device?)
UNRECOGNISED = "unrecognised"  # a well-framed record this parser does not know
CHECKSUM = "checksum"
TOO_LONG = "too_long"  # no terminator within the longest record: framing lost
DEVICE_ERROR = "device_error"  # the instrument reports an error (Sylvac ERRn, MT-SICS ES/ET/EL, …)
OVERLOAD = "overload"
UNDERLOAD = "underload"
UNSUPPORTED = "unsupported"  # a well-formed record of this protocol that Scorer does not use (not garbage)
DISCARDED = "discarded"  # bytes before the first terminator after a port opened: maybe a record's tail
TIMEOUT = "timeout"  # a query device left a request unanswered


@dataclass(frozen=True, slots=True)
class Reading:
    """A value from a device. `raw` is the whole record it came from (kept in the log)."""

    value: Decimal | None  # the measured value, or the time in seconds for timers
    unit: str  # "mm", "in", "g", "kg", "pcs", "s"
    raw: bytes
    received: float  # when the record's last byte arrived (the `now` passed to feed/flush)
    stable: bool = True
    channel: str = ""  # timer channel (C0, C1, RT, TT…) or instrument channel
    bib: str = ""  # timer: the contestant number the device attached
    kind: str = "value"  # "value"; timers: "start", "finish", "run_time", "total_time", "lap", "split"
    time_of_day: str = ""  # timers: the clock time as sent ("21:46:36.3910")
    flags: tuple[str, ...] = ()  # e.g. ("manual",), ("disqualified",), tolerance ("<",)
    group: str = ""  # timers: group/heat field


@dataclass(frozen=True, slots=True)
class Control:
    """A record that is not a value but matters: bib selection, cancel, ID, ack, reset…"""

    kind: str  # "bib_select", "cancel", "id", "ack", "reset", "ok", "fail", "zeroed"
    raw: bytes
    received: float
    detail: dict[str, str] = field(default_factory=dict)
    cancels: Reading | None = None  # "cancel": the reading this record withdraws, as it was sent


@dataclass(frozen=True, slots=True)
class Fault:
    kind: str
    zh: str
    en: str
    raw: bytes
    received: float


Event = Reading | Control | Fault


def fault(kind: str, raw: bytes, now: float, zh: str = "", en: str = "") -> Fault:
    default = {
        GARBAGE: (
            "收到无法识别的数据（波特率不对或接错设备？）",
            "unreadable data (wrong speed or wrong device?)",
        ),
        UNRECOGNISED: ("无法识别的记录", "unrecognised record"),
        CHECKSUM: ("校验和错误，记录已丢弃", "checksum error: record dropped"),
        TOO_LONG: (
            "记录过长，没有结束符（波特率不对？）",
            "record too long without a terminator (wrong speed?)",
        ),
        DEVICE_ERROR: ("仪器报告错误", "the instrument reports an error"),
        OVERLOAD: ("超出量程（过载）", "overload"),
        UNDERLOAD: ("低于量程（欠载）", "underload"),
        UNSUPPORTED: ("不支持的记录", "unsupported record"),
        DISCARDED: (
            "串口打开后第一条记录之前的字节已丢弃（可能是半条记录）",
            "bytes before the first record after the port opened were discarded (maybe half a record)",
        ),
        TIMEOUT: (
            "设备没有回应取值请求（接线或设置？）",
            "the device did not answer the request (cable or settings?)",
        ),
    }.get(kind, ("设备故障", "device fault"))
    return Fault(kind, zh or default[0], en or default[1], raw, now)


class Protocol(ABC):
    """One device's wire format. Subclasses set `name` and implement `feed`."""

    name: str = ""
    unit: str = ""
    terminators: bytes = b""  # bytes that end a record; empty: records end at an idle gap

    @property
    def idle_gap(self) -> float | None:
        """Seconds of silence that end a record, or None when records end with a terminator: then a
        pause inside a record is only a pause (a slow adapter), never the end of the record."""
        return None

    @abstractmethod
    def feed(self, data: bytes, now: float) -> list[Event]:
        """Take the bytes that arrived at `now`; return the events they complete."""

    def flush(self, now: float) -> list[Event]:
        """The line went quiet (idle gap) or the port closed: finish or fault what is buffered."""
        return []

    def request(self) -> bytes | None:
        """The command that asks a query device for a value (None: the device pushes)."""
        return None

    def reset(self) -> None:  # noqa: B027 - most protocols keep no state beyond their buffer
        """Forget partial input (after a reconnect the first bytes may be a record's tail)."""


class Framed(Protocol):
    """Records end with any byte of `terminators` (CR, LF or both); empty records are skipped.

    Subclasses implement `parse(record, now)` for one complete record without its terminator.
    A buffer longer than `max_record` without a terminator is a TOO_LONG fault and is discarded.
    """

    terminators: bytes = b"\r\n"
    max_record: int = 128

    def __init__(self) -> None:
        self._buf = bytearray()

    def reset(self) -> None:
        self._buf.clear()

    def feed(self, data: bytes, now: float) -> list[Event]:
        out: list[Event] = []
        for byte in data:
            if byte in self.terminators:
                if self._buf:
                    record = bytes(self._buf)
                    self._buf.clear()
                    out.extend(self.parse(record, now))
                continue
            self._buf.append(byte)
            if len(self._buf) > self.max_record:
                out.append(fault(TOO_LONG, bytes(self._buf), now))
                self._buf.clear()
        return out

    def flush(self, now: float) -> list[Event]:
        """At an idle gap a partial record is not a record: it is reported, never parsed."""
        if not self._buf:
            return []
        record = bytes(self._buf)
        self._buf.clear()
        return [
            fault(GARBAGE, record, now, "记录不完整（传输中断？）", "incomplete record (transmission cut?)")
        ]

    @abstractmethod
    def parse(self, record: bytes, now: float) -> list[Event]:
        """Events for one complete record (without its terminator)."""


class IdleFramed(Framed):
    """Devices that send no terminator: a record ends when the line has been idle `gap` seconds.

    The transport calls `flush(now)` after the gap; here that completes the record instead of
    faulting it. Terminators, if any arrive, still end records too.
    """

    terminators = b""
    gap: float = 0.05

    @property
    def idle_gap(self) -> float | None:
        return self.gap

    def flush(self, now: float) -> list[Event]:
        if not self._buf:
            return []
        record = bytes(self._buf)
        self._buf.clear()
        return self.parse(record, now)
