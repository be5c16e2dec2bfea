"""Usability fixes from the field trial: what happens when a package leaves something out."""

from __future__ import annotations

import copy
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import pytest

from scorer.errors import MarkRefused
from scorer.model import AspectType, Judge, JudgementRule, Role
from scorer.package.codec import rule_from_dict, rule_to_dict
from scorer.session import Session
from scorer.store import Store
from tests.test_rules_golden import judged

# ------------------------------------------------------------------ a judge with no assignments


@pytest.fixture
def unassigned(tmp_path: Path, mini_comp):
    """The mini competition plus J9, a scoring judge whose assignments were never filled in."""
    j9 = Judge("J9", "新裁判", Role.JUDGE, pin_hash=mini_comp.judges[0].pin_hash)
    s = Store.create(tmp_path / "comp.scorer", "测试机")
    s.set_competition(replace(mini_comp, judges=(*mini_comp.judges, j9)), "C1")
    yield s, j9
    s.close()


def test_a_judge_without_assignments_is_told_what_to_fill_in(unassigned):
    """No default scope: J9 may mark nothing, and the refusal names the missing 分工 and where it goes."""
    store, j9 = unassigned
    session = Session(store, j9)
    assert session.events() == [] and session.my_aspects("CNC") == []
    with pytest.raises(MarkRefused) as exc:
        session.record("C01", "A1.1", "24.01")
    zh, en = exc.value.message("zh"), exc.value.message("en")
    assert zh.startswith("裁判 J9 没有分工（assignments）") and "裁判分工" in zh
    assert "J9 has no assignments" in en
    assert not list(store.log(("mark",)))


def test_paper_forms_of_a_judge_without_assignments_are_refused_plainly(unassigned):
    store, _ = unassigned
    clerk = next(j for j in store.competition.judges if j.code == "L1")
    with pytest.raises(MarkRefused) as exc:
        Session(store, clerk).enter_paper(
            pass_no=1, judge="J9", contestant="C01", aspect="A1.1", value="24.01"
        )
    assert exc.value.message("zh").startswith("裁判 J9 没有分工")
    assert not list(store.log(("entry.draft",)))


def test_assigned_judges_mark_as_before(unassigned):
    store, _ = unassigned
    j1 = next(j for j in store.competition.judges if j.code == "J1")
    assert Session(store, j1).record("C01", "A1.1", "24.01").contestant == "C01"


# ------------------------------------------------------------------ the default spread limit


def test_a_0_to_10_panel_has_no_spread_limit_unless_one_is_given():
    """7, 8.5, 9 on 0–10 (spread 2): scored 8.1666… of 10 without a limit; a given "1" still applies."""
    scores = ["7", "8.5", "9"]
    s = judged(scores, judges=3, max_mark="10", scale_max="10", step="0.5")
    assert s.status == "ok" and s.score == (D("24.5") * 10) / (3 * 10)
    assert judged(scores, judges=3, max_mark="10", scale_max="10", step="0.5", spread_limit="1").status == (
        "rescore"
    )


def test_a_0_to_100_panel_is_not_sent_back_for_ordinary_disagreement():
    s = judged(["82", "85", "90"], judges=3, max_mark="100", scale_max="100")
    assert s.status == "ok" and s.score == D(257) / 3


def test_the_worldskills_0_to_3_scale_keeps_its_limit_of_1():
    assert judged(["1", "3", "2"], judges=3).status == "rescore"  # spread 2 > 1
    assert judged(["1", "3", "2"], judges=3, spread_limit=None).status == "ok"


@pytest.mark.parametrize(
    ("given", "limit", "written"),
    [
        ({}, D(1), "1"),  # 0–3, left out → 1
        ({"scale_max": "10"}, None, None),  # 0–10, left out → no limit
        ({"scale_min": "1", "scale_max": "3"}, None, None),  # not the WorldSkills 0–3 scale
        ({"scale_max": "10", "spread_limit": "1"}, D(1), "1"),  # given: kept whatever the scale
        ({"spread_limit": None}, None, None),  # 0–3 with null: no limit
    ],
)
def test_spread_limit_default_and_round_trip(given, limit, written):
    """The limit in force is exported explicitly, so decoding the export gives the same rule."""
    rule = rule_from_dict(AspectType.JUDGEMENT, given)
    assert isinstance(rule, JudgementRule) and rule.spread_limit == limit
    out = rule_to_dict(rule)
    assert out["spread_limit"] == written
    assert rule_from_dict(AspectType.JUDGEMENT, out) == rule


def test_the_model_default_follows_the_scale_too():
    assert JudgementRule().spread_limit == 1
    assert JudgementRule(scale_max=D(10)).spread_limit is None
    assert JudgementRule(scale_max=D(10), spread_limit=D(2)).spread_limit == 2
    assert JudgementRule(spread_limit=None).spread_limit is None


# ------------------------------------------------------------------ a difficulty declared per contestant


def test_a_declared_difficulty_is_entered_like_a_mark_and_multiplies_the_panel(tmp_path: Path):
    """DD is entered through the same store path (checked against its list of allowed values, and
    corrected like any mark); B1.1 = (2 + 3 + 2) × 1.5 = 10.5, and 14 once DD is corrected to 2.0."""
    from scorer import package
    from tests.test_scheme_validation import BASE, declared

    data = copy.deepcopy(BASE)
    declared(data)
    store = Store.create(tmp_path / "dd.scorer", "测试机")
    try:
        store.set_competition(package.from_data(data, "dd.json"), "C1")
        with pytest.raises(MarkRefused) as exc:
            store.record_mark(judge="J3", contestant="C01", aspect="DD", value="1.7")
        assert "1.0 / 1.5 / 2.0" in exc.value.message("zh")
        first = store.record_mark(judge="J3", contestant="C01", aspect="DD", value="1.5")
        for judge, value in (("J2", "2"), ("J3", "3"), ("K1", "2")):
            store.record_mark(judge=judge, contestant="C01", aspect="B1.1", value=value)
        b11 = store.results("CNC").by_code()["C01"].aspects["B1.1"]
        assert (b11.score, b11.times) == (D("10.5"), D("1.5"))
        store.correct_mark(replaces=first, value="2.0", reason="申报表为 2.0", actor="J3")
        assert store.results("CNC").by_code()["C01"].aspects["B1.1"].score == 14
    finally:
        store.close()


def test_the_command_line_says_the_same_for_a_judge_without_assignments(tmp_path: Path, mini_comp, capsys):
    """`scorer mark` goes through the store's own check: the same plain message as the app."""
    from scorer import cli

    judges = tuple(replace(j, assignments=()) if j.code == "J1" else j for j in mini_comp.judges)
    with Store.create(tmp_path / "c.scorer", "x") as store:
        store.set_competition(replace(mini_comp, judges=judges), "C1")
    assert cli.main(["mark", str(tmp_path / "c.scorer"), "-j", "J1", "-c", "C01", "-a", "A1.1", "24.01"]) == 1
    err = capsys.readouterr().err
    assert "没有分工" in err and "裁判分工" in err
