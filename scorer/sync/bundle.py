"""Sync by USB stick: a bundle of this station's signed batches (exactly as a push sends them) for
headquarters, and the receipt file headquarters gives back.

`export_bundle` takes what the newest receipt does not acknowledge yet (or everything); with an
enrolment code it carries this station's enrolment request too (offline enrolment: a station that
has not enrolled yet does not know its venue, so its first bundle carries the request alone, and the
receipt file completes the enrolment). `import_receipts` checks the receipt file — with the
headquarters key this file holds for the station, or, only when the station is not enrolled yet and
the file carries its enrolment, with the key in the file — and keeps the enrolment and every receipt
for this file's feeds. Importing the same receipt file twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scorer.errors import ScorerError
from scorer.resources import write_whole
from scorer.store import files, now
from scorer.sync import client, feed, state, wire
from scorer.sync.client import File, opened


@dataclass(frozen=True)
class Exported:
    """What a bundle file holds."""

    path: str
    db: str
    station: str
    venue: str
    first: int  # the entries first..last (0, 0 when none)
    last: int
    entries: int
    batches: int
    enrol: bool  # carries an enrolment request
    bytes: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def export_bundle(
    file: File,
    out: str | Path,
    *,
    everything: bool = False,
    enrol_code: str | None = None,
    name: str | None = None,
    batch_size: int = wire.BATCH_SIZE,
) -> Exported:
    """Write a bundle of this laptop's feed to `out` (written whole, then renamed into place)."""
    out = Path(out)
    client.check_batch_size(batch_size)
    with opened(file) as store:
        identity, db = client.writer(store), store.db_id
        station = identity.id
        e = state.enrolment(store.conn, station)
        if e is None and enrol_code is None:
            client.require_enrolment(store, station)
        request = (
            None
            if enrol_code is None
            else wire.make_enrol(
                identity, client.normalise_code(enrol_code), name or client.default_name(store)
            )
        )
        count, _head = feed.head(store.conn, station)
        first = 1
        held = state.receipt(store.conn, db, station)
        if held is not None:
            refused = client.fork_refusal(store, station, held, count)
            if refused is not None:
                raise refused
            if not everything:
                first = held.last_seq + 1
        batches: list[dict[str, Any]] = []
        venue = e.venue if e is not None else ""
        if e is not None:  # before enrolment the venue is not known: the request travels alone
            pkg = client.package_of(store)
            made = now()
            for a, b in feed.ranges(first, count, batch_size):
                rows = feed.rows(store.conn, station, a, b)
                batches.append(
                    wire.make_batch(
                        identity,
                        venue=venue,
                        db=db,
                        package=pkg.at(store.conn, station, b),
                        rows=rows,
                        made=made,
                    )
                )
        data = wire.make_bundle(identity, venue=venue, db=db, batches=batches, made=now(), enrol=request)
        _write_whole(out, data)
        last = batches[-1]["last"] if batches else 0
        return Exported(
            str(out),
            db,
            station,
            venue,
            first if batches else 0,
            last,
            sum(b["count"] for b in batches),
            len(batches),
            request is not None,
            len(data),
        )


def _write_whole(path: Path, data: bytes) -> None:
    """`data` at `path`, complete or not at all; a bilingual error naming the file if it cannot be."""
    try:
        write_whole(path, data)
    except OSError as exc:
        raise files.os_error(path, exc) from None


# ------------------------------------------------------------ the receipt file


@dataclass(frozen=True)
class Imported:
    """What a receipt file brought."""

    path: str
    hq: str
    enrolled: bool  # it carried this station's enrolment, now recorded
    receipts: int  # receipts for this file's feeds
    kept: int  # of those, newer than the ones kept before
    other_files: int  # receipts for other competition files (ignored)
    refused: list[dict[str, Any]] = field(default_factory=list)  # headquarters refused these batches

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def read_file(path: str | Path) -> bytes:
    path = Path(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise files.os_error(path, exc, writing=False) from None


def import_receipts(file: File, data: bytes | str | Path) -> Imported:
    """Keep what a receipt file (`data`: its bytes or its path) says: the enrolment it carries and
    its receipts for this file's feeds, checked with headquarters' key (see the module doc)."""
    where = "—" if isinstance(data, bytes) else str(data)
    raw = data if isinstance(data, bytes) else read_file(data)
    with opened(file) as store:
        station, db = client.writer(store).id, store.db_id
        e = state.enrolment(store.conn, station)
        obj = wire.read_receipts_file(raw, None if e is None else e.hq_key)
        enrol = None
        if obj["enrolment"] is not None:
            enrol = client.enrolment_of(obj["enrolment"], e.hq_url if e else "", station)
            if enrol.hq_key != obj["hq_key"]:
                raise client.bad_answer(
                    where,
                    "回执文件的登记与签发它的总部不符",
                    "the file's enrolment names another headquarters",
                )
        elif e is None:
            client.require_enrolment(store, station)
        key = obj["hq_key"]
        venue = (enrol or e).venue if (enrol or e) is not None else ""
        mine: list[wire.Receipt] = []
        others = 0
        for item in obj["receipts"]:
            if not isinstance(item, dict):
                raise client.bad_answer(
                    where, "回执文件中的回执格式不对", "a receipt in the file is malformed"
                )
            r = wire.check_receipt(item, key)
            if r.db != db:
                others += 1
                continue
            if r.station == station and r.venue != venue:
                raise client.bad_answer(
                    where,
                    f"回执的场地 {r.venue} 不是本机登记的场地 {venue}",
                    f"a receipt names venue {r.venue}, not the venue {venue} this station enrolled for",
                )
            mine.append(r)
        if not mine and enrol is None and obj["receipts"]:
            raise ScorerError(
                f"回执文件 {where} 属于另一个竞赛文件，没有改动任何内容",
                f"the receipt file {where} is for another competition file; nothing was changed",
            )
        kept = state.keep_all(store, enrol, mine)
        return Imported(where, obj["hq"], enrol is not None, len(mine), kept, others, list(obj["refused"]))
