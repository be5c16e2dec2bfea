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


# ---------------------------------------------------------------- the tamper campaign
# Each change a person with the sqlite3 shell and a file manager could make: reported by verify
# with what and where, and never "repaired" by the next normal write (which is refused instead,
# until a chief judge accepts, or — for what a crash also leaves — recorded in the log).


def run_mark(path: Path, capsys: pytest.CaptureFixture[str], contestant: str = "C01") -> tuple[int, str]:
    """A normal write: a surface-finish grade for `contestant` (a slot no fixture fills)."""
    code = main(["--lang", "en", "mark", str(path), "-j", "J1", "-c", contestant, "-a", "A1.2", "1.6"])
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.fixture
def history(tmp_path: Path, mini_comp, monkeypatch) -> tuple[Path, dict[int, bytes]]:
    """A file whose rows are a minute apart (a morning of marking), and its checkpoint as it was
    after each row: the older copies a tamperer could put back."""
    import scorer.store.log as log_module  # where rows get their time

    clock = iter(range(10**6))
    path = tmp_path / "h.scorer"
    heads: dict[int, bytes] = {}
    with monkeypatch.context() as m:  # (undo only the clock: the data folder stays the test's)
        m.setattr(log_module, "now", lambda: f"2026-11-21T09:{next(clock) % 60:02d}:00.000000Z")
        with Store.create(path) as s:
            s.set_competition(mini_comp, "C1")
            for judge, aspect, value in (("J1", "A1.1", "24.010"), ("J2", "B1.1", "2")):
                for code in ("C01", "C02", "C03"):
                    s.record_mark(judge=judge, contestant=code, aspect=aspect, value=value)
                    s._checkpoint.flush()
                    heads[s.count()] = Path(f"{path}.head").read_bytes()
    return path, heads


def cut_tail(path: Path, keep: int) -> None:
    tamper(path, f"DELETE FROM marks WHERE log_id > {keep}", f"DELETE FROM log WHERE id > {keep}")


def test_campaign_deleted_middle_row_blocks_writing(marked, capsys):
    tamper(marked, "DELETE FROM marks WHERE log_id = 4", "DELETE FROM log WHERE id = 4")
    code, out = run_mark(marked, capsys)
    assert code == 1 and "nothing can be written" in out and "were removed" in out
    code, out = run_verify(marked, capsys)
    assert code == 1 and "#5" in out and "removed" in out and "backup copy" in out


def test_campaign_cut_tail_blocks_writing(marked, capsys):
    cut_tail(marked, 4)
    code, out = run_mark(marked, capsys)
    assert code == 1 and "newest 2 row(s)" in out
    code, out = run_verify(marked, capsys)
    assert code == 1 and "newest 2 row(s)" in out and "checkpoint at seq 6, file ends at 4" in out


@pytest.mark.parametrize("how", ["delete", "garble", "empty"])
def test_campaign_cut_tail_and_damaged_checkpoint_then_a_normal_write(marked, capsys, how):
    """The issue's case: cut the tail, delete or garble the .head, record one normal mark."""
    cut_tail(marked, 4)
    head = Path(f"{marked}.head")
    if how == "delete":
        head.unlink()
    elif how == "garble":
        head.write_bytes(b"garbage" * 100)
    else:
        head.write_bytes(b"")
    before = head.read_bytes() if head.exists() else None
    code, out = run_mark(marked, capsys)
    assert code == 1 and "nothing can be written" in out and "accept-checkpoint" in out
    assert (head.read_bytes() if head.exists() else None) == before  # not rebuilt
    code, out = run_verify(marked, capsys)
    assert code == 1
    assert ("missing" if how == "delete" else "damaged") in out
    assert "accept-checkpoint" in out and "backup copy" in out


