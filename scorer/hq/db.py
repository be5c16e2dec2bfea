"""Headquarters' database: an SQLite file (the default) or PostgreSQL, behind one small interface,
and the versioned migrations that create and upgrade its schema on both.

Correctness never rests on the web server's processes: every rule that must hold under several
workers is a database constraint or a transaction — PRIMARY KEY (db, station, seq) on `entries`,
one transaction per batch, on PostgreSQL the station's row locked `FOR UPDATE`, on SQLite the write
lock taken up front (`BEGIN IMMEDIATE`, with a busy timeout). A unique violation surfaces as
`Conflict`, so the caller can look again (it may be a concurrent repeat).

SQL is written once with `?` placeholders; PostgreSQL gets `%s`. The few words that differ between
the two (an auto-numbered key, `FOR UPDATE`) are filled in per back end.
"""

from __future__ import annotations

import contextlib
import queue
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scorer.errors import ScorerError
from scorer.store.log import now


class Conflict(Exception):
    """A unique or primary key constraint refused a write (another transaction got there first)."""


class Unavailable(ScorerError):
    """The database cannot be reached or opened right now."""


# ------------------------------------------------------------ transactions


class Tx:
    """One transaction (or one read) on either back end: the same calls, `?` placeholders."""

    def __init__(self, kind: str, conn: Any):
        self.kind = kind
        self.conn = conn
        self.for_update = " FOR UPDATE" if kind == "postgresql" else ""

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.kind == "postgresql" else sql

    def _run(self, sql: str, params: Sequence[Any]) -> Any:
        try:
            return self.conn.execute(self._sql(sql), params)
        except sqlite3.IntegrityError as exc:
            raise Conflict(str(exc)) from exc
        except Exception as exc:
            if _is_pg_unique(exc):
                raise Conflict(str(exc)) from exc
            raise

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        row = self._run(sql, params).fetchone()
        return None if row is None else tuple(row)

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self._run(sql, params).fetchall()]

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute a write; how many rows it changed."""
        return int(self._run(sql, params).rowcount)

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement over many rows (executemany: one round of parsing, prepared once)."""
        try:
            if self.kind == "postgresql":
                with self.conn.cursor() as cur:
                    cur.executemany(self._sql(sql), rows)
            else:
                self.conn.executemany(sql, rows)
        except sqlite3.IntegrityError as exc:
            raise Conflict(str(exc)) from exc
        except Exception as exc:
            if _is_pg_unique(exc):
                raise Conflict(str(exc)) from exc
            raise

    def copy(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert many rows at once: COPY on PostgreSQL (the fastest way in), executemany on SQLite."""
        if self.kind != "postgresql":
            marks = ", ".join("?" * len(columns))
            self.many(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
            return
        try:
            with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
        except Exception as exc:
            if _is_pg_unique(exc):
                raise Conflict(str(exc)) from exc
            raise


def _is_pg_unique(exc: BaseException) -> bool:
    return type(exc).__name__ == "UniqueViolation" and type(exc).__module__.startswith("psycopg")


# ------------------------------------------------------------ the two back ends


class Database:
    """Headquarters' database. `write()` is one write transaction; `read()` a read."""

    kind = ""
    shown = ""  # the location as people see it (a password hidden)

    def write(self) -> contextlib.AbstractContextManager[Tx]:
        raise NotImplementedError

    def read(self) -> contextlib.AbstractContextManager[Tx]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SqliteDatabase(Database):
    """An SQLite file in WAL mode; connections pooled (the web server's threads share them), each
    write transaction takes the write lock first (`BEGIN IMMEDIATE`) and waits up to 30 s for it."""

    kind = "sqlite"

    def __init__(self, path: Path):
        self.path = path
        self.shown = f"sqlite://{path.resolve()}"
        self._idle: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._connect().close()  # fail now, clearly, if the file cannot be opened

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA busy_timeout = 30000")
            if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                raise sqlite3.OperationalError("WAL mode is not available")
            conn.execute("PRAGMA synchronous = FULL")
        except (sqlite3.Error, OSError) as exc:
            raise Unavailable(
                f"总部的数据库文件 {self.path} 不能打开（{exc}）",
                f"headquarters' database file {self.path} cannot be opened ({exc})",
            ) from None
        return conn

    @contextlib.contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = self._connect()
            with self._lock:
                self._all.append(conn)
        try:
            yield conn
        finally:
            self._idle.put(conn)

    @contextlib.contextmanager
    def write(self) -> Iterator[Tx]:
        with self._conn() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self.kind, conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextlib.contextmanager
    def read(self) -> Iterator[Tx]:
        with self._conn() as conn:
            conn.execute("BEGIN")
            try:
                yield Tx(self.kind, conn)
            finally:
                conn.execute("ROLLBACK")

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()


class PostgresDatabase(Database):
    """PostgreSQL through psycopg 3 and a psycopg_pool ConnectionPool (one per web worker).

    Fail-over (docs/hq-deploy.md): the address may name several servers
    (`postgresql://u@db1:5432,db2:5432/hq`, libpq tries them in order; several hosts get
    `target_session_attrs=read-write` unless the address says otherwise), so after a standby is
    promoted new connections reach it. Meanwhile no request hangs: a pooled connection is checked
    before use (a dead one is replaced), a wait for a connection longer than `STEP` seconds asks
    the server directly, and while it cannot be reached (or is read-only) requests get
    `Unavailable` (the app's 503) at once; the first request that reaches a writable server again
    replaces the pool, so the app continues without waiting out the pool's reconnection back-off."""

    kind = "postgresql"
    STEP = 2.0  # seconds a request waits for a pooled connection before asking whether the server is there
    PROBE_EVERY = 0.5  # while the server is down, at most one direct try this often (others answer at once)
    PROBE_TIMEOUT = 3  # seconds for one direct try (libpq's connect_timeout, per host)

    def __init__(self, url: str, max_size: int = 8, timeout: float = 60):
        import psycopg

        self.url = url
        self.shown = hide_password(url)
        self.max_size = max_size
        self.timeout = timeout
        self._down: Exception | None = None  # why the server was last found unusable; None: fine
        self._probed = 0.0  # monotonic time of the last direct try while down
        self._lock = threading.Lock()
        try:  # a first connection now: a clear error for a wrong address, not a pool retrying forever
            psycopg.connect(url, connect_timeout=10).close()
        except psycopg.Error as exc:
            raise unreachable(url, exc) from None
        self.pool = self._new_pool()

    def _new_pool(self) -> Any:
        from psycopg_pool import ConnectionPool

        return ConnectionPool(
            self.url,
            min_size=1,
            max_size=self.max_size,
            kwargs={"autocommit": True},
            open=True,
            timeout=self.timeout,
            name="scorer-hq",
            check=ConnectionPool.check_connection,  # a connection the server dropped is not handed out
        )

    def _probe(self) -> Exception | None:
        """Ask the server directly (no pool): None when it takes writes, else why not."""
        import psycopg

        try:
            with psycopg.connect(self.url, connect_timeout=self.PROBE_TIMEOUT, autocommit=True) as conn:
                row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
        except psycopg.Error as exc:
            return exc
        if row and row[0]:
            return psycopg.OperationalError("the server is a standby (read-only, in recovery)")
        return None

    def _recover(self) -> None:
        """While the server is down: answer Unavailable at once, but try it directly at most every
        PROBE_EVERY seconds (one request at a time); when it takes writes again, a fresh pool."""
        import time

        if not self._lock.acquire(blocking=False):
            raise unreachable(self.url, self._down or RuntimeError("reconnecting"))
        try:
            if self._down is None:
                return
            if time.monotonic() - self._probed < self.PROBE_EVERY:
                raise unreachable(self.url, self._down)
            self._probed = time.monotonic()
            why = self._probe()
            if why is not None:
                self._down = why
                raise unreachable(self.url, why)
            old, self.pool = self.pool, self._new_pool()
            self._down = None
        finally:
            self._lock.release()
        old.close(timeout=1)  # connections still in use are closed when they come back

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Any]:
        import time

        from psycopg_pool import PoolTimeout

        if self._down is not None:
            self._recover()
        pool = self.pool
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                conn = pool.getconn(timeout=max(0.01, min(self.STEP, deadline - time.monotonic())))
                break
            except PoolTimeout:
                if time.monotonic() >= deadline:
                    raise
                why = self._probe()  # a busy pool, or no server? ask it
                if why is not None:
                    self._down = why
                    raise unreachable(self.url, why) from None
        try:
            with conn:
                yield conn
        except Exception:
            if conn.broken:  # the server went away mid-request: the next request asks it first
                self._down = self._down or RuntimeError("the connection to the server was lost")
            raise
        finally:
            pool.putconn(conn)

    @contextlib.contextmanager
    def write(self) -> Iterator[Tx]:
        with self._connection() as conn, conn.transaction():
            yield Tx(self.kind, conn)

    @contextlib.contextmanager
    def read(self) -> Iterator[Tx]:
        with self._connection() as conn, conn.transaction():
            yield Tx(self.kind, conn)

    def close(self) -> None:
        self.pool.close()


