"""Properties of the rules engine over random but valid events, contestants and marks.

The strategies build an event as package data (so that it also passes the package validator), a
field of 2–30 contestants with a few non-"ok" statuses, and canonical marks (every value goes
through `parse_value`, as a judge's entry does), some of them missing. The properties are checked
against small independent oracles (ranking, award bounds, rounding with `Fraction`), not against
the engine's own helpers.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from scorer.model import (
    Aspect,
    AspectType,
    Contestant,
    DeductionRule,
    Event,
    ExamRule,
    Judge,
    JudgementRule,
    MeasurementRule,
    MeasureMode,
    Role,
    TimeRule,
)
from scorer.package import codec, validate
from scorer.rules import ContestantResult, EventResult, EventRules
from scorer.values import parse_value

EVENT = "EV"
ORGS = ("上海电气", "宝钢", "申通地铁", "江南造船")
JUDGES = tuple(Judge(f"J{i}", f"裁判{i}", Role.JUDGE, ORGS[i % len(ORGS)]) for i in range(1, 8))
STATUSES = ("ok",) * 12 + ("dnf", "withdrawn", "dq")

event_label = event  # hypothesis statistics; `event` is taken by the Event under test

SOME = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MORE = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def d(value: Any) -> str:
    """Decimal text as a package writes it."""
    return format(Decimal(value), "f")


# ------------------------------------------------------------------ aspect definitions


@st.composite
def tolerance_aspect(draw: st.DrawFn) -> dict[str, Any]:
    nominal = draw(st.sampled_from(["24", "15", "28", "8", "70", "12.5"]))
    # the last pair is an offset fit (Ø24 +0.021/+0.008): the nominal lies outside the zone
    lower, upper = draw(
        st.sampled_from(
            [
                ("0", "0.021"),
                ("-0.03", "0"),
                ("-0.033", "0"),
                ("-0.1", "0.1"),
                ("-0.05", "0.05"),
                ("0.008", "0.021"),
            ]
        )
    )
    rule: dict[str, Any] = {
        "mode": "tolerance",
        "unit": "mm",
        "nominal": nominal,
        "lower": lower,
        "upper": upper,
        "decimals": 3,
    }
    if draw(st.booleans()):  # 每超差 0.01 扣 3 分 and its variants; else 超差不得分
        rule["deduct"] = {
            "per": draw(st.sampled_from(["0.01", "0.02", "0.05"])),
            "marks": draw(st.sampled_from(["1", "2", "3", "0.5"])),
            "steps": draw(st.sampled_from(["started", "exact", "whole"])),
        }
    return {
        "type": "measurement",
        "max_mark": draw(st.sampled_from(["4", "6", "8", "10", "12", "2.5"])),
        "rule": rule,
    }


@st.composite
def gauge_aspect(draw: st.DrawFn) -> dict[str, Any]:
    return {"type": "measurement", "max_mark": draw(st.sampled_from(["5", "12"])), "rule": {"mode": "gauge"}}


@st.composite
def grade_aspect(draw: st.DrawFn) -> dict[str, Any]:
    top = Decimal(draw(st.sampled_from(["2", "4", "7"])))
    per_grade = Decimal(draw(st.sampled_from(["2", "0.5", "1.4"])))
    ladder = ["0.8", "1.6", "3.2", "6.3", "12.5"]  # Ra: −per_grade for each grade worse than 1.6
    grades = [
        {"label": label, "marks": d(max(Decimal(0), top - per_grade * max(0, i - 1)))}
        for i, label in enumerate(ladder)
    ]
    return {
        "type": "measurement",
        "max_mark": d(top),
        "rule": {"mode": "grade", "unit": "μm", "grades": grades},
    }


@st.composite
def bands_aspect(draw: st.DrawFn) -> dict[str, Any]:
    factor = Decimal(draw(st.sampled_from(["1", "0.35"])))
    # 焊缝余高 0–1 → 16, >1–2 → 12, >2–3 → 8, >3 or < 0 → 0 (× 0.35 in the demo composition)
    bands = [{"upto": u, "marks": d(Decimal(m) * factor)} for u, m in (("1", 16), ("2", 12), ("3", 8))]
    return {
        "type": "measurement",
        "max_mark": d(16 * factor),
        "rule": {"mode": "bands", "bands_from": "0", "bands": bands, "decimals": 2},
    }


@st.composite
def judgement_aspect(draw: st.DrawFn) -> dict[str, Any]:
    scale_min, scale_max, step = draw(
        st.sampled_from([("0", "3", "1"), ("0", "10", "0.5"), ("5", "10", "0.5")])
    )
    judges = draw(st.integers(3, 7))
    drops = draw(st.sampled_from([k for k in (0, 1, 2) if 2 * k < judges]))
    combine = draw(st.sampled_from(["mean", "mean", "sum"]))
    factor = draw(st.sampled_from(["1", "2.0", "3.2"])) if combine == "sum" else "1"
    if combine == "sum":  # diving: the counting scores summed × DD
        max_mark = d((judges - 2 * drops) * Decimal(scale_max) * Decimal(factor))
    else:
        max_mark = draw(st.sampled_from(["5", "10", "1.5"]))
    return {
        "type": "judgement",
        "max_mark": max_mark,
        "rule": {
            "scale_min": scale_min,
            "scale_max": scale_max,
            "step": step,
            "judges": judges,
            "drop_high": drops,
            "drop_low": drops,
            "combine": combine,
            "factor": factor,
            "spread_limit": draw(st.sampled_from([None, "1", "2", "4"])),
            # "mean_all" with "sum" sums all n scores instead of the counting ones (reported):
            # only with "mean" here
            "on_spread": draw(st.sampled_from(["rescore", "mean_all"])) if combine == "mean" else "rescore",
            "missing": draw(st.sampled_from(["wait", "mean_of_others"])),
        },
    }


@st.composite
def time_aspect(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.integers(0, 3)) == 0:
        return {
            "type": "time",
            "max_mark": "10",
            "rule": {"mode": "linear", "best_seconds": "600", "worst_seconds": "1200"},
        }
    rule: dict[str, Any] = {
        "mode": "penalty",
        "limit_minutes": "150",
        "per_minutes": draw(st.sampled_from(["1", "5"])),
        "marks": draw(st.sampled_from(["1", "2"])),
        "minutes": draw(st.sampled_from(["started", "exact", "whole"])),
    }
    max_mark = draw(st.sampled_from(["0", "10"]))
    # Kept out (reported): past a "max_penalty" cut-off, a penalty-only aspect without a
    # max_penalty scores 0, and an aspect with a maximum scores max − max_penalty even below 0.
    caps = ["10", "30"] if max_mark == "0" else ["10", "5"]
    if draw(st.booleans()):  # hard stop at 180 min
        rule["cutoff_minutes"] = "180"
        rule["cutoff"] = draw(st.sampled_from(["zero_total", "max_penalty"]))
        if rule["cutoff"] == "max_penalty":
            rule["max_penalty"] = draw(st.sampled_from(caps))
    elif draw(st.booleans()):
        rule["max_penalty"] = draw(st.sampled_from(caps))
    return {"type": "time", "max_mark": max_mark, "rule": rule}


@st.composite
def deduction_aspect(draw: st.DrawFn) -> dict[str, Any]:
    rule: dict[str, Any] = {"per": draw(st.sampled_from(["0.5", "1", "2", "3", "5"]))}
    cap = draw(st.sampled_from([None, "5", "10"]))
    if cap is not None:
        rule["cap"] = cap
    rule["max_count"] = draw(st.sampled_from([99, 1, 5]))
    # max 0: 文明生产 −3 each from the total, capped at 10; max > 0: deductions within an item
    return {"type": "deduction", "max_mark": draw(st.sampled_from(["0", "3", "10"])), "rule": rule}


@st.composite
def exam_aspect(draw: st.DrawFn) -> dict[str, Any]:
    out_of = draw(st.sampled_from(["100", "50", "120"]))
    return {
        "type": "exam",
        "max_mark": draw(st.sampled_from(["100", "30", out_of])),
        "rule": {"out_of": out_of, "decimals": draw(st.integers(0, 2))},
    }


ASPECT_KINDS = [
    tolerance_aspect(),
    gauge_aspect(),
    grade_aspect(),
    bands_aspect(),
    judgement_aspect(),
    time_aspect(),
    deduction_aspect(),
    exam_aspect(),
]


# ------------------------------------------------------------------ events


@st.composite
def component(draw: st.DrawFn, code: str, weight: str) -> dict[str, Any]:
    criteria = []
    total = Decimal(0)
    n_aspects = 0
    for ci in range(draw(st.integers(1, 2))):
        crit = f"{code}{'AB'[ci]}"
        subs = []
        for si in range(draw(st.integers(1, 2))):
            sub = f"{crit}{si + 1}"
            aspects = []
            for ai in range(draw(st.integers(1, 3))):
                a = draw(st.one_of(ASPECT_KINDS))
                aspects.append({"code": f"{sub}.{ai + 1}", "name": f"评分项 {sub}.{ai + 1}", **a})
                total += max(Decimal(0), Decimal(a["max_mark"]))
                n_aspects += 1
            subs.append({"code": sub, "name": f"分项 {sub}", "aspects": aspects})
        criteria.append({"code": crit, "name": f"模块 {crit}", "sub_criteria": subs})
    if total == 0:  # every aspect is penalty-only: add a gauge so the component has a maximum
        criteria[0]["sub_criteria"][0]["aspects"].append(
            {
                "code": f"{code}G",
                "name": "量规",
                "type": "measurement",
                "max_mark": "5",
                "rule": {"mode": "gauge"},
            }
        )
        total = Decimal(5)
    return {
        "code": code,
        "name": f"部分 {code}",
        "weight": weight,
        "max_mark": d(total),
        "criteria": criteria,
    }


def all_codes(event: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"component": [], "criterion": [], "sub_criterion": [], "aspect": []}
    for c in event["components"]:
        out["component"].append(c["code"])
        for cr in c["criteria"]:
            out["criterion"].append(cr["code"])
            for s in cr["sub_criteria"]:
                out["sub_criterion"].append(s["code"])
                out["aspect"].extend(a["code"] for a in s["aspects"])
    return out


@st.composite
def event_dicts(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        comps = [draw(component("P", "1"))]
    else:
        w = Decimal(draw(st.integers(1, 9))) / 10
        comps = [draw(component("T", d(w))), draw(component("P", d(1 - w)))]
    event: dict[str, Any] = {"code": EVENT, "name": "测试项目", "components": comps}
    event["rounding"] = {
        "decimals": draw(st.sampled_from([2, 2, 1, 0])),
        "mode": draw(st.sampled_from(["half_up", "half_up", "half_even", "down", "up"])),
        "totals_from": draw(st.sampled_from(["rounded", "unrounded"])),
    }
    codes = all_codes(event)
    timed = any(
        a["type"] == "time"
        for c in comps
        for cr in c["criteria"]
        for s in cr["sub_criteria"]
        for a in s["aspects"]
    )
    specs = ["time"] * timed + [f"{kind}:{code}" for kind, cs in codes.items() for code in cs]
    event["ranking"] = {
        "tie_breaks": draw(st.lists(st.sampled_from(specs), max_size=3, unique=True)),
        "shared_medal_places": draw(st.booleans()),
    }
    basis = draw(st.sampled_from(["ratio", "ratio", "place", "threshold"]))
    if basis == "ratio":  # 人社部: 一等奖 10%, 二等奖 20%, 三等奖 30%
        tiers = [
            {"name": n, "ratio": r} for n, r in (("一等奖", "0.1"), ("二等奖", "0.2"), ("三等奖", "0.3"))
        ]
    elif basis == "place":  # gold/silver/bronze, 优胜奖 to the rest of the top half
        tiers = [{"name": n, "places": 1} for n in ("金牌", "银牌", "铜牌")]
        if draw(st.booleans()):
            tiers.append({"name": "优胜奖", "ratio": "0.5"})
    else:
        tiers = [{"name": "优秀", "threshold": "80"}, {"name": "合格", "threshold": "60"}]
    event["awards"] = {
        "basis": basis,
        "rounding": draw(st.sampled_from(["half_up", "down", "up"])),
        "tiers": tiers,
    }
    if draw(st.booleans()):
        event["titles"] = [{"name": "五一劳动奖章", "top": 1}, {"name": "技术能手", "top": 3}]
    if draw(st.integers(0, 3)) == 0:
        event["scale"] = {"centre": draw(st.sampled_from(["median", "mean"])), "spread": "mad_normal"}
    return event


# ------------------------------------------------------------------ marks


def judge_slots(aspect: Aspect) -> list[str]:
    assert isinstance(aspect.rule, JudgementRule)
    return [f"J{i}" for i in range(1, aspect.rule.judges + 1)]


def slots_of(aspect: Aspect) -> list[str]:
    return judge_slots(aspect) if aspect.type is AspectType.JUDGEMENT else [""]


@st.composite
def raw_value(draw: st.DrawFn, aspect: Aspect) -> str:
    """A value a judge could enter for the aspect, canonicalised by `parse_value`."""
    rule = aspect.rule
    if isinstance(rule, MeasurementRule):
        if rule.mode is MeasureMode.GAUGE:
            text = draw(st.sampled_from(["pass", "fail", "合格", "不合格"]))
        elif rule.mode is MeasureMode.GRADE:
            text = draw(st.sampled_from([g.label for g in rule.grades]))
        elif rule.mode is MeasureMode.BANDS:
            text = d(Decimal(draw(st.integers(-5, 40))) / 10)
        else:
            assert rule.nominal is not None
            text = d(rule.nominal + Decimal(draw(st.integers(-200, 200))) / 1000)
    elif isinstance(rule, JudgementRule):
        steps = int((rule.scale_max - rule.scale_min) / rule.step)
        text = d(rule.scale_min + rule.step * draw(st.integers(0, steps)))
    elif isinstance(rule, TimeRule):
        if rule.mode == "linear":
            text = d(Decimal(draw(st.integers(400, 1400))))
        else:
            limit = (rule.limit_minutes or Decimal(0)) * 60
            text = d(
                limit
                + Decimal(draw(st.integers(-40, 80))) * 30
                + Decimal(draw(st.sampled_from(["0", "0.5"])))
            )
    elif isinstance(rule, DeductionRule):
        text = str(draw(st.integers(0, min(rule.max_count, 6))))
    else:
        assert isinstance(rule, ExamRule)
        q = 10**rule.decimals
        text = d(Decimal(draw(st.integers(0, int(rule.out_of) * q))) / q)
    return parse_value(aspect, text)


Marks = dict[str, dict[str, dict[str, str]]]


@st.composite
def aspect_marks(draw: st.DrawFn, aspect: Aspect) -> dict[str, str]:
    """Values of one aspect for one contestant; some or all may be missing."""
    if draw(st.integers(0, 9)) == 0:
        return {}
    out = {}
    for slot in slots_of(aspect):
        if aspect.type is not AspectType.JUDGEMENT or draw(st.integers(0, 11)) > 0:
            out[slot] = draw(raw_value(aspect))
    return out


class Case:
    """An event, its entrants, their statuses and marks."""

    def __init__(
        self,
        event_dict: dict[str, Any],
        contestants: list[Contestant],
        statuses: dict[str, str],
        marks: Marks,
    ) -> None:
        self.event_dict = event_dict
        self.event: Event = codec.event_from_dict(event_dict)
        self.rules = EventRules(self.event)
        self.contestants = contestants
        self.statuses = statuses
        self.marks = marks

    def entered_by(self, marks: Marks | None = None) -> dict[tuple[str, str, str], str]:
        """Judgement slots are entered by their own judge; other values by J1."""
        return {
            (c, a, slot): slot or "J1"
            for c, by_aspect in (self.marks if marks is None else marks).items()
            for a, values in by_aspect.items()
            for slot in values
        }

    def compute(self, marks: Marks | None = None, statuses: dict[str, str] | None = None) -> EventResult:
        return self.rules.compute(
            self.contestants,
            self.marks if marks is None else marks,
            self.statuses if statuses is None else statuses,
        )

    def __repr__(self) -> str:  # what hypothesis prints for a failing example
        return f"Case(event={self.event_dict!r}, statuses={self.statuses!r}, marks={self.marks!r})"


@st.composite
def cases(draw: st.DrawFn, min_size: int = 2, max_size: int = 30) -> Case:
    event_dict = draw(event_dicts())
    event = codec.event_from_dict(event_dict)
    n = draw(st.integers(min_size, max_size))
    contestants = [
        Contestant(f"R{i:03d}", f"选手{i}", ORGS[i % len(ORGS)], EVENT, f"C{i:02d}") for i in range(1, n + 1)
    ]
    # another event's contestant: compute must leave it out
    contestants.append(Contestant("X001", "别的项目", ORGS[0], "OTHER", "X01"))
    statuses = {c.code: s for c in contestants if (s := draw(st.sampled_from(STATUSES))) != "ok"}
    aspects = list(event.aspects().values())
    marks: Marks = {}
    for c in contestants[:-1]:
        if draw(st.integers(0, 14)) == 0:
            continue  # no marks at all yet
        by_aspect = {a.code: v for a in aspects if (v := draw(aspect_marks(a)))}
        if by_aspect:
            marks[c.code] = by_aspect
    return Case(event_dict, contestants, statuses, marks)


# ------------------------------------------------------------------ oracles


def comparable(result: EventResult) -> dict[str, tuple[Any, ...]]:
    return {
        r.code: (r.status, r.rank, r.total, r.exact_total, r.award, r.title, r.scaled, r.missing, r.rescore)
        for r in result.results
    }


def flag_set(result: EventResult) -> list[tuple[str, str, str, str]]:
    return sorted((f.kind, f.contestant, f.aspect, f.en) for f in result.flags)


def round_fraction(x: Fraction, decimals: int, mode: str) -> Fraction:
    """Decimal's rounding modes, on exact fractions: half_up and up go away from zero."""
    scale = 10**decimals
    sign = -1 if x < 0 else 1
    y = abs(x) * scale
    floor = math.floor(y)
    rest = y - floor
    if mode == "half_up":
        n = floor + (rest >= Fraction(1, 2))
    elif mode == "half_even":
        n = floor + (rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2 == 1))
    elif mode == "down":
        n = floor
    else:
        assert mode == "up"
        n = floor + (rest > 0)
    return Fraction(sign * n, scale)


