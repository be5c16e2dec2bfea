"""Headquarters takes a batch only when docs/sync-format.md says so; a refused batch stores nothing.

Every case runs on SQLite and on PostgreSQL (the `hq_db` fixture)."""

from __future__ import annotations

import copy
import threading
from pathlib import Path

import pytest

from scorer.hq import ingest
from scorer.hq.db import Database
from scorer.station import Identity
from scorer.sync import wire
from scorer.sync.wire import SyncRefused
from tests.hq.conftest import PACKAGE, Feed, chain, counts, enrolled, refusal_codes, station


@pytest.fixture
def feed(hq_db: Database, hq_key: Identity, tmp_path: Path) -> Feed:
    ident = station(tmp_path / "st1")
    f = Feed(ident, enrolled(hq_db, hq_key, ident))
    f.grow(30)
    return f


def push(database: Database, hq: Identity, batch: dict) -> ingest.Pushed:
    return ingest.push_bytes(database, hq, wire.encode(batch))


def refused(database: Database, hq: Identity, batch: dict | bytes, code: str) -> SyncRefused:
    """The batch is refused with `code`, and no table (refusals aside) changed."""
    before = counts(database)
    data = batch if isinstance(batch, bytes) else wire.encode(batch)
    with pytest.raises(SyncRefused) as caught:
        ingest.push_bytes(database, hq, data)
    assert caught.value.code == code, caught.value.en
    assert counts(database) == before
    assert refusal_codes(database)[-1] == code
    return caught.value


def held(database: Database, feed: Feed) -> list[tuple]:
    return [
        (e["seq"], e["hash"], e["payload"], e["raw"])
        for e in ingest.entries(database, feed.db, feed.identity.id)
    ]


def test_batches_that_follow_are_stored_and_answered_with_a_signed_receipt(
    hq_db: Database, hq_key: Identity, feed: Feed
) -> None:
    first = push(hq_db, hq_key, feed.batch(1, 10))
    r = wire.check_receipt(first.receipt, hq_key.public_hex)
    assert (r.count, r.last_seq, r.head_hash, r.venue, r.db) == (
        10,
        10,
        feed.rows[9].hash,
        feed.venue,
        feed.db,
    )
    assert first.stored == 10 and not first.repeat
    second = push(hq_db, hq_key, feed.batch(11, 30))
    r = wire.check_receipt(second.receipt, hq_key.public_hex)
    assert (r.count, r.last_seq, r.head_hash) == (30, 30, feed.rows[-1].hash)
    assert held(hq_db, feed) == [
        (x.seq, x.hash, x.payload, None if x.raw is None else x.raw.hex()) for x in feed.rows
    ]
    c = counts(hq_db)
    assert (c["entries"], c["batches"], c["receipts"], c["feeds"]) == (30, 2, 2, 1)
    with hq_db.read() as tx:
        package, made, via = tx.one("SELECT package, made, via FROM batches ORDER BY id DESC LIMIT 1")
    assert (
        wire.parse(package.encode(), "", "") == feed.package
        and made == "2026-05-01T09:00:00Z"
        and via == "push"
    )


def test_a_repeat_is_acknowledged_and_not_stored_twice(hq_db: Database, hq_key: Identity, feed: Feed) -> None:
    push(hq_db, hq_key, feed.batch(1, 30))
    before = counts(hq_db)
    for lo, hi in ((1, 30), (1, 5), (12, 20), (30, 30)):
        again = push(hq_db, hq_key, feed.batch(lo, hi))
        assert again.repeat and again.stored == 0
        r = wire.check_receipt(again.receipt, hq_key.public_hex)
        assert (r.count, r.head_hash) == (30, feed.rows[-1].hash)  # the feed as held, not the batch
    after = counts(hq_db)
    assert after["entries"] == before["entries"] == 30
    assert after["receipts"] == before["receipts"] + 4  # each acknowledgement is a receipt kept


def test_a_batch_that_repeats_then_continues_stores_only_its_new_part(
    hq_db: Database, hq_key: Identity, feed: Feed
) -> None:
    push(hq_db, hq_key, feed.batch(1, 20))
    pushed = push(hq_db, hq_key, feed.batch(15, 30))
    assert pushed.stored == 10 and not pushed.repeat
    assert wire.check_receipt(pushed.receipt, hq_key.public_hex).count == 30
    assert [s for s, *_ in held(hq_db, feed)] == list(range(1, 31))
    with hq_db.read() as tx:
        assert tx.one("SELECT first, last, stored_from FROM batches ORDER BY id DESC LIMIT 1") == (15, 30, 21)