# ------------------------------------------------------------ addresses


def hide_password(url: str) -> str:
    """The database address as it may be printed: any password replaced by ***."""
    try:
        parts = urlsplit(url)
        if parts.password is not None:
            host = parts.hostname or ""
            if ":" in host:
                host = f"[{host}]"
            user = parts.username or ""
            netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
            url = urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        url = re.sub(r"//[^@/]*@", "//***@", url)
    return re.sub(r"(password=)[^&\s]*", r"\1***", url)


def unreachable(url: str, exc: BaseException) -> Unavailable:
    reason = hide_password(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
    return Unavailable(
        f"无法连接 PostgreSQL 数据库 {hide_password(url)}（{reason}）：请检查地址、端口、用户名和密码，以及数据库是否在运行",
        f"cannot connect to the PostgreSQL database {hide_password(url)} ({reason}): check the address, "
        "port, user name and password, and that the database is running",
    )


def bad_url(url: str, why_zh: str, why_en: str) -> ScorerError:
    return ScorerError(
        f"--db 的数据库地址 {hide_password(url)} 不对：{why_zh}。应为 SQLite 文件路径（或 sqlite:///路径），"
        "或 postgresql://用户:密码@主机:端口/数据库",
        f"the database address {hide_password(url)} given to --db is wrong: {why_en}. Give an SQLite file "
        "path (or sqlite:///path), or postgresql://user:password@host:port/database",
    )


def read_write(url: str, info: dict[str, Any]) -> str:
    """An address naming several servers asks for the writable one (`target_session_attrs=read-write`),
    unless it says what it wants: libpq would otherwise take the first that answers, a standby too."""
    if "," not in str(info.get("host") or "") or "target_session_attrs" in info:
        return url
    return url + ("&" if "?" in url else "?") + "target_session_attrs=read-write"


def open_database(url: str) -> Database:
    """The database at `url`: `postgresql://…` (or `postgres://…`), `sqlite:///path`, or a file path.
    ScorerError (bilingual) for a malformed address or one that cannot be reached."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme in ("postgresql", "postgres"):
        from psycopg.conninfo import conninfo_to_dict

        try:
            parts = urlsplit(url)
            info = conninfo_to_dict(url)
            ports = str(info.get("port") or "").split(",")  # several hosts: "5432,5433"
            if any(p and not p.isdigit() for p in ports):
                raise ValueError(f"Port could not be cast to integer value as {info['port']!r}")
        except Exception as exc:  # psycopg.ProgrammingError or ValueError from the URL parser
            raise bad_url(
                url,
                f"无法解析（{hide_password(str(exc))}）",
                f"it cannot be parsed ({hide_password(str(exc))})",
            ) from None
        if not (parts.path.strip("/") or "dbname=" in url):
            raise bad_url(url, "没有写数据库名", "it names no database")
        return PostgresDatabase(read_write(url, info))
    if scheme == "sqlite":
        path = url.split("://", 1)[1]
        if not path:
            raise bad_url(url, "没有写文件路径", "it names no file")
        return SqliteDatabase(Path(path))
    if scheme:
        raise bad_url(url, f"不支持 {scheme}://", f"{scheme}:// is not supported")
    if not url.strip():
        raise bad_url(url, "地址为空", "it is empty")
    return SqliteDatabase(Path(url))


# ------------------------------------------------------------ migrations


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


_WORDS = {
    "sqlite": {"ID": "INTEGER PRIMARY KEY AUTOINCREMENT", "BIG": "INTEGER", "NOROWID": " WITHOUT ROWID"},
    "postgresql": {
        "ID": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        "BIG": "BIGINT",
        "NOROWID": "",
    },
}

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "venues, codes, stations, feeds, entries, batches, receipts, forks, quarantine, refusals",
        (
            """CREATE TABLE venues (
                venue TEXT PRIMARY KEY, name TEXT NOT NULL, url TEXT, created TEXT NOT NULL)""",
            """CREATE TABLE codes (
                id {ID}, venue TEXT NOT NULL REFERENCES venues (venue), code_hash TEXT NOT NULL UNIQUE,
                created TEXT NOT NULL, expires TEXT NOT NULL, used_at TEXT, used_by TEXT)""",
            """CREATE TABLE stations (
                station TEXT PRIMARY KEY, key TEXT NOT NULL, name TEXT NOT NULL, enrolled TEXT NOT NULL,
                quarantined_at TEXT, quarantine_reason TEXT)""",
            """CREATE TABLE enrolments (
                venue TEXT NOT NULL REFERENCES venues (venue),
                station TEXT NOT NULL REFERENCES stations (station),
                name TEXT NOT NULL, code_id {BIG} NOT NULL, enrolled TEXT NOT NULL,
                PRIMARY KEY (venue, station))""",
            """CREATE TABLE feeds (
                db TEXT NOT NULL, station TEXT NOT NULL REFERENCES stations (station), venue TEXT NOT NULL,
                count {BIG} NOT NULL, last_seq {BIG} NOT NULL, head_hash TEXT NOT NULL, updated TEXT NOT NULL,
                PRIMARY KEY (db, station))""",
            """CREATE TABLE entries (
                db TEXT NOT NULL, station TEXT NOT NULL, seq {BIG} NOT NULL, kind TEXT NOT NULL,
                payload TEXT NOT NULL, actor TEXT NOT NULL, source TEXT NOT NULL, raw TEXT,
                time TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
                PRIMARY KEY (db, station, seq)){NOROWID}""",
            """CREATE TABLE batches (
                id {ID}, db TEXT NOT NULL, station TEXT NOT NULL, venue TEXT NOT NULL,
                first {BIG} NOT NULL, last {BIG} NOT NULL, stored_from {BIG} NOT NULL,
                package TEXT NOT NULL, made TEXT NOT NULL, received TEXT NOT NULL, via TEXT NOT NULL)""",
            """CREATE TABLE receipts (
                id {ID}, db TEXT NOT NULL, station TEXT NOT NULL, venue TEXT NOT NULL,
                count {BIG} NOT NULL, last_seq {BIG} NOT NULL, head_hash TEXT NOT NULL, time TEXT NOT NULL,
                receipt TEXT NOT NULL)""",
            """CREATE TABLE forks (
                id {ID}, db TEXT NOT NULL, station TEXT NOT NULL, venue TEXT NOT NULL, seq {BIG} NOT NULL,
                held_hash TEXT NOT NULL, new_hash TEXT NOT NULL, batch TEXT NOT NULL, at TEXT NOT NULL)""",
            """CREATE TABLE quarantine (
                id {ID}, db TEXT NOT NULL, station TEXT NOT NULL, venue TEXT NOT NULL,
                first {BIG} NOT NULL, last {BIG} NOT NULL, batch TEXT NOT NULL, at TEXT NOT NULL)""",
            """CREATE TABLE refusals (
                id {ID}, at TEXT NOT NULL, via TEXT NOT NULL, station TEXT, venue TEXT, db TEXT,
                first {BIG}, last {BIG}, code TEXT NOT NULL, zh TEXT NOT NULL, en TEXT NOT NULL, seq {BIG})""",
        ),
    ),
    Migration(
        2,
        "indexes for staff views and the results check (entries by kind, receipts and batches by feed)",
        (
            "CREATE INDEX entries_by_kind ON entries (db, kind, station, seq)",
            "CREATE INDEX receipts_by_feed ON receipts (db, station, id)",
            "CREATE INDEX batches_by_feed ON batches (db, station, id)",
            "CREATE INDEX enrolments_by_station ON enrolments (station)",
        ),
    ),
    Migration(
        3,
        "result_checks: headquarters' recomputation of each lock it received (scorer.hq.checks)",
        (
            """CREATE TABLE result_checks (
                db TEXT NOT NULL, station TEXT NOT NULL, seq {BIG} NOT NULL, event TEXT NOT NULL,
                state TEXT NOT NULL, expected TEXT NOT NULL, computed TEXT NOT NULL, zh TEXT NOT NULL,
                en TEXT NOT NULL, checked TEXT NOT NULL, PRIMARY KEY (db, station, seq))""",
        ),
    ),
    Migration(
        4,
        "releases: a quarantine lifted by headquarters' staff, with who, why and when (scorer.hq.quarantine)",
        (
            """CREATE TABLE releases (
                id {ID}, station TEXT NOT NULL, quarantined_at TEXT NOT NULL, quarantine_reason TEXT NOT NULL,
                reason TEXT NOT NULL, by_whom TEXT NOT NULL, at TEXT NOT NULL)""",
        ),
    ),
    Migration(
        5,
        "staff accounts: users, api_tokens, sessions, login_attempts, staff_actions (scorer.hq.users, auth, audit)",
        (
            """CREATE TABLE users (
                id {ID}, username TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL CHECK (role IN ('administrator', 'reviewer', 'read-only')),
                password_hash TEXT NOT NULL, created TEXT NOT NULL, password_changed TEXT NOT NULL,
                last_login TEXT, disabled_at TEXT)""",
            """CREATE TABLE api_tokens (
                id TEXT PRIMARY KEY, user_id {BIG} NOT NULL REFERENCES users (id), name TEXT NOT NULL,
                secret_hash TEXT NOT NULL, created TEXT NOT NULL, last_used TEXT, revoked_at TEXT)""",
            "CREATE INDEX api_tokens_by_user ON api_tokens (user_id)",
            """CREATE TABLE sessions (
                id TEXT PRIMARY KEY, user_id {BIG} NOT NULL REFERENCES users (id), csrf TEXT NOT NULL,
                created TEXT NOT NULL, last_seen TEXT NOT NULL, expires TEXT NOT NULL, address TEXT NOT NULL,
                ended_at TEXT, ended_why TEXT)""",
            "CREATE INDEX sessions_by_user ON sessions (user_id)",
            """CREATE TABLE login_attempts (
                id {ID}, at TEXT NOT NULL, name_key TEXT NOT NULL, address TEXT NOT NULL, outcome TEXT NOT NULL)""",
            "CREATE INDEX login_attempts_by_name ON login_attempts (name_key, at)",
            "CREATE INDEX login_attempts_by_address ON login_attempts (address, at)",
            "CREATE INDEX login_attempts_by_time ON login_attempts (at)",
            """CREATE TABLE staff_actions (
                id {ID}, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL, details TEXT NOT NULL,
                address TEXT)""",
            "CREATE INDEX staff_actions_by_who ON staff_actions (who, id)",
        ),
    ),
    Migration(
        6,
        "standings, selections, decisions (scorer.hq.standings, crossvenue, decisions)",
        (
            # one row per contestant of the newest checked lock of an event in a competition file
            """CREATE TABLE standings (
                db TEXT NOT NULL, event TEXT NOT NULL, code TEXT NOT NULL, venue TEXT NOT NULL,
                station TEXT NOT NULL, lock_seq {BIG} NOT NULL, locked_at TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('match', 'differ')), event_name TEXT NOT NULL,
                competition TEXT NOT NULL, name TEXT NOT NULL, organisation TEXT NOT NULL,
                reg_no TEXT NOT NULL, status TEXT NOT NULL, total TEXT, scaled TEXT, rank {BIG},
                award TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '', tie TEXT NOT NULL,
                venue_total TEXT, venue_rank {BIG}, venue_award TEXT, venue_title TEXT,
                detail TEXT NOT NULL, PRIMARY KEY (db, event, code))""",
            # a trade across venues (crossvenue.rank), a venue's events (standings.events_of)
            "CREATE INDEX standings_by_trade ON standings (event, status, venue)",
            "CREATE INDEX standings_by_venue ON standings (venue, db, event)",
            """CREATE TABLE selections (
                id {ID}, name TEXT NOT NULL, trade TEXT NOT NULL,
                method TEXT NOT NULL CHECK (method IN ('total', 'standardised')), quotas TEXT NOT NULL,
                created TEXT NOT NULL, by_whom TEXT NOT NULL)""",
            """CREATE TABLE decisions (
                id {ID}, selection {BIG} NOT NULL REFERENCES selections (id), body TEXT NOT NULL,
                signature TEXT NOT NULL, hq_key TEXT NOT NULL, confirmed_by TEXT NOT NULL,
                confirmed_at TEXT NOT NULL)""",
            "CREATE INDEX decisions_by_selection ON decisions (selection, id)",
        ),
    ),
    Migration(
        7,
        "certificates: the verification codes of every award and title headquarters recomputed, and "
        "public look-ups per address (scorer.hq.certs)",
        (
            # one row per certificate code; a newer lock of the event that changes it withdraws it
            """CREATE TABLE certificates (
                code TEXT PRIMARY KEY, db TEXT NOT NULL, event TEXT NOT NULL, contestant TEXT NOT NULL,
                venue TEXT NOT NULL, venue_name TEXT NOT NULL, competition TEXT NOT NULL,
                competition_name TEXT NOT NULL, event_name TEXT NOT NULL, event_name_en TEXT NOT NULL,
                name TEXT NOT NULL, award TEXT NOT NULL, title TEXT NOT NULL, date TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('match', 'differ')), station TEXT NOT NULL,
                lock_seq {BIG} NOT NULL, locked_at TEXT NOT NULL, checked TEXT NOT NULL,
                withdrawn TEXT)""",
            "CREATE INDEX certificates_by_event ON certificates (db, event)",
            # the lock in force for each event of each file (scorer.hq.checks.settle): the newest
            # checked; an older lock checked later changes nothing downstream
            """CREATE TABLE event_locks (
                db TEXT NOT NULL, event TEXT NOT NULL, station TEXT NOT NULL, lock_seq {BIG} NOT NULL,
                locked_at TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY (db, event))""",
            """CREATE TABLE verify_lookups (id {ID}, at TEXT NOT NULL, address TEXT NOT NULL)""",
            "CREATE INDEX verify_lookups_by_address ON verify_lookups (address, at)",
            "CREATE INDEX verify_lookups_by_time ON verify_lookups (at)",
        ),
    ),
)

_TABLE = "CREATE TABLE IF NOT EXISTS schema_migrations (version {BIG} PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)"
_PG_LOCK = 0x5C0AE4  # the advisory lock that serialises migrations across workers


def schema_version(database: Database) -> int:
    """The newest migration applied (0 for an empty database)."""
    with database.write() as tx:
        tx.run(_TABLE.format(**_WORDS[database.kind]))
        row = tx.one("SELECT max(version) FROM schema_migrations")
    return int(row[0] or 0) if row else 0


def migrate(database: Database, upto: int | None = None) -> list[int]:
    """Apply every migration not yet applied (up to `upto`), each in its own transaction; safe when
    several workers start at once (SQLite: the write lock; PostgreSQL: an advisory lock). The
    versions applied now. A database newer than this program is refused (ScorerError)."""
    words = _WORDS[database.kind]
    applied: list[int] = []
    newest = MIGRATIONS[-1].version
    for migration in MIGRATIONS:
        if upto is not None and migration.version > upto:
            break
        with database.write() as tx:
            if database.kind == "postgresql":
                tx.one("SELECT pg_advisory_xact_lock(?)", (_PG_LOCK,))
            tx.run(_TABLE.format(**words))
            have = tx.one("SELECT max(version) FROM schema_migrations")
            current = int(have[0] or 0) if have else 0
            if current > newest:
                raise ScorerError(
                    f"总部的数据库是更新版本的程序建立的（结构第 {current} 版，本程序只认识到第 {newest} 版）：请升级 Scorer",
                    f"headquarters' database was made by a newer program (schema version {current}; this "
                    f"one knows up to {newest}): upgrade Scorer",
                )
            if tx.one("SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)):
                continue
            for statement in migration.statements:
                tx.run(statement.format(**words))
            tx.run(
                "INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)",
                (migration.version, migration.name, now()),
            )
            applied.append(migration.version)
    return applied
