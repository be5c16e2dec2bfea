"""Decisions: a cross-venue selection list confirmed by a reviewer, frozen and signed by headquarters.

A reviewer looks at one selection's cross-venue ranking (scorer.hq.crossvenue) and confirms it. What
was confirmed is written once into `decisions` as the canonical JSON of the ranking at that moment
(selection, quotas, every placed contestant with place, name, organisation, venue, score, award and
the results check's state, when it was computed, who confirmed it and when, headquarters' id), with
headquarters' Ed25519 signature over exactly those bytes. Later changes to the standings never reach
a decision: it is read back from its own body, not from the standings.

A decision is never changed or deleted. Confirming the same selection again writes a new decision
that names the one it supersedes; the older one is then shown as superseded (computed when read,
never written into the old row). The confirmation and its staff record (audit.record) are one
transaction.

Refused (bilingual ScorerError): an empty ranking; a ranking with rows whose venue and headquarters
disagree (state "differ") unless the reviewer gives a reason to confirm anyway (kept in the signed
body and the record); a ranking that changed since the reviewer looked at it (`expect`, the digest
of what the page showed).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from scorer.errors import ScorerError
from scorer.hq import audit
from scorer.hq.db import Tx
from scorer.station import Identity, verify_signature
from scorer.store.log import now
from scorer.sync import wire

if TYPE_CHECKING:
    from scorer.hq.crossvenue import CrossRanking

KIND = "scorer-decision"
VERSION = 1
MAX_REASON = 2000  # characters of an override reason
_COLUMNS = "d.id, d.selection, d.body, d.signature, d.hq_key, d.confirmed_by, d.confirmed_at"
_NEXT = "(SELECT min(n.id) FROM decisions n WHERE n.selection = d.selection AND n.id > d.id)"


class Refused(ScorerError):
    """A confirmation refused; `code` says why for the API: "empty", "differ" (rows differ and no
    reason was given), "changed" (the list changed since it was shown) or "reason" (too long)."""

    def __init__(self, code: str, zh: str, en: str):
        super().__init__(zh, en)
        self.code = code


@dataclass(frozen=True)
class Decision:
    """One confirmed, signed selection list as stored; `superseded_by` is the id of the next
    decision on the same selection (None while this is the current one)."""

    id: int
    selection: int
    body: str  # canonical JSON: what was signed
    signature: str  # hex
    hq_key: str  # headquarters' public key, hex
    confirmed_by: str
    confirmed_at: str
    superseded_by: int | None = None

    @property
    def content(self) -> dict[str, Any]:
        """The signed body as an object (read from the body, never from the standings)."""
        return json.loads(self.body)  # type: ignore[no-any-return]

    @property
    def hq(self) -> str:
        """Headquarters' id ("HQ-…") of the key that signed."""
        return wire.key_id(self.hq_key, "HQ")

    @property
    def fingerprint(self) -> str:
        """A short fingerprint of the signature, printed on every export ("3F9A 2C1B 7D4E 0A51")."""
        return fingerprint(self.signature)

    @property
    def current(self) -> bool:
        return self.superseded_by is None

    def rows(self) -> list[dict[str, Any]]:
        return list(self.content["rows"])


def fingerprint(signature_hex: str) -> str:
    """16 hex digits of the signature's SHA-256, in groups of four: what a person compares."""
    digest = hashlib.sha256(signature_hex.strip().lower().encode("ascii", "replace")).hexdigest()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4)).upper()


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def frozen(ranking: CrossRanking) -> dict[str, Any]:
    """The ranking as plain JSON values (Decimals as their exact text): what a decision freezes."""
    s = ranking.selection
    return {
        "selection": {"id": s.id, "name": s.name, "trade": s.trade, "method": s.method,
                      "created": s.created, "by_whom": s.by_whom},
        "quotas": [{"award": q.award, "count": q.count, "ratio": _text(q.ratio)} for q in s.quotas],
        "rows": [
            {"place": r.place, "name": r.name, "organisation": r.organisation, "venue": r.venue,
             "venue_name": r.venue_name, "db": r.db, "event": r.event, "code": r.code,
             "total": _text(r.total), "scaled": _text(r.scaled), "score": _text(r.score),
             "award": r.award, "state": r.state}
            for r in ranking.rows
        ],
        "venues": ranking.venues,
        "excluded": [list(x) for x in ranking.excluded],
        "computed": ranking.computed,
    }  # fmt: skip


