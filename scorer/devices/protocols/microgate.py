"""Microgate REI2 / RT Pro [U]: LF-terminated records whose first byte is the record type.

The layout is not confirmed from Microgate's manual (../shared/domain/DEVICES.md marks it [U]); it
follows what RaceHorology reads. So this parser checks every field it uses and turns anything that
does not fit into a Fault with the raw bytes, never a guessed value:

- 0x10 extended: `[12:17]` bib, `[17:20]` group, `[26:29]` channel (000 start, 255 finish, other
  "channel"), `[29]` status, `[30:40]` time `hhmmssffff` → Reading (value in seconds, time_of_day
  the 10 digits as sent). Status `0` is a valid time; any other status character (RaceHorology
  sees P, A, Q, a) is kept as flag "status_<c>" so the time is not taken for a plain valid one.
- 0x12 static: a stored time sent on request; same layout (RaceHorology) → Reading flagged "static".
- 0x14 reduced: no channel, so no way to tell start from finish → UNSUPPORTED fault asking for the
  extended protocol (the bytes stay in the fault).
- 0x17 error → DEVICE_ERROR fault carrying the device's text.
- 0x18 status → Control("status", detail={"text"}).
- Any other first byte → GARBAGE (non-printable: wrong speed?) or UNRECOGNISED.

A CR before the LF is tolerated. Push device: `request()` is None.
"""

from __future__ import annotations

from decimal import Decimal

from scorer.devices.protocols.base import (
    DEVICE_ERROR,
    GARBAGE,
    UNRECOGNISED,
    UNSUPPORTED,
    Control,
    Event,
    Framed,
    Reading,
    fault,
)

EXTENDED, STATIC, REDUCED, ERROR, STATUS = 0x10, 0x12, 0x14, 0x17, 0x18
_KINDS = {"000": "start", "255": "finish"}


def _text(body: bytes) -> str | None:
    """The record after its type byte as text, None if it is not printable ASCII."""
    try:
        text = body[1:].decode("ascii")
    except UnicodeDecodeError:
        return None
    return text if text.isprintable() else None


def hhmmssffff(text: str) -> Decimal | None:
    """`hhmmssffff` → seconds; None unless 10 digits making a real time."""
    if len(text) != 10 or not text.isdigit():
        return None
    h, m, s = int(text[0:2]), int(text[2:4]), int(text[4:6])
    if m >= 60 or s >= 60:
        return None
    return Decimal(f"{h * 3600 + m * 60 + s}.{text[6:]}")


class Microgate(Framed):
    """Microgate REI2 / RT Pro serial output (115200 8N1, LF)."""

    name = "microgate"
    unit = "s"
    terminators = b"\n"
    max_record = 128

    def request(self) -> bytes | None:
        return None

    def parse(self, record: bytes, now: float) -> list[Event]:
        body = record.rstrip(b"\r")
        if not body:
            return []  # the CR of a CR LF pair: framing, not a record
        kind = body[0]
        text = _text(body)
        if kind in (EXTENDED, STATIC):
            return [self._timing(body, text, record, now, kind == STATIC)]
        if kind == REDUCED and text is not None:
            return [
                fault(
                    UNSUPPORTED,
                    record,
                    now,
                    "不支持的记录：Microgate 精简格式记录没有通道：请把计时器设为扩展（extended）协议",
                    "unsupported record: a Microgate reduced record has no channel: set the timer to the extended protocol",
                )
            ]
        if kind == ERROR and text is not None:
            message = text.strip()
            return [
                fault(
                    DEVICE_ERROR,
                    record,
                    now,
                    f"计时器报告错误：{message}",
                    f"the timer reports an error: {message}",
                )
            ]
        if kind == STATUS and text is not None:
            return [Control("status", record, now, {"text": text.strip()})]
        printable = text is not None and 0x20 <= kind < 0x7F
        return [fault(UNRECOGNISED if printable else GARBAGE, record, now)]

    @staticmethod
    def _timing(body: bytes, text: str | None, record: bytes, now: float, static: bool) -> Event:
        if text is None:
            return fault(GARBAGE, record, now)
        if len(body) < 40:
            return fault(UNRECOGNISED, record, now)
        line = " " + text  # indices as in the layout, which counts the type byte
        bib, group, channel, status = line[12:17].strip(), line[17:20].strip(), line[26:29], line[29]
        value = hhmmssffff(line[30:40])
        if (
            value is None
            or not channel.isdigit()
            or (bib and not bib.isdigit())
            or (group and not group.isdigit())
        ):
            return fault(UNRECOGNISED, record, now)
        flags: tuple[str, ...] = () if status == "0" else (f"status_{status}",)
        if static:
            flags += ("static",)
        return Reading(
            value=value,
            unit="s",
            raw=record,
            received=now,
            channel=channel,
            bib=bib,
            kind=_KINDS.get(channel, "channel"),
            time_of_day=line[30:40],
            flags=flags,
            group=group,
        )
