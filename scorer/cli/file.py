"""The competition file as a whole: `scorer init`, `import`, `export`, `info`, `verify`,
`accept-checkpoint` and `demo`; each prints a sentence for people, or JSON with --json."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scorer import package
from scorer.cli.output import add_format, add_json, done, echo, emit_json, issue_json, t, table
from scorer.cli.stores import competition_of, read_only
from scorer.errors import ScorerError
from scorer.store import Store
from scorer.store.verify import verify

if TYPE_CHECKING:
    from scorer.cli.errors import Subparsers


def cmd_init(args: argparse.Namespace) -> int:
    comp = package.load(args.package) if args.package else None
    with Store.create(args.db, args.station_name or "", comp, args.actor) as store:  # all or nothing
        done(
            args,
            t(
                f"已创建 {args.db}（站点 {store.station.id}）",
                f"created {args.db} (station {store.station.id})",
            ),
            file=str(args.db),
            station=store.station.id,
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
        done(
            args,
            t(
                f"已导入 {Path(args.file).name}：{len(comp.events)} 个项目，{len(comp.contestants)} 名选手，"
                f"{len(comp.judges)} 名裁判（记录 #{log_id}）",
                f"imported {Path(args.file).name}: {len(comp.events)} events, {len(comp.contestants)} contestants, "
                f"{len(comp.judges)} judges (log #{log_id})",
            ),
            file=str(args.file),
            events=len(comp.events),
            contestants=len(comp.contestants),
            judges=len(comp.judges),
            log_id=log_id,
        )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with read_only(args.db) as store:
        comp = competition_of(store)
        checked = store.health(full=True)  # what leaves the laptop must come from a sound file
        if not checked.sound:
            summary, advice = checked.summary() or ("", ""), checked.advice() or ("", "")
            raise ScorerError(
                f"不能导出：{summary[0]}。{advice[0]}", f"export refused: {summary[1]}. {advice[1]}"
            )
        path = Path(args.file)
        if path.suffix.lower() == ".csv":
            from scorer.package import csvlists

            data = csvlists.judges_csv(comp) if args.kind == "judges" else csvlists.contestants_csv(comp)
            try:
                path.write_bytes(data)
            except OSError as exc:
                raise ScorerError(
                    f"无法写入 {path}：{exc.strerror}", f"cannot write {path}: {exc.strerror}"
                ) from None
        else:
            package.save(comp, path)
        done(args, t(f"已导出到 {path}", f"exported to {path}"), file=str(path))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    report = verify(args.db)
    if args.json:
        advice = report.advice() if not report.ok else None
        emit_json(
            {
                "ok": report.ok,
                "rows": report.rows,
                "stations": report.stations,
                "problems": [{"code": i.code, **issue_json(i)} for i in report.problems],
                "notes": [{"code": i.code, **issue_json(i)} for i in report.notes],
                "advice": None if advice is None else {"zh": advice[0], "en": advice[1]},
            }
        )
        return 0 if report.ok else 1
    for note in report.notes:
        echo(t("提示：", "note: ") + note.message())
    if report.ok:
        echo(
            t(
                f"校验通过：{report.rows} 条记录，{len(report.stations)} 个站点，哈希链、检查点和当前分数表一致",
                f"verified: {report.rows} rows from {len(report.stations)} station(s); "
                "hash chain, checkpoint and current marks agree",
            )
        )
        return 0
    first = report.problems[0]
    sys.stderr.write(t("校验失败：", "verification FAILED: ") + first.message() + "\n")
    for more in report.problems[1:]:
        sys.stderr.write("  " + more.message() + "\n")
    advice = report.advice()
    if advice is not None:
        sys.stderr.write(t("怎么办：", "what to do: ") + t(*advice) + "\n")
    return 1


def cmd_accept_checkpoint(args: argparse.Namespace) -> int:
    """A chief judge accepts a missing, damaged or older checkpoint with a reason (logged, shown by
    verify ever after); writing is allowed again."""
    with Store.open(args.db) as store:
        h = store.health()
        if h.needs_acceptance:
            for issue in h.issues:
                sys.stderr.write(t("检查点：", "checkpoint: ") + issue.message() + "\n")
        log_id = store.accept_checkpoint(args.actor, args.reason, source="cli")
    done(
        args,
        t(
            f"已记录接受（记录 #{log_id}），检查点已重新写入；scorer verify 会一直显示这一决定",
            f"acceptance recorded (log #{log_id}) and the checkpoint written anew; scorer verify shows "
            "this decision from now on",
        ),
        log_id=log_id,
        checkpoint=h.checkpoint,
        problems=[issue_json(i) for i in h.issues] if h.needs_acceptance else [],
    )
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    with read_only(args.db) as store:
        info = store.info()
        h = store.health()
        info["checkpoint"] = h.checkpoint
        info["problems"] = [issue_json(i) for i in h.problems]
    if args.format == "json":
        emit_json(info)
        return 0
    comp = info["competition"]
    lines = [
        f"{t('文件', 'file')}: {info['file']}",
        f"{t('站点', 'station')}: {info['station']} {info['station_name']}",
        f"{t('数据库结构', 'schema')}: {', '.join(info['schema'])}",
        f"{t('日志记录', 'log rows')}: {info['log_rows']}  {info['log_kinds']}",
        f"{t('当前分数', 'current marks')}: {info['current_marks']}",
    ]
    if comp:
        lines += [
            f"{t('竞赛', 'competition')}: {comp['name']} ({comp['id']})  {comp['venue']}",
            f"{t('选手', 'contestants')}: {comp['contestants']}  {t('裁判', 'judges')}: {comp['judges']}",
            table(
                [t("项目", "event"), t("名称", "name"), t("评分项", "aspects"), t("选手", "contestants")],
                [[e["code"], e["name"], e["aspects"], e["contestants"]] for e in comp["events"]],
            ),
        ]
    else:
        lines.append(t("尚未导入竞赛定义", "no competition imported yet"))
    echo("\n".join(lines))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from scorer.demo import demo_path, ensure_demo

    path = ensure_demo(Path(args.db) if args.db else demo_path())
    done(args, str(path), file=str(path))
    return 0


# ------------------------------------------------------------------ parsers


def add_init(sub: Subparsers) -> None:
    s = sub.add_parser("init", help="create a competition file / 新建竞赛文件")
    s.add_argument("db")
    s.add_argument("--package", help="a competition package (.json/.xlsx) to import at once")
    s.add_argument("--station-name", help="a name for this laptop, e.g. 一号机")
    s.add_argument("--actor", default="coordinator")
    add_json(s)
    s.set_defaults(func=cmd_init)


def add_import(sub: Subparsers) -> None:
    s = sub.add_parser("import", help="import a package (.json/.xlsx) or a list (.csv) / 导入")
    s.add_argument("db")
    s.add_argument("file")
    s.add_argument("--kind", choices=["contestants", "judges"], help="what a .csv file lists")
    s.add_argument("--actor", default="coordinator")
    add_json(s)
    s.set_defaults(func=cmd_import)


def add_export(sub: Subparsers) -> None:
    s = sub.add_parser("export", help="export the competition (.json/.xlsx/.csv) / 导出")
    s.add_argument("db")
    s.add_argument("file")
    s.add_argument("--kind", choices=["contestants", "judges"], default="contestants", help="for .csv")
    add_json(s)
    s.set_defaults(func=cmd_export)


def add_verify(sub: Subparsers) -> None:
    s = sub.add_parser("verify", help="check the log's hash chain and checkpoint / 校验")
    s.add_argument("db")
    add_json(s)
    s.set_defaults(func=cmd_verify)


def add_accept_checkpoint(sub: Subparsers) -> None:
    s = sub.add_parser(
        "accept-checkpoint",
        help="a chief judge accepts a missing/damaged/older checkpoint, with a reason / 接受检查点问题",
    )
    s.add_argument("db")
    s.add_argument("--actor", required=True, help="the chief judge's code / 裁判长代码")
    s.add_argument("--reason", required=True, help="why the file is known to be right / 原因")
    add_json(s)
    s.set_defaults(func=cmd_accept_checkpoint)


def add_info(sub: Subparsers) -> None:
    s = sub.add_parser("info", help="what a competition file holds / 文件信息")
    s.add_argument("db")
    add_format(s, ["text", "json"], "text")
    s.set_defaults(func=cmd_info)


def add_demo(sub: Subparsers) -> None:
    s = sub.add_parser("demo", help="create the demo competition file (if missing); prints its path")
    s.add_argument("db", nargs="?")
    add_json(s)
    s.set_defaults(func=cmd_demo)


VERBS = {
    "init": add_init,
    "import": add_import,
    "export": add_export,
    "verify": add_verify,
    "accept-checkpoint": add_accept_checkpoint,
    "info": add_info,
    "demo": add_demo,
}