def digest(ranking: CrossRanking) -> str:
    """A digest of what a ranking says (not when it was computed): the confirm page sends it back,
    so a list that changed in between is not confirmed unseen."""
    content = frozen(ranking)
    content.pop("computed")
    return hashlib.sha256(wire.encode(content)).hexdigest()


def differing(ranking: CrossRanking) -> list[Any]:
    """The rows whose venue and headquarters computed different results."""
    return [r for r in ranking.rows if r.state == "differ"]


def _refuse_empty(ranking: CrossRanking) -> None:
    if not ranking.rows:
        name = ranking.selection.name
        raise Refused(
            "empty",
            f"选拔“{name}”的跨赛场名单为空（还没有赛场的成绩），不能确认",
            f"the cross-venue list of selection '{name}' is empty (no venue's results yet): nothing to confirm",
        )


def confirm(
    tx: Tx,
    selection_id: int,
    who: str,
    ranking: CrossRanking,
    hq: Identity,
    override: str | None = None,
    address: str | None = None,
    expect: str | None = None,
) -> Decision:
    """Freeze `ranking` (selection `selection_id`, computed in `tx`) as a decision signed with
    headquarters' key `hq`, confirmed by `who`; on record in the same transaction. `override`: the
    reason to confirm a list with differing rows anyway. `expect`: the digest of the list the
    reviewer saw (refused if it changed since). Refusals are ScorerErrors; nothing is written then."""
    if ranking.selection.id != selection_id:
        raise ValueError(f"the ranking is of selection {ranking.selection.id}, not {selection_id}")
    _refuse_empty(ranking)
    if expect is not None and expect != digest(ranking):
        raise Refused(
            "changed",
            "名单在您查看之后已经变化（有新的成绩到达）：请重新查看后再确认",
            "the list has changed since you looked at it (new results arrived): look at it again, then confirm",
        )
    reason = (override or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        raise Refused(
            "reason",
            f"理由太长（最多 {MAX_REASON} 个字符）",
            f"the reason is too long (at most {MAX_REASON} characters)",
        )
    differ = differing(ranking)
    if differ and reason is None:
        shown = "、".join(f"{r.name or r.code}（{r.venue_name or r.venue}）" for r in differ[:5])
        shown_en = ", ".join(f"{r.name or r.code} ({r.venue_name or r.venue})" for r in differ[:5])
        more = len(differ) > 5
        raise Refused(
            "differ",
            f"有 {len(differ)} 名选手的成绩总部复核与赛场不一致：{shown}{' 等' if more else ''}。"
            "请先查明；如仍要确认，请写明理由",
            f"{len(differ)} contestant(s) have results where headquarters' check and the venue differ: "
            f"{shown_en}{' and more' if more else ''}. Find out why first; to confirm anyway, give a reason",
        )
    # Serialise confirmations of one selection (SQLite: the write lock is already ours).
    tx.one(f"SELECT id FROM selections WHERE id = ?{tx.for_update}", (selection_id,))
    previous = tx.one("SELECT max(id) FROM decisions WHERE selection = ?", (selection_id,))
    at = now()
    body_obj = {
        "kind": KIND,
        "version": VERSION,
        **frozen(ranking),
        "hq": wire.key_id(hq.public_hex, "HQ"),
        "hq_key": hq.public_hex,
        "confirmed_by": who,
        "confirmed_at": at,
        "override": reason,
        "differing": len(differ),
        "supersedes": int(previous[0]) if previous and previous[0] is not None else None,
    }
    body = wire.encode(body_obj)
    signature = hq.sign(body).hex()
    text = body.decode("utf-8")
    tx.run(
        "INSERT INTO decisions (selection, body, signature, hq_key, confirmed_by, confirmed_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (selection_id, text, signature, hq.public_hex, who, at),
    )
    # Its id, without RETURNING (SQLite before 3.35 lacks it): the signature is this row's alone.
    row = tx.one(
        "SELECT max(id) FROM decisions WHERE selection = ? AND signature = ?", (selection_id, signature)
    )
    assert row is not None and row[0] is not None
    decision = Decision(int(row[0]), selection_id, text, signature, hq.public_hex, who, at)
    details: dict[str, Any] = {
        "decision": decision.id,
        "selection": selection_id,
        "rows": len(ranking.rows),
        "fingerprint": decision.fingerprint,
        "supersedes": body_obj["supersedes"],
    }
    if reason is not None:
        details["override"] = reason
        details["differing"] = len(differ)
    audit.record(tx, who, "decision.confirm", details, address)
    return decision


def _decision(row: tuple[Any, ...]) -> Decision:
    return Decision(
        id=int(row[0]),
        selection=int(row[1]),
        body=row[2],
        signature=row[3],
        hq_key=row[4],
        confirmed_by=row[5],
        confirmed_at=row[6],
        superseded_by=None if row[7] is None else int(row[7]),
    )


def decisions(tx: Tx, selection_id: int | None = None) -> list[Decision]:
    """Every decision (or one selection's), newest first."""
    sql = f"SELECT {_COLUMNS}, {_NEXT} FROM decisions d"
    params: tuple[Any, ...] = ()
    if selection_id is not None:
        sql += " WHERE d.selection = ?"
        params = (int(selection_id),)
    return [_decision(r) for r in tx.all(sql + " ORDER BY d.id DESC", params)]


def decision(tx: Tx, id: int) -> Decision | None:
    """One decision by id, or None."""
    row = tx.one(f"SELECT {_COLUMNS}, {_NEXT} FROM decisions d WHERE d.id = ?", (int(id),))
    return None if row is None else _decision(row)


def verify_decision(decision: Decision, hq_public_key: str | bytes) -> bool:
    """Is `decision` exactly what headquarters (the holder of `hq_public_key`) signed? The signature
    must verify over the body, and the stored columns must say what the body says."""
    data = decision.body.encode("utf-8", "surrogatepass")
    if not verify_signature(hq_public_key, data, decision.signature):
        return False
    try:
        content = json.loads(data)
    except ValueError:
        return False
    key = hq_public_key.hex() if isinstance(hq_public_key, bytes) else hq_public_key.lower()
    return (
        isinstance(content, dict)
        and content.get("kind") == KIND
        and content.get("selection", {}).get("id") == decision.selection
        and content.get("confirmed_by") == decision.confirmed_by
        and content.get("confirmed_at") == decision.confirmed_at
        and content.get("hq_key") == key == decision.hq_key.lower()
    )


def signed_export(decision: Decision) -> dict[str, Any]:
    """The decision as an organiser's systems get it: the signed body (as an object), the signature
    and the key; `wire.encode(export["decision"])` gives back the signed bytes."""
    return {
        "id": decision.id,
        "decision": decision.content,
        "signature": decision.signature,
        "hq": decision.hq,
        "hq_key": decision.hq_key,
        "fingerprint": decision.fingerprint,
        "superseded_by": decision.superseded_by,
    }


def verify_export(export: dict[str, Any], hq_public_key: str | bytes) -> bool:
    """Does an exported decision (signed_export's object, e.g. read from the JSON download) carry
    headquarters' valid signature over its body?"""
    body = export.get("decision")
    signature = export.get("signature")
    if not isinstance(body, dict) or not isinstance(signature, str):
        return False
    return verify_signature(hq_public_key, wire.encode(body), signature)
