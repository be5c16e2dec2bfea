"""The XLSX workbook of a competition package: round trips, exact decimals, and problems that name cells."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from scorer.errors import ImportRejected, Problem
from scorer.model import AspectType, Competition, MeasurementRule, Role
from scorer.package import codec, from_data, load, xlsx
from scorer.pins import check_pin, hash_pin
from scorer.resources import resource_path

DATA = Path(__file__).parent / "data"
SAMPLE_HASH = hash_pin("1234", salt=b"0123456789abcdef")


@pytest.fixture(scope="module")
def mini() -> Competition:
    return load(DATA / "mini.json")


@pytest.fixture(scope="module")
def mini_xlsx(mini: Competition) -> bytes:
    return xlsx.dump_bytes(mini)


def big_competition(n_contestants: int = 200) -> Competition:
    """Three events from SAMPLE_SCHEMES.md with every aspect type, 200 contestants, 20 judges."""
    names = "张伟 王秀英 李娜 刘洋 陈静怡 杨帆 赵磊 黄晓燕 周俊 吴婷婷 徐志强 孙丽 朱建华 胡斌 郭敏 何俊杰 高峰 林雪 罗堃 郑喆"
    names += " 邵𠮷祥 欧阳娜 司马婧 曹赟 蒋彧 钱淼 戴昇 沈垚 顾犇 闫燚"
    people = names.split()
    employers = [
        "上海电气集团股份有限公司",
        "江南造船(集团)有限责任公司",
        "中国商用飞机有限责任公司",
        "国网上海市电力公司",
    ]
    districts = ["黄浦区", "徐汇区", "闵行区", "宝山区", "浦东新区", "崇明区"]
    data = codec.to_dict(load(DATA / "mini.json"))
    cnc = data["events"][0]
    elec = {
        "code": "ELEC",
        "name": "电工",
        "name_en": "Electrician",
        "duration_minutes": 180,
        "components": [
            {
                "code": "T",
                "name": "理论",
                "weight": "0.3",
                "max_mark": "100",
                "criteria": [
                    {
                        "code": "T1",
                        "name": "理论考试",
                        "sub_criteria": [
                            {
                                "code": "T1.1",
                                "name": "笔试",
                                "aspects": [
                                    {
                                        "code": "T1.1.1",
                                        "name": "理论成绩",
                                        "type": "exam",
                                        "max_mark": "100",
                                        "rule": {"out_of": "150", "decimals": 1},
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
                        "code": "E",
                        "name": "接触器联锁正反转",
                        "sub_criteria": [
                            {
                                "code": "E1",
                                "name": "安装接线",
                                "day": "C1",
                                "aspects": [
                                    {
                                        "code": "E1.1",
                                        "name": "元件安装",
                                        "type": "deduction",
                                        "max_mark": "10",
                                        "rule": {"per": "1", "cap": "10"},
                                    },
                                    {
                                        "code": "E1.2",
                                        "name": "按图接线",
                                        "type": "deduction",
                                        "max_mark": "20",
                                        "rule": {"per": "5", "max_count": 4},
                                    },
                                    {
                                        "code": "E1.3",
                                        "name": "布线工艺 横平竖直",
                                        "type": "deduction",
                                        "max_mark": "30",
                                        "rule": {"per": "0.5"},
                                    },
                                ],
                            },
                            {
                                "code": "E2",
                                "name": "通电试车",
                                "day": "C2",
                                "aspects": [
                                    {
                                        "code": "E2.1",
                                        "name": "通电试车",
                                        "type": "judgement",
                                        "max_mark": "30",
                                        "rule": {
                                            "scale_min": "0",
                                            "scale_max": "10",
                                            "step": "0.5",
                                            "judges": 5,
                                            "drop_high": 1,
                                            "drop_low": 1,
                                            "spread_limit": None,
                                            "missing": "mean_of_others",
                                        },
                                    },
                                    {
                                        "code": "E2.2",
                                        "name": "安全文明",
                                        "type": "deduction",
                                        "max_mark": "10",
                                        "rule": {"per": "2"},
                                    },
                                    {
                                        "code": "E2.3",
                                        "name": "工时",
                                        "type": "time",
                                        "max_mark": "0",
                                        "rule": {
                                            "mode": "penalty",
                                            "limit_minutes": "180",
                                            "per_minutes": "5",
                                            "marks": "2",
                                            "minutes": "exact",
                                            "cutoff_minutes": "190",
                                            "cutoff": "max_penalty",
                                            "max_penalty": "4",
                                        },
                                    },
                                ],
                            },
                        ],
                    }
                ],
            },
        ],
        "rounding": {"decimals": 3, "mode": "half_even", "totals_from": "unrounded"},
        "ranking": {
            "tie_breaks": ["component:P", "criterion:E", "sub_criterion:E1", "aspect:E2.1"],
            "shared_medal_places": False,
        },
        "awards": {
            "basis": "place",
            "rounding": "down",
            "tiers": [
                {"name": "金奖", "places": 1},
                {"name": "银奖", "places": 2, "ratio": "0.5"},
                {"name": "优胜奖"},
            ],
        },
        "titles": [{"name": "技术能手", "top": 5}, {"name": "岗位能手: 一级; 特别", "top": 10}],
    }
    weld = {
        "code": "WELD",
        "name": "焊工",
        "team_size": 2,
        "team_combine": "mean",
        "components": [
            {
                "code": "W",
                "name": "焊接",
                "max_mark": "100",
                "criteria": [
                    {
                        "code": "A",
                        "name": "外观",
                        "sub_criteria": [
                            {
                                "code": "A1",
                                "name": "焊缝",
                                "aspects": [
                                    {
                                        "code": "A1.1",
                                        "name": "焊缝余高",
                                        "type": "measurement",
                                        "max_mark": "16",
                                        "rule": {
                                            "mode": "bands",
                                            "unit": "mm",
                                            "bands_from": "0",
                                            "bands": [
                                                {"upto": "1", "marks": "16"},
                                                {"upto": "2", "marks": "12"},
                                                {"upto": "3", "marks": "8"},
                                            ],
                                        },
                                    },
                                    {
                                        "code": "A1.2",
                                        "name": "射线探伤",
                                        "type": "measurement",
                                        "max_mark": "40",
                                        "rule": {
                                            "mode": "grade",
                                            "unit": "",
                                            "grades": [
                                                {"label": "Ⅰ", "marks": "40"},
                                                {"label": "Ⅱ级", "marks": "30"},
                                                {"label": 'a:b;c"d', "marks": "0"},
                                            ],
                                        },
                                    },
                                    {
                                        "code": "A1.3",
                                        "name": "外圆 Ø15 0/−0.03",
                                        "type": "measurement",
                                        "max_mark": "8",
                                        "rule": {
                                            "mode": "tolerance",
                                            "nominal": "15",
                                            "lower": "-0.03",
                                            "upper": "0",
                                            "deduct": {"per": "0.02", "marks": "3", "steps": "exact"},
                                            "decimals": 3,
                                        },
                                    },
                                    {
                                        "code": "A1.4",
                                        "name": "超差不得分",
                                        "type": "measurement",
                                        "max_mark": "6",
                                        "rule": {
                                            "mode": "tolerance",
                                            "nominal": "123456789012.0000001",
                                            "lower": "-0.0000001",
                                            "upper": "0.033",
                                        },
                                    },
                                    {
                                        "code": "A1.5",
                                        "name": "弯曲试验",
                                        "type": "measurement",
                                        "max_mark": "10",
                                        "rule": {"mode": "gauge", "unit": "件"},
                                    },
                                ],
                            },
                            {
                                "code": "A2",
                                "name": "整体",
                                "aspects": [
                                    {
                                        "code": "A2.1",
                                        "name": "整体成形",
                                        "type": "judgement",
                                        "max_mark": "5",
                                        "description": "三名裁判各给 0–3 分\n取平均",
                                        "rule": {"combine": "sum", "factor": "0.5", "on_spread": "mean_all"},
                                    },
                                    {
                                        "code": "A2.2",
                                        "name": "用时",
                                        "type": "time",
                                        "max_mark": "15",
                                        "rule": {
                                            "mode": "linear",
                                            "best_seconds": "600",
                                            "worst_seconds": "1800.5",
                                        },
                                    },
                                ],
                            },
                        ],
                    }
                ],
            },
        ],
        "awards": {"basis": "threshold", "tiers": [{"name": "合格", "threshold": "60"}]},
    }
    data["events"] = [cnc, elec, weld]
    codes = [e["code"] for e in data["events"]]
    data["contestants"] = [
        {
            "reg_no": f"R{i:04d}",
            "name": people[i % len(people)],
            "organisation": employers[i % len(employers)] if i % 7 else "",
            "event": codes[i % 3],
            "code": f"{codes[i % 3][0]}{i:03d}",
            **({"station": str(i // 3 + 1)} if i % 5 else {}),
            **({"district": districts[i % len(districts)]} if i % 2 else {}),
            **({"industry": "制造业", "gender": "女" if i % 4 else "男"} if i % 3 == 0 else {}),
            **({"team": f"队{i // 6}"} if codes[i % 3] == "WELD" else {}),
        }
        for i in range(n_contestants)
    ]
    roles = ["judge", "judge", "judge", "chief", "clerk", "encryption", "coordinator"]
    judges = []
    for i in range(20):
        role = roles[i % len(roles)]
        event = codes[i % 3]
        scopes = {"CNC": [["A", "B1.1"], ["*"]], "ELEC": [["E1", "E2.1"]], "WELD": [["A1.2"], ["A2"]]}[event]
        judges.append(
            {
                "code": f"J{i:02d}",
                "name": people[(i * 7) % len(people)],
                "role": role,
                "organisation": employers[i % len(employers)],
                "pin_hash": SAMPLE_HASH,
                "assignments": []
                if role in ("coordinator", "encryption")
                else [{"event": event, "scope": s} for s in scopes],
            }
        )
    data["judges"] = judges
    return from_data(data, "big")


def edit(raw: bytes, *changes: tuple[str, int, str, Any]) -> bytes:
    """Change cells of a workbook, addressed by sheet, row and header text."""
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    for sheet, row, header, value in changes:
        ws = wb[sheet]
        column = [c.value for c in ws[1]].index(header) + 1
        ws.cell(row=row, column=column).value = value  # cell(value=None) would not clear it
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rejected(raw: bytes) -> list[Problem]:
    with pytest.raises(ImportRejected) as info:
        xlsx.load_bytes(raw, "t.xlsx")
    problems = info.value.problems
    assert problems and all(p.zh and p.en for p in problems)
    return problems


def wheres(problems: list[Problem]) -> list[str]:
    return [p.where for p in problems]


# ---------------------------------------------------------------- round trips


def test_mini_round_trip(mini: Competition, mini_xlsx: bytes) -> None:
    """JSON → model → XLSX → model gives the same competition, PIN hashes included."""
    assert xlsx.load_bytes(mini_xlsx, "mini.xlsx") == mini


def test_big_round_trip() -> None:
    """Every aspect type, list cell, quoted name, 15+ digit decimal and 200 contestants survive a round trip."""
    big = big_competition()
    raw = xlsx.dump_bytes(big)
    back = xlsx.load_bytes(raw, "big.xlsx")
    assert back == big
    assert len(back.contestants) == 200


def test_demo_package_round_trip() -> None:
    """The shipped demo competition (three real score sheets, 60 contestants) survives XLSX."""
    demo = load(resource_path("demo", "demo-competition.json"))
    assert xlsx.load_bytes(xlsx.dump_bytes(demo), "demo.xlsx") == demo


def test_dump_is_deterministic(mini: Competition, mini_xlsx: bytes) -> None:
    """The same competition always gives the same bytes (no timestamps), so the template diff stays clean."""
    assert xlsx.dump_bytes(mini) == mini_xlsx


def test_workbook_layout(mini_xlsx: bytes) -> None:
    """Instructions first, frozen and commented header rows, PIN empty and PIN哈希 filled."""
    wb = openpyxl.load_workbook(io.BytesIO(mini_xlsx))
    assert wb.sheetnames == ["说明", "竞赛", "项目", "评分标准", "选手", "裁判", "裁判分工"]
    for spec in xlsx.SHEETS:
        ws = wb[spec.zh]
        assert ws.freeze_panes == "A2"
        assert ws["A1"].font.bold
        assert ws["A1"].comment is not None and spec.columns[0].key in ws["A1"].comment.text
    judges = wb["裁判"]
    header = [c.value for c in judges[1]]
    pin, pin_hash = header.index("PIN") + 1, header.index("PIN哈希") + 1
    assert judges.cell(2, pin).value is None
    assert str(judges.cell(2, pin_hash).value).startswith("scrypt$")
    readme = [str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value]
    assert any("deduct_per" in text for text in readme)


def test_template_is_current_and_loads_with_errors() -> None:
    """The committed template equals template_bytes() and, being empty, is refused with cell-level reasons."""
    template = xlsx.template_bytes()
    assert resource_path("templates", "competition-template.xlsx").read_bytes() == template
    problems = rejected(template)
    text = " ".join(p.message("en") for p in problems)
    assert "竞赛 编号" in wheres(problems) or any("编号" in w for w in wheres(problems))
    assert "required field 'id'" in text


# ---------------------------------------------------------------- reading cells


def test_float_cells_are_read_exactly(mini_xlsx: bytes) -> None:
    """Excel stores 0.021 as a double; it must come back as Decimal("0.021"), not 0.0210000000000000006."""
    raw = edit(mini_xlsx, ("评分标准", 3, "上偏差", 0.021), ("评分标准", 3, "下偏差", "-0.0000100"))
    aspect = xlsx.load_bytes(raw, "t.xlsx").events[0].aspects()["A1.1"]
    assert isinstance(aspect.rule, MeasurementRule)
    assert str(aspect.rule.upper) == "0.021"
    assert str(aspect.rule.lower) == "-0.0000100"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.021, "0.021"), (24.0, "24"), (1e-05, "0.00001"), (0.1 + 0.2, "0.30000000000000004"), (-0.0, "0")],
)
def test_float_text(value: float, expected: str) -> None:
    """Float cells become the shortest text that reads back as the same double."""
    assert xlsx.float_text(value) == expected


def test_words_in_chinese_or_english(mini_xlsx: bytes) -> None:
    """Roles and aspect types may be written as Chinese words or the English values, any case."""
    raw = edit(
        mini_xlsx,
        ("裁判", 2, "角色", "chief"),
        ("裁判", 3, "角色", "录分员"),
        ("评分标准", 5, "类型", "Measurement"),
        ("评分标准", 6, "类型", "J"),
    )
    comp = xlsx.load_bytes(raw, "t.xlsx")
    assert [j.role for j in comp.judges[:2]] == [Role.CHIEF, Role.CLERK]
    assert comp.events[0].aspects()["B1.1"].type is AspectType.JUDGEMENT


def test_columns_in_any_order_english_headers_and_extra_columns(mini: Competition, mini_xlsx: bytes) -> None:
    """A sheet rebuilt with shuffled columns, English headers and an extra column reads the same."""
    wb = openpyxl.load_workbook(io.BytesIO(mini_xlsx))
    ws = wb["选手"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    english = {c.zh: c.key for c in xlsx.CONTESTANTS.columns}
    order = [4, 0, 9, 2, 1, 3, 5, 6, 7, 8]
    ws.delete_rows(1, ws.max_row)
    ws.append(["备注 remarks", *(english[rows[0][i]] for i in order)])
    for row in rows[1:]:
        ws.append(["随便写", *(row[i] for i in order)])
    out = io.BytesIO()
    wb.save(out)
    assert xlsx.load_bytes(out.getvalue(), "t.xlsx") == mini


def test_blank_group_codes_repeat_the_row_above(mini: Competition, mini_xlsx: bytes) -> None:
    """Like merged cells on a paper score sheet: blank event/component/criterion/sub codes inherit."""
    changes = [
        (("评分标准", r, h, None))
        for r in (4, 5, 7, 8)
        for h in ("项目", "组成部分代码", "模块代码", "子模块代码")
    ]
    assert xlsx.load_bytes(edit(mini_xlsx, *changes), "t.xlsx") == mini


def test_group_values_repeated_on_later_rows(mini: Competition, mini_xlsx: bytes) -> None:
    """A group's name or weight may be repeated on its other rows; 0.70 and 0.7 agree."""
    raw = edit(mini_xlsx, ("评分标准", 4, "权重", "0.70"), ("评分标准", 5, "组成部分名称", "操作技能"))
    assert xlsx.load_bytes(raw, "t.xlsx") == mini


