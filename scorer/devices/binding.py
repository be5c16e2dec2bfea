"""From device readings to marks: a reading becomes a mark only when it is bound.

- Measuring instruments: a reading goes to the judge's focused cell (contestant, aspect); the judge
  confirms with Enter, or it saves at once when the profile says `auto_accept`. Unstable readings
  are refused unless the profile allows them.
- Timers: start and finish records are paired per bib into an elapsed time (or the timer's own run
  time is taken); a cleared record withdraws its reading, and a mark already made from it is voided;
  the bib is mapped to a contestant (by station number, 机位号, by default). A record seen twice (a
  reconnect that re-sends) is recognised and not counted twice.

Every mark made here carries the raw record and the port in the log (`source` "device:<port>").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from scorer.devices.profiles import Profile
from scorer.devices.protocols.base import Control, Event, Fault, Reading
from scorer.errors import MarkRefused
from scorer.session import Saved, Session

DAY = Decimal(86400)


def value_text(reading: Reading) -> str:
    """The reading's value as the text a judge would type (its digits kept)."""
    if reading.value is None:
        raise MarkRefused("这条记录没有数值", "this record carries no value")
    return format(reading.value, "f")


def check_usable(reading: Reading, profile: Profile) -> None:
    if not reading.stable and not profile.allow_unstable:
        raise MarkRefused(
            "读数不稳定（天平仍在变化），请等稳定后再取值",
            "the reading is not stable yet; wait for a stable value",
        )


def save_to_cell(
    session: Session, reading: Reading, profile: Profile, port: str, contestant: str, aspect: str
) -> Saved:
    """Record a reading as the mark of the focused cell (after the judge's Enter or auto-accept)."""
    check_usable(reading, profile)
    return session.record(contestant, aspect, value_text(reading), source=f"device:{port}", raw=reading.raw)


@dataclass(frozen=True, slots=True)
class Elapsed:
    """A contestant's time from a timer: finish − start, or the timer's own run time."""

    bib: str
    seconds: Decimal
    raw: bytes  # the records it came from, joined by CR
    key: tuple[str, str, str]  # (bib, channel, time_of_day) of the record that completed it


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """A cleared record withdrew a time already given out."""

    elapsed: Elapsed


@dataclass(frozen=True, slots=True)
class Unassigned:
    """A timer record without a valid bib: the judge assigns it (or discards it)."""

    reading: Reading


Outcome = Elapsed | Withdrawn | Unassigned


def _key(r: Reading) -> tuple[str, str, str]:
    return (r.bib, r.channel, r.time_of_day)


class TimerPairing:
    """Pairs a timer's start/finish records per bib. Pure: events in, outcomes out.

    `use_run_time`: take the timer's RT (run time) records instead of pairing C0/C1 (ALGE sends
    both; using both would give two times per run).
    """

    def __init__(self, use_run_time: bool = False):
        self.use_run_time = use_run_time
        self.starts: dict[str, Reading] = {}
        self.seen: set[tuple[str, str, str]] = set()
        self.given: dict[tuple[str, str, str], Elapsed] = {}  # completing record → time given
        self.duplicates = 0

    def feed(self, event: Event) -> list[Outcome]:
        if isinstance(event, Fault):
            return []
        if isinstance(event, Control):
            return self._cancel(event) if event.kind == "cancel" and event.cancels is not None else []
        r = event
        key = _key(r)
        if key in self.seen and r.time_of_day:
            self.duplicates += 1  # the same record again (a re-send after reconnect)
            return []
        self.seen.add(key)
        if (r.kind in ("start", "finish") and not r.bib) or "no_bib" in r.flags:
            return [Unassigned(r)]
        if self.use_run_time:
            if r.kind == "run_time" and r.value is not None:
                return [self._give(r.bib, r.value, r.raw, key)]
            return []
        if r.kind == "start":
            self.starts[r.bib] = r
        elif r.kind == "finish" and r.bib in self.starts and r.value is not None:
            start = self.starts.pop(r.bib)
            assert start.value is not None
            seconds = (r.value - start.value) % DAY  # a run across midnight
            return [self._give(r.bib, seconds, start.raw + b"\r" + r.raw, key)]
        return []

    def _give(self, bib: str, seconds: Decimal, raw: bytes, key: tuple[str, str, str]) -> Elapsed:
        elapsed = Elapsed(bib, seconds, raw, key)
        self.given[key] = elapsed
        return elapsed

    def _cancel(self, control: Control) -> list[Outcome]:
        gone = control.cancels
        assert gone is not None
        key = _key(gone)
        self.seen.discard(key)
        start = self.starts.get(gone.bib)
        if start is not None and _key(start) == key:
            del self.starts[gone.bib]
            return []
        elapsed = self.given.pop(key, None)
        return [Withdrawn(elapsed)] if elapsed is not None else []


