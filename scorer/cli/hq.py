"""`scorer hq …`: headquarters (总部) — serve the sync API, add venues and their one-time
enrolment codes, import USB bundles, and show what is held (feeds, forks, quarantines, refusals).

Every verb takes --db (an SQLite file or postgresql://…; default hq.sqlite in the data folder) and
--data (headquarters' data folder, holding its key; default the user data folder's "hq")."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scorer.cli.errors import UsageParser
from scorer.cli.output import add_json, echo, emit_json, t, table

if TYPE_CHECKING:
    from scorer.cli.errors import Subparsers
    from scorer.hq.db import Database

DEFAULT_PORT = 8750


@contextlib.contextmanager
def _opened(args: argparse.Namespace) -> Iterator[Database]:
    """Headquarters' database for one command (--db, else the data folder's), migrated; closed after."""
    from scorer.hq.db import migrate, open_database
    from scorer.hq.keys import data_folder, default_db

    database = open_database(args.db or default_db(data_folder(args.data)))
    try:
        migrate(database)
        yield database
    finally:
        database.close()


def cmd_hq_serve(args: argparse.Namespace) -> int:
    from scorer.hq.serve import serve

    def say(zh: str, en: str, facts: dict[str, Any]) -> None:
        if args.json:
            print(json.dumps(facts, ensure_ascii=False))
        else:
            echo(t(zh, en))
        sys.stdout.flush()

    with contextlib.suppress(KeyboardInterrupt):
        serve(args.db, args.host, args.port, args.workers, args.data, args.name, say, args.trust_proxy)
    return 0


def _show_code(args: argparse.Namespace, new: Any) -> int:
    from scorer.hq import qr

    png = Path(args.png) if args.png else Path(f"enrol-{new.venue}.png")
    qr.write_png(new.qr_text, png)
    if args.json:
        emit_json(
            {
                "venue": new.venue,
                "venue_name": new.venue_name,
                "code": new.code,
                "expires": new.expires,
                "qr": new.qr_text,
                "png": str(png),
            }
        )
        return 0
    expires = new.expires[:16].replace("T", " ")
    echo(
        t(
            f"场地 {new.venue}「{new.venue_name}」的登记码（只能用一次，{expires} UTC 前有效；每台电脑一个）：",
            f"the enrolment code for venue {new.venue} ({new.venue_name}) — works once, until {expires} UTC; "
            "one per laptop:",
        )
    )
    echo(f"\n    {new.code}\n")
    echo(qr.terminal(new.qr_text, colour=sys.stdout.isatty()))
    echo(t(f"二维码内容：{new.qr_text}\n二维码图片：{png}", f"QR content: {new.qr_text}\nQR image: {png}"))
    return 0


def cmd_hq_venue_add(args: argparse.Namespace) -> int:
    from scorer.hq import enrol

    with _opened(args) as database:
        new = enrol.add_venue(database, args.name, args.valid_hours, args.url, by=cli_actor())
    return _show_code(args, new)


def cmd_hq_venue_code(args: argparse.Namespace) -> int:
    from scorer.hq import enrol

    with _opened(args) as database:
        new = enrol.add_code(database, args.venue, args.valid_hours, args.url, by=cli_actor())
    return _show_code(args, new)


def cmd_hq_venue_list(args: argparse.Namespace) -> int:
    from scorer.hq import enrol

    with _opened(args) as database:
        venues = enrol.venues(database)
    if args.json:
        emit_json(venues)
        return 0
    if not venues:
        echo(
            t(
                "还没有场地：用 scorer hq venue add 名称 添加",
                "no venues yet: add one with scorer hq venue add NAME",
            )
        )
        return 0
    rows = []
    for v in venues:
        codes = v["codes"]
        rows.append(
            [v["venue"], v["name"], len(v["stations"]), codes["open"], codes["used"], codes["expired"]]
        )
    echo(table([t("场地", "venue"), t("名称", "name"), t("站点", "stations"), t("可用码", "open codes"),
                t("已用", "used"), t("过期", "expired")], rows))  # fmt: skip
    stations = [
        [
            v["venue"],
            s["station"],
            s["name"],
            s["entries"],
            t("已隔离", "QUARANTINED") if s["quarantined"] else "",
        ]
        for v in venues
        for s in v["stations"]
    ]
    if stations:
        echo("")
        echo(table([t("场地", "venue"), t("站点", "station"), t("名称", "name"), t("记录", "entries"),
                    t("状态", "state")], stations))  # fmt: skip
    return 0


def _record_import(database: Database, path: Path, details: dict[str, Any]) -> None:
    """A bundle imported by staff from the command line goes on record (refused whole, too)."""
    from scorer.hq import audit

    with database.write() as tx:
        audit.record(tx, audit.cli_actor(), "bundle.import", {"bundle": path.name, **details})


def cmd_hq_import(args: argparse.Namespace) -> int:
    from scorer.hq import bundles, checks
    from scorer.hq.keys import data_folder, hq_identity
    from scorer.resources import write_whole
    from scorer.store import files
    from scorer.sync import wire

    path = Path(args.bundle)
    data = path.read_bytes()
    out = Path(args.out) if args.out else path.with_name(path.name + ".receipt")
    checks.install()
    with _opened(args) as database:
        try:
            imported = bundles.import_bundle(database, hq_identity(data_folder(args.data)), data)
        except wire.SyncRefused as exc:
            _record_import(database, path, {"refused_whole": exc.code, "seq": exc.seq})
            raise wire.SyncRefused(
                exc.code,
                f"U 盘同步包 {path} 被拒收，没有导入任何内容：{exc.zh}",
                f"the bundle {path} was refused, nothing was imported: {exc.en}",
                exc.seq,
            ) from None
        _record_import(
            database,
            path,
            {"station": imported.station, "venue": imported.venue, "db": imported.db,
             "batches": imported.batches, "stored": imported.stored, "repeated": imported.repeated,
             "refused": len(imported.refused)},
        )  # fmt: skip
    try:
        write_whole(out, imported.data)  # complete or not at all: it goes back to the venue
    except OSError as exc:
        raise files.os_error(out, exc) from None
    if args.json:
        emit_json(
            {
                "bundle": str(path),
                "receipt_file": str(out),
                "station": imported.station,
                "venue": imported.venue,
                "db": imported.db,
                "enrolment": imported.enrolment,
                "batches": imported.batches,
                "stored": imported.stored,
                "repeated": imported.repeated,
                "receipts": imported.receipts,
                "refused": imported.refused,
            }
        )
        return 1 if imported.refused else 0
    echo(
        t(
            f"已导入 U 盘同步包 {path}：站点 {imported.station}，场地 {imported.venue}，{imported.batches} 批，"
            f"新存入 {imported.stored} 条记录（{imported.repeated} 批是重复的，未重复保存）",
            f"imported the bundle {path}: station {imported.station}, venue {imported.venue}, "
            f"{imported.batches} batch(es), {imported.stored} new entries stored ({imported.repeated} batch(es) "
            "were repeats, not stored twice)",
        )
    )
    if imported.enrolment:
        echo(t(f"离线登记：站点 {imported.station} 已登记到场地 {imported.enrolment['venue']}",
               f"offline enrolment: station {imported.station} is enrolled for venue {imported.enrolment['venue']}"))  # fmt: skip
    for r in imported.receipts:
        echo(
            t(
                f"总部持有 {r['db']} / {r['station']}：{r['count']} 条，到序号 {r['last_seq']}，指纹 "
                f"{wire.fingerprint(r['head_hash'], r['count'])}",
                f"headquarters holds {r['db']} / {r['station']}: {r['count']} entries, up to seq {r['last_seq']}, "
                f"fingerprint {wire.fingerprint(r['head_hash'], r['count'])}",
            )
        )
    for r in imported.refused:
        sys.stderr.write(
            t(
                f"拒收序号 {r['first']}–{r['last']} 的一批：{r['zh']}\n",
                f"refused the batch of seq {r['first']}–{r['last']}: {r['en']}\n",
            )
        )
    echo(t(f"回执文件：{out}（带回场地导入）", f"receipt file: {out} (take it back to the venue)"))
    return 1 if imported.refused else 0


def cmd_hq_status(args: argparse.Namespace) -> int:
    from scorer.hq.keys import data_folder, hq_id, hq_identity
    from scorer.hq.status import status

    with _opened(args) as database:
        facts = status(database)
        shown = database.shown
    hq = hq_identity(data_folder(args.data))
    facts = {"hq": hq_id(hq), "database": shown, **facts}
    if args.json:
        emit_json(facts)
        return 0
    echo(t(f"总部 {facts['hq']}  数据库 {shown}", f"headquarters {facts['hq']}  database {shown}"))
    echo(t(f"场地 {len(facts['venues'])} 个", f"{len(facts['venues'])} venue(s)"))
    if facts["feeds"]:
        echo("")
        echo(
            table(
                [t("场地", "venue"), t("文件", "file"), t("站点", "station"), t("记录", "entries"),
                 t("最后序号", "last seq"), t("指纹", "fingerprint"), t("状态", "state")],
                [[f["venue"], f["db"], f["station"], f["count"], f["last_seq"], f["fingerprint"],
                  t("已隔离", "QUARANTINED") if f["quarantined"] else ""] for f in facts["feeds"]],
            )
        )  # fmt: skip
    else:
        echo(t("还没有收到任何记录", "no entries received yet"))
    for f in facts["forks"]:
        echo(
            t(
                f"分叉！站点 {f['station']} 文件 {f['db']} 序号 {f['seq']}：总部 {f['held_hash'][:12]}…，收到 {f['new_hash'][:12]}…（{f['at'][:19]}）",
                f"FORK: station {f['station']} file {f['db']} seq {f['seq']}: held {f['held_hash'][:12]}…, "
                f"received {f['new_hash'][:12]}… ({f['at'][:19]})",
            )
        )
    for q in facts["quarantined"]:
        echo(
            t(
                f"已隔离：站点 {q['station']}（{q['name']}）自 {q['since'][:19]}，扣留 {q['batches_held_back']} 批：{q['reason']}",
                f"quarantined: station {q['station']} ({q['name']}) since {q['since'][:19]}, "
                f"{q['batches_held_back']} batch(es) held back: {q['reason']}",
            )
        )
    states = {
        "match": t("一致", "match"),
        "differ": t("不一致！", "DIFFER"),
        "waiting": t("等待记录", "waiting"),
        "unchecked": t("未核对", "unchecked"),
    }
    if facts["results"]:
        echo("")
        echo(t("成绩核对（总部重算锁定的项目）：", "results checks (locked events recomputed here):"))
        for c in facts["results"]:
            echo(
                f"  {c['event']}  {c['station']}  {states.get(c['state'], c['state'])}  {t(c['zh'], c['en'])}"
            )
    if facts["refusals"]:
        echo("")
        echo(t("最近的拒收：", "recent refusals:"))
        for r in facts["refusals"]:
            echo(f"  {r['at'][:19]}  {r['station'] or '-'}  {r['code']}  {t(r['zh'], r['en'])}")
    return 0


# ------------------------------------------------------------------ parsers


def cmd_hq_release(args: argparse.Namespace) -> int:
    from scorer.hq.quarantine import release

    with _opened(args) as database:
        done = release(database, args.station, args.reason, args.by, actor=cli_actor())
    if args.json:
        emit_json(done)
        return 0
    echo(
        t(
            f"已解除站点 {done['station']} 的隔离（{done['by']}：{done['reason']}）；其后续批次须接续总部已收到的记录",
            f"station {done['station']} released from quarantine ({done['by']}: {done['reason']}); its next "
            "batches must continue what headquarters holds",
        )
    )
    return 0


def cli_actor() -> str:
    from scorer.hq.audit import cli_actor as actor

    return actor()


def _password(args: argparse.Namespace, username: str) -> str:
    """The new password: one line of stdin with --password-stdin, else typed twice at the terminal
    (not echoed). Checked before the second typing. Never printed."""
    from scorer.errors import ScorerError
    from scorer.hq.users import check_password

    if args.password_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n").removesuffix("\r")
        check_password(password, username)
        return password
    if not sys.stdin.isatty():
        raise ScorerError(
            "没有终端可以输入密码：请用 --password-stdin 从标准输入给出密码（一行）",
            "no terminal to type the password at: give it on standard input with --password-stdin (one line)",
        )
    import getpass

    first = getpass.getpass(
        t(f"{username} 的新密码（至少 10 个字符）：", f"new password for {username} (10+ characters): ")
    )
    check_password(first, username)
    if getpass.getpass(t("再输入一次：", "once more: ")) != first:
        raise ScorerError("两次输入的密码不一样，没有保存", "the two passwords differ: nothing was saved")
    return first


def cmd_hq_user_add(args: argparse.Namespace) -> int:
    from scorer.hq import users

    username = users.check_username(args.username)
    users.check_role(args.role)
    password = _password(args, username)
    with _opened(args) as database:
        user = users.add(database, username, args.role, password, cli_actor())
    if args.json:
        emit_json(user.public())
        return 0
    zh_role, en_role = users.ROLE_NAMES[user.role]
    echo(t(f"已添加用户 {user.username}（{zh_role}）", f"added the user {user.username} ({en_role})"))
    return 0


def cmd_hq_user_passwd(args: argparse.Namespace) -> int:
    from scorer.hq import users

    with _opened(args) as database:
        user = users.get(database, args.username)
        password = _password(args, user.username)
        users.set_password(database, user.username, password, cli_actor())
    if args.json:
        emit_json({"username": user.username, "password_changed": True})
        return 0
    echo(t(f"已更改 {user.username} 的密码；其所有登录会话已结束（API 令牌不受影响）",
           f"changed the password of {user.username}; all its sessions ended (its API tokens stay)"))  # fmt: skip
    return 0


def cmd_hq_user_list(args: argparse.Namespace) -> int:
    from scorer.hq import users

    with _opened(args) as database:
        accounts = users.listing(database)
    if args.json:
        emit_json(accounts)
        return 0
    if not accounts:
        echo(t("还没有工作人员账户：用 scorer hq user add 用户名 --role administrator 添加",
               "no staff accounts yet: add one with scorer hq user add NAME --role administrator"))  # fmt: skip
        return 0
    echo(table([t("用户名", "user"), t("角色", "role"), t("上次登录", "last log-in"), t("令牌", "tokens"),
                t("状态", "state")],
               [[a["username"], t(*users.ROLE_NAMES[a["role"]]), (a["last_login"] or "-")[:16].replace("T", " "),
                 a["tokens"], t("已停用", "disabled") if a["disabled"] else t("在用", "active")] for a in accounts]))  # fmt: skip
    return 0


def cmd_hq_user_token(args: argparse.Namespace) -> int:
    from scorer.hq import users

    with _opened(args) as database:
        new = users.new_token(database, args.username, args.name or "", cli_actor())
    if args.json:
        emit_json({"id": new.id, "token": new.token, "username": new.username, "name": new.name})
        return 0
    echo(t(f"{new.username} 的新 API 令牌 {new.id}（只显示这一次，请妥善保存；撤销：scorer hq user revoke {new.id}）：",
           f"a new API token {new.id} for {new.username} (shown this once only: keep it safe; revoke it with "
           f"scorer hq user revoke {new.id}):"))  # fmt: skip
    echo(f"\n    {new.token}\n")
    echo(t("用法：Authorization: Bearer <令牌>", "use: Authorization: Bearer <token>"))
    return 0


def cmd_hq_user_revoke(args: argparse.Namespace) -> int:
    from scorer.hq import users

    with _opened(args) as database:
        done = users.revoke_token(database, args.token_id, cli_actor())
    if args.json:
        emit_json(done)
        return 0
    echo(
        t(
            f"已撤销 {done['username']} 的令牌 {done['token']}",
            f"revoked the token {done['token']} of {done['username']}",
        )
    )
    return 0


def cmd_hq_user_disable(args: argparse.Namespace) -> int:
    from scorer.hq import users

    with _opened(args) as database:
        user = users.disable(database, args.username, cli_actor())
    if args.json:
        emit_json({"username": user.username, "disabled": True})
        return 0
    echo(t(f"已停用用户 {user.username}：不能再登录，会话已结束，令牌已失效",
           f"disabled the user {user.username}: it cannot log in, its sessions ended, its tokens stopped working"))  # fmt: skip
    return 0


def _add_user_verbs(hsub: Any) -> None:
    from scorer.hq.users import ROLES

    p = hsub.add_parser("user", help="headquarters' staff accounts and API tokens / 工作人员账户")
    usub = p.add_subparsers(dest="user_command", required=True, parser_class=UsageParser)
    v = usub.add_parser("add", help="add a staff account / 添加账户")
    v.add_argument("username")
    v.add_argument("--role", required=True, choices=ROLES, help="administrator, reviewer or read-only / 角色")
    v.set_defaults(func=cmd_hq_user_add)
    w = usub.add_parser("passwd", help="set an account's password (ends its sessions) / 改密码")
    w.add_argument("username")
    w.set_defaults(func=cmd_hq_user_passwd)
    for typed in (v, w):
        typed.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password as one line of stdin / 从标准输入读密码",
        )
    x = usub.add_parser("list", help="every account, its role and tokens / 列出账户")
    x.set_defaults(func=cmd_hq_user_list)
    y = usub.add_parser("token", help="a new API token for scripts, shown once / 新 API 令牌")
    y.add_argument("username")
    y.add_argument("--name", help="what the token is for / 用途")
    y.set_defaults(func=cmd_hq_user_token)
    r = usub.add_parser("revoke", help="revoke an API token / 撤销令牌")
    r.add_argument("token_id", metavar="TOKEN_ID", help="TK-…")
    r.set_defaults(func=cmd_hq_user_revoke)
    d = usub.add_parser("disable", help="disable an account: no log-in, sessions and tokens end / 停用账户")
    d.add_argument("username")
    d.set_defaults(func=cmd_hq_user_disable)
    for verb in (v, w, x, y, r, d):
        _common(verb)
        add_json(verb)


def cmd_hq_selection_add(args: argparse.Namespace) -> int:
    from scorer.hq import audit, crossvenue

    quotas = [crossvenue.parse_quota(q) for q in args.quota]
    with _opened(args) as database, database.write() as tx:
        who = cli_actor()
        sel = crossvenue.add_selection(tx, args.name, args.trade, args.method, quotas, who)
        audit.record(tx, who, "selection.add", {"id": sel.id, "name": sel.name, "trade": sel.trade,
                                                "method": sel.method, "quotas": [q.shown() for q in sel.quotas]})  # fmt: skip
    if args.json:
        emit_json(sel.public())
        return 0
    echo(t(f"已添加评选 {sel.id}「{sel.name}」：工种 {sel.trade}，{crossvenue.METHOD_NAMES[sel.method][0]}，"
           f"名额 {'、'.join(q.shown() for q in sel.quotas)}",
           f"added selection {sel.id} '{sel.name}': trade {sel.trade}, {crossvenue.METHOD_NAMES[sel.method][1]}, "
           f"quotas {', '.join(q.shown() for q in sel.quotas)}"))  # fmt: skip
    return 0


def cmd_hq_selection_list(args: argparse.Namespace) -> int:
    from scorer.hq import crossvenue

    with _opened(args) as database, database.read() as tx:
        found = crossvenue.selections(tx)
    if args.json:
        emit_json([s.public() for s in found])
        return 0
    if not found:
        echo(t("还没有评选：用 scorer hq selection add 名称 --trade 工种 --quota 奖项=人数 添加",
               "no selections yet: add one with scorer hq selection add NAME --trade CODE --quota AWARD=COUNT"))  # fmt: skip
        return 0
    echo(table([t("编号", "id"), t("名称", "name"), t("工种", "trade"), t("方法", "method"), t("名额", "quotas"),
                t("添加", "added"), t("经办", "by")],
               [[s.id, s.name, s.trade, t(*crossvenue.METHOD_NAMES[s.method]), " ".join(q.shown() for q in s.quotas),
                 s.created[:16].replace("T", " "), s.by_whom] for s in found]))  # fmt: skip
    return 0


def cmd_hq_selection_show(args: argparse.Namespace) -> int:
    from scorer.hq import crossvenue

    with _opened(args) as database, database.read() as tx:
        ranking = crossvenue.rank(tx, args.id)
    if args.json:
        emit_json(ranking.public())
        return 0
    sel = ranking.selection
    echo(t(f"评选 {sel.id}「{sel.name}」：工种 {sel.trade}，{crossvenue.METHOD_NAMES[sel.method][0]}，"
           f"{ranking.venues} 个场地 {len(ranking.rows)} 人参加排名",
           f"selection {sel.id} '{sel.name}': trade {sel.trade}, {crossvenue.METHOD_NAMES[sel.method][1]}, "
           f"{len(ranking.rows)} ranked from {ranking.venues} venue(s)"))  # fmt: skip
    if ranking.rows:
        echo(table([t("名次", "place"), t("姓名", "name"), t("单位", "organisation"), t("场地", "venue"),
                    t("得分", "score"), t("奖项", "award"), t("核对", "check")],
                   [[p.place, p.name, p.organisation, p.venue_name or p.venue, p.score, p.award or "-",
                     t("一致", "match") if p.state == "match" else t("不一致，需核查", "DIFFERS: to check")]
                    for p in ranking.rows]))  # fmt: skip
    for venue, why in ranking.excluded:
        echo(t(f"未参加排名：场地 {venue}（{why}）", f"not ranked: venue {venue} ({why})"))
    return 0


def _add_selection_verbs(hsub: Any) -> None:
    """`scorer hq selection add|list|show`: one trade ranked across venues (scorer.hq.crossvenue)."""
    p = hsub.add_parser("selection", help="a trade ranked across venues with award quotas / 跨场地评选")
    ssub = p.add_subparsers(dest="selection_command", required=True, parser_class=UsageParser)
    a = ssub.add_parser("add", help="add a selection / 添加评选")
    a.add_argument("name", help="e.g. 2026 上海市数控车工选拔")
    a.add_argument(
        "--trade", required=True, metavar="CODE", help="the event code the venues share / 工种（项目代码）"
    )
    a.add_argument("--method", choices=("total", "standardised"), default="total",
                   help="rank by total, or by each venue's standardised score (default total) / 排名方法")  # fmt: skip
    a.add_argument("--quota", action="extend", nargs="+", required=True, metavar="AWARD=COUNT|AWARD=PERCENT%",
                   help="in order, e.g. 上海市杰出技术能手=20 上海市技术能手=100, or 一等奖=10%% / 名额（按顺序）")  # fmt: skip
    a.set_defaults(func=cmd_hq_selection_add)
    ls = ssub.add_parser("list", help="every selection / 列出评选")
    ls.set_defaults(func=cmd_hq_selection_list)
    sh = ssub.add_parser("show", help="a selection's ranking across venues, with awards / 评选排名")
    sh.add_argument("id", type=int)
    sh.set_defaults(func=cmd_hq_selection_show)
    for verb in (a, ls, sh):
        _common(verb)
        add_json(verb)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db", metavar="URL", help="an SQLite file or postgresql://… (default: hq.sqlite in --data)"
    )
    p.add_argument(
        "--data", metavar="DIR", help="headquarters' data folder with its key (default: <data>/hq)"
    )


def add_hq(sub: Subparsers) -> None:
    s = sub.add_parser("hq", help="headquarters: serve, venues, import bundles, status / 总部")
    hsub = s.add_subparsers(dest="hq_command", required=True, parser_class=UsageParser)

    p = hsub.add_parser("serve", help="serve the sync API / 启动总部服务")
    _common(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every network)")
    p.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free)"
    )
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--name", help="headquarters' name shown to venues")
    p.add_argument(
        "--trust-proxy",
        metavar="ADDRESSES",
        default=os.environ.get("SCORER_HQ_TRUST_PROXY") or None,
        help="behind a reverse proxy: its IP addresses or networks (127.0.0.1 or 10.0.0.0/8,::1), whose "
        "X-Forwarded-Proto/-For are believed — https cookies, client addresses (env SCORER_HQ_TRUST_PROXY) "
        "/ 信任反向代理",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print the start line as JSON: url, database, hq, workers / 以 JSON 输出启动信息",
    )
    p.set_defaults(func=cmd_hq_serve)

    p = hsub.add_parser("venue", help="venues and their enrolment codes / 场地与登记码")
    vsub = p.add_subparsers(dest="venue_command", required=True, parser_class=UsageParser)
    add = vsub.add_parser("add", help="add a venue and make its first one-time code / 添加场地")
    add.add_argument("name")
    add.set_defaults(func=cmd_hq_venue_add)
    code = vsub.add_parser("code", help="another one-time code for a venue (one per laptop) / 新登记码")
    code.add_argument("venue", help="the venue id (V-…)")
    code.set_defaults(func=cmd_hq_venue_code)
    for v in (add, code):
        _common(v)
        v.add_argument("--valid-hours", type=float, default=72, help="hours the code works (default 72)")
        v.add_argument("--url", help="headquarters' address for the venue, put into the QR code")
        v.add_argument("--png", help="where to write the QR code image (default ./enrol-<venue>.png)")
        add_json(v)
    v = vsub.add_parser("list", help="venues, their stations and codes / 列出场地")
    _common(v)
    add_json(v)
    v.set_defaults(func=cmd_hq_venue_list)

    p = hsub.add_parser("import", help="import a USB bundle, write its receipt file / 导入 U 盘同步包")
    p.add_argument("bundle")
    _common(p)
    p.add_argument("--out", help="the receipt file (default: <bundle>.receipt)")
    add_json(p)
    p.set_defaults(func=cmd_hq_import)

    p = hsub.add_parser("station", help="stations: lift a quarantine / 站点")
    ssub = p.add_subparsers(dest="station_command", required=True, parser_class=UsageParser)
    r = ssub.add_parser("release", help="lift a station's quarantine after a fork was settled / 解除隔离")
    r.add_argument("station")
    r.add_argument("--reason", required=True, help="why (kept on record) / 原因")
    r.add_argument("--by", required=True, help="who lifts it / 经办人")
    _common(r)
    add_json(r)
    r.set_defaults(func=cmd_hq_release)

    _add_user_verbs(hsub)
    _add_selection_verbs(hsub)

    p = hsub.add_parser("status", help="feeds, fingerprints, forks, quarantines, refusals / 总部状态")
    _common(p)
    add_json(p)
    p.set_defaults(func=cmd_hq_status)


VERBS = {"hq": add_hq}
