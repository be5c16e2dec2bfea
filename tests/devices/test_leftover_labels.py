"""What a record left unfinished when a port goes away is called: the leftover of a wrong-speed
burst is noise (not "transmission cut?"), a port the judge closed was not unplugged, and only an
unplug says the connection was lost — through real pseudo-terminals."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from scorer.devices.profiles import BUILTIN
from scorer.devices.protocols.base import GARBAGE, Event, Fault
from scorer.devices.simulator import Simulator
from scorer.devices.transport import CLOSED, CUT, NOISE, Transport


@pytest.fixture
def line() -> Iterator[tuple[Simulator, Transport, list[Event]]]:
    sim = Simulator("pty")
    events: list[Event] = []
    transport = Transport(sim.path, BUILTIN["mitutoyo"], events.append)
    transport.start()
    assert sim.wait_connected()
    deadline = time.monotonic() + 5
    while not transport.synced:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    yield sim, transport, events
    transport.stop()
    sim.close()


def settle(transport: Transport, n: int) -> None:
    deadline = time.monotonic() + 5
    while transport.received < n:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(0.05)


def last_fault(events: list[Event]) -> Fault:
    faults = [e for e in events if isinstance(e, Fault)]
    assert faults
    return faults[-1]


def test_the_leftover_of_a_wrong_speed_burst_is_noise_not_a_cut_record(line):
    sim, transport, events = line
    sent = sum(len(sim.noise(b"01A+0024.010\r", 4.0)) for _ in range(3))
    sent += len(sim.noise(b"01A+0024", 4.0))  # the burst ends mid-record
    settle(transport, sent)
    transport.stop()
    leftover = last_fault(events)
    assert leftover.kind == GARBAGE and (leftover.zh, leftover.en) == NOISE
    assert "传输中断" not in leftover.zh and "连接中断" not in leftover.zh


def test_a_clean_record_cut_by_closing_the_port_says_closed(line):
    sim, transport, events = line
    sim.send(b"01A+00")
    settle(transport, 6)
    transport.stop()
    assert (last_fault(events).zh, last_fault(events).en) == CLOSED


def test_a_clean_record_cut_by_an_unplug_says_connection_lost(line):
    sim, transport, events = line
    sim.send(b"01A+00")
    settle(transport, 6)
    sim.unplug()
    deadline = time.monotonic() + 5
    while not any(isinstance(e, Fault) for e in events):
        assert time.monotonic() < deadline
        time.sleep(0.005)
    assert (last_fault(events).zh, last_fault(events).en) == CUT
