"""Lock and sign-off, unlock, and decryption of an event (log rows, enforced by the store).

A locked event refuses marks, corrections and voids: triggers on the marks table raise inside the
same transaction, so no writer (another laptop process, the CLI) can slip past. Unlocking needs the
chief judge's PIN again and a reason. Decryption (codes → names) is a separate step by the
encryption judge, only after the lock.
"""

from __future__ import annotations

from scorer import signoff
from scorer.errors import ScorerError
from scorer.model import Judge, Role
from scorer.pins import check_pin
from scorer.rules import EventResult
from scorer.store import LOG_ID, Store


def is_locked(store: Store, event: str) -> bool:
    r = store.conn.execute("SELECT locked FROM locks WHERE event = ?", (event,)).fetchone()
    return bool(r and r[0])


def is_decrypted(store: Store, event: str) -> bool:
    return store.conn.execute("SELECT 1 FROM decrypted WHERE event = ?", (event,)).fetchone() is not None


def _judge(store: Store, code: str) -> Judge:
    comp = store.competition
    j = next((j for j in comp.judges if j.code == code), None) if comp else None
    if j is None:
        raise ScorerError(f"没有代码为“{code}”的裁判", f"no judge with code '{code}'")
    return j


def chief_of(store: Store, code: str, event: str) -> Judge:
    """The chief judge of `event` with this code, or ScorerError."""
    j = _judge(store, code)
    if j.role is not Role.CHIEF or not any(a.event == event for a in j.assignments):
        raise ScorerError(
            f"只有项目 {event} 的裁判长可以这样做", f"only a chief judge of event {event} may do this"
        )
    return j


def _event(store: Store, event: str) -> None:
    if store.competition is None or store.competition.event(event) is None:
        raise ScorerError(f"没有代码为“{event}”的项目", f"no event with code '{event}'")


_UPSERT = (
    "INSERT INTO locks (event, locked, log_id) VALUES (?, ?, ?)"
    " ON CONFLICT (event) DO UPDATE SET locked = excluded.locked, log_id = excluded.log_id"
)


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
