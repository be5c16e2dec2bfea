"""The hash chain over the log: each row's hash covers its content and the previous row's hash.

Chains are per station (each laptop appends its own rows; rows from other stations arrive by sync
with their chain intact), so a station's rows can be verified and replicated on their own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

GENESIS = "0" * 64


# Built once: json.dumps with options builds a new encoder per call (a cost on every mark).
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_FIELDS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _c_encoder(options: json.JSONEncoder, sort_keys: bool) -> Callable[[Any], str]:
    """`options.encode`, with the C encoder built once instead of on every call (what `encode`
    does): the same text. Payloads are never circular, so no circular-reference check."""
    if c_make_encoder is None:  # no C accelerator: the plain encoder
        return options.encode
    make = c_make_encoder(None, options.default, encode_basestring, None, ":", ",", sort_keys, False, True)
    return lambda o: "".join(make(o, 0))


_canonical = _c_encoder(_CANONICAL, sort_keys=True)
_fields = _c_encoder(_FIELDS, sort_keys=False)


def canonical(payload: Any) -> str:
    """The one text of a payload that is stored and hashed: sorted keys, no spaces, UTF-8."""
    return _canonical(payload)


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
    return fields_hash(
        [station, seq, kind, payload, actor, source, None if raw is None else raw.hex(), time, prev_hash]
    )


def fields_hash(fields: list[Any]) -> str:
    """The hash of a row given as its hashed fields, `raw` already as hex (what travels in a sync
    batch): [station, seq, kind, payload, actor, source, raw-hex | None, time, prev_hash]."""
    return hashlib.sha256(_fields(fields).encode("utf-8")).hexdigest()