def round_count(x: Fraction, mode: str) -> int:
    """ratio × N rounded to a whole number of places (awards: half_up, down, up)."""
    if mode == "half_up":
        return math.floor(x + Fraction(1, 2))
    if mode == "down":
        return math.floor(x)
    return math.ceil(x)


def award_bounds(event: Event, n: int) -> list[tuple[str, int]]:
    """The last place each tier reaches, cumulative, capped by the field."""
    awards = event.awards
    reached = 0
    bounds = []
    for tier in awards.tiers:
        if awards.basis == "ratio" and tier.ratio is not None:
            reached += round_count(Fraction(tier.ratio) * n, awards.rounding)
        elif awards.basis == "place" and tier.places is not None:
            reached += tier.places
        elif awards.basis == "place" and tier.ratio is not None:
            reached = max(reached, round_count(Fraction(tier.ratio) * n, awards.rounding))
        bounds.append((tier.name, min(reached, n)))
    return bounds


def raw_tie_value(r: ContestantResult, spec: str) -> Decimal | None:
    """What a tie-break looks at, before any rounding."""
    if spec == "time":
        return r.time
    kind, code = spec.split(":", 1)
    if kind == "aspect":
        return r.aspects[code].score
    return {"component": r.components, "criterion": r.criteria, "sub_criterion": r.sub_criteria}[kind][code]


