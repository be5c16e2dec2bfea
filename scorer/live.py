"""Live results: each event's results kept current mark by mark.

The first request computes an event in full; after that, a saved mark recomputes only the
contestant it touched and re-ranks (`EventRules.rescore`), which is what makes the ranking follow
the judges' Enter keys. A new definition or a bulk change drops the cache.
"""

from __future__ import annotations

from scorer.model import Contestant
from scorer.rules import EventResult, EventRules
from scorer.store import Store


class LiveResults:
    def __init__(self, store: Store):
        self.store = store
        self._rules: dict[str, EventRules] = {}
        self._results: dict[str, EventResult] = {}
        self._entrants: dict[str, list[Contestant]] = {}
        self._definition = -1

    def _check_definition(self) -> None:
        if self.store._definition_id != self._definition:
            self._rules.clear()
            self._results.clear()
            self._entrants.clear()
            self._definition = self.store._definition_id

    def rules(self, event: str) -> EventRules:
        self._check_definition()
        rules = self._rules.get(event)
        if rules is None:
            comp = self.store.competition
            e = comp.event(event) if comp else None
            if e is None:
                raise KeyError(event)
            rules = self._rules[event] = EventRules(e)
        return rules

    def entrants(self, event: str) -> list[Contestant]:
        """The event's contestants, listed once per definition (not once per mark)."""
        self._check_definition()
        entrants = self._entrants.get(event)
        if entrants is None:
            comp = self.store.competition
            entrants = [c for c in comp.contestants if c.event == event] if comp else []
            self._entrants[event] = entrants
        return entrants

    def results(self, event: str) -> EventResult:
        self._check_definition()
        result = self._results.get(event)
        if result is None:
            comp = self.store.competition
            assert comp is not None
            marks, entered_by = self.store.event_marks(event)
            result = self.rules(event).compute(
                comp.contestants, marks, self.store.statuses(), comp.judges, entered_by
            )
            self._results[event] = result
        return result

    def touched(self, event: str, contestant: str) -> EventResult:
        """One contestant's marks (or status) changed: bring the event's results up to date.

        Reads that contestant's marks and status only (two indexed queries); the event's other
        marks are neither read nor rescored."""
        self._check_definition()
        previous = self._results.get(event)
        if previous is None:
            return self.results(event)
        comp = self.store.competition
        assert comp is not None
        mine, entered_by = self.store.contestant_marks_by(contestant)
        status = self.store.status_of(contestant)
        result = self.rules(event).rescore(
            previous, contestant, mine, self.entrants(event), status, comp.judges, entered_by
        )
        self._results[event] = result
        return result

    def invalidate(self, event: str | None = None) -> None:
        if event is None:
            self._results.clear()
        else:
            self._results.pop(event, None)
