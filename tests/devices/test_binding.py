"""Readings become marks only when bound: to the focused cell, or by bib for timers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal as D

import pytest

from scorer.devices.binding import (
    PendingTime,
    TimerBinding,
    TimerPairing,
    Unpaired,
    check_unit,
    save_to_cell,
)
from scorer.devices.profiles import BUILTIN
from scorer.devices.protocols.base import Control, Fault, Reading
from scorer.errors import MarkRefused
from scorer.model import Contestant
from scorer.session import Session


def clock(hms: str) -> D:
    h, m, s = hms.split(":")
    return D(h) * 3600 + D(m) * 60 + D(s)


def timer(bib: str, channel: str, hms: str, kind: str, flags: tuple[str, ...] = ()) -> Reading:
    raw = f" {bib} {channel:<3} {hms:>13} 00".encode()
    return Reading(
        clock(hms), "s", raw, 0.0, channel=channel, bib=bib, kind=kind, time_of_day=hms, flags=flags
    )


@pytest.fixture
def session(store):
    judge = next(j for j in store.competition.judges if j.code == "J1")
    return Session(store, judge)


def test_caliper_reading_goes_to_the_focused_cell(session, store):
    r = Reading(D("24.012"), "mm", b"01A+0024.012", 0.0)
    saved = save_to_cell(session, r, BUILTIN["mitutoyo"], "/dev/ttyUSB0", "C01", "A1.1")
    row = store.get(saved.log_id)
    assert row.payload["value"] == "24.012"
    assert row.source == "device:/dev/ttyUSB0" and row.raw == b"01A+0024.012"


def test_unstable_balance_reading_is_refused(session, store):
    r = Reading(D("24.01"), "g", b"S D     24.01 g", 0.0, stable=False)
    with pytest.raises(MarkRefused, match="not stable"):
        save_to_cell(session, r, BUILTIN["mt-sics"], "COM3", "C01", "A1.1")
    assert store.marks() == []


def test_start_finish_pairing_by_bib_makes_a_time_mark(session, store):
    """Bib 0001 = station 1 = C01: 09:00:00 → 11:32:30.5 is 9150.5 s, kept in whole seconds (the
    aspect declares no decimals; truncated like the timer's display) with both raw records."""
    binding = TimerBinding(session, "CNC", "B1.3", "/dev/ttyUSB1")
    assert binding.feed(timer("0001", "C0", "09:00:00.0000", "start")) == []
    [saved] = binding.feed(timer("0001", "C1", "11:32:30.5000", "finish"))
    row = store.get(saved.log_id)
    assert (row.payload["contestant"], row.payload["aspect"]) == ("C01", "B1.3")
    assert row.payload["value"] == "9150"
    assert row.raw.count(b"\r") == 1 and b"C0" in row.raw and b"C1" in row.raw
    assert row.source == "device:/dev/ttyUSB1"


def test_resent_record_is_not_counted_twice(session, store):
    binding = TimerBinding(session, "CNC", "B1.3", "p")
    binding.feed(timer("0002", "C0", "09:00:00.0000", "start"))
    finish = timer("0002", "C1", "11:00:00.0000", "finish")
    assert len(binding.feed(finish)) == 1
    assert binding.feed(finish) == []  # a reconnect re-sent it
    assert binding.pairing.duplicates == 1
    assert len(store.marks()) == 1


def test_cleared_finish_voids_its_mark(session, store):
    binding = TimerBinding(session, "CNC", "B1.3", "p")
    binding.feed(timer("0001", "C0", "09:00:00.0000", "start"))
    finish = timer("0001", "C1", "11:32:30.5000", "finish")
    binding.feed(finish)
    [voided] = binding.feed(Control("cancel", b"c0001 C1 ...", 0.0, cancels=finish))
    assert store.get(voided.log_id).kind == "mark.void"
    assert store.marks() == []


def test_cleared_start_is_forgotten():
    pairing = TimerPairing()
    start = timer("0003", "C0", "09:00:00.0000", "start")
    pairing.feed(start)
    assert pairing.feed(Control("cancel", b"c", 0.0, cancels=start)) == []
    [orphan] = pairing.feed(timer("0003", "C1", "10:00:00.0000", "finish"))  # no start any more
    assert isinstance(orphan, Unpaired) and orphan.why == "no_start"  # listed, not dropped


def test_no_bib_and_unknown_bib_wait_in_the_pending_list(session, store):
    binding = TimerBinding(session, "CNC", "B1.3", "p")
    binding.feed(timer("", "C1", "10:00:00.0000", "finish", ("no_bib",)))
    assert len(binding.unassigned) == 1
    binding.feed(timer("0099", "C0", "09:00:00.0000", "start"))
    [pending] = binding.feed(timer("0099", "C1", "10:00:00.0000", "finish"))
    assert isinstance(pending, PendingTime) and pending.kind == "unknown_bib"
    assert "matches no contestant" in pending.en and "3600" in pending.zh
    assert [p.kind for p in binding.pending()] == ["no_bib", "unknown_bib"]
    assert store.marks() == []
    [done] = binding.assign(pending.id, "C03")  # the judge knows whose time it is
    assert done.kind == "mark" and store.get(done.log_id).payload["contestant"] == "C03"
    assert [p.kind for p in binding.pending()] == ["no_bib"]


def test_run_time_records_and_faults():
    pairing = TimerPairing(use_run_time=True)
    rt = Reading(
        D("9150.5"),
        "s",
        b" 0001 RT  02:32:30.5    00",
        0.0,
        channel="RT",
        bib="0001",
        kind="run_time",
        time_of_day="02:32:30.5",
    )
    [elapsed] = pairing.feed(rt)
    assert elapsed.seconds == D("9150.5")
    assert pairing.feed(Fault("garbage", "x", "x", b"\xff", 0.0)) == []
    assert pairing.feed(timer("0001", "C1", "11:00:00.0000", "finish")) == []  # pairing off: RT only


def test_a_record_without_bib_can_be_assigned_by_the_judge(session, store):
    """The finish came without a valid bib: the judge gives it to C01 (station 1) and it pairs."""
    binding = TimerBinding(session, "CNC", "B1.3", "p")
    binding.feed(timer("0001", "C0", "09:00:00.0000", "start"))
    binding.feed(timer("", "C1", "11:32:30.5000", "finish", ("no_bib",)))
    [orphan] = binding.unassigned
    [saved] = binding.assign(orphan, "C01")
    row = store.get(saved.log_id)
    assert row.payload["contestant"] == "C01" and row.payload["value"] == "9150"
    assert binding.unassigned == []
    binding.feed(timer("", "C1", "11:40:00.0000", "finish", ("no_bib",)))
    [other] = binding.pending()
    with pytest.raises(MarkRefused, match="not in event"):
        binding.assign(other.id, "C99")


def cancel(r: Reading) -> Control:
    return Control("cancel", b"c" + r.raw[1:], 0.0, cancels=r)


def test_a_new_finish_after_a_cleared_one_pairs_with_the_same_start(session, store):
    """Start 08:00:00, finish 10:20:13.5 saved; the timer clears the finish (the mark is voided,
    by the device, with the clearing record); a new finish 10:21:00 pairs with the start."""
    binding = TimerBinding(session, "CNC", "B1.3", "/dev/ttyUSB1")
    binding.feed(timer("0001", "C0", "08:00:00.0000", "start"))
    finish = timer("0001", "C1", "10:20:13.5000", "finish")
    [first] = binding.feed(finish)
    assert first.kind == "mark" and store.get(first.log_id).payload["value"] == "8413"
    [void] = binding.feed(cancel(finish))
    row = store.get(void.log_id)
    assert void.kind == "void" and row.kind == "mark.void"
    assert row.source == "device:/dev/ttyUSB1" and row.raw == b"c" + finish.raw[1:]
    assert [p.kind for p in binding.pending()] == ["waiting"]  # the start stands
    [again] = binding.feed(timer("0001", "C1", "10:21:00.0000", "finish"))
    assert again.kind == "mark" and store.get(again.log_id).payload["value"] == "8460"
    assert [(m.contestant, m.value) for m in store.marks()] == [("C01", "8460")]
    assert binding.pending() == []


def test_a_contestant_already_timed_is_pending_then_corrected_by_the_device(session, store):
    binding = TimerBinding(session, "CNC", "B1.3", "COM4")
    binding.feed(timer("0002", "C0", "08:00:00.0000", "start"))
    [first] = binding.feed(timer("0002", "C1", "10:00:00.0000", "finish"))
    binding.feed(timer("0002", "C0", "10:05:00.0000", "start"))  # a second run
    [pending] = binding.feed(timer("0002", "C1", "11:00:00.0000", "finish"))
    assert isinstance(pending, PendingTime) and pending.kind == "timed" and pending.contestant == "C02"
    assert "已有用时 7200" in pending.zh and "correct it" in pending.en
    with pytest.raises(MarkRefused, match="reason"):
        binding.correct(pending.id, "  ")
    [done] = binding.correct(pending.id, "第一次计时起点按错")
    row = store.get(done.log_id)
    assert row.kind == "mark.correct" and row.payload["replaces"] == first.log_id
    assert row.payload["value"] == "3300" and row.source == "device:COM4"
    assert b"10:05:00" in row.raw and b"11:00:00" in row.raw
    assert binding.pending() == []


def test_dismissing_a_pending_time_needs_a_reason_and_is_logged(session, store):
    binding = TimerBinding(session, "CNC", "B1.3", "COM4")
    binding.feed(timer("0072", "C0", "08:00:00.0000", "start"))
    [pending] = binding.feed(timer("0072", "C1", "09:00:00.0000", "finish"))
    with pytest.raises(MarkRefused, match="reason"):
        binding.dismiss(pending.id, "")
    done = binding.dismiss(pending.id, "号码 72 是试跑")
    [row] = store.log(("device.dismiss",))
    assert row.id == done.log_id and row.source == "device:COM4" and row.actor == "J1"
    assert row.payload["reason"] == "号码 72 是试跑" and row.payload["what"] == "unknown_bib"
    assert row.payload["value"] == "3600" and b"0072 C1" in row.raw
    assert binding.pending() == [] and store.marks() == []


def test_a_finish_without_a_start_and_a_restart_are_listed_not_dropped(session):
    binding = TimerBinding(session, "CNC", "B1.3", "p")
    [orphan] = binding.feed(timer("0003", "C1", "10:00:00.0000", "finish"))
    assert orphan.kind == "no_start"
    binding.feed(timer("0003", "C0", "10:01:00.0000", "start"))
    [replaced] = binding.feed(timer("0003", "C0", "10:02:00.0000", "start"))
    assert replaced.kind == "replaced_start"
    assert [p.kind for p in binding.pending()] == ["no_start", "replaced_start", "waiting"]
    with pytest.raises(MarkRefused, match="no time"):
        binding.assign(orphan.id, "C03")
    fates = binding.pairing.fates()
    assert sum(fates.values()) == binding.pairing.count == 3


def test_a_start_cleared_after_its_run_was_timed_voids_the_time(session, store):
    binding = TimerBinding(session, "CNC", "B1.3", "p")
    start = timer("0001", "C0", "08:00:00.0000", "start")
    binding.feed(start)
    binding.feed(timer("0001", "C1", "09:00:00.0000", "finish"))
    out = binding.feed(cancel(start))
    assert [getattr(o, "kind", None) for o in out] == ["void", "no_start"]
    assert store.marks() == []


def test_units_must_match_the_aspect():
    from scorer import package
    from tests.conftest import MINI

    event = package.load(MINI).event("CNC")
    assert event is not None
    aspects = event.aspects()
    check_unit("mm", aspects["A1.1"])
    check_unit("", aspects["A1.1"])  # no unit sent: nothing to check
    check_unit("s", aspects["B1.3"])
    with pytest.raises(MarkRefused, match=r"in g but A1\.1 is in mm"):
        check_unit("g", aspects["A1.1"])
    with pytest.raises(MarkRefused, match="not a measurement"):
        check_unit("g", aspects["B1.1"])  # a 0–3 judgement never takes 3 g
    with pytest.raises(MarkRefused, match="not a measurement"):
        check_unit("mm", aspects["A1.3"])  # a gauge: pass/fail


def test_save_to_cell_refuses_another_unit_and_marks_unrequested(session, store):
    grams = Reading(D("24.01"), "g", b"     24.01 g", 0.0)
    with pytest.raises(MarkRefused, match="in g"):
        save_to_cell(session, grams, BUILTIN["ohaus"], "COM5", "C01", "A1.1")
    unasked = Reading(D("24.010"), "mm", b"+24.010", 0.0, flags=("unrequested",))
    saved = save_to_cell(session, unasked, BUILTIN["sylvac"], "COM5", "C01", "A1.1")
    assert store.get(saved.log_id).source == "device:COM5 unrequested"


def test_the_binding_takes_any_session_port(store):
    """The devices package does not import scorer.session: the caller passes an object with the
    session's actions (binding.SessionPort). Here a stand-in that only records what it was asked."""

    @dataclass(frozen=True)
    class Row:
        log_id: int
        event: str
        contestant: str

    class Port:
        def __init__(self) -> None:
            self.store = store
            self.judge = next(j for j in store.competition.judges if j.code == "J1")
            self.calls: list[tuple[object, ...]] = []

        def contestants(self, event: str) -> list[Contestant]:
            return [c for c in store.competition.contestants if c.event == event]

        def is_locked(self, event: str) -> bool:
            return False

        def record(self, contestant, aspect, value, source="keyboard", raw=None) -> Row:
            self.calls.append(("record", contestant, aspect, value, source, raw))
            return Row(len(self.calls), "CNC", contestant)

        def correct(self, replaces, value, reason, source="keyboard", raw=None) -> Row:
            raise AssertionError("not expected")

        def void(self, replaces, reason, source="keyboard", raw=None) -> Row:
            raise AssertionError("not expected")

    port = Port()
    binding = TimerBinding(port, "CNC", "B1.3", "COM4")
    binding.feed(timer("0001", "C0", "08:00:00.00", "start"))
    [done] = binding.feed(timer("0001", "C1", "08:02:05.50", "finish"))
    assert done.kind == "mark" and done.log_id == 1
    assert port.calls[0][:5] == ("record", "C01", "B1.3", "125", "device:COM4")  # at the aspect's precision
    r = Reading(D("24.010"), "mm", b"+24.010", 0.0)
    save_to_cell(port, r, BUILTIN["mitutoyo"], "COM3", "C01", "A1.1")
    assert port.calls[1][:5] == ("record", "C01", "A1.1", "24.010", "device:COM3")