def improve(draw: st.DrawFn, aspect: Aspect, values: dict[str, str]) -> dict[str, str] | None:
    """The aspect's values with one of them made better for the contestant, or None if none can be."""
    rule = aspect.rule
    if isinstance(rule, JudgementRule):
        raisable = [s for s, v in values.items() if Decimal(v) < rule.scale_max]
        if not raisable:
            return None
        slot = draw(st.sampled_from(sorted(raisable)))
        room = int((rule.scale_max - Decimal(values[slot])) / rule.step)
        return {**values, slot: d(Decimal(values[slot]) + rule.step * draw(st.integers(1, room)))}
    v = values.get("")
    if v is None:
        return None
    if isinstance(rule, MeasurementRule):
        if rule.mode is MeasureMode.GAUGE:
            return {"": "pass"} if v == "fail" else None
        if rule.mode is MeasureMode.GRADE:
            marks = {g.label: g.marks for g in rule.grades}
            better = [g.label for g in rule.grades if g.marks > marks[v]]
            return {"": draw(st.sampled_from(better))} if better else None
        if rule.mode is MeasureMode.BANDS:
            return None  # a band table is not monotone in the reading
        nominal = rule.nominal or Decimal(0)
        mid = nominal + ((rule.lower or Decimal(0)) + (rule.upper or Decimal(0))) / 2
        x = Decimal(v)
        gap = int(abs(mid - x) * 1000)  # readings have 3 decimals; move towards the zone's middle
        if gap == 0:
            return None
        step = Decimal(draw(st.integers(1, gap))) / 1000
        return {"": parse_value(aspect, d(x + step if mid > x else x - step))}
    if isinstance(rule, TimeRule):
        t = Decimal(v)
        if t <= 1:
            return None
        return {"": parse_value(aspect, d(max(Decimal(1), t - Decimal(draw(st.integers(1, 1800))))))}
    if isinstance(rule, DeductionRule):
        n = int(v)
        return {"": str(draw(st.integers(0, n - 1)))} if n > 0 else None
    assert isinstance(rule, ExamRule)
    x = Decimal(v)
    q = Decimal(1).scaleb(-rule.decimals)
    room = int((rule.out_of - x) / q)
    return {"": parse_value(aspect, d(x + q * draw(st.integers(1, room))))} if room > 0 else None


