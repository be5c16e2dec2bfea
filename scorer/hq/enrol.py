"""Venues and their one-time enrolment codes, and enrolling a station with one.

A code is 10 characters of Crockford base32 (50 random bits), shown as "XXXXX-XXXXX" and accepted
with or without the dash, in either case (and with I/L read as 1, O as 0). Headquarters keeps only
its SHA-256, so a copy of the database gives no usable code. A code is used once: the UPDATE that
marks it used runs only `WHERE used_at IS NULL` and must change one row, so two laptops racing with
the same code cannot both win. The same station sending the same code again (a lost answer, a bundle
imported twice) gets its enrolment again — it is a repeat, not a second use.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from scorer.errors import ScorerError
from scorer.hq import audit
from scorer.hq.db import Conflict, Database, Tx
from scorer.hq.guard import parse
from scorer.hq.keys import hq_id
from scorer.station import Identity
from scorer.store.log import now
from scorer.sync import wire
from scorer.sync.wire import SyncRefused

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_LENGTH = 10
QR_PREFIX = "scorer-enrol:"
MAX_NAME = 200


@dataclass(frozen=True)
class NewCode:
    venue: str
    venue_name: str
    code: str  # grouped for people: "XXXXX-XXXXX"
    expires: str
    qr_text: str  # what the QR code holds: "scorer-enrol:CODE" (+ "@URL")


def _stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def make_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def grouped(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def normalise(text: str) -> str | None:
    """A code as typed or scanned → its 10 characters, or None if it cannot be one."""
    clean = re.sub(r"[\s-]", "", text).upper().translate(str.maketrans("ILO", "110"))
    if len(clean) != CODE_LENGTH or any(ch not in ALPHABET for ch in clean):
        return None
    return clean


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _venue_id() -> str:
    return "V-" + secrets.token_hex(3).upper()


# ------------------------------------------------------------ venues and codes (staff, CLI)


def add_venue(
    database: Database, name: str, hours: float = 72, url: str | None = None, by: str | None = None
) -> NewCode:
    """A new venue and its first enrolment code (put on staff record as done `by`, when given)."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise ScorerError(
            f"场地名称不能为空，且不超过 {MAX_NAME} 个字符", f"a venue's name is 1–{MAX_NAME} characters"
        )
    for _ in range(20):
        venue = _venue_id()
        try:
            with database.write() as tx:
                tx.run(
                    "INSERT INTO venues (venue, name, url, created) VALUES (?, ?, ?, ?)",
                    (venue, name, url, now()),
                )
                new = _new_code(tx, venue, name, hours, url)
                if by:
                    audit.record(tx, by, "venue.add", {"venue": venue, "name": name, "expires": new.expires})
                return new
        except Conflict:
            continue  # the random id was taken: another one
    raise RuntimeError("no free venue id after 20 tries")


def add_code(
    database: Database, venue: str, hours: float = 72, url: str | None = None, by: str | None = None
) -> NewCode:
    """Another one-time code for an existing venue (one code per laptop; on staff record as done
    `by`, when given — never the code itself)."""
    for _ in range(20):
        try:
            with database.write() as tx:
                row = tx.one("SELECT name, url FROM venues WHERE venue = ?", (venue,))
                if row is None:
                    raise ScorerError(f"没有场地 {venue}", f"there is no venue {venue}")
                new = _new_code(tx, venue, row[0], hours, url or row[1])
                if by:
                    audit.record(tx, by, "venue.code", {"venue": venue, "expires": new.expires})
                return new
        except Conflict:
            continue
    raise RuntimeError("no free code after 20 tries")


def _new_code(tx: Tx, venue: str, name: str, hours: float, url: str | None) -> NewCode:
    if not 0 < hours <= 24 * 365:
        raise ScorerError("登记码的有效时间应在 0–8760 小时之间", "a code is valid for 0–8760 hours")
    code = make_code()
    created = datetime.datetime.now(datetime.UTC)
    expires = _stamp(created + datetime.timedelta(hours=hours))
    tx.run(
        "INSERT INTO codes (venue, code_hash, created, expires) VALUES (?, ?, ?, ?)",
        (venue, code_hash(code), _stamp(created), expires),
    )
    qr = QR_PREFIX + grouped(code) + (f"@{url}" if url else "")
    return NewCode(venue, name, grouped(code), expires, qr)


# ------------------------------------------------------------ a station enrols


def _refuse(zh: str, en: str) -> SyncRefused:
    return SyncRefused("code", zh, en)


