"""A throw-away PostgreSQL cluster for the headquarters tests and the benchmarks.

Headquarters keeps its data in PostgreSQL, so its tests need a real server. `server_dsn()` gives one:
the server named by SCORER_TEST_POSTGRES when the user set it, else a private cluster started on first
use (initdb into a fresh folder in /dev/shm or /tmp, 127.0.0.1 on a free port, trust auth, no fsync),
stopped and removed at exit. PostgreSQL refuses to run as root, so as root the cluster runs as the
`postgres` system user (or a `scorer-pg` user made for it). `cluster()` is the same as a context
manager, for the benchmarks; `fresh_database`/`drop_database` give each test its own database.

No pytest here: `bench/` imports this module too (`from tests import pg`). `python -m tests.pg CMD…`
runs CMD with SCORER_TEST_POSTGRES pointing at a throw-away cluster.
"""

from __future__ import annotations

import atexit
import contextlib
import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ENV = "SCORER_TEST_POSTGRES"
NEEDED = "PostgreSQL is needed for the headquarters tests: run `make deps`"
SUPERUSER = "postgres"
DB_PREFIX = "scorer_test_"
ROOT_USER = "scorer-pg"  # made only when running as root on a machine without the `postgres` user
FOLDER_PREFIX = "scorer-pg-"
SHM = "/dev/shm"

