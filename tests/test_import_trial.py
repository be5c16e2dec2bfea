"""Set-up from Excel as a coordinator does it: the shipped template filled in with merged cells,
full-width digits and text dates; every problem of the file reported in one round."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

import openpyxl
import pytest

from scorer.errors import ImportRejected, Problem
from scorer.model import Competition
from scorer.package import codec, csvlists, load_json_bytes, xlsx
from scorer.pins import check_pin
from scorer.resources import resource_path

TEMPLATE = resource_path("templates", "competition-template.xlsx")
COMPAT = "\uf900"  # a CJK compatibility ideograph: NFKC would turn it into 豈 (U+8C48)

COMPETITION = {"编号": "trial-2026", "名称": "职工技能大赛", "开始日期": "２０２６年１１月２４日"}
EVENTS = [{"项目代码": "CNC", "项目名称": "数控车工"}]
# theory T (one exam line) and practical P (40 + 30 + 30) of one event
SCHEME = [
    {"项目": "CNC", "组成部分代码": "T", "组成部分名称": "理论", "权重": 0.3, "组成部分满分": 100,
     "模块代码": "T1", "模块名称": "理论考试", "子模块代码": "T1.1", "子模块名称": "笔试",
     "评分项代码": "T1.1.1", "评分项名称": "理论成绩", "类型": "考试", "配分": 100, "试卷满分": 100},
    {"项目": "CNC", "组成部分代码": "P", "组成部分名称": "操作技能", "权重": 0.7, "组成部分满分": 100,
     "模块代码": "A", "模块名称": "尺寸", "子模块代码": "A1", "子模块名称": "外圆",
     "评分项代码": "A1.1", "评分项名称": "外圆 Ø24", "类型": "测量", "配分": 40, "方式": "公差",
     "基本尺寸": 24, "下偏差": 0, "上偏差": 0.021},
    {"项目": "CNC", "组成部分代码": "P", "组成部分名称": "操作技能", "权重": 0.7, "组成部分满分": 100,
     "模块代码": "A", "模块名称": "尺寸", "子模块代码": "A1", "子模块名称": "外圆",
     "评分项代码": "A1.2", "评分项名称": "螺纹", "类型": "测量", "配分": 30, "方式": "量规"},
    {"项目": "CNC", "组成部分代码": "P", "组成部分名称": "操作技能", "权重": 0.7, "组成部分满分": 100,
     "模块代码": "B", "模块名称": "工艺", "子模块代码": "B1", "子模块名称": "工艺",
     "评分项代码": "B1.1", "评分项名称": "工艺规范", "类型": "评价", "配分": 30},
]  # fmt: skip
CONTESTANTS = [
    {"参赛证号": "R001", "姓名": "张伟", "单位": "江南造船（集团）有限责任公司", "项目": "CNC", "加密号": "C01",
     "机位号": "12"},
    {"参赛证号": "R002", "姓名": "王秀英", "单位": "江南造船（集团）有限责任公司", "项目": "CNC", "加密号": "C02",
     "机位号": "3"},
    {"参赛证号": "R003", "姓名": "李娜", "单位": "江南造船（集团）有限责任公司", "项目": "CNC", "加密号": "C03",
     "机位号": "4"},
    {"参赛证号": "R004", "姓名": f"{COMPAT}刘洋", "单位": "上海电气", "项目": "CNC", "加密号": "C04",
     "机位号": "5"},
]  # fmt: skip
JUDGES = [
    {"裁判代码": "J1", "姓名": "陈静怡", "角色": "裁判长", "PIN": "1111"},
    {"裁判代码": "J2", "姓名": "杨帆", "角色": "评分裁判", "PIN": "2222"},
]
ASSIGNMENTS = [
    {"裁判代码": "J1", "项目": "CNC", "分工": "*"},
    {"裁判代码": "J2", "项目": "CNC", "分工": "A"},
    {"裁判代码": "J2", "项目": "CNC", "分工": "B"},
]


class Book:
    """The shipped template, filled in through openpyxl the way a coordinator fills it in Excel."""

    def __init__(self) -> None:
        self.wb = openpyxl.load_workbook(TEMPLATE)
        for field, value in COMPETITION.items():
            self.field(field, value)
        self.rows("项目", EVENTS)
        self.rows("评分标准", SCHEME)
        self.rows("选手", CONTESTANTS)
        self.rows("裁判", JUDGES)
        self.rows("裁判分工", ASSIGNMENTS)

    def column(self, sheet: str, header: str) -> int:
        return [c.value for c in self.wb[sheet][1]].index(header) + 1

    def field(self, name: str, value: Any) -> None:
        ws = self.wb["竞赛"]
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == name)
        ws.cell(row, 2).value = value

    def rows(self, sheet: str, rows: Sequence[Mapping[str, Any]]) -> None:
        for r, row in enumerate(rows, 2):
            for header, value in row.items():
                self.set(sheet, r, header, value)

    def set(self, sheet: str, row: int, header: str, value: Any) -> None:
        self.wb[sheet].cell(row, self.column(sheet, header)).value = value

    def merge(self, sheet: str, header: str, first: int, last: int, to_header: str | None = None) -> str:
        """Merge a column's cells over rows first..last (Excel keeps only the top-left value)."""
        c1 = self.column(sheet, header)
        c2 = self.column(sheet, to_header) if to_header else c1
        self.wb[sheet].merge_cells(start_row=first, start_column=c1, end_row=last, end_column=c2)
        return f"{openpyxl.utils.get_column_letter(c1)}{first}:{openpyxl.utils.get_column_letter(c2)}{last}"

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.wb.save(out)
        return out.getvalue()

    def load(self) -> Competition:
        return xlsx.load_bytes(self.bytes(), "trial.xlsx")

    def problems(self) -> list[Problem]:
        with pytest.raises(ImportRejected) as info:
            self.load()
        problems = info.value.problems
        assert problems and all(p.zh and p.en and p.where for p in problems)
        assert len({(p.where, p.zh) for p in problems}) == len(problems), "nothing reported twice"
        assert info.value.zh.startswith(f"trial.xlsx：发现 {len(problems)} 个问题")
        return problems