def test_plain_pin_is_hashed_and_leading_zero_kept(mini_xlsx: bytes) -> None:
    """A PIN typed as text keeps its leading zero and is stored only as a hash."""
    raw = edit(mini_xlsx, ("裁判", 2, "PIN", "0123"), ("裁判", 2, "PIN哈希", None))
    judge = xlsx.load_bytes(raw, "t.xlsx").judges[0]
    assert check_pin("0123", judge.pin_hash)


def test_excel_dates_become_iso_dates(mini_xlsx: bytes) -> None:
    """A date Excel turned into a date cell, or written 2026/11/25, is read as 2026-11-25."""
    raw = edit(mini_xlsx, ("竞赛", 6, "值", datetime(2026, 11, 25)), ("竞赛", 7, "值", "2026/11/26"))
    comp = xlsx.load_bytes(raw, "t.xlsx")
    assert (comp.start_date, comp.end_date) == ("2026-11-25", "2026-11-26")


def test_no_limit_word_for_spread(mini_xlsx: bytes) -> None:
    """“无” in 分差上限 means no spread limit (None), distinct from an empty cell (default 1)."""
    comp = xlsx.load_bytes(edit(mini_xlsx, ("评分标准", 6, "分差上限", "无")), "t.xlsx")
    assert comp.events[0].aspects()["B1.1"].rule.spread_limit is None  # type: ignore[union-attr]
    comp = xlsx.load_bytes(edit(mini_xlsx, ("评分标准", 6, "分差上限", None)), "t.xlsx")
    assert comp.events[0].aspects()["B1.1"].rule.spread_limit == Decimal(1)  # type: ignore[union-attr]


