"""The competition file: an SQLite database whose append-only log is the truth.

Every change (a competition definition, a mark, a correction, a void) is one appended log row,
hash-chained per station; the current marks are a projection updated in the same transaction.
`append` returns only after COMMIT with WAL and synchronous=FULL: the mark is on disk before any
screen says "saved". Nothing in the program updates or deletes a log row (triggers refuse it too).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from scorer.errors import ImportRejected, MarkRefused, Problem, ScorerError, unassigned
from scorer.model import AspectType, Competition, Event, Judge, Role, Station
from scorer.package import codec
from scorer.store import checkpoint, files, health
from scorer.store.chain import GENESIS, canonical, row_hash
from scorer.store.versions import SCHEMA
from scorer.values import parse_value

MARK_ROLES = {Role.JUDGE, Role.CHIEF}


@dataclass(frozen=True, slots=True)
class LogRow:
    id: int
    station: str
    seq: int
    kind: str
    payload: dict[str, Any]
    actor: str
    source: str
    raw: bytes | None
    time: str
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class Entry:
    """A row to append: what happened, and the projection statements that go with it."""

    kind: str
    payload: dict[str, Any]
    actor: str
    source: str
    raw: bytes | None = None
    projection: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MarkRow:
    """A current mark: the value that counts now, and the log rows behind it."""

    event: str
    contestant: str
    aspect: str
    judge: str
    value: str
    log_id: int  # the row that set the current value
    first_id: int  # the row of the original entry (differs after a correction)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _connect(path: Path) -> sqlite3.Connection:
    """A writing connection: WAL, synchronous=FULL (a commit is on disk when it returns)."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=10)
    _durable(conn)
    return conn


