"""What the competition file keeps about sync: each enrolled station's headquarters, and the
newest receipt per feed (tables `sync_enrolment` and `sync_receipts`, schema m005_sync).

Kept in the file, never in the log: receipts are statements *about* the log. Every write is one
short durable transaction (BEGIN IMMEDIATE … COMMIT on the store's connection, synchronous=FULL),
so a push interrupted at any moment has stored every receipt it received. A receipt never
replaces a newer one (newer = higher `last_seq`, then later `time`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from scorer.store import Store
from scorer.sync import wire


@dataclass(frozen=True)
class Enrolment:
    """A station's enrolment with headquarters: where it is, its key, the venue it pushes for."""

    station: str
    hq_url: str  # "" after an offline enrolment (a bundle) until a push gives one
    hq: str
    hq_key: str
    venue: str
    venue_name: str
    enrolled: str


def _has_tables(conn: sqlite3.Connection) -> bool:
    """A read-only open of a file from before m005 is upgraded in memory, so the tables are
    normally there; a store opened some other way may lack them."""
    r = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='sync_receipts'").fetchone()
    return r is not None


def enrolment(conn: sqlite3.Connection, station: str) -> Enrolment | None:
    """The enrolment of `station` recorded in this file (None: it must enrol itself)."""
    if not _has_tables(conn):
        return None
    r = conn.execute(
        "SELECT station, hq_url, hq, hq_key, venue, venue_name, enrolled FROM sync_enrolment"
        " WHERE station = ?",
        (station,),
    ).fetchone()
    return Enrolment(*r) if r else None


def enrolments(conn: sqlite3.Connection) -> dict[str, Enrolment]:
    if not _has_tables(conn):
        return {}
    rows = conn.execute(
        "SELECT station, hq_url, hq, hq_key, venue, venue_name, enrolled FROM sync_enrolment"
    ).fetchall()
    return {r[0]: Enrolment(*r) for r in rows}


@dataclass(frozen=True)
class Held:
    """The newest receipt kept for a feed: what headquarters said it holds."""

    db: str
    station: str
    hq: str
    count: int
    last_seq: int
    head_hash: str
    time: str
    receipt: str  # the receipt's canonical JSON, signature included

    @property
    def fingerprint(self) -> str:
        return wire.fingerprint(self.head_hash, self.count)


def held_of(r: wire.Receipt) -> Held:
    text = wire.encode(r.data).decode("utf-8")
    return Held(r.db, r.station, r.hq, r.count, r.last_seq, r.head_hash, r.time, text)


def receipt(conn: sqlite3.Connection, db: str, station: str) -> Held | None:
    if not _has_tables(conn):
        return None
    r = conn.execute(
        "SELECT db, station, hq, count, last_seq, head_hash, time, receipt FROM sync_receipts"
        " WHERE db = ? AND station = ?",
        (db, station),
    ).fetchone()
    return Held(*r) if r else None


def receipts(conn: sqlite3.Connection, db: str) -> dict[str, Held]:
    """The newest receipt of each of this file's feeds, by station."""
    if not _has_tables(conn):
        return {}
    rows = conn.execute(
        "SELECT db, station, hq, count, last_seq, head_hash, time, receipt FROM sync_receipts WHERE db = ?",
        (db,),
    ).fetchall()
    return {r[1]: Held(*r) for r in rows}


def save_enrolment(store: Store, e: Enrolment) -> None:
    """Record (or replace) a station's enrolment, durably."""

    def body(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO sync_enrolment"
            " (station, hq_url, hq, hq_key, venue, venue_name, enrolled) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (e.station, e.hq_url, e.hq, e.hq_key, e.venue, e.venue_name, e.enrolled),
        )

    store.write(body)


def set_url(store: Store, station: str, url: str) -> None:
    """Remember headquarters' address (an offline enrolment has none until the first push)."""
    store.write(
        lambda conn: conn.execute("UPDATE sync_enrolment SET hq_url = ? WHERE station = ?", (url, station)),
    )


# Newer = a higher last seq, then a later time; a receipt of another headquarters (the station
# enrolled anew elsewhere) is replaced by the first one of the headquarters it now pushes to.
_KEEP = (
    "INSERT INTO sync_receipts (db, station, hq, count, last_seq, head_hash, time, receipt)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (db, station) DO UPDATE SET hq = excluded.hq, count = excluded.count,"
    " last_seq = excluded.last_seq, head_hash = excluded.head_hash, time = excluded.time,"
    " receipt = excluded.receipt"
    " WHERE excluded.hq != sync_receipts.hq OR excluded.last_seq > sync_receipts.last_seq"
    " OR (excluded.last_seq = sync_receipts.last_seq AND excluded.time > sync_receipts.time)"
)


def _params(r: wire.Receipt) -> tuple[Any, ...]:
    text = wire.encode(r.data).decode("utf-8")
    return (r.db, r.station, r.hq, r.count, r.last_seq, r.head_hash, r.time, text)


def keep_receipt(store: Store, r: wire.Receipt) -> bool:
    """Keep a checked receipt durably unless a newer one is kept already; was it kept?"""
    return store.write(lambda conn: conn.execute(_KEEP, _params(r)).rowcount > 0)


def keep_all(store: Store, enrol: Enrolment | None, found: list[wire.Receipt]) -> int:
    """An enrolment (from a receipt file) and receipts in one durable transaction; how many
    receipts were newer than the ones kept."""

    def body(conn: sqlite3.Connection) -> int:
        if enrol is not None:
            old = conn.execute(
                "SELECT hq_url, hq_key, venue FROM sync_enrolment WHERE station = ?", (enrol.station,)
            ).fetchone()
            if old is None or (old[1], old[2]) != (enrol.hq_key, enrol.venue):  # the same one twice: kept
                conn.execute(
                    "INSERT OR REPLACE INTO sync_enrolment"
                    " (station, hq_url, hq, hq_key, venue, venue_name, enrolled) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        enrol.station,
                        enrol.hq_url or (old[0] if old else ""),
                        enrol.hq,
                        enrol.hq_key,
                        enrol.venue,
                        enrol.venue_name,
                        enrol.enrolled,
                    ),
                )
        return sum(conn.execute(_KEEP, _params(r)).rowcount for r in found)

    return store.write(body)