def shuffled_marks(marks: Marks, rnd: random.Random) -> Marks:
    """The same marks, inserted in another order at every level."""

    def shuffled(items: list[Any]) -> list[Any]:
        items = list(items)
        rnd.shuffle(items)
        return items

    return {
        c: {a: dict(shuffled(list(values.items()))) for a, values in shuffled(list(by_aspect.items()))}
        for c, by_aspect in shuffled(list(marks.items()))
    }


# ------------------------------------------------------------------ properties


@SOME
@given(cases(max_size=4))
def test_generated_events_are_valid_packages(case: Case) -> None:
    """The strategy only builds events the package validator accepts (a check on the tests)."""
    data = {
        "format": "scorer-competition",
        "format_version": 1,
        "competition": {"id": "prop", "name": "性质测试"},
        "events": [case.event_dict],
        "contestants": [codec.contestant_to_dict(c) for c in case.contestants if c.event == EVENT],
        "judges": [],
    }
    assert validate.check(data) == []


@MORE
@given(cases(), st.randoms(use_true_random=False))
def test_order_of_contestants_and_marks_does_not_matter(case: Case, rnd: random.Random) -> None:
    judges = list(JUDGES)
    first = case.rules.compute(case.contestants, case.marks, case.statuses, judges, case.entered_by())
    contestants = list(case.contestants)
    rnd.shuffle(contestants)
    rnd.shuffle(judges)
    marks = shuffled_marks(case.marks, rnd)
    statuses = dict(reversed(list(case.statuses.items())))
    entered_by = dict(reversed(list(case.entered_by(marks).items())))
    second = case.rules.compute(contestants, marks, statuses, judges, entered_by)
    assert comparable(second) == comparable(first)
    assert [r.code for r in second.results] == [r.code for r in first.results]  # ties: by code
    assert second.problems == first.problems
    # rescore flags follow the order of the contestants given; as a set they are the same
    assert flag_set(second) == flag_set(first)


