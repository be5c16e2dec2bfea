"""Station identity (issue 16, item 1): this laptop's Ed25519 key, the station id derived from it,
and the checkpoint signed with it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from scorer import station


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_key_is_made_once_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORER_DATA_DIR", str(tmp_path / "laptop"))
    first = station.identity()
    key = tmp_path / "laptop" / "station" / "station.key"
    assert key.is_file()
    assert _mode(key) == 0o600
    assert _mode(key.parent) == 0o700
    made = key.stat().st_mtime_ns
    again = station.identity()
    assert again.id == first.id and again.public_key == first.public_key
    station._cache.clear()  # a new process reads the same key
    assert station.identity().id == first.id
    assert key.stat().st_mtime_ns == made
    assert [p.name for p in key.parent.iterdir()] == ["station.key"]  # no temporary file left


def test_station_id_is_derived_from_the_public_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib
    import re

    monkeypatch.setenv("SCORER_DATA_DIR", str(tmp_path / "a"))
    a = station.identity()
    assert re.fullmatch(r"ST-[0-9A-F]{12}", a.id)
    assert a.id == "ST-" + hashlib.sha256(a.public_key).hexdigest()[:12].upper()
    assert a.id == station.station_id_of(a.public_key)
    monkeypatch.setenv("SCORER_DATA_DIR", str(tmp_path / "b"))
    b = station.identity()
    assert b.id != a.id  # another laptop, another station


def test_a_laptop_restored_without_its_key_is_a_new_station(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCORER_DATA_DIR", str(tmp_path / "a"))
    before = station.identity()
    (tmp_path / "a" / "station" / "station.key").unlink()
    assert station.identity().id != before.id


def test_signatures_check_with_the_public_key_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORER_DATA_DIR", str(tmp_path / "a"))
    ident = station.identity()
    sig = ident.sign(b"heads")
    assert station.verify_signature(ident.public_key, b"heads", sig)
    assert station.verify_signature(ident.public_hex, b"heads", sig.hex())
    assert not station.verify_signature(ident.public_key, b"heads!", sig)
    assert not station.verify_signature(ident.public_key, b"heads", b"x" * 64)
    assert not station.verify_signature("zz", b"heads", sig)


def test_the_private_key_is_never_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORER_DATA_DIR", str(tmp_path / "a"))
    ident = station.identity()
    secret = (tmp_path / "a" / "station" / "station.key").read_text().strip()
    for shown in (repr(ident), str(ident), f"{ident!r}"):
        assert secret not in shown and ident.id in shown


def test_kept_checkpoint_is_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORER_DATA_DIR", str(tmp_path / "a"))
    assert station.kept_checkpoint("abc") is None
    station.keep_checkpoint("abc", b"one")
    station.keep_checkpoint("abc", b"two")
    assert station.kept_checkpoint("abc") == b"two"
    kept = tmp_path / "a" / "station" / "checkpoints" / "abc.head"
    assert _mode(kept) == 0o600 and _mode(kept.parent) == 0o700
    with pytest.raises(ValueError):
        station.keep_checkpoint("../x", b"no")


# ------------------------------------------------------------ the store writes under this laptop's station


def _laptop(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str) -> station.Identity:
    monkeypatch.setenv("SCORER_DATA_DIR", str(tmp_path / name))
    return station.identity()


def _marked_file(tmp_path: Path, mini_comp) -> Path:
    from scorer.store import Store

    path = tmp_path / "comp.scorer"
    with Store.create(path, "一号机") as s:
        s.set_competition(mini_comp, "C1")
        for code, value in (("C01", "24.010"), ("C02", "24.030"), ("C03", "24.000")):
            s.record_mark(judge="J1", contestant=code, aspect="A1.1", value=value)
    return path


def _verify(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from scorer.cli import main

    code = main(["--lang", "en", "verify", str(path)])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_the_file_is_written_under_this_laptops_station(tmp_path, monkeypatch, mini_comp):
    from scorer.store import Store

    a = _laptop(monkeypatch, tmp_path, "a")
    path = _marked_file(tmp_path, mini_comp)
    for _ in range(2):
        with Store.open(path) as s:
            assert s.station.id == a.id == s.creator.id
            init = next(s.log(("station.init",)))
            assert (init.station, init.seq, init.payload["key"]) == (a.id, 1, a.public_hex)
    assert {r.station for r in Store.open(path, readonly=True).log()} == {a.id}


def test_a_copied_file_appends_under_the_second_laptops_station(tmp_path, monkeypatch, mini_comp, capsys):
    """A file copied to another laptop gets that laptop's own chain (its station.init first, through
    the same door), the checkpoint is then signed by that laptop, and verify passes with two chains —
    on either laptop."""
    import shutil

    from scorer.store import Store
    from scorer.store.checkpoint import read

    a = _laptop(monkeypatch, tmp_path, "a")
    path = _marked_file(tmp_path, mini_comp)
    copy = tmp_path / "usb" / "comp.scorer"
    copy.parent.mkdir()
    shutil.copy(path, copy)
    shutil.copy(f"{path}.head", f"{copy}.head")
    b = _laptop(monkeypatch, tmp_path, "b")
    assert b.id != a.id
    with Store.open(copy) as s:
        assert (s.station.id, s.creator.id) == (b.id, a.id)
        s.record_mark(judge="J1", contestant="C01", aspect="A1.2", value="1.6")
        mine = [(r.seq, r.kind) for r in s.log() if r.station == b.id]
        assert mine == [(1, "station.init"), (2, "mark")]
        assert next(r for r in s.log() if r.station == b.id).payload["key"] == b.public_hex
    cp = read(copy)
    assert cp is not None and cp.signer == b.id and set(cp.heads) == {a.id, b.id}
    code, out = _verify(copy, capsys)
    assert code == 0 and "from 2 station(s)" in out, out
    _laptop(monkeypatch, tmp_path, "a")  # back on the first laptop: the copy checks there too
    code, out = _verify(copy, capsys)
    assert code == 0 and "from 2 station(s)" in out, out
    with Store.open(copy) as s:  # and it goes on under its own station
        s.record_mark(judge="J1", contestant="C02", aspect="A1.2", value="1.6")
    code, out = _verify(copy, capsys)
    assert code == 0, out


def test_a_laptop_restored_without_its_key_writes_a_new_chain(tmp_path, monkeypatch, mini_comp):
    from scorer.store import Store

    a = _laptop(monkeypatch, tmp_path, "a")
    path = _marked_file(tmp_path, mini_comp)
    (tmp_path / "a" / "station" / "station.key").unlink()
    with Store.open(path) as s:
        assert s.station.id != a.id
        s.record_mark(judge="J1", contestant="C01", aspect="A1.2", value="1.6")
        assert len({r.station for r in s.log()}) == 2


# ------------------------------------------------------------ the signed checkpoint against three attacks


def _append_forged_row(path: Path) -> int:
    """A row that links and hashes correctly, added with the sqlite3 shell: its seq."""
    import sqlite3

    from scorer.store.chain import row_hash

    conn = sqlite3.connect(path)
    st, seq, last = conn.execute("SELECT station, seq, hash FROM log ORDER BY id DESC LIMIT 1").fetchone()
    payload = '{"aspect":"A1.1","contestant":"C04","event":"CNC","judge":"J1","slot":"","value":"25.000"}'
    time = "2026-11-21T10:00:00.000000Z"
    digest = row_hash(st, seq + 1, "mark", payload, "J1", "keyboard", None, time, last)
    conn.execute(
        "INSERT INTO log (station, seq, kind, payload, actor, source, raw, time, prev_hash, hash)"
        " VALUES (?, ?, 'mark', ?, 'J1', 'keyboard', NULL, ?, ?, ?)",
        (st, seq + 1, payload, time, last, digest),
    )
    rid = conn.execute("SELECT max(id) FROM log").fetchone()[0]
    conn.execute(
        "INSERT INTO marks (contestant, aspect, slot, event, judge, value, log_id, first_id)"
        " VALUES ('C04', 'A1.1', '', 'CNC', 'J1', '25.000', ?, ?)",
        (rid, rid),
    )
    conn.commit()
    conn.close()
    return seq + 1


def test_an_appended_row_with_a_recomputed_hash_is_reported_unsigned(
    tmp_path, monkeypatch, mini_comp, capsys
):
    _laptop(monkeypatch, tmp_path, "a")
    path = _marked_file(tmp_path, mini_comp)
    seq = _append_forged_row(path)
    code, out = _verify(path, capsys)
    # everything else agrees (chain, marks table): the row is named as not signed
    assert code == 0 and f"(seq {seq}–{seq}) are after the checkpoint, not signed" in out, out


def _cut_and_rebuild(path: Path, signer: station.Identity | None, claim: str | None = None) -> None:
    """Cut the newest row, then write a checkpoint that matches what is left."""
    import sqlite3

    from scorer.store import checkpoint, health

    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER IF EXISTS log_no_delete")
    newest = conn.execute("SELECT max(id) FROM log").fetchone()[0]
    conn.execute("DELETE FROM marks WHERE log_id = ?", (newest,))
    conn.execute("DELETE FROM log WHERE id = ?", (newest,))
    conn.commit()
    heads, _stats = health.file_heads(conn)
    db_id = conn.execute("SELECT value FROM meta WHERE key = 'db_id'").fetchone()[0]
    conn.close()
    if claim is not None and signer is not None:  # the forger's key, claiming the file's station
        signer = station.Identity(claim, signer.public_key, signer._path)
    Path(f"{path}.head").write_bytes(checkpoint.encode(checkpoint.Checkpoint(db_id, heads), signer))


@pytest.mark.parametrize("forger", ["unsigned", "another key", "another key, claiming the station"])
def test_a_cut_tail_with_a_rebuilt_checkpoint_fails_verify_anywhere(
    tmp_path, monkeypatch, mini_comp, capsys, forger
):
    import sqlite3

    a = _laptop(monkeypatch, tmp_path, "a")
    path = _marked_file(tmp_path, mini_comp)
    conn = sqlite3.connect(path)
    triggers = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    conn.close()
    assert any("delete" in t for t in triggers)
    attacker = _laptop(monkeypatch, tmp_path, "attacker")
    signer = None if forger == "unsigned" else attacker
    _cut_and_rebuild(path, signer, a.id if forger.endswith("station") else None)
    _laptop(monkeypatch, tmp_path, "elsewhere")  # checked on a laptop that never saw the file
    code, out = _verify(path, capsys)
    assert code == 1, out
    assert ("not signed" if forger == "unsigned" else "signature is not valid") in out, out


def test_an_older_signed_checkpoint_put_back_is_a_rollback_on_the_signing_laptop(
    tmp_path, monkeypatch, mini_comp, capsys
):
    """The tail cut by one row and the genuine, signed checkpoint of that moment put back: the
    file and its .head agree, and only the laptop that signed the newer checkpoint can tell."""
    import shutil
    import sqlite3

    from scorer.store import Store

    _laptop(monkeypatch, tmp_path, "a")
    path = _marked_file(tmp_path, mini_comp)
    older = Path(f"{path}.head").read_bytes()
    shutil.copy(path, tmp_path / "older.scorer")
    with Store.open(path) as s:
        s.record_mark(judge="J1", contestant="C01", aspect="A1.2", value="1.6")
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER IF EXISTS log_no_delete")
    newest = conn.execute("SELECT max(id) FROM log").fetchone()[0]
    conn.execute("DELETE FROM marks WHERE log_id = ?", (newest,))
    conn.execute("DELETE FROM log WHERE id = ?", (newest,))
    conn.commit()
    conn.close()
    Path(f"{path}.head").write_bytes(older)
    code, out = _verify(path, capsys)
    assert code == 1 and "this laptop signed a checkpoint" in out, out
    with pytest.raises(Exception, match=r"this laptop signed|本机曾"), Store.open(path) as s:
        s.record_mark(judge="J1", contestant="C02", aspect="A1.2", value="1.6")
    _laptop(monkeypatch, tmp_path, "elsewhere")  # what another laptop cannot know (receipts will)
    code, out = _verify(path, capsys)
    assert code == 0, out


def test_the_private_key_is_never_in_the_file_nor_in_any_output(tmp_path, monkeypatch, capsys):
    from scorer.cli import main

    from .test_cli import MINI

    _laptop(monkeypatch, tmp_path, "a")
    path = tmp_path / "c.scorer"
    outputs = []
    for args in (
        ["init", str(path), "--package", str(MINI), "--station-name", "一号机"],
        ["mark", str(path), "-j", "J1", "-c", "C01", "-a", "A1.1", "24.010"],
        ["info", str(path), "--json"],
        ["verify", str(path), "--json"],
        ["verify", str(path)],
    ):
        main(args)
        out = capsys.readouterr()
        outputs.append(out.out + out.err)
    secret_hex = (tmp_path / "a" / "station" / "station.key").read_text().strip()
    secret = bytes.fromhex(secret_hex)
    ident = station.identity()
    assert repr(ident) == f"Identity({ident.id})"
    everything = b"".join(p.read_bytes() for p in tmp_path.glob("c.scorer*"))
    for blob in [
        everything,
        *(o.encode() for o in outputs),
        *(p.read_bytes() for p in tmp_path.rglob("*.log")),
    ]:
        assert (
            secret not in blob and secret_hex.encode() not in blob and secret_hex.upper().encode() not in blob
        )
    assert ident.public_hex.encode() in everything  # the public key is in the file, by design


def test_a_file_from_an_earlier_version_has_an_unsigned_checkpoint_note(tmp_path, capsys):
    import shutil

    fixture = Path(__file__).parent / "data" / "schema-v1.scorer"
    copy = tmp_path / "old.scorer"
    shutil.copy(fixture, copy)
    shutil.copy(f"{fixture}.head", f"{copy}.head")
    code, out = _verify(copy, capsys)
    assert code == 0 and "not signed (written by an earlier version" in out, out


def test_a_data_folder_that_cannot_hold_the_key_is_a_clear_error(tmp_path, monkeypatch, mini_comp):
    from scorer.errors import ScorerError
    from scorer.store import Store

    _laptop(monkeypatch, tmp_path, "a")
    path = _marked_file(tmp_path, mini_comp)
    (tmp_path / "not-a-folder").write_text("x")
    monkeypatch.setenv("SCORER_DATA_DIR", str(tmp_path / "not-a-folder"))
    with pytest.raises(ScorerError, match="station key cannot be read or made"):
        Store.open(path)
    Store.open(path, readonly=True).close()  # reading needs no key
