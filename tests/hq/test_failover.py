"""Headquarters across a PostgreSQL fail-over (docs/hq-deploy.md): a primary and a hot standby
(streaming replication, synchronous, so an acknowledged push is on both), a real `scorer hq serve`
on an address naming both servers, a station's push accepted; then the primary dies (immediate
stop, as a crash), and until the standby is promoted headquarters answers 503 "unavailable" —
quickly, not 500, not hanging; after `pg_ctl promote` the next push is accepted by the same
server process, and headquarters holds every entry of the station's log, nothing lost."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from scorer.store import Store
from scorer.sync import client
from scorer.sync.http import Unreachable
from tests import pg
from tests.sync.harness import HQ, enrolled


@pytest.fixture
def pair() -> Iterator[tuple[pg.Cluster, pg.Cluster]]:
    """A primary and its hot standby, replication synchronous (the primary waits for the standby)."""
    primary = pg.start(settings={**pg.REPLICATION, "synchronous_commit": "on"})
    try:
        standby = pg.standby(primary)
        try:
            with psycopg.connect(primary.dsn, autocommit=True) as conn:
                conn.execute("ALTER SYSTEM SET synchronous_standby_names = '*'")
                conn.execute("SELECT pg_reload_conf()")
                conn.execute("CREATE DATABASE hq")
            yield primary, standby
        finally:
            standby.stop()
    finally:
        primary.stop()


def port(c: pg.Cluster) -> int:
    return int(c.dsn.rsplit(":", 1)[1].split("/")[0])


def get(url: str, timeout: float = 20) -> tuple[int, dict[str, object], float]:
    """(HTTP status, JSON body, seconds taken) of a GET."""
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read()), time.monotonic() - t0
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), time.monotonic() - t0


def test_a_promoted_standby_takes_over_with_503_in_the_gap_and_nothing_lost(
    pair: tuple[pg.Cluster, pg.Cluster], tmp_path: Path
) -> None:
    from scorer.demo import ensure_demo

    primary, standby = pair
    with psycopg.connect(primary.dsn, autocommit=True) as conn:
        [(state, sync)] = conn.execute("SELECT state, sync_state FROM pg_stat_replication").fetchall()
    assert (state, sync) == ("streaming", "sync")
    url = f"postgresql://postgres@127.0.0.1:{port(primary)},127.0.0.1:{port(standby)}/hq"
    hq = HQ(tmp_path / "hq", url).start()
    try:
        demo = ensure_demo(tmp_path / "demo.scorer")
        station = enrolled(demo, hq)["station"]
        first = client.push(demo)
        assert first.state == "synced" and first.held_count == first.count
        feed = f"{hq.url}/api/v1/feeds/{first.db}/{station}"
        assert get(feed)[0] == 200
        with psycopg.connect(pg.with_dbname(standby.dsn, "hq")) as conn:  # already on the standby
            [(held,)] = conn.execute("SELECT count(*) FROM entries").fetchall()
        assert held == first.count

        with Store.open(demo) as s:  # the venue goes on working while headquarters is in trouble
            for n in range(5):
                s.set_status(
                    contestant="CNC-774", status="dnf" if n % 2 == 0 else "ok", reason="测试", actor="CNC-K"
                )
            total = s.count()
        done = pg.ctl(primary, "stop", "-m", "immediate")
        assert done.returncode == 0, done.stdout

        # the gap: every request answered 503 "unavailable" (zh and en), each within seconds
        answers = [get(feed) for _ in range(6)]
        for status, body, took in answers:
            assert status == 503, (status, body)
            error = body["error"]
            assert isinstance(error, dict) and error["code"] == "unavailable"
            assert "数据库暂时不可用" in str(error["zh"]) and "not available" in str(error["en"])
            assert took < 5, took
        assert sum(took for _, _, took in answers[1:]) < 3  # after the first, at once
        # a push in the gap stops as "cannot reach headquarters" (the app retries quietly later):
        # nothing stored, the venue keeps its rows, headquarters' own reason is in the message
        with pytest.raises(Unreachable, match="HTTP 503") as gap:
            client.push(demo, timeout=20)
        assert "数据库暂时不可用" in gap.value.zh and "not available" in gap.value.en

        done = pg.ctl(standby, "promote")
        assert done.returncode == 0, done.stdout
        # the same server process, no restart: the next push is accepted by the new primary
        deadline = time.monotonic() + 15
        while (status := get(feed)[0]) != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert status == 200
        second = client.push(demo)
        assert second.state == "synced" and second.held_count == second.count == total
        assert hq.held() == {(first.db, station): (total, 1, total)}
        with Store.open(demo, readonly=True) as s:
            mine = [
                r[0]
                for r in s.conn.execute("SELECT hash FROM log WHERE station = ? ORDER BY seq", (station,))
            ]
        assert hq.hashes(first.db, station) == mine
        assert hq.proc is not None and hq.proc.poll() is None
    finally:
        hq.stop()
