"""Sync by USB stick: `scorer sync export` → the real `scorer hq import` → `scorer sync
import-receipt`; offline enrolment by bundle; importing a receipt file twice changes nothing; a
damaged or foreign receipt file is refused whole."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from scorer.store import Store
from scorer.sync import bundle, client, state, wire
from tests.sync.harness import HQ, run_cli


def _snapshot(path: Path) -> tuple[object, ...]:
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("SELECT count(*) FROM log").fetchone()[0],
            conn.execute("SELECT * FROM sync_enrolment ORDER BY station").fetchall(),
            conn.execute("SELECT * FROM sync_receipts ORDER BY station").fetchall(),
        )
    finally:
        conn.close()


def _cli(*argv: str) -> tuple[int, dict[str, object], str]:
    """`scorer ARGV… --json` as a real process: (exit code, its JSON, stderr)."""
    done = run_cli(*argv, "--json", env={**os.environ})
    return done.returncode, json.loads(done.stdout) if done.stdout.strip() else {}, done.stderr


def _hq_import(hq: HQ, bundle_path: Path) -> dict[str, object]:
    code, out, err = _cli("hq", "import", str(bundle_path), "--data", str(hq.data))
    assert code == 0, err
    return out


def test_offline_enrolment_then_bundles_round_trip(tmp_path: Path, demo: Path) -> None:
    hq = HQ(tmp_path / "hq")  # headquarters without a network: its CLI on its own database
    venue = hq.code("离线场地")
    # 1. the enrolment request travels alone (the venue is not known before enrolment)
    code, out, err = _cli(
        "sync", "export", str(tmp_path / "enrol.bundle"), "--enrol", venue["code"], "--file", str(demo)
    )
    assert code == 0, err
    assert out["enrol"] is True and out["entries"] == 0 and out["batches"] == 0
    answer = _hq_import(hq, tmp_path / "enrol.bundle")
    assert answer["enrolment"]["venue"] == venue["venue"]
    code, out, err = _cli(
        "sync", "import-receipt", str(tmp_path / "enrol.bundle.receipt"), "--file", str(demo)
    )
    assert code == 0, err
    assert out["enrolled"] is True and out["refused"] == []
    [line] = out["feeds"]
    assert (
        line["enrolled"]
        and line["venue"] == venue["venue"]
        and line["hq_url"] == ""
        and line["state"] == "behind"
    )
    # 2. everything not yet acknowledged
    code, out, err = _cli("sync", "export", str(tmp_path / "one.bundle"), "--file", str(demo))
    assert code == 0, err
    with Store.open(demo, readonly=True) as s:
        rows = s.count()
    assert (out["first"], out["last"], out["entries"], out["batches"]) == (
        1,
        rows,
        rows,
        -(-rows // wire.BATCH_SIZE),
    )
    answer = _hq_import(hq, tmp_path / "one.bundle")
    assert answer["stored"] == rows and answer["refused"] == []
    code, out, err = _cli("sync", "import-receipt", str(tmp_path / "one.bundle.receipt"), "--file", str(demo))
    assert code == 0, err
    assert (out["receipts"], out["kept"]) == (1, 1)
    [line] = out["feeds"]
    assert line["state"] == "synced" and line["zh"].startswith(f"总部已收到 {rows}/{rows} 条记录，指纹一致")
    assert hq.held() == {(line["db"], line["station"]): (rows, 1, rows)}
    # 3. the same receipt file again: harmless, nothing changes
    before = _snapshot(demo)
    code, out, err = _cli("sync", "import-receipt", str(tmp_path / "one.bundle.receipt"), "--file", str(demo))
    assert code == 0 and (out["receipts"], out["kept"]) == (1, 0)
    assert _snapshot(demo) == before
    # ... and the enrolment's receipt file too (an older receipt never replaces a newer one)
    code, out, err = _cli(
        "sync", "import-receipt", str(tmp_path / "enrol.bundle.receipt"), "--file", str(demo)
    )
    assert code == 0 and out["enrolled"] is True and _snapshot(demo) == before
    # 4. new marks: the next bundle holds only them; the same bundle imported twice stores them once
    with Store.open(demo) as s:
        for n in range(5):
            s.set_status(
                contestant="CNC-774", status="dnf" if n % 2 == 0 else "ok", reason="测试", actor="CNC-K"
            )
    code, out, err = _cli("sync", "export", str(tmp_path / "two.bundle"), "--file", str(demo))
    assert (out["first"], out["last"], out["entries"]) == (rows + 1, rows + 5, 5)
    assert _hq_import(hq, tmp_path / "two.bundle")["stored"] == 5
    assert _hq_import(hq, tmp_path / "two.bundle")["stored"] == 0
    bundle.import_receipts(demo, tmp_path / "two.bundle.receipt")
    [status] = client.status(demo)
    assert status.state == "synced" and status.held_count == rows + 5
    # 5. --all: every entry again; headquarters acknowledges the repeats and stores nothing twice
    code, out, err = _cli("sync", "export", str(tmp_path / "all.bundle"), "--all", "--file", str(demo))
    assert (out["first"], out["entries"]) == (1, rows + 5)
    assert _hq_import(hq, tmp_path / "all.bundle")["stored"] == 0
    assert hq.held() == {(status.db, status.station): (rows + 5, 1, rows + 5)}
    # 6. now with a network: the address is not known after an offline enrolment until --url gives it
    hq.start()
    try:
        with pytest.raises(client.ScorerError, match="--url"):
            client.push(demo)
        assert client.push(demo, url=hq.url).state == "synced"
        assert state.enrolment(sqlite3.connect(demo), status.station).hq_url == hq.url  # type: ignore[union-attr]
        assert client.push(demo).sent == 0  # remembered
    finally:
        hq.stop()


def test_damaged_or_foreign_receipt_files_are_refused_whole(tmp_path: Path, demo: Path) -> None:
    hq = HQ(tmp_path / "hq")
    venue = hq.code()
    bundle.export_bundle(demo, tmp_path / "enrol.bundle", enrol_code=venue["code"])
    _hq_import(hq, tmp_path / "enrol.bundle")
    bundle.import_receipts(demo, tmp_path / "enrol.bundle.receipt")
    bundle.export_bundle(demo, tmp_path / "b.bundle")
    _hq_import(hq, tmp_path / "b.bundle")
    good = (tmp_path / "b.bundle.receipt").read_bytes()
    before = _snapshot(demo)
    # one byte changed anywhere: refused whole, nothing kept
    damaged = tmp_path / "damaged.receipt"
    at = good.index(b'"count":') + 8
    damaged.write_bytes(good[:at] + (b"9" if good[at : at + 1] != b"9" else b"8") + good[at + 1 :])
    code, out, err = _cli("sync", "import-receipt", str(damaged), "--file", str(demo))
    assert code == 1 and out["error"]["code"] == "signature" and err.startswith("错误：回执文件的签名无效")
    assert _snapshot(demo) == before
    # a receipt file of another headquarters (its own key): not the one this station enrolled with
    other = HQ(tmp_path / "other")
    bundle.export_bundle(demo, tmp_path / "c.bundle", enrol_code=other.code()["code"])
    _cli("hq", "import", str(tmp_path / "c.bundle"), "--data", str(other.data))  # its batches name our venue
    with pytest.raises(wire.SyncRefused) as exc:
        bundle.import_receipts(demo, tmp_path / "c.bundle.receipt")
    assert exc.value.code == "signature"
    assert _snapshot(demo) == before
    # a file that is not a receipt file at all; a missing file
    code, out, err = _cli("sync", "import-receipt", str(tmp_path / "b.bundle"), "--file", str(demo))
    assert code == 1 and out["error"]["code"] == "format"
    code, out, err = _cli("sync", "import-receipt", str(tmp_path / "nowhere.receipt"), "--file", str(demo))
    assert code == 1 and "nowhere.receipt" in err and out["error"]["code"] == "error"
    assert _snapshot(demo) == before
    # the good one still imports
    assert bundle.import_receipts(demo, tmp_path / "b.bundle.receipt").kept == 1


def test_refused_batches_are_shown_with_their_reasons(tmp_path: Path, demo: Path) -> None:
    """A bundle whose second batch headquarters refuses (a row changed outside the program):
    the receipt file lists it, import-receipt shows the reason and seq, exit 1; the first batch's
    receipt is kept."""
    hq = HQ(tmp_path / "hq")
    bundle.export_bundle(demo, tmp_path / "enrol.bundle", enrol_code=hq.code()["code"])
    _hq_import(hq, tmp_path / "enrol.bundle")
    bundle.import_receipts(demo, tmp_path / "enrol.bundle.receipt")
    station = client.status(demo)[0].station
    conn = sqlite3.connect(demo)
    conn.execute("DROP TRIGGER log_no_update")
    conn.execute("UPDATE log SET actor = 'someone' WHERE station = ? AND seq = 700", (station,))
    conn.commit()
    conn.close()
    bundle.export_bundle(demo, tmp_path / "b.bundle", batch_size=500)
    code, out, err = _cli("hq", "import", str(tmp_path / "b.bundle"), "--data", str(hq.data))
    assert code == 1 and out["stored"] == 500
    code, out, err = _cli("sync", "import-receipt", str(tmp_path / "b.bundle.receipt"), "--file", str(demo))
    assert code == 1
    refused, after = out["refused"]  # the batch after the refused one no longer follows: a gap
    assert (refused["first"], refused["last"], refused["code"], refused["seq"]) == (501, 1000, "hash", 700)
    assert (after["first"], after["code"]) == (1001, "gap")
    assert "700" in err and "501–1000" in err
    assert out["feeds"][0]["held_count"] == 500 and out["feeds"][0]["state"] == "behind"


def test_export_needs_an_enrolment_or_a_code_and_refuses_after_a_rollback(tmp_path: Path, demo: Path) -> None:
    before = _snapshot(demo)
    code, out, err = _cli("sync", "export", str(tmp_path / "x.bundle"), "--file", str(demo))
    assert code == 1 and out["error"]["code"] == "not_enrolled" and "scorer sync enrol" in err
    assert not (tmp_path / "x.bundle").exists() and _snapshot(demo) == before
    code, out, err = _cli("sync", "export", str(tmp_path / "x.bundle"), "--enrol", "!!", "--file", str(demo))
    assert code == 1 and "登记码格式不对" in err and not (tmp_path / "x.bundle").exists()
    # headquarters acknowledged more than the file holds now (an older copy put back): no bundle
    hq = HQ(tmp_path / "hq")
    bundle.export_bundle(demo, tmp_path / "enrol.bundle", enrol_code=hq.code()["code"])
    _hq_import(hq, tmp_path / "enrol.bundle")
    bundle.import_receipts(demo, tmp_path / "enrol.bundle.receipt")
    older = sqlite3.connect(demo)
    backup = tmp_path / "older.scorer"
    older.execute("VACUUM INTO ?", (str(backup),))
    older.close()
    with Store.open(demo) as s:
        s.set_status(contestant="CNC-774", status="dnf", reason="测试", actor="CNC-K")
    bundle.export_bundle(demo, tmp_path / "b.bundle")
    _hq_import(hq, tmp_path / "b.bundle")
    backup.replace(demo)
    Path(f"{demo}-wal").unlink(missing_ok=True)
    bundle.import_receipts(demo, tmp_path / "b.bundle.receipt")
    with pytest.raises(wire.SyncRefused) as exc:
        bundle.export_bundle(demo, tmp_path / "y.bundle")
    assert exc.value.code == "rollback" and not (tmp_path / "y.bundle").exists()
    assert client.status(demo)[0].state == "fork"
