"""Schema of the competition file, created and upgraded by sqlite-utils migrations.

Rules for every migration: never UPDATE or DELETE log rows; new projections are rebuilt from the
log; a migration runs in one transaction with its record in `_sqlite_migrations`.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from scorer.store.versions import SCHEMA

migrations = Migrations("scorer")

APPEND_ONLY_TRIGGERS = (
    "CREATE TRIGGER log_no_update BEFORE UPDATE ON log"
    " BEGIN SELECT RAISE(ABORT, 'the log is append-only: rows are never updated'); END",
    "CREATE TRIGGER log_no_delete BEFORE DELETE ON log"
    " BEGIN SELECT RAISE(ABORT, 'the log is append-only: rows are never deleted'); END",
)


@migrations()
def m001_initial(db: Database) -> None:
    """Version 1: meta, the append-only log, and the current-marks projection."""
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(
        """
        CREATE TABLE log (
            id INTEGER PRIMARY KEY,
            station TEXT NOT NULL,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            actor TEXT NOT NULL,
            source TEXT NOT NULL,
            raw BLOB,
            time TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            UNIQUE (station, seq)
        )
        """
    )
    for trigger in APPEND_ONLY_TRIGGERS:
        db.execute(trigger)
    db.execute(
        """
        CREATE TABLE marks (
            contestant TEXT NOT NULL,
            aspect TEXT NOT NULL,
            slot TEXT NOT NULL,
            event TEXT NOT NULL,
            judge TEXT NOT NULL,
            value TEXT NOT NULL,
            log_id INTEGER NOT NULL REFERENCES log(id),
            first_id INTEGER NOT NULL REFERENCES log(id),
            PRIMARY KEY (contestant, aspect, slot)
        )
        """
    )


@migrations()
def m002_mark_lookup(db: Database) -> None:
    """Version 2: an event's marks listed without a scan (each index costs every append a page)."""
    db.execute("CREATE INDEX marks_event ON marks (event, contestant)")


@migrations()
def m003_contestant_status(db: Database) -> None:
    """Version 3: contestant status (did not finish, withdrew, disqualified) as a projection."""
    db.execute(
        """
        CREATE TABLE statuses (
            contestant TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            log_id INTEGER NOT NULL REFERENCES log(id)
        )
        """
    )


LOCK_TRIGGERS = tuple(
    f"CREATE TRIGGER marks_locked_{op.lower()} BEFORE {op} ON marks"
    f" WHEN EXISTS (SELECT 1 FROM locks WHERE event = {row}.event AND locked = 1)"
    " BEGIN SELECT RAISE(ABORT, 'event locked'); END"
    for op, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD"))
)


@migrations()
def m004_venue(db: Database) -> None:
    """Version 4: event locks (enforced by triggers on marks), decryption, log-in failures, and
    the two passes of paper double entry."""
    db.execute(
        "CREATE TABLE locks (event TEXT PRIMARY KEY, locked INTEGER NOT NULL, log_id INTEGER NOT NULL)"
    )
    db.execute("CREATE TABLE decrypted (event TEXT PRIMARY KEY, log_id INTEGER NOT NULL)")
    db.execute(
        "CREATE TABLE logins (judge TEXT PRIMARY KEY, failures INTEGER NOT NULL, last_failure TEXT NOT NULL,"
        " log_id INTEGER NOT NULL)"
    )
    db.execute(
        """
        CREATE TABLE drafts (
            contestant TEXT NOT NULL,
            aspect TEXT NOT NULL,
            slot TEXT NOT NULL,
            pass INTEGER NOT NULL,
            event TEXT NOT NULL,
            judge TEXT NOT NULL,
            value TEXT NOT NULL,
            clerk TEXT NOT NULL,
            log_id INTEGER NOT NULL,
            PRIMARY KEY (contestant, aspect, slot, pass)
        )
        """
    )
    for trigger in LOCK_TRIGGERS:
        db.execute(trigger)


@migrations()
def m005_sync(db: Database) -> None:
    """Version 5: sync with headquarters, kept in the file beside the log it is about (never in the
    log): each enrolled station's headquarters and venue, and the newest receipt per feed."""
    db.execute(
        """
        CREATE TABLE sync_enrolment (
            station TEXT PRIMARY KEY,
            hq_url TEXT NOT NULL,
            hq TEXT NOT NULL,
            hq_key TEXT NOT NULL,
            venue TEXT NOT NULL,
            venue_name TEXT NOT NULL,
            enrolled TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE sync_receipts (
            db TEXT NOT NULL,
            station TEXT NOT NULL,
            hq TEXT NOT NULL,
            count INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            head_hash TEXT NOT NULL,
            time TEXT NOT NULL,
            receipt TEXT NOT NULL,
            PRIMARY KEY (db, station)
        )
        """
    )


STATUS_LOCK_TRIGGERS = tuple(
    f"CREATE TRIGGER statuses_locked_{op.lower()} BEFORE {op} ON statuses"
    " WHEN EXISTS (SELECT 1 FROM log g JOIN locks l ON l.event = json_extract(g.payload, '$.event')"
    " WHERE g.id = NEW.log_id AND l.locked = 1)"
    " BEGIN SELECT RAISE(ABORT, 'event locked'); END"
    for op in ("INSERT", "UPDATE")
)


@migrations()
def m006_status_locked(db: Database) -> None:
    """Version 6: a locked event refuses a contestant's status as it refuses marks — a trigger on
    the statuses projection, so every writer (the app, the CLI, rows received from another station)
    meets it inside its own transaction. The status row is already in the log when its projection
    runs: the event is read from it."""
    for trigger in STATUS_LOCK_TRIGGERS:
        db.execute(trigger)


KNOWN = [m.name for m in migrations._migrations]
assert tuple(KNOWN) == SCHEMA, "scorer/store/versions.py must list every migration"
