"""Readings become marks only when bound: to the focused cell, or by bib for timers."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from scorer.devices.binding import TimerBinding, TimerPairing, save_to_cell
from scorer.devices.profiles import BUILTIN
from scorer.devices.protocols.base import Control, Fault, Reading
from scorer.errors import MarkRefused
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
    """Bib 0001 = station 1 = C01: 09:00:00 → 11:32:30.5 is 9150.5 s, with both raw records."""
    binding = TimerBinding(session, "CNC", "B1.3", "/dev/ttyUSB1")
    assert binding.feed(timer("0001", "C0", "09:00:00.0000", "start")) == []
    [saved] = binding.feed(timer("0001", "C1", "11:32:30.5000", "finish"))
    row = store.get(saved.log_id)
    assert (row.payload["contestant"], row.payload["aspect"]) == ("C01", "B1.3")
    assert D(row.payload["value"]) == D("9150.5")
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
    assert pairing.feed(timer("0003", "C1", "10:00:00.0000", "finish")) == []  # no start any more


def test_no_bib_and_unknown_bib(session, store):
    binding = TimerBinding(session, "CNC", "B1.3", "p")
    binding.feed(timer("", "C1", "10:00:00.0000", "finish", ("no_bib",)))
    assert len(binding.unassigned) == 1
    binding.feed(timer("0099", "C0", "09:00:00.0000", "start"))
    with pytest.raises(MarkRefused, match="matches no contestant"):
        binding.feed(timer("0099", "C1", "10:00:00.0000", "finish"))
    assert store.marks() == []


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
    assert row.payload["contestant"] == "C01" and D(row.payload["value"]) == D("9150.5")
    assert binding.unassigned == []
    with pytest.raises(MarkRefused, match="no station"):
        binding.assign(orphan, "C99")
