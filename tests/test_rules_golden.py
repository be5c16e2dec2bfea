"""Golden tests of the rules engine: every rule with numbers worked out by hand in the test."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from scorer.model import Contestant, Judge, Role
from scorer.package.codec import event_from_dict
from scorer.rules import EventRules, explain


def event(aspects: list[dict[str, Any]], max_mark: str | None = None, **extra: Any):
    """A one-component event holding these aspects (the component max is the sum unless given)."""
    total = sum(D(a["max_mark"]) for a in aspects if D(a["max_mark"]) > 0)
    return event_from_dict(
        {
            "code": "E",
            "name": "测试",
            "components": [
                {
                    "code": "P",
                    "name": "操作技能",
                    "max_mark": max_mark or str(total),
                    "criteria": [
                        {
                            "code": "A",
                            "name": "模块",
                            "sub_criteria": [{"code": "A1", "name": "子", "aspects": aspects}],
                        }
                    ],
                }
            ],
            **extra,
        }
    )


def score(aspect: dict[str, Any], values: dict[str, str] | str):
    e = event([aspect])
    rules = EventRules(e)
    vals = {"": values} if isinstance(values, str) else values
    return rules.scorers[aspect["code"]](vals)


def people(n: int, prefix: str = "C") -> list[Contestant]:
    return [Contestant(f"R{i}", f"选手{i}", "", "E", f"{prefix}{i:02d}") for i in range(1, n + 1)]


# ------------------------------------------------------------------ measurement

OD24 = {
    "code": "M1",
    "name": "外圆 Ø24 +0.021/0",
    "type": "measurement",
    "max_mark": "10",
    "rule": {
        "mode": "tolerance",
        "nominal": "24",
        "lower": "0",
        "upper": "0.021",
        "deduct": {"per": "0.01", "marks": "3"},
    },
}


@pytest.mark.parametrize(
    ("steps", "reading", "expected"),
    [
        ("started", "24.015", "10"),  # inside 24.000–24.021
        ("started", "24.021", "10"),  # on the limit
        ("started", "24.025", "7"),  # 0.004 over: one started step of 0.01 → −3
        ("started", "24.050", "1"),  # 0.029 over: 3 started steps → −9
        ("started", "24.060", "0"),  # 0.039 over: 4 steps → −12, floored at 0 (扣完为止)
        ("started", "23.990", "7"),  # 0.010 under the lower limit: exactly one step
        ("exact", "24.025", "8.8"),  # 0.4 of a step → −1.2
        ("exact", "24.036", "5.5"),  # 1.5 steps → −4.5
        ("whole", "24.036", "7"),  # only the completed step counts → −3
        ("whole", "24.025", "10"),  # no completed step
    ],
)
def test_tolerance_deduct_per_step_with_floor(steps, reading, expected):
    aspect = {**OD24, "rule": {**OD24["rule"], "deduct": {"per": "0.01", "marks": "3", "steps": steps}}}
    assert score(aspect, reading).score == D(expected)


def test_out_of_tolerance_scores_zero_without_deduct_rule():
    aspect = {**OD24, "rule": {k: v for k, v in OD24["rule"].items() if k != "deduct"}}
    assert score(aspect, "24.022").score == 0  # 超差不得分
    assert score(aspect, "24.000").score == 10


RA = {
    "code": "M2",
    "name": "Ra1.6",
    "type": "measurement",
    "max_mark": "4",
    "rule": {
        "mode": "grade",
        "grades": [
            {"label": "0.8", "marks": "4"},
            {"label": "1.6", "marks": "4"},
            {"label": "3.2", "marks": "2"},
            {"label": "6.3", "marks": "0"},
        ],
    },
}


@pytest.mark.parametrize(("grade", "marks"), [("0.8", 4), ("1.6", 4), ("3.2", 2), ("6.3", 0)])
def test_roughness_grade_ladder(grade, marks):
    """Ra1.6 required, −2 per grade worse (降一级扣2分)."""
    assert score(RA, grade).score == marks


WELD_HEIGHT = {
    "code": "W1",
    "name": "焊缝余高",
    "type": "measurement",
    "max_mark": "16",
    "rule": {
        "mode": "bands",
        "bands_from": "0",
        "bands": [{"upto": "1", "marks": "16"}, {"upto": "2", "marks": "12"}, {"upto": "3", "marks": "8"}],
    },
}


@pytest.mark.parametrize(
    ("mm", "marks"),
    [("0", 16), ("0.5", 16), ("1", 16), ("1.5", 12), ("2.0", 12), ("2.9", 8), ("3.2", 0), ("-0.1", 0)],
)
def test_weld_band_table(mm, marks):
    """0–1 → Ⅰ 16; >1–2 → Ⅱ 12; >2–3 → Ⅲ 8; >3 or <0 → Ⅳ 0."""
    assert score(WELD_HEIGHT, mm).score == marks


def test_gauge_pass_fail():
    gauge = {"code": "G", "name": "螺纹", "type": "measurement", "max_mark": "12", "rule": {"mode": "gauge"}}
    assert score(gauge, "pass").score == 12
    assert score(gauge, "fail").score == 0  # 不合格不得分


# ------------------------------------------------------------------ judgement


def judged(values: list[str], **rule: Any) -> Any:
    aspect = {
        "code": "J",
        "name": "评价",
        "type": "judgement",
        "max_mark": rule.pop("max_mark", "1.5"),
        "rule": rule,
    }
    return score(aspect, {f"J{i}": v for i, v in enumerate(values)})


def test_worldskills_judgement_0_to_3():
    """Three judges 2, 3, 2 on 0–3 for a 1.5-mark aspect: mean 7/3, /3 × 1.5 = 1.1666… → 1.17."""
    s = judged(["2", "3", "2"], judges=3)
    assert s.status == "ok"
    assert s.score == D(7) / 3 / 3 * D("1.5")
    assert EventRules(event([{"code": "J", "name": "x", "type": "judgement", "max_mark": "1.5"}])).round(
        s.score
    ) == D("1.17")


def test_judgement_spread_over_limit_needs_rescoring():
    """1, 3, 2: counting scores 2 apart > the default limit 1 → no score, re-score."""
    s = judged(["1", "3", "2"], judges=3)
    assert s.status == "rescore" and s.score is None and s.spread == 2


def test_diving_seven_judges_drop_two_and_two_times_dd():
    """7.0 7.5 8.0 8.0 8.5 6.5 9.0: drop 9.0, 8.5 and 6.5, 7.0 → 7.5 + 8.0 + 8.0 = 23.5 × DD 3.2 = 75.20."""
    s = judged(
        ["7.0", "7.5", "8.0", "8.0", "8.5", "6.5", "9.0"],
        max_mark="96",
        scale_min="0",
        scale_max="10",
        step="0.5",
        judges=7,
        drop_high=2,
        drop_low=2,
        combine="sum",
        factor="3.2",
        spread_limit=None,
    )
    assert s.score == D("75.20")
    assert s.counted == (D("7.5"), D("8.0"), D("8.0"))
    assert sorted(s.dropped) == [D("6.5"), D("7.0"), D("8.5"), D("9.0")]


def test_five_judges_drop_highest_and_lowest_mean_of_three():
    """去掉最高分和最低分: 85 88 90 92 95 → 88, 90, 92 → mean 90 of 100 → 90 marks of 100."""
    s = judged(
        ["85", "88", "90", "92", "95"],
        max_mark="100",
        scale_max="100",
        judges=5,
        drop_high=1,
        drop_low=1,
        spread_limit=None,
    )
    assert s.score == 90


def test_aerobic_spread_falls_back_to_mean_of_all():
    """4 judges drop 1+1: counting 8.2, 8.9 differ by 0.7 > 0.3 → mean of all four = 34.6 / 4 = 8.65."""
    s = judged(
        ["8.0", "8.2", "8.9", "9.5"],
        max_mark="10",
        scale_max="10",
        step="0.1",
        judges=4,
        drop_high=1,
        drop_low=1,
        spread_limit="0.3",
        on_spread="mean_all",
    )
    assert s.status == "ok" and s.score == D("8.65")


def test_missing_judge_wait_or_mean_of_others():
    """Two of three scores: "wait" gives no score; "mean_of_others" fills 2.5 → mean 2.5 → 2.5/3 × 3."""
    assert judged(["2", "3"], judges=3, max_mark="3").status == "missing"
    s = judged(["2", "3"], judges=3, max_mark="3", missing="mean_of_others", spread_limit=None)
    assert s.status == "ok" and s.score == D("2.5")


# ------------------------------------------------------------------ time, deduction, exam

CNC_TIME = {
    "code": "T",
    "name": "工时",
    "type": "time",
    "max_mark": "0",
    "rule": {
        "mode": "penalty",
        "limit_minutes": "150",
        "per_minutes": "1",
        "marks": "1",
        "cutoff_minutes": "180",
        "cutoff": "max_penalty",
        "max_penalty": "30",
    },
}


@pytest.mark.parametrize(
    ("minutes", "seconds", "expected"),
    [
        ("started", "9000", "0"),  # exactly 150:00 → no penalty
        ("started", "9150.5", "-3"),  # 152:30.5 → 2.508 minutes over → 3 started minutes
        ("exact", "9150.5", "-2.508333333333333333333333333"),  # proportional
        ("whole", "9150.5", "-2"),
        ("started", "10800", "-30"),  # 180:00 is still inside the cut-off: 30 minutes over → −30
        ("started", "10860", "-30"),  # 181:00: past the cut-off → the maximum penalty
    ],
)
def test_time_penalty_per_minute_with_cutoff(minutes, seconds, expected):
    """数控车: after 150 min −1 per minute; hard stop at 180 min."""
    aspect = {**CNC_TIME, "rule": {**CNC_TIME["rule"], "minutes": minutes}}
    assert score(aspect, seconds).score == D(expected)


def test_time_penalty_per_five_minutes_and_zero_total_cutoff():
    """电工: −2 per (started) 5 min over 180; welder: more than 15 min over → whole score 0."""
    elec = {
        "code": "T",
        "name": "工时",
        "type": "time",
        "max_mark": "0",
        "rule": {
            "limit_minutes": "180",
            "per_minutes": "5",
            "marks": "2",
            "cutoff_minutes": "190",
            "cutoff": "max_penalty",
            "max_penalty": "4",
        },
    }
    assert score(elec, str(186 * 60)).score == -4  # 6 min over → 2 started units × 2
    assert score(elec, str(183 * 60)).score == -2
    weld_time = {
        **elec,
        "rule": {"limit_minutes": "60", "per_minutes": "5", "marks": "1", "cutoff_minutes": "75"},
    }
    s = score(weld_time, str(76 * 60))
    assert s.zero_total
    e = event(
        [{"code": "X", "name": "x", "type": "exam", "max_mark": "100", "rule": {"out_of": "100"}}, weld_time]
    )
    r = EventRules(e).score("C01", {"X": {"": "88"}, "T": {"": str(76 * 60)}})
    assert r.total == 0 and r.zero_total


def test_linear_time_score():
    """Best 600 s → 10, worst 1200 s → 0: 900 s is half way → 5."""
    aspect = {
        "code": "T",
        "name": "t",
        "type": "time",
        "max_mark": "10",
        "rule": {"mode": "linear", "best_seconds": "600", "worst_seconds": "1200"},
    }
    assert [score(aspect, v).score for v in ("500", "600", "900", "1200", "1500")] == [10, 10, 5, 0, 0]


def test_deductions_capped_and_floored():
    """文明生产 −3 per violation, capped at −10; within a 10-mark item, −1 each, never below 0."""
    conduct = {
        "code": "S",
        "name": "文明生产",
        "type": "deduction",
        "max_mark": "0",
        "rule": {"per": "3", "cap": "10"},
    }
    assert [score(conduct, n).score for n in ("0", "2", "3", "4")] == [0, -6, -9, -10]
    item = {"code": "E1", "name": "元件安装", "type": "deduction", "max_mark": "10", "rule": {"per": "1"}}
    assert [score(item, n).score for n in ("0", "3", "12")] == [10, 7, 0]


def test_exam_scaled_to_component():
    """A paper out of 150 scaled to 100: 120 → 80."""
    exam = {"code": "X", "name": "理论", "type": "exam", "max_mark": "100", "rule": {"out_of": "150"}}
    assert score(exam, "120").score == 80


# ------------------------------------------------------------------ totals and rounding

THIRD = {"type": "judgement", "max_mark": "1", "rule": {"judges": 3, "spread_limit": None}}


def test_rounded_or_unrounded_parts():
    """Three aspects each 1.1666…: rounded parts add to 3.51, unrounded parts to 3.50."""
    aspects = [{**THIRD, "code": f"J{i}", "name": f"j{i}", "max_mark": "1.5"} for i in range(3)]
    marks = {f"J{i}": {"a": "2", "b": "3", "c": "2"} for i in range(3)}
    rounded = EventRules(event(aspects, rounding={"totals_from": "rounded"})).score("C", marks)
    exact = EventRules(event(aspects, rounding={"totals_from": "unrounded"})).score("C", marks)
    assert rounded.total == D("3.51")
    assert exact.total == D("3.50")


def test_half_up_is_the_default():
    """四舍五入: 2.345 → 2.35 (banker's rounding would give 2.34)."""
    e = event(
        [
            {
                "code": "X",
                "name": "x",
                "type": "exam",
                "max_mark": "100",
                "rule": {"out_of": "100", "decimals": 3},
            }
        ]
    )
    assert EventRules(e).score("C", {"X": {"": "2.345"}}).total == D("2.35")


def test_weighted_components_theory_30_practical_70():
    """理论 80 × 30% + 实操 90 × 70% = 24 + 63 = 87.00."""
    e = event_from_dict(
        {
            "code": "E",
            "name": "电工",
            "components": [
                {
                    "code": "T",
                    "name": "理论",
                    "weight": "0.3",
                    "max_mark": "100",
                    "criteria": [
                        {
                            "code": "T1",
                            "name": "t",
                            "sub_criteria": [
                                {
                                    "code": "T11",
                                    "name": "t",
                                    "aspects": [
                                        {
                                            "code": "X",
                                            "name": "卷",
                                            "type": "exam",
                                            "max_mark": "100",
                                            "rule": {"out_of": "100"},
                                        }
                                    ],
                                }
                            ],
                        }
                    ],
                },
                {
                    "code": "P",
                    "name": "实操",
                    "weight": "0.7",
                    "max_mark": "50",
                    "criteria": [
                        {
                            "code": "P1",
                            "name": "p",
                            "sub_criteria": [
                                {
                                    "code": "P11",
                                    "name": "p",
                                    "aspects": [
                                        {
                                            "code": "Y",
                                            "name": "件",
                                            "type": "exam",
                                            "max_mark": "50",
                                            "rule": {"out_of": "50"},
                                        }
                                    ],
                                }
                            ],
                        }
                    ],
                },
            ],
        }
    )
    r = EventRules(e).score("C", {"X": {"": "80"}, "Y": {"": "45"}})  # 45 of 50 = 90 of 100
    assert r.components == {"T": D(80), "P": D(45)}
    assert r.total == D("87.00")


def test_deductions_never_take_the_component_below_zero():
    aspects = [
        {"code": "X", "name": "x", "type": "exam", "max_mark": "5", "rule": {"out_of": "5"}},
        {
            "code": "S",
            "name": "安全",
            "type": "deduction",
            "max_mark": "0",
            "rule": {"per": "3", "cap": "10"},
        },
    ]
    r = EventRules(event(aspects)).score("C", {"X": {"": "4"}, "S": {"": "3"}})
    assert r.total == 0  # 4 − 9 → clamped at 0


def test_missing_marks_are_listed():
    aspects = [
        {"code": "X", "name": "x", "type": "exam", "max_mark": "50", "rule": {"out_of": "50"}},
        {**THIRD, "code": "J", "name": "j"},
    ]
    r = EventRules(event(aspects)).score("C", {"X": {"": "40"}, "J": {"a": "2"}})
    assert r.missing == ("J",) and not r.complete


# ------------------------------------------------------------------ ranking, tie-breaks, explain

TWO_CRITERIA = {
    "code": "E",
    "name": "电工",
    "components": [
        {
            "code": "T",
            "name": "理论",
            "weight": "0.3",
            "max_mark": "100",
            "criteria": [
                {
                    "code": "T1",
                    "name": "理论",
                    "sub_criteria": [
                        {
                            "code": "T11",
                            "name": "卷",
                            "aspects": [
                                {
                                    "code": "X",
                                    "name": "卷",
                                    "type": "exam",
                                    "max_mark": "100",
                                    "rule": {"out_of": "100"},
                                }
                            ],
                        }
                    ],
                }
            ],
        },
        {
            "code": "P",
            "name": "实操",
            "weight": "0.7",
            "max_mark": "100",
            "criteria": [
                {
                    "code": "P1",
                    "name": "接线",
                    "sub_criteria": [
                        {
                            "code": "P11",
                            "name": "接线",
                            "aspects": [
                                {
                                    "code": "Y",
                                    "name": "接线",
                                    "type": "exam",
                                    "max_mark": "100",
                                    "rule": {"out_of": "100"},
                                }
                            ],
                        }
                    ],
                }
            ],
        },
    ],
}


def exams(marks: dict[str, tuple[str, str]]) -> dict[str, dict[str, dict[str, str]]]:
    return {c: {"X": {"": t}, "Y": {"": p}} for c, (t, p) in marks.items()}


def test_tie_broken_by_practical_and_explained():
    """Equal totals 85.80 (27 + 58.8 and 24.9 + 60.9): the higher practical wins; explain says so."""
    e = event_from_dict({**TWO_CRITERIA, "ranking": {"tie_breaks": ["component:P"]}})
    marks = exams({"C01": ("90", "84"), "C02": ("83", "87")})  # 27 + 58.8 = 85.80; 24.9 + 60.9 = 85.80
    result = EventRules(e).compute(people(2), marks)
    assert [(r.code, r.total, r.rank) for r in result.results] == [
        ("C02", D("85.80"), 1),
        ("C01", D("85.80"), 2),
    ]
    why = explain(e, result, "C01", "C02")
    assert why.ahead == "C02"
    assert why.zh == "总分相同 85.80；实操 87.00 > 84.00 → C02 领先"
    assert why.en == "equal totals 85.80; 实操 87.00 > 84.00 → C02 ahead"


def test_standard_competition_ranking_1_2_2_4():
    e = event_from_dict(TWO_CRITERIA)
    marks = exams({"C01": ("90", "90"), "C02": ("80", "80"), "C03": ("80", "80"), "C04": ("70", "70")})
    result = EventRules(e).compute(people(4), marks)
    assert [r.rank for r in result.results] == [1, 2, 2, 4]
    assert explain(e, result, "C02", "C03").ahead is None


def test_shorter_time_breaks_a_tie():
    aspects = [
        {"code": "X", "name": "x", "type": "exam", "max_mark": "100", "rule": {"out_of": "100"}},
        {"code": "T", "name": "工时", "type": "time", "max_mark": "0", "rule": {"limit_minutes": "150"}},
    ]
    e = event(aspects, ranking={"tie_breaks": ["time"]})
    marks = {"C01": {"X": {"": "80"}, "T": {"": "8000"}}, "C02": {"X": {"": "80"}, "T": {"": "7000"}}}
    result = EventRules(e).compute(people(2), marks)
    assert [r.code for r in result.results] == ["C02", "C01"]
    assert "用时 7000.00 < 8000.00 → C02 领先" in explain(e, result, "C01", "C02").zh


def test_no_shared_medal_places_blocks_an_unresolved_tie():
    e = event_from_dict(
        {
            **TWO_CRITERIA,
            "ranking": {"tie_breaks": ["component:P"], "shared_medal_places": False},
            "awards": {
                "basis": "place",
                "tiers": [
                    {"name": "金牌", "places": 1},
                    {"name": "银牌", "places": 1},
                    {"name": "铜牌", "places": 1},
                ],
            },
        }
    )
    marks = exams(
        {
            "C01": ("90", "90"),
            "C02": ("90", "90"),
            "C03": ("50", "50"),
            "C04": ("40", "40"),
            "C05": ("30", "30"),
        }
    )
    result = EventRules(e).compute(people(5), marks)
    assert len(result.problems) == 1
    assert "C01" in result.problems[0].zh and "裁判长" in result.problems[0].zh
    shared = event_from_dict(
        {**TWO_CRITERIA, "awards": {"basis": "place", "tiers": [{"name": "金牌", "places": 1}]}}
    )
    assert EventRules(shared).compute(people(5), marks).problems == ()


def test_withdrawn_and_disqualified_are_not_ranked():
    e = event_from_dict(TWO_CRITERIA)
    marks = exams({"C01": ("90", "90"), "C02": ("80", "80"), "C03": ("70", "70")})
    result = EventRules(e).compute(people(3), marks, statuses={"C01": "dq"})
    assert [(r.code, r.rank) for r in result.results] == [("C02", 1), ("C03", 2), ("C01", None)]


# ------------------------------------------------------------------ awards, titles, scale


def ratio_event(rounding: str = "half_up"):
    return event_from_dict(
        {
            **TWO_CRITERIA,
            "awards": {
                "basis": "ratio",
                "rounding": rounding,
                "tiers": [
                    {"name": "一等奖", "ratio": "0.1"},
                    {"name": "二等奖", "ratio": "0.2"},
                    {"name": "三等奖", "ratio": "0.3"},
                ],
            },
            "titles": [{"name": "技术能手", "top": 5}],
        }
    )


@pytest.mark.parametrize(
    ("n", "rounding", "counts"),
    [
        (7, "half_up", (1, 1, 2)),  # 0.7 → 1, 1.4 → 1, 2.1 → 2
        (10, "half_up", (1, 2, 3)),
        (23, "half_up", (2, 5, 7)),  # 2.3 → 2, 4.6 → 5, 6.9 → 7
        (7, "down", (0, 1, 2)),
        (23, "up", (3, 5, 7)),
    ],
)
def test_awards_by_ratio_10_20_30(n, rounding, counts):
    e = ratio_event(rounding)
    marks = exams({f"C{i:02d}": (str(100 - i), str(100 - i)) for i in range(1, n + 1)})
    result = EventRules(e).compute(people(n), marks)
    got = tuple(sum(1 for r in result.results if r.award == name) for name in ("一等奖", "二等奖", "三等奖"))
    assert got == counts
    assert [r.code for r in result.results if r.title] == [f"C{i:02d}" for i in range(1, min(5, n) + 1)]


def test_awards_by_place_with_merit_for_the_top_half():
    e = event_from_dict(
        {
            **TWO_CRITERIA,
            "awards": {
                "basis": "place",
                "tiers": [
                    {"name": "金牌", "places": 1},
                    {"name": "银牌", "places": 1},
                    {"name": "铜牌", "places": 1},
                    {"name": "优胜奖", "ratio": "0.5"},
                ],
            },
        }
    )
    marks = exams({f"C{i:02d}": (str(100 - i), str(100 - i)) for i in range(1, 11)})
    result = EventRules(e).compute(people(10), marks)
    assert [r.award for r in result.results] == [
        "金牌",
        "银牌",
        "铜牌",
        "优胜奖",
        "优胜奖",
        "",
        "",
        "",
        "",
        "",
    ]


def test_awards_by_threshold():
    e = event_from_dict(
        {
            **TWO_CRITERIA,
            "awards": {
                "basis": "threshold",
                "tiers": [{"name": "优秀", "threshold": "90"}, {"name": "合格", "threshold": "60"}],
            },
        }
    )
    marks = exams({"C01": ("95", "90"), "C02": ("70", "70"), "C03": ("50", "50")})
    result = EventRules(e).compute(people(3), marks)
    assert [r.award for r in result.results] == ["优秀", "合格", ""]


def test_tied_contestants_share_an_award():
    e = ratio_event()
    marks = exams({f"C{i:02d}": ("80", "80") if i <= 2 else (str(70 - i), str(70 - i)) for i in range(1, 11)})
    result = EventRules(e).compute(people(10), marks)
    assert [r.award for r in result.results[:2]] == ["一等奖", "一等奖"]


def test_scale_700_median_mad():
    """Totals 60 70 80 90 100: median 80, MAD 10, × 1.4826 = 14.826; 90 → 700 + 30 × 10 / 14.826 = 720.2 → 720."""
    e = event_from_dict(
        {
            **TWO_CRITERIA,
            "scale": {
                "centre": "median",
                "spread": "mad_normal",
                "points_per_spread": "30",
                "centre_points": "700",
            },
        }
    )
    marks = exams({f"C{i:02d}": (t, t) for i, t in enumerate(("100", "90", "80", "70", "60"), start=1)})
    result = EventRules(e).compute(people(5), marks)
    assert [r.scaled for r in result.results] == [D(740), D(720), D(700), D(680), D(660)]


def test_team_sum_and_tie_on_time():
    aspects = [
        {"code": "X", "name": "x", "type": "exam", "max_mark": "100", "rule": {"out_of": "100"}},
        {"code": "T", "name": "工时", "type": "time", "max_mark": "0", "rule": {"limit_minutes": "150"}},
    ]
    e = event(aspects, team_size=2, team_combine="sum", ranking={"tie_breaks": ["time"]})
    crew = [Contestant(f"R{i}", f"n{i}", "", "E", f"C{i}", team=t) for i, t in enumerate("AABB", start=1)]
    marks = {
        "C1": {"X": {"": "80"}, "T": {"": "6000"}},
        "C2": {"X": {"": "70"}, "T": {"": "6000"}},
        "C3": {"X": {"": "75"}, "T": {"": "5000"}},
        "C4": {"X": {"": "75"}, "T": {"": "5000"}},
    }
    result = EventRules(e).compute(crew, marks)
    assert [(t.team, t.total, t.rank) for t in result.teams] == [("B", D(150), 1), ("A", D(150), 2)]
    gold = event(
        aspects,
        team_size=2,
        ranking={"tie_breaks": ["time"]},
        awards={"basis": "place", "tiers": [{"name": "金牌", "places": 1}]},
    )
    assert [t.award for t in EventRules(gold).compute(crew, marks).teams] == ["金牌", ""]


def test_conflict_of_interest_is_flagged():
    e = event_from_dict(TWO_CRITERIA)
    crew = [Contestant("R1", "张伟", "上海电气", "E", "C01"), Contestant("R2", "李娜", "宝钢", "E", "C02")]
    judges = [Judge("J1", "王", Role.JUDGE, "上海电气")]
    marks = exams({"C01": ("80", "80"), "C02": ("70", "70")})
    entered = {("C01", "X", ""): "J1", ("C02", "X", ""): "J1"}
    result = EventRules(e).compute(crew, marks, judges=judges, entered_by=entered)
    assert [(f.kind, f.contestant, f.aspect) for f in result.flags] == [("conflict", "C01", "X")]


# ------------------------------------------------------------------ regressions found by the property tests


def test_exact_halves_survive_scaling():
    """2.5 of a 120-mark paper scaled to 30 is exactly 0.625 → 0.63 (dividing first gave 0.62)."""
    exam = {
        "code": "X",
        "name": "理论",
        "type": "exam",
        "max_mark": "30",
        "rule": {"out_of": "120", "decimals": 1},
    }
    assert score(exam, "2.5").score == D("0.625")
    assert EventRules(event([exam])).score("C", {"X": {"": "2.5"}}).total == D("0.63")
    assert judged(
        ["0", "0", "5.5"], judges=3, max_mark="0.3", scale_max="10", step="0.5", spread_limit=None
    ).score == D("0.055")


def test_cutoff_without_declared_maximum_takes_the_penalty_at_the_cutoff():
    """Past a 180-min cut-off (limit 150, −1/min) with no max_penalty: −30, not 0."""
    aspect = {**CNC_TIME, "rule": {k: v for k, v in CNC_TIME["rule"].items() if k != "max_penalty"}}
    assert score(aspect, "10800").score == -30
    assert score(aspect, "10801").score == -30


def test_cutoff_penalty_is_floored_within_an_item():
    aspect = {**CNC_TIME, "max_mark": "10"}
    assert score(aspect, "10801").score == 0


@pytest.mark.parametrize(
    ("max_mark", "max_penalty", "seconds", "expected"),
    [
        ("0", None, "10800", "-30"),  # 180:00, at the cut-off: 30 minutes over
        ("0", None, "11100", "-30"),  # 185:00, past it, no maximum declared: the penalty at 180:00
        ("0", "40", "11100", "-40"),  # a declared maximum is taken, even above the penalty at 180:00
        ("0", "20", "10800", "-20"),  # … and caps the penalty before the cut-off too
        ("0", "20", "11100", "-20"),
        ("50", None, "11100", "20"),  # within a 50-mark item: 50 − 30
        ("10", None, "11100", "0"),  # within a 10-mark item: floored at 0, never the item's maximum
    ],
)
def test_cutoff_max_penalty_as_documented(max_mark, max_penalty, seconds, expected):
    """docs/rules.md, Time: past the cut-off, taken = max_penalty if declared, else the penalty
    reached at the cut-off (limit 150, cut-off 180, −1 per started minute → 30)."""
    rule = {k: v for k, v in CNC_TIME["rule"].items() if k != "max_penalty"}
    if max_penalty is not None:
        rule["max_penalty"] = max_penalty
    assert score({**CNC_TIME, "max_mark": max_mark, "rule": rule}, seconds).score == D(expected)


# ------------------------------------------------------------------ declared difficulty (per contestant)

DECLARED_DD = {
    "code": "DD",
    "name": "难度系数",
    "type": "measurement",
    "max_mark": "0",
    "rule": {
        "mode": "grade",
        "unit": "",
        "grades": [{"label": x, "marks": "0"} for x in ("2.0", "2.8", "3.2", "3.5")],
    },
}
EXECUTION = {
    "code": "J",
    "name": "动作完成",
    "type": "judgement",
    "max_mark": "105",  # 3 counting × 10 × the largest difficulty 3.5
    "rule": {
        "scale_max": "10",
        "step": "0.5",
        "judges": 5,
        "drop_high": 1,
        "drop_low": 1,
        "combine": "sum",
        "factor_from": "DD",
    },
}


def test_declared_difficulty_multiplies_the_panel_and_is_explained():
    """C01 declares 3.2: 7.0 7.5 8.0 8.0 8.5 → drop 7.0, 8.5 → 23.5 × 3.2 = 75.20. C02 declares 2.8:
    8.5 9.0 9.0 9.0 9.5 → 27.0 × 2.8 = 75.60, so C02 is ahead on the easier dive. C03's panel
    without a declared difficulty is missing (no score), and the difficulty itself scores 0."""
    e = event([DECLARED_DD, EXECUTION], max_mark="105")
    panel = lambda *xs: {f"J{i}": x for i, x in enumerate(xs, 1)}  # noqa: E731
    marks = {
        "C01": {"DD": {"": "3.2"}, "J": panel("7.0", "7.5", "8.0", "8.0", "8.5")},
        "C02": {"DD": {"": "2.8"}, "J": panel("8.5", "9.0", "9.0", "9.0", "9.5")},
        "C03": {"J": panel("8.0", "8.0", "8.0", "8.0", "8.0")},
    }
    result = EventRules(e).compute(people(3), marks)
    by = result.by_code()
    assert [(r.code, r.rank, r.total) for r in result.results] == [
        ("C02", 1, D("75.60")),
        ("C01", 2, D("75.20")),
        ("C03", 3, D("0.00")),
    ]
    assert by["C01"].aspects["J"].score == D("75.20") and by["C01"].aspects["J"].times == D("3.2")
    assert by["C01"].aspects["J"].note == "合计 23.5 × 1 × 难度 3.2"
    assert by["C01"].aspects["DD"].score == 0
    assert by["C03"].aspects["J"].status == "missing" and set(by["C03"].missing) == {"DD", "J"}
    why = explain(e, result, "C01", "C02")
    assert why.ahead == "C02"
    assert why.zh == "总分 C02 75.60 > C01 75.20 → C02 领先（J 动作完成 难度系数 C01 3.2，C02 2.8）"
    assert (
        why.en == "total C02 75.60 > C01 75.20 → C02 ahead (J 动作完成 declared difficulty C01 3.2, C02 2.8)"
    )


def test_declared_difficulty_is_clamped_to_the_aspect_maximum():
    """An aspect declared 96 marks (3 × 10 × 3.2) but allowing 3.5: 10, 10, 10 × 3.5 = 105 → 96."""
    rules = EventRules(event([DECLARED_DD, {**EXECUTION, "max_mark": "96"}], max_mark="96"))
    ten = {f"J{i}": "10" for i in range(1, 6)}
    assert rules.score("C01", {"DD": {"": "3.5"}, "J": ten}).total == 96
    assert rules.score("C01", {"DD": {"": "2.0"}, "J": ten}).total == 60


def test_mean_of_all_on_spread_with_sum_combine():
    """{0, 2, 3, 0}, drop 1+1, limit 1: counting 0, 2 spread 2 → mean of all 1.25 × 2 counting = 2.5."""
    rule = {
        "judges": 4,
        "drop_high": 1,
        "drop_low": 1,
        "spread_limit": "1",
        "on_spread": "mean_all",
        "combine": "sum",
    }
    assert judged(["0", "2", "3", "0"], max_mark="6", **rule).score == D("2.5")
    assert judged(["2", "2", "3", "0"], max_mark="6", **rule).score == 4


def test_tie_breaks_round_as_the_scheme_does():
    """8.5 and 8.52 of 40 scaled to 10 are 2.125 and 2.13: both 2.13 half up, so they share 1st."""
    exam = {"code": "X", "name": "x", "type": "exam", "max_mark": "10", "rule": {"out_of": "40"}}
    e = event([exam], ranking={"tie_breaks": ["aspect:X"]})
    result = EventRules(e).compute(people(2), {"C01": {"X": {"": "8.5"}}, "C02": {"X": {"": "8.52"}}})
    assert [r.rank for r in result.results] == [1, 1]


def test_no_shared_places_blocks_only_ties_that_decide_something():
    """Ratio tiers: a tie wholly inside 三等奖 decides nothing; one across the 一/二等奖 line does."""
    e = event_from_dict(
        {
            **TWO_CRITERIA,
            "ranking": {"shared_medal_places": False},
            "awards": {
                "basis": "ratio",
                "tiers": [
                    {"name": "一等奖", "ratio": "0.1"},
                    {"name": "二等奖", "ratio": "0.2"},
                    {"name": "三等奖", "ratio": "0.3"},
                ],
            },
        }
    )
    inside = {f"C{i:02d}": (str(100 - i), str(100 - i)) for i in range(1, 11)}
    inside["C05"] = inside["C04"]  # tie on places 4–5; N = 10: 一等奖 1, 二等奖 2–3, 三等奖 4–6
    assert EventRules(e).compute(people(10), exams(inside)).problems == ()
    across = {f"C{i:02d}": (str(100 - i), str(100 - i)) for i in range(1, 11)}
    across["C02"] = across["C01"]  # places 1 and 2: 一等奖 and 二等奖
    assert len(EventRules(e).compute(people(10), exams(across)).problems) == 1


def test_one_rounding_for_totals_tie_breaks_json_and_print():
    """2.125 rounds to 2.13 half up (the default) and 2.12 half even, wherever it is shown."""
    from scorer.model import Competition
    from scorer.reports.results import fmt
    from scorer.results_json import event_to_dict
    from scorer.rules.rounding import round_as

    exam = {"code": "X", "name": "x", "type": "exam", "max_mark": "10", "rule": {"out_of": "40"}}
    for mode, want in (("half_up", "2.13"), ("half_even", "2.12")):
        e = event([exam], rounding={"mode": mode, "totals_from": "unrounded"})
        assert str(round_as(e, D("2.125"))) == want
        result = EventRules(e).compute(people(1), {"C01": {"X": {"": "8.5"}}})
        assert str(result.results[0].total) == want
        assert fmt(result.results[0].components["P"], e) == want
        comp = Competition("c", "赛", events=(e,), contestants=tuple(people(1)))
        assert event_to_dict(comp, result)["results"][0]["components"]["P"] == want
