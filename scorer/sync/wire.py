"""The bytes that travel between a venue and headquarters: batches, receipts, bundles (docs/sync-format.md).

One format for the network and the USB stick: a push sends signed batches, a bundle is the same
signed batches in a signed envelope. Every object is canonical JSON (sorted keys, no spaces, UTF-8,
as the log hashes its payloads) and signed with Ed25519 over its canonical bytes without the
`signature` field. Parsing is strict — unknown or missing fields, wrong types, a hash that does not
match, a broken chain, a bad signature: `SyncRefused` with a located bilingual reason and a stable
`code`, and the caller stores nothing.

Pure: no file, no network, no database. Both sides (scorer.sync, scorer.hq) use it.
"""

from __future__ import annotations

import hashlib
import json
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scorer.errors import ScorerError
from scorer.station import Identity, station_id_of, verify_signature
from scorer.store import Row
from scorer.store.chain import GENESIS, canonical, fields_hash

VERSION = 1
BATCH = "scorer-sync-batch"
RECEIPT = "scorer-sync-receipt"
BUNDLE = "scorer-sync-bundle"
RECEIPTS = "scorer-sync-receipts"
ENROL = "scorer-sync-enrol"

MAX_BATCH = 5000  # entries in one batch (a push sends batches of `BATCH_SIZE`)
BATCH_SIZE = 2000

_HEX64 = re.compile(r"[0-9a-f]{64}")
_SIG = re.compile(r"[0-9a-f]{128}")
_STATION = re.compile(r"ST-[0-9A-F]{12}")
_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


class SyncRefused(ScorerError):
    """Headquarters (or the venue) refuses a whole batch, bundle or receipt; nothing was stored.

    `code` is stable for programs ("signature", "hash", "chain", "gap", "fork", "format", …);
    `seq` locates the first offending entry when there is one."""

    def __init__(self, code: str, zh: str, en: str, seq: int | None = None):
        super().__init__(zh, en)
        self.code = code
        self.seq = seq

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "zh": self.zh, "en": self.en, "seq": self.seq}


def _bad(zh: str, en: str, seq: int | None = None, code: str = "format") -> SyncRefused:
    return SyncRefused(code, zh, en, seq)


# ------------------------------------------------------------ canonical bytes and signatures


def encode(obj: dict[str, Any]) -> bytes:
    """The canonical bytes of an object (what is signed, sent and written to a bundle)."""
    return canonical(obj).encode("utf-8")


def signed_part(obj: dict[str, Any]) -> bytes:
    return encode({k: v for k, v in obj.items() if k != "signature"})


def sign(obj: dict[str, Any], identity: Identity) -> dict[str, Any]:
    """`obj` with its `signature` (hex) by `identity` over its canonical bytes."""
    body = {k: v for k, v in obj.items() if k != "signature"}
    return {**body, "signature": identity.sign(encode(body)).hex()}


def signature_ok(obj: dict[str, Any], public_key: str) -> bool:
    sig = obj.get("signature")
    return isinstance(sig, str) and verify_signature(public_key, signed_part(obj), sig)


def signature_ok_as_sent(obj: dict[str, Any], data: bytes, public_key: str) -> bool:
    """`signature_ok`, checked on the bytes as received when the sender wrote them canonically
    (what Scorer sends): the bytes with the top-level `"signature":"…"` member taken out are what was
    signed, so nothing is encoded again (a batch of 2,000 entries: ~9 ms saved). Any other layout —
    or a bad signature — is decided by `signature_ok` on the parsed object."""
    sig = obj.get("signature")
    if isinstance(sig, str) and _SIG.fullmatch(sig):
        member = b'"signature":"' + sig.encode() + b'"'
        if data.count(member) == 1:
            for cut in (b"," + member, member + b","):
                if data.count(cut) == 1:
                    signed = data.replace(cut, b"", 1).rstrip(b"\n")
                    if verify_signature(public_key, signed, sig):
                        return True
                    break
    return signature_ok(obj, public_key)


def key_id(public_key_hex: str, prefix: str = "ST") -> str:
    """The id of a public key: "ST-…" for stations (scorer.station), "HQ-…" for headquarters."""
    return prefix + station_id_of(bytes.fromhex(public_key_hex))[2:]


def fingerprint(head_hash: str, count: int) -> str:
    """A short fingerprint of a station's log as held: shown to people ("指纹 3F9A2C1B")."""
    return hashlib.sha256(f"{count}:{head_hash}".encode()).hexdigest()[:8].upper()