def test_filled_template_loads() -> None:
    """The baseline: the template filled in plainly is a whole competition; the text date is read."""
    comp = Book().load()
    assert comp.start_date == "2026-11-24"
    assert [x.reg_no for x in comp.contestants] == ["R001", "R002", "R003", "R004"]
    assert comp.events[0].components[1].max_mark == 100


# ---------------------------------------------------------------- merged cells


def test_merged_organisation_is_filled_down() -> None:
    """单位 merged over three contestants: each of them belongs to it (conflict checks, award lists)."""
    book = Book()
    book.merge("选手", "单位", 2, 4)
    book.merge("选手", "项目", 2, 5)
    comp = book.load()
    assert [x.organisation for x in comp.contestants] == ["江南造船（集团）有限责任公司"] * 3 + ["上海电气"]
    assert {x.event for x in comp.contestants} == {"CNC"}


def test_merged_group_columns_of_the_scheme_and_a_judge_over_several_rows() -> None:
    """评分标准: merged event, component and criterion cells (as on a paper score sheet) fill down;
    裁判分工: one judge's code merged over their rows."""
    book = Book()
    for header in ("项目",):
        book.merge("评分标准", header, 2, 5)
    for header in ("组成部分代码", "组成部分名称", "权重", "组成部分满分"):
        book.merge("评分标准", header, 3, 5)
    for header in ("模块代码", "模块名称", "子模块代码", "子模块名称"):
        book.merge("评分标准", header, 3, 4)
    book.merge("裁判分工", "裁判代码", 3, 4)
    comp, plain = book.load(), Book().load()
    assert comp.events == plain.events
    assert [j.assignments for j in comp.judges] == [j.assignments for j in plain.judges]


def test_merged_cells_that_cannot_be_filled_down_are_refused_with_their_range() -> None:
    """A merged 参赛证号 or 配分 would hand one value to several rows: refused at the merged range,
    without the empty cells below it also reported as missing."""
    book = Book()
    reg = book.merge("选手", "参赛证号", 2, 4)
    mark = book.merge("评分标准", "配分", 3, 4)
    problems = book.problems()
    where = [p.where for p in problems]
    assert where == [f"评分标准!{mark} 配分", f"选手!{reg} 参赛证号"]
    assert "取消合并" in problems[1].zh and "unmerge" in problems[1].en
    assert "参赛证号" in problems[1].zh and "reg_no" in problems[1].en