def test_split_items_and_quoting_are_inverse() -> None:
    """List cells: ; and : separate, double quotes protect names that hold them."""
    names = ["一等奖", "a:b", "x;y", 'say "hi"', " padded ", "n=1"]
    text = "; ".join(f"{xlsx.quote_item(n)}:1" for n in names)
    assert [item[0] for item in xlsx.split_items(text)] == names
    assert xlsx.split_items("0.8：4；1.6:4;\n3.2:2;") == [["0.8", "4"], ["1.6", "4"], ["3.2", "2"]]


# ---------------------------------------------------------------- problems that name their cell


def test_negative_max_mark(mini_xlsx: bytes) -> None:
    """A negative 配分 is out of range, reported at its cell."""
    problems = rejected(edit(mini_xlsx, ("评分标准", 3, "配分", -5)))
    assert wheres(problems) == ["评分标准!N3 配分"]
    assert "不能为负数" in problems[0].zh and "negative" in problems[0].en


def test_unknown_event_on_contestant(mini_xlsx: bytes) -> None:
    """A contestant entered for an event that does not exist."""
    problems = rejected(edit(mini_xlsx, ("选手", 3, "项目", "XYZ")))
    assert wheres(problems) == ["选手!D3 项目"]
    assert "XYZ" in problems[0].zh and "does not exist" in problems[0].en


