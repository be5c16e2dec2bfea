"""Accepting a station's batch (docs/sync-format.md, "Headquarters accepts a batch only when…").

`push` checks the batch on its own (wire.check_batch: shape, key, signature, hashes, chain), then in
ONE transaction against what headquarters holds of the feed (db, station):

- the station must be enrolled for the batch's venue with the batch's key ("enrolment", 403);
- a quarantined station's batch is kept in `quarantine` and refused ("quarantined", 409);
- `first` = held last_seq + 1 and `prev_hash` = the held head hash: the entries are stored;
- entries already held are compared field for field: all equal → a repeat, acknowledged and not
  stored twice; one that differs → a **fork** (below);
- a batch that repeats held entries and then goes on (first ≤ held last < last) is **accepted**:
  its held part is compared as a repeat, the rest stored — still all or nothing, in the same
  transaction. (A station that re-batches, or a bundle after a push, sends such ranges; refusing
  them would only make the station resend the same entries differently.)
- `first` beyond the held head + 1: "gap" (409) naming the missing seqs;
- the same (db, station, seq) with another hash — or a batch linking to a seq whose held hash is
  not its `prev_hash` — is a fork: the whole batch is kept in `forks` (which seq, the held and the
  new hash, when), the station quarantined (reason, time), "fork" (409). Nothing held is changed.

Every accepted or repeated batch is answered with a receipt for the feed as now held
(wire.make_receipt), also kept in `receipts`. Every refusal is kept in `refusals` for staff
(`record_refusal`, capped at `KEEP_REFUSALS` rows).

Concurrency: the transaction locks the station's row (`FOR UPDATE` on PostgreSQL; SQLite's write
lock is taken at BEGIN), so one station's batches are applied one at a time across every worker;
a primary key violation on `entries` (which the lock makes unlikely) is answered by looking again,
where the batch is then a repeat.

Other work hooks in with `on_stored(kinds, callback)`: after a transaction that stored rows of one
of `kinds` (or any rows) commits, `callback(database, db, station)` runs — the results check
(scorer.hq.checks) does. Held entries are read in seq order per station with `entries(...)`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from scorer.hq.db import Conflict, Database, Tx
from scorer.hq.guard import parse, safely
from scorer.station import Identity
from scorer.store.chain import GENESIS
from scorer.store.log import now
from scorer.sync import wire
from scorer.sync.wire import Batch, SyncRefused

log = logging.getLogger("scorer.hq")

KEEP_REFUSALS = 10_000
_TEXT_CAP = 2000  # characters of a refusal's reason kept
_BIG = 2**62  # numbers beyond this are not stored (a refusal naming seq 10**30 keeps no seq)

ENTRY_COLUMNS = (
    "db",
    "station",
    "seq",
    "kind",
    "payload",
    "actor",
    "source",
    "raw",
    "time",
    "prev_hash",
    "hash",
)
_COMPARED = ("seq", "kind", "payload", "actor", "source", "raw", "time", "prev_hash", "hash")

StoredHook = Callable[[Database, str, str], None]
_hooks: list[tuple[frozenset[str] | None, StoredHook]] = []


def on_stored(kinds: Iterable[str] | None, callback: StoredHook) -> None:
    """Call `callback(database, db, station)` after each committed batch that stored at least one
    entry whose kind is in `kinds` (any entry when `kinds` is None). Runs in the request's thread
    after COMMIT; an exception in it is logged, and the station still gets its receipt (the entries
    are stored)."""
    _hooks.append((None if kinds is None else frozenset(kinds), callback))


@dataclass(frozen=True)
class Pushed:
    """What became of an accepted batch: its receipt, and how many entries were new."""

    receipt: dict[str, Any]
    stored: int
    repeat: bool


# ------------------------------------------------------------ the entry point


def push_bytes(database: Database, hq: Identity, data: bytes, via: str = "push") -> Pushed:
    """POST /api/v1/batches: a batch's bytes → Pushed, or SyncRefused (kept in `refusals`)."""
    try:
        obj = parse(data, "批次", "batch")
    except SyncRefused as exc:
        record_refusal(database, exc, None, via)
        raise
    return push(database, hq, obj, via, data)


