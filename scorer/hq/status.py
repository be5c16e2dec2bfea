"""What headquarters' staff look at: venues, the feeds held (with their fingerprints), forks,
quarantined stations, the results checks of the locks received, and the most recent refusals
(`scorer hq status`)."""

from __future__ import annotations

from typing import Any

from scorer.hq.checks import checks
from scorer.hq.db import Database
from scorer.hq.enrol import venues
from scorer.hq.quarantine import releases
from scorer.sync import wire


def status(database: Database, refusals: int = 20) -> dict[str, Any]:
    """Everything `scorer hq status` shows, as data (its --json)."""
    with database.read() as tx:
        feeds = tx.all(
            "SELECT f.venue, f.db, f.station, f.count, f.last_seq, f.head_hash, f.updated, "
            "s.quarantined_at IS NOT NULL FROM feeds f JOIN stations s ON s.station = f.station "
            "ORDER BY f.venue, f.db, f.station"
        )
        forks = tx.all("SELECT venue, db, station, seq, held_hash, new_hash, at FROM forks ORDER BY id")
        quarantined = tx.all(
            "SELECT station, name, quarantined_at, quarantine_reason FROM stations "
            "WHERE quarantined_at IS NOT NULL ORDER BY quarantined_at"
        )
        held_back = dict(tx.all("SELECT station, count(*) FROM quarantine GROUP BY station"))
        recent = tx.all(
            "SELECT at, via, station, venue, db, first, last, code, zh, en, seq FROM refusals "
            "ORDER BY id DESC LIMIT ?",
            (refusals,),
        )
    return {
        "venues": venues(database),
        "results": checks(database),
        "feeds": [
            {
                "venue": f[0],
                "db": f[1],
                "station": f[2],
                "count": int(f[3]),
                "last_seq": int(f[4]),
                "head_hash": f[5],
                "fingerprint": wire.fingerprint(f[5], int(f[3])),
                "updated": f[6],
                "quarantined": bool(f[7]),
            }
            for f in feeds
        ],
        "forks": [
            dict(zip(("venue", "db", "station", "seq", "held_hash", "new_hash", "at"), f, strict=True))
            for f in forks
        ],
        "quarantined": [
            {
                "station": q[0],
                "name": q[1],
                "since": q[2],
                "reason": q[3],
                "batches_held_back": int(held_back.get(q[0], 0)),
            }
            for q in quarantined
        ],
        "refusals": [
            dict(
                zip(
                    ("at", "via", "station", "venue", "db", "first", "last", "code", "zh", "en", "seq"),
                    r,
                    strict=True,
                )
            )
            for r in recent
        ],
        "releases": releases(database),
    }
