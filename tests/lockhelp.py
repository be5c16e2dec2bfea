"""Locking for tests whose subject is what a locked event does (printing, refusing marks), not how
the lock is reached: the `event.lock` row the lock writes, without the open-item checks and PIN
signatures of `locking.lock_event` (tests/test_signoff.py covers those)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

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


DEMO_PINS = {"CNC-K": "1000", "CNC-J1": "1001", "CNC-J2": "1002", "CNC-J3": "1003", "CNC-J4": "1004"}


def close_demo_cnc(store: Store) -> Any:
    """The demo's CNC event made ready to lock through the chief judge's real path (as
    scripts/report_samples.py): statuses for the missing, conflicts accepted, every judge signs with
    their PIN. The chief judge's Session."""
    from scorer import access, signoff
    from scorer.session import Session

    chief = Session(store, access.login(store, "CNC-K", DEMO_PINS["CNC-K"]))
    for item in chief.open_items("CNC"):
        if item.kind == signoff.MISSING:
            chief.set_status(item.contestant, "absent", "未到场")
        elif item.kind == signoff.CONFLICT:
            chief.accept("CNC", item.key, "已由另一名裁判复核，评分无误")
    for judge, pin in DEMO_PINS.items():
        chief.sign("CNC", judge, pin)
    return chief


def lock_demo_cnc(store: Store) -> int:
    """The demo's CNC event closed (close_demo_cnc) and locked by the chief judge."""
    return int(close_demo_cnc(store).lock("CNC"))


def lock_demo_cnc_edited(store: Store, by: Decimal) -> str:
    """The demo's CNC event closed and locked with the venue's own figures for the first-ranked
    contestant edited (its total raised by `by`) — what headquarters must flag, since its
    recomputation from the marks differs. The edited contestant's code."""
    from scorer import locking

    close_demo_cnc(store)
    result = store.results("CNC")
    first = result.results[0]
    edited = dataclasses.replace(first, total=first.total + by, exact_total=first.exact_total + by)
    locking.lock_event(
        store, "CNC", "CNC-K", dataclasses.replace(result, results=(edited, *result.results[1:]))
    )
    return first.code