def push(
    database: Database, hq: Identity, obj: dict[str, Any], via: str = "push", data: bytes | None = None
) -> Pushed:
    """A parsed batch checked and applied (see the module); Pushed, or SyncRefused (kept in
    `refusals`)."""
    try:
        # `data`: the bytes `obj` was parsed from (wire checks the signature on them when canonical)
        batch = safely(lambda: wire.check_batch(obj, data), "批次", "batch")
        if batch.last >= _BIG:
            raise SyncRefused(
                "format",
                f"批次的序号太大（{batch.last}）：不是 Scorer 写的记录",
                f"the batch's sequence numbers are too large ({batch.last}): not rows Scorer wrote",
                batch.first,
            )
        for attempt in range(3):
            try:
                outcome = _apply(database, hq, batch, via)
            except Conflict:
                if attempt == 2:
                    raise
                continue  # another worker stored some of these meanwhile: look again
            if isinstance(outcome, SyncRefused):
                raise outcome
            return outcome
    except SyncRefused as exc:
        record_refusal(database, exc, obj, via)
        raise
    raise AssertionError("unreachable")


# ------------------------------------------------------------ one transaction


def _apply(database: Database, hq: Identity, b: Batch, via: str) -> Pushed | SyncRefused:
    """The batch against what is held, in one transaction. A fork or a quarantined station's batch
    is kept (committed) and its refusal returned; other refusals are raised (rolled back)."""
    stored_kinds: set[str] = set()
    with database.write() as tx:
        row = tx.one(
            "SELECT s.key, s.quarantined_at FROM stations s JOIN enrolments e ON e.station = s.station "
            "WHERE s.station = ? AND e.venue = ?" + tx.for_update.replace("UPDATE", "UPDATE OF s"),
            (b.station, b.venue),
        )
        if row is None or row[0] != b.key:
            raise SyncRefused(
                "enrolment",
                f"站点 {b.station} 没有在场地 {b.venue} 登记（或登记的密钥不同）：请先用总部给的登记码登记",
                f"station {b.station} is not enrolled for venue {b.venue} (or with another key): enrol "
                "first with a code from headquarters",
            )
        if row[1] is not None:
            tx.run(
                "INSERT INTO quarantine (db, station, venue, first, last, batch, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (b.db, b.station, b.venue, b.first, b.last, wire.encode(b.data).decode(), now()),
            )
            return SyncRefused(
                "quarantined",
                f"站点 {b.station} 因记录分叉已被总部隔离（自 {row[1][:16].replace('T', ' ')}），批次已保存待查但未收入：请联系总部",
                f"station {b.station} is quarantined by headquarters after a fork (since "
                f"{row[1][:16].replace('T', ' ')}); the batch was kept for review, not taken in: contact "
                "headquarters",
            )
        head = tx.one(
            "SELECT count, last_seq, head_hash FROM feeds WHERE db = ? AND station = ?", (b.db, b.station)
        )
        held_last, held_hash = (int(head[1]), head[2]) if head else (0, GENESIS)
        if b.first > held_last + 1:
            missing = f"{held_last + 1}" if b.first == held_last + 2 else f"{held_last + 1}–{b.first - 1}"
            raise SyncRefused(
                "gap",
                f"批次从序号 {b.first} 开始，但总部只收到序号 {held_last}：缺少序号 {missing}，请先推送它们",
                f"the batch starts at seq {b.first}, but headquarters holds up to seq {held_last}: seq "
                f"{missing} are missing; push them first",
                held_last + 1,
            )
        # The entries held already (first..min(last, held_last)) must be the batch's, field for field.
        fork = _compare(tx, b, held_last, held_hash)
        if fork is not None:
            seq, held, new = fork
            moment = now()
            tx.run(
                "INSERT INTO forks (db, station, venue, seq, held_hash, new_hash, batch, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (b.db, b.station, b.venue, seq, held, new, wire.encode(b.data).decode(), moment),
            )
            reason = f"fork in {b.db} at seq {seq}: held {held[:12]}…, received {new[:12]}…"
            tx.run(
                "UPDATE stations SET quarantined_at = ?, quarantine_reason = ? WHERE station = ?",
                (moment, reason, b.station),
            )
            return SyncRefused(
                "fork",
                f"站点 {b.station} 的记录分叉：文件 {b.db} 序号 {seq} 与总部已收到的不同（总部 {held[:12]}…，本批 "
                f"{new[:12]}…）。总部保留两份、不作覆盖，并已隔离该站点：请联系总部",
                f"station {b.station}'s log forked: file {b.db} seq {seq} differs from what headquarters "
                f"holds (held {held[:12]}…, this batch {new[:12]}…). Headquarters keeps both, overwrites "
                "nothing, and has quarantined the station: contact headquarters",
                seq,
            )
        stored = 0
        moment = now()
        if b.last > held_last:  # new entries: from held_last + 1 on
            start = held_last + 1 - b.first
            new_entries = b.data["entries"][start:]
            tx.copy("entries", ENTRY_COLUMNS, [_entry_row(b, e) for e in new_entries])
            stored = len(new_entries)
            held_last, held_hash = b.last, b.head_hash
            tx.run(
                "INSERT INTO feeds (db, station, venue, count, last_seq, head_hash, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (db, station) DO UPDATE SET "
                "count = excluded.count, last_seq = excluded.last_seq, head_hash = excluded.head_hash, "
                "updated = excluded.updated",
                (b.db, b.station, b.venue, held_last, held_last, held_hash, moment),
            )
            tx.run(
                "INSERT INTO batches (db, station, venue, first, last, stored_from, package, made, received, via) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (b.db, b.station, b.venue, b.first, b.last, b.last - stored + 1,
                 wire.encode(b.package).decode(), b.made, moment, via),
            )  # fmt: skip
            if _hooks:
                stored_kinds = {e["kind"] for e in new_entries}
        receipt = issue_receipt(tx, hq, b.venue, b.db, b.station, held_last, held_hash, moment)
    _run_hooks(database, b.db, b.station, stored_kinds)
    return Pushed(receipt, stored, stored == 0)


