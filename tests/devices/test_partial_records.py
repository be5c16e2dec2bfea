"""A partial record is never a reading (field trial, timing desk): a port opened mid-record, a record
split by a slow adapter, a tail that looks like a value — through real pseudo-terminals, for every
built-in profile — and an unanswered request is reported when it times out, not at the next record.
"""

from __future__ import annotations

import dataclasses
import json
import time
from decimal import Decimal
from pathlib import Path

import pytest

from scorer.devices.profiles import BUILTIN, load_custom
from scorer.devices.protocols.base import (
    DISCARDED,
    TIMEOUT,
    UNRECOGNISED,
    UNSUPPORTED,
    Control,
    Event,
    Fault,
    Reading,
)
from scorer.devices.protocols.ohaus import Ohaus
from scorer.devices.protocols.sylvac import Sylvac
from scorer.devices.simulator import SAMPLES, Simulator, terminator
from scorer.devices.transport import PortState, Transport
from tests.devices.test_transport import FAST, SETTLE, Harness


def norm(event: Event) -> Event:
    """Without arrival time and the transport's own "unrequested" flag (nobody asked in these tests)."""
    if isinstance(event, Reading):
        flags = tuple(f for f in event.flags if f != "unrequested")
        return dataclasses.replace(event, received=0.0, flags=flags)
    return dataclasses.replace(event, received=0.0)


def wait_for(predicate, what: str, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.001)


# ------------------------------------------------------------------ the parsers alone


@pytest.mark.parametrize("tail", [b"345", b".345", b"2.345", b"12.345", b"45", b"5"])
def test_sylvac_tail_of_a_value_is_a_fault(tail: bytes) -> None:
    """`+12.345` read from its middle: no sign, so no value (was a plausible 345 or 0.345 mm)."""
    (event,) = Sylvac().feed(tail + b"\r", 1.0)
    assert isinstance(event, Fault) and event.kind == UNRECOGNISED and event.raw == tail


@pytest.mark.parametrize("tail", [b"92.21 g", b".21 g", b"2.21 g", b"  192.21 g", b"1 g ?"])
def test_ohaus_tail_of_a_value_is_a_fault(tail: bytes) -> None:
    """The weight is right-justified in a 9-12 character field: a tail is too narrow to be one."""
    (event,) = Ohaus().feed(tail + b"\r\n", 1.0)
    assert isinstance(event, Fault) and event.kind == UNRECOGNISED and event.raw == tail


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_no_tail_of_a_sample_record_reads_as_another_value(name: str) -> None:
    """Every proper tail of every sample record, terminated: a fault, or (an Ohaus tail that starts
    inside the weight field's padding) the very same value — never a different one."""
    profile = BUILTIN[name]
    end = terminator(profile)
    for record in (r.encode("latin-1") for r in SAMPLES[name]):
        (whole,) = profile.make().feed(record + end, 0.0)
        for start in range(1, len(record)):
            for event in profile.make().feed(record[start:] + end, 0.0):
                if isinstance(event, Reading):
                    assert isinstance(whole, Reading) and name == "ohaus", (record, start)
                    assert (event.value, event.unit) == (whole.value, whole.unit), (record, start)


