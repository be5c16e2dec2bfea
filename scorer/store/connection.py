"""Opening the competition file: the durable pragmas, the checks before a connection is used, the
read-only opens (files.py), and creation that leaves no half-made file.

Writing connections are WAL with synchronous=FULL: a COMMIT is on disk when it returns.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

from scorer.errors import ScorerError
from scorer.station import identity
from scorer.store import files, log
from scorer.store.versions import SCHEMA

Closer = Callable[[], None]


def connect(path: Path) -> sqlite3.Connection:
    """A writing connection: WAL, synchronous=FULL (a commit is on disk when it returns)."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=10)
    durable(conn)
    return conn


def durable(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")


def open_file(path: Path, readonly: bool) -> tuple[sqlite3.Connection, Closer | None]:
    """The connection to use for an existing file, and what closes it when that is more than
    `conn.close()` (a read-only open's temporary copy). Upgrades an older schema (in a copy in
    memory when read-only); refuses, writing nothing, what is not a Scorer file it can use."""
    if readonly:
        ro = files.connect_readonly(path)
        try:
            conn = checked(path, ro.conn, readonly=True)
            if conn is not ro.conn:  # an upgraded copy in memory
                ro.close()
                return conn, None
            return conn, ro.close
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
        return checked(path, conn, readonly=False), None
    except sqlite3.Error as exc:
        conn.close()
        raise files.sqlite_error(path, exc, writing=True) from None
    except BaseException:
        conn.close()
        raise


def checked(path: Path, conn: sqlite3.Connection, readonly: bool) -> sqlite3.Connection:
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
        durable(conn)
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


# ------------------------------------------------------------ creation


def new_file(tmp: Path, station_name: str) -> tuple[sqlite3.Connection, str, str]:
    """A fresh schema and meta in `tmp`: (writing connection, station id, db id)."""
    from sqlite_utils import Database

    from scorer.store.schema import migrations

    conn = connect(tmp)
    try:
        db = Database(conn)
        migrations.apply(db)
        station_id = identity().id  # the creating station (meta, for information)
        db_id = uuid.uuid4().hex
        with db.atomic():
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [
                    ("db_id", db_id),
                    ("station_id", station_id),
                    ("station_name", station_name),
                    ("created", log.now()),
                    ("checkpoint", "1"),  # this file always has a checkpoint: a missing one is news
                ],
            )
    except BaseException:
        conn.close()
        raise
    return conn, station_id, db_id


def create(path: Path, build: Callable[[Path], None]) -> None:
    """Make `path` with `build(tmp)`: built whole under a temporary name in the same folder, then
    renamed into place with its checkpoint, so a kill or a full disk leaves either no file or a
    complete one, never a file that blocks a retry."""
    if path.exists():
        raise ScorerError(f"文件已存在：{path}", f"file already exists: {path}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ScorerError(f"文件夹不存在：{folder}", f"folder not found: {folder}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise files.read_only_error(path)
    tmp = path.with_name(path.name + ".creating")
    try:
        for leftover in leftovers(tmp):  # from a create that was killed
            leftover.unlink(missing_ok=True)
        build(tmp)
        if path.exists():
            raise ScorerError(f"文件已存在：{path}", f"file already exists: {path}")
        os.replace(f"{tmp}.head", f"{path}.head")  # head first: a kill now leaves no file
        os.rename(tmp, path)
        files.fsync_dir(folder)
    except (sqlite3.Error, OSError, ScorerError) as exc:
        discard(tmp)
        if files.disk_full(folder) or getattr(exc, "errno", 0) == errno.ENOSPC:
            raise files.disk_full_error(path, creating=True) from None
        if isinstance(exc, sqlite3.Error):
            raise files.sqlite_error(path, exc, writing=True) from None
        if isinstance(exc, OSError):
            raise files.os_error(path, exc) from None
        raise
    except BaseException:
        discard(tmp)
        raise


def fold_wal(tmp: Path, conn: sqlite3.Connection) -> None:
    """Fold the WAL into the file being built (its last connection still open)."""
    if conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]:
        raise ScorerError(f"{tmp} 正被另一个程序使用", f"{tmp} is in use by another program")


def check_folded(tmp: Path) -> None:
    if Path(f"{tmp}-wal").exists():  # the last close could not fold the WAL into the file
        raise ScorerError(f"无法完成 {tmp}", f"cannot complete {tmp}")


def leftovers(tmp: Path) -> list[Path]:
    return [tmp, Path(f"{tmp}.head"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")]


def discard(tmp: Path) -> None:
    for leftover in leftovers(tmp):
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)
