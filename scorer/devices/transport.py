"""The transport: owns one serial port (or pyserial URL) and turns its bytes into parser events.

One daemon reader thread per port opens it with the profile's line settings, feeds every chunk to a
fresh parser, and hands each event to `on_event` *in that thread* (callers marshal to their own
thread; the transport never touches a Store or Qt). A cable pulled out is not an error to show once
and give up on: the port is closed, the cut record is reported as a fault (never parsed), and the
port is reopened with exponential backoff until it returns or `stop()` is called. Readings are
never repeated on reconnect: the transport keeps nothing to replay, and the parser is reset so a
record's tail read after a reconnect cannot be glued to an old head.

A port opened while the device is sending starts mid-record, and a record's tail can look like a
whole, plausible value (``345`` of ``+12.345``). So for terminator-framed devices the bytes that
arrive right after opening, up to the first terminator, are discarded and reported (a DISCARDED
fault and a capture line) — unless the line was quiet for `settle` seconds first or we sent a
request into the quiet line: then the next byte starts a record and nothing is lost. The state
becomes CONNECTED once the transport is in step with the records. Idle-framed devices need no such
step (their first gap frames them); only for them does a pause end a record — a pause inside a
terminated record (a slow adapter) is only a pause. A query left unanswered is reported by the
reader loop when its time runs out, not when the next record happens to arrive.

Over 500 lines on purpose: the reader loop, reconnects, the opening step and query timeouts share
one thread's state; split apart they would have to share it through a second object.

What the user sees is `PortState` (connected / waiting for port / unplugged / receiving garbage).
Every byte received and sent, and every state change, can be written to a capture file
(`<unix time> < <hex>`, `<time> > <hex>`, `<time> # <state> <detail>`) that `replay()` and the
simulator play back.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

import serial

from scorer.devices.profiles import Profile
from scorer.devices.protocols.base import (
    DISCARDED,
    GARBAGE,
    TIMEOUT,
    TOO_LONG,
    UNRECOGNISED,
    UNSUPPORTED,
    Event,
    Fault,
    Reading,
    fault,
)
from scorer.devices.protocols.query import QueryMatcher
from scorer.errors import ScorerError, language

log = logging.getLogger(__name__)

GARBAGE_KINDS = frozenset({GARBAGE, UNRECOGNISED, TOO_LONG})
GARBAGE_RUN = 3  # consecutive unreadable records before the state says "wrong speed or wrong device?"
PERMISSION_GRACE = 5.0  # seconds: udev sets a new node's group a moment after it appears; Windows
# refuses a replugged port "for a while". Only a refusal that lasts is reported as permanent.
CUT = ("记录不完整（连接中断）", "incomplete record (connection lost)")
CLOSED = ("记录不完整（串口已关闭）", "incomplete record (the port was closed)")
NOISE = (
    "收到无法识别的数据（波特率不对或接错设备？）",
    "unreadable data (wrong speed or wrong device?)",
)
SETTLE = 0.1  # seconds of silence after opening that prove the line is between records
HOST_ATTEMPTS = 5  # a host name that does not resolve: tries before giving up (an offline venue
# laptop will not learn a name by waiting; a refused connection, by contrast, is retried forever)
_HOST_NOT_FOUND = (
    "Name or service not known",
    "nodename nor servname",
    "getaddrinfo failed",
    "No address associated",
    "Temporary failure in name resolution",
)


def _t(zh: str, en: str) -> str:
    return en if language() == "en" else zh


class PortState(StrEnum):
    """What a port is doing, as the judge should see it."""

    WAITING = "waiting for port"
    CONNECTED = "connected"
    UNPLUGGED = "unplugged"
    GARBAGE = "receiving garbage — wrong speed or wrong device?"
    STOPPED = "stopped"

    def text(self, lang: str | None = None) -> str:
        """The state in the user's language."""
        if (lang or language()) == "en":
            return self.value
        return {
            "WAITING": "等待串口",
            "CONNECTED": "已连接",
            "UNPLUGGED": "已断开（拔出？）",
            "GARBAGE": "收到乱码——波特率不对或接错设备？",
            "STOPPED": "已停止",
        }[self.name]


