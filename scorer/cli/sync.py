"""`scorer sync …`: this laptop's side of sync with headquarters (docs/sync.md) — enrol, push,
status, and by USB stick export / import-receipt.

Each verb prints sentences for people, or with --json one JSON object (keys below, stable). A
failure is one line on stderr (errors.run) and exit 1; with --json the same failure is also an
object on stdout: {"error": {"code", "zh", "en", "seq"}} ("code" is headquarters' refusal code, or
"rollback"/"fork" seen before sending, "not_enrolled", "unreachable", "answer" (headquarters' answer
is not valid), "error" (anything else)).

JSON keys:
- enrol: station, venue, venue_name, hq, hq_key, hq_url, enrolled
- push: db, station, url, sent, batches, count, held_count, head_hash, fingerprint, state, zh, en,
  receipt
- status: {"file", "feeds": [{db, station, this_laptop, enrolled, venue, hq, hq_url, count,
  head_hash, held_count, held_last_seq, held_head_hash, held_time, fingerprint, own_fingerprint,
  state, zh, en}]}
- export: path, db, station, venue, first, last, entries, batches, enrol, bytes
- import-receipt: path, hq, enrolled, receipts, kept, other_files, refused [{first, last, code, zh,
  en, seq}], feeds (as in status)

The competition file: --file, else $SCORER_FILE, else the demo file in the data folder.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scorer.cli.errors import UsageParser
from scorer.cli.output import add_json, echo, emit_json, t
from scorer.errors import ScorerError
from scorer.sync import bundle, client, http, wire

if TYPE_CHECKING:
    from scorer.cli.errors import Subparsers


def competition_file(args: argparse.Namespace) -> Path:
    """--file, else $SCORER_FILE, else the demo file (as the application opens it by default)."""
    given = args.file or os.environ.get("SCORER_FILE")
    if given:
        return Path(given)
    from scorer.demo import demo_path

    path = demo_path()
    if not path.exists():
        raise ScorerError(
            "请用 --file 指定竞赛文件（或设置 SCORER_FILE）",
            "give the competition file with --file (or set SCORER_FILE)",
        )
    return path


def _error_json(exc: ScorerError) -> dict[str, Any]:
    if isinstance(exc, wire.SyncRefused):
        return exc.to_json()
    return {"code": getattr(exc, "code", "error"), "zh": exc.zh, "en": exc.en, "seq": None}


def _json_errors(verb: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """With --json a failure is also a JSON object on stdout; the one line on stderr and exit 1
    stay errors.run's."""

    def wrapped(args: argparse.Namespace) -> int:
        try:
            return verb(args)
        except ScorerError as exc:
            if args.json:
                emit_json({"error": _error_json(exc)})
            raise

    wrapped.__name__ = verb.__name__
    wrapped.__doc__ = verb.__doc__
    return wrapped


@_json_errors
def cmd_sync_enrol(args: argparse.Namespace) -> int:
    e = client.enrol(competition_file(args), args.url, args.code, args.name, timeout=args.timeout)
    if args.json:
        emit_json(asdict(e))
        return 0
    echo(
        t(
            f"已登记：站点 {e.station} 属于场地“{e.venue_name}”（{e.venue}），总部 {e.hq}（{e.hq_url}）",
            f"enrolled: station {e.station} for venue '{e.venue_name}' ({e.venue}), headquarters {e.hq} "
            f"({e.hq_url})",
        )
    )
    return 0


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r{t('总部已确认', 'acknowledged')} {done}/{total}")
        sys.stderr.flush()
        if done >= total:
            sys.stderr.write("\n")


@_json_errors
def cmd_sync_push(args: argparse.Namespace) -> int:
    result = client.push(
        competition_file(args),
        args.url,
        None if args.json else _progress,
        batch_size=args.batch_size,
        timeout=args.timeout,
    )
    if args.json:
        emit_json(result.to_json())
    else:
        echo(result.message())
    return 0 if result.state == "synced" else 1


@_json_errors
def cmd_sync_status(args: argparse.Namespace) -> int:
    path = competition_file(args)
    feeds = client.status(path)
    if args.json:
        emit_json({"file": str(path), "feeds": [f.to_json() for f in feeds]})
        return 0
    if not feeds:
        echo(
            t(
                "此文件没有本机的记录，也没有同步信息",
                "this file has no rows of this laptop and no sync state",
            )
        )
    for f in feeds:
        mark = t("（本机）", " (this laptop)") if f.this_laptop else ""
        echo(f"{f.station}{mark}: {f.message()}")
    return 0


@_json_errors
def cmd_sync_export(args: argparse.Namespace) -> int:
    done = bundle.export_bundle(
        competition_file(args), args.bundle, everything=args.all, enrol_code=args.enrol, name=args.name
    )
    if args.json:
        emit_json(done.to_json())
        return 0
    what_zh = f"{done.entries} 条记录（序号 {done.first}–{done.last}）" if done.entries else "没有新的记录"
    what_en = f"{done.entries} entries (seq {done.first}–{done.last})" if done.entries else "no new entries"
    if done.enrol:
        what_zh += "，含登记请求"
        what_en += ", with the enrolment request"
    echo(
        t(
            f"已写入 {done.path}：{what_zh}。请在总部导入（scorer hq import），再把回执文件带回来导入"
            "（scorer sync import-receipt）",
            f"wrote {done.path}: {what_en}. Import it at headquarters (scorer hq import), then bring the "
            "receipt file back (scorer sync import-receipt)",
        )
    )
    return 0


