"""The OpenAPI description of headquarters' bodies (docs/sync-format.md as JSON Schema).

The endpoints read their bodies as raw bytes (the signatures are over exact bytes, parsed by
wire.py), so FastAPI cannot infer these; they are declared here so /openapi.json documents the API
and a property-based tester (schemathesis) can generate bodies from it.
"""

from __future__ import annotations

from typing import Any

HEX64 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
SIG = {"type": "string", "pattern": "^[0-9a-f]{128}$"}
ID = {"type": "string", "pattern": "^[0-9A-Za-z_-]{1,64}$"}
STATION = {"type": "string", "pattern": "^ST-[0-9A-F]{12}$"}
HQ = {"type": "string", "pattern": "^HQ-[0-9A-F]{12}$"}
COUNT = {"type": "integer", "minimum": 0}


def _obj(props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": sorted(props), "additionalProperties": False}


ENTRY = _obj(
    {
        "station": STATION,
        "seq": {"type": "integer", "minimum": 1},
        "kind": {"type": "string"},
        "payload": {"type": "string", "description": "the payload's canonical JSON text"},
        "actor": {"type": "string"},
        "source": {"type": "string"},
        "raw": {"anyOf": [{"type": "string", "pattern": "^([0-9a-f]{2})*$"}, {"type": "null"}]},
        "time": {"type": "string"},
        "prev_hash": HEX64,
        "hash": HEX64,
    }
)

BATCH = _obj(
    {
        "format": {"type": "string", "enum": ["scorer-sync-batch"]},
        "version": {"type": "integer", "enum": [1]},
        "venue": ID,
        "db": ID,
        "station": STATION,
        "key": HEX64,
        "package": _obj(
            {"id": {"type": "string"}, "format_version": {"type": "integer"}, "revision": {"type": "integer"}}
        ),
        "first": {"type": "integer", "minimum": 1},
        "last": {"type": "integer", "minimum": 1},
        "prev_hash": HEX64,
        "head_hash": HEX64,
        "count": {"type": "integer", "minimum": 1, "maximum": 5000},
        "entries": {"type": "array", "items": ENTRY, "minItems": 1, "maxItems": 5000},
        "made": {"type": "string"},
        "signature": SIG,
    }
)

ENROL = _obj(
    {
        "format": {"type": "string", "enum": ["scorer-sync-enrol"]},
        "version": {"type": "integer", "enum": [1]},
        "code": {"type": "string", "description": "the one-time code, XXXXX-XXXXX (dash and case optional)"},
        "station": STATION,
        "key": HEX64,
        "name": {"type": "string", "maxLength": 200},
        "signature": SIG,
    }
)

BUNDLE = _obj(
    {
        "format": {"type": "string", "enum": ["scorer-sync-bundle"]},
        "version": {"type": "integer", "enum": [1]},
        "venue": ID,
        "db": ID,
        "station": STATION,
        "key": HEX64,
        "enrol": {"anyOf": [ENROL, {"type": "null"}]},
        "batches": {"type": "array", "items": BATCH},
        "made": {"type": "string"},
        "signature": SIG,
    }
)

RECEIPT = _obj(
    {
        "format": {"type": "string", "enum": ["scorer-sync-receipt"]},
        "version": {"type": "integer", "enum": [1]},
        "hq": HQ,
        "venue": ID,
        "db": ID,
        "station": STATION,
        "count": COUNT,
        "last_seq": COUNT,
        "head_hash": HEX64,
        "time": {"type": "string"},
        "signature": SIG,
    }
)

ENROLMENT = _obj(
    {"venue": ID, "venue_name": {"type": "string"}, "station": STATION, "hq": HQ, "hq_key": HEX64}
)

RECEIPTS_FILE = _obj(
    {
        "format": {"type": "string", "enum": ["scorer-sync-receipts"]},
        "version": {"type": "integer", "enum": [1]},
        "hq": HQ,
        "hq_key": HEX64,
        "enrolment": {"anyOf": [ENROLMENT, {"type": "null"}]},
        "receipts": {"type": "array", "items": RECEIPT},
        "refused": {
            "type": "array",
            "items": _obj(
                {
                    "first": {"type": ["integer", "null"]},
                    "last": {"type": ["integer", "null"]},
                    "code": {"type": "string"},
                    "zh": {"type": "string"},
                    "en": {"type": "string"},
                    "seq": {"type": ["integer", "null"]},
                }
            ),
        },
        "made": {"type": "string"},
        "signature": SIG,
    }
)

HQ_INFO = _obj({"hq": HQ, "key": HEX64, "name": {"type": "string"}, "version": {"type": "integer"}})

ERROR = _obj(
    {
        "error": _obj(
            {
                "code": {"type": "string"},
                "zh": {"type": "string"},
                "en": {"type": "string"},
                "seq": {"type": ["integer", "null"]},
            }
        )
    }
)


def body(schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    """`openapi_extra` declaring a required request body of `schema`."""
    return {"requestBody": {"required": True, "content": {media: {"schema": schema}}}}


def answers(ok: dict[str, Any], *errors: int) -> dict[int | str, dict[str, Any]]:
    """`responses` for a route: 200 with `ok`, and the error object for each of `errors`."""
    out: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {"schema": ok}}}}
    for status in errors:
        out[status] = {"description": "refused", "content": {"application/json": {"schema": ERROR}}}
    return out
