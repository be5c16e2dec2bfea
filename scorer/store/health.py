"""Is this competition file sound enough to use? The cheap check made at every open.

`inspect` compares the checkpoint (`<db>.head`) with the chain heads, counts each station's rows
against its sequence numbers (a removed row leaves a gap) and re-hashes the newest rows of every
station. It reads a few index pages and about one row per station: ~15 ms for 100,000 rows, so
every opener runs it. The full `verify` (every row re-hashed, the projections replayed: ~1.4 s for
100,000 rows) runs on demand: `scorer verify`, `export`, `report`, and `Store.health(full=True)`.

A checkpoint that is missing (when the file had one), unreadable, of another file, ahead of the
file (a cut tail), not matching its row, older than a crash explains, or without a station, is
never rebuilt silently: writing is refused until a chief judge accepts the situation with a reason
(`checkpoint.accept`, `Store.accept_checkpoint`, `scorer accept-checkpoint`); `verify` shows that
decision ever after. A checkpoint a little behind the file — rows committed in the last moments
before a kill or power loss — is normal: the next writer records that (`checkpoint.resume`) and
carries on.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from scorer.errors import language
from scorer.store import checkpoint
from scorer.store.chain import GENESIS, row_hash

Heads = dict[str, tuple[int, str]]

# A killed writer leaves at most the rows of its last moments outside the checkpoint (the writer
# flushes 20 ms after a commit; a slow USB stick's fsync adds well under a second). Rows after the
# checkpoint spread over more time than this were not left by a crash.
CRASH_WINDOW_S = 5.0
TAIL_ROWS = 3  # the newest rows of each station re-hashed at open

OK_STATES = ("ok", "new", "behind")
PROBLEM_STATES = (
    "missing",
    "unreadable",
    "foreign",
    "forged",
    "unsigned",
    "cut",
    "replaced",
    "stale",
    "rollback",
    "unknown",
)

STATE_TEXT = {  # how a checkpoint state reads in an acceptance note: (zh, en)
    "missing": ("检查点文件丢失", "the checkpoint file was missing"),
    "unreadable": ("检查点文件损坏或无法读取", "the checkpoint file was damaged or unreadable"),
    "foreign": ("检查点文件属于另一个竞赛文件", "the checkpoint file belonged to another file"),
    "cut": ("检查点显示最新的记录被删除", "the checkpoint showed the newest rows removed"),
    "replaced": ("检查点与记录不符", "the checkpoint did not match the rows"),
    "stale": ("检查点比文件旧", "the checkpoint was older than the file"),
    "unknown": ("检查点未包含某站点的记录", "the checkpoint did not cover a station's rows"),
    "forged": ("检查点的签名无效", "the checkpoint's signature was not valid"),
    "unsigned": ("检查点没有签名", "the checkpoint was not signed"),
    "rollback": (
        "检查点比本机签过的旧",
        "the checkpoint was older than one this laptop had signed",
    ),
}


@dataclass(frozen=True, slots=True)
class Issue:
    """One thing wrong (or worth knowing) about the file, located, in both languages."""

    code: str  # "checkpoint.missing", "chain", "verify", "checkpoint.behind", "checkpoint.accepted"…
    where: str
    zh: str
    en: str
    blocks: bool = True  # writing is refused while it stands

    def message(self, lang: str | None = None) -> str:
        text = self.en if (lang or language()) == "en" else self.zh
        return f"{self.where}: {text}" if self.where else text


def accept_advice(path: Path | str) -> tuple[str, str]:
    return (
        "如果确认竞赛文件无误（例如 .head 文件被误删或没有一起复制），请裁判长接受这一情况并写明原因"
        f"（程序中的提示，或运行 scorer accept-checkpoint {path} --actor 裁判长代码 --reason 原因）；"
        "否则请用备份副本（竞赛文件连同 .head 文件）替换此文件。接受之前不能录入或修改分数",
        "if the competition file is known to be right (the .head file was deleted by mistake or not "
        "copied with it, say), a chief judge accepts this with a reason (in the program, or "
        f"scorer accept-checkpoint {path} --actor CHIEF_CODE --reason TEXT); otherwise replace this "
        "file with a backup copy (the competition file with its .head file). Until then no mark can be "
        "entered or changed",
    )


RESTORE_ADVICE = (
    "记录在程序之外被改动过：请停止使用此文件录入，改用备份副本（竞赛文件连同 .head 文件），"
    "并报告总部；scorer verify 列出改动的位置",
    "rows were changed outside the program: stop entering marks in this file, use a backup copy (the "
    "competition file with its .head file) and tell headquarters; scorer verify lists where",
)


@dataclass(frozen=True)
class Health:
    """The state of an open competition file, for every front (CLI warnings, the UI's banner).

    `issues` come from the cheap check at open; `verified` holds the full verify's problems once it
    has run (None before). `notes` are worth showing but change nothing (a resumed crash, an
    accepted checkpoint)."""

    path: Path
    checkpoint: str  # one of OK_STATES or PROBLEM_STATES
    issues: tuple[Issue, ...] = ()
    notes: tuple[Issue, ...] = ()
    readonly: bool = False
    verified: tuple[Issue, ...] | None = None
    found: Heads | None = None  # the checkpoint's heads, if it could be read
    heads: Heads = field(default_factory=dict)  # the file's chain heads

    @property
    def needs_acceptance(self) -> bool:
        """A checkpoint problem that only a chief judge's acceptance (or a backup) settles."""
        return self.checkpoint in PROBLEM_STATES

    @property
    def blocks_writing(self) -> bool:
        return any(i.blocks for i in self.issues)

    @property
    def problems(self) -> tuple[Issue, ...]:
        """Everything wrong that is known: the full verify's findings once it ran, else the cheap
        check's (the full verify finds everything the cheap one does)."""
        return self.issues if self.verified is None else self.verified

    @property
    def sound(self) -> bool:
        return not self.problems

    def advice(self) -> tuple[str, str] | None:
        """What to do about the problems: accept the checkpoint, or restore a backup."""
        if not self.problems:
            return None
        if all(i.code.startswith("checkpoint.") for i in self.problems):
            return accept_advice(self.path)
        return RESTORE_ADVICE

    def summary(self) -> tuple[str, str] | None:
        """One line for a banner or a draft reason: "文件校验未通过：<first problem>"; None if sound."""
        if not self.problems:
            return None
        first = self.problems[0]
        more_zh = f"（另有 {len(self.problems) - 1} 个问题）" if len(self.problems) > 1 else ""
        more_en = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        return (
            f"文件校验未通过：{first.message('zh')}{more_zh}",
            f"the file failed verification: {first.message('en')}{more_en}",
        )

    def banner(self, lang: str | None = None) -> str | None:
        """The red banner's text in the user's language (summary + what to do); None if sound."""
        summary = self.summary()
        if summary is None:
            return None
        advice = self.advice() or ("", "")
        en = (lang or language()) == "en"
        return f"{summary[en]}。{advice[en]}" if not en else f"{summary[en]}. {advice[en]}"


def file_heads(conn: sqlite3.Connection) -> tuple[Heads, dict[str, tuple[int, int, int]]]:
    """Each station's newest (seq, hash), and (row count, lowest seq, highest seq): one index scan."""
    stats = {
        r[0]: (r[1], r[2], r[3])
        for r in conn.execute("SELECT station, count(*), min(seq), max(seq) FROM log GROUP BY station")
    }
    heads: Heads = {}
    for station, (_n, _lo, hi) in stats.items():
        r = conn.execute("SELECT hash FROM log WHERE station = ? AND seq = ?", (station, hi)).fetchone()
        heads[station] = (hi, r[0])
    return heads, stats


def _time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def read_checkpoint(path: Path) -> tuple[checkpoint.Checkpoint | None, tuple[str, str, bool] | None]:
    """The checkpoint beside `path` (None if there is none) and, if it cannot be read, why:
    (zh, en, damaged — its bytes are wrong, rather than the file unreachable)."""
    try:
        return checkpoint.read(path), None
    except checkpoint.CheckpointError as exc:
        return None, (str(exc), str(exc), True)
    except IsADirectoryError:
        return None, ("是一个文件夹", "it is a folder", False)
    except PermissionError:
        return None, ("没有读取权限", "permission denied", False)
    except OSError as exc:
        return None, (exc.strerror or str(exc), exc.strerror or str(exc), False)


def checkpoint_issues(
    path: Path, conn: sqlite3.Connection, meta: dict[str, str], heads: Heads
) -> tuple[str, Heads | None, list[Issue], list[Issue]]:
    """The checkpoint's state against the file's heads: (state, its heads, problems, notes)."""
    cp_name = checkpoint.checkpoint_path(path).name
    cp, unreadable = read_checkpoint(path)
    if unreadable is not None:
        zh, en, damaged = unreadable
        return (
            "unreadable",
            None,
            [
                Issue(
                    "checkpoint.unreadable",
                    cp_name,
                    f"检查点文件{'已损坏' if damaged else '无法读取'}（{zh}），无法确认最新的记录是否完整",
                    f"the checkpoint file {'is damaged' if damaged else 'cannot be read'} ({en}); "
                    "the newest rows cannot be confirmed",
                )
            ],
            [],
        )
    if cp is None:
        # A checkpoint is expected once the file holds more than a new station's first row, or
        # when the file says it was created with one (an empty file has nothing to protect yet).
        expected = bool(heads) and (
            meta.get("checkpoint") == "1" or len(heads) > 1 or any(s > 1 for s, _h in heads.values())
        )
        if not expected:
            return "new", None, [], []
        return (
            "missing",
            None,
            [
                Issue(
                    "checkpoint.missing",
                    cp_name,
                    "检查点文件不见了，无法确认最新的记录没有被删除（复制竞赛文件时请连同 .head 文件一起复制）",
                    "the checkpoint file is missing; removal of the newest rows cannot be ruled out "
                    "(copy the .head file with the competition file)",
                )
            ],
            [],
        )
    if cp.db_id != meta.get("db_id", ""):
        return (
            "foreign",
            dict(cp.heads),
            [
                Issue(
                    "checkpoint.foreign",
                    cp_name,
                    "检查点文件属于另一个竞赛文件",
                    "the checkpoint file belongs to another competition file",
                )
            ],
            [],
        )
    kept = kept_checkpoint(cp.db_id)  # read once: it speaks to the signature and to a rollback
    problems, notes = signature_issues(conn, cp, cp_name, heads, kept)
    state = "ok" if not problems else problems[0].code.split(".")[1]
    rolled_back = rollback_issues(cp, heads, kept)
    signed = state == "ok" and bool(cp.signature)
    for station, (cp_seq, cp_hash) in sorted(cp.heads.items()):
        seq = heads.get(station, (0, GENESIS))[0]
        where = f"station {station}"
        if seq < cp_seq:
            state = "cut"
            problems.append(
                Issue(
                    "checkpoint.cut",
                    where,
                    f"站点 {station} 最新的 {cp_seq - seq} 条记录被删除了（检查点记到序号 {cp_seq}，文件只到 {seq}）",
                    f"the newest {cp_seq - seq} row(s) of station {station} were removed "
                    f"(checkpoint at seq {cp_seq}, file ends at {seq})",
                )
            )
            continue
        r = conn.execute("SELECT hash FROM log WHERE station = ? AND seq = ?", (station, cp_seq)).fetchone()
        if r is None or r[0] != cp_hash:
            state = "replaced"
            problems.append(
                Issue(
                    "checkpoint.replaced",
                    where,
                    f"站点 {station} 序号 {cp_seq} 的记录与检查点不符：记录被替换过",
                    f"row seq {cp_seq} of station {station} does not match the checkpoint: rows were replaced",
                )
            )
            continue
        if seq > cp_seq:
            span = conn.execute(
                "SELECT min(time), max(time) FROM log WHERE station = ? AND seq > ?", (station, cp_seq)
            ).fetchone()
            first, last = _time(span[0] or ""), _time(span[1] or "")
            spread = (last - first).total_seconds() if first and last else 0.0
            if spread > CRASH_WINDOW_S:
                state = "stale"
                problems.append(
                    Issue(
                        "checkpoint.stale",
                        where,
                        f"站点 {station} 的检查点比文件旧：序号 {cp_seq + 1}–{seq} 的 {seq - cp_seq} 条记录不在检查点中，"
                        f"时间跨度 {spread:.0f} 秒，不是程序被强行结束或断电造成的"
                        "（检查点可能被换成了旧的副本，或最新的记录被删除后又写入了新记录）",
                        f"the checkpoint of station {station} is older than the file: {seq - cp_seq} row(s), seq "
                        f"{cp_seq + 1}–{seq}, are not in it and span {spread:.0f} s, which a kill or power loss "
                        "does not explain (an older copy of the checkpoint, or a cut tail written over)",
                    )
                )
                continue
            if state == "ok":
                state = "behind"
            notes.append(
                Issue(
                    "checkpoint.behind",
                    where,
                    f"最新的 {seq - cp_seq} 条记录（序号 {cp_seq + 1}–{seq}）在检查点之后"
                    f"{'，没有签名' if signed else ''}（程序被强行结束或断电时属正常；"
                    "这些记录的哈希链完好；否则是在程序之外添加的）",
                    f"the newest {seq - cp_seq} row(s) (seq {cp_seq + 1}–{seq}) are after the "
                    f"checkpoint{', not signed' if signed else ''} (normal "
                    "after the program was killed or the power failed; their hash chain is intact; otherwise "
                    "they were added outside the program)",
                    blocks=False,
                )
            )
    for station in sorted(set(heads) - set(cp.heads)):
        state = "unknown" if state in OK_STATES else state
        problems.append(
            Issue(
                "checkpoint.unknown",
                f"station {station}",
                f"站点 {station} 的记录不在检查点中：可能是在程序之外添加的",
                f"rows of station {station} are not in the checkpoint: possibly added outside the program",
            )
        )
    if rolled_back:
        state = "rollback" if state in OK_STATES else state
        problems += rolled_back
    return state, dict(cp.heads), problems, notes


def station_key(conn: sqlite3.Connection, station: str) -> str:
    """The public key (hex) a station put in its first row here; "" if none (an earlier version)."""
    import json

    r = conn.execute(
        "SELECT payload FROM log WHERE station = ? AND seq = 1 AND kind = 'station.init'", (station,)
    ).fetchone()
    try:
        return str(json.loads(r[0]).get("key", "")) if r else ""
    except (ValueError, AttributeError):
        return ""


def signature_issues(
    conn: sqlite3.Connection,
    cp: checkpoint.Checkpoint,
    cp_name: str,
    heads: Heads,
    kept: checkpoint.Checkpoint | None,
) -> tuple[list[Issue], list[Issue]]:
    """Is the checkpoint signed by a station of this file, with the key in that station's first
    row? (problems, notes). An unsigned checkpoint is a note in a file none of whose stations has
    a key (written by an earlier version), and a problem otherwise: it was rebuilt without a key."""
    from scorer import station as this_laptop

    if cp.signature:
        key = station_key(conn, cp.signer)
        if key and _kept_here(cp, key, kept):
            return [], []  # the very checkpoint this laptop signed and kept: checked when signed
        if key and this_laptop.verify_signature(key, cp.body.encode(), cp.signature):
            return [], []
        return [
            Issue(
                "checkpoint.forged",
                cp_name,
                f"检查点的签名无效（签名站点 {cp.signer or '—'}）：检查点在程序之外被重写过",
                f"the checkpoint's signature is not valid (signer {cp.signer or '—'}): the checkpoint "
                "was rewritten outside the program",
            )
        ], []
    if any(station_key(conn, st) for st in heads):  # one index lookup per station
        return [
            Issue(
                "checkpoint.unsigned",
                cp_name,
                "检查点没有签名，而本文件的站点都会签名：检查点在程序之外被重写过",
                "the checkpoint is not signed, though this file's stations sign theirs: it was rewritten "
                "outside the program",
            )
        ], []
    return [], [
        Issue(
            "checkpoint.unsigned",
            cp_name,
            "检查点没有签名（由较早版本的程序写入）",
            "the checkpoint is not signed (written by an earlier version of the program)",
            blocks=False,
        )
    ]


def kept_checkpoint(db_id: str) -> checkpoint.Checkpoint | None:
    """The newest checkpoint this laptop signed for file `db_id` (kept beside its key), if any."""
    from scorer import station as this_laptop

    data = this_laptop.kept_checkpoint(db_id)
    if data is None:
        return None
    try:
        return checkpoint.decode(data)
    except checkpoint.CheckpointError:
        return None


def _kept_here(cp: checkpoint.Checkpoint, key: str, kept: checkpoint.Checkpoint | None) -> bool:
    """Is `cp` exactly the checkpoint this laptop signed and kept for this file, with this laptop's
    key as the file's key for its signer? Then its signature needs no check (nor `cryptography`
    loaded at every open)."""
    from scorer import station as this_laptop

    if kept is None or (kept.body, kept.signature, kept.signer) != (cp.body, cp.signature, cp.signer):
        return False
    try:
        return this_laptop.identity().public_hex == key
    except (OSError, ValueError):
        return False


def rollback_issues(
    cp: checkpoint.Checkpoint, heads: Heads, kept: checkpoint.Checkpoint | None
) -> list[Issue]:
    """Against the newest checkpoint this laptop signed for this file (`kept`, beside its key): a
    station whose checkpoint or rows are now behind it was rolled back (an older `.head` put back,
    the tail cut to within a crash's reach)."""
    if kept is None:
        return []
    out: list[Issue] = []
    for st, (kept_seq, _hash) in sorted(kept.heads.items()):
        now_seq = min(cp.heads.get(st, (0, ""))[0], heads.get(st, (0, ""))[0])
        if now_seq < kept_seq:
            out.append(
                Issue(
                    "checkpoint.rollback",
                    f"station {st}",
                    f"本机曾为站点 {st} 签署到序号 {kept_seq} 的检查点，现在检查点或文件只到 {now_seq}："
                    "检查点被换成了旧的副本，或最新的记录被删除了",
                    f"this laptop signed a checkpoint of station {st} at seq {kept_seq}; the checkpoint or "
                    f"the file now ends at {now_seq}: an older checkpoint was put back, or the newest rows "
                    "were removed",
                )
            )
    return out


def tail_issues(conn: sqlite3.Connection, stats: dict[str, tuple[int, int, int]]) -> list[Issue]:
    """Gaps in each station's sequence (a removed row) and the newest rows' hashes and links."""
    out: list[Issue] = []
    for station, (n, lo, hi) in sorted(stats.items()):
        if lo != 1 or n != hi - lo + 1:
            out.append(
                Issue(
                    "chain",
                    f"station {station}",
                    f"站点 {station} 有 {hi - n} 条记录被删除了（序号 1–{hi} 只有 {n} 条）",
                    f"{hi - n} row(s) of station {station} were removed (seq 1–{hi} has only {n} rows)",
                )
            )
            continue
        rows = conn.execute(
            "SELECT id, seq, kind, payload, actor, source, raw, time, prev_hash, hash FROM log"
            " WHERE station = ? AND seq > ? ORDER BY seq",
            (station, hi - TAIL_ROWS - 1),
        ).fetchall()
        prev_hash: str | None = None
        for rid, seq, kind, payload, actor, source, raw, time, prev, digest in rows:
            if row_hash(station, seq, kind, payload, actor, source, raw, time, prev) != digest:
                out.append(
                    Issue(
                        "chain",
                        f"#{rid}",
                        f"第 {rid} 行（站点 {station} 序号 {seq}）的内容在程序之外被修改过",
                        f"row {rid} (station {station}, seq {seq}) was altered outside the program",
                    )
                )
                break
            if (prev_hash is not None and prev != prev_hash) or (seq == 1 and prev != GENESIS):
                out.append(
                    Issue(
                        "chain",
                        f"#{rid}",
                        f"第 {rid} 行与上一行的链接断开：有记录被插入或替换",
                        f"row {rid} does not link to the row before it: a row was inserted or replaced",
                    )
                )
                break
            prev_hash = digest
    return out


def decision_notes(conn: sqlite3.Connection) -> list[Issue]:
    """Acceptances of a checkpoint problem and resumptions after a crash, from the log: shown by
    `verify` (and the UI) ever after."""
    out: list[Issue] = []
    for rid, kind, payload, actor, time in conn.execute(
        "SELECT id, kind, payload, actor, time FROM log"
        " WHERE kind IN ('checkpoint.accept', 'checkpoint.resume') ORDER BY id"
    ):
        out.append(decision_note(rid, kind, payload, actor, time))
    return out


def decision_note(rid: int, kind: str, payload: str | dict[str, Any], actor: str, time: str) -> Issue:
    import json

    p = json.loads(payload) if isinstance(payload, str) else payload
    if kind == "checkpoint.accept":
        zh, en = STATE_TEXT.get(p.get("state", ""), ("检查点有问题", "the checkpoint had a problem"))
        return Issue(
            "checkpoint.accepted",
            f"#{rid}",
            f"{zh}；已由 {actor} 于 {time} 接受：{p.get('reason', '')}",
            f"{en}; accepted by {actor} at {time}: {p.get('reason', '')}",
            blocks=False,
        )
    parts_zh, parts_en = [], []
    for station, (cp_seq, seq) in sorted(p.get("stations", {}).items()):
        parts_zh.append(f"站点 {station} 检查点记到序号 {cp_seq}，文件到 {seq}")
        parts_en.append(f"station {station}: checkpoint at seq {cp_seq}, file at {seq}")
    return Issue(
        "checkpoint.resumed",
        f"#{rid}",
        f"程序曾被强行结束或断电，于 {time} 继续使用：{'；'.join(parts_zh)}（其间的记录只由哈希链确认）",
        f"the program was killed or lost power; resumed at {time}: {'; '.join(parts_en)} (rows in "
        "between are confirmed by the hash chain only)",
        blocks=False,
    )


def inspect(path: Path, conn: sqlite3.Connection, meta: dict[str, str], readonly: bool = False) -> Health:
    """The cheap check at open (see the module doc)."""
    heads, stats = file_heads(conn)
    state, found, problems, notes = checkpoint_issues(path, conn, meta, heads)
    problems += tail_issues(conn, stats)
    notes = decision_notes(conn) + notes
    return Health(path, state, tuple(problems), tuple(notes), readonly, None, found, heads)