@_json_errors
def cmd_sync_import_receipt(args: argparse.Namespace) -> int:
    path = competition_file(args)
    done = bundle.import_receipts(path, Path(args.receipt))
    feeds = client.status(path)
    for r in done.refused:  # on stderr in both forms: the import is not complete
        where = f"{r.get('first')}–{r.get('last')}"
        seq = f" ({t('序号', 'seq')} {r['seq']})" if r.get("seq") is not None else ""
        sys.stderr.write(
            t(
                f"总部拒收批次 {where}{seq}：{r.get('zh')}",
                f"headquarters refused batch {where}{seq}: {r.get('en')}",
            )
            + "\n"
        )
    if args.json:
        emit_json({**done.to_json(), "feeds": [f.to_json() for f in feeds]})
        return 1 if done.refused else 0
    if done.enrolled:
        echo(t(f"已登记到总部 {done.hq}", f"enrolled with headquarters {done.hq}"))
    echo(
        t(
            f"回执文件：{done.receipts} 份回执，{done.kept} 份比已有的新",
            f"receipt file: {done.receipts} receipt(s), {done.kept} newer than those kept",
        )
    )
    for f in feeds:
        mark = t("（本机）", " (this laptop)") if f.this_laptop else ""
        echo(f"{f.station}{mark}: {f.message()}")
    return 1 if done.refused else 0


# ------------------------------------------------------------------ parsers


FEED = (
    "db, station, this_laptop, enrolled, venue, hq, hq_url, count, head_hash, held_count, held_last_seq, "
    "held_head_hash, held_time, fingerprint, own_fingerprint, state (synced|behind|fork|not enrolled), zh, en"
)
JSON_KEYS = {  # shown by each verb's --help; the same list is in the module doc
    "enrol": "station, venue, venue_name, hq, hq_key, hq_url, enrolled",
    "push": "db, station, url, sent, batches, count, held_count, head_hash, fingerprint, state, zh, en, receipt",
    "status": f"file, feeds: [{FEED}]",
    "export": "path, db, station, venue, first, last, entries, batches, enrol, bytes",
    "import-receipt": "path, hq, enrolled, receipts, kept, other_files, refused: [first, last, code, zh, en, "
    "seq], feeds: [as status]",
}
ERROR_KEYS = "a failure (exit 1): error: {code, zh, en, seq}"


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--file", "-f", help="the competition file (default: $SCORER_FILE, else the demo file)")
    add_json(p)
    verb = p.prog.split()[-1]
    p.epilog = f"--json keys: {JSON_KEYS[verb]}; {ERROR_KEYS}"


def add_sync(sub: Subparsers) -> None:
    s = sub.add_parser(
        "sync", help="sync with headquarters: enrol, push, status, export, import-receipt / 同步"
    )
    ssub = s.add_subparsers(dest="sync_command", required=True, parser_class=UsageParser)

    p = ssub.add_parser("enrol", help="enrol this laptop with headquarters using a one-time code / 登记")
    p.add_argument("url", help="headquarters' address, e.g. http://hq.example:8470")
    p.add_argument("code", help="the one-time enrolment code, e.g. K3M9Q-7TX2B (the dash is optional)")
    p.add_argument("--name", help="this laptop's name as headquarters shows it (default: its station name)")
    p.add_argument("--timeout", type=float, default=http.TIMEOUT, help="seconds to wait for an answer")
    _common(p)
    p.set_defaults(func=cmd_sync_enrol)

    p = ssub.add_parser("push", help="send what headquarters does not hold yet, in signed batches / 推送")
    p.add_argument("--url", help="headquarters' address (default: the one enrolled with; then remembered)")
    p.add_argument(
        "--batch-size", type=int, default=wire.BATCH_SIZE, help=f"entries per batch (1–{wire.MAX_BATCH})"
    )
    p.add_argument("--timeout", type=float, default=http.TIMEOUT, help="seconds to wait for each answer")
    _common(p)
    p.set_defaults(func=cmd_sync_push)

    p = ssub.add_parser("status", help="what headquarters holds, per station, by its receipts / 同步状态")
    _common(p)
    p.set_defaults(func=cmd_sync_status)

    p = ssub.add_parser("export", help="a bundle for a USB stick: entries not yet acknowledged / 导出同步包")
    p.add_argument("bundle", help="the bundle file to write")
    p.add_argument("--all", action="store_true", help="every entry, not only those not yet acknowledged")
    p.add_argument("--enrol", metavar="CODE", help="put an enrolment request with this code in the bundle")
    p.add_argument("--name", help="this laptop's name for the enrolment request")
    _common(p)
    p.set_defaults(func=cmd_sync_export)

    p = ssub.add_parser("import-receipt", help="keep headquarters' receipt file for a bundle / 导入回执")
    p.add_argument("receipt", help="the receipt file headquarters wrote (…bundle.receipt)")
    _common(p)
    p.set_defaults(func=cmd_sync_import_receipt)


VERBS = {"sync": add_sync}
