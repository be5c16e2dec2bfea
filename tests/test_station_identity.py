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
