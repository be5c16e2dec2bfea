"""A real headquarters for the sync tests and benchmarks: `scorer hq serve` as a child process on
127.0.0.1 (SQLite in its data folder, or a PostgreSQL database), started, killed with SIGKILL and
restarted on the same port; enrolment codes through the real `scorer hq venue add`; and what
headquarters holds read straight from its database.

No pytest here: bench/ imports it too (`interrupted_push` is the `sync_resume_resent` measure).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorer.sync import client, feed, http, state, wire

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "scorer.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_cli(
    *argv: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`scorer ARGV…` as a real process (the installed program as users run it)."""
    return subprocess.run(
        [*CLI, *argv], capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env or dict(os.environ)
    )


def cli_json(*argv: str) -> Any:
    """`scorer ARGV… --json` run in this process (no interpreter start-up): its JSON answer."""
    from scorer import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([*argv, "--json"])
    if code != 0:
        raise RuntimeError(f"scorer {' '.join(argv)} → exit {code}: {err.getvalue()} {out.getvalue()}")
    return json.loads(out.getvalue())


class HQ:
    """`scorer hq serve` on 127.0.0.1:`port` with data folder `data` (and `db`: a PostgreSQL URL,
    else SQLite in the data folder). The port stays the same across restarts."""

    def __init__(self, data: Path, db: str | None = None, port: int | None = None):
        self.data = Path(data)
        self.db = db
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _db_args(self) -> list[str]:
        return ["--data", str(self.data)] + (["--db", self.db] if self.db else [])

    def start(self, timeout: float = 30) -> HQ:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.data.mkdir(parents=True, exist_ok=True)
        log = open(self.data / "serve.log", "ab")  # noqa: SIM115 — the child writes it while it runs
        self.proc = subprocess.Popen(
            [*CLI, "hq", "serve", "--port", str(self.port), *self._db_args()],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            try:
                with http.Client(self.url, timeout=2) as c:
                    c.request("GET", "/hq")
                return self
            except http.Unreachable:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    text = (self.data / "serve.log").read_text("utf-8", "replace")[-2000:]
                    raise RuntimeError(f"headquarters did not start: {text}") from None
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as a power cut or an OOM kill."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> HQ:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def code(self, venue_name: str = "测试场地") -> dict[str, Any]:
        """A new venue and its one-time code (`scorer hq venue add NAME --json`): venue, code, …"""
        return cli_json(
            "hq", "venue", "add", venue_name, *self._db_args(), "--png", str(self.data / "qr.png")
        )

    def another_code(self, venue: str) -> dict[str, Any]:
        return cli_json("hq", "venue", "code", venue, *self._db_args(), "--png", str(self.data / "qr.png"))

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of `sql` (with `?` placeholders) read straight from headquarters' database."""
        if self.db:
            import psycopg

            with psycopg.connect(self.db) as conn:
                return [tuple(r) for r in conn.execute(sql.replace("?", "%s"), params).fetchall()]
        conn = sqlite3.connect(self.data / "hq.sqlite", timeout=30)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def held(self) -> dict[tuple[str, str], tuple[int, int, int]]:
        """(db, station) → (entries, lowest seq, highest seq) read from headquarters' database."""
        rows = self.query(
            "SELECT db, station, count(*), min(seq), max(seq) FROM entries GROUP BY db, station"
        )
        return {(r[0], r[1]): (int(r[2]), int(r[3]), int(r[4])) for r in rows}

    def hashes(self, db: str, station: str) -> list[str]:
        """Every entry's hash headquarters holds for a feed, in seq order."""
        return [
            r[0]
            for r in self.query(
                "SELECT hash FROM entries WHERE db = ? AND station = ? ORDER BY seq", (db, station)
            )
        ]


def enrolled(path: Path, hq: HQ, name: str = "一号机") -> dict[str, Any]:
    """Enrol `path`'s station (this process's data folder) with `hq`; the enrolment as JSON."""
    code = hq.code()
    return cli_json("sync", "enrol", hq.url, code["code"], "--file", str(path), "--name", name)


# ------------------------------------------------------------ interrupted pushes


@dataclass
class Resumed:
    """One interrupted push and its resumption: entries sent in all (`posted`, counting the batch
    in flight when it broke), the feed's length (`count`) and so how many went twice (`resent`)."""

    count: int
    held_at_start: int
    posted: int
    interrupted_at: int  # entries headquarters held when the push was interrupted
    batch_size: int

    @property
    def resent(self) -> int:
        return self.posted - (self.count - self.held_at_start)


def interrupted_push(
    path: Path, hq: HQ, *, batch_size: int, kill_after: float, on_kill: Callable[[], None] | None = None
) -> Resumed:
    """Push `path` (already enrolled with `hq`) in this process, SIGKILL headquarters `kill_after`
    seconds into the push, restart it, and push again to the end. Every batch sent is counted
    (`client.push(on_send=…)`), so `resent` is the entries sent more than once."""
    posted = 0

    def count_sent(first: int, last: int) -> None:
        nonlocal posted
        posted += last - first + 1

    mine = client.status(path)[0]
    feed = (mine.db, mine.station)
    held_at_start = hq.held().get(feed, (0, 0, 0))[0]
    timer = threading.Timer(kill_after, lambda: (hq.kill(), on_kill and on_kill()))
    timer.start()
    try:
        client.push(path, on_send=count_sent, batch_size=batch_size, timeout=30)
    except http.Unreachable:
        pass  # the kill landed mid-push (else the push finished before it)
    finally:
        timer.cancel()
        timer.join()
    hq.kill()
    interrupted_at = hq.held().get(feed, (0, 0, 0))[0]
    hq.start()
    result = client.push(path, on_send=count_sent, batch_size=batch_size, timeout=30)
    assert result.state == "synced", result.en
    return Resumed(result.count, held_at_start, posted, interrupted_at, batch_size)


@contextlib.contextmanager
def serving(data: Path, db: str | None = None) -> Iterator[HQ]:
    hq = HQ(data, db).start()
    try:
        yield hq
    finally:
        hq.stop()


def push_against_bare_post(path: Path, hq: HQ, batch_size: int = wire.BATCH_SIZE) -> tuple[float, float]:
    """The `sync_push_240k` measure: (seconds for a whole push of `path`, enrolled with `hq` and not
    yet pushed there; seconds to POST the very same batch bytes to headquarters' trivial /echo)."""
    from scorer.store import Store

    t0 = time.perf_counter()
    result = client.push(path, batch_size=batch_size)
    pushed = time.perf_counter() - t0
    assert result.state == "synced" and result.sent == result.count, result.en
    with Store.open(path) as store:
        assert store.identity is not None
        e = state.enrolment(store.conn, store.identity.id)
        assert e is not None
        pkg = client.package_of(store)
        station = store.identity.id
        data = [
            feed.batch_bytes(
                store.identity,
                venue=e.venue,
                db=store.db_id,
                package=pkg.at(store.conn, station, b),
                rows=feed.rows(store.conn, station, a, b),
                made="2026-01-01T00:00:00Z",
            )
            for a, b in feed.ranges(1, result.count, batch_size)
        ]
    t0 = time.perf_counter()
    with http.Client(hq.url) as c:
        for body in data:
            c.echo(body)
    return pushed, time.perf_counter() - t0