# ------------------------------------------------------------------ through a pty


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_every_profile_whole_bytewise_split_and_mid_record(name: str) -> None:
    """The port opens mid-record (the tail is discarded and said so), then every sample record is
    written whole, byte by byte with a pause longer than the idle gap inside, and split mid-record:
    the events are exactly the whole records' events, three times over; no partial one is read."""
    profile = BUILTIN[name]
    end = terminator(profile)
    records = [r.encode("latin-1") for r in SAMPLES[name]]
    expected = [norm(e) for e in profile.make().feed(b"".join(r + end for r in records), 0.0)]
    assert expected and not any(isinstance(e, Fault) for e in expected)
    tail = records[-1][len(records[-1]) // 2 :]
    h = Harness()
    with Simulator("pty") as sim:
        # settle=30: only a terminator can put the transport in step, so the test does not race it
        t = Transport(sim.path, profile, h.on_event, h.on_state, backoff=FAST, settle=30.0)
        t.start()
        try:
            wait_for(lambda: t.opened and sim.connected, "the port opened")
            assert sim.send(tail + end) is not None  # the device was mid-record when the port opened
            h.wait(lambda: PortState.CONNECTED in h.states, "in step with the records")
            for record in records:  # whole
                sim.send(record + end)
            for record in records:  # byte by byte, a 80 ms pause (> the 50 ms idle gap) inside
                data = record + end
                for i in range(len(data)):
                    sim.send(data[i : i + 1])
                    if i == len(data) // 2:
                        time.sleep(0.08)
            for record in records:  # split mid-record
                data = record + end
                sim.send(data[: len(data) // 2])
                time.sleep(0.08)
                sim.send(data[len(data) // 2 :])
            h.wait(
                lambda: sum(not isinstance(e, Fault) for e in h.events) >= 3 * len(expected),
                "every record's events",
            )
        finally:
            t.stop()
    got = [norm(e) for e in h.events if not isinstance(e, Fault)]
    assert got == expected * 3
    assert [(f.kind, f.raw) for f in h.faults] == [(DISCARDED, tail)]
    assert "discarded" in h.faults[0].en and "丢弃" in h.faults[0].zh
    whole = {r for r in records}
    assert all(r.raw in whole for r in h.readings), "a reading made from part of a record"
    assert PortState.GARBAGE not in h.states


def test_a_quiet_line_loses_no_first_record() -> None:
    """Opened onto a silent line, the transport is in step after `settle`: the first record counts."""
    h = Harness()
    with Simulator("pty") as sim:
        t = Transport(sim.path, BUILTIN["sylvac"], h.on_event, h.on_state, backoff=FAST, settle=SETTLE)
        t.start()
        try:
            h.wait(lambda: PortState.CONNECTED in h.states, "connected after a quiet settle")
            assert t.synced
            sim.send(b"+12.345\r")
            h.wait(lambda: len(h.readings) == 1, "the first record")
        finally:
            t.stop()
    assert h.faults == [] and h.readings[0].value == Decimal("12.345")


def test_the_idle_gap_frames_only_idle_framed_devices(tmp_path: Path) -> None:
    """A venue's idle-framed timer: its record ends at its own gap (the JSON `gap`, here 0.3 s — a
    0.1 s pause inside does not cut it), while a CR device keeps a paused record whole (above)."""
    spec = tmp_path / "stopwatch.json"
    spec.write_text(
        json.dumps(
            {
                "name": "stopwatch-x",
                "pattern": r"\s*(?P<value>\d+\.\d+)\s*\((?P<channel>\w)\)",
                "framing": "idle",
                "gap": 0.3,
                "unit": "s",
                "kind": "timer",
            }
        ),
        encoding="utf-8",
    )
    h = Harness()
    with Simulator("pty") as sim:
        t = Transport(sim.path, load_custom(spec), h.on_event, h.on_state, backoff=FAST)
        t.start()
        try:
            h.wait(lambda: PortState.CONNECTED in h.states, "connected")
            sim.send(b"  11.")
            time.sleep(0.1)
            sim.send(b"53 (M)")
            h.wait(lambda: len(h.events) == 1, "the record, at the gap")
        finally:
            t.stop()
    (reading,) = h.events
    assert isinstance(reading, Reading) and reading.value == Decimal("11.53") and reading.channel == "M"


def test_an_unanswered_request_is_reported_when_it_times_out() -> None:
    """No record arrives after the request: the reader loop's timer reports it all the same."""
    h = Harness()
    with Simulator("pty") as sim:  # a Sylvac that never answers
        t = Transport(
            sim.path,
            BUILTIN["sylvac"],
            h.on_event,
            h.on_state,
            backoff=FAST,
            settle=SETTLE,
            query_timeout=0.2,
        )
        t.start()
        try:
            h.wait(lambda: PortState.CONNECTED in h.states, "connected")
            asked = time.monotonic()
            assert t.ask()
            h.wait(lambda: any(f.kind == TIMEOUT for f in h.faults), "the timeout", timeout=3.0)
            waited = time.monotonic() - asked
        finally:
            t.stop()
        assert bytes(sim.requests) == b"?\r"
    assert t.received == 0, "reported by a timer, not by a record"
    assert 0.2 <= waited < 2.0
    (f,) = h.faults
    assert f.raw == b"?\r" and "did not answer" in f.en and "没有回应" in f.zh


def test_unsupported_timer_records_are_not_garbage() -> None:
    """Timy3 speed records are valid ALGE records Scorer does not use: "unsupported record", and the
    port is not said to receive garbage (wrong speed?)."""
    h = Harness()
    kmh = b" 0035 kmh 21:46:36.3910 00\r"
    with Simulator("pty") as sim:
        t = Transport(sim.path, BUILTIN["alge-timy"], h.on_event, h.on_state, backoff=FAST, settle=SETTLE)
        t.start()
        try:
            h.wait(lambda: PortState.CONNECTED in h.states, "connected")
            sim.send(kmh * 5 + b" 0035 C1  21:47:01.2200 00\r")
            h.wait(lambda: len(h.events) == 6, "six events")
        finally:
            t.stop()
    assert [f.kind for f in h.faults] == [UNSUPPORTED] * 5
    assert all("unsupported record" in f.en and "不支持的记录" in f.zh for f in h.faults)
    assert PortState.GARBAGE not in h.states
    assert len(h.readings) == 1


def test_a_cancel_says_which_reading_it_withdraws() -> None:
    from scorer.devices import show
    from scorer.errors import language

    (cancel,) = BUILTIN["alge-timy"].make().feed(b"c0035 C0  21:46:36.3910 00\r", 0.0)
    assert isinstance(cancel, Control)
    text = show.cancelled(cancel)
    assert "C0" in text and "21:46:36.3910" in text and "0035" in text
    assert ("cancels" if language() == "en" else "撤销") in text


def test_timer_readings_show_clock_and_run_time() -> None:
    from scorer.devices import show

    alge = BUILTIN["alge-timy"].make()
    start, run = alge.feed(b" 0035 C0  21:46:36.3910 00\r 0035 RT  00:00:24.8290 00\r", 0.0)
    assert isinstance(start, Reading) and isinstance(run, Reading)
    assert show.value(start) == "21:46:36.3910"  # not 78396.3910 s
    assert show.value(run) == "0:24.829"
    (gate,) = BUILTIN["microgate"].make().feed(SAMPLES["microgate"][0].encode() + b"\n", 0.0)
    assert isinstance(gate, Reading) and show.value(gate) == "09:30:15.1234"
    stop = BUILTIN["text-timer"].make().feed(b"STOP 3723456\r\n", 0.0)[0]
    assert isinstance(stop, Reading) and show.value(stop) == "1:02:03.456"
    (mm,) = BUILTIN["mitutoyo"].make().feed(b"01A+0024.010\r", 0.0)
    assert isinstance(mm, Reading) and show.value(mm) == "24.010 mm"