def parse(data: bytes, what_zh: str, what_en: str) -> dict[str, Any]:
    """Strict JSON object from bytes (UTF-8, an object at the top)."""
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(f"{what_zh}不是有效的 JSON（{exc}）", f"the {what_en} is not valid JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise _bad(f"{what_zh}应为 JSON 对象", f"the {what_en} must be a JSON object")
    return obj


def _fields(obj: Any, spec: dict[str, Any], where_zh: str, where_en: str, seq: int | None = None) -> None:
    """`obj` has exactly the fields of `spec` (name → type or tuple of types)."""
    if not isinstance(obj, dict):
        raise _bad(f"{where_zh}应为 JSON 对象", f"{where_en} must be a JSON object", seq)
    missing = sorted(set(spec) - set(obj))
    extra = sorted(set(obj) - set(spec))
    if missing or extra:
        raise _bad(
            f"{where_zh}的字段不对（缺少：{'、'.join(missing) or '无'}；多出：{'、'.join(extra) or '无'}）",
            f"{where_en} has wrong fields (missing: {', '.join(missing) or 'none'}; "
            f"unexpected: {', '.join(extra) or 'none'})",
            seq,
        )
    for name, kind in spec.items():
        value = obj[name]
        ok = isinstance(value, kind) and not (isinstance(value, bool) and kind is int)
        if not ok:
            raise _bad(
                f"{where_zh}的字段 {name} 类型不对", f"{where_en}: field {name} has the wrong type", seq
            )


def _match(pattern: re.Pattern[str], value: str, name: str, where_zh: str, where_en: str) -> None:
    if not pattern.fullmatch(value):
        raise _bad(f"{where_zh}的字段 {name} 格式不对", f"{where_en}: field {name} is malformed")


def _header(obj: dict[str, Any], fmt: str, where_zh: str, where_en: str) -> None:
    if obj.get("format") != fmt or obj.get("version") != VERSION:
        raise _bad(
            f"{where_zh}的格式不是 {fmt} 第 {VERSION} 版",
            f"{where_en} is not {fmt} version {VERSION}",
        )


# ------------------------------------------------------------ entries (log rows on the wire)

_ENTRY = {
    "station": str,
    "seq": int,
    "kind": str,
    "payload": str,
    "actor": str,
    "source": str,
    "raw": (str, type(None)),
    "time": str,
    "prev_hash": str,
    "hash": str,
}


_ENTRY_FIELDS = operator.itemgetter(*_ENTRY)
_RAW = re.compile(r"(?:[0-9a-f]{2})*")


def _entry_problem(entry: Any, seq: int) -> None:
    """Raise the located refusal for an entry that failed the inline check."""
    where_zh, where_en = f"序号 {seq} 的记录", f"the entry with seq {seq}"
    _fields(entry, _ENTRY, where_zh, where_en, seq)
    raise _bad(f"{where_zh}的 raw 不是十六进制", f"{where_en}: raw is not hex", seq)


def entry_of(row: Row) -> dict[str, Any]:
    """A log row on the wire: every field as hashed (`payload` is the canonical text; `raw` hex)."""
    return {
        "station": row.station,
        "seq": row.seq,
        "kind": row.kind,
        "payload": row.payload,
        "actor": row.actor,
        "source": row.source,
        "raw": None if row.raw is None else row.raw.hex(),
        "time": row.time,
        "prev_hash": row.prev_hash,
        "hash": row.hash,
    }


def row_of(entry: dict[str, Any]) -> Row:
    raw = entry["raw"]
    return Row(
        entry["station"],
        entry["seq"],
        entry["kind"],
        entry["payload"],
        entry["actor"],
        entry["source"],
        None if raw is None else bytes.fromhex(raw),
        entry["time"],
        entry["prev_hash"],
        entry["hash"],
    )


# ------------------------------------------------------------ batches

_BATCH = {
    "format": str,
    "version": int,
    "venue": str,
    "db": str,
    "station": str,
    "key": str,
    "package": dict,
    "first": int,
    "last": int,
    "prev_hash": str,
    "head_hash": str,
    "count": int,
    "entries": list,
    "made": str,
    "signature": str,
}
_PACKAGE = {"id": str, "format_version": int, "revision": int}


@dataclass(frozen=True)
class Batch:
    """A checked batch: its fields, and its entries (as received; `rows()` as log rows)."""

    venue: str
    db: str
    station: str
    key: str
    package: dict[str, Any]
    first: int
    last: int
    prev_hash: str
    head_hash: str
    made: str
    signature: str
    data: dict[str, Any]  # the batch as received (for keeping a fork's other version whole)

    def rows(self) -> list[Row]:
        """The entries as log rows (built on demand: headquarters stores the entries as received)."""
        return [row_of(e) for e in self.data["entries"]]


def batch_body(
    identity: Identity,
    *,
    venue: str,
    db: str,
    package: dict[str, Any],
    rows: list[Row],
    made: str,
) -> dict[str, Any]:
    """A batch of this station's contiguous rows, not yet signed (`rows` non-empty, one station,
    in seq order)."""
    assert rows and all(r.station == identity.id for r in rows), "a station sends only its own rows"
    return {
        "format": BATCH,
        "version": VERSION,
        "venue": venue,
        "db": db,
        "station": identity.id,
        "key": identity.public_hex,
        "package": package,
        "first": rows[0].seq,
        "last": rows[-1].seq,
        "prev_hash": rows[0].prev_hash,
        "head_hash": rows[-1].hash,
        "count": len(rows),
        "entries": [entry_of(r) for r in rows],
        "made": made,
    }


def make_batch(
    identity: Identity,
    *,
    venue: str,
    db: str,
    package: dict[str, Any],
    rows: list[Row],
    made: str,
) -> dict[str, Any]:
    """A signed batch of this station's contiguous rows."""
    return sign(batch_body(identity, venue=venue, db=db, package=package, rows=rows, made=made), identity)


def check_batch(obj: dict[str, Any], data: bytes | None = None) -> Batch:
    """A batch checked on its own: shape, the station id from its key, the signature, and every
    entry's station, hash and link to the one before. What it is checked against (enrolment, what
    headquarters holds) is the receiver's part. SyncRefused naming the first problem."""
    _header(obj, BATCH, "批次", "the batch")
    _fields(obj, _BATCH, "批次", "the batch")
    _fields(obj["package"], _PACKAGE, "批次的 package", "the batch's package")
    for name in ("venue", "db"):
        _match(_ID, obj[name], name, "批次", "the batch")
    _match(_STATION, obj["station"], "station", "批次", "the batch")
    _match(_HEX64, obj["key"], "key", "批次", "the batch")
    for name in ("prev_hash", "head_hash"):
        _match(_HEX64, obj[name], name, "批次", "the batch")
    _match(_SIG, obj["signature"], "signature", "批次", "the batch")
    if key_id(obj["key"]) != obj["station"]:
        raise SyncRefused(
            "station",
            f"批次的站点 {obj['station']} 与其公钥不符",
            f"the batch's station {obj['station']} does not match its public key",
        )
    if not (signature_ok(obj, obj["key"]) if data is None else signature_ok_as_sent(obj, data, obj["key"])):
        raise SyncRefused(
            "signature",
            f"站点 {obj['station']} 的批次签名无效：批次在签名后被改动，或不是该站点签的",
            f"the signature of station {obj['station']}'s batch does not check: the batch was changed "
            "after signing, or that station did not sign it",
        )
    entries = obj["entries"]
    if not entries or len(entries) > MAX_BATCH:
        raise _bad(
            f"批次应含 1–{MAX_BATCH} 条记录（实有 {len(entries)} 条）",
            f"a batch holds 1–{MAX_BATCH} entries (this one has {len(entries)})",
        )
    if obj["count"] != len(entries) or obj["last"] - obj["first"] + 1 != len(entries) or obj["first"] < 1:
        raise SyncRefused(
            "truncated",
            f"批次声明序号 {obj['first']}–{obj['last']} 共 {obj['count']} 条，实有 {len(entries)} 条",
            f"the batch declares seq {obj['first']}–{obj['last']}, {obj['count']} entries, "
            f"but holds {len(entries)}",
        )
    prev = obj["prev_hash"]
    if obj["first"] == 1 and prev != GENESIS:
        raise SyncRefused("chain", "序号 1 的上一行哈希应为全零", "seq 1 must link to the genesis hash", 1)
    station, first = obj["station"], obj["first"]
    for i, entry in enumerate(entries):
        seq = first + i
        # the common case checked inline (this loop runs for every entry headquarters receives)
        try:
            st, q, kind, payload, actor, source, raw, time, prev_hash, hash_ = _ENTRY_FIELDS(entry)
            ok = (
                type(entry) is dict
                and len(entry) == len(_ENTRY)
                and type(q) is int
                and type(st) is str
                and type(kind) is str
                and type(payload) is str
                and type(actor) is str
                and type(source) is str
                and type(time) is str
                and type(prev_hash) is str
                and type(hash_) is str
                and (raw is None or (type(raw) is str and _RAW.fullmatch(raw) is not None))
            )
        except (KeyError, TypeError):
            ok = False
        if not ok:
            _entry_problem(entry, seq)
        if st != station:
            raise SyncRefused(
                "station",
                f"序号 {seq} 的记录属于站点 {st}，不是签名的站点 {station}：站点只能推送自己的记录",
                f"the entry with seq {seq} belongs to station {st}, not to the signing station "
                f"{station}: a station pushes only its own log",
                seq,
            )
        if q != seq:
            raise SyncRefused(
                "order",
                f"第 {i + 1} 条记录的序号是 {q}，应为 {seq}（记录缺失或顺序被打乱）",
                f"entry {i + 1} has seq {q}, expected {seq} (entries missing or reordered)",
                seq,
            )
        if prev_hash != prev:  # `prev` is well formed: the batch's prev_hash, or a checked hash
            raise SyncRefused(
                "chain",
                f"序号 {seq} 的记录没有接上前一条记录（上一行哈希不符）",
                f"the entry with seq {seq} does not link to the entry before it (prev_hash differs)",
                seq,
            )
        if fields_hash([st, q, kind, payload, actor, source, raw, time, prev]) != hash_:
            raise SyncRefused(
                "hash",
                f"序号 {seq} 的记录的哈希与内容不符：内容被改动过",
                f"the entry with seq {seq} does not hash to its hash: its content was changed",
                seq,
            )
        prev = hash_
    if prev != obj["head_hash"]:
        raise SyncRefused(
            "chain",
            "批次的 head_hash 与最后一条记录不符",
            "the batch's head_hash is not its last entry's hash",
            obj["last"],
        )
    return Batch(
        obj["venue"],
        obj["db"],
        obj["station"],
        obj["key"],
        obj["package"],
        obj["first"],
        obj["last"],
        obj["prev_hash"],
        obj["head_hash"],
        obj["made"],
        obj["signature"],
        obj,
    )


# ------------------------------------------------------------ receipts (signed by headquarters)

_RECEIPT = {
    "format": str,
    "version": int,
    "hq": str,
    "venue": str,
    "db": str,
    "station": str,
    "count": int,
    "last_seq": int,
    "head_hash": str,
    "time": str,
    "signature": str,
}


@dataclass(frozen=True)
class Receipt:
    hq: str
    venue: str
    db: str
    station: str
    count: int
    last_seq: int
    head_hash: str
    time: str
    data: dict[str, Any]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.head_hash, self.count)


