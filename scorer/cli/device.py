"""`scorer device list`, `listen` and `simulate`: serial ports, a device's readings live (as text
or JSON lines), and a simulated device on a pty or TCP port for trying the rest without hardware."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scorer.cli.errors import UsageParser
from scorer.cli.output import add_json, echo, emit_json, t, table
from scorer.errors import ScorerError, language

if TYPE_CHECKING:
    from scorer.cli.errors import Subparsers


def cmd_device_list(args: argparse.Namespace) -> int:
    from serial.tools import list_ports

    ports = sorted(list_ports.comports(), key=lambda p: p.device)
    if args.json:
        emit_json(
            [
                {
                    "port": p.device,
                    "description": p.description or "",
                    "vid": None if p.vid is None else f"{p.vid:04X}",
                    "pid": None if p.pid is None else f"{p.pid:04X}",
                    "serial_number": p.serial_number or "",
                }
                for p in ports
            ]
        )
        return 0
    if not ports:
        echo(t("未找到串口", "no serial ports found"))
        return 0
    rows = [
        [
            p.device,
            p.description or "",
            f"{p.vid:04X}:{p.pid:04X}" if p.vid is not None and p.pid is not None else "",
            p.serial_number or "",
        ]
        for p in ports
    ]
    echo(table([t("串口", "port"), t("描述", "description"), "VID:PID", t("序列号", "serial")], rows))
    return 0


def _raw(data: bytes) -> str:
    return repr(data)[2:-1]


def _device_line(kind: str, item: Any, detail: str = "", when: float | None = None) -> str:
    """One line of `scorer device listen` output for an event or a state change (a timer's clock
    time as the timer shows it, a run time as h:mm:ss.ff — never seconds since midnight)."""
    import time

    from scorer.devices import show
    from scorer.devices.protocols.base import Control, Fault, Reading

    when = when or getattr(item, "received", None) or time.time()
    stamp = time.strftime("%H:%M:%S", time.localtime(when)) + f".{int(when % 1 * 1000):03d}"
    if kind == "state":
        return f"{stamp}  {t('状态', 'state')}  {item.text()}  {detail}".rstrip()
    if isinstance(item, Reading):
        parts = [show.value(item)]
        if not item.stable:
            parts.append(t("（不稳定）", "(unstable)"))
        for label, value in (
            (t("类型", "kind"), item.kind if item.kind != "value" else ""),
            (t("通道", "channel"), item.channel),
            (t("号码", "bib"), item.bib),
            (t("标记", "flags"), ",".join(item.flags)),
        ):
            if value:
                parts.append(f"{label}={value}")
        return f"{stamp}  {t('读数', 'reading')}  {' '.join(parts)}  [{_raw(item.raw)}]"
    if isinstance(item, Control):
        extra = " ".join([f"{k}={v}" for k, v in item.detail.items()] + [show.cancelled(item)])
        return f"{stamp}  {t('控制', 'control')}  {item.kind} {extra}".rstrip() + f"  [{_raw(item.raw)}]"
    assert isinstance(item, Fault)
    text = item.en if language() == "en" else item.zh
    return f"{stamp}  {t('故障', 'fault')}  {text}  [{_raw(item.raw)}]"


def _device_json(kind: str, item: Any, detail: str = "", when: float | None = None) -> str:
    """One JSON object (one line) for `scorer device listen --json`: type reading / control / fault
    / state, its fields, and the raw record escaped (`raw`) and as hex (`raw_hex`)."""
    import datetime
    import time

    from scorer.devices import show
    from scorer.devices.protocols.base import Control, Fault, Reading

    when = when or getattr(item, "received", None) or time.time()
    out: dict[str, Any] = {
        "type": kind,
        "time": datetime.datetime.fromtimestamp(when).astimezone().isoformat(timespec="milliseconds"),
        "unix": round(when, 6),
    }

    def reading(r: Reading) -> dict[str, Any]:
        return {
            "value": None if r.value is None else format(r.value, "f"),
            "unit": r.unit,
            "stable": r.stable,
            "kind": r.kind,
            "channel": r.channel,
            "bib": r.bib,
            "time_of_day": show.time_of_day(r),
            "run_time": show.run_time(r),
            "flags": list(r.flags),
            "group": r.group,
            "raw": _raw(r.raw),
            "raw_hex": r.raw.hex(),
        }

    if kind == "state":
        out |= {"state": item.name.lower(), "text": item.text(), "detail": detail}
    elif isinstance(item, Reading):
        out |= {"type": "reading", **reading(item)}
    elif isinstance(item, Control):
        out |= {"type": "control", "kind": item.kind, "detail": dict(item.detail)}
        out["cancels"] = None if item.cancels is None else reading(item.cancels)
        out |= {"raw": _raw(item.raw), "raw_hex": item.raw.hex()}
    elif isinstance(item, Fault):
        message = item.en if language() == "en" else item.zh
        out |= {"type": "fault", "kind": item.kind, "message": message, "zh": item.zh, "en": item.en}
        out |= {"raw": _raw(item.raw), "raw_hex": item.raw.hex()}
    return json.dumps(out, ensure_ascii=False)


def _device_profile(name: str) -> Any:
    """A device profile whose parser can be built (a protocol module may be missing in this build)."""
    from scorer.devices import profiles

    profile = profiles.get(name)
    try:
        profile.make()
    except (ImportError, AttributeError, TypeError) as exc:
        raise ScorerError(
            f"设备配置“{profile.name}”的解析器不可用：{exc}",
            f"the parser of device profile '{profile.name}' is not available: {exc}",
        ) from None
    return profile


def cmd_device_listen(args: argparse.Namespace) -> int:
    import dataclasses
    import queue
    import time

    from scorer.devices.transport import PortState, Transport

    profile = _device_profile(args.profile)
    if args.query_every is not None:
        if not args.query_every > 0 or profile.make().request() is None:
            raise ScorerError(
                f"--query-every 需要大于 0 的秒数，且只用于查询式设备（天平、Sylvac）；“{profile.name}”会自己发送",
                f"--query-every takes seconds > 0 and is for query devices (balances, Sylvac); "
                f"'{profile.name}' sends on its own",
            )
        profile = dataclasses.replace(profile, query_every=args.query_every)
    lines: queue.Queue[tuple[str, Any, str, float | None]] = queue.Queue()
    transport = Transport(
        args.port,
        profile,
        lambda ev: lines.put(("event", ev, "", None)),
        lambda state, detail: lines.put(("state", state, detail, time.time())),
        capture=Path(args.capture) if args.capture else None,
    )
    deadline = None if args.seconds is None else time.monotonic() + args.seconds
    transport.start()
    try:
        while deadline is None or time.monotonic() < deadline:
            wait = 0.2 if deadline is None else max(0.0, min(0.2, deadline - time.monotonic()))
            try:
                kind, item, detail, when = lines.get(timeout=wait)
            except queue.Empty:
                continue
            stopped = kind == "state" and item is PortState.STOPPED and transport.error is not None
            if args.json or not stopped:  # text: the error goes to stderr alone
                echo((_device_json if args.json else _device_line)(kind, item, detail, when))
            if stopped:
                raise transport.error
            sys.stdout.flush()
    except KeyboardInterrupt:
        pass
    finally:
        transport.stop()
    return 0


def cmd_device_simulate(args: argparse.Namespace) -> int:
    import itertools
    import threading
    import time

    from scorer.devices.simulator import Simulator, bytes_per_second, samples, terminator

    profile = _device_profile(args.profile)
    end = terminator(profile)
    if args.records:
        try:
            text = Path(args.records).read_text(encoding="utf-8")
        except OSError as exc:
            raise ScorerError(
                f"无法读取 {args.records}：{exc.strerror}", f"cannot read {args.records}: {exc.strerror}"
            ) from None
        records = [line.rstrip("\r\n").encode("utf-8") for line in text.splitlines() if line.strip()]
        if not records:
            raise ScorerError(f"{args.records} 中没有记录", f"{args.records} holds no records")
    elif args.replay:
        if not Path(args.replay).is_file():  # say so now, not after a listener has connected
            raise ScorerError(
                f"找不到回放文件 {args.replay}", f"the replay file {args.replay} does not exist"
            )
        records = []
    else:
        records = [r.encode("ascii") for r in samples(profile)]
    request = profile.make().request()
    queue_: list[bytes] = []  # records to send next (an interrupted one is sent again, whole)
    source = itertools.cycle(records) if records else iter(())
    counter = {"sent": 0}
    lock = threading.Lock()

    def next_record() -> bytes | None:
        with lock:
            if queue_:
                return queue_.pop(0)
            return next(source, None)

    def inject(sim: Simulator) -> None:
        n = counter["sent"]
        if args.garbage_every and n % args.garbage_every == 0:
            sim.garbage()
        if args.noise_every and n % args.noise_every == 0:
            sim.noise(records[0] + end if records else b"01A+0024.010\r")

    def respond(line: bytes) -> bytes | None:
        if request is None or line.strip() != request.strip():
            return None
        record = next_record()
        if record is None:
            return None
        counter["sent"] += 1
        inject(sim)
        return record + end

    sim = Simulator(
        "tcp" if args.tcp is not None else "pty",
        args.tcp or 0,
        pace=bytes_per_second(profile),
        respond=respond if request is not None and records else None,
    )
    # the first line names the address; with --json as one object on one line (it runs on after)
    echo(json.dumps({"address": sim.path}, ensure_ascii=False) if args.json else sim.path)
    sys.stdout.flush()
    sys.stderr.write(
        t(
            f"模拟 {profile.title}，连接到上面的地址；按 Ctrl-C 结束\n",
            f"simulating {profile.title}: connect to the address above; Ctrl-C to stop\n",
        )
    )
    stop = threading.Event()
    deadline = None if args.seconds is None else time.monotonic() + args.seconds

    def running() -> bool:
        return deadline is None or time.monotonic() < deadline

    def wait_listener() -> bool:
        """Until someone has the port open, plus a moment: the opener flushes its input first."""
        fresh = False
        while running() and not sim.connected:
            fresh = True
            time.sleep(0.05)
        if fresh:
            time.sleep(0.2)
        return running()

    def unplug_cycle() -> None:
        record = next_record()
        if record is not None:
            sim.partial(record + end)
            with lock:
                queue_.insert(0, record)  # the device sends it again after the replug
        sim.unplug()
        sys.stderr.write(t("已拔出，1 秒后重新插入\n", "unplugged; plugging back in 1 s\n"))
        time.sleep(1.0)
        sim.replug()

    unplugged_at = 0
    try:
        if args.replay and wait_listener():
            sim.replay(args.replay, speed=args.speed, end=end, stop=stop)
        while running():
            if request is not None and records:  # a query device: the server thread answers
                time.sleep(0.05)
                n = counter["sent"]
                if args.unplug_every and n and n % args.unplug_every == 0 and n != unplugged_at:
                    unplugged_at = n
                    unplug_cycle()
                continue
            if not records or not wait_listener():
                time.sleep(0.05)
                continue
            record = next_record()
            if record is None:
                break
            if sim.send(record + end) is None:
                with lock:
                    queue_.insert(0, record)  # nobody was listening: the device keeps it
                continue
            counter["sent"] += 1
            inject(sim)
            if args.unplug_every and counter["sent"] % args.unplug_every == 0:
                unplug_cycle()
            time.sleep(args.interval / (args.speed or 1.0))
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        sim.close()
    return 0


# ------------------------------------------------------------------ parsers


def add_device(sub: Subparsers) -> None:
    s = sub.add_parser("device", help="serial devices: list, listen, simulate / 串口设备")
    dsub = s.add_subparsers(dest="device_command", required=True, parser_class=UsageParser)
    d = dsub.add_parser("list", help="serial ports with description and VID:PID / 列出串口")
    add_json(d)
    d.set_defaults(func=cmd_device_list)

    d = dsub.add_parser("listen", help="print a device's readings, faults and port state live / 监听设备")
    d.add_argument("port", help="a port (/dev/ttyUSB0, COM3) or a pyserial URL (socket://host:port)")
    d.add_argument("--profile", "-p", required=True, help="a device profile (mitutoyo, sylvac…) or .json")
    d.add_argument("--capture", help="append every raw byte, with timestamps, to this file")
    d.add_argument("--seconds", type=float, help="stop after this many seconds (default: until Ctrl-C)")
    d.add_argument("--query-every", type=float, metavar="S", help="ask a query device for a value every S s")
    d.add_argument("--json", action="store_true", help="one JSON object per line per event / 每行一个 JSON")
    d.set_defaults(func=cmd_device_listen)

    d = dsub.add_parser("simulate", help="a simulated device on a pty or TCP; prints its address / 模拟设备")
    d.add_argument("--profile", "-p", required=True)
    where = d.add_mutually_exclusive_group()
    where.add_argument("--pty", action="store_true", help="serve on a pseudo-terminal (the default)")
    where.add_argument("--tcp", type=int, metavar="PORT", help="serve on socket://127.0.0.1:PORT (0: any)")
    d.add_argument("--replay", metavar="FILE", help="play a capture file (or one record per line) back")
    d.add_argument("--speed", type=float, default=1.0, help="replay and send this many times faster")
    d.add_argument("--records", metavar="FILE", help="records to send, one per line (default: samples)")
    d.add_argument("--interval", type=float, default=1.0, help="seconds between pushed records")
    d.add_argument("--garbage-every", type=int, metavar="N", help="send garbage after every N records")
    d.add_argument("--noise-every", type=int, metavar="N", help="send wrong-baud noise after every N records")
    d.add_argument("--unplug-every", type=int, metavar="N", help="after N records, unplug mid-record")
    d.add_argument("--seconds", type=float, help="stop after this many seconds (default: until Ctrl-C)")
    d.add_argument("--json", action="store_true", help='the address as {"address": …} / 地址以 JSON 输出')
    d.set_defaults(func=cmd_device_simulate)


VERBS = {"device": add_device}