def test_duplicate_registration_numbers(mini_xlsx: bytes) -> None:
    """Both rows of a duplicate 参赛证号 are named."""
    problems = rejected(edit(mini_xlsx, ("选手", 4, "参赛证号", "R001")))
    assert wheres(problems) == ["选手!A2 参赛证号", "选手!A4 参赛证号"]
    assert all("重复" in p.zh for p in problems)


def test_assignment_scope_that_does_not_exist(mini_xlsx: bytes) -> None:
    """A judge assigned to a code that is not a criterion or aspect of the event."""
    problems = rejected(edit(mini_xlsx, ("裁判分工", 2, "分工", "A, Z9")))
    assert wheres(problems) == ["裁判分工!C2 分工"]
    assert "Z9" in problems[0].zh


def test_component_whose_aspects_do_not_add_up(mini_xlsx: bytes) -> None:
    """Like the WorldSkills sheet whose total says 21.5 while its lines add up to 19."""
    problems = rejected(edit(mini_xlsx, ("评分标准", 3, "配分", 35)))
    assert wheres(problems) == ["评分标准!E3 组成部分满分"]
    assert "100" in problems[0].zh and "95" in problems[0].en


def test_missing_required_column(mini_xlsx: bytes) -> None:
    """Without the 加密号 column nothing is read; the header row is named."""
    problems = rejected(edit(mini_xlsx, ("选手", 1, "加密号", None)))
    assert wheres(problems) == ["选手!第1行"]
    assert "加密号" in problems[0].zh and "code" in problems[0].en