def make_receipt(
    hq: Identity, *, venue: str, db: str, station: str, count: int, last_seq: int, head_hash: str, time: str
) -> dict[str, Any]:
    """Headquarters' signed statement: it holds `count` entries of (db, station), up to `last_seq`
    with head `head_hash`, at `time`."""
    body = {
        "format": RECEIPT,
        "version": VERSION,
        "hq": key_id(hq.public_hex, "HQ"),
        "venue": venue,
        "db": db,
        "station": station,
        "count": count,
        "last_seq": last_seq,
        "head_hash": head_hash,
        "time": time,
    }
    return sign(body, hq)


def check_receipt(obj: dict[str, Any], hq_key: str) -> Receipt:
    """A receipt checked against headquarters' public key (hex); SyncRefused if it is not one."""
    _header(obj, RECEIPT, "回执", "the receipt")
    _fields(obj, _RECEIPT, "回执", "the receipt")
    if obj["hq"] != key_id(hq_key, "HQ") or not signature_ok(obj, hq_key):
        raise SyncRefused(
            "signature",
            "回执的签名无效：不是本场地登记的总部签发的，或签发后被改动",
            "the receipt's signature does not check: it was not issued by the headquarters this venue "
            "enrolled with, or it was changed afterwards",
        )
    if obj["count"] < 0 or obj["last_seq"] < 0:
        raise _bad("回执的数字不对", "the receipt's numbers are malformed")
    return Receipt(
        obj["hq"],
        obj["venue"],
        obj["db"],
        obj["station"],
        obj["count"],
        obj["last_seq"],
        obj["head_hash"],
        obj["time"],
        obj,
    )


