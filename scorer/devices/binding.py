"""From device readings to marks: a reading becomes a mark only when it is bound.

- Measuring instruments: a reading goes to the judge's focused cell (contestant, aspect); the judge
  confirms with Enter, or it saves at once when the profile says `auto_accept`. Unstable readings
  are refused unless the profile allows them, and so is a reading whose unit is not the aspect's
  (`check_unit`: a balance's grams never reach a millimetre cell).
- Timers: start and finish records are paired per bib into an elapsed time (or the timer's own run
  time is taken), kept at the aspect's precision (`values.timer_seconds`); a cleared record
  withdraws its reading and a mark already made from it is voided — a cleared finish gives its start
  back, so a new finish pairs with it. The bib is mapped to a contestant (by station number, 机位号,
  by default). A record seen twice (a reconnect that re-sends) is recognised and not counted twice.
- Nothing from a timer disappears unseen: every record has a fate (`TimerPairing.fate`), and every
  time that cannot be saved — no bib, a bib that matches nobody, a contestant already timed, a
  finish without a start, a start still waiting — is a `PendingTime` the judge assigns, corrects
  (with a reason) or dismisses (with a reason, logged as `device.dismiss`).

Every row written here — mark, correction, void, dismissal — carries the port (`source`
"device:<port>") and the raw record(s) that caused it.

A little over 500 lines: the pure timer pairing lives in pairing.py; what stays here is the glue to
a session (SessionPort), kept together so every device-caused row is written in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Protocol

from scorer.devices import show
from scorer.devices.pairing import (
    ASSIGNED,
    CANCEL,
    CANCELLED,
    CONTROL,
    DAY,
    DISMISSED,
    DUPLICATE,
    FAULT,
    PENDING,
    SAVED,
    UNUSED,
    WAITING,
    Elapsed,
    Outcome,
    TimerPairing,
    Unassigned,
    Unpaired,
    Withdrawn,
    record_key,
)
from scorer.devices.profiles import Profile
from scorer.devices.protocols.base import Event, Reading
from scorer.errors import MarkRefused, ScorerError
from scorer.model import Aspect, AspectType, Contestant, Judge, MeasurementRule, MeasureMode
from scorer.store import Store
from scorer.values import timer_seconds

# The pairing's names are re-exported: callers (the devices window, tests) import them from here.
__all__ = [
    "ASSIGNED",
    "CANCEL",
    "CANCELLED",
    "CONTROL",
    "DAY",
    "DISMISS",
    "DISMISSED",
    "DUPLICATE",
    "FAULT",
    "PENDING",
    "SAVED",
    "UNREQUESTED",
    "UNUSED",
    "WAITING",
    "Bound",
    "Done",
    "Elapsed",
    "Outcome",
    "PendingTime",
    "Saved",
    "SessionPort",
    "TimerBinding",
    "TimerPairing",
    "Unassigned",
    "Unpaired",
    "Withdrawn",
    "check_unit",
    "check_usable",
    "contestant_by_station",
    "device_source",
    "record_key",
    "save_to_cell",
    "value_text",
]

UNREQUESTED = "unrequested"  # flag the transport puts on a query device's reading nobody asked for

# Unit spellings devices send for the same unit (compared case-insensitively).
_UNIT_ALIASES = {"inch": "in", '"': "in", "mm.": "mm", "sec": "s", "secs": "s", "gram": "g", "grams": "g"}


class Saved(Protocol):
    """What a save produced (`scorer.session.Saved` is one): the log row and whose result changed."""

    @property
    def log_id(self) -> int: ...
    @property
    def event(self) -> str: ...
    @property
    def contestant(self) -> str: ...


class SessionPort(Protocol):
    """What a binding needs from the venue app, passed in by the caller: the judge's role-checked
    saving actions, the event's contestants and lock, and the store (competition, current marks,
    and the `device.dismiss` row). `scorer.session.Session` is one; the devices package sits below
    the session layer and does not import it."""

    @property
    def store(self) -> Store: ...
    @property
    def judge(self) -> Judge: ...
    def contestants(self, event: str) -> list[Contestant]: ...
    def is_locked(self, event: str) -> bool: ...
    def record(
        self, contestant: str, aspect: str, value: str, source: str = ..., raw: bytes | None = None
    ) -> Saved: ...
    def correct(
        self, replaces: int, value: str, reason: str, source: str = ..., raw: bytes | None = None
    ) -> Saved: ...
    def void(self, replaces: int, reason: str, source: str = ..., raw: bytes | None = None) -> Saved: ...


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


def _unit(text: str) -> str:
    t = text.strip().lower()
    return _UNIT_ALIASES.get(t, t)


def check_unit(unit: str, aspect: Aspect) -> None:
    """Refuse a reading whose unit is not the aspect's: the plausibility range alone would let a
    3 g weight into a 0–3 score or a mm cell. No conversion: the package declares no conversion,
    so 1 in is never silently made 25.4 mm. A reading without a unit cannot be checked and passes."""
    if not unit.strip():
        return
    rule = aspect.rule
    if aspect.type is AspectType.TIME:
        wanted = "s"
    elif isinstance(rule, MeasurementRule) and rule.mode not in (MeasureMode.GAUGE, MeasureMode.GRADE):
        wanted = rule.unit
    else:
        raise MarkRefused(
            f"读数单位为 {unit}，但 {aspect.code} 不是测量项，不接收仪器读数",
            f"the reading is in {unit}, but {aspect.code} is not a measurement: it takes no instrument readings",
        )
    if wanted and _unit(unit) != _unit(wanted):
        raise MarkRefused(
            f"读数单位 {unit} 与 {aspect.code} 的单位 {wanted} 不符：未写入（接错仪器？）",
            f"the reading is in {unit} but {aspect.code} is in {wanted}: not entered (wrong instrument?)",
        )


def save_to_cell(
    session: SessionPort, reading: Reading, profile: Profile, port: str, contestant: str, aspect: str
) -> Saved:
    """Record a reading as the mark of the focused cell (after the judge's Enter or auto-accept)."""
    check_usable(reading, profile)
    comp = session.store.competition
    event = next((c.event for c in comp.contestants if c.code == contestant), "") if comp else ""
    e = comp.event(event) if comp and event else None
    a = e.aspects().get(aspect) if e else None
    if a is not None:
        check_unit(reading.unit, a)
    return session.record(
        contestant, aspect, value_text(reading), source=device_source(port, reading.flags), raw=reading.raw
    )


def device_source(port: str, flags: tuple[str, ...] = ()) -> str:
    """The log's `source` for a device reading: "device:<port>", and " unrequested" when a query
    device sent it without being asked (its PRINT key), so the log tells the two apart."""
    return f"device:{port}" + (f" {UNREQUESTED}" if UNREQUESTED in flags else "")


def contestant_by_station(session: SessionPort, event: str) -> Callable[[str], str | None]:
    """Bib → contestant code through the drawn station number (机位号): bib "0007" = station 7."""
    stations: Mapping[str, str] = {
        c.station.lstrip("0"): c.code for c in session.contestants(event) if c.station
    }

    def lookup(bib: str) -> str | None:
        return stations.get(bib.lstrip("0"))

    return lookup


@dataclass(frozen=True, slots=True)
class PendingTime:
    """A timer's time (or record) that is not a mark yet, with why: the judge decides.

    kinds: "no_bib" (a record without a valid bib: assign it), "unknown_bib" (a time whose bib
    matches nobody: assign it), "timed" (the contestant already has a time: correct with a reason,
    assign elsewhere, or dismiss), "refused" (the store refused it: the reason says why),
    "no_start" (a finish without a start), "replaced_start" (a start followed by another start of
    the same bib), "waiting" (a start still waiting for its finish)."""

    id: int  # the arrival number of the record that put it here
    kind: str
    zh: str
    en: str
    reading: Reading
    elapsed: Elapsed | None = None
    contestant: str = ""

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True, slots=True)
class Done:
    """A row a timer caused: a mark, a correction, a void or a dismissal."""

    kind: str  # "mark" | "correct" | "void" | "dismiss"
    log_id: int
    event: str
    contestant: str  # "" for a dismissal of a time nobody had
    value: str = ""  # the canonical value saved ("" for a void or dismissal)
    reason: str = ""


