"""`scorer verify`: is this competition file exactly what the program wrote?

Checks, in order: SQLite's own integrity; every station's hash chain (an edited row changes its hash,
a removed row leaves a gap, an inserted row breaks the link); the chain heads against the checkpoint
file (a cut tail); and the current-marks table against a replay of the log (a mark changed in the
table behind the log's back). Reads only: it never writes to the file.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from scorer.errors import Problem, ScorerError
from scorer.store import checkpoint
from scorer.store.chain import GENESIS, row_hash
from scorer.store.replay import project


@dataclass
class Report:
    rows: int = 0
    stations: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _problem(report: Report, where: str, zh: str, en: str) -> None:
    report.problems.append(Problem(where, zh, en))


def verify(path: str | Path) -> Report:
    path = Path(path)
    if not path.is_file():
        raise ScorerError(f"找不到竞赛文件：{path}", f"competition file not found: {path}")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
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
    except sqlite3.DatabaseError as exc:
        raise ScorerError(
            f"{path} 不是 Scorer 竞赛文件或已损坏（{exc}）",
            f"{path} is not a Scorer competition file, or it is damaged ({exc})",
        ) from None
    conn.close()
    report = Report(rows=len(rows))
    if integrity != "ok":
        _problem(
            report,
            "SQLite",
            f"数据库完整性检查失败：{integrity}",
            f"database integrity check failed: {integrity}",
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

    _check_checkpoint(path, meta.get("db_id", ""), rows, heads, report)

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
            )
    return report


def _check_checkpoint(
    path: Path,
    db_id: str,
    rows: list[tuple],
    heads: dict[str, tuple[int, str, int]],
    report: Report,
) -> None:
    cp_file = checkpoint.checkpoint_path(path)
    try:
        cp = checkpoint.read(path)
    except checkpoint.CheckpointError as exc:
        _problem(
            report,
            cp_file.name,
            f"检查点文件已损坏（{exc}），无法确认最新的记录是否完整",
            f"the checkpoint file is damaged ({exc}); the newest rows cannot be confirmed",
        )
        return
    if cp is None:
        _problem(
            report,
            cp_file.name,
            "检查点文件不见了，无法确认最新的记录没有被删除（复制竞赛文件时请连同 .head 文件一起复制）",
            "the checkpoint file is missing; removal of the newest rows cannot be ruled out "
            "(copy the .head file with the competition file)",
        )
        return
    if cp.db_id != db_id:
        _problem(
            report,
            cp_file.name,
            "检查点文件属于另一个竞赛文件",
            "the checkpoint file belongs to another competition file",
        )
        return
    by_station_seq = {(r[1], r[2]): r[10] for r in rows}
    for station, (cp_seq, cp_hash) in sorted(cp.heads.items()):
        seq = heads.get(station, (0, GENESIS, 0))[0]
        if seq < cp_seq:
            _problem(
                report,
                f"station {station}",
                f"站点 {station} 最新的 {cp_seq - seq} 条记录被删除了（检查点记到序号 {cp_seq}，文件只到 {seq}）",
                f"the newest {cp_seq - seq} row(s) of station {station} were removed "
                f"(checkpoint at seq {cp_seq}, file ends at {seq})",
            )
        elif by_station_seq.get((station, cp_seq)) != cp_hash:
            _problem(
                report,
                f"station {station}",
                f"站点 {station} 序号 {cp_seq} 的记录与检查点不符：记录被替换过",
                f"row seq {cp_seq} of station {station} does not match the checkpoint: rows were replaced",
            )
        elif seq > cp_seq:
            report.notes.append(
                Problem(
                    f"station {station}",
                    f"最新的 {seq - cp_seq} 条记录在检查点之后（程序被强行结束或断电时属正常；这些记录的哈希链完好）",
                    f"the newest {seq - cp_seq} row(s) are after the checkpoint (normal after the program was "
                    "killed or the power failed; their hash chain is intact)",
                )
            )
    for station in sorted(set(heads) - set(cp.heads)):
        _problem(
            report,
            f"station {station}",
            f"站点 {station} 的记录不在检查点中：可能是在程序之外添加的",
            f"rows of station {station} are not in the checkpoint: possibly added outside the program",
        )