# ------------------------------------------------------------ enrolment requests

_ENROL = {
    "format": str,
    "version": int,
    "code": str,
    "station": str,
    "key": str,
    "name": str,
    "signature": str,
}


def make_enrol(identity: Identity, code: str, name: str) -> dict[str, Any]:
    """This station's signed request to enrol with a one-time code (online or inside a bundle)."""
    body = {
        "format": ENROL,
        "version": VERSION,
        "code": code,
        "station": identity.id,
        "key": identity.public_hex,
        "name": name,
    }
    return sign(body, identity)


def check_enrol(obj: dict[str, Any]) -> dict[str, Any]:
    _header(obj, ENROL, "登记请求", "the enrolment request")
    _fields(obj, _ENROL, "登记请求", "the enrolment request")
    _match(_HEX64, obj["key"], "key", "登记请求", "the enrolment request")
    if key_id(obj["key"]) != obj["station"] or not signature_ok(obj, obj["key"]):
        raise SyncRefused(
            "signature", "登记请求的签名无效", "the enrolment request's signature does not check"
        )
    return obj


# ------------------------------------------------------------ bundles (the USB stick)

_BUNDLE = {
    "format": str,
    "version": int,
    "venue": str,
    "db": str,
    "station": str,
    "key": str,
    "enrol": (dict, type(None)),
    "batches": list,
    "made": str,
    "signature": str,
}


