"""Certificate verification at headquarters: every certificate a venue can print, kept by its
verification code, so anyone holding one can ask `/verify/<code>` whether it is genuine.

Kept from headquarters' own recomputation (`keep`, run by scorer.hq.checks.on_checked in the
check's transaction): for every ranked contestant with an award or a title in the recomputed result, the
code the venue prints (scorer.rules.verification — the one function both use) and what the
certificate itself shows (name, award, title, competition, event, date) with the issuing venue.
- A lock whose recomputation matches the venue's: its certificates are genuine.
- A lock that differs: its certificates (headquarters' figures, and the venue's own from the lock's
  "table" where it differs) are "under review" — never genuine until a lock that matches.
- A newer lock of the same event replaces the set: a code it no longer yields is "withdrawn"
  (answered as such, never forgotten, never silently genuine). A newer lock headquarters cannot
  recompute puts the kept certificates under review. An older lock checked late changes nothing.

Look-ups are public, so they are limited per client address in the database (table
`verify_lookups`, the same mechanism as log-ins: scorer.hq.auth.serialise / retry_after), so the
limit holds across workers and parallel guesses: LOOKUP_LIMIT per LOOKUP_WINDOW → TooMany.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from scorer.hq import auth, results
from scorer.hq.db import Database, Tx
from scorer.rules.verification import verification_code
from scorer.store import Row
from scorer.store.log import now

GENUINE, WITHDRAWN, UNDER_REVIEW = "genuine", "withdrawn", "under_review"
LOOKUP_LIMIT = 30  # look-ups per client address per LOOKUP_WINDOW
LOOKUP_WINDOW = datetime.timedelta(minutes=10)
KEEP_LOOKUPS = datetime.timedelta(days=1)
_LOOKUP_LOCK = 0x5C0AE6  # the PostgreSQL advisory lock serialising look-up limits
CODE_LENGTH = 10
_CODE = re.compile(r"[A-Z2-7]{10}")
_IGNORED = re.compile(r"[\s\-\u2010-\u2015\u2212\uff0d]+")  # spaces and dashes people type or copy
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_LOOK_ALIKE = str.maketrans("018", "OIB")  # base32 has no 0, 1 or 8: read as the letters they resemble

_COLUMNS = (
    "code", "db", "event", "contestant", "venue", "venue_name", "competition", "competition_name",
    "event_name", "event_name_en", "name", "award", "title", "date", "state", "station", "lock_seq",
    "locked_at", "checked",
)  # fmt: skip
_UPSERT = (
    f"INSERT INTO certificates ({', '.join(_COLUMNS)}, withdrawn) VALUES ({', '.join('?' * len(_COLUMNS))}, NULL) "
    "ON CONFLICT (code) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[1:])
    + ", withdrawn = NULL"
)


@dataclass(frozen=True)
class Certificate:
    """What a look-up answers: only what the certificate itself shows, and whether it stands."""

    code: str
    status: str  # genuine | withdrawn | under_review
    name: str  # "" until the event is decrypted (see find)
    award: str
    title: str
    competition: str
    event: str
    event_en: str
    date: str  # as the competition gives it (YYYY-MM-DD), "" when it gives none
    venue: str  # the issuing venue, as headquarters knows it


class TooMany(auth.Limited):
    """Too many look-ups from one address."""

    what = ("查验次数太多", "too many certificate look-ups")


# ------------------------------------------------------------ kept from each check


def keep(tx: Tx, db: str, lock: Row, check: results.ResultCheck) -> None:
    """The certificates of the event `lock` locked, from headquarters' check of it (see the module)."""
    if check.state not in (results.MATCH, results.DIFFER):
        return  # unchecked (an older Scorer's lock): nothing to vouch for
    # only the lock in force gets here (scorer.hq.checks.settle): an older one checked late does not
    at = now()
    if check.comp is None or check.result is None:
        # headquarters could not recompute this lock: what was kept is not vouched for any more
        tx.run(
            "UPDATE certificates SET state = 'differ' WHERE db = ? AND event = ? AND withdrawn IS NULL",
            (db, check.event),
        )
        return
    rows = _certificates(tx, db, lock, check, at)
    tx.run(
        "UPDATE certificates SET withdrawn = ? WHERE db = ? AND event = ? AND withdrawn IS NULL",
        (at, db, check.event),
    )
    if rows:
        tx.many(_UPSERT, rows)