# Throw-away data: durability is traded for speed (a crash loses the cluster, which is deleted anyway).
FAST = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
INITDB = ["-E", "UTF8", "--locale=C", "--no-sync"]  # no dependence on the machine's locales
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "200",  # 8 stations × server workers × pool sizes, with room to spare
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "lc_messages": "'C'",  # log lines in English, whatever the machine's locale
    "log_min_messages": "warning",
}


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries, or the cluster would not start: the message says what to do."""


@dataclass
class Cluster:
    """A running throw-away cluster: its folder, the DSN of its `postgres` database, who runs it."""

    base: Path
    dsn: str
    bindir: Path
    run_as: tuple[int, int] | None  # (uid, gid) when we are root, else None (run as ourselves)

    @property
    def data(self) -> Path:
        return self.base / "data"

    def stop(self) -> None:
        """Immediate stop (nothing worth flushing) and the folder removed; safe to call twice."""
        if not self.base.exists():
            return
        if (self.data / "postmaster.pid").exists():
            _run(
                [self.bindir / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"],
                self.run_as,
                self.base,
                check=False,
            )
        shutil.rmtree(self.base, ignore_errors=True)


def bin_dir(root: Path = Path("/usr/lib/postgresql")) -> Path:
    """The newest installed server's bin folder (Debian: /usr/lib/postgresql/<major>/bin), else PATH's."""
    found = sorted(
        root.glob("*/bin/initdb"),
        key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.parent.name)] or [0],
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    raise PostgresUnavailable(f"{NEEDED} (no initdb in {root}/*/bin or on PATH)")


def start(fast: bool = True, settings: dict[str, str] | None = None) -> Cluster:
    """A new cluster, running; the caller stops it. `fast=False` keeps PostgreSQL's durable defaults
    (fsync and friends on) and puts the data on disk (/tmp), for benchmarks whose figures should hold
    for a real server; `settings`
    adds postgresql.conf lines (values as written there, strings quoted: {"work_mem": "'64MB'"})."""
    bindir = bin_dir()
    run_as = _unprivileged_user() if os.geteuid() == 0 else None
    _reap_stale()
    base = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=_folder_root() if fast else "/tmp"))
    (base / "owner").write_text(str(os.getpid()))
    (base / "sock").mkdir()
    if run_as:
        for p in (base, base / "sock"):
            os.chown(p, *run_as)
    cluster = Cluster(base, "", bindir, run_as)
    try:
        init = _run(
            [bindir / "initdb", "-D", base / "data", "-U", SUPERUSER, "-A", "trust", *INITDB],
            run_as,
            base,
        )
        if init.returncode != 0:
            raise PostgresUnavailable(f"{NEEDED}\ninitdb failed:\n{_tail(init.stdout)}")
        sock = {"unix_socket_directories": f"'{base / 'sock'}'"}
        conf = {**SETTINGS, **(FAST if fast else {}), **sock, **(settings or {})}
        attempt = 0
        while True:
            attempt += 1
            port = _free_port()
            conf["port"] = str(port)
            with open(base / "data" / "postgresql.auto.conf", "w") as f:
                f.write("".join(f"{k} = {v}\n" for k, v in conf.items()))
            log = base / "server.log"
            started = _run(
                [bindir / "pg_ctl", "-D", base / "data", "-l", log, "-w", "-t", "60", "start"], run_as, base
            )
            if started.returncode == 0:
                cluster.dsn = f"postgresql://{SUPERUSER}@127.0.0.1:{port}/postgres"
                return cluster
            text = log.read_text(errors="replace") if log.exists() else ""
            if "could not bind" not in text or attempt == 5:  # another process took the port: try another
                raise PostgresUnavailable(
                    f"{NEEDED}\npg_ctl start failed:\n{_tail(started.stdout)}\n{_tail(text)}"
                )
            log.unlink()
    except BaseException:
        cluster.stop()
        raise


@contextlib.contextmanager
def cluster(fast: bool = True, settings: dict[str, str] | None = None) -> Iterator[str]:
    """`with pg.cluster() as dsn:` — a throw-away cluster for the block, stopped and removed after."""
    c = start(fast, settings)
    atexit.register(c.stop)  # also on an exception that ends the program inside the block
    try:
        yield c.dsn
    finally:
        c.stop()
        atexit.unregister(c.stop)


# ------------------------------------------------------------ a primary and its hot standby

# a primary that a standby can stream from (initdb's pg_hba.conf already lets 127.0.0.1 replicate)
REPLICATION = {
    "wal_level": "replica",
    "max_wal_senders": "10",
    "hot_standby": "on",
    "wal_keep_size": "'256MB'",
}


BASEBACKUP = ["-R", "-X", "stream", "--checkpoint=fast", "--no-sync"]


def ctl(c: Cluster, *args: str) -> subprocess.CompletedProcess[str]:
    """pg_ctl on cluster `c`, as the user who runs it: `ctl(c, "promote", "-w")`, `ctl(c, "stop",
    "-m", "immediate")` (the folder is kept, unlike Cluster.stop)."""
    return _run([c.bindir / "pg_ctl", "-D", c.data, "-w", "-t", "60", *args], c.run_as, c.base)


def standby(primary: Cluster, fast: bool = True, settings: dict[str, str] | None = None) -> Cluster:
    """A hot standby of `primary` (started with REPLICATION among its settings), running; the caller
    stops it. pg_basebackup -R copies the primary over a replication connection and writes
    standby.signal and primary_conninfo; the copy gets its own port and socket folder, and streams."""
    port = urlsplit(primary.dsn).port
    base = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=_folder_root() if fast else "/tmp"))
    (base / "owner").write_text(str(os.getpid()))
    (base / "sock").mkdir()
    if primary.run_as:
        for p in (base, base / "sock"):
            os.chown(p, *primary.run_as)
    c = Cluster(base, "", primary.bindir, primary.run_as)
    try:
        copy = _run(
            [
                c.bindir / "pg_basebackup",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                SUPERUSER,
                "-D",
                c.data,
                *BASEBACKUP,
            ],
            c.run_as,
            base,
        )
        if copy.returncode != 0:
            raise PostgresUnavailable(f"pg_basebackup failed:\n{_tail(copy.stdout)}")
        kept = (c.data / "postgresql.auto.conf").read_text()  # the primary's settings + primary_conninfo
        for attempt in range(1, 6):
            mine = {
                "port": str(_free_port()),
                "unix_socket_directories": f"'{base / 'sock'}'",
                **(settings or {}),
            }
            (c.data / "postgresql.auto.conf").write_text(
                kept + "".join(f"{k} = {v}\n" for k, v in mine.items())
            )
            log = base / "server.log"
            started = ctl(c, "-l", str(log), "start")
            if started.returncode == 0:
                c.dsn = f"postgresql://{SUPERUSER}@127.0.0.1:{mine['port']}/postgres"
                return c
            text = log.read_text(errors="replace") if log.exists() else ""
            if "could not bind" not in text or attempt == 5:
                raise PostgresUnavailable(
                    f"the standby did not start:\n{_tail(started.stdout)}\n{_tail(text)}"
                )
            log.unlink()
        raise AssertionError("unreachable")
    except BaseException:
        c.stop()
        raise


_session: Cluster | None = None
_session_error: PostgresUnavailable | None = None


def server_dsn() -> str:
    """The server the tests use: SCORER_TEST_POSTGRES if the user set it, else this process's
    throw-away cluster, started on the first call and put into SCORER_TEST_POSTGRES so child
    processes (a real `scorer hq serve`) see it too. A failure to start is kept and raised again."""
    global _session, _session_error
    if _session is not None:
        return _session.dsn
    if _session_error is not None:
        raise _session_error
    if os.environ.get(ENV):
        return os.environ[ENV]
    try:
        _session = start()
    except PostgresUnavailable as e:
        _session_error = e
        raise
    atexit.register(shutdown)
    os.environ[ENV] = _session.dsn
    return _session.dsn


def shutdown() -> None:
    """Stop the session's cluster, if this process started one; a user's server is left alone."""
    global _session
    if _session is not None:
        _session.stop()
        if os.environ.get(ENV) == _session.dsn:
            del os.environ[ENV]
        _session = None


def fresh_database(dsn: str) -> str:
    """A new, empty database on dsn's server with a unique name; returns its DSN."""
    import psycopg
    from psycopg import sql

    name = f"{DB_PREFIX}{uuid.uuid4().hex[:16]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        # PostgreSQL 15's default (WAL_LOG) writes the template into the WAL: ~190 ms a database;
        # FILE_COPY copies the files: ~15 ms
        copy = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
        conn.execute(sql.SQL("CREATE DATABASE {}" + copy).format(sql.Identifier(name)))
    return with_dbname(dsn, name)


