"""Lock and sign-off, unlock, and decryption of an event (log rows, enforced by the store).

A locked event refuses marks, corrections and voids: triggers on the marks table raise inside the
same transaction, so no writer (another laptop process, the CLI) can slip past. Unlocking needs the
chief judge's PIN again and a reason. Decryption (codes → names) is a separate step by the
encryption judge, only after the lock.
"""

from __future__ import annotations

from scorer import signoff
from scorer.errors import ScorerError
from scorer.eventstate import _event, _judge, chief_of, is_decrypted, is_locked
from scorer.model import Role
from scorer.pins import check_pin
from scorer.results_json import fingerprint
from scorer.rules import EventResult
from scorer.store import LOG_ID, Store

__all__ = [
    "chief_of",
    "decrypt_event",
    "is_decrypted",
    "is_locked",
    "lock_event",
    "results_table",
    "unlock_event",
]


_UPSERT = (
    "INSERT INTO locks (event, locked, log_id) VALUES (?, ?, ?)"
    " ON CONFLICT (event) DO UPDATE SET locked = excluded.locked, log_id = excluded.log_id"
)


def results_table(result: EventResult) -> list[list[object]]:
    """The results as this station computed them at the lock, one [code, rank, total, award, title,
    status] per contestant (total as the scheme rounded it): headquarters shows them beside its own
    recomputation. Older locks have no table; headquarters then shows the venue's columns empty."""
    return [[r.code, r.rank, str(r.total), r.award or "", r.title or "", r.status] for r in result.results]


def lock_event(store: Store, event: str, actor: str, result: EventResult | None = None) -> int:
    """The chief judge locks an event once nothing is open (scorer.signoff) and the judges have
    signed with their own PINs; the lock row names the signatures and the accepted items."""
    _event(store, event)
    chief_of(store, actor, event)
    if is_locked(store, event):
        raise ScorerError(f"项目 {event} 已经锁定", f"event {event} is already locked")
    if result is None:
        result = store.results(event)
    signed = signoff.require_closed(store, event, result)
    accepted = sorted(i.key for i in signoff.open_items(store, event, result) if i.accepted)
    return store.append(
        "event.lock",
        {
            "event": event,
            "signed_by": [s.judge for s in signed],
            "signatures": [s.log_id for s in signed],
            "accepted": accepted,
            # headquarters recomputes from the rows this file held and compares (scorer.hq.results)
            "results": fingerprint(result),
            "heads": store.heads(),
            # the venue's own figures, shown beside headquarters' (scorer.hq.standings)
            "table": results_table(result),
        },
        actor,
        "keyboard",
        projection=[(_UPSERT, (event, 1, LOG_ID))],
    )


def unlock_event(store: Store, event: str, actor: str, pin: str, reason: str) -> int:
    """Unlock needs the chief judge's PIN once more and a reason; both are logged (the PIN is not)."""
    _event(store, event)
    chief = chief_of(store, actor, event)
    if not is_locked(store, event):
        raise ScorerError(f"项目 {event} 没有锁定", f"event {event} is not locked")
    if not (chief.pin_hash and check_pin(pin, chief.pin_hash)):
        raise ScorerError("裁判长 PIN 错误，未解锁", "wrong chief judge PIN; not unlocked")
    if not (reason or "").strip():
        raise ScorerError("解锁必须写明原因", "unlocking needs a reason")
    return store.append(
        "event.unlock",
        {"event": event, "reason": reason.strip(), "pin_checked": True},
        actor,
        "keyboard",
        projection=[(_UPSERT, (event, 0, LOG_ID))],
    )


def decrypt_event(store: Store, event: str, actor: str) -> int:
    """The encryption judge reveals codes → names for a locked event."""
    _event(store, event)
    j = _judge(store, actor)
    if j.role is not Role.ENCRYPTION:
        raise ScorerError("只有加密裁判可以解密", "only the encryption judge may decrypt")
    if not is_locked(store, event):
        raise ScorerError(f"项目 {event} 锁定后才能解密", f"event {event} must be locked before decryption")
    if is_decrypted(store, event):
        raise ScorerError(f"项目 {event} 已经解密", f"event {event} is already decrypted")
    return store.append(
        "event.decrypt",
        {"event": event},
        actor,
        "keyboard",
        projection=[("INSERT INTO decrypted (event, log_id) VALUES (?, ?)", (event, LOG_ID))],
    )