def contestant_by_station(session: Session, event: str) -> Callable[[str], str | None]:
    """Bib → contestant code through the drawn station number (机位号): bib "0007" = station 7."""
    stations: Mapping[str, str] = {
        c.station.lstrip("0"): c.code for c in session.contestants(event) if c.station
    }

    def lookup(bib: str) -> str | None:
        return stations.get(bib.lstrip("0"))

    return lookup


class TimerBinding:
    """Turns a timer's outcomes into marks of one time aspect of one event."""

    def __init__(
        self,
        session: Session,
        event: str,
        aspect: str,
        port: str,
        use_run_time: bool = False,
        contestant_of: Callable[[str], str | None] | None = None,
    ):
        self.session = session
        self.event = event
        self.aspect = aspect
        self.port = port
        self.pairing = TimerPairing(use_run_time)
        self.contestant_of = contestant_of or contestant_by_station(session, event)
        self.marks: dict[tuple[str, str, str], int] = {}  # completing record → mark log id
        self.unassigned: list[Reading] = []

    def assign(self, reading: Reading, contestant: str) -> list[Saved]:
        """The judge gives a record without a valid bib to a contestant (by their station)."""
        station = next((c.station for c in self.session.contestants(self.event) if c.code == contestant), "")
        if not station:
            raise MarkRefused(
                f"选手 {contestant} 没有机位号，无法对应计时记录",
                f"contestant {contestant} has no station number",
            )
        if reading in self.unassigned:
            self.unassigned.remove(reading)
        bib = station.zfill(4)
        flags = (*tuple(f for f in reading.flags if f != "no_bib"), "assigned")
        self.pairing.seen.discard((reading.bib, reading.channel, reading.time_of_day))
        return self.feed(replace(reading, bib=bib, flags=flags))

    def feed(self, event: Event) -> list[Saved]:
        """Bind one event; the marks it made or voided. Refusals raise MarkRefused (shown to the judge)."""
        out: list[Saved] = []
        for outcome in self.pairing.feed(event):
            if isinstance(outcome, Unassigned):
                self.unassigned.append(outcome.reading)
            elif isinstance(outcome, Withdrawn):
                log_id = self.marks.pop(outcome.elapsed.key, None)
                if log_id is not None:
                    out.append(
                        self.session.void(log_id, "计时器清除了该记录 / the timer cleared this record")
                    )
            else:
                contestant = self.contestant_of(outcome.bib)
                if contestant is None:
                    raise MarkRefused(
                        f"号码 {outcome.bib} 对应不到本项目的选手（机位号）",
                        f"bib {outcome.bib} matches no contestant of this event (station number)",
                    )
                saved = self.session.record(
                    contestant,
                    self.aspect,
                    format(outcome.seconds, "f"),
                    source=f"device:{self.port}",
                    raw=outcome.raw,
                )
                self.marks[outcome.key] = saved.log_id
                out.append(saved)
        return out
