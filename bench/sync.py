"""Sync benchmarks (issue 16): a push of 240,000 entries to a real local headquarters, the entries
re-sent after an interruption, and headquarters' ingest on PostgreSQL against COPY.

- `sync_push_240k`: `scorer.sync.client.push` of a 240,000-entry file to `scorer hq serve` (SQLite,
  a child process on 127.0.0.1), against POSTing the very same batch bytes to the same server's
  trivial `/api/v1/echo` (same HTTP client, same server stack) in the same run. Target ratio ≤ 3.
  The entry also carries `floor_s` / `floor_ratio`: the least any headquarters must do with the same
  bytes, measured in the same run without HTTP — parse each batch, hash each entry (the chain's
  own `fields_hash`), and one bare `executemany` per batch into an SQLite table of the same shape —
  so the distance between the target and what CPython can do at all stays in view.
- `sync_resume_resent`: headquarters SIGKILLed in the middle of a push, restarted, the push resumed:
  entries sent more than once (value; target ≤ one batch).
- `hq_ingest_postgres`: 20 stations × 12,000 entries pushing at once (4 request threads, as the
  server takes them) through headquarters' ingest (every check, one
  transaction per batch) into PostgreSQL, against `COPY` of the same rows into a table of the same
  shape in the same cluster. Target ratio ≤ 4.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.figures import figure
from bench.synclog import big_file


def _batch_bodies(path: Path, venue: str, batch_size: int) -> list[bytes]:
    """The bytes a push sends for `path`'s whole feed (the baseline POSTs the same)."""
    from scorer.store import Store, now
    from scorer.sync import feed

    with Store.open(path, readonly=True) as store:
        from scorer.station import identity

        me = identity()
        count, _ = feed.head(store.conn, me.id)
        comp = store.competition
        assert comp is not None
        pkg = feed.package(store.conn, comp.id, comp.format_version)
        return [
            feed.batch_bytes(
                me,
                venue=venue,
                db=store.db_id,
                package=pkg.at(store.conn, me.id, last),
                rows=feed.rows(store.conn, me.id, first, last),
                made=now(),
            )
            for first, last in feed.ranges(1, count, batch_size)
        ]


def _post_all(url: str, bodies: list[bytes]) -> float:
    from scorer.sync.http import Client

    t0 = time.perf_counter()
    with Client(url) as c:
        for body in bodies:
            c.echo(body)
    return time.perf_counter() - t0


def _floor(work: Path, bodies: list[bytes]) -> float:
    """Parse, hash every entry, insert every entry (one transaction per batch): no checks, no HTTP."""
    import json
    import sqlite3

    from scorer.store.chain import fields_hash

    path = work / "floor.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(
        "CREATE TABLE entries (db TEXT, station TEXT, seq INTEGER, kind TEXT, payload TEXT, actor TEXT, "
        "source TEXT, raw TEXT, time TEXT, prev_hash TEXT, hash TEXT, PRIMARY KEY (db, station, seq)) "
        "WITHOUT ROWID"
    )
    names = ("kind", "payload", "actor", "source", "raw", "time", "prev_hash")
    t0 = time.perf_counter()
    for body in bodies:
        b = json.loads(body)
        rows = []
        for e in b["entries"]:
            fields = [b["station"], e["seq"], *(e[n] for n in names)]
            if fields_hash(fields) != e["hash"]:
                raise AssertionError(f"entry {e['seq']} does not hash")
            rows.append((b["db"], b["station"], e["seq"], *(e[n] for n in names), e["hash"]))
        with conn:
            conn.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    took = time.perf_counter() - t0
    conn.close()
    return took


