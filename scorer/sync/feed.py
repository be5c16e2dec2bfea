"""This station's feed in a competition file, read for sending: rows straight from SQL into `Row`s
and signed batches built one at a time.

Fast because a push of 240,000 entries must cost little more than sending their bytes: the
payload is stored as its canonical text (what was hashed), so a row goes from SQLite to the wire
without json.loads or re-encoding; a range is one indexed SELECT (UNIQUE (station, seq)); a batch
is encoded once (`batch_bytes`: the bytes of `wire.encode(wire.make_batch(…))`, the signature
spliced in rather than the batch encoded a second time); and the next batch is built while
headquarters stores the one before (`Ahead`).
"""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorer.station import Identity
from scorer.store import Row, now
from scorer.store.chain import GENESIS, canonical
from scorer.sync import wire

_ROWS = (
    "SELECT station, seq, kind, payload, actor, source, raw, time, prev_hash, hash FROM log"
    " WHERE station = ? AND seq >= ? AND seq <= ? ORDER BY seq"
)
_ROW_ID = "SELECT id FROM log WHERE station = ? AND seq = ?"


def head(conn: sqlite3.Connection, station: str) -> tuple[int, str]:
    """The station's newest (seq, hash) here; (0, GENESIS) if it has no row in this file."""
    r = conn.execute(
        "SELECT seq, hash FROM log WHERE station = ? ORDER BY seq DESC LIMIT 1", (station,)
    ).fetchone()
    return (r[0], r[1]) if r else (0, GENESIS)


def hash_at(conn: sqlite3.Connection, station: str, seq: int) -> str | None:
    """The hash of the station's row `seq` here (None if there is none)."""
    if seq == 0:
        return GENESIS
    r = conn.execute("SELECT hash FROM log WHERE station = ? AND seq = ?", (station, seq)).fetchone()
    return r[0] if r else None


def rows(conn: sqlite3.Connection, station: str, first: int, last: int) -> list[Row]:
    """The station's rows `first..last` as `Row`s, in seq order (one indexed SELECT)."""
    return list(map(Row._make, conn.execute(_ROWS, (station, first, last))))


def heads(conn: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """Every station's newest (seq, hash) in this file."""
    out: dict[str, tuple[int, str]] = {}
    for station, seq in conn.execute("SELECT station, max(seq) FROM log GROUP BY station").fetchall():
        out[station] = (seq, hash_at(conn, station, seq) or GENESIS)
    return out


@dataclass(frozen=True)
class Package:
    """What a batch says about the competition its entries refer to: the competition's id and
    package format version, and the file's definition rows (their log ids) for `revision`."""

    id: str
    format_version: int
    definitions: tuple[int, ...]

    def at(self, conn: sqlite3.Connection, station: str, seq: int) -> dict[str, Any]:
        """The batch's `package` for a batch ending at `seq`: revision = definition rows up to it."""
        r = conn.execute(_ROW_ID, (station, seq)).fetchone()
        revision = bisect.bisect_right(self.definitions, r[0]) if r else len(self.definitions)
        return {"id": self.id, "format_version": self.format_version, "revision": revision}


def package(conn: sqlite3.Connection, competition_id: str, format_version: int) -> Package:
    ids = tuple(r[0] for r in conn.execute("SELECT id FROM log WHERE kind = 'definition' ORDER BY id"))
    return Package(competition_id, format_version, ids)


def batch_bytes(
    identity: Identity, *, venue: str, db: str, package: dict[str, Any], rows: list[Row], made: str
) -> bytes:
    """The canonical bytes of `wire.make_batch(identity, …)` (what a push sends and a bundle
    holds), with the batch encoded once: the body is encoded and signed, and the signature is
    spliced in where canonical order puts it (just before `"station"`, the only key after it but
    `venue` and `version`)."""
    body = wire.batch_body(identity, venue=venue, db=db, package=package, rows=rows, made=made)
    text = canonical(body)
    signature = identity.sign(text.encode("utf-8")).hex()
    at = text.rindex(',"station":"')
    return f'{text[:at]},"signature":"{signature}"{text[at:]}'.encode()


def ranges(first: int, last: int, size: int) -> Iterator[tuple[int, int]]:
    """`first..last` cut into batches of at most `size` entries."""
    for start in range(first, last + 1, size):
        yield start, min(start + size - 1, last)


class Ahead:
    """Batches of one feed built one ahead, on a worker thread with its own read-only connection:
    the next batch is read, encoded and signed while headquarters stores the one just sent, so a
    push costs about what headquarters takes (the rows below the head never change: append-only).

    `get(first, last)` gives the batch `first..last` (the one prepared, or built now if the plan
    changed) and starts preparing `last+1..`; `close()` stops the worker."""

    def __init__(
        self,
        path: Path,
        identity: Identity,
        *,
        venue: str,
        db: str,
        package: Package,
        count: int,
        size: int,
    ):
        self._path = path
        self._identity = identity
        self._venue = venue
        self._db = db
        self._package = package
        self._count = count
        self._size = size
        self._conn: sqlite3.Connection | None = None  # made and used on the worker thread only
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-batches")
        self._next: tuple[int, int, Future[bytes]] | None = None

    def _build(self, first: int, last: int) -> bytes:
        if self._conn is None:
            uri = f"{self._path.resolve().as_uri()}?mode=ro"  # as store.files opens read-only
            self._conn = sqlite3.connect(uri, uri=True, timeout=30)
        station = self._identity.id
        return batch_bytes(
            self._identity,
            venue=self._venue,
            db=self._db,
            package=self._package.at(self._conn, station, last),
            rows=rows(self._conn, station, first, last),
            made=now(),
        )

    def get(self, first: int, last: int) -> bytes:
        ready = self._next
        self._next = None
        if ready is not None and ready[:2] == (first, last):
            data = ready[2].result()
        else:
            if ready is not None:
                ready[2].cancel()
            data = self._pool.submit(self._build, first, last).result()
        if last < self._count:
            a, b = last + 1, min(last + self._size, self._count)
            self._next = (a, b, self._pool.submit(self._build, a, b))
        return data

    def close(self) -> None:
        if self._next is not None:
            self._next[2].cancel()
        self._pool.submit(self._close_conn).result()
        self._pool.shutdown(wait=True)

    def _close_conn(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Ahead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
