"""Fixtures for headquarters: its database on SQLite and on PostgreSQL (every case runs on both; a
fresh PostgreSQL database per test, dropped after), its key, stations with chains of real rows, and
a real `scorer hq serve` child process."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from scorer.hq import enrol
from scorer.hq.db import Database, migrate, open_database
from scorer.hq.keys import hq_identity
from scorer.station import Identity, key_at
from scorer.store import Row
from scorer.store.chain import GENESIS, canonical, row_hash
from scorer.sync import wire
from tests import pg

BACKENDS = ["sqlite", "postgresql"]
PACKAGE = {"id": "2026-test", "format_version": 1, "revision": 1}
TABLES = (
    "venues",
    "codes",
    "stations",
    "enrolments",
    "feeds",
    "entries",
    "batches",
    "receipts",
    "forks",
    "quarantine",
)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where headquarters keeps its data: an SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "hq.sqlite")
        return
    server = request.getfixturevalue("postgres_dsn")
    with pg.database(server) as dsn:
        yield dsn


@pytest.fixture
def hq_db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    migrate(database)
    yield database
    database.close()


@pytest.fixture
def hq_folder(tmp_path: Path) -> Path:
    return tmp_path / "hqdata"


@pytest.fixture
def hq_key(hq_folder: Path) -> Identity:
    return hq_identity(hq_folder)


# ------------------------------------------------------------ stations and their rows


def chain(identity: Identity, n: int, first: int = 1, prev: str = GENESIS, tag: str = "a") -> list[Row]:
    """`n` rows of `identity`'s chain from seq `first` (linking to `prev`), each hashed as the store does."""
    rows = []
    for seq in range(first, first + n):
        payload = canonical({"n": seq, "tag": tag, "名": "标记"})
        raw = bytes([seq % 256]) if seq % 3 == 0 else None
        time_ = f"2026-05-01T08:{seq // 60 % 60:02d}:{seq % 60:02d}.000000Z"
        fields = (identity.id, seq, "mark", payload, "J1", "keyboard", raw, time_, prev)
        row = Row(*fields, row_hash(*fields))
        rows.append(row)
        prev = row.hash
    return rows


@dataclass
class Feed:
    """One station's chain in one competition file, and batches of it."""

    identity: Identity
    venue: str
    db: str = "DB-test-1"
    rows: list[Row] = field(default_factory=list)
    package: dict[str, Any] = field(default_factory=lambda: dict(PACKAGE))

    def grow(self, n: int, tag: str = "a") -> None:
        prev = self.rows[-1].hash if self.rows else GENESIS
        self.rows += chain(self.identity, n, len(self.rows) + 1, prev, tag)

    def batch(self, first: int, last: int, venue: str | None = None, db: str | None = None) -> dict[str, Any]:
        return wire.make_batch(
            self.identity,
            venue=venue or self.venue,
            db=db or self.db,
            package=self.package,
            rows=self.rows[first - 1 : last],
            made="2026-05-01T09:00:00Z",
        )

    def batches(self, size: int = 2000) -> list[dict[str, Any]]:
        return [
            self.batch(lo, min(lo + size - 1, len(self.rows))) for lo in range(1, len(self.rows) + 1, size)
        ]


def station(folder: Path) -> Identity:
    """A station's identity whose key lives in `folder` (each test makes its own)."""
    return key_at(folder)


def enrolled(database: Database, hq: Identity, identity: Identity, venue: str | None = None) -> str:
    """Enrol `identity` (for a new venue, or `venue`) with a fresh code; the venue id."""
    new = enrol.add_code(database, venue) if venue else enrol.add_venue(database, "第一赛场")
    enrol.enrol(database, hq, wire.make_enrol(identity, new.code, "笔记本 1"))
    return new.venue


def counts(database: Database) -> dict[str, int]:
    """How many rows each table holds (refusals aside: they are headquarters' record of refusing)."""
    with database.read() as tx:
        out = {t: int(tx.one(f"SELECT count(*) FROM {t}")[0]) for t in TABLES}
        out["codes used"] = int(tx.one("SELECT count(*) FROM codes WHERE used_at IS NOT NULL")[0])
        out["quarantined"] = int(tx.one("SELECT count(*) FROM stations WHERE quarantined_at IS NOT NULL")[0])
    return out


def refusal_codes(database: Database) -> list[str]:
    with database.read() as tx:
        return [r[0] for r in tx.all("SELECT code FROM refusals ORDER BY id")]


# ------------------------------------------------------------ a real server


def http(url: str, method: str = "GET", body: bytes | None = None, timeout: float = 60) -> tuple[int, Any]:
    """One request; (status, the JSON answer or the raw bytes if not JSON)."""
    req = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, data = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, data = exc.code, exc.read()
    try:
        return status, json.loads(data)
    except ValueError:
        return status, data


def cli_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCORER_LANG": "zh", **extra}
    env.pop("COVERAGE_PROCESS_START", None)
    return env


def scorer(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python -m scorer.cli ARGS` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "scorer.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env or cli_env(),
        timeout=timeout,
    )


class Server:
    """`scorer hq serve --port 0` in a child process; `url` read from its start line."""

    def __init__(self, db: str, data: Path, *extra: str, log: Path):
        self.log = log
        self._err = open(log, "wb")  # noqa: SIM115 (kept open for the child's life)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scorer.cli",
                "hq",
                "serve",
                "--port",
                "0",
                "--db",
                db,
                "--data",
                str(data),
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=self._err,
            cwd=ROOT,
            env=cli_env(SCORER_DATA_DIR=str(data.parent / "user-data")),
        )
        self.line = self._first_line(60)
        found = re.search(r"http://[0-9.]+:\d+", self.line)
        assert found, f"no address in the start line: {self.line!r}\n{self.errors()}"
        self.url = found.group(0)
        self.api = self.url + "/api/v1"
        self._wait_ready(60)

    def _first_line(self, timeout: float) -> str:
        box: list[bytes] = []
        reader = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(timeout)
        assert box and box[0], f"the server printed no start line\n{self.errors()}"
        return box[0].decode("utf-8")

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"the server exited ({self.proc.returncode})\n{self.errors()}"
            try:
                status, _ = http(self.api + "/hq", timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the server did not answer within {timeout} s\n{self.errors()}")

    def errors(self) -> str:
        self._err.flush()
        return self.log.read_text("utf-8", errors="replace")[-4000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc.stdout:
            self.proc.stdout.close()
        self._err.close()


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Any]:
    """start(db_url, *extra args) → a running Server; every one stopped at the end."""
    servers: list[Server] = []

    def start(db: str, *extra: str) -> Server:
        s = Server(db, tmp_path / "hqdata", *extra, log=tmp_path / f"server-{len(servers)}.log")
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.stop()