def bench_sync_push(work: Path, entries: int = 240_000) -> dict[str, dict[str, Any]]:
    from scorer.sync import client, wire
    from tests.sync.harness import HQ, enrolled

    path = big_file(work / "push.scorer", entries)
    with HQ(work / "hq") as hq:
        e = enrolled(path, hq)
        bodies = _batch_bodies(path, e["venue"], wire.BATCH_SIZE)
        before = _post_all(hq.url, bodies)
        t0 = time.perf_counter()
        result = client.push(path)
        ours = time.perf_counter() - t0
        after = _post_all(hq.url, bodies)
        assert result.state == "synced" and result.held_count == entries, result.en
    base = (before + after) / 2
    out = {"sync_push_240k": figure(ours, "s", base, 3.0, "ratio")}
    out["sync_push_240k"]["entries_per_s"] = round(entries / ours)
    out["sync_push_240k"]["megabytes"] = round(sum(map(len, bodies)) / 1e6, 1)
    floor = _floor(work, bodies)
    out["sync_push_240k"]["floor_s"] = round(floor, 4)
    out["sync_push_240k"]["floor_ratio"] = round(floor / base, 2)
    return out


def bench_sync_resume(work: Path, entries: int = 60_000) -> dict[str, dict[str, Any]]:
    """Headquarters killed a third of the way into a push (timed from a first uninterrupted push of
    the same size), restarted, the push resumed; the worst of three trials."""
    from scorer.sync import client, wire
    from tests.sync.harness import HQ, enrolled, interrupted_push

    path = big_file(work / "resume.scorer", entries)
    worst = 0
    with HQ(work / "hq-resume") as hq:
        enrolled(path, hq)
        # how long a whole push takes here, to kill inside it
        probe = big_file(work / "probe.scorer", entries)
        enrolled(probe, hq, "探测机")
        t0 = time.perf_counter()
        client.push(probe)
        whole = time.perf_counter() - t0
    for trial in range(3):
        with HQ(work / f"hq-resume-{trial}") as hq:
            enrolled(path, hq)
            r = interrupted_push(
                path, hq, batch_size=wire.BATCH_SIZE, kill_after=whole * (0.2 + 0.25 * trial)
            )
            worst = max(worst, r.resent)
    out = {"sync_resume_resent": figure(worst, "entries", None, float(wire.BATCH_SIZE), "value")}
    out["sync_resume_resent"]["batch_size"] = wire.BATCH_SIZE
    return out


def _station_batches(
    folder: Path, venue: str, stations: int, per_station: int, batch_size: int
) -> list[list[bytes]]:
    """Each station's feed (a real hash chain of mark-shaped rows, signed by its own key) as the
    batch bytes it would push."""
    from scorer.station import key_at
    from scorer.store import Row
    from scorer.store.chain import GENESIS, canonical, row_hash
    from scorer.sync import wire

    out = []
    for s in range(stations):
        me = key_at(folder / f"station{s}")
        rows: list[Row] = []
        prev = GENESIS
        for seq in range(1, per_station + 1):
            c, a = divmod(seq, 40)
            payload = canonical(
                {
                    "event": "E1",
                    "contestant": f"K{c:05d}",
                    "aspect": f"A{a}",
                    "slot": "1",
                    "judge": "J1",
                    "value": "2",
                }
            )
            t = f"2026-11-22T08:{seq // 6000 % 60:02d}:00.{seq % 1000000:06d}Z"
            h = row_hash(me.id, seq, "mark", payload, "J1", "keyboard", None, t, prev)
            rows.append(Row(me.id, seq, "mark", payload, "J1", "keyboard", None, t, prev, h))
            prev = h
        pkg = {"id": "bench", "format_version": 1, "revision": 1}
        out.append(
            [
                wire.encode(
                    wire.make_batch(
                        me, venue=venue, db=f"db{s}", package=pkg, rows=rows[i : i + batch_size], made=t
                    )
                )
                for i in range(0, per_station, batch_size)
            ]
        )
    return out


def _push_all(database: Any, hq: Any, batches: list[bytes]) -> None:
    from scorer.hq import ingest

    for data in batches:
        ingest.push_bytes(database, hq, data)


