"""`scorer`: the command line, a thin front over the core.

Every user error is one line on stderr (Chinese by default, English with --lang en or
SCORER_LANG=en) and a non-zero exit: 1 for a refused or failed action, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sqlite3
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scorer import __version__, package
from scorer.errors import ScorerError, language
from scorer.store import Store
from scorer.store.verify import verify
from scorer.values import show_value


def _t(zh: str, en: str) -> str:
    return en if language() == "en" else zh


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns aligned for terminals, counting CJK characters as two cells."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _warn_health(store: Store) -> None:
    """Every command that opens a file says when it is not sound (the cheap check at open: see
    scorer/store/health.py) and what to do; the command itself goes on if it only reads."""
    h = store.health()
    banner = h.banner()
    if banner is not None:
        sys.stderr.write(_t("警告：", "warning: ") + banner + "\n")


def _read(db: str) -> Store:
    """A read-only open for commands that only read: nothing is created or changed (a 0-byte
    file, a missing .head, -wal/-shm files), and a read-only folder or USB stick works."""
    store = Store.open(db, readonly=True)
    _warn_health(store)
    return store


def _log_id(text: str) -> int:
    """A log id argument: a positive whole number SQLite can hold (not an OverflowError)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 0 < value < 2**63:
        raise argparse.ArgumentTypeError(
            _t(f"“{text}”不是有效的记录号（正整数）", f"'{text}' is not a valid log id (a positive number)")
        )
    return value


# ------------------------------------------------------------------ commands


def cmd_init(args: argparse.Namespace) -> int:
    comp = package.load(args.package) if args.package else None
    with Store.create(args.db, args.station_name or "", comp, args.actor) as store:  # all or nothing
        _out(
            _t(
                f"已创建 {args.db}（站点 {store.station.id}）",
                f"created {args.db} (station {store.station.id})",
            )
        )
    return 0


def _load_any(store: Store, path: Path, kind: str | None) -> Any:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from scorer.package import csvlists

        if store.competition is None:
            raise ScorerError(
                "请先导入完整的竞赛数据包，再导入选手或裁判名单",
                "import a whole competition package before contestant or judge lists",
            )
        raw = package.read_file_bytes(path)
        kind = kind or csvlists.guess_kind(raw)
        if kind == "judges":
            return csvlists.merge_judges_csv(store.competition, raw, path.name)
        return csvlists.merge_contestants_csv(store.competition, raw, path.name)
    return package.load(path)


