"""Interrupted pushes: headquarters SIGKILLed at a random moment mid-push and restarted, or the
pushing process (`scorer sync push`) SIGKILLed at a random moment — then the push resumed. In
every trial headquarters ends holding exactly the station's log: no duplicate, no gap, the same
hashes and fingerprint (by its signed receipt and read from its database), and at most one batch
was sent twice.

One competition file with several batches' worth of rows is built once for the module (this
module's station); each trial pushes it to a fresh headquarters (data folder or database).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.synclog import big_file
from scorer.store import Store
from scorer.store.verify import verify
from scorer.sync import client, http, state, wire
from tests import pg
from tests.sync.harness import HQ, ROOT, interrupted_push

TRIALS = 20  # of each kind, alternating SQLite and PostgreSQL
BATCH = 200
ENTRIES = 4000  # 20 batches
BACKENDS = ("sqlite", "postgresql")


@dataclass
class Feed:
    path: Path
    data: Path  # the station's data folder (its key)
    db: str
    station: str
    count: int
    hashes: list[str]


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Feed]:
    folder = tmp_path_factory.mktemp("resume")
    data = folder / "station"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SCORER_DATA_DIR", str(data))
        path = big_file(folder / "big.scorer", ENTRIES)
        with Store.open(path, readonly=True) as s:
            station = s.creator.id
            hashes = [
                r[0]
                for r in s.conn.execute("SELECT hash FROM log WHERE station = ? ORDER BY seq", (station,))
            ]
            yield Feed(path, data, s.db_id, station, len(hashes), hashes)


@pytest.fixture
def station_env(feed: Feed, monkeypatch: pytest.MonkeyPatch) -> Feed:
    monkeypatch.setenv("SCORER_DATA_DIR", str(feed.data))
    return feed


def _fresh_hq(folder: Path, backend: str) -> tuple[HQ, str | None]:
    db = pg.fresh_database(pg.server_dsn()) if backend == "postgresql" else None
    return HQ(folder, db).start(), db


def _holds_exactly(hq: HQ, feed: Feed) -> None:
    """Headquarters holds the station's log, no more, no less: by its signed receipt (GET feed)
    and in its own database (count, lowest and highest seq, every hash)."""
    e = state.enrolment(sqlite3.connect(feed.path), feed.station)
    assert e is not None
    with http.Client(hq.url) as c:
        r = wire.check_receipt(c.feed(feed.db, feed.station), e.hq_key)
    assert (r.count, r.last_seq, r.head_hash) == (feed.count, feed.count, feed.hashes[-1])
    assert hq.held() == {(feed.db, feed.station): (feed.count, 1, feed.count)}
    assert hq.hashes(feed.db, feed.station) == feed.hashes
    [line] = client.status(feed.path)
    assert line.state == "synced" and line.fingerprint == wire.fingerprint(feed.hashes[-1], feed.count)


def _enrol(hq: HQ, feed: Feed) -> None:
    client.enrol(feed.path, hq.url, hq.code()["code"])


def _push_seconds(folder: Path, feed: Feed, backend: str) -> float:
    """How long a whole push takes here (to draw the kill moments from)."""
    hq, db = _fresh_hq(folder, backend)
    try:
        _enrol(hq, feed)
        t0 = time.monotonic()
        client.push(feed.path, batch_size=BATCH)
        return time.monotonic() - t0
    finally:
        hq.stop()
        if db:
            pg.drop_database(db)


@pytest.mark.slow
def test_headquarters_killed_mid_push(station_env: Feed, tmp_path: Path) -> None:
    feed = station_env
    rng = random.Random("hq-kill")
    seconds = {b: _push_seconds(tmp_path / f"calibrate-{b}", feed, b) for b in BACKENDS}
    resent, interrupted = [], []
    for trial in range(TRIALS):
        backend = BACKENDS[trial % 2]
        hq, db = _fresh_hq(tmp_path / f"hq{trial}", backend)
        try:
            _enrol(hq, feed)
            kill_after = rng.uniform(0.05, 0.95) * seconds[backend]
            m = interrupted_push(feed.path, hq, batch_size=BATCH, kill_after=kill_after)
            _holds_exactly(hq, feed)
            assert 0 <= m.resent <= BATCH, m
            resent.append(m.resent)
            interrupted.append(m.interrupted_at)
        finally:
            hq.kill()
            if db:
                pg.drop_database(db)
    # the kills landed mid-push, at many different points
    assert sum(0 < n < feed.count for n in interrupted) >= TRIALS // 2, interrupted
    assert verify(feed.path).ok


@pytest.mark.slow
def test_pushing_process_killed_mid_push(station_env: Feed, tmp_path: Path) -> None:
    feed = station_env
    rng = random.Random("push-kill")
    seconds = {b: _push_seconds(tmp_path / f"calibrate-{b}", feed, b) for b in BACKENDS}
    env = {**os.environ, "SCORER_DATA_DIR": str(feed.data)}
    landed = []
    for trial in range(TRIALS):
        backend = BACKENDS[trial % 2]
        hq, db = _fresh_hq(tmp_path / f"hq{trial}", backend)
        try:
            _enrol(hq, feed)
            pusher = subprocess.Popen(
                [sys.executable, "-m", "scorer.cli", "sync", "push", "--file", str(feed.path),
                 "--batch-size", str(BATCH)],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            # a random moment once the push is under way (the first batch acknowledged)
            deadline = time.monotonic() + 60
            while not hq.held() and pusher.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.9) * seconds[backend])
            pusher.send_signal(signal.SIGKILL)
            pusher.wait(10)
            held = hq.held().get((feed.db, feed.station), (0, 0, 0))[0]
            landed.append(held)
            assert pusher.returncode == -signal.SIGKILL or held == feed.count, pusher.stderr
            pusher.stderr.close()  # type: ignore[union-attr]
            # the file is whole after the kill, and its kept receipt never claims more than is held
            kept = state.receipt(sqlite3.connect(feed.path), feed.db, feed.station)
            assert kept is not None and kept.last_seq <= held
            sent: list[tuple[int, int]] = []
            progress: list[tuple[int, int]] = []
            result = client.push(
                feed.path,
                batch_size=BATCH,
                on_send=lambda a, b, sent=sent: sent.append((a, b)),
                on_progress=lambda d, t, progress=progress: progress.append((d, t)),
            )
            resumed_from = progress[0][0]
            assert resumed_from >= held  # headquarters may finish the batch in flight after the kill
            assert sent == [] or sent[0][0] == resumed_from + 1  # nothing it holds is sent again
            assert sum(b - a + 1 for a, b in sent) == feed.count - resumed_from
            assert result.state == "synced"
            _holds_exactly(hq, feed)
        finally:
            hq.kill()
            if db:
                pg.drop_database(db)
    assert sum(0 < n < feed.count for n in landed) >= TRIALS // 2, landed
    assert verify(feed.path).ok