def enrol(database: Database, hq: Identity, request: dict[str, Any]) -> dict[str, Any]:
    """Bind the station of a checked enrolment request (wire.check_enrol) to its code's venue; the
    answer {venue, venue_name, station, hq, hq_key}. SyncRefused "code" naming why: unknown, used
    (by another station), expired."""
    name = request["name"].strip()
    if len(name) > MAX_NAME or "\x00" in name:
        raise SyncRefused(
            "format",
            f"登记请求的站点名称太长或含有不允许的字符（最多 {MAX_NAME} 个字符）",
            f"the enrolment request's station name is too long or holds a forbidden character "
            f"(at most {MAX_NAME} characters)",
        )
    code = normalise(request["code"])
    station, key = request["station"], request["key"]
    moment = now()
    with database.write() as tx:
        row = (
            None
            if code is None
            else tx.one(
                "SELECT c.id, c.venue, c.expires, c.used_at, c.used_by, v.name FROM codes c "
                "JOIN venues v ON v.venue = c.venue WHERE c.code_hash = ?",
                (code_hash(code),),
            )
        )
        if row is None:
            raise _refuse(
                "登记码不存在：请核对输入（10 个字符，如 7K3QF-9XD2M），或向总部索取新的登记码",
                "the enrolment code is unknown: check what was typed (10 characters, like 7K3QF-9XD2M), "
                "or ask headquarters for a new code",
            )
        code_id, venue, expires, used_at, used_by, venue_name = row
        if used_at is not None and used_by != station:
            raise _refuse(
                f"登记码已在 {used_at[:16].replace('T', ' ')} 被另一台电脑使用过：每个登记码只能用一次，请向总部索取新的登记码",
                f"the enrolment code was already used by another laptop at {used_at[:16].replace('T', ' ')}: "
                "each code works once; ask headquarters for a new code",
            )
        if used_at is None:
            if expires <= moment:
                raise _refuse(
                    f"登记码已于 {expires[:16].replace('T', ' ')}（UTC）过期：请向总部索取新的登记码",
                    f"the enrolment code expired at {expires[:16].replace('T', ' ')} UTC: ask headquarters "
                    "for a new code",
                )
            if (
                tx.run(
                    "UPDATE codes SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL",
                    (moment, station, code_id),
                )
                != 1
            ):
                raise _refuse(
                    "登记码刚刚被另一台电脑使用：每个登记码只能用一次，请向总部索取新的登记码",
                    "the enrolment code was just used by another laptop: each code works once; ask "
                    "headquarters for a new code",
                )
        tx.run(
            "INSERT INTO stations (station, key, name, enrolled) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (station) DO UPDATE SET name = excluded.name",
            (station, key, name, moment),
        )
        tx.run(
            "INSERT INTO enrolments (venue, station, name, code_id, enrolled) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (venue, station) DO UPDATE SET name = excluded.name, code_id = excluded.code_id",
            (venue, station, name, code_id, moment),
        )
    return answer(hq, venue, venue_name, station)


def answer(hq: Identity, venue: str, venue_name: str, station: str) -> dict[str, Any]:
    return {
        "venue": venue,
        "venue_name": venue_name,
        "station": station,
        "hq": hq_id(hq),
        "hq_key": hq.public_hex,
    }


def enrolment_of(database: Database, hq: Identity, venue: str, station: str) -> dict[str, Any] | None:
    """The station's enrolment for `venue` as an enrol answer, or None if it is not enrolled there."""
    with database.read() as tx:
        row = tx.one(
            "SELECT v.name FROM enrolments e JOIN venues v ON v.venue = e.venue "
            "WHERE e.venue = ? AND e.station = ?",
            (venue, station),
        )
    return None if row is None else answer(hq, venue, row[0], station)


def enrol_bytes(database: Database, hq: Identity, data: bytes) -> dict[str, Any]:
    """POST /api/v1/enrol: the request's bytes parsed and checked strictly, then `enrol`."""
    return enrol(database, hq, wire.check_enrol(parse(data, "登记请求", "enrolment request")))


# ------------------------------------------------------------ what staff see


def venues(database: Database) -> list[dict[str, Any]]:
    """Every venue with its stations (entries held, quarantine) and its codes (open, used, expired)."""
    moment = now()
    with database.read() as tx:
        rows = tx.all("SELECT venue, name, url, created FROM venues ORDER BY created, venue")
        codes = tx.all("SELECT venue, expires, used_at FROM codes")
        stations = tx.all(
            "SELECT e.venue, s.station, e.name, s.quarantined_at, s.quarantine_reason, e.enrolled, "
            "(SELECT coalesce(sum(f.count), 0) FROM feeds f WHERE f.station = s.station AND f.venue = e.venue) "
            "FROM enrolments e JOIN stations s ON s.station = e.station ORDER BY e.enrolled, s.station"
        )
    out = []
    for venue, name, url, created in rows:
        mine = [c for c in codes if c[0] == venue]
        out.append(
            {
                "venue": venue,
                "name": name,
                "url": url,
                "created": created,
                "codes": {
                    "open": sum(1 for c in mine if c[2] is None and c[1] > moment),
                    "used": sum(1 for c in mine if c[2] is not None),
                    "expired": sum(1 for c in mine if c[2] is None and c[1] <= moment),
                },
                "stations": [
                    {
                        "station": s[1],
                        "name": s[2],
                        "enrolled": s[5],
                        "entries": int(s[6]),
                        "quarantined": s[3] is not None,
                        "quarantined_at": s[3],
                        "quarantine_reason": s[4],
                    }
                    for s in stations
                    if s[0] == venue
                ],
            }
        )
    return out