def cmd_import(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        comp = _load_any(store, Path(args.file), args.kind)
        log_id = store.set_competition(comp, args.actor, "import")
        _out(
            _t(
                f"已导入 {Path(args.file).name}：{len(comp.events)} 个项目，{len(comp.contestants)} 名选手，"
                f"{len(comp.judges)} 名裁判（记录 #{log_id}）",
                f"imported {Path(args.file).name}: {len(comp.events)} events, {len(comp.contestants)} contestants, "
                f"{len(comp.judges)} judges (log #{log_id})",
            )
        )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with _read(args.db) as store:
        if store.competition is None:
            raise ScorerError("此文件还没有竞赛定义", "this file has no competition yet")
        checked = store.health(full=True)  # what leaves the laptop must come from a sound file
        if not checked.sound:
            summary, advice = checked.summary() or ("", ""), checked.advice() or ("", "")
            raise ScorerError(
                f"不能导出：{summary[0]}。{advice[0]}", f"export refused: {summary[1]}. {advice[1]}"
            )
        path = Path(args.file)
        if path.suffix.lower() == ".csv":
            from scorer.package import csvlists

            data = (
                csvlists.judges_csv(store.competition)
                if args.kind == "judges"
                else csvlists.contestants_csv(store.competition)
            )
            try:
                path.write_bytes(data)
            except OSError as exc:
                raise ScorerError(
                    f"无法写入 {path}：{exc.strerror}", f"cannot write {path}: {exc.strerror}"
                ) from None
        else:
            package.save(store.competition, path)
        _out(_t(f"已导出到 {path}", f"exported to {path}"))
    return 0


def cmd_mark(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        log_id = store.record_mark(
            judge=args.judge, contestant=args.contestant, aspect=args.aspect, value=args.value, source="cli"
        )
    _out(str(log_id))
    return 0


def cmd_correct(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        log_id = store.correct_mark(
            replaces=args.log_id, value=args.value, reason=args.reason, actor=args.actor, source="cli"
        )
    _out(str(log_id))
    return 0


def cmd_void(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        log_id = store.void_mark(replaces=args.log_id, reason=args.reason, actor=args.actor, source="cli")
    _out(str(log_id))
    return 0


def _emit(rows: list[dict[str, Any]], fmt: str, headers: list[str]) -> None:
    if fmt == "json":
        _out(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=headers, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        _out(buf.getvalue())
    else:
        _out(table(headers, [[r.get(h, "") for h in headers] for r in rows]))


def cmd_marks(args: argparse.Namespace) -> int:
    with _read(args.db) as store:
        aspects = {e.code: e.aspects() for e in (store.competition.events if store.competition else ())}

        def shown(event: str, aspect: str, value: str) -> str:
            """The table shows values as judges type them (2:25:30); JSON and CSV keep the stored text."""
            a = aspects.get(event, {}).get(aspect)
            return show_value(a, value, language()) if a is not None and args.format == "table" else value

        if args.history:
            rows = []
            for r in store.log(("mark", "mark.correct", "mark.void")):
                p = r.payload
                if args.event and p.get("event") != args.event:
                    continue
                rows.append(
                    {
                        "id": r.id,
                        "time": r.time,
                        "kind": r.kind,
                        "event": p.get("event", ""),
                        "contestant": p.get("contestant", ""),
                        "aspect": p.get("aspect", ""),
                        "judge": p.get("judge", ""),
                        "value": shown(p.get("event", ""), p.get("aspect", ""), p.get("value", "")),
                        "replaces": p.get("replaces", ""),
                        "reason": p.get("reason", ""),
                        "actor": r.actor,
                        "source": r.source,
                        "station": r.station,
                    }
                )
            headers = (
                list(rows[0]) if rows else ["id", "time", "kind", "contestant", "aspect", "judge", "value"]
            )
        else:
            rows = [
                {
                    "event": m.event,
                    "contestant": m.contestant,
                    "aspect": m.aspect,
                    "judge": m.judge,
                    "value": shown(m.event, m.aspect, m.value),
                    "log_id": m.log_id,
                    "corrected": "yes" if m.log_id != m.first_id else "",
                }
                for m in store.marks(args.event)
            ]
            headers = ["event", "contestant", "aspect", "judge", "value", "log_id", "corrected"]
        _emit(rows, args.format, headers)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    report = verify(args.db)
    for note in report.notes:
        _out(_t("提示：", "note: ") + note.message())
    if report.ok:
        _out(
            _t(
                f"校验通过：{report.rows} 条记录，{len(report.stations)} 个站点，哈希链、检查点和当前分数表一致",
                f"verified: {report.rows} rows from {len(report.stations)} station(s); "
                "hash chain, checkpoint and current marks agree",
            )
        )
        return 0
    first = report.problems[0]
    sys.stderr.write(_t("校验失败：", "verification FAILED: ") + first.message() + "\n")
    for more in report.problems[1:]:
        sys.stderr.write("  " + more.message() + "\n")
    advice = report.advice()
    if advice is not None:
        sys.stderr.write(_t("怎么办：", "what to do: ") + _t(*advice) + "\n")
    return 1


def cmd_accept_checkpoint(args: argparse.Namespace) -> int:
    """A chief judge accepts a missing, damaged or older checkpoint with a reason (logged, shown by
    verify ever after); writing is allowed again."""
    with Store.open(args.db) as store:
        h = store.health()
        if h.needs_acceptance:
            for issue in h.issues:
                sys.stderr.write(_t("检查点：", "checkpoint: ") + issue.message() + "\n")
        log_id = store.accept_checkpoint(args.actor, args.reason, source="cli")
    _out(
        _t(
            f"已记录接受（记录 #{log_id}），检查点已重新写入；scorer verify 会一直显示这一决定",
            f"acceptance recorded (log #{log_id}) and the checkpoint written anew; scorer verify shows "
            "this decision from now on",
        )
    )
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    with _read(args.db) as store:
        info = store.info()
        h = store.health()
        info["checkpoint"] = h.checkpoint
        info["problems"] = [{"where": i.where, "zh": i.zh, "en": i.en} for i in h.problems]
    if args.format == "json":
        _out(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    comp = info["competition"]
    lines = [
        f"{_t('文件', 'file')}: {info['file']}",
        f"{_t('站点', 'station')}: {info['station']} {info['station_name']}",
        f"{_t('数据库结构', 'schema')}: {', '.join(info['schema'])}",
        f"{_t('日志记录', 'log rows')}: {info['log_rows']}  {info['log_kinds']}",
        f"{_t('当前分数', 'current marks')}: {info['current_marks']}",
    ]
    if comp:
        lines += [
            f"{_t('竞赛', 'competition')}: {comp['name']} ({comp['id']})  {comp['venue']}",
            f"{_t('选手', 'contestants')}: {comp['contestants']}  {_t('裁判', 'judges')}: {comp['judges']}",
            table(
                [_t("项目", "event"), _t("名称", "name"), _t("评分项", "aspects"), _t("选手", "contestants")],
                [[e["code"], e["name"], e["aspects"], e["contestants"]] for e in comp["events"]],
            ),
        ]
    else:
        lines.append(_t("尚未导入竞赛定义", "no competition imported yet"))
    _out("\n".join(lines))
    return 0


def cmd_results(args: argparse.Namespace) -> int:
    from scorer import results_json

    with _read(args.db) as store:
        comp = store.competition
        if comp is None:
            raise ScorerError("此文件还没有竞赛定义", "this file has no competition yet")
        codes = [args.event] if args.event else [e.code for e in comp.events]
        results = [store.results(code) for code in codes]
    data = results_json.to_dict(comp, results)
    if args.format == "json":
        _out(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    headers = ["event", "rank", "code", "total", "award", "title", "status", "complete"]
    rows = []
    for ev in data["events"]:
        for r in ev["results"]:
            rows.append(
                {
                    "event": ev["event"],
                    "rank": r["rank"] or "",
                    "code": r["code"],
                    "total": r["total"],
                    "award": r["award"] or "",
                    "title": r["title"] or "",
                    "status": r["status"],
                    "complete": "" if r["complete"] else _t("未完成", "incomplete"),
                }
            )
    _emit(rows, args.format, headers)
    if args.format == "table":
        for ev in data["events"]:
            for p in ev["problems"]:
                sys.stderr.write(
                    _t("需裁定：", "blocking: ") + (p["en"] if language() == "en" else p["zh"]) + "\n"
                )
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from scorer.rules import explain

    with _read(args.db) as store:
        comp = store.competition
        if comp is None:
            raise ScorerError("此文件还没有竞赛定义", "this file has no competition yet")
        people = {x.code: x for x in comp.contestants}
        for code in (args.a, args.b):
            if code not in people:
                raise ScorerError(f"没有加密号为“{code}”的选手", f"no contestant with code '{code}'")
        if people[args.a].event != people[args.b].event:
            raise ScorerError("两名选手不在同一个项目", "the two contestants are not in the same event")
        event = comp.event(people[args.a].event)
        assert event is not None
        result = store.results(event.code)
    _out(explain(event, result, args.a, args.b).text())
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        log_id = store.set_status(
            contestant=args.contestant, status=args.status, reason=args.reason, actor=args.actor
        )
    _out(str(log_id))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from scorer.demo import demo_path, ensure_demo

    path = ensure_demo(Path(args.db) if args.db else demo_path())
    _out(str(path))
    return 0


# ------------------------------------------------------------------ devices


def cmd_device_list(args: argparse.Namespace) -> int:
    from serial.tools import list_ports

    ports = sorted(list_ports.comports(), key=lambda p: p.device)
    if not ports:
        _out(_t("未找到串口", "no serial ports found"))
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
    _out(table([_t("串口", "port"), _t("描述", "description"), "VID:PID", _t("序列号", "serial")], rows))
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
        return f"{stamp}  {_t('状态', 'state')}  {item.text()}  {detail}".rstrip()
    if isinstance(item, Reading):
        parts = [show.value(item)]
        if not item.stable:
            parts.append(_t("（不稳定）", "(unstable)"))
        for label, value in (
            (_t("类型", "kind"), item.kind if item.kind != "value" else ""),
            (_t("通道", "channel"), item.channel),
            (_t("号码", "bib"), item.bib),
            (_t("标记", "flags"), ",".join(item.flags)),
        ):
            if value:
                parts.append(f"{label}={value}")
        return f"{stamp}  {_t('读数', 'reading')}  {' '.join(parts)}  [{_raw(item.raw)}]"
    if isinstance(item, Control):
        extra = " ".join([f"{k}={v}" for k, v in item.detail.items()] + [show.cancelled(item)])
        return f"{stamp}  {_t('控制', 'control')}  {item.kind} {extra}".rstrip() + f"  [{_raw(item.raw)}]"
    assert isinstance(item, Fault)
    text = item.en if language() == "en" else item.zh
    return f"{stamp}  {_t('故障', 'fault')}  {text}  [{_raw(item.raw)}]"


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
                _out((_device_json if args.json else _device_line)(kind, item, detail, when))
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
    _out(sim.path)
    sys.stdout.flush()
    sys.stderr.write(
        _t(
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
        sys.stderr.write(_t("已拔出，1 秒后重新插入\n", "unplugged; plugging back in 1 s\n"))
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


def cmd_report(args: argparse.Namespace) -> int:
    """Render one printed document of an event to a PDF file (written atomically), recorded in the
    print log (打印记录) like the print centre's saves.

    The document is rendered from a read-only open (an archive on a read-only stick prints too);
    the print is then logged by a short writing open, if the file can take it. A final document
    (results, awards, notice, certificates) of a file that fails verify prints only as a draft."""

    from scorer.reports import registry
    from scorer.reports.data import event_data
    from scorer.reports.printlog import page_count, record_print

    with _read(args.db) as store:
        comp = store.competition
        if comp is None:
            raise ScorerError("此文件还没有竞赛定义", "this file has no competition yet")
        event = args.event
        if event is None:
            if len(comp.events) != 1:
                codes = ", ".join(e.code for e in comp.events)
                raise ScorerError(f"请用 --event 指定项目：{codes}", f"choose an event with --event: {codes}")
            event = comp.events[0].code
        data = event_data(store, event)
        unsound = store.health(full=True).summary() if args.kind in registry.FINAL_KINDS else None
        pdf = registry.render(args.kind, data, unsound=unsound)
        out = Path(args.output)
        tmp = out.with_name(out.name + ".tmp")
        try:
            tmp.write_bytes(pdf)
            os.replace(tmp, out)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise ScorerError(
                f"无法写入 {out}（{exc.strerror}）", f"cannot write {out} ({exc.strerror})"
            ) from None
        draft = registry.draft_state(args.kind, data, unsound=unsound)
    pages = page_count(pdf)
    _out(_t(f"已生成 {out}（{pages} 页）", f"wrote {out} ({pages} pages)"))
    if draft is not None:
        sys.stderr.write(_t(*draft) + "\n")
    try:
        with Store.open(args.db) as store:
            record_print(store, getattr(args, "actor", None) or "coordinator", args.kind, event, pdf, "cli")
    except ScorerError as exc:
        sys.stderr.write(_t("打印记录未写入：", "the print was not logged: ") + exc.message() + "\n")
    return 0


# ------------------------------------------------------------------ parser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2: no usage dump for a typo
        self.exit(2, f"{self.prog}: {_t('用法错误', 'usage error')}: {message} ({_t('见', 'see')} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="scorer", description="Scorer — 职业技能竞赛评分 / skills competition scoring")
    p.add_argument("--version", action="version", version=f"scorer {__version__}")
    p.add_argument("--lang", choices=["zh", "en"], help="message language (default: zh, or SCORER_LANG)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("init", help="create a competition file / 新建竞赛文件")
    s.add_argument("db")
    s.add_argument("--package", help="a competition package (.json/.xlsx) to import at once")
    s.add_argument("--station-name", help="a name for this laptop, e.g. 一号机")
    s.add_argument("--actor", default="coordinator")
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("import", help="import a package (.json/.xlsx) or a list (.csv) / 导入")
    s.add_argument("db")
    s.add_argument("file")
    s.add_argument("--kind", choices=["contestants", "judges"], help="what a .csv file lists")
    s.add_argument("--actor", default="coordinator")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("export", help="export the competition (.json/.xlsx/.csv) / 导出")
    s.add_argument("db")
    s.add_argument("file")
    s.add_argument("--kind", choices=["contestants", "judges"], default="contestants", help="for .csv")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("mark", help="record one mark; prints its log id / 录入分数")
    s.add_argument("db")
    s.add_argument("--judge", "-j", required=True)
    s.add_argument("--contestant", "-c", required=True, help="the contestant's anonymous code (加密号)")
    s.add_argument("--aspect", "-a", required=True)
    s.add_argument("value")
    s.set_defaults(func=cmd_mark)

    s = sub.add_parser("correct", help="correct a mark with a reason / 更正分数")
    s.add_argument("db")
    s.add_argument("log_id", type=_log_id)
    s.add_argument("value")
    s.add_argument("--reason", required=True)
    s.add_argument("--actor", required=True, help="the judge (or chief judge) making the correction")
    s.set_defaults(func=cmd_correct)

    s = sub.add_parser("void", help="withdraw a mark with a reason / 作废分数")
    s.add_argument("db")
    s.add_argument("log_id", type=_log_id)
    s.add_argument("--reason", required=True)
    s.add_argument("--actor", required=True)
    s.set_defaults(func=cmd_void)

    s = sub.add_parser("marks", help="list current marks (--history: every entry) / 分数列表")
    s.add_argument("db")
    s.add_argument("--event")
    s.add_argument("--history", action="store_true")
    s.add_argument("--format", choices=["table", "json", "csv"], default="table")
    s.set_defaults(func=cmd_marks)

    s = sub.add_parser("verify", help="check the log's hash chain and checkpoint / 校验")
    s.add_argument("db")
    s.set_defaults(func=cmd_verify)

    s = sub.add_parser(
        "accept-checkpoint",
        help="a chief judge accepts a missing/damaged/older checkpoint, with a reason / 接受检查点问题",
    )
    s.add_argument("db")
    s.add_argument("--actor", required=True, help="the chief judge's code / 裁判长代码")
    s.add_argument("--reason", required=True, help="why the file is known to be right / 原因")
    s.set_defaults(func=cmd_accept_checkpoint)

    s = sub.add_parser("info", help="what a competition file holds / 文件信息")
    s.add_argument("db")
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.set_defaults(func=cmd_info)

    s = sub.add_parser("results", help="ranked results / 成绩排名")
    s.add_argument("db")
    s.add_argument("--event")
    s.add_argument("--format", choices=["table", "json", "csv"], default="table")
    s.set_defaults(func=cmd_results)

    s = sub.add_parser("explain", help="why A ranks above B / 排名说明")
    s.add_argument("db")
    s.add_argument("a", metavar="CODE_A")
    s.add_argument("b", metavar="CODE_B")
    s.set_defaults(func=cmd_explain)

    s = sub.add_parser("status", help="did not finish / withdrew / disqualified (chief judge) / 选手状态")
    s.add_argument("db")
    s.add_argument("contestant")
    s.add_argument("status", choices=["ok", "absent", "dnf", "withdrawn", "dq"])
    s.add_argument("--reason", required=True)
    s.add_argument("--actor", required=True)
    s.set_defaults(func=cmd_status)

    from scorer.reports.registry import KINDS

    s = sub.add_parser("report", help="print a document of an event to PDF / 生成PDF文档")
    s.add_argument("db")
    s.add_argument("kind", choices=list(KINDS), help=", ".join(f"{k} ({v[1]})" for k, v in KINDS.items()))
    s.add_argument("--event", help="event code (needed when the competition has several events)")
    s.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    s.add_argument("--actor", default="coordinator", help="who prints, for the print log / 打印人")
    s.set_defaults(func=cmd_report)

    s = sub.add_parser("demo", help="create the demo competition file (if missing); prints its path")
    s.add_argument("db", nargs="?")
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("device", help="serial devices: list, listen, simulate / 串口设备")
    dsub = s.add_subparsers(dest="device_command", required=True, parser_class=_Parser)
    d = dsub.add_parser("list", help="serial ports with description and VID:PID / 列出串口")
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
    d.set_defaults(func=cmd_device_simulate)
    return p


def _take_lang(argv: Sequence[str]) -> tuple[list[str], str | None]:
    """`--lang en` may stand anywhere (`scorer mark … --lang en` as well as before the verb):
    take it out before argparse sees the verb's arguments. Arguments after `--` are left alone."""
    rest: list[str] = []
    lang = None
    items = list(argv)
    i = 0
    while i < len(items):
        item = items[i]
        if item == "--":
            rest += items[i:]
            break
        if item == "--lang" and i + 1 < len(items):
            lang = items[i + 1]
            i += 2
            continue
        if item.startswith("--lang="):
            lang = item.split("=", 1)[1]
        else:
            rest.append(item)
        i += 1
    return rest, lang


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    rest, lang = _take_lang(sys.argv[1:] if argv is None else argv)
    if lang is not None:
        rest = ["--lang", lang, *rest]  # argparse still checks the choice
    args = parser.parse_args(rest)
    if args.lang:
        os.environ["SCORER_LANG"] = args.lang
    try:
        return int(args.func(args))
    except ScorerError as exc:
        sys.stderr.write(_t("错误：", "error: ") + exc.message() + "\n")
        for problem in exc.problems[:50]:
            sys.stderr.write("  " + problem.message() + "\n")
        if len(exc.problems) > 50:
            sys.stderr.write(
                _t(f"  ……还有 {len(exc.problems) - 50} 个问题\n", f"  … {len(exc.problems) - 50} more\n")
            )
        return 1
    except sqlite3.Error as exc:
        from scorer.store import files

        err = files.sqlite_error(Path(getattr(args, "db", None) or "."), exc, writing=False)
        sys.stderr.write(_t("错误：", "error: ") + err.message() + "\n")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `scorer … | head`: the reader left; not an error worth a traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as exc:
        from scorer.store import files

        err = files.os_error(Path(exc.filename or getattr(args, "db", None) or "."), exc, writing=False)
        sys.stderr.write(_t("错误：", "error: ") + err.message() + "\n")
        return 1
    except Exception as exc:  # the last resort: a bug; one line for the user, details in a log file
        where = _log_crash(exc)
        sys.stderr.write(
            _t(
                f"错误：程序内部错误（{type(exc).__name__}: {exc}），操作未完成；详细信息已记录到 {where}，"
                "请把它交给技术支持",
                f"error: an internal error ({type(exc).__name__}: {exc}); the action was not completed; "
                f"details were written to {where} — please pass it on to support",
            )
            + "\n"
        )
        return 1


def _log_crash(exc: BaseException) -> str:
    """Append the traceback of an unexpected error to scorer-errors.log in the user's data folder
    (or the temporary folder); where it went, for the one-line message."""
    import time
    import traceback

    import platformdirs

    text = f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} scorer {__version__} argv={sys.argv!r}\n" + "".join(
        traceback.format_exception(exc)
    )
    override = os.environ.get("SCORER_DATA_DIR")
    folders = [Path(override) if override else Path(platformdirs.user_data_dir("Scorer", appauthor=False))]
    import tempfile

    folders.append(Path(tempfile.gettempdir()))
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "scorer-errors.log"
            with open(path, "a", encoding="utf-8") as f:
                f.write(text)
            return str(path)
        except OSError:
            continue
    return _t("（无法写入日志）", "(nowhere: no folder could be written)")