def _durable(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")


def _leftovers(tmp: Path) -> list[Path]:
    return [tmp, Path(f"{tmp}.head"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")]


def _row(r: tuple[Any, ...]) -> LogRow:
    import json

    return LogRow(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], r[7], r[8], r[9], r[10])


LOG_COLUMNS = "id, station, seq, kind, payload, actor, source, raw, time, prev_hash, hash"


class Store:
    """One open competition file. Use from one thread; other threads open their own Store."""

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        readonly: bool = False,
        closer: Any = None,
    ):
        self.path = path
        self.conn = conn
        self.readonly = readonly
        self._closer = closer  # closes a read-only connection (and removes its temporary copy)
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        self.db_id = meta["db_id"]
        self.station = Station(meta["station_id"], meta.get("station_name", ""), meta["created"])
        self._meta = meta
        self._checkpoint: checkpoint.CheckpointWriter | None = None
        self._health = health.inspect(path, conn, meta, readonly)
        self._verified: tuple[int, health.Health] | None = None  # (newest log id, full health)
        if not readonly and not self._health.needs_acceptance:
            self._start_checkpoint()
        self.competition: Competition | None = None
        self._definition_id = 0
        self._index: dict[str, Any] = {}
        self._head: tuple[int, str] | None = None  # (seq, hash) of this station's newest row
        self.reload()
        if not readonly and self._health.checkpoint == "behind":
            self._resume()

    def _start_checkpoint(self) -> None:
        """Keep the checkpoint current from now on (written at once for a brand-new file)."""
        try:
            self._checkpoint = checkpoint.CheckpointWriter(self.path, self.db_id)
        except OSError as exc:
            cp = checkpoint.checkpoint_path(self.path)
            zh, en = files.reason(exc)
            raise ScorerError(
                f"检查点文件 {cp} 不能写入（{zh}），所以不能录入；竞赛文件完好，没有被改动。"
                "只读的命令（marks、results、verify…）仍可使用",
                f"the checkpoint file {cp} cannot be written ({en}), so nothing can be entered; "
                "the competition file is intact and was not changed. Read-only commands (marks, results, "
                "verify…) still work",
            ) from None
        if self._health.checkpoint == "new" and self.station.id in self._health.heads:
            self._checkpoint.advance(self.station.id, *self._health.heads[self.station.id])
            self._flush_checkpoint()

    def _flush_checkpoint(self) -> None:
        assert self._checkpoint is not None
        try:
            self._checkpoint.flush()
        except OSError as exc:
            raise files.os_error(checkpoint.checkpoint_path(self.path), exc) from None

    def _resume(self) -> None:
        """Rows after the checkpoint, within what a kill explains: say so in the log, then go on.
        Another process's head may be a few ms from its file: look again before deciding."""
        import time

        time.sleep(0.1)
        heads, _stats = health.file_heads(self.conn)
        state, found, _problems, _notes = health.checkpoint_issues(self.path, self.conn, self._meta, heads)
        if state == "behind" and found is not None:
            stations = {
                st: [found[st][0], heads[st][0]] for st in sorted(found) if heads[st][0] > found[st][0]
            }
            self.append("checkpoint.resume", {"stations": stations}, "system", "open")
            self._flush_checkpoint()  # the checkpoint covers the resumed rows from now on
        self._health = health.inspect(self.path, self.conn, self._meta)

    # ------------------------------------------------------------ opening

    @classmethod
    def create(
        cls,
        path: str | Path,
        station_name: str = "",
        competition: Competition | None = None,
        actor: str = "coordinator",
    ) -> Store:
        """A new competition file with a fresh station identity (and `competition` imported).

        Built whole under a temporary name in the same folder, then renamed into place with its
        checkpoint: a kill or a full disk leaves either no file or a complete one, never a file that
        blocks a retry."""
        path = Path(path)
        if path.exists():
            raise ScorerError(f"文件已存在：{path}", f"file already exists: {path}")
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise ScorerError(f"文件夹不存在：{folder}", f"folder not found: {folder}")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise files.read_only_error(path)
        tmp = path.with_name(path.name + ".creating")
        try:
            for leftover in _leftovers(tmp):  # from a create that was killed
                leftover.unlink(missing_ok=True)
            cls._build(tmp, station_name, competition, actor)
            if path.exists():
                raise ScorerError(f"文件已存在：{path}", f"file already exists: {path}")
            os.replace(f"{tmp}.head", f"{path}.head")  # head first: a kill now leaves no file
            os.rename(tmp, path)
            files.fsync_dir(folder)
        except (sqlite3.Error, OSError, ScorerError) as exc:
            cls._discard(tmp)
            if files.disk_full(folder) or getattr(exc, "errno", 0) == errno.ENOSPC:
                raise files.disk_full_error(path, creating=True) from None
            if isinstance(exc, sqlite3.Error):
                raise files.sqlite_error(path, exc, writing=True) from None
            if isinstance(exc, OSError):
                raise files.os_error(path, exc) from None
            raise
        except BaseException:
            cls._discard(tmp)
            raise
        return cls.open(path)

    @classmethod
    def _build(cls, tmp: Path, station_name: str, competition: Competition | None, actor: str) -> None:
        from sqlite_utils import Database

        from scorer.store.schema import migrations

        conn = _connect(tmp)
        try:
            db = Database(conn)
            migrations.apply(db)
            station_id = "ST-" + uuid.uuid4().hex[:12].upper()
            db_id = uuid.uuid4().hex
            with db.atomic():
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [
                        ("db_id", db_id),
                        ("station_id", station_id),
                        ("station_name", station_name),
                        ("created", now()),
                        ("checkpoint", "1"),  # this file always has a checkpoint: a missing one is news
                    ],
                )
        except BaseException:
            conn.close()
            raise
        store = cls(tmp, conn)
        try:
            store.append(
                "station.init", {"station": station_id, "name": station_name, "db": db_id}, "system", "cli"
            )
            if competition is not None:
                store.set_competition(competition, actor, "import")
            if conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]:
                raise ScorerError(f"{tmp} 正被另一个程序使用", f"{tmp} is in use by another program")
        finally:
            store.close()
        if Path(f"{tmp}-wal").exists():  # the last close could not fold the WAL into the file
            raise ScorerError(f"无法完成 {tmp}", f"cannot complete {tmp}")

    @staticmethod
    def _discard(tmp: Path) -> None:
        for leftover in _leftovers(tmp):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)

    @classmethod
    def open(cls, path: str | Path, readonly: bool = False) -> Store:
        """Open an existing competition file, upgrading its schema if it is older.

        `readonly`: change nothing, create nothing (files.connect_readonly); an older schema is then
        upgraded in a copy in memory. Writing opens check first that the file can be written, and
        write nothing to what is not a Scorer file (a 0-byte file stays 0 bytes)."""
        path = Path(path)
        if readonly:
            ro = files.connect_readonly(path)
            try:
                conn = cls._checked(path, ro.conn, readonly=True)
                if conn is not ro.conn:  # an upgraded copy in memory
                    ro.close()
                    return cls(path, conn, readonly=True)
                return cls(path, conn, readonly=True, closer=ro.close)
            except sqlite3.Error as exc:
                ro.close()
                raise files.sqlite_error(path, exc, writing=False) from None
            except BaseException:
                ro.close()
                raise
        files.check_file(path)
        if not files.writable(path):
            raise files.read_only_error(path)
        try:
            conn = sqlite3.connect(str(path), isolation_level=None, timeout=10)
        except sqlite3.Error as exc:
            raise files.sqlite_error(path, exc, writing=True) from None
        try:
            conn = cls._checked(path, conn, readonly=False)
            return cls(path, conn)
        except sqlite3.Error as exc:
            conn.close()
            raise files.sqlite_error(path, exc, writing=True) from None
        except BaseException:
            conn.close()
            raise

    @staticmethod
    def _checked(path: Path, conn: sqlite3.Connection, readonly: bool) -> sqlite3.Connection:
        """Is this a Scorer file this program can use? Then the connection to use: set up for
        writing, or upgraded (an older file opened read-only is upgraded in a copy in memory)."""
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"log", "meta", "_sqlite_migrations"} <= tables:
            raise ScorerError(
                f"{path} 不是 Scorer 竞赛文件；文件没有被改动",
                f"{path} is not a Scorer competition file; it was left as it is",
            )
        applied = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = 'scorer' ORDER BY id"
            )
        ]
        unknown = [name for name in applied if name not in SCHEMA]
        if unknown:
            raise ScorerError(
                f"{path} 由更新版本的 Scorer 写入（{unknown[-1]}），请升级程序",
                f"{path} was written by a newer Scorer ({unknown[-1]}); please upgrade",
            )
        if not readonly:
            _durable(conn)
        if tuple(applied) != SCHEMA:  # an older file: upgrade it (sqlite-utils only loads now)
            from sqlite_utils import Database

            from scorer.store.schema import migrations

            if readonly:
                copy = sqlite3.connect(":memory:", isolation_level=None)
                conn.backup(copy)
                conn = copy
            migrations.apply(Database(conn))
            if readonly:
                conn.execute("PRAGMA query_only=ON")
        return conn

    @cached_property
    def db(self) -> Any:
        """The sqlite-utils Database over this store's connection (loaded on first use)."""
        from sqlite_utils import Database

        return Database(self.conn)

    def close(self) -> None:
        """Close the file; the checkpoint is written first (ScorerError if that fails: the rows
        are saved, and the next open reports the checkpoint as behind)."""
        writer, self._checkpoint = self._checkpoint, None
        try:
            if writer is not None:
                writer.close()
        except OSError as exc:
            zh, en = files.reason(exc)
            raise ScorerError(
                f"已保存的记录都在竞赛文件中，但检查点文件无法更新（{zh}）；下次打开时会提示",
                "everything saved is in the competition file, but the checkpoint could not be updated "
                f"({en}); the next open will say so",
            ) from None
        finally:
            if self._closer is not None:
                self._closer()
                self._closer = None
            else:
                self.conn.close()

    # ------------------------------------------------------------ health

    def health(self, full: bool = False) -> health.Health:
        """How sound the file is, for every front: the cheap check made at open, or with `full`
        the whole `verify` as well (cached until the log grows). See scorer/store/health.py."""
        if not full:
            return self._health
        newest = self.conn.execute("SELECT max(id) FROM log").fetchone()[0] or 0
        if self._verified is None or self._verified[0] != newest:
            from dataclasses import replace

            from scorer.store.verify import verify

            report = verify(self.path)
            checked = replace(self._health, verified=tuple(report.problems), notes=tuple(report.notes))
            self._verified = (newest, checked)
        return self._verified[1]

    def _refuse_writing(self, entries: list[Entry]) -> None:
        """Writing is refused to a read-only open, and while the file's health blocks it (a
        checkpoint problem not yet accepted, rows removed or changed): say why and what to do."""
        if self.readonly:
            raise files.read_only_error(self.path)
        h = self._health
        if not h.blocks_writing or all(e.kind == "checkpoint.accept" for e in entries):
            return
        first = next(i for i in h.issues if i.blocks)
        advice = h.advice() or ("", "")
        raise MarkRefused(
            f"不能写入：{first.message('zh')}。{advice[0]}",
            f"nothing can be written: {first.message('en')}. {advice[1]}",
        )

    def accept_checkpoint(self, actor: str, reason: str, source: str = "keyboard") -> int:
        """A chief judge accepts a missing, damaged or older checkpoint, with a reason: a logged
        decision (`checkpoint.accept`, shown by verify ever after); then a fresh checkpoint is
        written and writing is allowed again. The log id.

        With no competition in the file there are no chief judges to check: the actor is recorded
        as named, and the note says it was not checked."""
        h = self._health
        if self.readonly:
            raise files.read_only_error(self.path)
        if not h.needs_acceptance:
            raise ScorerError(
                "检查点没有问题，无需接受", "the checkpoint has no problem; there is nothing to accept"
            )
        reason = (reason or "").strip()
        if not reason:
            raise MarkRefused("接受检查点必须写明原因", "accepting the checkpoint needs a reason")
        actor = (actor or "").strip()
        checked = self.competition is not None
        if checked:
            j = self._index["judges"].get(actor)
            if j is None or j.role is not Role.CHIEF:
                raise MarkRefused(
                    f"只有裁判长可以接受检查点问题；“{actor}”不是本竞赛的裁判长",
                    f"only a chief judge may accept a checkpoint problem; '{actor}' is not a chief judge "
                    "of this competition",
                )
        elif not actor:
            raise MarkRefused("请写明由谁接受", "name who accepts")
        cp = checkpoint.checkpoint_path(self.path)
        if cp.is_dir():
            raise ScorerError(
                f"{cp} 是一个文件夹：请先把它移走或改名，再接受检查点",
                f"{cp} is a folder: move or rename it first, then accept the checkpoint",
            )
        if not os.access(cp.parent, os.W_OK | os.X_OK):
            raise files.read_only_error(self.path)
        payload = {
            "state": h.checkpoint,
            "problems": [i.message("en") for i in h.issues if i.code.startswith("checkpoint.")],
            "found": None if h.found is None else {k: list(v) for k, v in sorted(h.found.items())},
            "reason": reason,
            "chief_checked": checked,
        }
        log_id = self.append("checkpoint.accept", payload, actor, source)
        heads, _stats = health.file_heads(self.conn)
        try:
            checkpoint.replace(self.path, checkpoint.Checkpoint(self.db_id, heads))
        except OSError as exc:
            raise files.os_error(cp, exc) from None
        self._health = health.inspect(self.path, self.conn, self._meta)
        self._verified = None
        if not self._health.needs_acceptance:
            self._start_checkpoint()
        return log_id

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ the log

    def append(
        self,
        kind: str,
        payload: dict[str, Any],
        actor: str,
        source: str,
        raw: bytes | None = None,
        projection: list[tuple[str, tuple[Any, ...]]] | None = None,
        check: Any = None,
    ) -> int:
        """Append one row (and its projection statements) in one durable transaction; its log id.

        `check(conn)` runs inside the transaction before the insert and raises to refuse.
        `projection` statements may use LOG_ID, bound to the new row's id.
        """
        return self.append_many([Entry(kind, payload, actor, source, raw, projection or [])], check)[0]

    def append_many(self, entries: list[Entry], check: Any = None) -> list[int]:
        """Append rows in one transaction: all of them are durable, or none is written."""
        conn = self.conn
        station = self.station.id
        ids: list[int] = []
        self._refuse_writing(entries)
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise files.sqlite_error(self.path, exc, writing=True) from None
        try:
            if check is not None:
                check(conn)
            time = now()
            for entry in entries:
                text = canonical(entry.payload)
                # The head is cached: another process appending meanwhile makes the INSERT collide
                # on UNIQUE (station, seq); then it is read again (we hold the write lock by now).
                for attempt in (0, 1):
                    if self._head is None or attempt:
                        r = conn.execute(
                            "SELECT seq, hash FROM log WHERE station = ? ORDER BY seq DESC LIMIT 1",
                            (station,),
                        ).fetchone()
                        self._head = (r[0], r[1]) if r else (0, GENESIS)
                    seq, prev = self._head[0] + 1, self._head[1]
                    digest = row_hash(
                        station, seq, entry.kind, text, entry.actor, entry.source, entry.raw, time, prev
                    )
                    try:
                        cur = conn.execute(
                            "INSERT INTO log (station, seq, kind, payload, actor, source, raw, time, prev_hash, hash)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (
                                station,
                                seq,
                                entry.kind,
                                text,
                                entry.actor,
                                entry.source,
                                entry.raw,
                                time,
                                prev,
                                digest,
                            ),
                        )
                        break
                    except sqlite3.IntegrityError:
                        if attempt or ids:
                            raise
                log_id = cur.lastrowid
                assert log_id is not None
                for sql, params in entry.projection:
                    conn.execute(sql, tuple(log_id if p is LOG_ID else p for p in params))
                self._head = (seq, digest)
                ids.append(log_id)
            conn.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            self._head = None
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if "event locked" in str(exc):
                raise MarkRefused(
                    "项目已锁定，不能再录入或修改分数（需裁判长解锁）",
                    "the event is locked: marks cannot be entered or changed (the chief judge must unlock it)",
                ) from None
            raise
        except sqlite3.OperationalError as exc:
            self._head = None
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back itself
                    conn.execute("ROLLBACK")
            raise files.sqlite_error(self.path, exc, writing=True) from None
        except BaseException:
            self._head = None
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        assert self._head is not None
        if self._checkpoint is not None:
            self._checkpoint.advance(station, *self._head)
        return ids

    def log(self, kinds: tuple[str, ...] | None = None) -> Iterator[LogRow]:
        sql = f"SELECT {LOG_COLUMNS} FROM log"
        params: tuple[str, ...] = ()
        if kinds:
            sql += f" WHERE kind IN ({','.join('?' * len(kinds))})"
            params = kinds
        for r in self.conn.execute(sql + " ORDER BY id", params):
            yield _row(r)

    def get(self, log_id: int) -> LogRow | None:
        r = self.conn.execute(f"SELECT {LOG_COLUMNS} FROM log WHERE id = ?", (log_id,)).fetchone()
        return _row(r) if r else None

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM log").fetchone()[0]

    # ------------------------------------------------------------ the definition

    def reload(self) -> None:
        """Load the newest competition definition from the log (after another process changed it)."""
        r = self.conn.execute(
            "SELECT id, payload FROM log WHERE kind = 'definition' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if r is None:
            self.competition, self._definition_id, self._index = None, 0, {}
            return
        if r[0] == self._definition_id:
            return
        import json

        self.competition = codec.from_dict(json.loads(r[1]))
        self._definition_id = r[0]
        comp = self.competition
        self._index = {
            "events": {e.code: e for e in comp.events},
            "aspects": {e.code: e.aspects() for e in comp.events},
            "contestants": {x.code: x for x in comp.contestants},
            "judges": {j.code: j for j in comp.judges},
            "scopes": {e.code: _scope_map(e) for e in comp.events},
        }

    def set_competition(self, comp: Competition, actor: str, source: str = "import") -> int:
        """Record a (new revision of the) competition definition; refused if current marks would
        lose their contestant, aspect or judge."""
        if self.competition is not None and self.competition.id != comp.id:
            raise ScorerError(
                f"此文件属于竞赛“{self.competition.name}”（{self.competition.id}），不能导入另一个竞赛“{comp.name}”",
                f"this file holds '{self.competition.id}'; it cannot take another competition '{comp.id}'",
            )
        orphans = self._orphans(comp)
        if orphans:
            raise ScorerError(
                "新的竞赛定义会让已有分数失去对应的选手、评分项或裁判：" + "；".join(orphans[:5]),
                "the new definition would orphan existing marks: " + "; ".join(orphans[:5]),
            )
        log_id = self.append("definition", codec.to_dict(comp), actor, source)
        self.reload()
        return log_id

    def _orphans(self, comp: Competition) -> list[str]:
        contestants = {x.code: x.event for x in comp.contestants}
        aspects = {e.code: set(e.aspects()) for e in comp.events}
        judges = {j.code for j in comp.judges}
        out = []
        for m in self.marks():
            if contestants.get(m.contestant) != m.event:
                out.append(f"{m.contestant}")
            elif m.aspect not in aspects.get(m.event, set()):
                out.append(f"{m.contestant}/{m.aspect}")
            elif m.judge not in judges:
                out.append(f"{m.judge}")
        return sorted(set(out))

    def _require_competition(self) -> Competition:
        if self.competition is None:
            raise ScorerError(
                "此文件还没有竞赛定义，请先导入竞赛数据包（scorer import）",
                "this file has no competition yet; import a package first (scorer import)",
            )
        return self.competition

    # ------------------------------------------------------------ marks

    def _resolve(self, judge: str, contestant: str, aspect: str) -> tuple[Judge, Event, Any]:
        self._require_competition()
        j = self._index["judges"].get(judge)
        if j is None:
            raise MarkRefused(f"没有代码为“{judge}”的裁判", f"no judge with code '{judge}'")
        x = self._index["contestants"].get(contestant)
        if x is None:
            raise MarkRefused(f"没有加密号为“{contestant}”的选手", f"no contestant with code '{contestant}'")
        event = self._index["events"][x.event]
        a = self._index["aspects"][x.event].get(aspect)
        if a is None:
            raise MarkRefused(
                f"项目“{event.name}”没有评分项“{aspect}”", f"event '{event.code}' has no aspect '{aspect}'"
            )
        if j.role not in MARK_ROLES:
            raise MarkRefused(
                f"{j.name}（{j.code}）的角色不能评分", f"{j.name} ({j.code}) has a role that cannot mark"
            )
        if not j.assignments:
            chief = j.role is Role.CHIEF
            raise unassigned(j.code, "裁判长" if chief else "裁判", "chief judge" if chief else "judge")
        if not self.may_mark(j, event.code, aspect):
            raise MarkRefused(
                f"裁判 {j.code} 没有被分配评分项 {aspect}（项目 {event.code}）",
                f"judge {j.code} is not assigned to aspect {aspect} of event {event.code}",
            )
        return j, event, a

    def may_mark(self, judge: Judge, event: str, aspect: str) -> bool:
        """Is `aspect` within one of the judge's assignments (by aspect, its parents, or "*")?"""
        parents = self._index["scopes"][event].get(aspect, ())
        for asg in judge.assignments:
            if asg.event == event and any(s == "*" or s in parents for s in asg.scope):
                return True
        return False

    def mark_entry(
        self,
        *,
        judge: str,
        contestant: str,
        aspect: str,
        value: str,
        source: str = "keyboard",
        raw: bytes | None = None,
        actor: str | None = None,
    ) -> Entry:
        """The validated log entry for a first mark (MarkRefused with the reason if it is not valid)."""
        j, event, a = self._resolve(judge, contestant, aspect)
        canonical_value = parse_value(a, value)
        slot = j.code if a.type is AspectType.JUDGEMENT else ""
        payload = {
            "event": event.code,
            "contestant": contestant,
            "aspect": aspect,
            "judge": j.code,
            "slot": slot,
            "value": canonical_value,
            **_typed(value, canonical_value),
        }
        insert = (
            "INSERT INTO marks (contestant, aspect, slot, event, judge, value, log_id, first_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (contestant, aspect, slot, event.code, j.code, canonical_value, LOG_ID, LOG_ID),
        )
        return Entry("mark", payload, actor or j.code, source, raw, [insert])

    def record_mark(
        self,
        *,
        judge: str,
        contestant: str,
        aspect: str,
        value: str,
        source: str = "keyboard",
        raw: bytes | None = None,
        actor: str | None = None,
    ) -> int:
        """Validate and durably record a first mark for a slot; its log id. A slot that already has
        a mark is refused: changing a mark is a correction, with a reason."""
        entry = self.mark_entry(
            judge=judge,
            contestant=contestant,
            aspect=aspect,
            value=value,
            source=source,
            raw=raw,
            actor=actor,
        )
        try:
            return self.append_many([entry])[0]
        except sqlite3.IntegrityError:
            self._refuse_filled(entry)
            raise

    def record_marks(self, marks: list[dict[str, str]], source: str = "import") -> list[int]:
        """Record many first marks (an imported exam sheet, a paper form) in one transaction:
        every one is validated first, and either all are written or none."""
        problems: list[Problem] = []
        entries: list[Entry] = []
        for n, m in enumerate(marks, start=1):
            try:
                entries.append(
                    self.mark_entry(
                        judge=m.get("judge", ""),
                        contestant=m.get("contestant", ""),
                        aspect=m.get("aspect", ""),
                        value=m.get("value", ""),
                        source=source,
                    )
                )
            except MarkRefused as exc:
                problems.append(Problem(f"#{n}", exc.zh, exc.en))
        keys = [(e.payload["contestant"], e.payload["aspect"], e.payload["slot"]) for e in entries]
        if len(set(keys)) != len(keys):
            problems.append(Problem("", "同一评分格出现了两次", "the same slot appears twice"))
        if problems:
            raise ImportRejected(source, problems)
        try:
            return self.append_many(entries)
        except sqlite3.IntegrityError:
            for entry in entries:
                self._refuse_filled(entry)
            raise

    def _refuse_filled(self, entry: Entry) -> None:
        """Raise MarkRefused if the entry's slot already has a mark (its primary key refused it)."""
        p = entry.payload
        r = self.conn.execute(
            "SELECT log_id, value, judge FROM marks WHERE contestant = ? AND aspect = ? AND slot = ?",
            (p["contestant"], p["aspect"], p["slot"]),
        ).fetchone()
        if r is not None:
            raise MarkRefused(
                f"{p['contestant']} 的 {p['aspect']} 已有分数 {r[1]}（记录 #{r[0]}，裁判 {r[2]}）；修改请用更正并写明原因",
                f"{p['contestant']} {p['aspect']} already has {r[1]} (log #{r[0]}, judge {r[2]}); "
                "use a correction with a reason to change it",
            ) from None

    def _current_by_log_id(self, conn: sqlite3.Connection, replaces: int) -> tuple[Any, ...]:
        if not isinstance(replaces, int) or not 0 < replaces < 2**63:  # SQLite's integers: no OverflowError
            raise MarkRefused(f"没有可更正的分数记录 #{replaces}", f"no current mark with log id #{replaces}")
        r = conn.execute(
            "SELECT contestant, aspect, slot, event, judge, value, first_id FROM marks WHERE log_id = ?",
            (replaces,),
        ).fetchone()
        if r is None:
            newer = conn.execute(
                "SELECT id FROM log WHERE kind IN ('mark.correct', 'mark.void')"
                " AND json_extract(payload, '$.replaces') = ? LIMIT 1",
                (replaces,),
            ).fetchone()
            if newer:
                raise MarkRefused(
                    f"记录 #{replaces} 已被 #{newer[0]} 更正或作废，请更正当前的分数",
                    f"log #{replaces} was already replaced by #{newer[0]}; correct the current mark",
                )
            raise MarkRefused(f"没有可更正的分数记录 #{replaces}", f"no current mark with log id #{replaces}")
        return r

    def correct_mark(
        self,
        *,
        replaces: int,
        value: str,
        reason: str,
        actor: str,
        source: str = "keyboard",
        raw: bytes | None = None,
    ) -> int:
        """Replace a current mark with a new value; the old one stays in the log with the reason.
        `source`/`raw`: what caused it (a device's port and record), kept in the log like a mark's."""
        return self._replace(replaces, value, reason, actor, source, void=False, raw=raw)

    def void_mark(
        self, *, replaces: int, reason: str, actor: str, source: str = "keyboard", raw: bytes | None = None
    ) -> int:
        """Withdraw a current mark (entered for the wrong contestant, say); it stays in the log."""
        return self._replace(replaces, None, reason, actor, source, void=True, raw=raw)

    def _replace(
        self,
        replaces: int,
        value: str | None,
        reason: str,
        actor: str,
        source: str,
        void: bool,
        raw: bytes | None = None,
    ) -> int:
        comp = self._require_competition()
        reason = (reason or "").strip()
        if not reason:
            raise MarkRefused("更正或作废必须写明原因", "a correction or void needs a reason")
        current = self._current_by_log_id(self.conn, replaces)
        contestant, aspect, slot, event, judge, _old, _first = current
        actor_judge = self._index["judges"].get(actor)
        if actor_judge is None:
            raise MarkRefused(f"没有代码为“{actor}”的裁判", f"no judge with code '{actor}'")
        if actor != judge and actor_judge.role is not Role.CHIEF:
            raise MarkRefused(
                f"只有录入该分数的裁判（{judge}）或裁判长可以更正",
                f"only the judge who entered it ({judge}) or a chief judge may change this mark",
            )
        if actor_judge.role is Role.CHIEF and not self.may_mark(actor_judge, event, aspect):
            raise MarkRefused(
                f"裁判长 {actor} 不负责项目 {event}", f"chief judge {actor} is not assigned to event {event}"
            )
        payload: dict[str, Any] = {
            "event": event,
            "contestant": contestant,
            "aspect": aspect,
            "judge": judge,
            "slot": slot,
            "replaces": replaces,
            "reason": reason,
        }

        def still_current(conn: sqlite3.Connection) -> None:
            self._current_by_log_id(conn, replaces)

        if void:
            projection = [
                (
                    "DELETE FROM marks WHERE contestant = ? AND aspect = ? AND slot = ?",
                    (contestant, aspect, slot),
                )
            ]
            return self.append("mark.void", payload, actor, source, raw, projection, still_current)
        a = self._index["aspects"][event][aspect]
        assert comp is not None
        payload["value"] = parse_value(a, value or "")
        payload.update(_typed(value or "", payload["value"]))
        projection = [
            (
                "UPDATE marks SET value = ?, log_id = ? WHERE contestant = ? AND aspect = ? AND slot = ?",
                (payload["value"], LOG_ID, contestant, aspect, slot),
            )
        ]
        return self.append("mark.correct", payload, actor, source, raw, projection, still_current)

    def marks(self, event: str | None = None) -> list[MarkRow]:
        sql = "SELECT event, contestant, aspect, judge, value, log_id, first_id FROM marks"
        params: tuple[str, ...] = ()
        if event:
            sql += " WHERE event = ?"
            params = (event,)
        return [
            MarkRow(*r) for r in self.conn.execute(sql + " ORDER BY event, contestant, aspect, judge", params)
        ]

    # ------------------------------------------------------------ status and results

    STATUSES = ("ok", "absent", "dnf", "withdrawn", "dq")

    def set_status(self, *, contestant: str, status: str, reason: str, actor: str) -> int:
        """Record that a contestant did not finish, withdrew or was disqualified (or is back to ok);
        only a chief judge of the contestant's event may."""
        self._require_competition()
        x = self._index["contestants"].get(contestant)
        if x is None:
            raise MarkRefused(f"没有加密号为“{contestant}”的选手", f"no contestant with code '{contestant}'")
        if status not in self.STATUSES:
            raise MarkRefused(
                f"状态“{status}”无效，应为：{', '.join(self.STATUSES)}",
                f"status '{status}' is not one of: {', '.join(self.STATUSES)}",
            )
        j = self._index["judges"].get(actor)
        if j is None or j.role is not Role.CHIEF or not any(a.event == x.event for a in j.assignments):
            raise MarkRefused(
                f"只有项目 {x.event} 的裁判长可以更改选手状态",
                f"only a chief judge of event {x.event} may set a status",
            )
        if not (reason or "").strip():
            raise MarkRefused("更改选手状态必须写明原因", "a status change needs a reason")
        payload = {"contestant": contestant, "event": x.event, "status": status, "reason": reason.strip()}
        return self.append(
            "contestant.status",
            payload,
            actor,
            "keyboard",
            projection=[
                (
                    "INSERT INTO statuses (contestant, status, log_id) VALUES (?, ?, ?)"
                    " ON CONFLICT (contestant) DO UPDATE SET status = excluded.status, log_id = excluded.log_id",
                    (contestant, status, LOG_ID),
                )
            ],
        )

    def statuses(self) -> dict[str, str]:
        return dict(
            self.conn.execute("SELECT contestant, status FROM statuses WHERE status != 'ok'").fetchall()
        )

    def event_marks(
        self, event: str
    ) -> tuple[dict[str, dict[str, dict[str, str]]], dict[tuple[str, str, str], str]]:
        """An event's current marks in the rules' shape (contestant → aspect → slot → value), and
        who entered each (for conflict-of-interest checks)."""
        marks: dict[str, dict[str, dict[str, str]]] = {}
        entered_by: dict[tuple[str, str, str], str] = {}
        for contestant, aspect, slot, value, judge in self.conn.execute(
            "SELECT contestant, aspect, slot, value, judge FROM marks WHERE event = ?", (event,)
        ):
            marks.setdefault(contestant, {}).setdefault(aspect, {})[slot] = value
            entered_by[(contestant, aspect, slot)] = judge
        return marks, entered_by

    def contestant_marks(self, contestant: str) -> dict[str, dict[str, str]]:
        """One contestant's current marks in the rules' shape (aspect → slot → value)."""
        out: dict[str, dict[str, str]] = {}
        for aspect, slot, value in self.conn.execute(
            "SELECT aspect, slot, value FROM marks WHERE contestant = ?", (contestant,)
        ):
            out.setdefault(aspect, {})[slot] = value
        return out

    def contestant_marks_by(
        self, contestant: str
    ) -> tuple[dict[str, dict[str, str]], dict[tuple[str, str, str], str]]:
        """`contestant_marks` and who entered each (as `event_marks` gives them), in one query:
        what the live results read after a save."""
        marks: dict[str, dict[str, str]] = {}
        entered_by: dict[tuple[str, str, str], str] = {}
        for aspect, slot, value, judge in self.conn.execute(
            "SELECT aspect, slot, value, judge FROM marks WHERE contestant = ?", (contestant,)
        ):
            marks.setdefault(aspect, {})[slot] = value
            entered_by[(contestant, aspect, slot)] = judge
        return marks, entered_by

    def status_of(self, contestant: str) -> str:
        """One contestant's status ("ok" unless one was recorded)."""
        r = self.conn.execute("SELECT status FROM statuses WHERE contestant = ?", (contestant,)).fetchone()
        return r[0] if r else "ok"

    def results(self, event: str) -> Any:
        """The event's results as the rules compute them from the current marks."""
        from scorer.rules import EventRules

        comp = self._require_competition()
        e = self._index["events"].get(event)
        if e is None:
            raise ScorerError(f"没有代码为“{event}”的项目", f"no event with code '{event}'")
        marks, entered_by = self.event_marks(event)
        return EventRules(e).compute(comp.contestants, marks, self.statuses(), comp.judges, entered_by)

    def info(self) -> dict[str, Any]:
        comp = self.competition
        kinds = dict(self.conn.execute("SELECT kind, count(*) FROM log GROUP BY kind").fetchall())
        return {
            "file": str(self.path),
            "station": self.station.id,
            "station_name": self.station.name,
            "created": self.station.created,
            "schema": [
                r[0]
                for r in self.conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = 'scorer' ORDER BY id"
                )
            ],
            "log_rows": sum(kinds.values()),
            "log_kinds": kinds,
            "current_marks": self.conn.execute("SELECT count(*) FROM marks").fetchone()[0],
            "competition": None
            if comp is None
            else {
                "id": comp.id,
                "name": comp.name,
                "venue": comp.venue,
                "events": [
                    {
                        "code": e.code,
                        "name": e.name,
                        "aspects": len(e.aspects()),
                        "contestants": sum(1 for x in comp.contestants if x.event == e.code),
                    }
                    for e in comp.events
                ],
                "contestants": len(comp.contestants),
                "judges": len(comp.judges),
            },
        }


class _LogId:
    """Placeholder in projection parameters for the id of the row being appended."""

    def __repr__(self) -> str:
        return "LOG_ID"


LOG_ID: Any = _LogId()


def _typed(text: str, canonical: str) -> dict[str, str]:
    """The text as typed, kept in the log beside the canonical value when they differ (5.000 → 5)."""
    typed = text.strip()
    return {"typed": typed} if typed != canonical else {}


def _scope_map(event: Event) -> dict[str, tuple[str, ...]]:
    """aspect code → the codes that include it (itself, sub-criterion, criterion, component)."""
    out: dict[str, tuple[str, ...]] = {}
    for comp in event.components:
        for crit in comp.criteria:
            for sub in crit.sub_criteria:
                for a in sub.aspects:
                    out[a.code] = (a.code, sub.code, crit.code, comp.code)
    return out
