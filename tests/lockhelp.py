"""Locking for tests whose subject is what a locked event does (printing, refusing marks), not how
the lock is reached: the `event.lock` row the lock writes, without the open-item checks and PIN
signatures of `locking.lock_event` (tests/test_signoff.py covers those)."""

from __future__ import annotations

from scorer.locking import _UPSERT
from scorer.store import LOG_ID, Store


def force_lock(store: Store, event: str, actor: str, signers: list[str]) -> int:
    return store.append(
        "event.lock",
        {"event": event, "signed_by": signers, "signatures": [], "accepted": []},
        actor,
        "keyboard",
        projection=[(_UPSERT, (event, 1, LOG_ID))],
    )
