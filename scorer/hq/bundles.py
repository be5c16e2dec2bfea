"""Importing a USB bundle: the same signed batches a push sends, in a signed envelope.

The envelope is checked byte for byte first (wire.read_bundle): one flipped bit anywhere refuses
the whole bundle and nothing is stored. Then an offline enrolment request in it is applied (a code
already used by this same station is a repeat; if the station is already enrolled for the bundle's
venue, a code that no longer works does not matter), then each batch exactly as if pushed — each its
own transaction, so a refused batch is listed in the receipt file's `refused` and the others are
still stored. Importing the same bundle twice is harmless: its batches are repeats the second time.
The answer is the signed receipt file (wire.receipts_file) with one receipt per feed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scorer.hq import enrol, ingest
from scorer.hq.db import Database
from scorer.hq.guard import check_bundle_bytes, safely
from scorer.station import Identity
from scorer.store.log import now
from scorer.sync import wire
from scorer.sync.wire import SyncRefused


@dataclass
class Imported:
    """What a bundle brought: the receipt file's bytes and a summary for people."""

    data: bytes
    station: str
    venue: str
    db: str
    enrolment: dict[str, Any] | None
    batches: int = 0
    stored: int = 0
    repeated: int = 0
    receipts: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)


def import_bundle(database: Database, hq: Identity, data: bytes) -> Imported:
    """A bundle's bytes → Imported (the receipt file and what happened); SyncRefused if the
    envelope is refused (nothing stored)."""
    try:
        check_bundle_bytes(data)
        bundle = safely(lambda: wire.read_bundle(data), "U 盘同步包", "bundle")
        batches = bundle["batches"]
        if not all(isinstance(b, dict) for b in batches):
            raise SyncRefused(
                "format", "U 盘同步包的批次应为 JSON 对象", "the bundle's batches must be JSON objects"
            )
        enrolment = None
        if bundle["enrol"] is not None:
            enrolment = _enrol(database, hq, bundle)
    except SyncRefused as exc:
        ingest.record_refusal(database, exc, None, "bundle")
        raise
    out = Imported(b"", bundle["station"], bundle["venue"], bundle["db"], enrolment, batches=len(batches))
    feeds: dict[tuple[str, str], str] = {}  # (db, station) → venue, in the bundle's order
    if wire._ID.fullmatch(bundle["venue"]) and wire._ID.fullmatch(bundle["db"]):
        feeds[(bundle["db"], bundle["station"])] = bundle["venue"]
    for obj in batches:
        try:
            pushed = ingest.push(database, hq, obj, "bundle")
        except SyncRefused as exc:
            out.refused.append(
                {"first": _num(obj.get("first")), "last": _num(obj.get("last")), **exc.to_json()}
            )
            continue
        out.stored += pushed.stored
        out.repeated += pushed.repeat
        receipt = pushed.receipt
        feeds.setdefault((receipt["db"], receipt["station"]), receipt["venue"])
    for (db, station), venue in feeds.items():
        try:
            out.receipts.append(ingest.feed_receipt(database, hq, db, station, venue))
        except SyncRefused:
            continue  # the station is not enrolled for that venue: its batches are in `refused`
    out.data = wire.receipts_file(hq, out.receipts, enrolment, out.refused, now())
    return out


def _num(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _enrol(database: Database, hq: Identity, bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle's offline enrolment: applied, or — when its code no longer works but the station
    is already enrolled for the bundle's venue — the enrolment held."""
    request = safely(lambda: wire.check_enrol(bundle["enrol"]), "登记请求", "enrolment request")
    if request["station"] != bundle["station"]:
        raise SyncRefused(
            "station",
            f"U 盘同步包里的登记请求属于站点 {request['station']}，不是同步包的站点 {bundle['station']}",
            f"the bundle's enrolment request is for station {request['station']}, not the bundle's "
            f"station {bundle['station']}",
        )
    try:
        return enrol.enrol(database, hq, request)
    except SyncRefused as exc:
        if exc.code == "code" and wire._ID.fullmatch(bundle["venue"]):
            held = enrol.enrolment_of(database, hq, bundle["venue"], request["station"])
            if held is not None:
                return held
        raise
