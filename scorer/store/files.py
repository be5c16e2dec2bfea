"""Opening the competition file's bytes safely, and saying truthfully why it could not be done.

A read-only command must not change anything: not a 0-byte file (SQLite would write a header), not
the -wal/-shm files beside it, not a missing `.head`. And a read-only folder or a full disk is not a
damaged file: the user is told what happened and that the file is intact.

Read-only opens (`connect_readonly`):
- no `-wal` beside the file: nobody has it open and every commit is in the file itself, so it is
  opened `immutable=1` (no locks, nothing created: works in a read-only folder, leaves no -wal/-shm);
- a `-wal` beside it (a program has it open, or a copy was taken while one had): `mode=ro`, which
  reads the WAL through the -shm like any reader;
- a `-wal` with data but no usable -shm in a read-only folder (an archive copied mid-session): SQLite
  cannot read that WAL in place, and `immutable=1` would silently skip its rows, so the file and its
  WAL are copied to a temporary folder and read there.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from scorer.errors import ScorerError

SQLITE_HEADER = b"SQLite format 3\x00"
LOW_SPACE = 256 * 1024  # below this many free bytes, a failed write is put down to a full disk


def _uri(path: Path, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{path.resolve().as_uri()}?{query}"


_REASONS = {
    errno.EACCES: ("没有权限", "permission denied"),
    errno.EPERM: ("没有权限", "permission denied"),
    errno.EROFS: ("磁盘是只读的", "read-only disk"),
    errno.ENOSPC: ("磁盘已满", "disk full"),
    errno.EISDIR: ("是一个文件夹", "it is a folder"),
    errno.EIO: ("磁盘读写错误", "disk input/output error"),
}


def reason(exc: OSError) -> tuple[str, str]:
    """Why an OS call failed, (zh, en): strerror is English only."""
    text = exc.strerror or str(exc)
    return _REASONS.get(exc.errno or 0, (text, text))


def not_found(path: Path) -> ScorerError:
    return ScorerError(f"找不到竞赛文件：{path}", f"competition file not found: {path}")


def check_file(path: Path) -> None:
    """Refuse, without writing anything, what cannot be a competition file: missing, a folder,
    unreadable, empty, or not an SQLite database."""
    if not path.exists():
        raise not_found(path)
    if path.is_dir():
        raise ScorerError(f"{path} 是一个文件夹，不是竞赛文件", f"{path} is a folder, not a competition file")
    try:
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise os_error(path, exc, writing=False) from None
    if not head:
        raise ScorerError(
            f"{path} 是空文件（0 字节），不是 Scorer 竞赛文件；文件没有被改动",
            f"{path} is empty (0 bytes), not a Scorer competition file; it was left as it is",
        )
    if head != SQLITE_HEADER:
        raise ScorerError(
            f"{path} 不是 Scorer 竞赛文件（不是 SQLite 数据库）；文件没有被改动",
            f"{path} is not a Scorer competition file (not an SQLite database); it was left as it is",
        )


def writable(path: Path) -> bool:
    """Can this process write the file and create files beside it (-wal, -shm)? os.access also
    answers False on a read-only filesystem, even for root."""
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)


def free_bytes(path: Path) -> int | None:
    try:
        st = os.statvfs(path if path.is_dir() else path.parent or Path("."))
    except (OSError, AttributeError):
        return None
    return st.f_bavail * st.f_frsize


def disk_full(path: Path) -> bool:
    free = free_bytes(path)
    return free is not None and free < LOW_SPACE


def disk_full_error(path: Path, creating: bool = False) -> ScorerError:
    if creating:
        return ScorerError(
            f"磁盘已满：{path.parent} 所在的磁盘没有剩余空间，没有创建 {path.name}（也没有留下半成品）。"
            "请腾出空间（或换一个磁盘）后重试",
            f"the disk is full: no space left where {path.parent} is; {path.name} was not created (and "
            "nothing half-made was left). Free some space (or use another disk) and try again",
        )
    done_zh, done_en = "这次操作没有写入任何内容", "nothing was written by this action"
    return ScorerError(
        f"磁盘已满：{path.parent} 所在的磁盘没有剩余空间，{done_zh}；竞赛文件完好，之前保存的数据都在。"
        "请腾出空间（或换一个磁盘）后重试",
        f"the disk is full: no space left where {path.parent} is; {done_en}; the competition file is "
        "intact and everything saved before is still there. Free some space (or use another disk) and "
        "try again",
    )


def read_only_error(path: Path) -> ScorerError:
    file_ro = not os.access(path, os.W_OK) if path.exists() else False
    what_zh, what_en = ("文件", "the file") if file_ro else ("所在的文件夹（或磁盘）", "its folder (or disk)")
    return ScorerError(
        f"{path} 是只读的（{what_zh}不能写入），所以不能录入或修改；文件完好，没有被改动。"
        "只读的命令（marks、results、verify、info、report、export）仍可使用；"
        "如需录入，请把竞赛文件连同 .head 文件复制到可写的文件夹",
        f"{path} is read-only ({what_en} cannot be written), so nothing can be entered or changed; "
        "the file is intact and was not changed. Read-only commands (marks, results, verify, info, "
        "report, export) still work; to enter marks, copy the file with its .head file to a writable folder",
    )


def os_error(path: Path, exc: OSError, writing: bool = True) -> ScorerError:
    """What an OSError on `path` means for the user, in both languages."""
    name = exc.filename or path
    if exc.errno == errno.ENOSPC or (writing and disk_full(path)):
        return disk_full_error(Path(name))
    if exc.errno in (errno.EROFS,) or (writing and exc.errno in (errno.EACCES, errno.EPERM)):
        return read_only_error(Path(name))
    if exc.errno in (errno.EACCES, errno.EPERM):
        return ScorerError(f"无法读取 {name}：没有权限", f"cannot read {name}: permission denied")
    if exc.errno == errno.EISDIR:
        return ScorerError(f"{name} 是一个文件夹，应为文件", f"{name} is a folder where a file was expected")
    if exc.errno == errno.EIO:
        return ScorerError(
            f"读写 {name} 时磁盘出错（{exc.strerror}）：请检查磁盘或U盘，并用备份副本核对",
            f"the disk failed reading or writing {name} ({exc.strerror}): check the disk or USB stick, "
            "and compare with a backup copy",
        )
    return ScorerError(f"无法访问 {name}：{exc.strerror}", f"cannot access {name}: {exc.strerror}")


def sqlite_error(path: Path, exc: sqlite3.Error, writing: bool) -> ScorerError:
    """What an SQLite error on opening or writing `path` means: read-only, disk full, damaged…"""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    text = str(exc)
    if code == sqlite3.SQLITE_FULL or "disk is full" in text or (writing and disk_full(path)):
        return disk_full_error(path)
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM) or "readonly" in text:
        return read_only_error(path)
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR) and writing and not writable(path):
        return read_only_error(path)
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return ScorerError(
            f"{path} 不是 Scorer 竞赛文件或已损坏（{exc}）：请用备份副本",
            f"{path} is not a Scorer competition file, or it is damaged ({exc}): use a backup copy",
        )
    if code == sqlite3.SQLITE_BUSY:
        return ScorerError(
            f"{path} 正被另一个程序写入，请稍后重试（{exc}）",
            f"{path} is being written by another program; try again shortly ({exc})",
        )
    if code == sqlite3.SQLITE_IOERR:
        return ScorerError(
            f"读写 {path} 时磁盘出错（{exc}）：请检查磁盘或U盘；已保存的数据不受影响",
            f"the disk failed on {path} ({exc}): check the disk or USB stick; what was saved is not affected",
        )
    return ScorerError(
        f"无法{'写入' if writing else '读取'} {path}（{exc}）",
        f"cannot {'write' if writing else 'read'} {path} ({exc})",
    )


class ReadOnlyConnection:
    """A read-only connection and how it was made; `close` also removes a temporary copy."""

    def __init__(self, conn: sqlite3.Connection, how: str, tmpdir: str | None = None):
        self.conn = conn
        self.how = how  # "immutable" | "ro" | "copy"
        self._tmpdir = tmpdir

    def close(self) -> None:
        self.conn.close()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None


def _ro(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=10)
    try:
        conn.execute("PRAGMA query_only=ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # really open it now
    except BaseException:
        conn.close()
        raise
    return conn


def connect_readonly(path: Path) -> ReadOnlyConnection:
    """Open `path` for reading only, creating and changing nothing beside it (see the module doc)."""
    check_file(path)
    wal = Path(f"{path}-wal")
    try:
        if not wal.exists():
            return ReadOnlyConnection(_ro(_uri(path, mode="ro", immutable="1")), "immutable")
        try:
            return ReadOnlyConnection(_ro(_uri(path, mode="ro")), "ro")
        except sqlite3.OperationalError:
            if wal.stat().st_size == 0:  # nothing in the WAL: the file itself is complete
                return ReadOnlyConnection(_ro(_uri(path, mode="ro", immutable="1")), "immutable")
        tmpdir = tempfile.mkdtemp(prefix="scorer-ro-")
        try:
            copy = Path(tmpdir) / "copy.scorer"
            shutil.copyfile(path, copy)
            shutil.copyfile(wal, f"{copy}-wal")
            return ReadOnlyConnection(_ro(_uri(copy, mode="ro")), "copy", tmpdir)
        except BaseException:
            shutil.rmtree(tmpdir, ignore_errors=True)
            raise
    except sqlite3.Error as exc:
        raise sqlite_error(path, exc, writing=False) from None
    except OSError as exc:
        raise os_error(path, exc, writing=False) from None


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