def test_merge_across_columns_and_a_title_row_above_the_header() -> None:
    """A title merged across the top is fine; 姓名 merged into 单位 would lose the organisation."""
    book = Book()
    ws = book.wb["选手"]
    ws.insert_rows(1)
    ws.cell(1, 1).value = "2026 年职工技能大赛 参赛选手名单"
    ws.merge_cells("A1:J1")
    book.wb["竞赛"].merge_cells("B3:C3")  # 名称 over the ignored 说明 column
    comp = xlsx.load_bytes(book.bytes(), "t.xlsx")
    assert len(comp.contestants) == 4 and comp.name == "职工技能大赛"
    book = Book()
    book.set("选手", 3, "单位", None)
    rng = book.merge("选手", "姓名", 3, 3, to_header="单位")
    assert [p.where for p in book.problems()] == [f"选手!{rng}"]


def test_the_template_says_which_columns_may_be_merged() -> None:
    """The 说明 sheet of the shipped template tells the coordinator, column by column."""
    readme = openpyxl.load_workbook(TEMPLATE)["说明"]
    rows = {(r[0], r[1]): r[-1] for r in readme.iter_rows(values_only=True) if r[0] and r[1]}
    assert rows[("选手", "单位")] == "向下填充 fills down"
    assert rows[("选手", "参赛证号")] == "每行单独填写 one row each"
    assert rows[("评分标准", "组成部分名称")] == "向下填充 fills down"
    assert rows[("评分标准", "配分")] == "每行单独填写 one row each"


def test_merged_group_name_across_two_components_is_refused() -> None:
    """组成部分名称 merged over T and P would give P the name of T."""
    book = Book()
    rng = book.merge("评分标准", "组成部分名称", 2, 3)
    problems = book.problems()
    assert [p.where for p in problems] == [f"评分标准!{rng} 组成部分名称"]
    assert "T、P" in problems[0].zh and "component" in problems[0].en


# ---------------------------------------------------------------- full-width forms


def test_full_width_identifiers_numbers_pins_and_dates_are_normalised() -> None:
    """What a Chinese input method types: codes, numbers, PIN and dates become ASCII; names do not change."""
    book = Book()
    book.set("选手", 3, "参赛证号", "Ｒ００２")
    book.set("选手", 3, "加密号", "Ｃ０２")
    book.set("选手", 3, "机位号", "１０－２")
    book.set("选手", 4, "项目", "ＣＮＣ")
    book.set("裁判", 3, "PIN", "３００２")
    book.set("评分标准", 3, "上偏差", "０．０２１")
    book.set("评分标准", 3, "评分项代码", "Ａ１．１")
    book.set("裁判分工", 3, "分工", "Ａ")
    book.field("结束日期", "２０２６／１１／２５")
    comp = book.load()
    people = comp.contestants
    assert (people[1].reg_no, people[1].code, people[1].station, people[2].event) == (
        "R002",
        "C02",
        "10-2",
        "CNC",
    )
    assert check_pin("3002", comp.judges[1].pin_hash)
    assert "A1.1" in comp.events[0].aspects()
    assert str(comp.events[0].aspects()["A1.1"].rule.upper) == "0.021"  # type: ignore[union-attr]
    assert (comp.start_date, comp.end_date) == ("2026-11-24", "2026-11-25")
    assert people[0].organisation == "江南造船（集团）有限责任公司"  # full-width brackets of a name stay
    assert people[3].name == f"{COMPAT}刘洋"  # not NFKC


def test_full_width_station_is_a_duplicate_of_the_ascii_one() -> None:
    """机位号 １２ beside another contestant's 12 in the same event is the same station."""
    book = Book()
    book.set("选手", 3, "机位号", "１２")
    problems = book.problems()
    assert [p.where for p in problems] == ["选手!F2 机位号", "选手!F3 机位号"]
    assert all("12" in p.zh and "重复" in p.zh for p in problems)