def drop_database(dsn: str) -> None:
    """Drop a database made by fresh_database, even with connections still open (they are ended)."""
    import psycopg
    from psycopg import sql

    name = dbname(dsn)
    if not name.startswith(DB_PREFIX):
        raise ValueError(f"not a test database (made by fresh_database): {name!r}")
    with psycopg.connect(with_dbname(dsn, "postgres"), autocommit=True) as conn:
        ident = sql.Identifier(name)
        if conn.info.server_version >= 130000:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
            return
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> "
            "pg_backend_pid()",
            (name,),
        )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(ident))


@contextlib.contextmanager
def database(dsn: str) -> Iterator[str]:
    """`with pg.database(server) as db:` — a fresh database for the block, dropped after."""
    db = fresh_database(dsn)
    try:
        yield db
    finally:
        drop_database(db)


def dbname(dsn: str) -> str:
    """The database a DSN names (URL or key=value form)."""
    from psycopg.conninfo import conninfo_to_dict

    return str(conninfo_to_dict(dsn).get("dbname") or "")


def with_dbname(dsn: str, name: str) -> str:
    """The same server and user, another database; a URL stays a URL (it may go on a command line)."""
    if re.match(r"postgres(ql)?://", dsn):
        u = urlsplit(dsn)
        return urlunsplit((u.scheme, u.netloc, f"/{name}", u.query, u.fragment))
    from psycopg.conninfo import make_conninfo

    return make_conninfo(dsn, dbname=name)


def _unprivileged_user() -> tuple[int, int]:
    """As root: the `postgres` user Debian's package makes, else our own system user (made once)."""
    for name in ("postgres", ROOT_USER):
        with contextlib.suppress(KeyError):
            u = pwd.getpwnam(name)
            return u.pw_uid, u.pw_gid
    made = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ROOT_USER],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        raise PostgresUnavailable(
            f"{NEEDED}\nPostgreSQL does not run as root, and no user could be made for it "
            f"(useradd {ROOT_USER}): {made.stderr.strip()}"
        )
    u = pwd.getpwnam(ROOT_USER)
    return u.pw_uid, u.pw_gid


def _run(
    cmd: list[str | Path], run_as: tuple[int, int] | None, cwd: Path, check: bool = False
) -> subprocess.CompletedProcess[str]:
    """A PostgreSQL tool, as the unprivileged user when we are root; output kept for the error."""
    uid = gid = groups = None
    if run_as:
        uid, gid = run_as
        name = pwd.getpwuid(uid).pw_name
        groups = [g.gr_gid for g in grp.getgrall() if name in g.gr_mem]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}  # no stray PGDATA/PGPORT
    env["LC_ALL"] = "C"
    return subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=check,
        user=uid,
        group=gid,
        extra_groups=groups,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _folder_root() -> str:
    """Memory (/dev/shm) when there is room: on a disk, initdb takes ~1.8 s and each CREATE DATABASE
    ~300 ms even with fsync off (PostgreSQL still asks the kernel to write back copied files); in
    memory ~0.5 s and ~10 ms. Else /tmp, which every user can traverse (the `postgres` user too)."""
    with contextlib.suppress(OSError):
        st = os.statvfs(SHM)
        if os.access(SHM, os.W_OK | os.X_OK) and st.f_bavail * st.f_frsize >= 1 << 30:
            return SHM
    return "/tmp"


def folders() -> list[Path]:
    """Every throw-away cluster folder on this machine (any process's, running or left behind)."""
    return [p for root in (SHM, "/tmp") for p in Path(root).glob(f"{FOLDER_PREFIX}*")]


def _reap_stale() -> None:
    """Clusters left by a killed run (their owner process is gone): stopped and removed, so that
    repeated interrupted runs do not pile up postmasters on a shared machine."""
    for base in folders():
        try:
            owner = int((base / "owner").read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        data = base / "data"
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((data / "postmaster.pid").read_text().split()[0])
            # only that cluster's postmaster (its command line names the folder), not a reused pid
            if str(data).encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGQUIT)  # immediate shutdown
        shutil.rmtree(base, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv: list[str]) -> int:
    """`python -m tests.pg CMD…`: CMD runs with SCORER_TEST_POSTGRES set to a throw-away cluster."""
    if not argv:
        print("usage: python -m tests.pg CMD [ARG…]", file=sys.stderr)
        return 2
    try:
        with cluster() as dsn:
            return subprocess.run(argv, env={**os.environ, ENV: dsn}).returncode
    except PostgresUnavailable as e:
        print(e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