Bound = Done | PendingTime
DISMISS = "device.dismiss"  # log kind: the judge set a timer's time or record aside, with a reason


class TimerBinding:
    """Turns a timer's outcomes into marks of one time aspect of one event."""

    def __init__(
        self,
        session: SessionPort,
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
        self.source = f"device:{port}"
        self.pairing = TimerPairing(use_run_time)
        self.contestant_of = contestant_of or contestant_by_station(session, event)
        self.marks: dict[tuple[str, str, str], int] = {}  # completing record → current mark log id
        self._pending: dict[int, PendingTime] = {}
        self.version = 0  # bumped whenever the pending list changes (the UI redraws only then)

    # -------------------------------------------------------------- the pending list

    @property
    def unassigned(self) -> list[Reading]:
        """Records without a valid bib still waiting for the judge (kept for older callers)."""
        return [p.reading for p in self._pending.values() if p.kind == "no_bib"]

    def pending(self) -> list[PendingTime]:
        """Every time the judge still has to decide on, oldest first, and each start still
        waiting for its finish (so a run whose finish never came is seen too)."""
        waiting = [
            PendingTime(
                seq,
                "waiting",
                f"起点 {show.describe(r)}：等待终点",
                f"start {show.describe(r)}: waiting for its finish",
                r,
            )
            for seq, r in self.pairing.starts.values()
        ]
        return sorted([*self._pending.values(), *waiting], key=lambda p: p.id)

    def _hold(self, item: PendingTime) -> PendingTime:
        self._pending[item.id] = item
        self.version += 1
        return item

    def _drop(self, item_id: int) -> PendingTime | None:
        item = self._pending.pop(item_id, None)
        if item is not None:
            self.version += 1
        return item

    def _find(self, item_id: int) -> PendingTime:
        item = self._pending.get(item_id) or next((p for p in self.pending() if p.id == item_id), None)
        if item is None:
            raise ScorerError("这条待处理记录已不存在", "this pending record is gone")
        return item

    # -------------------------------------------------------------- feeding

    def feed(self, event: Event) -> list[Bound]:
        """Bind one event: the rows it wrote (Done) and the times it put aside (PendingTime)."""
        before = len(self.pairing.starts), tuple(self.pairing.starts)
        out: list[Bound] = []
        for outcome in self.pairing.feed(event):
            out += self._outcome(outcome)
        if (len(self.pairing.starts), tuple(self.pairing.starts)) != before:
            self.version += 1
        return out

    def _outcome(self, outcome: Outcome) -> list[Bound]:
        if isinstance(outcome, Unassigned):
            r = outcome.reading
            return [
                self._hold(
                    PendingTime(
                        outcome.seq,
                        "no_bib",
                        f"{show.describe(r)}：没有有效号码，请分配给选手",
                        f"{show.describe(r)}: no valid bib; assign it to a contestant",
                        r,
                    )
                )
            ]
        if isinstance(outcome, Unpaired):
            r = outcome.reading
            zh, en = (
                ("终点没有对应的起点", "a finish without a start")
                if outcome.why == "no_start"
                else ("同一号码之后又有起点（重新出发？）", "the same bib started again later (a restart?)")
            )
            return [
                self._hold(
                    PendingTime(
                        outcome.seq, outcome.why, f"{show.describe(r)}：{zh}", f"{show.describe(r)}: {en}", r
                    )
                )
            ]
        if isinstance(outcome, Withdrawn):
            return self._withdraw(outcome)
        return self._place(outcome)

    def _withdraw(self, outcome: Withdrawn) -> list[Bound]:
        elapsed = outcome.elapsed
        for seq in elapsed.seqs:  # a time still pending goes with its record
            self._drop(seq)
        log_id = self.marks.pop(elapsed.key, None)
        if log_id is None:
            return []
        raw = outcome.control.raw if outcome.control is not None else elapsed.raw
        reason = "计时器清除了该记录 / the timer cleared this record"
        saved = self.session.void(log_id, reason, source=self.source, raw=raw)
        return [Done("void", saved.log_id, saved.event, saved.contestant, reason=reason)]

    def _place(self, elapsed: Elapsed, contestant: str | None = None, assigned: bool = False) -> list[Bound]:
        """Save a time for its bib's contestant, or put it in the pending list saying why."""
        finish_seq = elapsed.seqs[-1]
        reading = elapsed.finish
        assert reading is not None
        who = contestant or self.contestant_of(elapsed.bib)
        value = self._value(elapsed.seconds)
        shown = show.describe(reading)
        if who is None:
            return [
                self._hold(
                    PendingTime(
                        finish_seq,
                        "unknown_bib",
                        f"号码 {elapsed.bib} 对应不到本项目的选手（机位号）：用时 {value} 秒，请分配",
                        f"bib {elapsed.bib} matches no contestant of this event (station number): "
                        f"{value} s, assign it",
                        reading,
                        elapsed,
                    )
                )
            ]
        try:
            saved = self.session.record(who, self.aspect, value, source=self.source, raw=elapsed.raw)
        except ScorerError as exc:
            current = self._current(who)
            if current is not None and not self.session.is_locked(self.event):  # a lock says so itself
                zh = f"{who} 已有用时 {current[1]} 秒（记录 #{current[0]}）；计时器的 {value} 秒未保存：请更正（写明原因）或放弃"
                en = (
                    f"{who} already has {current[1]} s (log #{current[0]}); the timer's {value} s "
                    "was not saved: correct it (with a reason) or dismiss it"
                )
                return [
                    self._hold(
                        PendingTime(
                            finish_seq, "timed", f"{shown}：{zh}", f"{shown}: {en}", reading, elapsed, who
                        )
                    )
                ]
            return [
                self._hold(
                    PendingTime(
                        finish_seq,
                        "refused",
                        f"{shown}：{exc.zh}",
                        f"{shown}: {exc.en}",
                        reading,
                        elapsed,
                        who,
                    )
                )
            ]
        self._drop(finish_seq)
        self.marks[elapsed.key] = saved.log_id
        for seq in elapsed.seqs:
            self.pairing.fate[seq] = ASSIGNED if assigned else SAVED
        return [Done("mark", saved.log_id, saved.event, saved.contestant, value)]

    def _value(self, seconds: Decimal) -> str:
        comp = self.session.store.competition
        event = comp.event(self.event) if comp else None
        aspect = event.aspects().get(self.aspect) if event else None
        if aspect is None:
            return format(seconds, "f")
        return timer_seconds(aspect, seconds)

    def _current(self, contestant: str) -> tuple[int, str] | None:
        """The contestant's current mark of this aspect: (log id, value), or None."""
        for m in self.session.store.marks(self.event):
            if m.contestant == contestant and m.aspect == self.aspect:
                return m.log_id, m.value
        return None

    # -------------------------------------------------------------- the judge's decisions

    def assign(self, item: int | Reading, contestant: str) -> list[Bound]:
        """The judge gives a pending record or time to a contestant: a record without a valid bib
        takes the contestant's station as its bib (and pairs); a time is saved for them."""
        if isinstance(item, Reading):  # older callers pass the record itself
            found = next((p for p in self._pending.values() if p.reading == item), None)
            if found is None:
                raise ScorerError("这条待处理记录已不存在", "this pending record is gone")
            item = found.id
        pending = self._find(item)
        if contestant not in {c.code for c in self.session.contestants(self.event)}:
            raise MarkRefused(
                f"选手 {contestant} 不在项目 {self.event} 中",
                f"contestant {contestant} is not in event {self.event}",
            )
        if pending.kind == "no_bib":
            station = next(
                (c.station for c in self.session.contestants(self.event) if c.code == contestant), ""
            )
            if not station:
                raise MarkRefused(
                    f"选手 {contestant} 没有机位号，无法对应计时记录",
                    f"contestant {contestant} has no station number",
                )
            self._drop(pending.id)
            r = pending.reading
            flags = (*tuple(f for f in r.flags if f != "no_bib"), "assigned")
            self.pairing.seen.discard(record_key(r))
            self.pairing.fate[pending.id] = ASSIGNED
            out: list[Bound] = []
            for outcome in self.pairing._reading(replace(r, bib=station.zfill(4), flags=flags), pending.id):
                out += (
                    self._outcome(outcome)
                    if not isinstance(outcome, Elapsed)
                    else self._place(outcome, assigned=True)
                )
            self.version += 1
            return out
        if pending.elapsed is None and pending.kind == "waiting":
            raise MarkRefused(
                "这是一个等待终点的起点，还没有用时：终点到达后自动配对",
                "this start is waiting for its finish: it has no time to give yet",
            )
        if pending.elapsed is None:
            raise MarkRefused(
                "这条记录没有可用的用时（没有起点），只能放弃",
                "this record has no time to give (no start): dismiss it",
            )
        return self._place(pending.elapsed, contestant, assigned=True)

    def correct(self, item_id: int, reason: str) -> list[Bound]:
        """Replace the contestant's current time by the timer's pending one, with the judge's reason."""
        pending = self._find(item_id)
        if pending.kind != "timed" or pending.elapsed is None:
            raise MarkRefused(
                "只有“已有用时”的记录可以更正", "only a time for an already-timed contestant can be corrected"
            )
        if not reason.strip():
            raise MarkRefused("更正必须写明原因", "a correction needs a reason")
        current = self._current(pending.contestant)
        value = self._value(pending.elapsed.seconds)
        if current is None:  # voided meanwhile: a plain mark now
            return self._place(pending.elapsed, pending.contestant, assigned=True)
        saved = self.session.correct(
            current[0], value, reason.strip(), source=self.source, raw=pending.elapsed.raw
        )
        self._drop(pending.id)
        self.marks[pending.elapsed.key] = saved.log_id
        for seq in pending.elapsed.seqs:
            self.pairing.fate[seq] = ASSIGNED
        return [Done("correct", saved.log_id, saved.event, saved.contestant, value, reason.strip())]

    def dismiss(self, item_id: int, reason: str) -> Done:
        """Set a pending time or record aside, with a reason: logged (`device.dismiss`, with the
        raw record), so a time the judge chose not to use can always be found again."""
        pending = self._find(item_id)
        reason = reason.strip()
        if not reason:
            raise MarkRefused("放弃计时记录必须写明原因", "dismissing a timer record needs a reason")
        payload = {
            "event": self.event,
            "aspect": self.aspect,
            "bib": pending.reading.bib,
            "what": pending.kind,
            "reason": reason,
            "record": show.describe(pending.reading),
        }
        if pending.elapsed is not None:
            payload["value"] = self._value(pending.elapsed.seconds)
        if pending.contestant:
            payload["contestant"] = pending.contestant
        raw = pending.elapsed.raw if pending.elapsed is not None else pending.reading.raw
        log_id = self.session.store.append(DISMISS, payload, self.session.judge.code, self.source, raw)
        if pending.kind == "waiting":
            self.pairing.starts.pop(pending.reading.bib, None)
            self.version += 1
        self._drop(pending.id)
        seqs = pending.elapsed.seqs if pending.elapsed is not None else (pending.id,)
        for seq in seqs:
            self.pairing.fate[seq] = DISMISSED
        return Done("dismiss", log_id, self.event, pending.contestant, reason=reason)
