"""The hash chain over the log: each row's hash covers its content and the previous row's hash.

Chains are per station (each laptop appends its own rows; rows from other stations arrive by sync
with their chain intact), so a station's rows can be verified and replicated on their own.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


# Built once: json.dumps with options builds a new encoder per call (a cost on every mark).
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_FIELDS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def canonical(payload: Any) -> str:
    """The one text of a payload that is stored and hashed: sorted keys, no spaces, UTF-8."""
    return _CANONICAL.encode(payload)


def row_hash(
    station: str,
    seq: int,
    kind: str,
    payload: str,
    actor: str,
    source: str,
    raw: bytes | None,
    time: str,
    prev_hash: str,
) -> str:
    fields = [station, seq, kind, payload, actor, source, None if raw is None else raw.hex(), time, prev_hash]
    data = _FIELDS.encode(fields).encode("utf-8")
    return hashlib.sha256(data).hexdigest()