def is_url(port: str) -> bool:
    """A pyserial URL (socket://, rfc2217://, loop://…) rather than a device path or COM name."""
    return "://" in port


class Transport:
    """One port, one reader thread, one parser; see the module doc.

    `on_event(event)` and `on_state(state, detail)` are called from the reader thread. `detail` is
    in the user's language. A port that can never open (a bad URL, a lasting permission refusal)
    ends in STOPPED with `error` set to a ScorerError, and its message as the detail.
    """

    def __init__(
        self,
        port: str,
        profile: Profile,
        on_event: Callable[[Event], None],
        on_state: Callable[[PortState, str], None] | None = None,
        capture: Path | None = None,
        backoff: tuple[float, float] = (0.05, 2.0),
        query_timeout: float = 2.0,
        settle: float = SETTLE,
    ) -> None:
        self._port = port
        self.profile = profile
        self._on_event = on_event
        self._on_state = on_state
        self._capture_path = Path(capture) if capture is not None else None
        self._backoff = backoff
        self._parser = profile.make()  # a bad custom profile fails here, in the caller's thread
        self._state = PortState.STOPPED
        self._detail = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._write_lock = threading.Lock()  # guards _serial against a close while ask() writes
        self._serial: Any = None
        self._capture_lock = threading.Lock()
        self._capture: IO[str] | None = None
        self._bad_run = 0
        self._received = 0
        self.error: ScorerError | None = None
        # Query devices: answers are paired with requests; an unasked reading is flagged
        # "unrequested", a request left unanswered becomes a fault the judge sees.
        self._queries = QueryMatcher(query_timeout) if self._parser.request() else None
        self._query_lock = threading.Lock()
        # Finding the first record after opening (see the module doc).
        self._settle = settle
        self._ends = b"" if self._parser.idle_gap is not None else bytes(self._parser.terminators)
        self._syncing = False
        self._opened_at = 0.0  # time.monotonic() when the port opened
        self._since_open = 0  # bytes received since the port opened
        self._asked_quiet = False  # a request went out before anything came in
        self._discarded = bytearray()

    # ------------------------------------------------------------ public

    @property
    def port(self) -> str:
        return self._port

    @property
    def state(self) -> PortState:
        return self._state

    @property
    def detail(self) -> str:
        return self._detail

    @property
    def opened(self) -> bool:
        """The port is open (it may still be finding the first whole record: see `synced`)."""
        return self._serial is not None

    @property
    def synced(self) -> bool:
        """The port is open and in step with the device's records (the state is CONNECTED)."""
        return self._serial is not None and not self._syncing

    @property
    def received(self) -> int:
        """Bytes received since start(): lets tests and tools wait until the line has been read."""
        return self._received

    def start(self) -> None:
        """Open the capture file and start the reader thread (it opens the port)."""
        if self._thread is not None:
            return
        if self._capture_path is not None:
            try:
                self._capture = self._capture_path.open("a", encoding="utf-8", buffering=1)
            except OSError as exc:
                raise ScorerError(
                    f"无法写入抓包文件 {self._capture_path}：{exc.strerror}",
                    f"cannot write the capture file {self._capture_path}: {exc.strerror}",
                ) from None
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"transport {self._port}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the reader thread, close the port and the capture file."""
        self._stop.set()
        with self._write_lock:
            ser = self._serial
        if ser is not None and hasattr(ser, "cancel_read"):
            with contextlib.suppress(Exception):  # best effort: the read times out soon anyway
                ser.cancel_read()  # wake a read blocked in select() at once
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        with self._capture_lock:
            if self._capture is not None:
                self._capture.close()
                self._capture = None

    def ask(self) -> bool:
        """Send the device's request now (a query device answers with a value); thread-safe.

        False when the device pushes (no request) or the port is not connected."""
        request = self._parser.request()
        if not request:
            return False
        return self._send(request)

    def __enter__(self) -> Transport:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------ the reader thread

    def _run(self) -> None:
        delay = self._backoff[0]
        refused_since: float | None = None
        unresolved = 0
        try:
            while not self._stop.is_set():
                try:
                    ser = self._open()
                except ScorerError as exc:  # will never work: say so and stop
                    self.error = exc
                    self._set_state(PortState.STOPPED, exc.message())
                    return
                except (serial.SerialException, OSError) as exc:
                    detail, permission = self._open_problem(exc)
                    if any(text in str(exc) for text in _HOST_NOT_FOUND):
                        unresolved += 1
                        if unresolved >= HOST_ATTEMPTS:
                            self.error = ScorerError(*self._host_text())
                            self._set_state(PortState.STOPPED, self.error.message())
                            return
                        detail = _t(
                            f"{self._host_text()[0]}（第 {unresolved}/{HOST_ATTEMPTS} 次尝试）",
                            f"{self._host_text()[1]} (attempt {unresolved} of {HOST_ATTEMPTS})",
                        )
                    else:
                        unresolved = 0
                    if permission:
                        refused_since = refused_since or time.monotonic()
                        if time.monotonic() - refused_since > PERMISSION_GRACE:
                            self.error = ScorerError(*self._permission_text())
                            self._set_state(PortState.STOPPED, self.error.message())
                            return
                    else:
                        refused_since = None
                    self._set_state(PortState.WAITING, detail)
                    self._stop.wait(delay)
                    delay = min(delay * 2, self._backoff[1])
                    continue
                refused_since = None
                delay = self._backoff[0]
                try:
                    self._pump(ser)
                except (serial.SerialException, OSError) as exc:
                    self._set_state(
                        PortState.UNPLUGGED,
                        _t(f"{self._port} 连接中断（{exc}）", f"{self._port}: connection lost ({exc})"),
                    )
                    self._cut(unplugged=True)
                else:
                    self._cut(unplugged=False)  # stopped: a record in flight is reported, not kept
                finally:
                    with self._write_lock:
                        self._serial = None
                    _close(ser)
                self._stop.wait(delay)
        except Exception as exc:  # a bug must not kill the port silently
            log.exception("transport %s crashed", self._port)
            self.error = ScorerError(f"串口线程出错：{exc}", f"the port thread failed: {exc}")
            self._set_state(PortState.STOPPED, self.error.message())
            return
        self._set_state(PortState.STOPPED, "")

    def _open(self) -> Any:
        p = self.profile
        kwargs: dict[str, Any] = {
            "baudrate": p.baudrate,
            "bytesize": p.bytesize,
            "parity": p.parity,
            "stopbits": p.stopbits,
            "timeout": max(0.002, min(0.02, (self._parser.idle_gap or 0.05) / 4)),
            "write_timeout": 1.0,
        }
        if not is_url(self._port):
            kwargs["exclusive"] = True  # Linux lets two programs read one port: refuse the second
        try:
            ser = serial.serial_for_url(self._port, **kwargs)
        except (ValueError, TypeError) as exc:
            raise ScorerError(
                f"无法使用串口“{self._port}”：{exc}（请检查串口名称、URL 和串口参数）",
                f"cannot use port '{self._port}': {exc} (check the port name, URL and line settings)",
            ) from None
        except serial.SerialException as exc:
            if "Inappropriate ioctl" in str(exc):
                raise ScorerError(f"“{self._port}”不是串口", f"'{self._port}' is not a serial port") from None
            if "expected a string in the form" in str(exc):
                raise ScorerError(
                    f"串口地址“{self._port}”格式不对：{exc}",
                    f"the port address '{self._port}' is malformed: {exc}",
                ) from None
            raise
        self._parser.reset()
        self._bad_run = 0
        self._discarded.clear()
        self._since_open = 0
        self._asked_quiet = False
        self._opened_at = time.monotonic()
        self._syncing = bool(self._ends)
        with self._write_lock:
            self._serial = ser
        if not self._syncing:
            self._set_state(PortState.CONNECTED, self._port)
        return ser

    def _pump(self, ser: Any) -> None:
        """Read until the port fails or stop(); find the first record; flush the parser at idle gaps
        (idle-framed devices only); report unanswered requests on time; send timed requests."""
        gap = self._parser.idle_gap
        every = self.profile.query_every
        request = self._parser.request() if every else None
        next_query = time.monotonic()
        pending: float | None = None  # when the last bytes arrived, if not flushed since
        while not self._stop.is_set():
            waiting = ser.in_waiting
            data = ser.read(waiting or 1)
            now = time.time()
            if self._syncing and self._asked_quiet and not self._discarded:
                self._in_step(now)  # we spoke into a quiet line: what comes back starts a record
            if data:
                self._received += len(data)
                self._since_open += len(data)
                self._record("<", data.hex(), now)
                if self._syncing:
                    data = self._sync(data, now)
                if data:
                    self._deliver(self._parser.feed(data, now))
                    pending = now
            elif self._syncing and not self._discarded and time.monotonic() - self._opened_at >= self._settle:
                self._in_step(now)  # the line was quiet: the next byte starts a record
            elif gap is not None and pending is not None and now - pending >= gap:
                pending = None
                self._deliver(self._parser.flush(now))
            if self._queries is not None and self._queries.outstanding:
                self._expire(now)
            if request and every and time.monotonic() >= next_query:
                next_query = time.monotonic() + every
                self._send(request)

    def _sync(self, data: bytes, now: float) -> bytes:
        """Bytes read before the transport is in step: keep them until the first terminator, then
        report them as discarded; return what follows the terminator (a whole record's start)."""
        cut = min((i for i in (data.find(bytes((t,))) for t in self._ends) if i >= 0), default=-1)
        if cut < 0:
            self._discarded += data
            if len(self._discarded) > getattr(self._parser, "max_record", 128):
                self._in_step(now)  # no terminator at all: the parser's faults say why
            return b""
        self._discarded += data[:cut]
        self._in_step(now)
        return data[cut + 1 :]

    def _in_step(self, now: float) -> None:
        """The transport is in step with the records: report what was discarded, say CONNECTED."""
        self._syncing = False
        if self._discarded:
            n = len(self._discarded)
            self._record("#", f"DISCARDED {n} bytes before the first record", now)
            discarded = fault(
                DISCARDED,
                bytes(self._discarded),
                now,
                f"串口打开时设备正在发送：第一条记录之前的 {n} 个字节已丢弃（可能是半条记录）",
                f"discarded {n} bytes before the first record (the port opened mid-record)",
            )
            self._discarded.clear()
            self._notify(discarded)
        self._set_state(PortState.CONNECTED, self._port)

    def _expire(self, now: float) -> None:
        """Report each request whose answer is overdue, as soon as it is (not at the next record)."""
        assert self._queries is not None
        with self._query_lock:
            lapsed = self._queries.expired(now)
        for command in lapsed:
            self._notify(self._timeout_fault(command, now))

    def _timeout_fault(self, command: bytes, now: float) -> Fault:
        assert self._queries is not None
        seconds = f"{self._queries.timeout:g}"
        return fault(
            TIMEOUT,
            command,
            now,
            f"设备 {seconds} 秒内没有回应取值请求（接线或设置？）",
            f"the device did not answer the request within {seconds} s (cable or settings?)",
        )

    def _cut(self, unplugged: bool = True) -> None:
        """The port went away: the record in flight is cut, so it is a fault, whatever it looked like
        (an idle-framed parser's flush would otherwise parse it). Its label says what happened: the
        leftover of a wrong-speed burst is noise, not a "cut" record; a port the user closed was not
        unplugged."""
        now = time.time()
        self._syncing = False
        why = CUT if unplugged else CLOSED
        if self._discarded:  # a tail that never reached its terminator
            self._notify(fault(DISCARDED, bytes(self._discarded), now, *why))
            self._discarded.clear()
        try:
            events = self._parser.flush(now)
        finally:
            self._parser.reset()
        cut: list[Event] = []
        for ev in events:
            noisy = self._bad_run > 0 or any(b > 0x7E or (b < 0x20 and b not in (9, 10, 13)) for b in ev.raw)
            if isinstance(ev, Fault) and ev.kind not in (GARBAGE, DISCARDED):
                cut.append(ev)  # the parser said what it is (too long, checksum…)
            else:
                cut.append(fault(GARBAGE, ev.raw, now, *(NOISE if noisy else why)))
        self._deliver(cut)

    def _deliver(self, events: list[Event]) -> None:
        if self._queries is not None:
            events = self._match(events)
        for ev in events:
            if isinstance(ev, Fault) and ev.kind in GARBAGE_KINDS:
                self._bad_run += 1
                if self._bad_run >= GARBAGE_RUN and self._state is PortState.CONNECTED:
                    self._set_state(PortState.GARBAGE, self._port)
            elif not isinstance(ev, Fault) or ev.kind == UNSUPPORTED:
                self._bad_run = 0  # a well-formed record: the speed is right
                if self._state is PortState.GARBAGE:
                    self._set_state(PortState.CONNECTED, self._port)
            self._notify(ev)

    def _notify(self, ev: Event) -> None:
        try:
            self._on_event(ev)
        except Exception:  # the caller's bug must not stop the port
            log.exception("on_event failed for %r", ev)

    def _match(self, events: list[Event]) -> list[Event]:
        out: list[Event] = []
        assert self._queries is not None
        with self._query_lock:
            lapsed = self._queries.expired(time.time())
            out.extend(self._timeout_fault(command, time.time()) for command in lapsed)
            for ev in events:
                asked = self._queries.answer(ev) if isinstance(ev, Reading | Fault) else None
                if isinstance(ev, Reading) and asked is None:
                    ev = replace(ev, flags=(*ev.flags, "unrequested"))
                out.append(ev)
        return out

    def _send(self, data: bytes) -> bool:
        with self._write_lock:
            ser = self._serial
            if ser is None:
                return False
            try:
                ser.write(data)
            except (serial.SerialException, OSError) as exc:
                log.info("write to %s failed: %s", self._port, exc)  # the reader sees the unplug
                return False
            self._record(">", data.hex(), time.time())
            if self._syncing and not self._since_open:
                self._asked_quiet = True
        if self._queries is not None and data == self._parser.request():
            with self._query_lock:
                self._queries.sent(data, time.time())
        return True

    def _set_state(self, state: PortState, detail: str) -> None:
        if state is self._state and detail == self._detail:
            return
        self._state = state
        self._detail = detail
        self._record("#", f"{state.name} {detail}".rstrip(), time.time())
        if self._on_state is not None:
            try:
                self._on_state(state, detail)
            except Exception:
                log.exception("on_state failed for %s", state)

    def _record(self, mark: str, text: str, now: float) -> None:
        with self._capture_lock:
            if self._capture is not None:
                self._capture.write(f"{now:.6f} {mark} {' '.join(text.split())}\n")

    # ------------------------------------------------------------ messages

    def _open_problem(self, exc: BaseException) -> tuple[str, bool]:
        """(what to tell the user, whether it is a permission refusal)."""
        code = getattr(exc, "errno", None)
        text = str(exc)
        if code in (errno.EACCES, errno.EPERM) or "Permission" in text or "Access is denied" in text:
            return self._permission_text()[0 if language() != "en" else 1], True
        if code == errno.ENOENT or "No such file" in text or "FileNotFoundError" in text:
            return _t(
                f"找不到串口 {self._port}（未插入？）", f"port {self._port} not found (not plugged in?)"
            ), False
        if code in (errno.EBUSY, errno.EAGAIN) or "exclusively lock" in text:
            return (
                _t(
                    f"串口 {self._port} 正被其他程序占用",
                    f"port {self._port} is in use by another program",
                ),
                False,
            )
        if code == errno.ECONNREFUSED or "Connection refused" in text:
            return (
                _t(
                    f"{self._port} 没有响应（设备服务器或模拟器未开启？）",
                    f"nothing answers at {self._port} (device server or simulator off?)",
                ),
                False,
            )
        return _t(f"无法打开 {self._port}：{text}", f"cannot open {self._port}: {text}"), False

    def _host_text(self) -> tuple[str, str]:
        """A host name in a socket:// or rfc2217:// URL that does not resolve."""
        host = self._port.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
        return (
            f"找不到主机“{host}”（{self._port}）：请检查地址拼写，或改用 IP 地址",
            f"host not found: '{host}' ({self._port}): check the spelling, or use an IP address",
        )

    def _permission_text(self) -> tuple[str, str]:
        if sys.platform.startswith("win"):
            return (
                f"没有权限打开 {self._port}：请关闭占用该串口的程序，或重新插拔设备",
                f"no permission to open {self._port}: close the program using it, or replug the device",
            )
        return (
            f"没有权限打开 {self._port}：请把当前用户加入 dialout 组（sudo usermod -aG dialout $USER）后重新登录",
            f"no permission to open {self._port}: add this user to the dialout group "
            "(sudo usermod -aG dialout $USER) and log in again",
        )


