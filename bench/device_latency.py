"""Device → durable: how long a caliper's reading takes to become a committed mark.

    .venv/bin/python -m bench.device_latency [n]

What is timed, precisely: a simulator on a real pty sends Mitutoyo records paced as a 115200-baud
line would (one byte every 1/11520 s); the clock starts when the simulator has written a record's
last byte (CR) and stops in the consumer thread right after `Store.record_mark` has returned (the
row is COMMITted: WAL + synchronous=FULL). Inside the interval: the pty, the transport's reader
thread (select, read, parse), the hand-over through a queue.Queue, the store's validation and
commit. The Store lives in the consumer thread, as in the app (the transport thread never touches
it). Records go one at a time, the next after the previous mark is committed, as a judge's foot
switch would: this is latency, not throughput. The event: 2,000 contestants × 40 aspects
(bench/synth.py), judge J1, aspect A0 (a Ø24 tolerance measurement), contestant K{i:05d}.
"""

from __future__ import annotations

import dataclasses
import queue
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.figures import figure, percentile

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VALUES = ("0024.010", "0024.015", "0024.005", "0024.020", "0024.030", "0024.012", "0024.000", "0024.025")
WARMUP = 10  # first readings: untimed (page cache, first-use costs)


def bench_device_latency(n: int = 2000, details: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Time n device readings to committed marks; the p99 and median in ms (see module doc).

    `details`, if given, receives the split: last byte → Reading delivered by the transport, and
    Reading → mark committed (queue hand-over + store)."""
    from bench.synth import package as synth_package
    from scorer import package
    from scorer.devices.profiles import BUILTIN
    from scorer.devices.protocols.base import Event, Reading
    from scorer.devices.simulator import Simulator, bytes_per_second
    from scorer.devices.transport import PortState, Transport
    from scorer.store import Store

    if not WARMUP < n <= 2000:
        raise ValueError(f"n must be {WARMUP + 1}..2000: one mark per contestant of 2,000")
    work = Path(tempfile.mkdtemp(prefix="scorer-device-"))
    db = work / "device.scorer"
    with Store.create(db, "bench") as store:
        store.set_competition(package.from_data(synth_package(2000, 40), "device.json"), "bench")

    profile = dataclasses.replace(BUILTIN["mitutoyo"], baudrate=115200)
    events: queue.Queue[tuple[float, Event] | None] = queue.Queue()
    delivered: dict[int, float] = {}
    committed: dict[int, float] = {}
    done = threading.Condition()
    problems: list[str] = []
    ready = threading.Event()

    def consume() -> None:
        """The UI thread's part: the only thread that touches the Store."""
        try:
            store = Store.open(db)
        except Exception as exc:
            problems.append(f"cannot open the store: {exc}")
            ready.set()
            return
        ready.set()
        i = 0
        try:
            while (item := events.get()) is not None:
                at, event = item
                if not isinstance(event, Reading):
                    problems.append(f"unexpected event {event!r}")
                    continue
                store.record_mark(
                    judge="J1",
                    contestant=f"K{i:05d}",
                    aspect="A0",
                    value=str(event.value),
                    source="device:PTY",
                    raw=event.raw,
                )
                with done:
                    delivered[i] = at
                    committed[i] = time.perf_counter()
                    done.notify_all()
                i += 1
        except Exception as exc:
            problems.append(f"reading {i}: {exc}")
            with done:
                done.notify_all()
        finally:
            store.close()

    states: list[PortState] = []
    consumer = threading.Thread(target=consume, name="consumer", daemon=True)
    consumer.start()
    ready.wait(30)
    sent: dict[int, float] = {}
    try:
        with Simulator("pty", pace=bytes_per_second(profile)) as sim:
            transport = Transport(
                sim.path,
                profile,
                lambda ev: events.put((time.perf_counter(), ev)),
                lambda state, _detail: states.append(state),
                backoff=(0.005, 0.1),
            )
            transport.start()
            try:
                deadline = time.monotonic() + 10
                while transport.state is not PortState.CONNECTED or not sim.connected:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"the transport never connected: {states}")
                    time.sleep(0.001)
                for i in range(n):
                    stamp = sim.send(f"01A+{VALUES[i % len(VALUES)]}\r".encode())
                    if stamp is None:
                        raise RuntimeError(f"record {i} could not be sent: {states}")
                    sent[i] = stamp
                    with done:
                        if not done.wait_for(lambda i=i: i in committed or bool(problems), 10):
                            raise RuntimeError(f"record {i} never became a mark: {states}")
                    if problems:
                        raise RuntimeError("; ".join(problems))
            finally:
                transport.stop()
    finally:
        events.put(None)
        consumer.join(30)
        shutil.rmtree(work, ignore_errors=True)
    timed = range(WARMUP, n)
    total = [(committed[i] - sent[i]) * 1000 for i in timed]
    if details is not None:
        line = [(delivered[i] - sent[i]) * 1000 for i in timed]
        store_part = [(committed[i] - delivered[i]) * 1000 for i in timed]
        details.update(
            {
                "transport_median_ms": round(statistics.median(line), 4),
                "transport_p99_ms": round(percentile(line, 0.99), 4),
                "commit_median_ms": round(statistics.median(store_part), 4),
                "commit_p99_ms": round(percentile(store_part, 0.99), 4),
                "record_on_the_wire_ms": round(13 / bytes_per_second(profile) * 1000, 4),
            }
        )
    return {
        "device_latency_p99": figure(percentile(total, 0.99), "ms", None, 20.0),
        "device_latency_median": figure(statistics.median(total), "ms", None, None, "value"),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    details: dict[str, Any] = {}
    results = bench_device_latency(int(args[0]) if args else 2000, details)
    for name, e in results.items():
        target = f"target {e['target']} on {e['target_on']}" if e["target"] is not None else ""
        print(f"{name:32s} {e['value']:>10} {e['unit']:3s} {target}")
    for name, value in details.items():
        print(f"  {name:30s} {value:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