def test_a_changed_entry_is_refused_and_nothing_is_stored(
    hq_db: Database, hq_key: Identity, feed: Feed
) -> None:
    push(hq_db, hq_key, feed.batch(1, 10))
    batch = feed.batch(11, 20)
    tampered = copy.deepcopy(batch)
    tampered["entries"][3]["payload"] = tampered["entries"][3]["payload"].replace('"a"', '"b"')
    # re-signed by the station itself: only the entry's own hash gives it away
    e = refused(hq_db, hq_key, wire.sign(tampered, feed.identity), "hash")
    assert e.seq == 14 and "14" in e.zh
    # not re-signed: the batch signature does not check
    refused(hq_db, hq_key, tampered, "signature")


def test_a_truncated_batch_is_refused(hq_db: Database, hq_key: Identity, feed: Feed) -> None:
    batch = feed.batch(1, 10)
    cut = dict(batch, entries=batch["entries"][:7])
    refused(hq_db, hq_key, wire.sign(cut, feed.identity), "truncated")
    data = wire.encode(batch)
    refused(hq_db, hq_key, data[: len(data) // 2], "format")  # cut off in transit


def test_reordered_entries_are_refused(hq_db: Database, hq_key: Identity, feed: Feed) -> None:
    batch = feed.batch(1, 10)
    entries = list(batch["entries"])
    entries[4], entries[5] = entries[5], entries[4]
    e = refused(hq_db, hq_key, wire.sign(dict(batch, entries=entries), feed.identity), "order")
    assert e.seq == 5


def test_a_gap_is_refused_naming_what_is_missing(hq_db: Database, hq_key: Identity, feed: Feed) -> None:
    push(hq_db, hq_key, feed.batch(1, 10))
    e = refused(hq_db, hq_key, feed.batch(14, 20), "gap")
    assert e.seq == 11 and "11–13" in e.zh and "11–13" in e.en
    e = refused(hq_db, hq_key, feed.batch(12, 20), "gap")
    assert "seq 11 are missing" in e.en


def test_a_batch_replayed_into_another_venue_is_refused(
    hq_db: Database, hq_key: Identity, feed: Feed, tmp_path: Path
) -> None:
    other = station(tmp_path / "st2")
    venue_b = enrolled(hq_db, hq_key, other)
    # the venue field changed on the way: the station's signature no longer checks
    refused(hq_db, hq_key, dict(feed.batch(1, 10), venue=venue_b), "signature")
    # a batch the station made for a venue it is not enrolled at
    refused(hq_db, hq_key, feed.batch(1, 10, venue=venue_b), "enrolment")


def test_an_unenrolled_station_and_a_wrong_signature_are_refused(
    hq_db: Database, hq_key: Identity, feed: Feed, tmp_path: Path
) -> None:
    stranger = Feed(station(tmp_path / "st9"), feed.venue)
    stranger.grow(5)
    refused(hq_db, hq_key, stranger.batch(1, 5), "enrolment")
    batch = feed.batch(1, 10)
    bad = dict(batch, signature=("0" if batch["signature"][0] != "0" else "1") + batch["signature"][1:])
    refused(hq_db, hq_key, bad, "signature")
    # signed by another key than the one the batch names
    refused(hq_db, hq_key, wire.sign(batch, stranger.identity), "signature")


def test_a_station_cannot_push_another_stations_log(
    hq_db: Database, hq_key: Identity, feed: Feed, tmp_path: Path
) -> None:
    thief = station(tmp_path / "st3")
    enrolled(hq_db, hq_key, thief, feed.venue)
    batch = feed.batch(1, 10)
    stolen = dict(batch, station=thief.id, key=thief.public_hex)
    e = refused(hq_db, hq_key, wire.sign(stolen, thief), "station")
    assert e.seq == 1 and feed.identity.id in e.en


def test_malformed_bodies_are_format_refusals(hq_db: Database, hq_key: Identity, feed: Feed) -> None:
    for data in (
        b"",
        b"[]",
        b"\xff\xfe",
        b"{" * 100_000,
        b"[" * 100_000 + b"]" * 100_000,
        b'{"n": 1' + b"1" * 5000 + b"}",
        b'{"format": "scorer-sync-batch", "version": 1}',
    ):
        refused(hq_db, hq_key, data, "format")
    batch = feed.batch(1, 3)
    for name, value in (("made", "\ud800"), ("made", "a\x00b"), ("venue", "\ud800")):
        refused(
            hq_db, hq_key, wire.encode(dict(batch, **{name: "X"})).replace(b'"X"', _escaped(value)), "format"
        )
    refused(hq_db, hq_key, dict(batch, extra=1), "format")
    refused(hq_db, hq_key, wire.sign(dict(batch, first=10**30), feed.identity), "truncated")


def test_sequence_numbers_beyond_what_a_database_holds_are_refused(
    hq_db: Database, hq_key: Identity, feed: Feed
) -> None:
    """Well-formed and signed, but numbered beyond 2**62: refused before any table sees them — also
    for a quarantined station, whose batches are otherwise kept aside."""
    huge = Feed(feed.identity, feed.venue, rows=chain(feed.identity, 2, first=2**63, prev="ab" * 32))
    refused(hq_db, hq_key, wire.make_batch(feed.identity, venue=feed.venue, db=feed.db, package=PACKAGE,
                                           rows=huge.rows, made="x"), "format")  # fmt: skip
    with hq_db.write() as tx:
        tx.run("UPDATE stations SET quarantined_at = 'now', quarantine_reason = 'test'")
    refused(hq_db, hq_key, wire.make_batch(feed.identity, venue=feed.venue, db=feed.db, package=PACKAGE,
                                           rows=huge.rows, made="x"), "format")  # fmt: skip


def _escaped(text: str) -> bytes:
    return ('"' + "".join(f"\\u{ord(c):04x}" for c in text) + '"').encode()


def test_a_fork_is_kept_beside_what_is_held_and_the_station_quarantined(
    hq_db: Database, hq_key: Identity, feed: Feed
) -> None:
    push(hq_db, hq_key, feed.batch(1, 20))
    other = Feed(feed.identity, feed.venue, feed.db, list(feed.rows[:12]))
    other.grow(10, tag="another history")  # seq 13.. differ: the same station wrote two histories
    before = counts(hq_db)
    with pytest.raises(SyncRefused) as caught:
        push(hq_db, hq_key, other.batch(11, 22))
    e = caught.value
    assert (e.code, e.seq) == ("fork", 13)
    assert "分叉" in e.zh and "fork" in e.en
    after = counts(hq_db)
    assert after["entries"] == before["entries"] == 20  # never overwritten, nothing added
    assert (after["forks"], after["quarantined"]) == (1, 1)
    with hq_db.read() as tx:
        seq, held_hash, new_hash, batch = tx.one("SELECT seq, held_hash, new_hash, batch FROM forks")
        reason = tx.one("SELECT quarantine_reason FROM stations WHERE station = ?", (feed.identity.id,))[0]
    assert (seq, held_hash, new_hash) == (13, feed.rows[12].hash, other.rows[12].hash)
    assert wire.parse(batch.encode(), "", "") == other.batch(11, 22)  # kept whole
    assert "seq 13" in reason
    assert held(hq_db, feed)[12][1] == feed.rows[12].hash
    # from now on the station's batches are kept aside, not taken in — even the true continuation
    feed.grow(5)
    with pytest.raises(SyncRefused) as caught:
        push(hq_db, hq_key, feed.batch(21, 25))
    assert caught.value.code == "quarantined"
    final = counts(hq_db)
    assert final["entries"] == 20 and final["quarantine"] == 1
    assert refusal_codes(hq_db)[-2:] == ["fork", "quarantined"]


def test_a_batch_linking_to_another_head_is_a_fork(hq_db: Database, hq_key: Identity, feed: Feed) -> None:
    push(hq_db, hq_key, feed.batch(1, 10))
    other = Feed(feed.identity, feed.venue, feed.db, list(feed.rows[:9]))
    other.grow(5, tag="b")  # seq 10.. differ
    with pytest.raises(SyncRefused) as caught:
        push(hq_db, hq_key, other.batch(11, 14))  # starts right after the held head, but links elsewhere
    assert (caught.value.code, caught.value.seq) == ("fork", 10)
    with hq_db.read() as tx:
        assert tx.one("SELECT seq, held_hash, new_hash FROM forks") == (
            10,
            feed.rows[9].hash,
            other.rows[9].hash,
        )


def test_feeds_of_two_files_and_two_stations_are_held_apart(
    hq_db: Database, hq_key: Identity, feed: Feed, tmp_path: Path
) -> None:
    push(hq_db, hq_key, feed.batch(1, 30))
    copy_ = Feed(feed.identity, feed.venue, "DB-test-2")
    copy_.grow(5, tag="file 2")
    assert wire.check_receipt(push(hq_db, hq_key, copy_.batch(1, 5)).receipt, hq_key.public_hex).count == 5
    second = Feed(station(tmp_path / "st2"), feed.venue)
    enrolled(hq_db, hq_key, second.identity, feed.venue)
    second.grow(7)
    assert push(hq_db, hq_key, second.batch(1, 7)).receipt["count"] == 7
    assert ingest.feed_receipt(hq_db, hq_key, feed.db, feed.identity.id)["count"] == 30
    assert ingest.feed_receipt(hq_db, hq_key, "DB-test-2", feed.identity.id)["count"] == 5
    nothing = ingest.feed_receipt(hq_db, hq_key, "DB-other", feed.identity.id)
    assert (nothing["count"], nothing["last_seq"], nothing["head_hash"]) == (0, 0, "0" * 64)
    with pytest.raises(SyncRefused) as caught:
        ingest.feed_receipt(hq_db, hq_key, feed.db, "ST-000000000000")
    assert caught.value.code == "enrolment"


def test_concurrent_pushes_of_one_station_store_each_entry_once(
    hq_db: Database, hq_key: Identity, feed: Feed
) -> None:
    """Eight threads push overlapping ranges at once: whatever the interleaving, each entry is held
    once and every batch is either stored, a repeat, or (arriving before its predecessor) a gap."""
    feed.grow(170)  # 200 rows
    ranges = [(1, 50), (1, 50), (51, 120), (1, 120), (121, 200), (51, 200), (1, 200), (101, 150)]
    outcomes: list[str] = []

    def worker(lo: int, hi: int) -> None:
        for _ in range(20):
            try:
                push(hq_db, hq_key, feed.batch(lo, hi))
                outcomes.append("ok")
                return
            except SyncRefused as exc:
                assert exc.code == "gap", exc.en
        outcomes.append("gave up")

    threads = [threading.Thread(target=worker, args=r) for r in ranges]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == ["ok"] * len(ranges)
    assert [s for s, *_ in held(hq_db, feed)] == list(range(1, 201))
    assert ingest.feed_receipt(hq_db, hq_key, feed.db, feed.identity.id)["head_hash"] == feed.rows[-1].hash


def test_a_hook_runs_after_rows_of_its_kinds_are_stored(
    hq_db: Database, hq_key: Identity, feed: Feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(ingest, "_hooks", [])
    ingest.on_stored({"event.lock"}, lambda database, db, st: calls.append((db, st)))
    push(hq_db, hq_key, feed.batch(1, 10))
    assert calls == []
    lock = feed.rows[10]._replace(kind="event.lock")
    from scorer.store.chain import row_hash

    feed.rows[10] = lock._replace(hash=row_hash(*lock[:9]))
    rest = Feed(feed.identity, feed.venue, feed.db, feed.rows[:11])
    rest.grow(5)
    push(hq_db, hq_key, rest.batch(11, 16))
    assert calls == [(feed.db, feed.identity.id)]
    push(hq_db, hq_key, rest.batch(11, 16))  # a repeat stores nothing: no call
    assert len(calls) == 1


def test_refusals_are_kept_for_staff_within_a_cap(
    hq_db: Database, hq_key: Identity, feed: Feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "KEEP_REFUSALS", 5)
    for _ in range(8):
        with pytest.raises(SyncRefused):
            ingest.push_bytes(hq_db, hq_key, b"not json")
    with pytest.raises(SyncRefused):
        push(hq_db, hq_key, feed.batch(5, 9))
    with hq_db.read() as tx:
        rows = tx.all("SELECT code, station, venue, db, first, last, seq FROM refusals ORDER BY id")
    assert len(rows) == 5
    assert rows[-1] == ("gap", feed.identity.id, feed.venue, feed.db, 5, 9, 1)
