"""An event's results from its definition and its current marks: pure and deterministic.

`EventRules(event)` compiles the scheme once; `compute(contestants, marks, statuses)` scores every
contestant, ranks, awards and flags. `rescore(result, contestant, marks)` recomputes one contestant
and re-ranks: what the live ranking does after each mark.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from operator import attrgetter
from typing import Any

from scorer.errors import Problem
from scorer.model import AspectType, Contestant, Event, Judge, JudgementRule
from scorer.rules.aspects import MISSING, OK, ZERO, AspectScore, compile_aspect, compile_declared
from scorer.rules.awards import assign_awards, tier_counts
from scorer.rules.ranking import rank, reposition, sort_key
from scorer.rules.results import ContestantResult, EventResult, Flag, TeamResult
from scorer.rules.rounding import MODES, quantum
from scorer.rules.scales import standardise

# The result types are re-exported: `from scorer.rules.compute import ContestantResult` keeps working.
__all__ = ["RANKED_STATUSES", "ContestantResult", "EventResult", "EventRules", "Flag", "Marks", "TeamResult"]

HUNDRED = Decimal(100)
RANKED_STATUSES = ("ok",)

Marks = Mapping[str, Mapping[str, Mapping[str, str]]]  # contestant → aspect → slot → value


@dataclass
class EventRules:
    """An event's scheme compiled for scoring."""

    event: Event
    quantum: Decimal = field(init=False)
    rounding: str = field(init=False)

    def __post_init__(self) -> None:
        e = self.event
        self.quantum = quantum(e)
        self.rounding = MODES[e.rounding.mode]
        self.from_rounded = e.rounding.totals_from == "rounded"
        self.scorers = {a.code: compile_aspect(a) for a in e.aspects().values()}
        # judgements that each contestant's declared difficulty multiplies: code → (source, scorer)
        self.declared = {
            a.code: (a.rule.factor_from, compile_declared(a))
            for a in e.aspects().values()
            if isinstance(a.rule, JudgementRule) and a.rule.factor_from
        }
        self.time_aspects = [a.code for a in e.aspects().values() if a.type is AspectType.TIME]
        self.weighted = len(e.components) > 1
        self.layout = [
            (
                comp.code,
                comp.max_mark,
                comp.weight,
                [
                    (crit.code, [(sub.code, [a.code for a in sub.aspects]) for sub in crit.sub_criteria])
                    for crit in comp.criteria
                ],
            )
            for comp in e.components
        ]

    def round(self, value: Decimal) -> Decimal:
        return value.quantize(self.quantum, rounding=self.rounding)

    # -------------------------------------------------------------- one contestant

    def score(
        self, code: str, marks: Mapping[str, Mapping[str, str]], status: str = "ok"
    ) -> ContestantResult:
        aspects: dict[str, AspectScore] = {}
        subs: dict[str, Decimal] = {}
        crits: dict[str, Decimal] = {}
        comps: dict[str, Decimal] = {}
        missing: list[str] = []
        rescore: list[str] = []
        zero_total = False
        total = ZERO
        rnd = self.round if self.from_rounded else None
        empty: Mapping[str, str] = {}
        declared = self.declared
        for comp_code, comp_max, weight, criteria in self.layout:
            comp_sum = ZERO
            for crit_code, subcrits in criteria:
                crit_sum = ZERO
                for sub_code, aspect_codes in subcrits:
                    sub_sum = ZERO
                    for a in aspect_codes:
                        if declared and a in declared:
                            source, scorer = declared[a]
                            s = scorer(marks.get(a, empty), marks.get(source, empty).get(""))
                        else:
                            s = self.scorers[a](marks.get(a, empty))
                        aspects[a] = s
                        if s.status is OK:
                            sub_sum += rnd(s.score) if rnd else s.score  # type: ignore[operator, arg-type]
                            zero_total = zero_total or s.zero_total
                        elif s.status is MISSING:
                            missing.append(a)
                        else:
                            rescore.append(a)
                    subs[sub_code] = sub_sum
                    crit_sum += sub_sum
                crits[crit_code] = crit_sum
                comp_sum += crit_sum
            comp_sum = min(max(comp_sum, ZERO), comp_max)  # deductions never take a part below 0
            comps[comp_code] = comp_sum
            if self.weighted:
                part = comp_sum * weight * HUNDRED / comp_max if comp_max else ZERO
                total += rnd(part) if rnd else part
            else:
                total += comp_sum
        if zero_total:  # an absolute cut-off: the whole score is 0, parts included
            total = ZERO
            subs = dict.fromkeys(subs, ZERO)
            crits = dict.fromkeys(crits, ZERO)
            comps = dict.fromkeys(comps, ZERO)
        time = None
        if self.time_aspects:
            values = [marks.get(a, empty).get("") for a in self.time_aspects]
            if all(v is not None for v in values):
                time = sum((Decimal(v) for v in values if v is not None), ZERO)
        return ContestantResult(
            code=code,
            status=status,
            aspects=aspects,
            sub_criteria=subs,
            criteria=crits,
            components=comps,
            total=self.round(total),
            exact_total=total,
            missing=tuple(missing),
            rescore=tuple(rescore),
            time=time,
            zero_total=zero_total,
        )

    # -------------------------------------------------------------- the whole event

    def compute(
        self,
        contestants: Iterable[Contestant],
        marks: Marks,
        statuses: Mapping[str, str] | None = None,
        judges: Iterable[Judge] = (),
        entered_by: Mapping[tuple[str, str, str], str] | None = None,
    ) -> EventResult:
        """Score, rank and award every contestant of the event.

        `entered_by` maps (contestant, aspect, slot) → judge code, for conflict-of-interest flags.
        """
        statuses = statuses or {}
        entrants = [c for c in contestants if c.event == self.event.code]
        empty: Mapping[str, Mapping[str, str]] = {}
        scored = [self.score(c.code, marks.get(c.code, empty), statuses.get(c.code, "ok")) for c in entrants]
        return self.finish(scored, entrants, judges, entered_by)

    def finish(
        self,
        scored: list[ContestantResult],
        entrants: list[Contestant],
        judges: Iterable[Judge] = (),
        entered_by: Mapping[tuple[str, str, str], str] | None = None,
        keys: Mapping[str, tuple[Any, ...]] | None = None,
        flags: list[Flag] | None = None,
    ) -> EventResult:
        """Rank, award, scale and flag already-scored contestants (`keys`: cached sort keys)."""
        e = self.event
        for r in scored:
            if r.status not in RANKED_STATUSES and (
                r.rank is not None or r.award or r.title or r.scaled is not None
            ):
                r.rank, r.award, r.title, r.scaled = None, "", "", None
        ranked, _tied, new_keys = rank(e, [r for r in scored if r.status in RANKED_STATUSES], keys)
        ranked = assign_awards(e, ranked)
        if e.scale is not None:
            ranked = standardise(e.scale, ranked)
        unranked = sorted((r for r in scored if r.status not in RANKED_STATUSES), key=lambda r: r.code)
        problems = _tie_problems(e, ranked)
        if flags is None:
            flags = _flags(scored, entrants, judges, entered_by or {})
        teams = self.teams(ranked, entrants) if e.team_size > 1 else ()
        results = tuple(ranked) + tuple(unranked)
        index = {r.code: r for r in results}
        return EventResult(
            e.code, results, tuple(problems), tuple(flags), teams, new_keys, index, len(ranked)
        )

    def teams(self, ranked: list[ContestantResult], entrants: list[Contestant]) -> tuple[TeamResult, ...]:
        """Team totals (sum or mean of ranked members), ranked by total then shorter total time."""
        team_of = {c.code: c.team for c in entrants if c.team}
        members: dict[str, list[ContestantResult]] = {}
        for r in ranked:
            if r.code in team_of:
                members.setdefault(team_of[r.code], []).append(r)
        teams = []
        for team, rs in members.items():
            total = sum((r.total for r in rs), ZERO)
            if self.event.team_combine == "mean":
                total = self.round(total / len(rs))
            times = [r.time for r in rs]
            time = (
                sum((t for t in times if t is not None), ZERO) if all(t is not None for t in times) else None
            )
            teams.append(TeamResult(team, tuple(sorted(r.code for r in rs)), total, time))
        use_time = "time" in self.event.ranking.tie_breaks
        inf = Decimal("Infinity")

        def key(t: TeamResult) -> tuple[Decimal, Decimal]:
            return (-t.total, (t.time if t.time is not None else inf) if use_time else ZERO)

        teams.sort(key=lambda t: (key(t), t.team))
        awards = self.event.awards
        bounds = tier_counts(awards, len(teams)) if awards.basis != "threshold" else []
        out: list[TeamResult] = []
        for i, t in enumerate(teams):
            place = out[-1].rank if out and key(teams[i - 1]) == key(t) else i + 1
            assert place is not None
            if awards.basis == "threshold":
                award = next(
                    (a.name for a in awards.tiers if a.threshold is not None and t.total >= a.threshold), ""
                )
            else:  # the event's award policy applied to teams: tied teams share an award
                award = next((name for name, last in bounds if place <= last), "")
            out.append(replace(t, rank=place, award=award))
        return tuple(out)

    def rescore(
        self,
        previous: EventResult,
        code: str,
        marks: Mapping[str, Mapping[str, str]],
        entrants: list[Contestant],
        status: str | None = None,
        judges: Iterable[Judge] = (),
        entered_by: Mapping[tuple[str, str, str], str] | None = None,
    ) -> EventResult:
        """Recompute one contestant (after a mark) and re-rank; the others keep their scores,
        sort keys and flags. `entered_by` need only cover this contestant's marks.

        The usual case (the contestant stays ranked, the field keeps its size, no scale) moves
        that one contestant in the ranking and rewrites only the places it passed; anything else
        (a status change, a scaled event) re-ranks the field from the cached sort keys."""
        old = previous.index.get(code) if previous.ranked >= 0 else None
        if old is None:
            old = next((r for r in previous.results if r.code == code), None)
        fresh = self.score(code, marks, status or (old.status if old else "ok"))
        flags = [f for f in previous.flags if f.contestant != code]
        judges = tuple(judges)
        # the contestant's organisation matters only for conflict flags: no scan of the field without
        mine = [c for c in entrants if c.code == code] if any(j.organisation for j in judges) else []
        flags += _flags([fresh], mine, judges, entered_by or {})
        if (
            old is not None
            and previous.ranked >= 0
            and self.event.scale is None
            and (old.status in RANKED_STATUSES) == (fresh.status in RANKED_STATUSES)
        ):
            return self._moved(previous, old, fresh, entrants, flags)
        scored = [r for r in previous.results if r.code != code]
        scored.append(fresh)
        keys = dict(previous.keys)
        keys.pop(code, None)
        return self.finish(scored, entrants, keys=keys, flags=flags)

    def _moved(
        self,
        previous: EventResult,
        old: ContestantResult,
        fresh: ContestantResult,
        entrants: list[Contestant],
        flags: list[Flag],
    ) -> EventResult:
        """`rescore` when only `fresh` changed and the ranked field keeps its size: reposition it
        and re-place (rank, award, title) the contestants whose rank that changed."""
        e, code, n = self.event, fresh.code, previous.ranked
        index = dict(previous.index)
        index[code] = fresh
        results = list(previous.results)
        keys: Mapping[str, tuple[Any, ...]] = previous.keys
        if fresh.status in RANKED_STATUSES:
            new_keys = dict(keys)
            new_keys[code] = sort_key(e, fresh)
            at = bisect_left(results, (keys[code], code), 0, n, key=lambda r: (keys[r.code], r.code))
            assert results[at] is old
            lo, hi = reposition(results, new_keys, at, fresh, n)
            keys = new_keys
        else:  # unranked before and after: listed by code, nothing else moves
            at = bisect_left(results, code, n, key=attrgetter("code"))
            assert results[at] is old
            results[at] = fresh
            lo = hi = 0
        ranked_part = results[:n] if n < len(results) else results
        assign_awards(e, ranked_part, lo, hi)
        problems = _tie_problems(e, ranked_part)
        teams = self.teams(ranked_part, entrants) if e.team_size > 1 else ()
        return EventResult(e.code, tuple(results), tuple(problems), tuple(flags), teams, keys, index, n)