def bench_hq_ingest_postgres(
    work: Path, stations: int = 20, per_station: int = 12_000, threads: int = 4
) -> dict[str, dict[str, Any]]:
    from scorer.hq import db as hqdb
    from scorer.hq import enrol
    from scorer.station import key_at
    from scorer.sync import wire
    from tests import pg

    with pg.cluster(fast=False) as dsn:
        url = pg.fresh_database(dsn)
        database = hqdb.open_database(url)
        try:
            hqdb.migrate(database)
            hq = key_at(work / "hq-key")
            first = enrol.add_venue(database, "基准场地")
            for s in range(stations):
                code = first if s == 0 else enrol.add_code(database, first.venue)
                request = wire.make_enrol(key_at(work / "keys" / f"station{s}"), code.code, f"站点 {s}")
                enrol.enrol(database, hq, request)
            batches = _station_batches(work / "keys", first.venue, stations, per_station, wire.BATCH_SIZE)
            # the 20 stations push at once, each its batches in order, as the server's request
            # threads take them (one database connection each from the pool)
            t0 = time.perf_counter()
            with ThreadPoolExecutor(threads) as pool:
                for done in [pool.submit(_push_all, database, hq, station) for station in batches]:
                    done.result()
            ours = time.perf_counter() - t0
            base = _copy_baseline(url, batches)
            held = database_count(database)
        finally:
            database.close()
        assert held == stations * per_station, held
    out = {"hq_ingest_postgres": figure(ours, "s", base, 4.0, "ratio")}
    out["hq_ingest_postgres"]["threads"] = threads
    out["hq_ingest_postgres"]["entries_per_s"] = round(stations * per_station / ours)
    return out


def database_count(database: Any) -> int:
    with database.read() as tx:
        row = tx.one("SELECT count(*) FROM entries")
    return int(row[0]) if row else 0


def _copy_baseline(url: str, batches: list[list[bytes]]) -> float:
    """COPY of the same rows (the entries' columns) into a plain table of the same shape."""
    import psycopg

    from scorer.sync import wire

    rows = []
    for station in batches:
        for data in station:
            b = wire.parse(data, "", "")
            for e in b["entries"]:
                rows.append(
                    (
                        b["db"],
                        e["station"],
                        e["seq"],
                        e["kind"],
                        e["payload"],
                        e["actor"],
                        e["source"],
                        e["raw"],
                        e["time"],
                        e["prev_hash"],
                        e["hash"],
                    )
                )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE copy_baseline (db TEXT, station TEXT, seq BIGINT, kind TEXT, payload TEXT, actor TEXT,"
            " source TEXT, raw TEXT, time TEXT, prev_hash TEXT, hash TEXT, PRIMARY KEY (db, station, seq))"
        )
        t0 = time.perf_counter()
        with (
            conn.transaction(),
            conn.cursor() as cur,
            cur.copy(
                "COPY copy_baseline (db, station, seq, kind, payload, actor, source, raw, time, prev_hash, hash)"
                " FROM STDIN"
            ) as copy,
        ):
            for r in rows:
                copy.write_row(r)
        return time.perf_counter() - t0


def run(work: Path, only: set[str]) -> dict[str, dict[str, Any]]:
    """The sync figures `only` names, each in its own data folder (a station key per folder)."""
    results: dict[str, dict[str, Any]] = {}
    for name, bench in (
        ("sync_push", bench_sync_push),
        ("sync_resume", bench_sync_resume),
        ("hq_ingest", bench_hq_ingest_postgres),
    ):
        if name in only:
            if name == "hq_ingest" and not _postgres_available():
                print("hq_ingest_postgres: skipped — no PostgreSQL here (`make deps` installs it)")
                continue
            folder = work / name
            folder.mkdir()
            os.environ["SCORER_DATA_DIR"] = str(folder / "data")
            results.update(bench(folder))
    return results


def _postgres_available() -> bool:
    from tests import pg

    try:
        pg.bin_dir()
    except Exception:  # any reason means: not here
        return False
    return True
