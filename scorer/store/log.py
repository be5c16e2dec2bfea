"""The log, and the one door every row enters a file by.

A row is data — (station, seq, kind, payload, actor, source, raw, time, prev_hash, hash) — whether
this station just made it or another station made it and sync brought it. `Log.apply` is the only
code that INSERTs into `log`: it checks the row continues its station's chain (seq = head + 1,
prev_hash = the head's hash, the hash recomputed and equal), inserts it and runs its projection
statements, inside the caller's write transaction. Local appends build their rows here (`append`:
next seq, time, hashes) and go through the same door; so will rows received from another station
(`receive`). After COMMIT the new heads go to the checkpoint (`Store._hand_off`).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from scorer.errors import MarkRefused, ScorerError
from scorer.store import files, projections
from scorer.store.chain import GENESIS, canonical, row_hash
from scorer.store.projections import LOG_ID, Statement

LOG_COLUMNS = "id, station, seq, kind, payload, actor, source, raw, time, prev_hash, hash"
_INSERT = (
    "INSERT INTO log (station, seq, kind, payload, actor, source, raw, time, prev_hash, hash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_HEAD = "SELECT seq, hash FROM log WHERE station = ? ORDER BY seq DESC LIMIT 1"

T = TypeVar("T")

Head = tuple[int, str]  # (seq, hash) of a station's newest row


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


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


class Row(NamedTuple):
    """One log row as data, the same in every file that holds it (ids are per file, so none here).
    `payload` is the canonical JSON text, as stored and hashed. A tuple in the INSERT's column order
    (cheap to build on every mark)."""

    station: str
    seq: int
    kind: str
    payload: str
    actor: str
    source: str
    raw: bytes | None
    time: str
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, r: LogRow) -> Row:
        """The row as another file holds it (read with `Store.log()` there)."""
        return cls(
            r.station,
            r.seq,
            r.kind,
            canonical(r.payload),
            r.actor,
            r.source,
            r.raw,
            r.time,
            r.prev_hash,
            r.hash,
        )


@dataclass(frozen=True, slots=True)
class Entry:
    """A row to append: what happened, and the projection statements that go with it."""

    kind: str
    payload: dict[str, Any]
    actor: str
    source: str
    raw: bytes | None = None
    projection: list[Statement] = field(default_factory=list)


class ChainError(ScorerError):
    """A row that does not continue its station's chain here; nothing was written."""


class _Behind(ChainError):
    """The cached head was stale: another process appended meanwhile (a local row is rebuilt)."""


def log_row(r: Sequence[Any]) -> LogRow:
    return LogRow(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], r[7], r[8], r[9], r[10])


def _refuse(row: Row, zh: str, en: str, behind: bool = False) -> ChainError:
    where_zh = f"站点 {row.station} 序号 {row.seq} 的记录"
    where_en = f"the row of station {row.station} with seq {row.seq}"
    kind = _Behind if behind else ChainError
    return kind(f"{where_zh}{zh}；没有写入任何内容", f"{where_en} {en}; nothing was written")


def check(row: Row, head: Head) -> None:
    """Does `row` continue the chain whose newest row is `head`? ChainError saying why not."""
    seq, prev = head
    if row.seq != seq + 1:
        if row.seq > seq + 1:
            raise _refuse(
                row,
                f"不能接在序号 {seq} 之后：缺少序号 {seq + 1}–{row.seq - 1}",
                f"does not follow seq {seq}: seq {seq + 1}–{row.seq - 1} are missing",
            )
        raise _refuse(
            row,
            f"已在文件中（该站点已到序号 {seq}）",
            f"is already in the file (the station is at seq {seq})",
            behind=True,
        )
    if row.prev_hash != prev:
        raise _refuse(
            row,
            f"的上一行哈希与序号 {seq} 的哈希不符",
            f"does not link to seq {seq}: its prev_hash is not that row's hash",
        )
    if row_hash(*row[:9]) != row.hash:  # every field but the hash, in the hash's order
        raise _refuse(row, "的哈希与其内容不符", "does not hash to its stored hash: its content was changed")