def test_full_width_in_csv_lists() -> None:
    """The same normalisation for CSV lists: a full-width 参赛证号 replaces the entry it names."""
    comp = Book().load()
    text = "参赛证号,姓名,项目,加密号,机位号\nＲ００１,张伟,ＣＮＣ,Ｃ０１,７\n"
    merged = csvlists.merge_contestants_csv(comp, text.encode("utf-8"), "c.csv")
    assert len(merged.contestants) == 4
    assert (merged.contestants[0].reg_no, merged.contestants[0].station) == ("R001", "7")
    judges = "裁判代码,姓名,角色,PIN,项目,分工\nＪ３,周俊,评分裁判,４４４４,ＣＮＣ,Ａ１．１\n"
    merged = csvlists.merge_judges_csv(comp, judges.encode("utf-8"), "j.csv")
    j3 = merged.judges[2]
    assert j3.code == "J3" and check_pin("4444", j3.pin_hash) and j3.assignments[0].scope == ("A1.1",)


def test_full_width_in_json() -> None:
    """A JSON package from a registration system is normalised the same way, names untouched."""
    data = codec.to_dict(Book().load())
    data["competition"]["start_date"] = "２０２６-１１-２４"
    data["contestants"][1]["station"] = "１２"
    data["contestants"][1]["name"] = f"{COMPAT}王"
    with pytest.raises(ImportRejected) as info:
        load_json_bytes(json.dumps(data, ensure_ascii=False).encode(), "p.json")
    assert [p.where for p in info.value.problems] == [
        "contestants[0:C01].station",
        "contestants[1:C02].station",
    ]
    data["contestants"][1]["station"] = "１３"
    comp = load_json_bytes(json.dumps(data, ensure_ascii=False).encode(), "p.json")
    assert (comp.start_date, comp.contestants[1].station, comp.contestants[1].name) == (
        "2026-11-24",
        "13",
        f"{COMPAT}王",
    )


# ---------------------------------------------------------------- one round


def test_every_problem_in_one_round() -> None:
    """One cell the importer cannot read and six problems of meaning: all seven at once, located."""
    book = Book()
    book.set("评分标准", 5, "裁判人数", "三")  # cell level: not a whole number
    book.set("选手", 3, "参赛证号", "R001")  # duplicate 参赛证号 (both rows)
    book.set("选手", 5, "加密号", "C03")  # duplicate 加密号 (both rows)
    book.set("裁判分工", 4, "分工", "Z9")  # not a code of the event
    book.set("评分标准", 3, "配分", 45)  # P: 45 + 30 + 30 = 105, but 组成部分满分 says 100
    problems = book.problems()
    assert [p.where for p in problems] == [
        "评分标准!AE5 裁判人数",
        "评分标准!E3 组成部分满分",
        "选手!A2 参赛证号",
        "选手!A3 参赛证号",
        "选手!E4 加密号",
        "选手!E5 加密号",
        "裁判分工!C4 分工",
    ]
    assert "105" in problems[1].zh and "Z9" in problems[6].zh


def test_meaning_checks_skip_what_depends_on_a_broken_cell() -> None:
    """A 配分 that cannot be read makes the component's sum unknown: no sum error is invented."""
    book = Book()
    book.set("评分标准", 3, "配分", "四十")
    problems = book.problems()
    assert [p.where for p in problems] == ["评分标准!N3 配分"]


def test_json_structure_and_meaning_problems_together() -> None:
    """The JSON front too: a malformed value and a duplicate code in one report."""
    data = codec.to_dict(Book().load())
    data["contestants"][0]["reg_no"] = "R 1"
    data["contestants"][2]["code"] = "C02"
    with pytest.raises(ImportRejected) as info:
        load_json_bytes(json.dumps(data, ensure_ascii=False).encode(), "p.json")
    assert [p.where for p in info.value.problems] == [
        "contestants[0:C01].reg_no",
        "contestants[1:C02].code",
        "contestants[2:C02].code",
    ]


def test_a_json_decimal_in_another_script_is_refused_by_the_schema() -> None:
    """The schema's number patterns take 0–9 only: "١٠٠" (Arabic-Indic) is not read as 100."""
    import copy

    from scorer import package
    from scorer.errors import ImportRejected
    from tests.test_scheme_validation import BASE

    data = copy.deepcopy(BASE)
    data["events"][0]["components"][0]["max_mark"] = "١٠٠"
    with pytest.raises(ImportRejected) as exc:
        package.from_data(data, "x.json")
    assert any("max_mark" in p.where for p in exc.value.problems)
