"""A device simulator on a real pty or a TCP socket: what the transport is tested against, and what
a venue can use to rehearse without the instruments.

The pty mode gives a real tty (``os.openpty``, raw on both ends) behind a stable path: a symlink in
a temp folder pointing at the current ``/dev/pts/N`` — like a udev ``by-id`` name — because each
replug makes a new pty with a new number. Unplug closes the master, so the reader gets the same
EIO / "returned no data" error a pulled USB adapter gives, and the symlink disappears until replug.
The TCP mode listens on ``socket://127.0.0.1:PORT``; unplug closes the connection *and* the
listening socket (connection refused, as for a missing port), replug listens again on the same port.

Faults to inject: `garbage()`, `partial()` (a record cut short), `noise()` (what a wrong baud
rate really makes of a record, by resampling its UART bit stream), `unplug()`/`replug()`, and
`replay()` of a capture file at its original pace or faster.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import select
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from scorer.devices.profiles import Profile
from scorer.errors import ScorerError

# Records each built-in profile's device sends (without terminator), for `scorer device simulate`.
SAMPLES: dict[str, tuple[str, ...]] = {
    "mitutoyo": ("01A+0024.010", "01A+0023.995", "01A+0024.021", "01A+0024.003"),
    "alge-timy": (
        "n0035",
        " 0035 C0  21:46:36.3910 00",
        " 0035 C1  21:47:01.2200 00",
        " 0035 RT  00:00:24.8290 00",
    ),
    "sylvac": ("+12.345", "+12.350", "-0.005"),
    "mt-sics": ("S S     100.00 g", "S S     100.02 g", "S D      99.98 g"),
    "and-gx": ("ST,+00123.45  g", "US,+00123.40  g"),
    "ohaus": ("     192.21 g", "       0.01 g ?"),
    "text-timer": ("START", "INT 12345", "STOP 23456"),
}
SAMPLES["alge-timy-38400"] = SAMPLES["alge-timy"]
# Microgate extended records (type 0x10): bib 00035, group 001, start (000) and finish (255).
SAMPLES["microgate"] = tuple(
    "\x10" + "00000000001" + "00035" + "001" + "000000" + channel + "0" + time + "0000"
    for channel, time in (("000", "0930151234"), ("255", "0931020050"))
)

REOPEN_PAUSE = 0.25  # after a replug: longer than the reader's settle time (transport.SETTLE)
_CAPTURE_LINE = re.compile(r"^\d+(\.\d+)? [<>#]( |$)")


def samples(profile: Profile) -> tuple[str, ...]:
    """Typical records for a profile, or a ScorerError if there are none (give --records)."""
    if profile.name in SAMPLES:
        return SAMPLES[profile.name]
    raise ScorerError(
        f"没有“{profile.name}”的示例记录：请用 --records 文件给出（每行一条）",
        f"no sample records for '{profile.name}': give them with --records FILE (one per line)",
    )


# What ends a record on the wire (DEVICES.md); parsers accept more (a stray LF), so they cannot tell.
TERMINATORS: dict[str, bytes] = {
    "alge": b"\r",
    "mitutoyo": b"\r",
    "sylvac": b"\r",
    "mtsics": b"\r\n",
    "andgx": b"\r\n",
    "ohaus": b"\r\n",
    "texttimer": b"\r\n",
    "microgate": b"\n",
}


def terminator(profile: Profile) -> bytes:
    """What ends a record on the wire for this profile (CR, CR LF, LF, or nothing: idle-framed)."""
    module = profile.protocol.split(":")[0]
    if module in TERMINATORS:
        return TERMINATORS[module]
    ends = bytes(getattr(profile.make(), "terminators", b"\r"))
    return ends[:1]


def bytes_per_second(profile: Profile) -> float:
    """A UART's byte rate: start bit + data bits + parity + stop bits per byte."""
    bits = 1 + profile.bytesize + (0 if profile.parity == "N" else 1) + profile.stopbits
    return profile.baudrate / bits