def _close(ser: Any) -> None:
    """Close a port that may already be gone. pyserial's socket:// close() sleeps 0.3 s "for quick
    reconnects"; the backoff already gives the server time, so its socket is closed directly."""
    with contextlib.suppress(Exception):  # a vanished device may fail to close: it is gone anyway
        sock = getattr(ser, "_socket", None)
        if type(ser).__module__.endswith("protocol_socket") and sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
            ser._socket = None
            ser.is_open = False
        ser.close()


def read_capture(path: str | Path) -> Iterator[tuple[float, str, str]]:
    """Every line of a capture file as (time, mark, text); mark is "<", ">" or "#"."""
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise ScorerError(
            f"无法读取抓包文件 {path}：{exc.strerror}", f"cannot read the capture file {path}: {exc.strerror}"
        ) from None
    return read_capture_lines(lines, str(path))


def read_capture_lines(lines: Iterable[str], where: str = "capture") -> Iterator[tuple[float, str, str]]:
    """Capture lines as (time, mark, text); a line that is not one is a ScorerError."""
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = line.split(" ", 2)
        if len(parts) < 2 or parts[1] not in ("<", ">", "#"):
            raise ScorerError(f"{where} 第 {n} 行不是抓包记录", f"{where} line {n} is not a capture record")
        try:
            when = float(parts[0])
        except ValueError:
            raise ScorerError(
                f"{where} 第 {n} 行的时间无效", f"{where} line {n} has an invalid time"
            ) from None
        if parts[1] == "<":
            try:
                bytes.fromhex(parts[2] if len(parts) > 2 else "")
            except ValueError:
                raise ScorerError(
                    f"{where} 第 {n} 行有无效的十六进制数据", f"{where} line {n} holds invalid hex data"
                ) from None
        yield when, parts[1], parts[2] if len(parts) > 2 else ""


def replay(path: str | Path) -> Iterator[tuple[float, bytes]]:
    """The received chunks of a capture file, as (unix time, bytes), in order."""
    for when, mark, text in read_capture(path):
        if mark == "<":
            yield when, bytes.fromhex(text)
