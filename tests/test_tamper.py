"""Tampering with the file outside the program (plain sqlite3) is caught by `scorer verify`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from scorer.cli import main
from scorer.store import Store
from tests.lockhelp import force_lock


@pytest.fixture
def marked(store: Store) -> Path:
    for code, value in (("C01", "24.010"), ("C02", "24.030"), ("C03", "24.000")):
        store.record_mark(judge="J1", contestant=code, aspect="A1.1", value=value)
    store.record_mark(judge="J2", contestant="C01", aspect="B1.1", value="2")
    path = store.path
    store.close()
    store.conn = sqlite3.connect(":memory:")  # the fixture's close() is then harmless
    store._checkpoint = type("Done", (), {"close": lambda self: None})()
    return path


def tamper(path: Path, *sql: str, params: tuple = ()) -> None:
    """What a person with the sqlite3 shell would do: drop the guards, then edit."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER IF EXISTS log_no_update")
    conn.execute("DROP TRIGGER IF EXISTS log_no_delete")
    for statement in sql:
        conn.execute(statement, params if "?" in statement else ())
    conn.commit()
    conn.close()


def run_verify(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--lang", "en", "verify", str(path)])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_untouched_file_verifies(marked, capsys):
    code, out = run_verify(marked, capsys)
    assert code == 0, out
    assert "verified: 6 rows" in out


def test_edited_mark_value_is_detected(marked, capsys):
    """Changing a value in the log (and the projection to match) breaks that row's hash."""
    tamper(
        marked,
        "UPDATE log SET payload = replace(payload, '24.030', '24.010') WHERE id = 4",
        "UPDATE marks SET value = '24.010' WHERE contestant = 'C02'",
    )
    code, out = run_verify(marked, capsys)
    assert code == 1
    assert "row 4" in out and "altered" in out


def test_edited_time_or_actor_is_detected(marked, capsys):
    tamper(marked, "UPDATE log SET actor = 'K1' WHERE id = 5")
    code, out = run_verify(marked, capsys)
    assert code == 1 and "row 5" in out


def test_edited_projection_only_is_detected(marked, capsys):
    """A current mark changed in the table behind the log's back is found by replaying the log."""
    tamper(marked, "UPDATE marks SET value = '24.000' WHERE contestant = 'C02'")
    code, out = run_verify(marked, capsys)
    assert code == 1
    assert "current-marks table" in out and "24.030" in out


def test_deleted_middle_row_is_detected(marked, capsys):
    tamper(marked, "DELETE FROM log WHERE id = 4")
    code, out = run_verify(marked, capsys)
    assert code == 1
    assert "removed" in out


def test_deleted_newest_rows_are_detected(marked, capsys):
    """A cut tail leaves a valid chain: only the checkpoint beside the file shows it."""
    tamper(marked, "DELETE FROM log WHERE id >= 5", "DELETE FROM marks WHERE log_id >= 5")
    code, out = run_verify(marked, capsys)
    assert code == 1
    assert "newest 2 row(s)" in out and "removed" in out


def test_inserted_row_is_detected(marked, capsys):
    """A row slipped in at the end (copied from another, new seq) does not link or hash."""
    tamper(
        marked,
        "INSERT INTO log (station, seq, kind, payload, actor, source, raw, time, prev_hash, hash)"
        " SELECT station, seq + 100, kind, payload, actor, source, raw, time, prev_hash, hash FROM log WHERE id = 3",
    )
    code, out = run_verify(marked, capsys)
    assert code == 1
    assert "row 7" in out


def test_inserted_row_of_a_made_up_station_is_detected(marked, capsys):
    """Even a self-consistent row from an unknown station is not in the checkpoint."""
    from scorer.store.chain import GENESIS, row_hash

    payload = '{"aspect":"A1.2","contestant":"C03","event":"CNC","judge":"J1","slot":"","value":"0.8"}'
    time = "2026-11-24T00:00:00.000000Z"
    digest = row_hash("ST-FAKE", 1, "mark", payload, "J1", "keyboard", None, time, GENESIS)
    tamper(
        marked,
        "INSERT INTO log (station, seq, kind, payload, actor, source, raw, time, prev_hash, hash)"
        " VALUES ('ST-FAKE', 1, 'mark', ?, 'J1', 'keyboard', NULL, ?, ?, ?)",
        params=(payload, time, GENESIS, digest),
    )
    code, out = run_verify(marked, capsys)
    assert code == 1
    assert "ST-FAKE" in out


def test_reordered_rows_are_detected(marked, capsys):
    """Swapping two rows' contents keeps every hash but breaks the sequence."""
    tamper(
        marked,
        "CREATE TEMP TABLE a AS SELECT * FROM log WHERE id IN (3, 4)",
        "DELETE FROM log WHERE id IN (3, 4)",
        "INSERT INTO log SELECT CASE id WHEN 3 THEN 4 ELSE 3 END, station, seq, kind, payload, actor, source,"
        " raw, time, prev_hash, hash FROM a",
    )
    code, _out = run_verify(marked, capsys)
    assert code == 1


def test_missing_checkpoint_is_reported(marked, capsys):
    Path(f"{marked}.head").unlink()
    code, out = run_verify(marked, capsys)
    assert code == 1 and "checkpoint file is missing" in out


def test_damaged_checkpoint_is_reported(marked, capsys):
    head = Path(f"{marked}.head")
    data = bytearray(head.read_bytes())
    data[30] ^= 0x01
    head.write_bytes(bytes(data))
    code, out = run_verify(marked, capsys)
    assert code == 1 and "damaged" in out


def test_verify_never_writes(marked):
    """Verification reads only: the file's bytes are the same afterwards."""
    Store.open(marked).close()
    before = marked.read_bytes(), Path(f"{marked}.head").read_bytes()
    main(["verify", str(marked)])
    assert (marked.read_bytes(), Path(f"{marked}.head").read_bytes()) == before


def test_unlocking_behind_the_logs_back_is_detected(store, capsys):
    """An event locked in the log but unlocked in the table (to slip a mark in) fails verify."""

    force_lock(store, "CNC", "K1", ["J1"])
    path = store.path
    store.close()
    store.conn = sqlite3.connect(":memory:")
    store._checkpoint = type("Done", (), {"close": lambda self: None})()
    assert run_verify(path, capsys)[0] == 0
    tamper(path, "UPDATE locks SET locked = 0")
    code, out = run_verify(path, capsys)
    assert code == 1 and "lock or decryption state" in out
