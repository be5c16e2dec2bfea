"""An event's lock state and who may act on it: read by locking (which changes it) and by signoff
(which decides whether it may change), so it sits below both."""

from __future__ import annotations

from scorer.errors import ScorerError
from scorer.model import Judge, Role
from scorer.store import Store


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
