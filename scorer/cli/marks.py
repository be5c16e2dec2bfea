"""`scorer mark`, `correct`, `void`, `status` (each prints the new log row's id, or {"log_id": …} with
--json) and `marks` (the current marks, or every entry with --history)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from scorer.cli.output import add_format, add_json, done, emit, t
from scorer.cli.stores import read_only
from scorer.errors import language
from scorer.store import Store
from scorer.values import show_value

if TYPE_CHECKING:
    from scorer.cli.errors import Subparsers


def _log_id(text: str) -> int:
    """A log id argument: a positive whole number SQLite can hold (not an OverflowError)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 0 < value < 2**63:
        raise argparse.ArgumentTypeError(
            t(f"“{text}”不是有效的记录号（正整数）", f"'{text}' is not a valid log id (a positive number)")
        )
    return value


def cmd_mark(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        log_id = store.record_mark(
            judge=args.judge, contestant=args.contestant, aspect=args.aspect, value=args.value, source="cli"
        )
    done(args, str(log_id), log_id=log_id)
    return 0


def cmd_correct(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        log_id = store.correct_mark(
            replaces=args.log_id, value=args.value, reason=args.reason, actor=args.actor, source="cli"
        )
    done(args, str(log_id), log_id=log_id)
    return 0


def cmd_void(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        log_id = store.void_mark(replaces=args.log_id, reason=args.reason, actor=args.actor, source="cli")
    done(args, str(log_id), log_id=log_id)
    return 0


def cmd_marks(args: argparse.Namespace) -> int:
    with read_only(args.db) as store:
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
        emit(rows, args.format, headers)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        log_id = store.set_status(
            contestant=args.contestant, status=args.status, reason=args.reason, actor=args.actor
        )
    done(args, str(log_id), log_id=log_id)
    return 0


# ------------------------------------------------------------------ parsers


def add_mark(sub: Subparsers) -> None:
    s = sub.add_parser("mark", help="record one mark; prints its log id / 录入分数")
    s.add_argument("db")
    s.add_argument("--judge", "-j", required=True)
    s.add_argument("--contestant", "-c", required=True, help="the contestant's anonymous code (加密号)")
    s.add_argument("--aspect", "-a", required=True)
    s.add_argument("value")
    add_json(s)
    s.set_defaults(func=cmd_mark)


def add_correct(sub: Subparsers) -> None:
    s = sub.add_parser("correct", help="correct a mark with a reason / 更正分数")
    s.add_argument("db")
    s.add_argument("log_id", type=_log_id)
    s.add_argument("value")
    s.add_argument("--reason", required=True)
    s.add_argument("--actor", required=True, help="the judge (or chief judge) making the correction")
    add_json(s)
    s.set_defaults(func=cmd_correct)


def add_void(sub: Subparsers) -> None:
    s = sub.add_parser("void", help="withdraw a mark with a reason / 作废分数")
    s.add_argument("db")
    s.add_argument("log_id", type=_log_id)
    s.add_argument("--reason", required=True)
    s.add_argument("--actor", required=True)
    add_json(s)
    s.set_defaults(func=cmd_void)


def add_marks(sub: Subparsers) -> None:
    s = sub.add_parser("marks", help="list current marks (--history: every entry) / 分数列表")
    s.add_argument("db")
    s.add_argument("--event")
    s.add_argument("--history", action="store_true")
    add_format(s, ["table", "json", "csv"], "table")
    s.set_defaults(func=cmd_marks)


def add_status(sub: Subparsers) -> None:
    s = sub.add_parser("status", help="did not finish / withdrew / disqualified (chief judge) / 选手状态")
    s.add_argument("db")
    s.add_argument("contestant")
    s.add_argument("status", choices=["ok", "absent", "dnf", "withdrawn", "dq"])
    s.add_argument("--reason", required=True)
    s.add_argument("--actor", required=True)
    add_json(s)
    s.set_defaults(func=cmd_status)


VERBS = {"mark": add_mark, "correct": add_correct, "void": add_void, "marks": add_marks, "status": add_status}