def wrong_baud(data: bytes, ratio: float, bytesize: int = 8) -> bytes:
    """What a receiver running `ratio` × the sender's baud rate reads from `data` (8N1 sender).

    The sender's bit stream is sampled at the receiver's bit centres after each falling edge, as a
    UART does; a byte whose stop bit reads low is a framing error, which Linux delivers as NUL."""
    bits: list[int] = []
    for byte in data:
        bits += [0] + [(byte >> k) & 1 for k in range(8)] + [1]
    period = 1.0 / ratio  # one receiver bit, in sender bits

    def level(t: float) -> int:
        i = int(t)
        return bits[i] if 0 <= i < len(bits) else 1

    out = bytearray()
    t = 0.0
    while t < len(bits):
        i = int(t)
        while i < len(bits) and bits[i] == 1:
            i += 1
        if i >= len(bits):
            break
        start = max(float(i), t)
        value = sum(level(start + (1.5 + k) * period) << k for k in range(bytesize))
        stop = start + (1.5 + bytesize) * period
        out.append(value if level(stop) == 1 else 0)
        t = stop + period / 2
    return bytes(out)


def _wait_until(due: float) -> None:
    """Sleep, then spin for the last stretch: a byte at 115200 baud lasts 87 µs, less than a sleep's slack."""
    left = due - time.perf_counter()
    if left > 0.002:
        time.sleep(left - 0.001)
    while time.perf_counter() < due:
        pass