def _tie_problems(event: Event, ranked: list[ContestantResult]) -> list[Problem]:
    """With "no shared medal places", an unresolved tie blocks the results when it decides
    something: a medal place (place-basis tiers), or an award or title boundary it straddles (ordered
    one way, the tied contestants would get different awards). A tie wholly inside one ratio tier
    changes nothing and does not block.

    Only ties at a boundary (positions k and k+1 where a tier or title ends) or among the medal
    places can matter, so only those positions are looked at, not every tie in the field."""
    if event.ranking.shared_medal_places:
        return []
    awards = event.awards
    n = len(ranked)
    bounds = tier_counts(awards, n) if awards.basis != "threshold" else []
    medal_places = sum(t.places or 0 for t in awards.tiers) if awards.basis == "place" else 0

    def tier_at(position: int) -> str:
        return next((name for name, last in bounds if position <= last), "")

    def titles_at(position: int) -> tuple[str, ...]:
        return tuple(t.name for t in event.titles if position <= t.top)

    # 1-based k: is there a tie across positions k and k+1? Its group's first place, if so.
    cuts = {last for _name, last in bounds} | {t.top for t in event.titles}
    cuts.update(range(1, medal_places + 1))
    starts = sorted({rank for k in cuts if 1 <= k < n and (rank := ranked[k - 1].rank) == ranked[k].rank})
    problems = []
    for low in starts:
        assert low is not None
        end = low
        while end < n and ranked[end].rank == low:
            end += 1
        group = [r.code for r in ranked[low - 1 : end]]
        high = low + len(group) - 1
        straddles = tier_at(low) != tier_at(high) or titles_at(low) != titles_at(high)
        if straddles or low <= medal_places:
            names = "、".join(group)
            problems.append(
                Problem(
                    f"rank {low}",
                    f"第 {low} 名并列（{names}），所有并列规则都相同，本赛不允许并列获奖：请裁判长裁定",
                    f"a tie for place {low} ({', '.join(group)}) survives every tie-break and this "
                    "contest allows no shared award places: the chief judge must decide",
                )
            )
    return problems


