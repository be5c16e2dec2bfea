"""The transport over real ptys and TCP, against the simulator: readings arrive, unplugs are survived
without losing or repeating a reading, garbage is a fault and never a value, captures replay.

No fixed sleeps: every wait is on a condition with a timeout.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from scorer.devices.profiles import BUILTIN
from scorer.devices.protocols.base import Control, Event, Fault, Reading
from scorer.devices.simulator import SAMPLES, Simulator, wrong_baud
from scorer.devices.transport import PortState, Transport, replay

ROOT = Path(__file__).resolve().parents[2]
MITUTOYO = BUILTIN["mitutoyo"]
FAST = (0.002, 0.02)  # backoff for tests: 50 replugs in well under a second of waiting
SETTLE = 0.02  # quiet after opening before the first byte counts as a record's start (tests: short)
MODES = ["pty", "tcp"] if sys.platform.startswith("linux") else ["tcp"]


def record(i: int) -> bytes:
    """A distinct Mitutoyo record per i (values 20.000 … 29.999 mm)."""
    return f"01A+{20 + i / 1000:08.3f}".encode() + b"\r"


class Harness:
    """Collects what a transport reports (from its thread) and waits on it."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.events: list[Event] = []
        self.states: list[PortState] = []

    def on_event(self, event: Event) -> None:
        with self.cond:
            self.events.append(event)
            self.cond.notify_all()

    def on_state(self, state: PortState, detail: str) -> None:
        with self.cond:
            self.states.append(state)
            self.cond.notify_all()

    def wait(self, predicate: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
        with self.cond:
            assert self.cond.wait_for(predicate, timeout), f"timed out waiting for {what}"

    @property
    def readings(self) -> list[Reading]:
        return [e for e in self.events if isinstance(e, Reading)]

    @property
    def faults(self) -> list[Fault]:
        return [e for e in self.events if isinstance(e, Fault)]

    def count(self, state: PortState) -> int:
        return self.states.count(state)


@pytest.fixture(params=MODES)
def sim(request: pytest.FixtureRequest) -> Iterator[Simulator]:
    with Simulator(request.param) as s:
        yield s


@pytest.fixture
def harness() -> Harness:
    return Harness()


def open_transport(sim: Simulator, h: Harness, profile=MITUTOYO, **kw) -> Transport:
    kw.setdefault("settle", SETTLE)
    t = Transport(sim.path, profile, h.on_event, h.on_state, backoff=FAST, **kw)
    t.start()
    connected(sim, t, h, 1)
    return t


def connected(sim: Simulator, t: Transport, h: Harness, times: int) -> None:
    """Both ends agree: the transport has opened (and flushed) the port, the simulator sees it."""
    h.wait(lambda: h.count(PortState.CONNECTED) >= times, f"connection #{times}")
    assert sim.wait_connected(5.0), "the simulator never saw the port opened"


def read_up_to(t: Transport, count: int, timeout: float = 5.0) -> None:
    """Wait until the transport has read `count` bytes (no event says so: poll)."""
    deadline = time.monotonic() + timeout
    while t.received < count:
        assert time.monotonic() < deadline, f"the transport read {t.received} of {count} bytes"
        time.sleep(0.0005)


def test_readings_arrive(sim: Simulator, harness: Harness) -> None:
    t = open_transport(sim, harness)
    try:
        sim.send(record(1))
        sim.send(record(2)[:5])  # a record split across writes, as a USB adapter delivers it
        sim.send(record(2)[5:] + record(3))
        harness.wait(lambda: len(harness.readings) == 3, "3 readings")
    finally:
        t.stop()
    r = harness.readings
    assert [x.value for x in r] == [Decimal("20.001"), Decimal("20.002"), Decimal("20.003")]
    assert [x.raw for x in r] == [record(i)[:-1] for i in (1, 2, 3)]
    assert all(x.unit == "mm" for x in r)
    assert harness.faults == []
    assert harness.states == [PortState.CONNECTED, PortState.STOPPED]
    assert t.received == 3 * len(record(1))


def test_fifty_unplugs_lose_and_repeat_nothing(sim: Simulator, harness: Harness) -> None:
    """Each cycle: two whole records, then a record cut in the middle by an unplug; after the
    replug the device sends the interrupted record again, whole (as its memory would)."""
    t = open_transport(sim, harness)
    sent = 0
    n = 0
    halves: list[bytes] = []
    try:
        for cycle in range(50):
            for _ in range(2):
                assert sim.send(record(n)) is not None
                sent += len(record(n))
                n += 1
            cut = record(n)
            half = sim.partial(cut)
            halves.append(half)
            sent += len(half)
            # A pty's unread bytes die with it: wait until the line has been read, as a real device's
            # bytes would long have been, then pull the cable.
            read_up_to(t, sent)
            if cycle % 5 == 1:  # a pause longer than the 50 ms idle gap does not cut a CR record
                time.sleep(0.08)
                assert len(harness.faults) == cycle, "a pause cut a terminated record"
            sim.unplug()
            harness.wait(lambda c=cycle: harness.count(PortState.UNPLUGGED) == c + 1, "unplug detected")
            sim.replug()
            connected(sim, t, harness, cycle + 2)
            assert sim.send(cut) is not None
            sent += len(cut)
            n += 1
        harness.wait(lambda: len(harness.readings) == n, f"{n} readings")
    finally:
        t.stop()

    raws = Counter(r.raw for r in harness.readings)
    assert set(raws) == {record(i)[:-1] for i in range(n)}
    assert max(raws.values()) == 1, "a reading was duplicated"
    assert [f.raw for f in harness.faults] == halves  # each cut half is a fault, once
    assert all("incomplete" in f.en for f in harness.faults)
    assert not any(r.raw in halves for r in harness.readings)

    letters = {
        PortState.CONNECTED: "C",
        PortState.UNPLUGGED: "U",
        PortState.WAITING: "W",
        PortState.STOPPED: "S",
        PortState.GARBAGE: "G",
    }
    history = "".join(letters[s] for s in harness.states)
    assert re.fullmatch(r"C(UW?C){50}S", history), history


def test_garbage_is_a_fault_never_a_reading(sim: Simulator, harness: Harness) -> None:
    t = open_transport(sim, harness)
    try:
        sim.send(record(1))
        harness.wait(lambda: len(harness.readings) == 1, "a reading")
        sim.garbage(48)  # six unreadable records
        harness.wait(lambda: PortState.GARBAGE in harness.states, "the GARBAGE state")
        harness.wait(lambda: len(harness.faults) == 6, "a fault per garbage record")
        sim.noise(record(2), ratio=4.0)  # the port 4× too fast
        sim.noise(record(3) * 3, ratio=0.25)  # the port 4× too slow
        sim.send(b"\r")  # whatever the noise left buffered ends here
        harness.wait(lambda: len(harness.faults) > 6, "noise faults")
        assert len(harness.readings) == 1
        sim.send(record(4))
        harness.wait(lambda: len(harness.readings) == 2, "a good reading after the garbage")
        harness.wait(lambda: harness.states[-1] is PortState.CONNECTED, "back to connected")
    finally:
        t.stop()
    assert [r.raw for r in harness.readings] == [record(1)[:-1], record(4)[:-1]]
    assert len(harness.faults) >= 6
    assert {f.kind for f in harness.faults} <= {"garbage", "unrecognised", "too_long"}
    assert harness.states[:3] == [PortState.CONNECTED, PortState.GARBAGE, PortState.CONNECTED]


def test_wrong_baud_noise_is_never_a_record() -> None:
    """The resampled UART stream of real records is not a Mitutoyo record, at any ratio tried."""
    parser = MITUTOYO.make()
    stream = b"".join(record(i) for i in range(40))
    for ratio in (0.125, 0.25, 0.5, 2.0, 4.0, 8.0):
        noise = wrong_baud(stream, ratio)
        assert noise and noise != stream
        events = parser.feed(noise + b"\r", 0.0) + parser.flush(0.0)
        assert not any(isinstance(e, Reading) for e in events), ratio
    assert wrong_baud(stream, 1.0) == stream  # the right speed reads the records back


def test_capture_replays_to_the_same_bytes(tmp_path: Path, sim: Simulator, harness: Harness) -> None:
    capture = tmp_path / "line.capture"
    t = open_transport(sim, harness, capture=capture)
    chunks = [record(1), record(2)[:4], record(2)[4:], b"\x80\xfe junk\r", record(3)[:6]]
    try:
        for i, chunk in enumerate(chunks):
            sim.send(chunk)
            read_up_to(t, sum(map(len, chunks[: i + 1])))
        sim.unplug()
        sim.replug()
        connected(sim, t, harness, 2)
        sim.send(record(3))
        harness.wait(lambda: len(harness.readings) == 3, "3 readings")
    finally:
        t.stop()
    played = list(replay(capture))
    assert b"".join(data for _, data in played) == b"".join(chunks) + record(3)
    times = [when for when, _ in played]
    assert times == sorted(times) and abs(times[0] - time.time()) < 60
    text = capture.read_text(encoding="utf-8")
    assert " # CONNECTED " in text and " # UNPLUGGED " in text and text.rstrip().endswith("# STOPPED")

    # The capture played back through a fresh line gives the same events.
    again = Harness()
    with Simulator(sim.mode) as sim2:
        t2 = open_transport(sim2, again)
        try:
            assert sim2.replay(capture, speed=0) == len(played)
            again.wait(lambda: len(again.readings) == 3, "replayed readings")
        finally:
            t2.stop()
    assert [r.raw for r in again.readings] == [r.raw for r in harness.readings]


def test_ask_sends_the_request_and_the_answer_is_a_reading(harness: Harness) -> None:
    answers = {b"?": b"+12.345\r"}
    with Simulator(MODES[0], respond=answers.get) as sim:
        t = open_transport(sim, harness, profile=BUILTIN["sylvac"])
        try:
            assert t.ask() is True
            harness.wait(lambda: len(harness.readings) == 1, "the answer")
        finally:
            t.stop()
        assert bytes(sim.requests) == b"?\r"
    assert harness.readings[0].value == Decimal("12.345")


def test_query_device_is_asked_on_a_timer(harness: Harness) -> None:
    balance = dataclasses.replace(BUILTIN["mt-sics"], query_every=0.02)
    with Simulator("tcp", respond=lambda line: b"S S     100.00 g\r\n" if line == b"S" else None) as sim:
        t = open_transport(sim, harness, profile=balance)
        try:
            harness.wait(lambda: len(harness.readings) >= 3, "three timed readings")
        finally:
            t.stop()
        assert bytes(sim.requests).startswith(b"S\r\nS\r\nS\r\n")
    assert {r.value for r in harness.readings} == {Decimal("100.00")}


def test_push_device_has_nothing_to_ask(harness: Harness) -> None:
    with Simulator("tcp") as sim:
        t = open_transport(sim, harness)
        try:
            assert t.ask() is False
        finally:
            t.stop()
        assert bytes(sim.requests) == b""


def test_a_port_that_can_never_open_stops_with_a_message(harness: Harness) -> None:
    t = Transport("nosuch://device", MITUTOYO, harness.on_event, harness.on_state, backoff=FAST)
    t.start()
    harness.wait(lambda: PortState.STOPPED in harness.states, "STOPPED")
    t.stop()
    assert t.error is not None and "nosuch://device" in t.error.en and "nosuch://device" in t.error.zh
    assert harness.events == []


def test_a_missing_port_is_waited_for(tmp_path: Path, harness: Harness) -> None:
    t = Transport(str(tmp_path / "ttyUSB9"), MITUTOYO, harness.on_event, harness.on_state, backoff=FAST)
    t.start()
    try:
        harness.wait(lambda: PortState.WAITING in harness.states, "WAITING")
        assert t.state is PortState.WAITING and t.error is None
    finally:
        t.stop()
    assert t.state is PortState.STOPPED


def test_a_second_reader_of_one_port_is_refused(harness: Harness) -> None:
    """exclusive=True: another program (here a second transport) cannot read the same device."""
    with Simulator("pty") as sim:
        first = open_transport(sim, harness)
        second_states: list[tuple[PortState, str]] = []
        second = Transport(
            sim.path, MITUTOYO, lambda ev: None, lambda s, d: second_states.append((s, d)), backoff=FAST
        )
        second.start()
        try:
            deadline = time.monotonic() + 5
            while not second_states:
                assert time.monotonic() < deadline
                time.sleep(0.001)
            assert second_states[0][0] is PortState.WAITING and "占用" in second_states[0][1]
            sim.send(record(1))
            harness.wait(lambda: len(harness.readings) == 1, "the first reader's reading")
        finally:
            second.stop()
            first.stop()


def test_alge_race_day_dump_replays_through_a_pty(harness: Harness) -> None:
    dump = ROOT / "tests" / "data" / "captures" / "alge-tdc8001-race-day.dump"
    if not dump.exists():
        pytest.fail(f"capture missing: {dump}")
    lines = dump.read_text(encoding="latin-1").splitlines()  # 661 records, CR on the wire
    with Simulator(MODES[0]) as sim:
        t = open_transport(sim, harness, profile=BUILTIN["alge-timy"])
        try:
            assert sim.replay(lines, speed=0) == len(lines)
            harness.wait(lambda: len(harness.events) >= len(lines), "one event per record")
        finally:
            t.stop()
    assert len(harness.events) == len(lines) == 661  # every record classified, none lost or split
    assert [e.raw for e in harness.events] == [line.encode("latin-1") for line in lines]
    assert sum(isinstance(e, Reading) for e in harness.events) > 400
    assert sum(isinstance(e, Control) and e.kind == "bib_select" for e in harness.events) == 167


# ------------------------------------------------------------------ CLI


def scorer(*args: str) -> list[str]:
    return [sys.executable, "-m", "scorer.cli", "--lang", "en", *args]


def test_cli_device_list_runs() -> None:
    out = subprocess.run(scorer("device", "list"), capture_output=True, text=True, timeout=30, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "no serial ports found" in out.stdout or "VID:PID" in out.stdout


def test_cli_listen_prints_a_reading() -> None:
    with Simulator(MODES[0]) as sim:
        proc = subprocess.Popen(
            scorer("device", "listen", sim.path, "--profile", "mitutoyo", "--seconds", "10"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            assert proc.stdout is not None
            first = proc.stdout.readline()
            assert "state  connected" in first, first + (proc.stderr.read() if proc.stderr else "")
            assert sim.wait_connected(5)
            sim.send(b"01A+0024.010\r")
            line = proc.stdout.readline()
            assert re.search(r"reading  24\.010 mm .*\[01A\+0024\.010(\\r)?\]", line), line
        finally:
            proc.terminate()
            proc.wait(10)


def test_cli_simulate_serves_readings_over_tcp(harness: Harness) -> None:
    proc = subprocess.Popen(
        scorer(
            "device",
            "simulate",
            "--profile",
            "mitutoyo",
            "--tcp",
            "0",
            "--interval",
            "0.05",
            "--seconds",
            "20",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("socket://127.0.0.1:"), url
        t = Transport(url, MITUTOYO, harness.on_event, harness.on_state, backoff=FAST)
        t.start()
        try:
            harness.wait(lambda: len(harness.readings) >= 2, "simulated readings", timeout=10)
        finally:
            t.stop()
    finally:
        proc.terminate()
        proc.wait(10)
    samples = {s.encode() for s in SAMPLES["mitutoyo"]}
    assert all(r.raw in samples for r in harness.readings)


def test_query_device_answers_are_matched_and_unasked_readings_flagged(tmp_path):
    """A balance's answer to our request is a plain reading; one it sends unasked is flagged."""
    from scorer.devices.profiles import get

    events: list = []
    sim = Simulator("pty", respond=lambda line: b"S S     100.00 g\r\n" if line.strip() == b"S" else None)
    try:
        transport = Transport(sim.path, get("mt-sics"), events.append, backoff=(0.02, 0.2))
        transport.start()
        try:
            assert sim.wait_connected(5)
            deadline = time.monotonic() + 5
            while transport.state is not PortState.CONNECTED and time.monotonic() < deadline:
                time.sleep(0.01)
            assert transport.ask()
            deadline = time.monotonic() + 5
            while not any(isinstance(e, Reading) for e in events) and time.monotonic() < deadline:
                time.sleep(0.01)
            sim.send(b"S S     200.00 g\r\n")  # pushed without a request
            deadline = time.monotonic() + 5
            while sum(isinstance(e, Reading) for e in events) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            transport.stop()
    finally:
        sim.close()
    readings = [e for e in events if isinstance(e, Reading)]
    assert [str(r.value) for r in readings] == ["100.00", "200.00"]
    assert "unrequested" not in readings[0].flags and "unrequested" in readings[1].flags
