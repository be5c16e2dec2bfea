"""What the rules engine produces: one contestant's result, a team's, an event's, and the flags for
the chief judge. In a module of their own so that ranking, awards and scales (which fill these in)
and compute (which builds them) all import them from below, without a cycle."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from scorer.errors import Problem
from scorer.rules.aspects import AspectScore

__all__ = ["ContestantResult", "EventResult", "Flag", "TeamResult"]


@dataclass(frozen=True, slots=True)
class Flag:
    """Something the chief judge should look at; not an error in the data."""

    kind: str  # "rescore" | "conflict" | "tie"
    contestant: str
    aspect: str
    zh: str
    en: str


@dataclass(slots=True)
class ContestantResult:
    """One contestant's scores (never changed once computed) and placing (rank, award, title,
    scaled), which `finish` assigns in place: a re-rank after one mark touches every contestant
    below the one who moved, and copying 2,000 results per Enter would be the slowest step.
    So `rescore` takes over the previous EventResult's objects; keep using only the new result."""

    code: str
    status: str  # "ok" | "dnf" | "withdrawn" | "dq"
    aspects: Mapping[str, AspectScore]
    sub_criteria: Mapping[str, Decimal]
    criteria: Mapping[str, Decimal]
    components: Mapping[str, Decimal]
    total: Decimal  # rounded per the scheme
    exact_total: Decimal
    missing: tuple[str, ...]  # aspects without (enough) marks
    rescore: tuple[str, ...]  # judgement aspects whose spread is over the limit
    time: Decimal | None  # seconds, from the event's time aspects
    zero_total: bool = False
    rank: int | None = None
    award: str = ""
    title: str = ""
    scaled: Decimal | None = None

    @property
    def complete(self) -> bool:
        return not self.missing and not self.rescore


@dataclass(frozen=True, slots=True)
class TeamResult:
    """A team event's unit of ranking: members' totals summed or averaged (Event.team_combine)."""

    team: str
    members: tuple[str, ...]
    total: Decimal
    time: Decimal | None
    rank: int | None = None
    award: str = ""


@dataclass(frozen=True, slots=True)
class EventResult:
    """An event's results: contestants (ranked first), blocking problems, flags, teams; plus the
    sort keys and index a `rescore` reuses."""

    event: str
    results: tuple[ContestantResult, ...]  # ranked first, in rank order, then unranked
    problems: tuple[Problem, ...] = ()  # blocking: e.g. an unresolved tie on a medal place
    flags: tuple[Flag, ...] = ()
    teams: tuple[TeamResult, ...] = ()  # team events: teams in rank order
    keys: Mapping[str, tuple[Any, ...]] = field(default_factory=dict, compare=False, repr=False)
    # code → result, and how many lead `results` ranked (-1: unknown): what a rescore looks up
    index: Mapping[str, ContestantResult] = field(default_factory=dict, compare=False, repr=False)
    ranked: int = field(default=-1, compare=False, repr=False)

    def by_code(self) -> dict[str, ContestantResult]:
        if len(self.index) == len(self.results):
            return dict(self.index)
        return {r.code: r for r in self.results}