def _flags(
    scored: list[ContestantResult],
    entrants: list[Contestant],
    judges: Iterable[Judge],
    entered_by: Mapping[tuple[str, str, str], str],
) -> list[Flag]:
    flags: list[Flag] = []
    for r in scored:
        for a in r.rescore:
            s = r.aspects[a]
            flags.append(
                Flag(
                    "rescore",
                    r.code,
                    a,
                    f"{r.code} {a} 裁判分差 {s.spread} 超过允许值，需要重新评分",
                    f"{r.code} {a}: judges' spread {s.spread} is over the limit; re-score",
                )
            )
    orgs = {j.code: j.organisation for j in judges if j.organisation}
    if not orgs:
        return flags
    contestant_org = {c.code: c.organisation for c in entrants if c.organisation in orgs.values()}
    hits = sorted(
        (key, judge)
        for key, judge in entered_by.items()
        if key[0] in contestant_org and orgs.get(judge) == contestant_org[key[0]]
    )
    for (contestant, aspect, _slot), judge in hits:
        # The organisation is not named: before decryption it would point at the person.
        flags.append(
            Flag(
                "conflict",
                contestant,
                aspect,
                f"裁判 {judge} 与选手 {contestant} 来自同一单位，却为其 {aspect} 评分（利益冲突）",
                f"judge {judge} marked {aspect} of {contestant}, both from the same organisation (conflict of interest)",
            )
        )
    return flags