@SOME
@given(cases())
def test_compute_is_deterministic(case: Case) -> None:
    first = case.compute()
    again = case.compute()
    fresh = EventRules(codec.event_from_dict(case.event_dict)).compute(
        case.contestants, case.marks, case.statuses
    )
    assert again == first
    assert fresh == first


@MORE
@given(st.data())
def test_a_better_mark_never_lowers_total_or_rank(data: st.DataObject) -> None:
    case = data.draw(cases())
    aspects = case.event.aspects()
    candidates = sorted(
        (c, a)
        for c, by_aspect in case.marks.items()
        for a, values in by_aspect.items()
        if case.statuses.get(c, "ok") == "ok" and values
    )
    assume(candidates)
    code, a = data.draw(st.sampled_from(candidates), label="contestant, aspect")
    aspect = aspects[a]
    better = improve(data.draw, aspect, case.marks[code][a])
    assume(better is not None)
    assert better is not None
    marks = {**case.marks, code: {**case.marks[code], a: better}}
    before, after = case.compute(), case.compute(marks)
    old, new = before.by_code()[code], after.by_code()[code]
    s_old, s_new = old.aspects[a], new.aspects[a]
    # A judgement panel whose spread crosses the limit changes how it is scored (re-score: no
    # score yet; mean_all: trimmed mean → mean of all, which can fall). Not a "better mark".
    assume(s_old.status == s_new.status)
    if isinstance(aspect.rule, JudgementRule) and aspect.rule.spread_limit is not None:
        limit = aspect.rule.spread_limit
        assume(((s_old.spread or 0) > limit) == ((s_new.spread or 0) > limit))
    if s_old.score is not None and not s_old.zero_total:
        assert s_new.score is not None and s_new.score >= s_old.score, (s_old, s_new)
    assert new.total >= old.total, (old.total, new.total)
    assert new.rank is not None and old.rank is not None
    event_label(f"better {aspect.type.value}: " + ("total up" if new.total > old.total else "total same"))
    if old.zero_total and not new.zero_total and new.total == old.total:
        # Past an absolute cut-off the time aspect scores 0 (no penalty) and only the total is
        # zeroed; a finish just inside it can score a real penalty, which a component / criterion
        # / aspect tie-break between two zero totals then sees as worse. Reported, not asserted.
        return
    assert new.rank <= old.rank, (old.rank, new.rank)
    for other in before.results:  # nobody else's score moves
        if other.code != code:
            assert after.by_code()[other.code].total == other.total


