"""The throw-away PostgreSQL of tests/pg.py: it starts (as an unprivileged user when we are root),
takes connections, gives isolated databases, drops them with connections open, goes away cleanly,
and says `make deps` when PostgreSQL is missing or will not start."""

from __future__ import annotations

import contextlib
import os
import pwd
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from tests import pg

ROOT = Path(__file__).resolve().parents[1]


def test_session_server_takes_connections_and_is_inherited(postgres_dsn: str) -> None:
    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute("SELECT 1 + 1").fetchone() == (2,)
        major = conn.info.server_version // 10000
    assert major >= 13  # DROP DATABASE … WITH (FORCE)
    assert os.environ[pg.ENV] == postgres_dsn
    # a child process (the real `scorer hq serve`) sees the same server through the environment
    child = subprocess.run(
        [sys.executable, "-c", f"import os, psycopg; psycopg.connect(os.environ[{pg.ENV!r}]).close()"],
        capture_output=True,
        text=True,
    )
    assert child.returncode == 0, child.stderr


def test_fresh_databases_are_isolated_and_drop_with_connections_open(postgres_dsn: str) -> None:
    a, b = pg.fresh_database(postgres_dsn), pg.fresh_database(postgres_dsn)
    assert pg.dbname(a) != pg.dbname(b)
    assert a.startswith("postgresql://") or "dbname=" in a
    with psycopg.connect(a, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (x int)")
        conn.execute("INSERT INTO t VALUES (1)")
    with psycopg.connect(b) as conn, pytest.raises(psycopg.errors.UndefinedTable):
        conn.execute("SELECT * FROM t")
    held = psycopg.connect(a)  # a server that did not close its pool
    pg.drop_database(a)
    pg.drop_database(b)
    assert held.closed or held.broken or _fails(held)
    held.close()
    with psycopg.connect(postgres_dsn) as conn:
        names = {r[0] for r in conn.execute("SELECT datname FROM pg_database")}
    assert not {pg.dbname(a), pg.dbname(b)} & names
    with pg.database(postgres_dsn) as c:
        psycopg.connect(c).close()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(c)


def test_drop_refuses_databases_it_did_not_make(postgres_dsn: str) -> None:
    with pytest.raises(ValueError, match="not a test database"):
        pg.drop_database(pg.with_dbname(postgres_dsn, "postgres"))
    other = pg.with_dbname("host=127.0.0.1 port=5 dbname=x", "y")
    assert conninfo_to_dict(other) == {"host": "127.0.0.1", "port": "5", "dbname": "y"}


def test_cluster_is_fast_roomy_unprivileged_and_goes_away() -> None:
    c = pg.start()
    try:
        with psycopg.connect(c.dsn) as conn:
            show = {k: conn.execute(f"SHOW {k}").fetchone()[0] for k in ("fsync", "max_connections")}
            addr = conn.execute("SELECT host(inet_server_addr())").fetchone()[0]
        assert show == {"fsync": "off", "max_connections": "200"}
        assert addr == "127.0.0.1"
        pid = int((c.data / "postmaster.pid").read_text().split()[0])
        uid = os.stat(f"/proc/{pid}").st_uid
        if os.geteuid() == 0:  # PostgreSQL refuses root: it runs as postgres (or scorer-pg)
            assert pwd.getpwuid(uid).pw_name in ("postgres", pg.ROOT_USER)
        else:
            assert uid == os.geteuid()
    finally:
        c.stop()
    assert not c.base.exists()
    assert not _running(pid)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(c.dsn, connect_timeout=5)
    c.stop()  # twice is harmless


def test_a_user_server_is_used_as_is(postgres_dsn: str) -> None:
    code = "from tests import pg; print(pg.server_dsn()); print(pg._session)"
    env = {**os.environ, pg.ENV: postgres_dsn}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.stdout.split() == [postgres_dsn, "None"], out.stderr


def test_missing_postgres_says_make_deps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pg.PostgresUnavailable, match="make deps"):
        pg.bin_dir(tmp_path)


def test_a_cluster_that_will_not_start_shows_the_log() -> None:
    before = _mine()
    with pytest.raises(pg.PostgresUnavailable) as e:
        pg.start(settings={"shared_buffers": "'lots'"})
    assert pg.NEEDED in str(e.value)
    assert "shared_buffers" in str(e.value)  # the server log's own words
    assert _mine() == before  # its folder is gone


def _mine() -> set[Path]:
    """This process's cluster folders (other runs on the machine have their own)."""
    found = set()
    for p in pg.folders():
        with contextlib.suppress(OSError):
            if (p / "owner").read_text() == str(os.getpid()):
                found.add(p)
    return found


def _fails(conn: psycopg.Connection) -> bool:
    try:
        conn.execute("SELECT 1")
    except psycopg.OperationalError:
        return True
    return False


def _running(pid: int) -> bool:
    """Still there and not a zombie (this machine's init may be slow to reap the daemonised postmaster)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
