"""Titles and medals are different awards (a medal certificate must not say 称号), and awards and
titles have English names: Title.kind / name_en and AwardTier.name_en through the JSON package, its
schema and the XLSX workbook, left out when not set so existing exports stay byte-identical."""

from __future__ import annotations

import dataclasses

import pytest

from scorer import package
from scorer.errors import ImportRejected
from scorer.model import AwardTier, Title
from scorer.package import codec, xlsx
from scorer.resources import resource_path


def _with_awards(mini_comp, titles: tuple[Title, ...], tiers: tuple[AwardTier, ...]):
    e = mini_comp.events[0]
    e = dataclasses.replace(e, titles=titles, awards=dataclasses.replace(e.awards, tiers=tiers))
    return dataclasses.replace(mini_comp, events=(e, *mini_comp.events[1:]))


def test_defaults_are_left_out(mini_comp) -> None:
    comp = _with_awards(mini_comp, (Title("技术能手", 3),), (AwardTier("一等奖", ratio=None, places=1),))
    e = codec.to_dict(comp)["events"][0]
    assert e["titles"] == [{"name": "技术能手", "top": 3}]
    assert e["awards"]["tiers"] == [{"name": "一等奖", "places": 1}]


def test_kind_and_english_names_round_trip_json_and_xlsx(mini_comp) -> None:
    titles = (
        Title("上海市五一劳动奖章", 1, "medal", "Shanghai May Day Labour Medal"),
        Title("技术能手", 3, name_en="Technical Expert: Grade 1; special"),
        Title("岗位能手", 5),
    )
    tiers = (AwardTier("一等奖", places=1, name_en="First Prize"), AwardTier("优胜奖", name_en="Merit"))
    comp = _with_awards(mini_comp, titles, tiers)
    e = codec.to_dict(comp)["events"][0]
    assert e["titles"][0] == {
        "name": "上海市五一劳动奖章",
        "top": 1,
        "kind": "medal",
        "name_en": "Shanghai May Day Labour Medal",
    }
    assert e["awards"]["tiers"][0]["name_en"] == "First Prize"
    assert package.load_json_bytes(package.dumps_json(comp).encode()) == comp  # the schema allows them
    back = xlsx.load_bytes(xlsx.dump_bytes(comp), "t.xlsx")
    assert back == comp
    assert xlsx.dump_bytes(back) == xlsx.dump_bytes(comp)


def test_xlsx_title_cell_words() -> None:
    value, problem = xlsx.titles_value("技术能手:5; 五一劳动奖章:1:奖章; 银:2:kind=medal:英文名=Silver")
    assert problem is None
    assert value == [
        {"name": "技术能手", "top": 5},
        {"name": "五一劳动奖章", "top": 1, "kind": "medal"},
        {"name": "银", "top": 2, "kind": "medal", "name_en": "Silver"},
    ]
    _, problem = xlsx.titles_value("五一劳动奖章:1:勋章")
    assert problem is not None and "勋章" in problem[0] and "medal" in problem[1]


def test_schema_refuses_an_unknown_kind(mini_comp) -> None:
    data = codec.to_dict(mini_comp)
    data["events"][0]["titles"] = [{"name": "五一劳动奖章", "top": 1, "kind": "badge"}]
    with pytest.raises(ImportRejected):
        package.from_data(data, "t.json")


def test_demo_medal_is_a_medal() -> None:
    demo = package.load(resource_path("demo", "demo-competition.json"))
    kinds = {t.name: t.kind for e in demo.events for t in e.titles}
    assert kinds["上海市五一劳动奖章"] == "medal" and kinds["上海市技术能手"] == "title"