class Log:
    """The log of one open file: reads, and writes through `apply` in one durable transaction."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
        # Heads are cached between transactions: another process appending meanwhile makes the
        # INSERT collide on UNIQUE (station, seq); then the head is read again (under the write lock).
        self._heads: dict[str, Head] = {}

    # ------------------------------------------------------------ reading

    def rows(self, kinds: tuple[str, ...] | None = None) -> Iterator[LogRow]:
        sql = f"SELECT {LOG_COLUMNS} FROM log"
        params: tuple[str, ...] = ()
        if kinds:
            sql += f" WHERE kind IN ({','.join('?' * len(kinds))})"
            params = kinds
        for r in self.conn.execute(sql + " ORDER BY id", params):
            yield log_row(r)

    def get(self, log_id: int) -> LogRow | None:
        r = self.conn.execute(f"SELECT {LOG_COLUMNS} FROM log WHERE id = ?", (log_id,)).fetchone()
        return log_row(r) if r else None

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM log").fetchone()[0]

    def head(self, station: str) -> Head:
        """The station's newest (seq, hash) in this file; (0, GENESIS) before its first row."""
        head = self._heads.get(station)
        if head is None:
            r = self.conn.execute(_HEAD, (station,)).fetchone()
            head = self._heads[station] = (r[0], r[1]) if r else (0, GENESIS)
        return head

    # ------------------------------------------------------------ the door

    def apply(self, row: Row, projection: Iterable[Statement] = ()) -> int:
        """THE way a row enters the file, inside a write transaction: the chain is checked (ChainError
        if the row does not continue it), the row inserted and its projection statements run (LOG_ID
        bound to the new id). Its log id."""
        conn = self.conn
        head = self.head(row.station)
        check(row, head)
        try:
            cur = conn.execute(_INSERT, tuple(row))  # a plain tuple binds faster than a NamedTuple
        except sqlite3.IntegrityError:
            del self._heads[row.station]
            if self.head(row.station) == head:
                raise
            check(row, self.head(row.station))  # the head moved on: raises _Behind
            raise
        log_id = cur.lastrowid
        assert log_id is not None
        for sql, params in projection:
            conn.execute(sql, tuple(log_id if p is LOG_ID else p for p in params))
        self._heads[row.station] = (row.seq, row.hash)
        return log_id

    # ------------------------------------------------------------ writing

    def append(
        self,
        station: str,
        entries: list[Entry],
        check_: Callable[..., Any] | None = None,
        init: Entry | None = None,
    ) -> list[int]:
        """This station's rows for `entries` (next seq, one time, hashes) through `apply`, in one
        durable transaction. `check_(conn)` runs first inside it and raises to refuse. `init`: the
        station's first row, written first in the same transaction when the station has no row in
        this file yet (a file copied to this laptop gets this laptop's chain); its id is not returned."""

        def body() -> list[int]:
            if check_ is not None:
                check_(self.conn)
            time = now()
            ids: list[int] = []
            if init is not None:
                for attempt in (0, 1):
                    if self.head(station)[0]:
                        break
                    text = canonical(init.payload)
                    row = Row(
                        station, 1, init.kind, text, init.actor, init.source, init.raw, time, GENESIS, ""
                    )
                    row = row._replace(hash=row_hash(*row[:9]))
                    try:
                        self.apply(row, init.projection)
                        break
                    except _Behind:
                        if attempt:
                            raise
            for entry in entries:
                text = canonical(entry.payload)
                for attempt in (0, 1):
                    seq, prev = self.head(station)
                    seq += 1
                    digest = row_hash(
                        station, seq, entry.kind, text, entry.actor, entry.source, entry.raw, time, prev
                    )
                    row = Row(
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
                    )
                    try:
                        ids.append(self.apply(row, entry.projection))
                        break
                    except _Behind:
                        if attempt or ids:
                            raise
            return ids

        return self._write(body)

    def receive(self, rows: list[Row]) -> list[int]:
        """Rows made elsewhere (another station's, brought by sync) through `apply`, with the
        projections derived from each row, in one durable transaction: all, or none."""

        def body() -> list[int]:
            self._heads.clear()  # read afresh under the write lock: a stale head would see a false gap
            return [self.apply(row, projections.for_row(row.kind, json.loads(row.payload))) for row in rows]

        return self._write(body)

    def _write(self, body: Callable[[], T]) -> T:
        """BEGIN IMMEDIATE → body → COMMIT (durable on return: WAL + synchronous=FULL); on any
        failure ROLLBACK (nothing written) and forget the cached heads."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise files.sqlite_error(self.path, exc, writing=True) from None
        try:
            ids = body()
            conn.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            self._rollback()
            if "event locked" in str(exc):
                raise MarkRefused(
                    "项目已锁定，不能再录入或修改分数和选手状态（需裁判长解锁）",
                    "the event is locked: marks and contestant statuses cannot be entered or changed (the "
                    "chief judge must unlock it)",
                ) from None
            raise
        except sqlite3.OperationalError as exc:
            self._heads.clear()
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back itself
                    conn.execute("ROLLBACK")
            raise files.sqlite_error(self.path, exc, writing=True) from None
        except BaseException:
            self._rollback()
            raise
        return ids

    def _rollback(self) -> None:
        self._heads.clear()
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
