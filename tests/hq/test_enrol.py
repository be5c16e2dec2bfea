"""Venues and one-time enrolment codes: a code works once, for one laptop, before it expires; a
refused enrolment changes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from scorer.hq import enrol
from scorer.hq.db import Database
from scorer.station import Identity
from scorer.sync import wire
from scorer.sync.wire import SyncRefused
from tests.hq.conftest import counts, station


def test_codes_are_ten_crockford_characters_read_forgivingly() -> None:
    code = enrol.make_code()
    assert len(code) == 10 and set(code) <= set(enrol.ALPHABET)
    shown = enrol.grouped(code)
    assert shown[5] == "-" and shown.replace("-", "") == code
    assert enrol.normalise(shown.lower()) == code
    assert enrol.normalise(f" {code[:5]} {code[5:]} ") == code
    assert enrol.normalise("ILO00-11111") == "11000" + "11111"  # I, L → 1 and O → 0
    for bad in ("", "12345", "12345-123456", "UUUUU-UUUUU", "12345-1234!"):
        assert enrol.normalise(bad) is None


def test_a_venue_gets_an_id_and_a_code_stored_only_as_its_hash(hq_db: Database) -> None:
    new = enrol.add_venue(hq_db, "浦东赛场", hours=72, url="http://hq.example:8750")
    assert wire._ID.fullmatch(new.venue) and new.venue.startswith("V-")
    assert new.qr_text == f"scorer-enrol:{new.code}@http://hq.example:8750"
    with hq_db.read() as tx:
        rows = tx.all("SELECT code_hash FROM codes")
    assert rows == [(enrol.code_hash(new.code.replace("-", "")),)]
    assert new.code.replace("-", "") not in str(rows)
    another = enrol.add_code(hq_db, new.venue)
    assert another.venue == new.venue and another.code != new.code
    assert another.qr_text.endswith("@http://hq.example:8750")  # the venue's address is kept


def test_a_station_enrols_once_per_code(hq_db: Database, hq_key: Identity, tmp_path: Path) -> None:
    new = enrol.add_venue(hq_db, "第一赛场")
    laptop = station(tmp_path / "a")
    answer = enrol.enrol_bytes(
        hq_db, hq_key, wire.encode(wire.make_enrol(laptop, new.code.lower(), "笔记本 A"))
    )
    assert answer == {
        "venue": new.venue,
        "venue_name": "第一赛场",
        "station": laptop.id,
        "hq": wire.key_id(hq_key.public_hex, "HQ"),
        "hq_key": hq_key.public_hex,
    }
    # the same laptop sending the same code again (a lost answer): the same enrolment
    assert enrol.enrol(hq_db, hq_key, wire.make_enrol(laptop, new.code, "笔记本 A")) == answer
    # another laptop with that code: refused, nothing changes
    before = counts(hq_db)
    with pytest.raises(SyncRefused) as caught:
        enrol.enrol(hq_db, hq_key, wire.make_enrol(station(tmp_path / "b"), new.code, "笔记本 B"))
    assert caught.value.code == "code"
    assert "已" in caught.value.zh and "使用" in caught.value.zh and "already used" in caught.value.en
    assert counts(hq_db) == before
    # the same laptop with a new code for the same venue: fine
    again = enrol.add_code(hq_db, new.venue)
    assert enrol.enrol(hq_db, hq_key, wire.make_enrol(laptop, again.code, "笔记本 A2"))["venue"] == new.venue
    with hq_db.read() as tx:
        assert tx.one("SELECT count(*) FROM enrolments")[0] == 1


def test_unknown_and_expired_codes_are_refused_saying_which(
    hq_db: Database, hq_key: Identity, tmp_path: Path
) -> None:
    laptop = station(tmp_path / "a")
    new = enrol.add_venue(hq_db, "第一赛场", hours=1)
    before = counts(hq_db)
    for code in ("00000-00000", "not a code", ""):
        with pytest.raises(SyncRefused) as caught:
            enrol.enrol(hq_db, hq_key, wire.make_enrol(laptop, code, "A"))
        assert caught.value.code == "code" and "不存在" in caught.value.zh and "unknown" in caught.value.en
    with hq_db.write() as tx:
        tx.run("UPDATE codes SET expires = ?", ("2020-01-01T00:00:00.000000Z",))
    with pytest.raises(SyncRefused) as caught:
        enrol.enrol(hq_db, hq_key, wire.make_enrol(laptop, new.code, "A"))
    assert caught.value.code == "code" and "过期" in caught.value.zh and "expired" in caught.value.en
    assert counts(hq_db) == before


def test_a_forged_enrolment_request_is_refused(hq_db: Database, hq_key: Identity, tmp_path: Path) -> None:
    new = enrol.add_venue(hq_db, "第一赛场")
    laptop, other = station(tmp_path / "a"), station(tmp_path / "b")
    request = wire.make_enrol(laptop, new.code, "A")
    before = counts(hq_db)
    for forged in (
        dict(request, name="B"),  # changed after signing
        dict(request, key=other.public_hex),  # someone else's key
        wire.sign(dict(request, key=other.public_hex), other),  # the id does not derive from the key
    ):
        with pytest.raises(SyncRefused) as caught:
            enrol.enrol_bytes(hq_db, hq_key, wire.encode(forged))
        assert caught.value.code == "signature"
    with pytest.raises(SyncRefused) as caught:
        enrol.enrol_bytes(hq_db, hq_key, b'{"format": "scorer-sync-enrol"}')
    assert caught.value.code == "format"
    assert counts(hq_db) == before


def test_two_laptops_racing_with_one_code_one_wins(hq_db: Database, hq_key: Identity, tmp_path: Path) -> None:
    new = enrol.add_venue(hq_db, "第一赛场")
    laptops = [station(tmp_path / f"l{i}") for i in range(6)]
    won: list[str] = []
    lost: list[str] = []
    start = threading.Barrier(len(laptops))

    def go(laptop: Identity) -> None:
        start.wait()
        try:
            enrol.enrol(hq_db, hq_key, wire.make_enrol(laptop, new.code, laptop.id))
            won.append(laptop.id)
        except SyncRefused as exc:
            assert exc.code == "code"
            lost.append(laptop.id)

    threads = [threading.Thread(target=go, args=(lt,)) for lt in laptops]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1 and len(lost) == 5
    with hq_db.read() as tx:
        assert tx.all("SELECT station FROM enrolments") == [(won[0],)]
        assert tx.one("SELECT used_by FROM codes")[0] == won[0]


def test_venue_list_shows_stations_and_codes(hq_db: Database, hq_key: Identity, tmp_path: Path) -> None:
    new = enrol.add_venue(hq_db, "第一赛场")
    enrol.add_code(hq_db, new.venue)
    laptop = station(tmp_path / "a")
    enrol.enrol(hq_db, hq_key, wire.make_enrol(laptop, new.code, "笔记本 A"))
    (venue,) = enrol.venues(hq_db)
    assert venue["venue"] == new.venue and venue["codes"] == {"open": 1, "used": 1, "expired": 0}
    assert [(s["station"], s["name"], s["entries"], s["quarantined"]) for s in venue["stations"]] == [
        (laptop.id, "笔记本 A", 0, False)
    ]
