"""USB bundles: imported batch by batch as if pushed, answered with a signed receipt file; harmless
twice; one flipped bit refuses the whole bundle. On SQLite and PostgreSQL, and through the CLI."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from scorer.hq import bundles, enrol
from scorer.hq.db import Database
from scorer.station import Identity
from scorer.sync import wire
from scorer.sync.wire import SyncRefused
from tests.hq.conftest import Feed, counts, enrolled, scorer, station


def bundle_of(feed: Feed, batches: list[dict], enrol_request: dict | None = None) -> bytes:
    return wire.make_bundle(
        feed.identity,
        venue=feed.venue,
        db=feed.db,
        batches=batches,
        made="2026-05-01T10:00:00Z",
        enrol=enrol_request,
    )


@pytest.fixture
def feed(hq_db: Database, hq_key: Identity, tmp_path: Path) -> Feed:
    ident = station(tmp_path / "st1")
    f = Feed(ident, enrolled(hq_db, hq_key, ident))
    f.grow(25)
    return f


def test_a_bundle_is_imported_and_answered_with_a_signed_receipt_file(
    hq_db: Database, hq_key: Identity, feed: Feed
) -> None:
    data = bundle_of(feed, [feed.batch(1, 10), feed.batch(11, 25)])
    imported = bundles.import_bundle(hq_db, hq_key, data)
    answer = wire.read_receipts_file(imported.data, hq_key.public_hex)
    assert answer["refused"] == [] and answer["enrolment"] is None
    (receipt,) = answer["receipts"]
    r = wire.check_receipt(receipt, hq_key.public_hex)
    assert (r.count, r.head_hash, r.db, r.station) == (25, feed.rows[-1].hash, feed.db, feed.identity.id)
    assert (imported.stored, imported.repeated, imported.batches) == (25, 0, 2)
    with hq_db.read() as tx:
        assert tx.all("SELECT DISTINCT via FROM batches") == [("bundle",)]
    # twice: harmless, the same holding
    before = counts(hq_db)
    again = bundles.import_bundle(hq_db, hq_key, data)
    assert (again.stored, again.repeated) == (0, 2)
    after = counts(hq_db)
    assert after["entries"] == before["entries"] == 25 and after["batches"] == before["batches"]
    assert wire.read_receipts_file(again.data, hq_key.public_hex)["receipts"][0]["count"] == 25


def test_a_refused_batch_is_listed_and_the_others_still_stored(
    hq_db: Database, hq_key: Identity, feed: Feed
) -> None:
    bad = feed.batch(11, 20)
    bad = wire.sign(dict(bad, entries=bad["entries"][:5]), feed.identity)  # truncated
    data = bundle_of(feed, [feed.batch(1, 10), bad, feed.batch(21, 25)])
    imported = bundles.import_bundle(hq_db, hq_key, data)
    answer = wire.read_receipts_file(imported.data, hq_key.public_hex)
    assert [(r["first"], r["last"], r["code"]) for r in answer["refused"]] == [
        (11, 20, "truncated"),
        (21, 25, "gap"),
    ]
    assert all(r["zh"] and r["en"] for r in answer["refused"])
    assert answer["receipts"][0]["count"] == 10
    assert counts(hq_db)["entries"] == 10


def test_an_offline_enrolment_travels_in_the_bundle(
    hq_db: Database, hq_key: Identity, tmp_path: Path
) -> None:
    new = enrol.add_venue(hq_db, "山区赛场")
    laptop = station(tmp_path / "offline")
    feed = Feed(laptop, new.venue)
    feed.grow(12)
    data = bundle_of(feed, feed.batches(5), wire.make_enrol(laptop, new.code, "离线笔记本"))
    imported = bundles.import_bundle(hq_db, hq_key, data)
    answer = wire.read_receipts_file(imported.data, None)  # the venue learns headquarters' key here
    assert answer["enrolment"] == {
        "venue": new.venue,
        "venue_name": "山区赛场",
        "station": laptop.id,
        "hq": wire.key_id(hq_key.public_hex, "HQ"),
        "hq_key": hq_key.public_hex,
    }
    assert answer["receipts"][0]["count"] == 12 and answer["refused"] == []
    # the same bundle again: the code was used by this very station, so it is a repeat too
    again = wire.read_receipts_file(bundles.import_bundle(hq_db, hq_key, data).data, hq_key.public_hex)
    assert again["enrolment"]["venue"] == new.venue and again["receipts"][0]["count"] == 12


def test_a_bundle_whose_code_another_laptop_used_is_refused_whole(
    hq_db: Database, hq_key: Identity, tmp_path: Path
) -> None:
    new = enrol.add_venue(hq_db, "山区赛场")
    enrol.enrol(hq_db, hq_key, wire.make_enrol(station(tmp_path / "first"), new.code, "first"))
    laptop = station(tmp_path / "second")
    feed = Feed(laptop, new.venue)
    feed.grow(3)
    before = counts(hq_db)
    with pytest.raises(SyncRefused) as caught:
        bundles.import_bundle(
            hq_db, hq_key, bundle_of(feed, feed.batches(), wire.make_enrol(laptop, new.code, "x"))
        )
    assert caught.value.code == "code"
    assert counts(hq_db) == before


def test_one_flipped_bit_anywhere_refuses_the_whole_bundle(
    hq_db: Database, hq_key: Identity, feed: Feed
) -> None:
    data = bundle_of(feed, [feed.batch(1, 10), feed.batch(11, 25)])
    before = counts(hq_db)
    rng = random.Random(16)
    positions = sorted({0, len(data) * 8 - 1, *(rng.randrange(len(data) * 8) for _ in range(60))})
    for bit in positions:
        flipped = bytearray(data)
        flipped[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(SyncRefused) as caught:
            bundles.import_bundle(hq_db, hq_key, bytes(flipped))
        assert caught.value.code in ("format", "signature"), (bit, caught.value.en)
    assert counts(hq_db) == before


def test_the_cli_imports_a_bundle_and_writes_the_receipt_file_beside_it(
    db_url: str, hq_db: Database, hq_key: Identity, hq_folder: Path, feed: Feed, tmp_path: Path
) -> None:
    path = tmp_path / "venue-1.bundle"
    path.write_bytes(bundle_of(feed, feed.batches(10)))
    done = scorer("hq", "import", str(path), "--db", db_url, "--data", str(hq_folder))
    assert done.returncode == 0, done.stderr
    assert "25" in done.stdout and "venue-1.bundle.receipt" in done.stdout
    answer = wire.read_receipts_file((tmp_path / "venue-1.bundle.receipt").read_bytes(), hq_key.public_hex)
    assert answer["receipts"][0]["count"] == 25
    again = scorer(
        "hq",
        "import",
        str(path),
        "--db",
        db_url,
        "--data",
        str(hq_folder),
        "--json",
        "--out",
        str(tmp_path / "r2"),
    )
    assert again.returncode == 0, again.stderr
    facts = json.loads(again.stdout)
    assert (facts["stored"], facts["repeated"], facts["receipt_file"]) == (0, 3, str(tmp_path / "r2"))
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0x04
    path.write_bytes(bytes(damaged))
    before = counts(hq_db)
    refused = scorer("hq", "import", str(path), "--db", db_url, "--data", str(hq_folder))
    assert refused.returncode == 1
    assert (
        "被拒收" in refused.stderr
        and "没有导入任何内容" in refused.stderr
        and "Traceback" not in refused.stderr
    )
    refused_en = scorer("hq", "import", str(path), "--db", db_url, "--data", str(hq_folder), "--lang", "en")
    assert "was refused, nothing was imported" in refused_en.stderr
    assert counts(hq_db) == before
    # every import by staff is on record, the refused ones too
    from scorer.hq import audit

    done_by = [(a["action"], a["details"]) for a in audit.actions(hq_db, action="bundle.import")]
    assert len(done_by) == 4
    whole = [d.get("refused_whole") for _a, d in done_by]  # newest first: two refused, two taken in
    assert whole[0] == whole[1] and whole[0] in ("format", "signature") and whole[2:] == [None, None]
    assert (done_by[3][1]["stored"], done_by[2][1]["repeated"]) == (25, 3)
    assert all(d["bundle"] == "venue-1.bundle" for _a, d in done_by)
    assert audit.actions(hq_db, action="bundle.import")[0]["who"].startswith("cli:")