def _certificates(tx: Tx, db: str, lock: Row, check: results.ResultCheck, at: str) -> list[tuple[Any, ...]]:
    """One row (in _COLUMNS' order) per certificate code of this lock."""
    comp, result = check.comp, check.result
    event = comp.event(check.event)
    people = {c.code: c for c in comp.contestants}
    place = tx.one(
        "SELECT f.venue, coalesce(v.name, f.venue) FROM feeds f LEFT JOIN venues v ON v.venue = f.venue "
        "WHERE f.db = ? AND f.station = ?",
        (db, lock.station),
    )
    venue, venue_name = (str(place[0]), str(place[1])) if place else ("", "")
    date = comp.end_date or comp.start_date
    state = check.state
    out: dict[str, tuple[Any, ...]] = {}

    def add(contestant: str, award: str, title: str, total: Any) -> None:
        code = verification_code(comp.id, event.code, contestant, award, total)
        person = people.get(contestant)
        out.setdefault(
            code,
            (code, db, event.code, contestant, venue, venue_name, comp.id, comp.name, event.name,
             event.name_en, person.name if person else contestant, award, title, date, state,
             lock.station, lock.seq, lock.time, at),
        )  # fmt: skip

    for r in result.results:  # as the venue's certificates.winners(): ranked, with an award or title
        if r.rank is not None and (r.award or r.title):
            add(r.code, r.award or "", r.title or "", r.total)
    if state == results.DIFFER:
        # the venue printed from its own figures: those certificates are under review too
        for entry in _venue_table(lock):
            code, rank, total, award, title = entry[:5]
            if rank is not None and (award or title):
                add(str(code), str(award or ""), str(title or ""), total)
    return list(out.values())


def _venue_table(lock: Row) -> list[list[Any]]:
    """The venue's own results from the lock ("table": [code, rank, total, award, title, status]),
    [] when the lock carries none (an older Scorer) or it cannot be read."""
    try:
        table = json.loads(lock.payload).get("table") or []
    except (ValueError, AttributeError):
        return []
    return [e for e in table if isinstance(e, list) and len(e) >= 5] if isinstance(table, list) else []


# ------------------------------------------------------------ look-ups


def normalise(text: str) -> str | None:
    """The code as printed (10 of A–Z, 2–7) from what someone typed: any case, full-width letters,
    spaces and dashes ignored, 0/1/8 read as O/I/B; None when it cannot be a code."""
    if len(text) > 100:
        return None
    code = _IGNORED.sub("", text.translate(_FULL_WIDTH)).upper().translate(_LOOK_ALIKE)
    return code if _CODE.fullmatch(code) else None


def count_lookup(tx: Tx, address: str, limit: int = LOOKUP_LIMIT) -> None:
    """Put one look-up from `address` on record, or TooMany when `limit` were made within
    LOOKUP_WINDOW (the refused one is not recorded). Serialised: parallel look-ups cannot slip past."""
    auth.serialise(tx, _LOOKUP_LOCK)
    moment = auth.utcnow()
    tx.run("DELETE FROM verify_lookups WHERE at < ?", (auth.iso(moment - KEEP_LOOKUPS),))
    times = [
        r[0]
        for r in tx.all(
            "SELECT at FROM verify_lookups WHERE address = ? AND at > ? ORDER BY at, id",
            (address, auth.iso(moment - LOOKUP_WINDOW)),
        )
    ]
    wait = auth.retry_after(times, limit, moment, LOOKUP_WINDOW)
    if wait is not None:
        raise TooMany(max(1, math.ceil(wait)))
    tx.run("INSERT INTO verify_lookups (at, address) VALUES (?, ?)", (auth.iso(moment), address))


def find(tx: Tx, code: str) -> Certificate | None:
    """The certificate kept under `code` (already normalised), or None. Until headquarters holds
    the event's decryption (`event.decrypt`) the name is withheld (""): the certificate itself
    prints the contestant's code then, and names must not come out before the venue reveals them."""
    row = tx.one(
        "SELECT code, withdrawn, state, name, award, title, competition_name, event_name, event_name_en, "
        "date, venue_name, db, event FROM certificates WHERE code = ?",
        (code,),
    )
    if row is None:
        return None
    status = WITHDRAWN if row[1] is not None else GENUINE if row[2] == results.MATCH else UNDER_REVIEW
    name = str(row[3]) if _decrypted(tx, str(row[11]), str(row[12])) else ""
    return Certificate(row[0], status, name, *(str(v) for v in row[4:11]))


def _decrypted(tx: Tx, db: str, event: str) -> bool:
    """Has the venue decrypted `event` in file `db` (an `event.decrypt` row held)?"""
    for (payload,) in tx.all("SELECT payload FROM entries WHERE db = ? AND kind = 'event.decrypt'", (db,)):
        try:
            if json.loads(payload).get("event") == event:
                return True
        except (ValueError, AttributeError):
            continue  # not a decryption headquarters can read: not one
    return False


def verify(database: Database, text: str, address: str, limit: int = LOOKUP_LIMIT) -> Certificate | None:
    """One public look-up from `address` (counted, TooMany past the limit; a code that cannot be one
    counts too): the certificate, or None when there is none under that code."""
    code = normalise(text)
    with database.write() as tx:
        count_lookup(tx, address, limit)
        return None if code is None else find(tx, code)
