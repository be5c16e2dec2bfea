"""The floor every durable save stands on: one plain sqlite3 INSERT + COMMIT of a log-like row,
with the store's pragmas (WAL, synchronous=FULL). Benches time it interleaved with what they
measure, so both sides see the same disk weather and their ratio holds from machine to machine."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from scorer.store.chain import GENESIS, canonical

PAYLOAD = canonical(
    {"event": "E1", "contestant": "K00001", "aspect": "A1", "judge": "J1", "slot": "", "value": "24.015"}
)


class BareLog:
    """A table like the store's log, nothing else: no chain, projection, triggers or checkpoint."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute(
            "CREATE TABLE log (id INTEGER PRIMARY KEY, station TEXT, seq INTEGER, kind TEXT, payload TEXT,"
            " actor TEXT, source TEXT, raw BLOB, time TEXT, prev_hash TEXT, hash TEXT, UNIQUE (station, seq))"
        )
        self.seq = 0

    def commit(self) -> float:
        """One durable INSERT + COMMIT; its duration in seconds."""
        self.seq += 1
        t0 = time.perf_counter()
        self.conn.execute("BEGIN")
        self.conn.execute(
            "INSERT INTO log (station, seq, kind, payload, actor, source, raw, time, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "ST-BENCH",
                self.seq,
                "mark",
                PAYLOAD,
                "J1",
                "keyboard",
                None,
                "2026-11-24T00:00:00Z",
                GENESIS,
                GENESIS,
            ),
        )
        self.conn.execute("COMMIT")
        return time.perf_counter() - t0

    def close(self) -> None:
        self.conn.close()