@MORE
@given(cases())
def test_ranks_are_standard_competition_ranking(case: Case) -> None:
    result = case.compute()
    entrants = {c.code for c in case.contestants if c.event == EVENT}
    assert sorted(r.code for r in result.results) == sorted(entrants)
    ranked = [r for r in result.results if r.rank is not None]
    unranked = result.results[len(ranked) :]
    assert all(r.rank is None and r.status != "ok" for r in unranked), "unranked come last"
    assert [r.code for r in unranked] == sorted(r.code for r in unranked)
    assert all(r.status == "ok" for r in ranked)
    assert all(not r.award and not r.title for r in unranked)
    if not ranked:
        return
    assert ranked[0].rank == 1
    for i in range(1, len(ranked)):
        prev, cur = ranked[i - 1], ranked[i]
        assert cur.total <= prev.total, "higher total first"
        if cur.rank == prev.rank:  # a tie: equal totals (and every tie-break)
            assert cur.total == prev.total
            assert cur.code > prev.code
        else:  # 1, 2, 2, 4: after k tied at r comes r + k
            assert cur.rank == i + 1
            if cur.total == prev.total:  # split by a tie-break
                specs = case.event.ranking.tie_breaks
                assert any(raw_tie_value(prev, t) != raw_tie_value(cur, t) for t in specs), specs
    counts = Counter(r.rank for r in ranked)
    ranks = sorted(counts)
    for r, nxt in pairwise(ranks):
        assert nxt == r + counts[r]


