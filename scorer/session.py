"""A logged-in judge at a laptop: every action the venue application offers, with the role checks
that go with it, and the live results kept current. The UI is a thin front over this class."""

from __future__ import annotations

from dataclasses import dataclass

from scorer import double_entry, locking, signoff
from scorer.access import Action, check_assigned, may, sees_names
from scorer.errors import ScorerError
from scorer.live import LiveResults
from scorer.model import Contestant, Event, Judge
from scorer.rules import EventResult
from scorer.store import Store


def _denied(judge: Judge) -> ScorerError:
    return ScorerError(
        f"{judge.name}（{judge.role.value}）无权进行此操作",
        f"{judge.name} ({judge.role.value}) may not do this",
    )


@dataclass(frozen=True, slots=True)
class Saved:
    """What a save produced: the log row, and the event whose results changed."""

    log_id: int
    event: str
    contestant: str


class Session:
    def __init__(self, store: Store, judge: Judge, live: LiveResults | None = None):
        self.store = store
        self.judge = judge
        self.live = live or LiveResults(store)

    # -------------------------------------------------------------- what this judge sees

    def events(self) -> list[Event]:
        comp = self.store.competition
        if comp is None:
            return []
        if may(self.judge, Action.SET_UP):
            return list(comp.events)
        mine = {a.event for a in self.judge.assignments}
        return [e for e in comp.events if e.code in mine]

    def contestants(self, event: str) -> list[Contestant]:
        comp = self.store.competition
        return [c for c in comp.contestants if c.event == event] if comp else []

    def sees_names(self, event: str) -> bool:
        return sees_names(self.store, self.judge, event)

    def my_aspects(self, event: str) -> list[str]:
        """Aspect codes this judge may mark in the event, in scheme order."""
        e = self.store.competition.event(event) if self.store.competition else None
        if e is None or not may(self.judge, Action.ENTER_MARKS):
            return []
        return [a for a in e.aspects() if self.store.may_mark(self.judge, event, a)]

    def may(self, action: Action) -> bool:
        return may(self.judge, action)

    def results(self, event: str) -> EventResult:
        if not (may(self.judge, Action.RANKING) or may(self.judge, Action.PROGRESS)):
            raise _denied(self.judge)
        return self.live.results(event)

    # -------------------------------------------------------------- marks

    def record(
        self, contestant: str, aspect: str, value: str, source: str = "keyboard", raw: bytes | None = None
    ) -> Saved:
        if not may(self.judge, Action.ENTER_MARKS):
            raise _denied(self.judge)
        check_assigned(self.judge)
        log_id = self.store.record_mark(
            judge=self.judge.code, contestant=contestant, aspect=aspect, value=value, source=source, raw=raw
        )
        return self._touched(log_id, contestant)

    def correct(
        self, replaces: int, value: str, reason: str, source: str = "keyboard", raw: bytes | None = None
    ) -> Saved:
        log_id = self.store.correct_mark(
            replaces=replaces, value=value, reason=reason, actor=self.judge.code, source=source, raw=raw
        )
        row = self.store.get(log_id)
        assert row is not None
        return self._touched(log_id, row.payload["contestant"])

    def void(self, replaces: int, reason: str, source: str = "keyboard", raw: bytes | None = None) -> Saved:
        log_id = self.store.void_mark(
            replaces=replaces, reason=reason, actor=self.judge.code, source=source, raw=raw
        )
        row = self.store.get(log_id)
        assert row is not None
        return self._touched(log_id, row.payload["contestant"])

    def enter_paper(
        self, *, pass_no: int, judge: str, contestant: str, aspect: str, value: str
    ) -> tuple[int, Saved | None]:
        """One cell of a paper form, one pass; a Saved once both passes agree."""
        if not may(self.judge, Action.DOUBLE_ENTRY):
            raise _denied(self.judge)
        check_assigned(self.judge)
        comp = self.store.competition
        marker = next((j for j in comp.judges if j.code == judge), None) if comp else None
        if marker is not None:  # an unknown code is refused by the store, with its own message
            check_assigned(marker)
        draft, mark = double_entry.enter(
            self.store,
            clerk=self.judge.code,
            pass_no=pass_no,
            judge=judge,
            contestant=contestant,
            aspect=aspect,
            value=value,
        )
        return draft, (self._touched(mark, contestant) if mark is not None else None)

    def _touched(self, log_id: int, contestant: str) -> Saved:
        comp = self.store.competition
        assert comp is not None
        event = self.store._index["contestants"][contestant].event  # no scan of every contestant
        self.live.touched(event, contestant)
        return Saved(log_id, event, contestant)

    # -------------------------------------------------------------- event state

    def open_items(self, event: str) -> list[signoff.OpenItem]:
        """What still stands between the event and its lock (chief judge's lock tab)."""
        return signoff.open_items(self.store, event, self.live.results(event))

    def signatures(self, event: str) -> list[signoff.Signature]:
        return signoff.signatures(self.store, event)

    def sign(self, event: str, judge: str, pin: str) -> int:
        """A judge signs at the chief judge's laptop with their own PIN."""
        if not may(self.judge, Action.LOCK):
            raise _denied(self.judge)
        return signoff.sign(self.store, event, judge, pin)

    def accept(self, event: str, key: str, reason: str) -> int:
        """The chief judge decides to lock with an acceptable item open (logged with the reason)."""
        if not may(self.judge, Action.LOCK):
            raise _denied(self.judge)
        return signoff.accept(self.store, event, self.judge.code, key, reason, self.live.results(event))

    def decide_paper(self, *, judge: str, contestant: str, aspect: str, value: str, reason: str) -> Saved:
        """The chief judge settles a paper cell whose two passes disagree, from the paper, with a reason."""
        if not may(self.judge, Action.LOCK):
            raise _denied(self.judge)
        _resolve, mark = double_entry.decide(
            self.store,
            chief=self.judge.code,
            judge=judge,
            contestant=contestant,
            aspect=aspect,
            value=value,
            reason=reason,
        )
        return self._touched(mark, contestant)

    def lock(self, event: str) -> int:
        if not may(self.judge, Action.LOCK):
            raise _denied(self.judge)
        return locking.lock_event(self.store, event, self.judge.code, self.live.results(event))

    def unlock(self, event: str, pin: str, reason: str) -> int:
        if not may(self.judge, Action.UNLOCK):
            raise _denied(self.judge)
        return locking.unlock_event(self.store, event, self.judge.code, pin, reason)

    def decrypt(self, event: str) -> int:
        if not may(self.judge, Action.DECRYPT):
            raise _denied(self.judge)
        return locking.decrypt_event(self.store, event, self.judge.code)

    def is_locked(self, event: str) -> bool:
        return locking.is_locked(self.store, event)

    def set_status(self, contestant: str, status: str, reason: str) -> Saved:
        if not may(self.judge, Action.STATUS):
            raise _denied(self.judge)
        log_id = self.store.set_status(
            contestant=contestant, status=status, reason=reason, actor=self.judge.code
        )
        return self._touched(log_id, contestant)
