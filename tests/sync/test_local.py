"""The venue side on its own (no network): batches read from the file are exactly wire.make_batch's
bytes, receipts are kept newest-first, status lines say what the receipt proves, and verify
reports a file rolled back behind a receipt."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorer.station import Identity, key_at
from scorer.store import Store, now
from scorer.store.verify import verify
from scorer.sync import client, feed, state, status, wire


def _hq(folder: Path) -> Identity:
    return key_at(folder)


def _receipt(
    hq: Identity, store: Store, last_seq: int, head_hash: str, time: str | None = None
) -> wire.Receipt:
    assert store.identity is not None
    data = wire.make_receipt(
        hq,
        venue="V-TEST01",
        db=store.db_id,
        station=store.identity.id,
        count=last_seq,
        last_seq=last_seq,
        head_hash=head_hash,
        time=time or now(),
    )
    return wire.check_receipt(data, hq.public_hex)


def test_batches_from_the_file_are_wire_batches_byte_for_byte(demo: Path) -> None:
    with Store.open(demo) as s:
        s.append(
            "device.reading", {"value": "24.015", "port": "COM3"}, "CNC-J1", "COM3", raw=b"\x0224.015\r\n"
        )
        assert s.identity is not None
        station, count = s.identity.id, feed.head(s.conn, s.identity.id)[0]
        pkg = feed.package(s.conn, "demo", 1)
        assert pkg.at(s.conn, station, count)["revision"] == 1  # the demo's one definition row
        for first, last in [(1, 1), (1, 700), (count - 3, count)]:
            rows = feed.rows(s.conn, station, first, last)
            assert [r.seq for r in rows] == list(range(first, last + 1))
            args = {
                "venue": "V-X",
                "db": s.db_id,
                "package": pkg.at(s.conn, station, last),
                "rows": rows,
                "made": "t",
            }
            ours = feed.batch_bytes(s.identity, **args)
            assert ours == wire.encode(wire.make_batch(s.identity, **args))
            checked = wire.check_batch(wire.parse(ours, "批次", "batch"))
            assert checked.rows() == list(rows) and checked.head_hash == rows[-1].hash
        assert rows[-1].raw == b"\x0224.015\r\n"
        # built one ahead on a worker thread: the same batches; a changed plan is built afresh
        with feed.Ahead(
            demo, s.identity, venue="V-X", db=s.db_id, package=pkg, count=count, size=400
        ) as ahead:
            got = [ahead.get(a, b) for a, b in feed.ranges(1, count, 400)]
            again = ahead.get(5, 9)
        for data, (a, b) in zip(got, feed.ranges(1, count, 400), strict=True):
            batch = wire.check_batch(wire.parse(data, "批次", "batch"))
            assert (batch.first, batch.last) == (a, b)
            assert batch.rows() == feed.rows(s.conn, station, a, b)
        assert wire.check_batch(wire.parse(again, "批次", "batch")).first == 5


def test_receipts_newest_kept_and_another_headquarters_replaces(demo: Path, tmp_path: Path) -> None:
    hq, other = _hq(tmp_path / "hq"), _hq(tmp_path / "other")
    with Store.open(demo) as s:
        assert s.identity is not None
        station = s.identity.id
        h = {n: feed.hash_at(s.conn, station, n) or "" for n in (100, 200)}
        assert state.keep_receipt(s, _receipt(hq, s, 200, h[200], "2026-01-02T00:00:00Z"))
        assert not state.keep_receipt(s, _receipt(hq, s, 100, h[100], "2026-01-03T00:00:00Z"))  # fewer: older
        assert not state.keep_receipt(s, _receipt(hq, s, 200, h[200], "2026-01-01T00:00:00Z"))  # earlier
        assert state.keep_receipt(s, _receipt(hq, s, 200, h[200], "2026-01-04T00:00:00Z"))  # same, later
        kept = state.receipt(s.conn, s.db_id, station)
        assert kept is not None and (kept.last_seq, kept.time) == (200, "2026-01-04T00:00:00Z")
        # enrolled anew with another headquarters: its first receipt replaces, though it holds less
        assert state.keep_receipt(s, _receipt(other, s, 100, h[100], "2026-01-01T00:00:00Z"))
        kept = state.receipt(s.conn, s.db_id, station)
        assert kept is not None and (kept.hq, kept.last_seq) == (wire.key_id(other.public_hex, "HQ"), 100)
        assert (
            wire.check_receipt(wire.parse(kept.receipt.encode(), "r", "r"), other.public_hex).last_seq == 100
        )


def test_status_lines_say_what_the_receipt_proves(demo: Path, tmp_path: Path) -> None:
    hq = _hq(tmp_path / "hq")
    with Store.open(demo) as s:
        assert s.identity is not None
        station, db = s.identity.id, s.db_id
        count, head = feed.head(s.conn, station)
        [line] = status.statuses(s.conn, db, station)
        assert line.state == "not enrolled" and f"本机 {count} 条记录" in line.zh
        enrolment = state.Enrolment(
            station, "", wire.key_id(hq.public_hex, "HQ"), hq.public_hex, "V-TEST01", "场", now()
        )
        state.save_enrolment(s, enrolment)
        [line] = status.statuses(s.conn, db, station)
        assert (line.state, line.zh) == ("behind", f"总部尚未确认任何记录（本机 {count} 条）")
        state.keep_receipt(s, _receipt(hq, s, 1000, feed.hash_at(s.conn, station, 1000) or ""))
        [line] = status.statuses(s.conn, db, station)
        assert line.state == "behind" and line.held_count == 1000
        assert line.zh.startswith(f"总部已收到 1000/{count} 条记录，还有 {count - 1000} 条未同步")
        assert line.en.startswith(f"headquarters holds 1000/{count} entries; {count - 1000} not yet synced")
        state.keep_receipt(s, _receipt(hq, s, count, head))
        [line] = status.statuses(s.conn, db, station)
        fp = wire.fingerprint(head, count)
        assert (line.state, line.fingerprint, line.own_fingerprint) == ("synced", fp, fp)
        assert line.zh == f"总部已收到 {count}/{count} 条记录，指纹一致（指纹 {fp}）"
        # a receipt changed in the file proves nothing (its signature no longer checks)
        s.conn.execute("UPDATE sync_receipts SET receipt = replace(receipt, '\"count\":', '\"count\":1')")
        assert status.statuses(s.conn, db, station)[0].state == "behind"
        # headquarters holding more than the file, or another hash at its last seq: a fork
        state.keep_receipt(s, _receipt(hq, s, count + 5, "ab" * 32))
        [line] = status.statuses(s.conn, db, station)
        assert line.state == "fork" and f"总部持有到序号 {count + 5}，本文件只到 {count}" in line.zh
        assert status.describe(count, head, state.receipt(s.conn, db, station), "cd" * 32, True)[0] == "fork"


def test_verify_reports_a_file_behind_a_receipt(demo: Path, tmp_path: Path) -> None:
    hq = _hq(tmp_path / "hq")
    with Store.open(demo) as s:
        assert s.identity is not None
        station = s.identity.id
        count, head = feed.head(s.conn, station)
        state.keep_receipt(s, _receipt(hq, s, count, head, "2026-01-01T00:00:00Z"))
    assert verify(demo).ok
    with Store.open(demo) as s:  # a receipt for one more entry than the file holds (a cut tail)
        state.keep_receipt(s, _receipt(hq, s, count + 1, "ab" * 32, "2026-01-02T00:00:00Z"))
    [problem] = verify(demo).problems
    assert problem.code == "sync.rollback" and problem.where == f"station {station}"
    assert f"到序号 {count + 1} 的 {count + 1} 条记录，文件现在只到序号 {count}" in problem.zh
    assert "2026-01-02T00:00:00Z" in problem.en and "rolled back" in problem.en
    with Store.open(demo) as s:  # the same seq, another hash: rolled back and written to again
        s.conn.execute("DELETE FROM sync_receipts")
        state.keep_receipt(s, _receipt(hq, s, count - 1, "ab" * 32))
    [problem] = verify(demo).problems
    assert problem.code == "sync.rollback" and f"seq {count - 1} does not match it" in problem.en


@pytest.mark.parametrize(
    ("typed", "sent"),
    [("K3M9Q-7TX2B", "K3M9Q-7TX2B"), ("k3m9q7tx2b", "K3M9Q-7TX2B"), (" K3M9Q 7TX2B ", "K3M9Q-7TX2B")],
)
def test_enrolment_codes_with_or_without_the_dash(typed: str, sent: str) -> None:
    assert client.normalise_code(typed) == sent


def test_a_malformed_code_is_refused_before_anything() -> None:
    with pytest.raises(client.ScorerError, match="not an enrolment code"):
        client.normalise_code("K3M9Q/7TX2B")


def test_a_scanned_qr_code_gives_the_code_and_the_address() -> None:
    assert client.enrol_text("scorer-enrol:K3M9Q-7TX2B@http://hq.example:8470") == (
        "K3M9Q-7TX2B",
        "http://hq.example:8470",
    )
    assert client.enrol_text("scorer-enrol:K3M9Q-7TX2B") == ("K3M9Q-7TX2B", None)
    assert client.enrol_text("k3m9q7tx2b") == ("K3M9Q-7TX2B", None)