def test_wrong_role_word(mini_xlsx: bytes) -> None:
    """A role word that is neither Chinese nor English lists the allowed words."""
    problems = rejected(edit(mini_xlsx, ("裁判", 2, "角色", "副裁判长")))
    assert wheres(problems) == ["裁判!C2 角色"]
    assert "裁判长" in problems[0].zh and "chief" in problems[0].en


def test_several_problems_reported_together(mini_xlsx: bytes) -> None:
    """Reading problems and validation problems come in one report, each once."""
    problems = rejected(
        edit(
            mini_xlsx,
            ("选手", 2, "加密号", "C02"),
            ("评分标准", 3, "上偏差", "abc"),
            ("评分标准", 6, "裁判人数", 2.5),
            ("评分标准", 7, "试卷满分", 100),
        )
    )
    where = wheres(problems)
    assert "评分标准!T3 上偏差" in where
    assert "评分标准!AE6 裁判人数" in where
    assert any(w.startswith("评分标准!") and "试卷满分" in w for w in where)
    assert len(where) == len(set(where))


def test_duplicate_aspect_code_and_unknown_scheme_event(mini_xlsx: bytes) -> None:
    """Duplicate aspect codes are named on both rows; a scheme row for an unknown event is named."""
    problems = rejected(edit(mini_xlsx, ("评分标准", 4, "评分项代码", "A1.1")))
    assert wheres(problems) == ["评分标准!K3 评分项代码", "评分标准!K4 评分项代码"]
    problems = rejected(edit(mini_xlsx, *[("评分标准", r, "项目", "NOPE") for r in range(2, 9)]))
    assert "评分标准!A2 项目" in wheres(problems)
    assert any("项目!" in w for w in wheres(problems))  # the event has no aspects left


