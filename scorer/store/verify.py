"""`scorer verify`: is this competition file exactly what the program wrote?

Checks, in order: SQLite's own integrity; every station's hash chain (an edited row changes its hash,
a removed row leaves a gap, an inserted row breaks the link); the chain heads against the checkpoint
file (a cut tail, a missing, damaged or older checkpoint: see health.py); and the current-marks table
against a replay of the log (a mark changed in the table behind the log's back); and the rows
against headquarters' receipts kept in the file (a station behind what headquarters acknowledged was
rolled back). Acceptances of a checkpoint problem and resumptions after a crash are shown as
notes. Reads only: the file is opened read-only (files.connect_readonly), so nothing is created or
changed beside it either.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from scorer.errors import ScorerError
from scorer.store import files, health
from scorer.store.chain import GENESIS, row_hash
from scorer.store.health import Issue
from scorer.store.replay import project


@dataclass
class Report:
    rows: int = 0
    stations: dict[str, int] = field(default_factory=dict)
    problems: list[Issue] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)
    path: Path = Path()

    @property
    def ok(self) -> bool:
        return not self.problems

    def advice(self) -> tuple[str, str] | None:
        """What to do about the problems (zh, en): accept the checkpoint, or use a backup copy."""
        return health.Health(self.path, "ok", verified=tuple(self.problems)).advice()


def _problem(report: Report, where: str, zh: str, en: str, code: str = "verify.chain") -> None:
    report.problems.append(Issue(code, where, zh, en))


def receipt_issues(conn: sqlite3.Connection, db_id: str, heads: dict[str, tuple[int, str]]) -> list[Issue]:
    """Against headquarters' receipts kept in the file (scorer.sync): a station whose rows end
    before a receipt's last seq, or whose row there has another hash, was rolled back (restored from
    an older copy, its tail cut) or changed after headquarters acknowledged it."""
    out: list[Issue] = []
    for station, last_seq, head_hash, count, time in conn.execute(
        "SELECT station, last_seq, head_hash, count, time FROM sync_receipts WHERE db = ? ORDER BY station",
        (db_id,),
    ).fetchall():
        seq = heads.get(station, (0, GENESIS))[0]
        named_zh = f"总部 {time} 的回执确认已收到站点 {station} 到序号 {last_seq} 的 {count} 条记录"
        named_en = f"headquarters' receipt of {time} acknowledges {count} entries of station {station} up to seq {last_seq}"
        if seq < last_seq:
            out.append(
                Issue(
                    "sync.rollback",
                    f"station {station}",
                    f"{named_zh}，文件现在只到序号 {seq}：文件被回退或从旧的备份恢复过",
                    f"{named_en}; the file now ends at seq {seq}: it was rolled back or restored from an "
                    "older copy",
                )
            )
            continue
        if last_seq == 0:
            continue
        r = conn.execute("SELECT hash FROM log WHERE station = ? AND seq = ?", (station, last_seq)).fetchone()
        if r is None or r[0] != head_hash:
            out.append(
                Issue(
                    "sync.rollback",
                    f"station {station}",
                    f"{named_zh}，而文件中序号 {last_seq} 的记录与回执不符：文件被回退后又写入了记录，或在程序之外被改动过",
                    f"{named_en}, but the file's row at seq {last_seq} does not match it: the file was rolled "
                    "back and written to again, or changed outside the program",
                )
            )
    return out


def verify(path: str | Path) -> Report:
    path = Path(path)
    ro = files.connect_readonly(path)
    conn = ro.conn
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        rows = conn.execute(
            "SELECT id, station, seq, kind, payload, actor, source, raw, time, prev_hash, hash FROM log ORDER BY id"
        ).fetchall()
        table = {
            (r[0], r[1], r[2]): (r[3], r[4], r[5], r[6], r[7])
            for r in conn.execute(
                "SELECT contestant, aspect, slot, event, judge, value, log_id, first_id FROM marks"
            )
        }
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        status_table = (
            dict(conn.execute("SELECT contestant, status FROM statuses").fetchall())
            if "statuses" in tables
            else {}
        )
        lock_table = (
            {e: bool(v) for e, v in conn.execute("SELECT event, locked FROM locks")}
            if "locks" in tables
            else {}
        )
        decrypted_table = (
            {r[0] for r in conn.execute("SELECT event FROM decrypted")} if "decrypted" in tables else set()
        )
        heads_now, _stats = health.file_heads(conn)
        _state, _found, cp_problems, cp_notes = health.checkpoint_issues(path, conn, meta, heads_now)
        receipt_problems = (
            receipt_issues(conn, meta.get("db_id", ""), heads_now) if "sync_receipts" in tables else []
        )
    except sqlite3.DatabaseError as exc:
        ro.close()
        if "no such table" in str(exc):
            raise ScorerError(
                f"{path} 不是 Scorer 竞赛文件", f"{path} is not a Scorer competition file"
            ) from None
        raise files.sqlite_error(path, exc, writing=False) from None
    ro.close()
    report = Report(rows=len(rows), path=path)
    if integrity != "ok":
        _problem(
            report,
            "SQLite",
            f"数据库完整性检查失败：{integrity}",
            f"database integrity check failed: {integrity}",
            "verify.sqlite",
        )

    heads: dict[str, tuple[int, str, int]] = {}  # station → seq, hash, row id
    chain_broken = False
    for r in rows:
        rid, station, seq, kind, payload, actor, source, raw, time, prev, digest = r
        where = f"#{rid}"
        last_seq, last_hash, _ = heads.get(station, (0, GENESIS, 0))
        expected = row_hash(station, seq, kind, payload, actor, source, raw, time, prev)
        if chain_broken:
            pass
        elif expected != digest:
            _problem(
                report,
                where,
                f"第 {rid} 行（站点 {station} 序号 {seq}）的内容在程序之外被修改过",
                f"row {rid} (station {station}, seq {seq}) was altered outside the program",
            )
            chain_broken = True
        elif seq != last_seq + 1:
            if seq > last_seq + 1:
                _problem(
                    report,
                    where,
                    f"站点 {station} 的序号 {last_seq + 1}–{seq - 1} 的记录被删除了（在第 {rid} 行之前）",
                    f"rows of station {station} with seq {last_seq + 1}–{seq - 1} were removed (before row {rid})",
                )
            else:
                _problem(
                    report,
                    where,
                    f"第 {rid} 行的序号 {seq} 重复或顺序错乱：有记录被插入",
                    f"row {rid} repeats or reorders seq {seq}: a row was inserted",
                )
            chain_broken = True
        elif prev != last_hash:
            _problem(
                report,
                where,
                f"第 {rid} 行与上一行的链接断开：有记录被插入或替换",
                f"row {rid} does not link to the row before it: a row was inserted or replaced",
            )
            chain_broken = True
        heads[station] = (seq, digest, rid)
        report.stations[station] = report.stations.get(station, 0) + 1

    report.problems += cp_problems
    report.problems += receipt_problems
    report.notes += [
        health.decision_note(r[0], r[3], r[4], r[5], r[8])
        for r in rows
        if r[3] in ("checkpoint.accept", "checkpoint.resume")
    ]
    report.notes += cp_notes

    if not chain_broken:
        replayed = project((r[0], r[3], json.loads(r[4])) for r in rows if r[3].startswith("mark"))
        if replayed != table:
            diff = sorted(set(replayed) ^ set(table)) or sorted(k for k in table if table[k] != replayed[k])
            c, a, slot = diff[0]
            got = table.get(diff[0], ("", "", "—"))[2]
            want = replayed.get(diff[0], ("", "", "—"))[2]
            _problem(
                report,
                f"marks {c}/{a}{'/' + slot if slot else ''}",
                f"当前分数表被程序之外的改动修改过：表中为 {got}，日志记录为 {want}（共 {len(diff)} 处不一致）",
                f"the current-marks table was changed outside the program: it says {got}, the log says {want} "
                f"({len(diff)} difference(s))",
                "verify.table",
            )
        replayed_status = {
            json.loads(r[4])["contestant"]: json.loads(r[4])["status"]
            for r in rows
            if r[3] == "contestant.status"
        }
        if replayed_status != status_table:
            _problem(
                report,
                "statuses",
                "选手状态表被程序之外的改动修改过，与日志不一致",
                "the contestant status table was changed outside the program; it disagrees with the log",
                "verify.table",
            )
        # Locks guard the marks (triggers read this table): unlocking behind the log's back is tampering.
        replayed_locks: dict[str, bool] = {}
        replayed_decrypted: set[str] = set()
        for r in rows:
            if r[3] in ("event.lock", "event.unlock"):
                replayed_locks[json.loads(r[4])["event"]] = r[3] == "event.lock"
            elif r[3] == "event.decrypt":
                replayed_decrypted.add(json.loads(r[4])["event"])
        if replayed_locks != lock_table or replayed_decrypted != decrypted_table:
            _problem(
                report,
                "locks",
                "锁定或解密状态被程序之外的改动修改过，与日志不一致",
                "the lock or decryption state was changed outside the program; it disagrees with the log",
                "verify.table",
            )
    return report
