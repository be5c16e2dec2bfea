"""The live ranking's incremental path: one changed contestant is moved in the ranking and only
the places it passed are rewritten (`EventRules._moved`, `ranking.reposition`). It must end where a
full compute of the same marks does, step after step, from any start — including the venue's usual
one, a field of untouched contestants all tied at 0 that the first marks pull apart.

Also checked: tie problems ("no shared medal places") are found by looking at award and title
boundaries and the medal places only; an oracle over every tied group must agree.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorer.rules import EventResult
from scorer.rules.awards import tier_counts
from tests.test_rules_properties import (
    EVENT,
    JUDGES,
    Case,
    cases,
    comparable,
    flag_set,
    raw_value,
    slots_of,
)

SOME = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_same(live: EventResult, full: EventResult) -> None:
    assert comparable(live) == comparable(full)
    assert [r.code for r in live.results] == [r.code for r in full.results]
    assert live.problems == full.problems
    assert flag_set(live) == flag_set(full)
    assert live.ranked == full.ranked == sum(1 for r in full.results if r.rank is not None)
    assert live.by_code() == {r.code: r for r in live.results}
    assert set(live.keys) == {r.code for r in live.results if r.rank is not None}


def no_full_rerank(case: Case) -> AbstractContextManager[object]:
    """Fail if a rescore falls back to re-ranking the whole field (which a scaled event must:
    every scaled score depends on every total)."""
    if case.event.scale is not None:
        return nullcontext()
    return mock.patch.object(case.rules, "finish", side_effect=AssertionError("full re-rank"))


@SOME
@given(st.data())
def test_many_single_mark_changes_end_where_a_full_compute_does(data: st.DataObject) -> None:
    case = data.draw(cases())
    entrants = [c for c in case.contestants if c.event == EVENT]
    aspects = list(case.event.aspects().values())
    marks = {c: {a: dict(v) for a, v in by_aspect.items()} for c, by_aspect in case.marks.items()}
    live = case.rules.compute(case.contestants, marks, case.statuses, JUDGES, case.entered_by(marks))
    for _ in range(data.draw(st.integers(1, 12), label="changes")):
        code = data.draw(st.sampled_from([c.code for c in entrants]), label="contestant")
        aspect = data.draw(st.sampled_from(aspects), label="aspect")
        slot = data.draw(st.sampled_from(slots_of(aspect)), label="slot")
        own = marks.setdefault(code, {})
        if data.draw(st.integers(0, 4), label="delete?") == 0:
            own.get(aspect.code, {}).pop(slot, None)
        else:
            own.setdefault(aspect.code, {})[slot] = data.draw(raw_value(aspect), label="new value")
        with no_full_rerank(case):
            live = case.rules.rescore(
                live, code, own, entrants, None, judges=JUDGES, entered_by=case.entered_by({code: own})
            )
        full = case.rules.compute(case.contestants, marks, case.statuses, JUDGES, case.entered_by(marks))
        assert_same(live, full)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_a_field_all_tied_at_zero_marked_one_by_one(case: Case) -> None:
    """The venue's start: nobody has a mark, everyone shares place 1; then the marks come in
    contestant by contestant, each one pulling someone out of the big tie."""
    entrants = [c for c in case.contestants if c.event == EVENT]
    statuses: dict[str, str] = {}  # everyone ranked: the incremental path every time
    marks: dict[str, dict[str, dict[str, str]]] = {}
    live = case.rules.compute(case.contestants, marks, statuses, JUDGES, {})
    for code, by_aspect in sorted(case.marks.items()):
        for aspect, values in by_aspect.items():
            for slot, value in values.items():
                own = marks.setdefault(code, {})
                own.setdefault(aspect, {})[slot] = value
                with no_full_rerank(case):
                    live = case.rules.rescore(
                        live, code, own, entrants, judges=JUDGES, entered_by=case.entered_by({code: own})
                    )
        full = case.rules.compute(case.contestants, marks, statuses, JUDGES, case.entered_by(marks))
        assert_same(live, full)


@SOME
@given(cases())
def test_tie_problems_are_exactly_the_ties_that_decide_something(case: Case) -> None:
    """Oracle: every tied group of the ranking, judged by the rule as docs/rules.md states it."""
    result = case.compute()
    event = case.event
    ranked = [r for r in result.results if r.rank is not None]
    groups: dict[int, list[str]] = {}
    for r in ranked:
        assert r.rank is not None
        groups.setdefault(r.rank, []).append(r.code)
    expected = []
    if not event.ranking.shared_medal_places:
        awards = event.awards
        bounds = tier_counts(awards, len(ranked)) if awards.basis != "threshold" else []
        medals = sum(t.places or 0 for t in awards.tiers) if awards.basis == "place" else 0

        def tier(p: int) -> str:
            return next((name for name, last in bounds if p <= last), "")

        def titles(p: int) -> list[str]:
            return [t.name for t in event.titles if p <= t.top]

        for low, members in sorted(groups.items()):
            high = low + len(members) - 1
            if len(members) > 1 and (low <= medals or tier(low) != tier(high) or titles(low) != titles(high)):
                expected.append((f"rank {low}", members))
    got = [(p.where, [c for c in p.en.split("(")[1].split(")")[0].split(", ")]) for p in result.problems]
    assert got == expected