def make_bundle(
    identity: Identity,
    *,
    venue: str,
    db: str,
    batches: list[dict[str, Any]],
    made: str,
    enrol: dict[str, Any] | None = None,
) -> bytes:
    """The bytes of a bundle file: the signed batches (exactly as a push sends them) in an
    envelope signed by the station; the file is the canonical bytes and a newline."""
    body = {
        "format": BUNDLE,
        "version": VERSION,
        "venue": venue,
        "db": db,
        "station": identity.id,
        "key": identity.public_hex,
        "enrol": enrol,
        "batches": batches,
        "made": made,
    }
    return encode(sign(body, identity)) + b"\n"


def read_bundle(data: bytes) -> dict[str, Any]:
    """A bundle file checked byte for byte: canonical JSON, the envelope's signature (so one bit
    flipped anywhere refuses it). Its batches are checked one by one by the receiver."""
    obj = parse(data, "U 盘同步包", "bundle")
    if encode(obj) + b"\n" != data:
        raise SyncRefused(
            "format",
            "U 盘同步包的字节不是 Scorer 写的原样：文件被改动或损坏",
            "the bundle's bytes are not as Scorer wrote them: the file was changed or damaged",
        )
    _header(obj, BUNDLE, "U 盘同步包", "the bundle")
    _fields(obj, _BUNDLE, "U 盘同步包", "the bundle")
    _match(_HEX64, obj["key"], "key", "U 盘同步包", "the bundle")
    if key_id(obj["key"]) != obj["station"] or not signature_ok(obj, obj["key"]):
        raise SyncRefused(
            "signature",
            "U 盘同步包的签名无效：文件被改动或损坏",
            "the bundle's signature does not check: the file was changed or damaged",
        )
    return obj


def receipts_file(
    hq: Identity,
    receipts: Iterable[dict[str, Any]],
    enrolment: dict[str, Any] | None,
    refused: list[dict[str, Any]],
    made: str,
) -> bytes:
    """The receipt file headquarters writes for a bundle (signed by headquarters)."""
    body = {
        "format": RECEIPTS,
        "version": VERSION,
        "hq": key_id(hq.public_hex, "HQ"),
        "hq_key": hq.public_hex,
        "enrolment": enrolment,
        "receipts": list(receipts),
        "refused": refused,
        "made": made,
    }
    return encode(sign(body, hq)) + b"\n"


_RECEIPTS = {
    "format": str,
    "version": int,
    "hq": str,
    "hq_key": str,
    "enrolment": (dict, type(None)),
    "receipts": list,
    "refused": list,
    "made": str,
    "signature": str,
}


def read_receipts_file(data: bytes, hq_key: str | None) -> dict[str, Any]:
    """A receipt file checked: byte-exact, signed by headquarters — by `hq_key` when the venue
    already knows headquarters' key, else by the key in the file (an offline enrolment brings it)."""
    obj = parse(data, "回执文件", "receipt file")
    if encode(obj) + b"\n" != data:
        raise _bad("回执文件被改动或损坏", "the receipt file was changed or damaged")
    _header(obj, RECEIPTS, "回执文件", "the receipt file")
    _fields(obj, _RECEIPTS, "回执文件", "the receipt file")
    _match(_HEX64, obj["hq_key"], "hq_key", "回执文件", "the receipt file")
    key = hq_key or obj["hq_key"]
    if obj["hq_key"] != key or obj["hq"] != key_id(key, "HQ") or not signature_ok(obj, key):
        raise SyncRefused(
            "signature",
            "回执文件的签名无效：不是本场地登记的总部签发的，或签发后被改动",
            "the receipt file's signature does not check: it was not issued by the headquarters this "
            "venue enrolled with, or it was changed afterwards",
        )
    return obj
