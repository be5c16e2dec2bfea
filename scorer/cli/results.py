"""What the marks add up to: `scorer results` (ranked, with awards), `explain` (why A ranks above
B) and `report` (a printed document of an event as PDF)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scorer.cli.output import add_format, add_json, done, echo, emit, emit_json, t
from scorer.cli.stores import competition_of, read_only
from scorer.errors import ScorerError, language
from scorer.store import Store

if TYPE_CHECKING:
    from scorer.cli.errors import Subparsers


def cmd_results(args: argparse.Namespace) -> int:
    from scorer import results_json

    with read_only(args.db) as store:
        comp = competition_of(store)
        codes = [args.event] if args.event else [e.code for e in comp.events]
        results = [store.results(code) for code in codes]
    data = results_json.to_dict(comp, results)
    if args.format == "json":
        emit_json(data)
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
                    "complete": "" if r["complete"] else t("未完成", "incomplete"),
                }
            )
    emit(rows, args.format, headers)
    if args.format == "table":
        for ev in data["events"]:
            for p in ev["problems"]:
                sys.stderr.write(
                    t("需裁定：", "blocking: ") + (p["en"] if language() == "en" else p["zh"]) + "\n"
                )
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from scorer.rules import explain

    with read_only(args.db) as store:
        comp = competition_of(store)
        people = {x.code: x for x in comp.contestants}
        for code in (args.a, args.b):
            if code not in people:
                raise ScorerError(f"没有加密号为“{code}”的选手", f"no contestant with code '{code}'")
        if people[args.a].event != people[args.b].event:
            raise ScorerError("两名选手不在同一个项目", "the two contestants are not in the same event")
        event = comp.event(people[args.a].event)
        assert event is not None
        result = store.results(event.code)
    why = explain(event, result, args.a, args.b)
    done(args, why.text(), event=event.code, a=args.a, b=args.b, ahead=why.ahead, zh=why.zh, en=why.en)
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

    with read_only(args.db) as store:
        comp = competition_of(store)
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
    if not args.json:
        echo(t(f"已生成 {out}（{pages} 页）", f"wrote {out} ({pages} pages)"))
    if draft is not None:
        sys.stderr.write(t(*draft) + "\n")
    log_id = None
    try:
        with Store.open(args.db) as store:
            log_id = record_print(
                store, getattr(args, "actor", None) or "coordinator", args.kind, event, pdf, "cli"
            )
    except ScorerError as exc:
        sys.stderr.write(t("打印记录未写入：", "the print was not logged: ") + exc.message() + "\n")
    if args.json:  # after the print log, so its row is named (null: not logged)
        emit_json(
            {
                "file": str(out),
                "kind": args.kind,
                "event": event,
                "pages": pages,
                "draft": None if draft is None else {"zh": draft[0], "en": draft[1]},
                "log_id": log_id,
            }
        )
    return 0


# ------------------------------------------------------------------ parsers


def add_results(sub: Subparsers) -> None:
    s = sub.add_parser("results", help="ranked results / 成绩排名")
    s.add_argument("db")
    s.add_argument("--event")
    add_format(s, ["table", "json", "csv"], "table")
    s.set_defaults(func=cmd_results)


def add_explain(sub: Subparsers) -> None:
    s = sub.add_parser("explain", help="why A ranks above B / 排名说明")
    s.add_argument("db")
    s.add_argument("a", metavar="CODE_A")
    s.add_argument("b", metavar="CODE_B")
    add_json(s)
    s.set_defaults(func=cmd_explain)


def add_report(sub: Subparsers) -> None:
    from scorer.reports.registry import KINDS

    s = sub.add_parser("report", help="print a document of an event to PDF / 生成PDF文档")
    s.add_argument("db")
    s.add_argument("kind", choices=list(KINDS), help=", ".join(f"{k} ({v[1]})" for k, v in KINDS.items()))
    s.add_argument("--event", help="event code (needed when the competition has several events)")
    s.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    s.add_argument("--actor", default="coordinator", help="who prints, for the print log / 打印人")
    add_json(s)
    s.set_defaults(func=cmd_report)


VERBS = {"results": add_results, "explain": add_explain, "report": add_report}
