"""A timer's start and finish records paired per bib into elapsed times. Pure: events in, outcomes
out, and a fate for every record fed (so a replayed race day can be counted). `binding` turns the
outcomes into marks; this module writes nothing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from scorer.devices.protocols.base import Control, Event, Fault, Reading

DAY = Decimal(86400)


@dataclass(frozen=True, slots=True)
class Elapsed:
    """A contestant's time from a timer: finish − start, or the timer's own run time."""

    bib: str
    seconds: Decimal  # at the timer's full resolution
    raw: bytes  # the records it came from, joined by CR
    key: tuple[str, str, str]  # (bib, channel, time_of_day) of the record that completed it
    start: Reading | None = None  # the start it was paired with: given back if the finish is cleared
    seqs: tuple[int, ...] = ()  # the records (by arrival number) it came from
    finish: Reading | None = None  # the record that completed it


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """A cleared record withdrew a time already given out."""

    elapsed: Elapsed
    control: Control | None = None


@dataclass(frozen=True, slots=True)
class Unassigned:
    """A timer record without a valid bib: the judge assigns it (or dismisses it)."""

    reading: Reading
    seq: int = 0


@dataclass(frozen=True, slots=True)
class Unpaired:
    """A record that makes no time by itself: a finish without a start, a start replaced by a later
    start of the same bib. Listed for the judge, never dropped."""

    reading: Reading
    seq: int
    why: str  # "no_start" | "replaced_start"


Outcome = Elapsed | Withdrawn | Unassigned | Unpaired


def record_key(r: Reading) -> tuple[str, str, str]:
    return (r.bib, r.channel, r.time_of_day)


# Fates of a timer's records (TimerPairing.fate values).
SAVED, ASSIGNED, PENDING, WAITING, DISMISSED = "saved", "assigned", "pending", "waiting", "dismissed"
CANCELLED, CANCEL, DUPLICATE, CONTROL, UNUSED, FAULT = (
    "cancelled",
    "cancel",
    "duplicate",
    "control",
    "unused",
    "fault",
)


class TimerPairing:
    """Pairs a timer's start/finish records per bib. Pure: events in, outcomes out.

    `use_run_time`: take the timer's RT (run time) records instead of pairing C0/C1 (ALGE sends
    both; using both would give two times per run). `fate` says what became of every record fed
    (by arrival number, from 1): the accounting that proves nothing was dropped.
    """

    def __init__(self, use_run_time: bool = False):
        self.use_run_time = use_run_time
        self.starts: dict[str, tuple[int, Reading]] = {}  # bib → (seq, the start waiting for its finish)
        self.seen: set[tuple[str, str, str]] = set()
        self.seq_of: dict[tuple[str, str, str], int] = {}
        self.given: dict[tuple[str, str, str], Elapsed] = {}  # completing record → time given
        self.duplicates = 0
        self.count = 0  # events fed
        self.fate: dict[int, str] = {}

    def fates(self) -> Counter[str]:
        """How many records ended in each fate (sums to `count`)."""
        return Counter(self.fate.values())

    def feed(self, event: Event) -> list[Outcome]:
        self.count += 1
        seq = self.count
        if isinstance(event, Fault):
            self.fate[seq] = FAULT
            return []
        if isinstance(event, Control):
            if event.kind == "cancel" and event.cancels is not None:
                self.fate[seq] = CANCEL
                return self._cancel(event)
            self.fate[seq] = CONTROL
            return []
        return self._reading(event, seq)

    def _reading(self, r: Reading, seq: int) -> list[Outcome]:
        key = record_key(r)
        if key in self.seen and r.time_of_day:
            self.duplicates += 1  # the same record again (a re-send after reconnect)
            self.fate[seq] = DUPLICATE
            return []
        self.seen.add(key)
        self.seq_of[key] = seq
        if (r.kind in ("start", "finish") and not r.bib) or "no_bib" in r.flags:
            self.fate[seq] = PENDING
            return [Unassigned(r, seq)]
        if self.use_run_time:
            if r.kind == "run_time" and r.value is not None:
                return [self._give(r.bib, r.value, r.raw, key, None, (seq,), r)]
            self.fate[seq] = UNUSED
            return []
        if r.kind == "start":
            out: list[Outcome] = []
            old = self.starts.get(r.bib)
            if old is not None:  # a restart (false start?): the earlier one is listed, not lost
                self.fate[old[0]] = PENDING
                out.append(Unpaired(old[1], old[0], "replaced_start"))
            self.starts[r.bib] = (seq, r)
            self.fate[seq] = WAITING
            return out
        if r.kind == "finish" and r.value is not None:
            waiting = self.starts.pop(r.bib, None)
            if waiting is None:
                self.fate[seq] = PENDING
                return [Unpaired(r, seq, "no_start")]
            start_seq, start = waiting
            assert start.value is not None
            seconds = (r.value - start.value) % DAY  # a run across midnight
            return [self._give(r.bib, seconds, start.raw + b"\r" + r.raw, key, start, (start_seq, seq), r)]
        self.fate[seq] = UNUSED  # the timer's own run/total times, laps: shown, not scored twice
        return []

    def _give(
        self,
        bib: str,
        seconds: Decimal,
        raw: bytes,
        key: tuple[str, str, str],
        start: Reading | None,
        seqs: tuple[int, ...],
        finish: Reading,
    ) -> Elapsed:
        elapsed = Elapsed(bib, seconds, raw, key, start, seqs, finish)
        self.given[key] = elapsed
        for s in seqs:
            self.fate[s] = PENDING  # until the binding saves it
        return elapsed

    def _cancel(self, control: Control) -> list[Outcome]:
        gone = control.cancels
        assert gone is not None
        key = record_key(gone)
        self.seen.discard(key)
        start = self.starts.get(gone.bib)
        if start is not None and record_key(start[1]) == key:
            del self.starts[gone.bib]
            self.fate[start[0]] = CANCELLED
            return []
        elapsed = self.given.pop(key, None)
        if elapsed is not None:  # the completing record (finish / run time) was cleared
            for s in elapsed.seqs:
                self.fate[s] = CANCELLED
            if elapsed.start is not None and len(elapsed.seqs) == 2:
                start_seq = elapsed.seqs[0]
                if elapsed.bib not in self.starts:  # the start stands: a new finish pairs with it
                    self.starts[elapsed.bib] = (start_seq, elapsed.start)
                    self.fate[start_seq] = WAITING
            return [Withdrawn(elapsed, control)]
        for finish_key, given in list(self.given.items()):  # a start cleared after its run was timed
            if given.start is not None and record_key(given.start) == key:
                del self.given[finish_key]
                self.fate[given.seqs[0]] = CANCELLED
                assert given.finish is not None
                self.fate[given.seqs[1]] = PENDING
                return [Withdrawn(given, control), Unpaired(given.finish, given.seqs[1], "no_start")]
        seq = self.seq_of.get(key)
        if seq is not None and self.fate.get(seq) in (PENDING, UNUSED):  # e.g. a record without a bib
            self.fate[seq] = CANCELLED
        return []
