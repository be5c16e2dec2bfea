"""This laptop's station identity: an Ed25519 key pair kept in the user data folder.

The key is made on first need and never leaves the data folder: never inside a competition file,
never printed or logged (`Identity` has no way to show it; its repr names the station only). The
station id is derived from the public key — "ST-" + the first 12 hex digits (upper case) of the
SHA-256 of the raw 32-byte public key — so a laptop restored from a backup without its key, or a
competition file copied to another laptop, writes under another station id: a new chain, never a
fork of an old one.

Beside the key the station keeps, per competition file (by its db id), the newest checkpoint it
signed, so a rollback of that file (an older `.head` put back, a tail cut) is noticed on this laptop.

Vocabulary layer: imports nothing from scorer.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scorer.resources import data_dir, write_whole

if TYPE_CHECKING:  # `cryptography` loads on the first signature made or checked, not at start-up
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

KEY_NAME = "station.key"
FOLDER = "station"
CHECKPOINTS = "checkpoints"

_lock = threading.Lock()
_cache: dict[Path, Identity] = {}


def station_folder() -> Path:
    return data_dir() / FOLDER


def station_id_of(public_key: bytes) -> str:
    """The station id of a raw 32-byte Ed25519 public key."""
    return "ST-" + hashlib.sha256(public_key).hexdigest()[:12].upper()


@dataclass(frozen=True)
class Identity:
    """This laptop's station: its id, its raw public key, and signing (the private key stays inside,
    read from its file on the first signature)."""

    id: str
    public_key: bytes
    _path: Path = field(repr=False, compare=False)
    _key: list[Ed25519PrivateKey] = field(default_factory=list, repr=False, compare=False)

    def sign(self, data: bytes) -> bytes:
        if not self._key:
            key = _read_key(self._path)
            if _public_of(key) != self.public_key:
                raise ValueError(f"the station key {self._path} was replaced while in use")
            self._key.append(key)
        return self._key[0].sign(data)

    @property
    def public_hex(self) -> str:
        return self.public_key.hex()

    def __repr__(self) -> str:
        return f"Identity({self.id})"


def verify_signature(public_key: bytes | str, data: bytes, signature: bytes | str) -> bool:
    """Is `signature` the signature of `data` by the holder of `public_key` (raw bytes or hex)?"""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        pub = bytes.fromhex(public_key) if isinstance(public_key, str) else public_key
        sig = bytes.fromhex(signature) if isinstance(signature, str) else signature
        Ed25519PublicKey.from_public_bytes(pub).verify(sig, data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _private_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):  # not every filesystem keeps modes (Windows, FAT sticks)
        os.chmod(folder, 0o700)


def _make_key(path: Path) -> None:
    """Write a new private key to `path` (0600), unless another process got there first: written
    whole to a temporary name, then linked into place (never replaces an existing key)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        # the public key on a second line: the station id is known without loading `cryptography`
        os.write(fd, raw.hex().encode() + b"\n" + _public_of(key).hex().encode() + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # another process made the key a moment ago: use that one
    except OSError:  # a filesystem without hard links
        if not path.exists():
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _lines(path: Path) -> list[str]:
    lines = path.read_text("ascii").split()
    if not lines or not all(re.fullmatch(r"[0-9a-f]{64}", x) for x in lines[:2]):
        raise ValueError(f"the station key {path} is damaged")  # never shows the key's text
    return lines


def _read_key(path: Path) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(_lines(path)[0]))


def _public_of(key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _public_key(path: Path) -> bytes:
    """The key file's public key: its second line, or (a key written by an earlier version, one
    line) derived from the private key."""
    lines = _lines(path)
    if len(lines) >= 2:
        return bytes.fromhex(lines[1])
    pub = _public_of(_read_key(path))
    with contextlib.suppress(OSError):  # best effort: the next read derives it again
        write_whole(path, f"{lines[0]}\n{pub.hex()}\n".encode(), mode=0o600)
    return pub


def identity() -> Identity:
    """This laptop's station identity, made on first need (the key 0600 in a 0700 folder)."""
    return key_at(station_folder())


def key_at(folder: Path) -> Identity:
    """The identity whose key is `folder`/station.key, made on first need (0600 in a 0700 folder):
    this laptop's station, or headquarters' own key (scorer.hq) in its data folder."""
    with _lock:
        cached = _cache.get(folder)
        path = folder / KEY_NAME
        if cached is not None and path.exists():
            return cached
        _private_folder(folder)
        if not path.exists():
            _make_key(path)
        pub = _public_key(path)
        ident = Identity(station_id_of(pub), pub, path)
        _cache[folder] = ident
        return ident


# ------------------------------------------------------------ the newest signed checkpoint per file


def _kept_path(db_id: str) -> Path:
    if not re.fullmatch(r"[0-9A-Za-z_-]{1,64}", db_id):
        raise ValueError("a competition file's id is letters, digits, - and _")
    return station_folder() / CHECKPOINTS / f"{db_id}.head"


def keep_checkpoint(db_id: str, data: bytes, durable: bool = True) -> None:
    """Keep `data` (a signed checkpoint this station wrote for file `db_id`) beside the key:
    temp (+ fsync if `durable`) + rename, so a kill leaves the old or the new. The checkpoint
    writer passes durable=False: an fsync per mark would queue behind the judge's own, and a kept
    copy lost to a power cut is only an older one (never a false alarm)."""
    path = _kept_path(db_id)
    _private_folder(path.parent.parent)
    _private_folder(path.parent)
    write_whole(path, data, mode=0o600, durable=durable)


def kept_checkpoint(db_id: str) -> bytes | None:
    """The signed checkpoint this station last kept for file `db_id`, None if none."""
    try:
        return _kept_path(db_id).read_bytes()
    except (OSError, ValueError):  # none kept, or a data folder that cannot be read
        return None
