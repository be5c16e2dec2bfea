"""Headquarters' staff lift a station's quarantine, with a reason, kept on record.

A fork quarantines a station (scorer.hq.ingest): its later batches are kept aside, not taken in.
Once staff have settled the fork with the venue — the venue goes on with the history headquarters
holds, and the other copy of the file is retired — they release the station. What headquarters
holds is never changed: the station's next batches must continue it (a batch of the other history
is a fork again), and the batches kept aside stay in `quarantine` for the record.
"""

from __future__ import annotations

from typing import Any

from scorer.errors import ScorerError
from scorer.hq import audit
from scorer.hq.db import Database
from scorer.store import now


def release(
    database: Database, station: str, reason: str, by: str, actor: str | None = None
) -> dict[str, Any]:
    """Lift `station`'s quarantine; the release as a dict (station, quarantined_at, reason, by, at).
    ScorerError when the station is unknown or not quarantined, or the reason or name is empty.
    `actor` (the account or "cli:<user>" doing it) puts it on staff record as well."""
    reason, by = (reason or "").strip(), (by or "").strip()
    if not reason or not by:
        raise ScorerError(
            "解除隔离须写明原因和经办人（--reason、--by）",
            "lifting a quarantine needs a reason and the name of who does it (--reason, --by)",
        )
    with database.write() as tx:
        row = tx.one(
            "SELECT quarantined_at, quarantine_reason FROM stations WHERE station = ?" + tx.for_update,
            (station,),
        )
        if row is None:
            raise ScorerError(f"总部没有站点 {station}", f"headquarters has no station {station}")
        if row[0] is None:
            raise ScorerError(f"站点 {station} 没有被隔离", f"station {station} is not quarantined")
        at = now()
        tx.run(
            "INSERT INTO releases (station, quarantined_at, quarantine_reason, reason, by_whom, at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (station, row[0], row[1] or "", reason, by, at),
        )
        tx.run(
            "UPDATE stations SET quarantined_at = NULL, quarantine_reason = NULL WHERE station = ?",
            (station,),
        )
        if actor:
            audit.record(tx, actor, "station.release", {"station": station, "reason": reason, "by": by})
    return {"station": station, "quarantined_at": row[0], "quarantine_reason": row[1] or "", "reason": reason,
            "by": by, "at": at}  # fmt: skip


def releases(database: Database, limit: int = 20) -> list[dict[str, Any]]:
    """The most recent releases, newest first."""
    with database.read() as tx:
        rows = tx.all(
            "SELECT station, quarantined_at, quarantine_reason, reason, by_whom, at FROM releases "
            "ORDER BY id DESC LIMIT ?",
            (limit,),
        )
    keys = ("station", "quarantined_at", "quarantine_reason", "reason", "by", "at")
    return [dict(zip(keys, r, strict=True)) for r in rows]
