"""A venue's own device, described by a regex with named groups (a JSON profile, no new release).

`RegexProtocol(pattern, framing="CR", unit="", gap=0.05)`:
- framing "CR", "LF", "CRLF" (any of those bytes ends a record) or "idle": the device sends no
  terminator and a record ends after `gap` seconds of silence, when the transport calls `flush()`.
  Case does not matter. In idle framing a stray CR/LF at the ends of a record is ignored.
- the pattern must fullmatch a whole record (decoded as UTF-8, else Latin-1) and have a group
  `value` (a number; `,` is accepted as the decimal separator, blanks inside are ignored). Optional groups: `unit` (else the
  profile's unit), `unstable` (matched and non-empty → `stable=False`, e.g. the `?` an Ohaus balance
  appends), `channel`, `bib`. A group named `stable` is refused: its meaning would be ambiguous.
- a record that does not match, or whose `value` is no number, is an UNRECOGNISED fault.
A bad pattern, a missing `value` group or an unknown framing is refused in `__init__` with a
bilingual ScorerError, so a broken profile never reaches the bench.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from scorer.devices.protocols.base import UNRECOGNISED, Event, Framed, IdleFramed, Protocol, Reading, fault
from scorer.errors import ScorerError

FRAMINGS = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "IDLE": b""}


class _Terminated(Framed):
    """Framing by terminator bytes; records go to the owning RegexProtocol."""

    def __init__(self, owner: RegexProtocol, terminators: bytes) -> None:
        super().__init__()
        self.owner = owner
        self.terminators = terminators

    def parse(self, record: bytes, now: float) -> list[Event]:
        return self.owner.parse(record, now)


class _Idle(IdleFramed):
    """Framing by an idle gap (the transport calls flush after `gap` seconds of silence)."""

    def __init__(self, owner: RegexProtocol, gap: float) -> None:
        super().__init__()
        self.owner = owner
        self.gap = gap

    def parse(self, record: bytes, now: float) -> list[Event]:
        return self.owner.parse(record, now)


class RegexProtocol(Protocol):
    """A device whose records one regex with named groups describes."""

    name = "custom"

    def __init__(self, pattern: str, framing: str = "CR", unit: str = "", gap: float = 0.05) -> None:
        if not isinstance(pattern, str) or not pattern:
            raise ScorerError(
                "设备配置的 pattern 必须是非空的正则表达式", "the profile's pattern must be a non-empty regex"
            )
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise ScorerError(
                f"设备配置的正则表达式无效：{exc}", f"the profile's pattern is not a valid regex: {exc}"
            ) from None
        if "value" not in regex.groupindex:
            raise ScorerError(
                "设备配置的正则表达式必须有命名分组 (?P<value>…)",
                "the profile's pattern must have a named group (?P<value>…)",
            )
        if "stable" in regex.groupindex:
            raise ScorerError(
                "请把分组 stable 改名为 unstable（匹配到非空内容表示读数不稳定）",
                "rename the group 'stable' to 'unstable' (a non-empty match marks the reading unstable)",
            )
        key = framing.upper() if isinstance(framing, str) else ""
        if key not in FRAMINGS:
            raise ScorerError(
                f"未知的分帧方式“{framing}”；可用：CR、LF、CRLF、idle",
                f"unknown framing '{framing}'; use CR, LF, CRLF or idle",
            )
        if not isinstance(gap, int | float) or isinstance(gap, bool) or not 0 < gap <= 10:
            raise ScorerError(
                f"静默间隔 gap 必须在 0 到 10 秒之间（现为 {gap!r}）",
                f"the idle gap must be between 0 and 10 seconds (got {gap!r})",
            )
        self.regex = regex
        self.framing = "idle" if key == "IDLE" else key
        self.unit = unit
        self.gap = float(gap)
        self._framer: Framed = _Idle(self, self.gap) if key == "IDLE" else _Terminated(self, FRAMINGS[key])
        self.terminators = FRAMINGS[key]

    @property
    def idle_gap(self) -> float | None:
        return self.gap if self.framing == "idle" else None

    def feed(self, data: bytes, now: float) -> list[Event]:
        return self._framer.feed(data, now)

    def flush(self, now: float) -> list[Event]:
        """Idle framing: the gap ends the record. Terminated framing: a partial record is a fault."""
        return self._framer.flush(now)

    def reset(self) -> None:
        self._framer.reset()

    def parse(self, record: bytes, now: float) -> list[Event]:
        """Events for one complete record."""
        try:
            text = record.decode("utf-8")
        except UnicodeDecodeError:
            text = record.decode("latin-1")
        if self.framing == "idle":
            text = text.strip("\r\n")
        m = self.regex.fullmatch(text)
        if m is None or m["value"] is None:
            return [fault(UNRECOGNISED, record, now)]
        number = m["value"].replace(" ", "").replace(",", ".")
        try:
            value = Decimal(number)
        except InvalidOperation:
            return [fault(UNRECOGNISED, record, now)]
        if "_" in number or not value.is_finite():  # Decimal reads "1_0" as 10 and "NaN" as a value
            return [fault(UNRECOGNISED, record, now)]
        groups = m.groupdict()
        return [
            Reading(
                value=value,
                unit=(groups.get("unit") or "").strip() or self.unit,
                raw=record,
                received=now,
                stable=not groups.get("unstable"),
                channel=(groups.get("channel") or "").strip(),
                bib=(groups.get("bib") or "").strip(),
            )
        ]
