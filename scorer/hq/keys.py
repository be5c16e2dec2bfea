"""Headquarters' identity: its own Ed25519 key in its data folder (the same key code as a station's,
scorer.station.key_at), its id "HQ-…" derived from the public key, and where its files live."""

from __future__ import annotations

import os
from pathlib import Path

from scorer.errors import ScorerError
from scorer.resources import data_dir
from scorer.station import Identity, key_at
from scorer.sync import wire

DB_NAME = "hq.sqlite"


def data_folder(given: str | Path | None = None) -> Path:
    """Headquarters' data folder: `given` (--data), else the user data folder's "hq"."""
    return Path(given) if given else data_dir() / "hq"


def default_db(folder: Path) -> str:
    """The default database: an SQLite file in the data folder."""
    return str(folder / DB_NAME)


def hq_identity(folder: Path) -> Identity:
    """Headquarters' key (folder/key/station.key), made on first need; a bilingual error if the
    folder cannot hold it."""
    try:
        return key_at(folder / "key")
    except (OSError, ValueError) as exc:
        raise ScorerError(
            f"总部的密钥不能读取或建立（{folder / 'key'}：{exc}）",
            f"headquarters' key cannot be read or made ({folder / 'key'}: {exc})",
        ) from None


def hq_id(identity: Identity) -> str:
    """Headquarters' id as venues see it: "HQ-" + 12 hex digits of its public key's hash."""
    return wire.key_id(identity.public_hex, "HQ")


def default_name() -> str:
    return os.environ.get("SCORER_HQ_NAME") or "总部 / Headquarters"
