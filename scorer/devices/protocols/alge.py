"""ALGE Timy / Timy2 / Timy3 / TdC8000/8001: the PC (RS-232) output, one record per impulse.

Layout `yNNNNxCCCxHH:MM:SS.zhtqxGG` (../shared/domain/DEVICES.md): flag, bib, channel, time, group.
The manuals print lowercase channels (`c0`) and `,` decimals while real devices send `C0` and `.`;
both are accepted, and the time may carry 1-4 decimals. What each record becomes:

- flag ` ` a valid time → `Reading`; the channel gives its kind: C0 "start", C1 "finish",
  C0M/C1M keypad impulses (same kinds, flag "keypad"; any channel ending in M is a keypad one, e.g.
  `RTM`), RT "run_time", TT "total_time", SQ "lap", any other Cn "channel". Other channels (the
  Timy3 speed `kmh`, the parallel-slalom `DT`) are UNSUPPORTED faults: well-formed records with no
  time to score — not garbage, so they never make the port look like "wrong speed?".
- `?` time without a valid bib → Reading, bib "" and flag "no_bib" (the digits sent stay in `raw`).
- `c` cleared → `Control("cancel")` whose `cancels` is the Reading the same record with a blank flag
  produces, i.e. the earlier record it withdraws (equal to it but for `received`).
- `d` disqualified, `i` manual time input → Readings flagged "disqualified" / "manual".
- `n` (`n0034`) new bib shown on the finish display → `Control("bib_select", detail={"bib"})`;
  `s0034` the same at the start (RaceHorology reads it so) → detail {"bib", "at": "start"}.
- Letters that still carry a time are Readings flagged with what the manuals and RaceHorology's tests
  say they mean, so nothing downstream takes them for a plain valid time: `m` "memory" (sent from
  memory), `p` "penalty" (parallel slalom), `b` "blocked" (block key), `t` "wtn" (seen from ALGE
  WTN radio), a long `n` record "new_bib" (a time given a new bib, Timy manual example), a long `s`
  record "s" (meaning unconfirmed). A Control would hide the time; a Fault would lose its meaning.
- A letter in column 5 (dual timer / parallel-slalom course) becomes flag "course_<letter>"; Timy3
  rank digits right after the group are tolerated (they stay in `raw`).
- A well-formed record with a flag letter not listed here is UNSUPPORTED (the timer sent it; Scorer
  does not know what it means). Anything else — bad bib, impossible time, a layout that does not
  match, bytes outside printable ASCII — is a Fault (UNRECOGNISED, or GARBAGE for non-printable
  bytes, the sign of a wrong baud rate).

Checksum mode (`AlgeTimy(checksum=True)`, after the command `CHK1`) [U]: a time record is 28 chars,
its last two `chr(0x30 + nibble)` of (sum of the first 26 char codes & 0xFF), high nibble first. A
mismatch is a CHECKSUM fault; a time record without the two chars is a CHECKSUM fault too (a
checksum that is not there protects nothing). The short bib records are accepted bare (5 chars) or
with a checksum over their 5 chars. Without checksum mode a CHK1 record is not understood reliably:
choose the mode that matches the device.

`feed` is Framed.feed's behaviour (CR or LF ends a record, empty records skipped, TOO_LONG after
`max_record`) done with bytes.split instead of a Python loop per byte: a timer replaying its memory
sends thousands of records at once.
"""

from __future__ import annotations

import re
from decimal import Decimal

from scorer.devices.protocols.base import (
    CHECKSUM,
    GARBAGE,
    TOO_LONG,
    UNRECOGNISED,
    UNSUPPORTED,
    Control,
    Event,
    Fault,
    Framed,
    Reading,
    fault,
)

_BIB = r"(?:\d{4}| \d{3}|  \d\d|   \d)"  # 4 digits; the Timy3 manual says leading zeros may be blank
_SHORT = re.compile(rf"(?P<flag>[ns])(?P<bib>{_BIB})")
_LONG = re.compile(
    rf"(?P<flag>.)(?P<bib>{_BIB}|    )(?P<course>[ A-Za-z])"
    r"(?P<chan>[A-Za-z][A-Za-z0-9]{1,2}) +(?P<sign>[+-]?)"
    r"(?P<time>(?:(?:(?P<h>\d{1,2}):)?(?P<m>\d{1,2}):)?(?P<s>\d{1,6})[.,](?P<frac>\d{1,4}))"
    r"(?: +(?P<group>\d\d)\d{0,4})? *"
)
_KINDS = {"C0": "start", "C1": "finish", "RT": "run_time", "TT": "total_time", "SQ": "lap"}
_CHANNELS: dict[str, tuple[str, str, bool] | None] = {}  # channel as sent → (channel, kind, keypad)
_FLAGS: dict[str, tuple[str, ...]] = {
    " ": (),
    "?": ("no_bib",),
    "d": ("disqualified",),
    "i": ("manual",),
    "m": ("memory",),
    "p": ("penalty",),
    "b": ("blocked",),
    "t": ("wtn",),
    "n": ("new_bib",),
    "s": ("s",),
}


def checksum_chars(body: bytes) -> bytes:
    """The two checksum characters the Timy appends in CHK1 mode (high nibble first)."""
    total = sum(body) & 0xFF
    return bytes((0x30 + (total >> 4), 0x30 + (total & 0x0F)))


def seconds(h: str | None, m: str | None, s: str, frac: str, sign: str = "") -> Decimal | None:
    """Hours, minutes, seconds and decimals as sent → seconds; None if minutes or seconds are impossible."""
    total = int(s)
    if m is not None:
        if len(s) != 2 or total >= 60:
            return None
        minutes = int(m)
        if h is not None:
            if len(m) != 2 or minutes >= 60:
                return None
            minutes += 60 * int(h)
        total += 60 * minutes
    return Decimal(f"{sign}{total}.{frac}")