@MORE
@given(cases())
def test_awards_follow_the_policy(case: Case) -> None:
    result = case.compute()
    event = case.event
    ranked = [r for r in result.results if r.rank is not None]
    n = len(ranked)
    tier_names = [t.name for t in event.awards.tiers]
    by_rank: dict[int, set[str]] = {}
    for r in ranked:
        assert r.rank is not None
        by_rank.setdefault(r.rank, set()).add(r.award)
        titles = [t.name for t in event.titles if r.rank <= t.top]
        assert r.title == "、".join(titles)
        if event.awards.basis == "threshold":
            expected = next(
                (t.name for t in event.awards.tiers if t.threshold is not None and r.total >= t.threshold), ""
            )
            assert r.award == expected
    assert all(len(awards) == 1 for awards in by_rank.values()), "tied contestants share the award"
    if event.awards.basis == "threshold":
        return
    event_label("awards: " + ("ties" if len(by_rank) < n else "no ties") + f", basis {event.awards.basis}")
    bounds = award_bounds(event, n)
    for r in ranked:
        assert r.rank is not None
        expected = next((name for name, last in bounds if r.rank <= last), "")
        assert r.award == expected, (r.rank, bounds)
    order = [tier_names.index(r.award) if r.award else len(tier_names) for r in ranked]
    assert order == sorted(order), "a better place never has a lower tier"
    if len(by_rank) == n:  # no ties: each tier has exactly round(ratio × N) places, capped
        got = Counter(r.award for r in ranked)
        previous = 0
        for name, last in bounds:
            assert got[name] == max(0, last - previous), (name, bounds, got)
            previous = max(previous, last)
    if event.awards.basis == "ratio" and len(by_rank) == n:
        left = n
        for tier in event.awards.tiers:
            assert tier.ratio is not None
            want = min(round_count(Fraction(tier.ratio) * n, event.awards.rounding), left)
            assert Counter(r.award for r in ranked)[tier.name] == want
            left -= want


