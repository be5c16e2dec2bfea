"""Inconsistent marking schemes are refused at import, each problem located and explained."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from scorer import package
from scorer.errors import ImportRejected
from tests.conftest import MINI

BASE: dict[str, Any] = json.loads(MINI.read_text(encoding="utf-8"))


def refused(change) -> list[str]:
    data = copy.deepcopy(BASE)
    change(data)
    with pytest.raises(ImportRejected) as exc:
        package.from_data(data, "scheme.json")
    return [p.message("en") for p in exc.value.problems]


def practical(d: dict[str, Any]) -> dict[str, Any]:
    return d["events"][0]["components"][1]


def test_weights_not_summing_to_one():
    msgs = refused(lambda d: practical(d).update(weight="0.6"))
    assert any("weights" in m and "0.9" in m for m in msgs)


def test_tie_break_naming_unknown_criterion():
    msgs = refused(lambda d: d["events"][0]["ranking"].update(tie_breaks=["criterion:Z9"]))
    assert msgs == [
        "events[0:CNC].ranking.tie_breaks[0]: tie-break 'criterion:Z9' refers to a criterion 'Z9' that does not exist"
    ]


def test_tie_break_naming_a_criterion_as_component():
    msgs = refused(lambda d: d["events"][0]["ranking"].update(tie_breaks=["component:A"]))
    assert "component 'A'" in msgs[0]


def test_trimmed_mean_dropping_more_judges_than_the_panel_has():
    def change(d):
        practical(d)["criteria"][1]["sub_criteria"][0]["aspects"][0]["rule"] = {
            "judges": 3,
            "drop_high": 2,
            "drop_low": 1,
        }

    msgs = refused(change)
    assert any("no counting score from 3 judges" in m for m in msgs)


def test_component_max_not_matching_its_aspects():
    """Like the WorldSkills module whose total row says 21.5 while its lines add up to 19."""
    msgs = refused(lambda d: practical(d).update(max_mark="110"))
    assert any("110" in m and "add up to 100" in m for m in msgs)


DD = {
    "code": "DD",
    "name": "难度系数",
    "type": "measurement",
    "max_mark": "0",
    "rule": {
        "mode": "grade",
        "unit": "",
        "grades": [{"label": x, "marks": "0"} for x in ("1.0", "1.5", "2.0")],
    },
}


def declared(d: dict[str, Any], rule: dict[str, Any] | None = None, dd: dict[str, Any] | None = None) -> None:
    """B1.1 (a 3-judge 0–3 panel) multiplied by each contestant's declared difficulty DD."""
    aspects = practical(d)["criteria"][1]["sub_criteria"][0]["aspects"]
    aspects.append(copy.deepcopy(dd or DD))
    aspects[0]["rule"] = rule or {"judges": 3, "combine": "sum", "factor_from": "DD"}


def test_a_declared_difficulty_is_accepted():
    data = copy.deepcopy(BASE)
    declared(data)
    comp = package.from_data(data, "scheme.json")
    assert comp.events[0].aspects()["B1.1"].rule.factor_from == "DD"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("rule", "dd", "expected"),
    [
        (
            {"judges": 3, "combine": "sum", "factor_from": "Z9"},
            None,
            "factor_from 'Z9' is not another aspect",
        ),
        (
            {"judges": 3, "combine": "sum", "factor_from": "B1.1"},
            None,
            "factor_from 'B1.1' is not another aspect",
        ),
        ({"judges": 3, "combine": "sum", "factor_from": "B1.2"}, None, "must be a grade-mode measurement"),
        ({"judges": 3, "factor_from": "DD"}, None, "only with combine sum"),
        (None, {**DD, "max_mark": "1"}, "must be a grade-mode measurement"),
        (
            None,
            {**DD, "rule": {"mode": "grade", "grades": [{"label": "难", "marks": "0"}]}},
            "must be a grade",
        ),
        (
            None,
            {**DD, "rule": {"mode": "grade", "grades": [{"label": "0", "marks": "0"}]}},
            "must be a grade",
        ),
    ],
)
def test_a_declared_difficulty_must_name_a_list_of_allowed_values(rule, dd, expected):
    msgs = refused(lambda d: declared(d, rule, dd))
    assert any(expected in m and "factor_from" in m for m in msgs), msgs


def test_a_declared_difficulty_survives_the_excel_round_trip():
    """The workbook has a 难度取自 column: export → import keeps factor_from (it used to drop it)."""
    from scorer.package import xlsx

    data = copy.deepcopy(BASE)
    declared(data)
    comp = package.from_data(data, "scheme.json")
    again = xlsx.load_bytes(xlsx.dump_bytes(comp))
    assert again == comp
    assert again.events[0].aspects()["B1.1"].rule.factor_from == "DD"  # type: ignore[union-attr]


def test_component_english_names_survive_json_and_excel():
    from dataclasses import replace

    from scorer.package import xlsx

    comp = package.from_data(copy.deepcopy(BASE), "scheme.json")
    event = comp.events[0]
    named = replace(
        event, components=tuple(replace(c, name_en=f"{c.code} in English") for c in event.components)
    )
    comp = replace(comp, events=(named,))
    assert package.from_data(json.loads(package.dumps_json(comp)), "again.json") == comp
    assert xlsx.load_bytes(xlsx.dump_bytes(comp)) == comp


def test_a_time_aspects_decimals_survive_the_excel_round_trip():
    """TimeRule.decimals (the precision timer times are stored at) has the 小数位 column in Excel."""
    from dataclasses import replace

    from scorer.model import TimeRule
    from scorer.package import xlsx

    comp = package.from_data(copy.deepcopy(BASE), "scheme.json")
    event = comp.events[0]
    timed = [a for a in event.aspects().values() if isinstance(a.rule, TimeRule)]
    assert timed, "the base scheme has a time aspect"

    def with_decimals(a):
        return replace(a, rule=replace(a.rule, decimals=1)) if isinstance(a.rule, TimeRule) else a

    components = tuple(
        replace(c, criteria=tuple(
            replace(cr, sub_criteria=tuple(
                replace(s, aspects=tuple(with_decimals(a) for a in s.aspects)) for s in cr.sub_criteria
            )) for cr in c.criteria
        )) for c in event.components
    )  # fmt: skip
    comp = replace(comp, events=(replace(event, components=components),))
    again = xlsx.load_bytes(xlsx.dump_bytes(comp))
    assert again == comp