def channel(sent: str) -> tuple[str, str, bool] | None:
    """(channel in upper case, kind, keypad) for a channel as sent; None for a channel with no time."""
    if sent in _CHANNELS:
        return _CHANNELS[sent]
    chan = sent.upper()
    keypad = len(chan) == 3 and chan[2] == "M"
    base = chan[:2] if keypad else chan
    kind = _KINDS.get(base)
    if kind is None and base[0] == "C" and base[1:].isdigit():
        kind = "channel"
    result = None if kind is None else (chan, kind, keypad)
    _CHANNELS[sent] = result  # bounded: at most 52 * 62 * 63 spellings match the pattern
    return result


class AlgeTimy(Framed):
    """ALGE Timy/Timy3/TdC8001 PC output (push device: it talks on its own)."""

    name = "alge"
    unit = "s"
    terminators = b"\r\n"
    max_record = 64  # longest real record is 28 chars (checksum mode); 64 leaves room for padding

    def __init__(self, checksum: bool = False) -> None:
        super().__init__()
        self.checksum = checksum

    def request(self) -> bytes | None:
        return None

    def feed(self, data: bytes, now: float) -> list[Event]:
        """Framed.feed, record for record and fault for fault, but split in C (see module doc)."""
        data = bytes(data)
        first = self.terminators[:1]
        for t in self.terminators[1:]:
            data = data.replace(bytes((t,)), first)
        parts = data.split(first)
        out: list[Event] = []
        buf = self._buf
        limit = self.max_record
        tail = parts.pop()
        for part in parts:  # each of these ended at a terminator
            if buf or len(part) > limit:
                buf += part
                self._overflow(out, now)
                if buf:
                    record = bytes(buf)
                    buf.clear()
                    out.extend(self.parse(record, now))
            elif part:
                out.extend(self.parse(part, now))
        if tail:
            buf += tail
            self._overflow(out, now)
        return out

    def _overflow(self, out: list[Event], now: float) -> None:
        """As Framed.feed: each max_record+1 bytes without a terminator are one TOO_LONG fault."""
        buf = self._buf
        size = self.max_record + 1
        while len(buf) > self.max_record:
            out.append(fault(TOO_LONG, bytes(buf[:size]), now))
            del buf[:size]

    def parse(self, record: bytes, now: float) -> list[Event]:
        body = record.rstrip(b" \t")
        if not self.checksum:
            return [self._parse(body, record, now)]
        n = len(body)
        if n == 28 or (n == 7 and body[:1] in (b"n", b"s")):
            if checksum_chars(body[:-2]) != body[-2:]:
                return [fault(CHECKSUM, record, now)]
            return [self._parse(body[:-2], record, now)]
        event = self._parse(body, record, now)
        if n != 5 and not isinstance(event, Fault):
            return [
                fault(CHECKSUM, record, now, "记录缺少校验和，已丢弃", "checksum missing: record dropped")
            ]
        return [event]

    def _parse(self, body: bytes, record: bytes, now: float) -> Event:
        """One record (`body`: without trailing blanks or checksum; `record`: as received)."""
        try:
            text = body.decode("ascii")
        except UnicodeDecodeError:
            return fault(GARBAGE, record, now)
        if not text.isprintable():
            return fault(GARBAGE, record, now)
        if len(text) == 5:
            short = _SHORT.fullmatch(text)
            if short is None:
                return fault(UNRECOGNISED, record, now)
            detail = {"bib": short["bib"].strip().zfill(4)}
            if short["flag"] == "s":
                detail["at"] = "start"
            return Control("bib_select", record, now, detail)
        m = _LONG.fullmatch(text)
        if m is None:
            return fault(UNRECOGNISED, record, now)
        flag = m["flag"]
        if channel(m["chan"]) is None:
            sent = m["chan"]
            return fault(
                UNSUPPORTED,
                record,
                now,
                f"不支持的记录（通道 {sent}：没有可计分的时间）",
                f"unsupported record (channel {sent}: no time to score)",
            )
        if flag == "c":
            cancelled = self._reading(m, " ", b" " + record[1:], now)
            if cancelled is None:
                return fault(UNRECOGNISED, record, now)
            return Control("cancel", record, now, cancels=cancelled)
        if flag not in _FLAGS:
            return fault(
                UNSUPPORTED,
                record,
                now,
                f"不支持的记录（未知标志 {flag!r}）",
                f"unsupported record (unknown flag {flag!r})",
            )
        reading = self._reading(m, flag, record, now)
        return fault(UNRECOGNISED, record, now) if reading is None else reading

    @staticmethod
    def _reading(m: re.Match[str], flag: str, raw: bytes, now: float) -> Reading | None:
        """The Reading a matched record stands for with `flag`; None if channel or time make no sense."""
        bib, course, sent, sign, time, h, mins, s, frac, group = m.group(
            "bib", "course", "chan", "sign", "time", "h", "m", "s", "frac", "group"
        )
        chan = channel(sent)
        value = seconds(h, mins, s, frac, sign)
        if chan is None or value is None:
            return None
        flags = _FLAGS[flag]
        if chan[2]:
            flags += ("keypad",)
        if course != " ":
            flags += (f"course_{course}",)
        bib = bib.strip()
        return Reading(
            value=value,
            unit="s",
            raw=raw,
            received=now,
            channel=chan[0],
            bib=bib.zfill(4) if bib and flag != "?" else "",
            kind=chan[1],
            time_of_day=sign + time,
            flags=flags,
            group=group or "",
        )