@MORE
@given(st.data())
def test_rescore_equals_full_compute(data: st.DataObject) -> None:
    """The live ranking's one-contestant recompute, applied after each of 1–3 single-mark (and
    possibly status) changes, ends where a full compute of the final marks does."""
    case = data.draw(cases())
    entrants = [c for c in case.contestants if c.event == EVENT]
    aspects = list(case.event.aspects().values())
    marks = {c: {a: dict(v) for a, v in by_aspect.items()} for c, by_aspect in case.marks.items()}
    statuses = dict(case.statuses)
    live = case.rules.compute(case.contestants, marks, statuses, JUDGES, case.entered_by(marks))
    for _ in range(data.draw(st.integers(1, 3), label="changes")):
        code = data.draw(st.sampled_from([c.code for c in entrants]), label="contestant")
        aspect = data.draw(st.sampled_from(aspects), label="aspect")
        slot = data.draw(st.sampled_from(slots_of(aspect)), label="slot")
        own = marks.setdefault(code, {})
        if data.draw(st.integers(0, 4), label="delete?") == 0:
            own.get(aspect.code, {}).pop(slot, None)
        else:
            own.setdefault(aspect.code, {})[slot] = data.draw(raw_value(aspect), label="new value")
        status = data.draw(st.sampled_from([None, *STATUSES[-4:]]), label="new status")
        if status is not None:
            statuses[code] = status
        live = case.rules.rescore(
            live, code, own, entrants, status, judges=JUDGES, entered_by=case.entered_by({code: own})
        )
    full = case.rules.compute(case.contestants, marks, statuses, JUDGES, case.entered_by(marks))
    assert comparable(live) == comparable(full)
    assert [r.code for r in live.results] == [r.code for r in full.results]
    assert {r.code: r.aspects for r in live.results} == {r.code: r.aspects for r in full.results}
    assert live.problems == full.problems
    assert flag_set(live) == flag_set(full)


@MORE
@given(cases())
def test_totals_are_the_rounded_sums_the_scheme_declares(case: Case) -> None:
    event = case.event
    result = case.compute()
    decimals, mode = event.rounding.decimals, event.rounding.mode
    from_rounded = event.rounding.totals_from == "rounded"

    def rnd(x: Fraction) -> Fraction:
        return round_fraction(x, decimals, mode)

    def close(got: Fraction, want: Fraction) -> bool:
        """Rounded parts are exact; unrounded ones are 28-digit decimals, equal far below a cent."""
        return got == want if from_rounded else abs(got - want) < Fraction(1, 10**20)

    for r in result.results:
        total = Fraction(0)
        for comp in event.components:
            part = Fraction(0)
            for crit in comp.criteria:
                for sub in crit.sub_criteria:
                    for a in sub.aspects:
                        s = r.aspects[a.code]
                        if s.score is None:
                            assert a.code in r.missing or a.code in r.rescore
                            continue
                        if a.max_mark > 0:
                            assert 0 <= s.score <= a.max_mark, (a.code, s)
                        else:
                            assert s.score <= 0, (a.code, s)
                        part += rnd(Fraction(s.score)) if from_rounded else Fraction(s.score)
            part = min(max(part, Fraction(0)), Fraction(comp.max_mark))  # never below 0 or above max
            if r.zero_total:  # an absolute cut-off zeroes the whole score, parts included
                assert r.components[comp.code] == 0, (comp.code, r.components)
            else:
                assert close(Fraction(r.components[comp.code]), part), (comp.code, r.components, part)
            if len(event.components) == 1:
                total += part
            else:  # Σ weight × component / max × 100
                weighted = part * Fraction(comp.weight) * 100 / Fraction(comp.max_mark)
                total += rnd(weighted) if from_rounded else weighted
        zero = any(s.zero_total for s in r.aspects.values() if s.score is not None)
        assert r.zero_total == zero
        if zero:
            total = Fraction(0)
        assert close(Fraction(r.exact_total), total), (r.exact_total, total)
        assert Fraction(r.total) == rnd(Fraction(r.exact_total))
        if from_rounded:
            assert Fraction(r.total) == rnd(total)
        assert r.total == r.total.quantize(Decimal(1).scaleb(-decimals))
        if len(event.components) > 1:
            assert 0 <= r.total <= 100