def _entry_row(b: Batch, e: dict[str, Any]) -> tuple[Any, ...]:
    return (b.db, b.station, e["seq"], e["kind"], e["payload"], e["actor"], e["source"], e["raw"],
            e["time"], e["prev_hash"], e["hash"])  # fmt: skip


def _compare(tx: Tx, b: Batch, held_last: int, held_hash: str) -> tuple[int, str, str] | None:
    """The first fork between the batch and what is held: (seq, held hash, the batch's hash), or None.
    A batch that starts right after the held head must link to it."""
    if b.first == held_last + 1:
        if held_last > 0 and b.prev_hash != held_hash:
            return held_last, held_hash, b.prev_hash
        return None
    upto = min(b.last, held_last)
    held = tx.all(
        f"SELECT {', '.join(_COMPARED)} FROM entries WHERE db = ? AND station = ? AND seq BETWEEN ? AND ? "
        "ORDER BY seq",
        (b.db, b.station, b.first, upto),
    )
    entries = b.data["entries"]
    for have in held:
        entry = entries[int(have[0]) - b.first]
        if tuple(have[1:]) != tuple(entry[name] for name in _COMPARED[1:]):
            return int(have[0]), have[-1], entry["hash"]
    if len(held) != upto - b.first + 1:  # cannot happen while feeds and entries agree
        raise RuntimeError(
            f"headquarters holds {len(held)} entries of {b.db}/{b.station} in {b.first}..{upto}"
        )
    return None


def _run_hooks(database: Database, db: str, station: str, kinds: set[str]) -> None:
    for wanted, callback in list(_hooks):
        if kinds and (wanted is None or wanted & kinds):
            try:
                callback(database, db, station)
            except Exception:  # the batch is stored and its receipt stands; staff see the log
                log.exception("a hook after storing %s/%s failed", db, station)


# ------------------------------------------------------------ receipts