def test_campaign_cut_tail_and_an_older_checkpoint_then_a_normal_write(history, capsys):
    """An older copy of the .head put back over a cut tail: rows after it that span more than a
    crash explains make it "older than the file": writing refused, verify fails."""
    path, heads = history
    cut_tail(path, 6)
    Path(f"{path}.head").write_bytes(heads[3])
    code, out = run_mark(path, capsys)
    assert code == 1 and "older than the file" in out
    code, out = run_verify(path, capsys)
    assert code == 1 and "older than the file" in out and "seq 4–6" in out


def test_campaign_older_checkpoint_within_a_crash_is_recorded(history, capsys, monkeypatch):
    """An older checkpoint one row behind looks like a power loss: the next writer goes on, but
    says so in the log, and verify shows it ever after, with the rows concerned."""
    path, heads = history
    Path(f"{path}.head").write_bytes(heads[7])  # nothing cut: the checkpoint is one row old
    # On the laptop that signed the newer checkpoint this is a rollback (test_station_identity);
    # on any other laptop (the file copied there) it looks like a power loss:
    monkeypatch.setenv("SCORER_DATA_DIR", str(path.parent / "another-laptop"))
    code, out = run_verify(path, capsys)
    assert code == 0 and "seq 8–8" in out and "after the checkpoint" in out
    code, out = run_mark(path, capsys)
    assert code == 0, out
    code, out = run_verify(path, capsys)
    assert code == 0
    assert "resumed at" in out and "checkpoint at seq 7, file at 8" in out


def test_campaign_appended_row_with_recomputed_hash(marked, capsys):
    """A forged row that links and hashes correctly: the checkpoint does not cover it. Until the
    next write it is listed as after the checkpoint; the next writer records it in the log."""
    from scorer.store.chain import row_hash

    conn = sqlite3.connect(marked)
    station, seq, last = conn.execute(
        "SELECT station, seq, hash FROM log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    conn.close()
    payload = '{"aspect":"A1.1","contestant":"C04","event":"CNC","judge":"J1","slot":"","value":"25.000"}'
    time = "2026-11-21T10:00:00.000000Z"
    digest = row_hash(station, seq + 1, "mark", payload, "J1", "keyboard", None, time, last)
    tamper(
        marked,
        "INSERT INTO log (station, seq, kind, payload, actor, source, raw, time, prev_hash, hash)"
        " VALUES (?, ?, 'mark', ?, 'J1', 'keyboard', NULL, ?, ?, ?)",
        params=(station, seq + 1, payload, time, last, digest),
    )
    tamper(
        marked,
        "INSERT INTO marks (contestant, aspect, slot, event, judge, value, log_id, first_id)"
        " VALUES ('C04', 'A1.1', '', 'CNC', 'J1', '25.000', 7, 7)",
    )
    code, out = run_verify(marked, capsys)
    assert code == 0 and "seq 7–7" in out and "added outside the program" in out
    code, out = run_mark(marked, capsys, contestant="C02")
    assert code == 0, out
    code, out = run_verify(marked, capsys)
    assert "checkpoint at seq 6, file at 7" in out


def test_campaign_acceptance_is_a_logged_decision(marked, capsys):
    """The way out: a chief judge accepts, with a reason; the note stays in verify for good."""
    cut_tail(marked, 4)
    Path(f"{marked}.head").unlink()
    for args, needle in (
        (["--actor", "J1", "--reason", "x"], "only a chief judge"),
        (["--actor", "K1", "--reason", " "], "needs a reason"),
    ):
        assert main(["--lang", "en", "accept-checkpoint", str(marked), *args]) == 1
        assert needle in capsys.readouterr().err
    assert (
        main(["--lang", "en", "accept-checkpoint", str(marked), "--actor", "K1", "--reason", "备份漏拷"]) == 0
    )
    capsys.readouterr()
    code, out = run_mark(marked, capsys)
    assert code == 0, out
    code, out = run_verify(marked, capsys)
    assert code == 0
    assert "the checkpoint file was missing; accepted by K1 at" in out and "备份漏拷" in out
    assert main(["--lang", "en", "accept-checkpoint", str(marked), "--actor", "K1", "--reason", "again"]) == 1
    assert "nothing to accept" in capsys.readouterr().err