def test_missing_sheet_and_renamed_sheet(mini_xlsx: bytes) -> None:
    """A missing sheet is refused by name; English sheet names are accepted."""
    wb = openpyxl.load_workbook(io.BytesIO(mini_xlsx))
    wb["选手"].title = "contestants"
    del wb["裁判分工"]
    out = io.BytesIO()
    wb.save(out)
    problems = rejected(out.getvalue())
    assert wheres(problems) == ["裁判分工"]


@pytest.mark.parametrize(
    "raw",
    [b"", b"hello", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), b"PK\x03\x04" + bytes(50)],
    ids=["empty", "text", "xls", "broken-zip"],
)
def test_not_an_xlsx(raw: bytes) -> None:
    """Anything that is not a readable .xlsx is refused with a message, never a traceback."""
    problems = rejected(raw)
    assert len(problems) == 1


def test_truncated_xlsx(mini_xlsx: bytes) -> None:
    """A workbook cut short (an interrupted copy) is refused."""
    for cut in (len(mini_xlsx) // 3, len(mini_xlsx) - 30):
        rejected(mini_xlsx[:cut])


def test_group_name_conflict_and_inapplicable_rule_column(mini_xlsx: bytes) -> None:
    """Two different names for one component, and a rule column that does not fit the aspect type."""
    problems = rejected(
        edit(mini_xlsx, ("评分标准", 4, "组成部分名称", "别的名字"), ("评分标准", 4, "每次扣分", 2))
    )
    assert wheres(problems) == ["评分标准!C4 组成部分名称", "评分标准!AV4 每次扣分"]
    assert "第 3 行" in problems[0].zh


def test_load_dispatches_xlsx(tmp_path: Path, mini: Competition, mini_xlsx: bytes) -> None:
    """scorer.package.load/save handle .xlsx through this module."""
    from scorer.package import save

    path = tmp_path / "c.xlsx"
    save(mini, path)
    assert path.read_bytes() == mini_xlsx
    assert load(path) == mini


def test_full_width_labels_read_the_same_from_json_and_xlsx() -> None:
    """A contestant's labels (station, district, industry, team, gender) with full-width letters and
    digits read as ASCII from JSON as they do from the spreadsheet, so the two agree (the XLSX round
    trip of a JSON package is exact). Found by the fuzz test with a gender of '\\ＯhM…'."""
    data = codec.to_dict(load(Path(__file__).parent / "data" / "mini.json"))
    x = data["contestants"][0]
    x.update(station="１２", district="浦东Ａ区", industry="ＩＴ", team="Ａ队", gender="\\ＯhM")
    comp = from_data(data, "wide.json")
    got = comp.contestants[0]
    assert (got.station, got.district, got.industry, got.team, got.gender) == (
        "12",
        "浦东A区",
        "IT",
        "A队",
        "\\OhM",
    )
    assert xlsx.load_bytes(xlsx.dump_bytes(comp), "r.xlsx") == comp