def issue_receipt(
    tx: Tx, hq: Identity, venue: str, db: str, station: str, last_seq: int, head_hash: str, moment: str
) -> dict[str, Any]:
    """A signed receipt for the feed as held (contiguous 1..last_seq, so count = last_seq), kept."""
    receipt = wire.make_receipt(
        hq,
        venue=venue,
        db=db,
        station=station,
        count=last_seq,
        last_seq=last_seq,
        head_hash=head_hash,
        time=moment,
    )
    tx.run(
        "INSERT INTO receipts (db, station, venue, count, last_seq, head_hash, time, receipt) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (db, station, venue, last_seq, last_seq, head_hash, moment, wire.encode(receipt).decode()),
    )
    return receipt


def feed_receipt(
    database: Database, hq: Identity, db: str, station: str, venue: str | None = None
) -> dict[str, Any]:
    """GET /api/v1/feeds/{db}/{station}: a receipt for the feed as held now (count 0 and zeros when
    nothing is held). SyncRefused "enrolment" (404 on the API) if the station is not enrolled
    (for `venue`, when given)."""
    with database.write() as tx:
        if venue is None:
            row = tx.one(
                "SELECT venue FROM enrolments WHERE station = ? ORDER BY enrolled DESC, venue LIMIT 1",
                (station,),
            )
        else:
            row = tx.one("SELECT venue FROM enrolments WHERE station = ? AND venue = ?", (station, venue))
        if row is None:
            raise SyncRefused(
                "enrolment",
                f"站点 {station} 没有在总部登记" + (f"场地 {venue}" if venue else ""),
                f"station {station} is not enrolled with headquarters"
                + (f" for venue {venue}" if venue else ""),
            )
        head = tx.one(
            "SELECT venue, last_seq, head_hash FROM feeds WHERE db = ? AND station = ?", (db, station)
        )
        last, head_hash = (int(head[1]), head[2]) if head else (0, GENESIS)
        return issue_receipt(
            tx, hq, venue or (head[0] if head else row[0]), db, station, last, head_hash, now()
        )


# ------------------------------------------------------------ refusals, for staff


def _small(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < _BIG else None


def _ident(value: Any) -> str | None:
    return value if isinstance(value, str) and wire._ID.fullmatch(value) else None


def record_refusal(database: Database, exc: SyncRefused, obj: Any, via: str) -> None:
    """Keep a refusal (when, which station/venue/feed as far as the input says, why) for staff; the
    oldest beyond KEEP_REFUSALS are dropped."""
    obj = obj if isinstance(obj, dict) else {}
    row = (
        now(),
        via,
        _ident(obj.get("station")),
        _ident(obj.get("venue")),
        _ident(obj.get("db")),
        _small(obj.get("first")),
        _small(obj.get("last")),
        exc.code,
        exc.zh[:_TEXT_CAP].replace("\x00", ""),
        exc.en[:_TEXT_CAP].replace("\x00", ""),
        _small(exc.seq),
    )
    with database.write() as tx:
        tx.run(
            "INSERT INTO refusals (at, via, station, venue, db, first, last, code, zh, en, seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )
        tx.run("DELETE FROM refusals WHERE id <= (SELECT max(id) FROM refusals) - ?", (KEEP_REFUSALS,))


# ------------------------------------------------------------ what is held, for the results check


def entries(
    database: Database,
    db: str,
    station: str | None = None,
    kinds: Iterable[str] | None = None,
    upto: int | None = None,
) -> Iterator[dict[str, Any]]:
    """The entries held of competition file `db` (one station's, or every station's), per station in
    seq order, optionally only of `kinds` and up to seq `upto`: dicts with the wire entry's fields
    (`payload` the canonical text, `raw` hex or None)."""
    sql = f"SELECT {', '.join(ENTRY_COLUMNS[1:])} FROM entries WHERE db = ?"
    params: list[Any] = [db]
    if station is not None:
        sql += " AND station = ?"
        params.append(station)
    if upto is not None:
        sql += " AND seq <= ?"
        params.append(min(upto, _BIG))
    kinds = tuple(kinds or ())
    if kinds:
        sql += f" AND kind IN ({', '.join('?' * len(kinds))})"
        params += kinds
    with database.read() as tx:
        rows = tx.all(sql + " ORDER BY station, seq", params)
    for r in rows:
        yield dict(zip(ENTRY_COLUMNS[1:], r, strict=True))