class Simulator:
    """A simulated device on a pty (`mode="pty"`) or TCP (`mode="tcp"`); see the module doc.

    `pace`: bytes per second to send at (e.g. `bytes_per_second(profile)`), None for as fast as the
    line takes them. `respond(line)` is called with each line the transport sends (a request,
    terminator stripped) and may return bytes to answer with. Everything the transport sent is in
    `requests`.
    """

    def __init__(
        self,
        mode: str = "pty",
        port: int = 0,
        *,
        pace: float | None = None,
        respond: Callable[[bytes], bytes | None] | None = None,
        seed: int = 0,
    ) -> None:
        if mode not in ("pty", "tcp"):
            raise ValueError(f"mode must be 'pty' or 'tcp', not {mode!r}")
        if mode == "pty" and sys.platform.startswith("win"):
            raise ScorerError(
                "Windows 没有伪终端（pty）：请用 --tcp", "Windows has no pseudo-terminals (pty): use --tcp"
            )
        self.mode = mode
        self.pace = pace
        self.respond = respond
        self.requests = bytearray()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()  # one writer at a time; guards the fds
        self._received = threading.Condition()
        self._plugged = False
        self._closed = False
        self._serve_stop = threading.Event()
        self._server: threading.Thread | None = None
        self._master: int | None = None
        self._listener: socket.socket | None = None
        self._client: socket.socket | None = None
        self._port = port
        self._dir = Path(tempfile.mkdtemp(prefix="scorer-sim-"))
        self._link = self._dir / "ttySIM0"
        self.replug()

    # ------------------------------------------------------------ where to connect

    @property
    def path(self) -> str:
        """What the transport opens: the stable symlink (pty) or the socket:// URL (TCP)."""
        if self.mode == "pty":
            return str(self._link)
        return f"socket://127.0.0.1:{self._port}"

    url = path

    @property
    def connected(self) -> bool:
        """Someone has the port open now (the pty's slave side, or a TCP client)."""
        with self._lock:
            return self._is_connected()

    def _is_connected(self) -> bool:
        if self.mode == "tcp":
            return self._client is not None
        if self._master is None:
            return False
        poller = select.poll()
        poller.register(self._master, select.POLLHUP)
        return not any(ev & select.POLLHUP for _, ev in poller.poll(0))  # hang-up: no slave open

    def wait_connected(self, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while not self.connected:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.001)
        return True

    def wait_requests(self, predicate: Callable[[bytes], bool], timeout: float = 5.0) -> bool:
        """Wait until what the transport has sent satisfies `predicate`."""
        with self._received:
            return self._received.wait_for(lambda: predicate(bytes(self.requests)), timeout)

    # ------------------------------------------------------------ plugging

    def replug(self) -> None:
        """The device comes back: a new pty (new /dev/pts/N, same symlink) or a listening socket."""
        with self._lock:
            if self._plugged or self._closed:
                return
            if self.mode == "pty":
                self._plug_pty()
            else:
                self._plug_tcp()
            self._plugged = True
            self._serve_stop = threading.Event()
            self._server = threading.Thread(
                target=self._serve, args=(self._serve_stop,), name=f"simulator {self.path}", daemon=True
            )
            self._server.start()

    def unplug(self) -> None:
        """The cable is pulled: the reader gets EIO / EOF, bytes in flight are lost, the port is gone."""
        with self._lock:
            if not self._plugged:
                return
            self._plugged = False
            self._serve_stop.set()
            server = self._server
        if server is not None:
            server.join()
        with self._lock:
            if self._master is not None:
                with contextlib.suppress(FileNotFoundError):
                    self._link.unlink()
                os.close(self._master)
                self._master = None
            for sock in (self._listener, self._client):  # refuse new connections first
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
            self._client = self._listener = None

    def close(self) -> None:
        self.unplug()
        self._closed = True
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _plug_pty(self) -> None:
        import tty

        master, slave = os.openpty()
        tty.setraw(master)
        tty.setraw(slave)
        name = os.ttyname(slave)
        # Our own slave fd is closed so that the master reports a hang-up until someone opens the
        # port: that is how `connected` is known, and no write is flushed by the opener.
        os.close(slave)
        self._master = master
        tmp = self._dir / "ttySIM0.new"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(name, tmp)
        os.replace(tmp, self._link)

    def _plug_tcp(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self._port))
        listener.listen(1)
        listener.settimeout(0.01)
        self._port = listener.getsockname()[1]
        self._listener = listener

    # ------------------------------------------------------------ the serving thread

    def _serve(self, stop: threading.Event) -> None:
        if self.mode == "pty":
            self._serve_pty(stop)
        else:
            self._serve_tcp(stop)

    def _serve_pty(self, stop: threading.Event) -> None:
        master = self._master
        assert master is not None
        poller = select.poll()
        poller.register(master, select.POLLIN | select.POLLHUP)
        while not stop.is_set():
            events = poller.poll(10)
            if any(ev & select.POLLHUP for _, ev in events):
                stop.wait(0.002)  # a hung-up master (nobody has the port open) polls ready at once
                continue
            if any(ev & select.POLLIN for _, ev in events):
                try:
                    data = os.read(master, 4096)
                except OSError:
                    continue
                self._incoming(data)

    def _serve_tcp(self, stop: threading.Event) -> None:
        listener = self._listener
        assert listener is not None
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            client.settimeout(0.01)
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._client = client
            while not stop.is_set():
                try:
                    data = client.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    data = b""
                if not data:  # the transport closed its end: wait for the next one
                    with self._lock:
                        if self._client is client:
                            self._client = None
                    client.close()
                    break
                self._incoming(data)

    def _incoming(self, data: bytes) -> None:
        with self._received:
            start = len(self.requests)
            self.requests += data
            self._received.notify_all()
        if self.respond is None:
            return
        pending = bytes(self.requests[self._line_start(start) :])
        for line in re.split(rb"[\r\n]", pending)[:-1]:
            if line:
                reply = self.respond(line)
                if reply:
                    self.send(reply)

    def _line_start(self, before: int) -> int:
        """Where the first line not yet answered begins (lines end with CR or LF)."""
        text = bytes(self.requests[:before])
        cut = max(text.rfind(b"\r"), text.rfind(b"\n"))
        return cut + 1

    # ------------------------------------------------------------ sending

    def send(self, data: bytes) -> float | None:
        """Write `data` (at `pace` if set); the perf_counter time the last byte was written, or None
        when nobody has the port open (a pushing device's record is then lost, as on a real line)."""
        with self._lock:
            if not self._is_connected():
                return None
            try:
                if self.pace is None:
                    self._write(data)
                else:
                    step = 1.0 / self.pace
                    due = time.perf_counter()
                    for i in range(len(data)):
                        _wait_until(due)
                        self._write(data[i : i + 1])
                        due += step
            except OSError:
                return None
            return time.perf_counter()

    def _write(self, data: bytes) -> None:
        if self.mode == "pty":
            assert self._master is not None
            view = memoryview(data)
            while view:
                n = os.write(self._master, view)
                view = view[n:]
        else:
            if self._client is None:
                raise OSError("no client")
            self._client.sendall(data)

    def garbage(self, n: int = 24) -> bytes:
        """`n` bytes no protocol reads as a value (no digits or letters), CR every 8 bytes."""
        junk = bytes(range(0x21, 0x30)) + bytes(range(0x3A, 0x41)) + bytes(range(0x80, 0x100))
        out = bytearray()
        for i in range(n):
            out.append(0x0D if i % 8 == 7 else self._rng.choice(junk))
        data = bytes(out)
        self.send(data)
        return data

    def partial(self, record: bytes) -> bytes:
        """The first half of `record`: the device was cut off mid-record."""
        data = record[: max(1, len(record) // 2)]
        self.send(data)
        return data

    def noise(self, record: bytes = b"01A+0024.010\r", ratio: float = 4.0) -> bytes:
        """`record` as a port set `ratio` × too fast (or too slow, ratio < 1) would read it."""
        data = wrong_baud(record, ratio)
        self.send(data)
        return data

    def replay(
        self,
        source: str | Path | Iterable[str],
        speed: float = 1.0,
        gap: float = 0.1,
        end: bytes = b"\r",
        stop: threading.Event | None = None,
        cut_pause: float = 0.1,
    ) -> int:
        """Send a capture file's received chunks at their original pace ÷ `speed` (0: at once), or
        plain lines (one record per line, e.g. a timer's .dump) with `end` after each, `gap` ÷
        `speed` seconds apart. Where the capture says the port was unplugged, the device is unplugged
        for `cut_pause` s and plugged back in, whatever the speed, so a cut record is ended by the
        unplug as it was (a pause no longer ends a terminated record); the replay goes on once the
        port is open again and the reader has had `REOPEN_PAUSE` s to see a quiet line. Returns the
        number of chunks sent."""
        if isinstance(source, str | Path):
            try:
                lines = Path(source).read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError as exc:
                raise ScorerError(
                    f"无法读取 {source}：{exc.strerror}", f"cannot read {source}: {exc.strerror}"
                ) from None
        else:
            lines = list(source)
        first = next((line for line in lines if line.strip()), "")
        chunks: list[tuple[float, bytes | None]] = []
        if _CAPTURE_LINE.match(first):
            from scorer.devices.transport import read_capture_lines

            for when, mark, text in read_capture_lines(lines):
                if mark == "<":
                    chunks.append((when, bytes.fromhex(text)))
                elif mark == "#" and text.startswith("UNPLUGGED"):
                    chunks.append((when, None))
        else:
            chunks = [(n * gap, line.rstrip("\r\n").encode("latin-1") + end) for n, line in enumerate(lines)]
        sent = 0
        pause = 0.0  # cut pauses so far, on top of the capture's own timing
        t0 = time.perf_counter()
        base = chunks[0][0] if chunks else 0.0
        for when, data in chunks:
            if data is None:
                started = time.perf_counter()
                self.unplug()
                if stop is not None and stop.wait(cut_pause):
                    break
                if stop is None:
                    time.sleep(cut_pause)
                self.replug()
                if self.wait_connected(5.0):
                    time.sleep(REOPEN_PAUSE)
                pause += time.perf_counter() - started
                continue
            delay = (when - base) / speed + pause - (time.perf_counter() - t0) if speed > 0 else 0.0
            if stop is not None:
                if (delay > 0 and stop.wait(delay)) or stop.is_set():
                    break
            elif delay > 0:
                time.sleep(delay)
            self.send(data)
            sent += 1
        return sent
