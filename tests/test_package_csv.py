"""CSV contestant and judge lists: encodings Excel writes, merging, round trips, problems by line and column."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from scorer.errors import ImportRejected, Problem
from scorer.model import Competition, Role
from scorer.package import codec, csvlists, load
from scorer.pins import check_pin
from tests.test_package_xlsx import big_competition

DATA = Path(__file__).parent / "data"
CONTESTANT_HEADER = "参赛证号,姓名,单位,项目,加密号,机位号,区"


@pytest.fixture(scope="module")
def mini() -> Competition:
    return load(DATA / "mini.json")


@pytest.fixture(scope="module")
def bare(mini: Competition) -> Competition:
    """The mini competition without people, as before the lists arrive."""
    return dataclasses.replace(mini, contestants=(), judges=())


def rejected_contestants(comp: Competition, text: str, encoding: str = "utf-8") -> list[Problem]:
    before = codec.to_dict(comp)
    with pytest.raises(ImportRejected) as info:
        csvlists.merge_contestants_csv(comp, text.encode(encoding), "list.csv")
    assert codec.to_dict(comp) == before
    problems = info.value.problems
    assert problems and all(p.zh and p.en for p in problems)
    return problems


def rejected_judges(comp: Competition, text: str) -> list[Problem]:
    with pytest.raises(ImportRejected) as info:
        csvlists.merge_judges_csv(comp, text.encode("utf-8"), "judges.csv")
    problems = info.value.problems
    assert problems and all(p.zh and p.en for p in problems)
    return problems


# ---------------------------------------------------------------- round trips


def test_mini_round_trip(mini: Competition, bare: Competition) -> None:
    """Exported lists merged into the competition without people give back the same competition."""
    with_people = csvlists.merge_contestants_csv(bare, csvlists.contestants_csv(mini), "c.csv")
    assert csvlists.merge_judges_csv(with_people, csvlists.judges_csv(mini), "j.csv") == mini


def test_merge_of_own_export_changes_nothing(mini: Competition) -> None:
    """Re-importing an export replaces every entry by itself."""
    assert csvlists.merge_contestants_csv(mini, csvlists.contestants_csv(mini)) == mini
    assert csvlists.merge_judges_csv(mini, csvlists.judges_csv(mini)) == mini


def test_big_round_trip() -> None:
    """200 contestants in three events and 20 judges with several assignments each."""
    big = big_competition()
    bare = dataclasses.replace(big, contestants=(), judges=())
    merged = csvlists.merge_contestants_csv(bare, csvlists.contestants_csv(big))
    assert csvlists.merge_judges_csv(merged, csvlists.judges_csv(big)) == big


def test_export_is_utf8_with_bom_and_keeps_rare_characters(mini: Competition) -> None:
    """Excel needs the BOM to show Chinese; 𠮷 (outside the BMP, absent from GBK) must survive."""
    raw = csvlists.contestants_csv(mini)
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "邵𠮷祥" in text
    assert text.splitlines()[0] == "参赛证号,姓名,单位,项目,加密号,机位号,区,行业,队,性别"
    assert raw.endswith(b"\r\n")
    judges = csvlists.judges_csv(mini).decode("utf-8-sig").splitlines()
    assert judges[0].endswith("PIN,PIN哈希,项目,分工")
    assert ",,scrypt$" in judges[1]


# ---------------------------------------------------------------- what Excel and others write


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ","), ("utf-8", ","), ("gb18030", ","), ("gbk", ","), ("utf-8", ";"), ("utf-16", "\t")],
)
def test_encodings_and_delimiters(bare: Competition, encoding: str, delimiter: str) -> None:
    """UTF-8 with or without BOM, GBK/GB18030, UTF-16 tab-separated ("Unicode text"), ; as delimiter."""
    rows = [
        CONTESTANT_HEADER,
        "R001,张伟,上海电气集团股份有限公司,CNC,C01,1,闵行区",
        "R002,欧阳娜,,CNC,C02,,浦东新区",
    ]
    raw = "\r\n".join(r.replace(",", delimiter) for r in rows).encode(encoding)
    comp = csvlists.merge_contestants_csv(bare, raw)
    assert [(x.reg_no, x.name, x.organisation, x.district) for x in comp.contestants] == [
        ("R001", "张伟", "上海电气集团股份有限公司", "闵行区"),
        ("R002", "欧阳娜", "", "浦东新区"),
    ]


def test_english_headers_any_order_extra_columns(bare: Competition) -> None:
    """Headers may be English keys, in any order, with columns the importer does not know."""
    text = "code,备注,event,name,reg_no,gender\nC09,迟到,数控车工,司马婧,R009,女\n"
    comp = csvlists.merge_contestants_csv(bare, text.encode())
    x = comp.contestants[0]
    assert (x.reg_no, x.code, x.event, x.name, x.gender) == ("R009", "C09", "CNC", "司马婧", "女")


def test_rows_add_or_replace(mini: Competition) -> None:
    """A known 参赛证号 replaces that contestant in place; a new one is appended."""
    text = (
        f"{CONTESTANT_HEADER}\nR002,邵𠮷祥,上海建工集团股份有限公司,CNC,C02,9,宝山区\nR004,高峰,,CNC,C04,,\n"
    )
    comp = csvlists.merge_contestants_csv(mini, text.encode("utf-8-sig"))
    assert [x.reg_no for x in comp.contestants] == ["R001", "R002", "R003", "R004"]
    assert comp.contestants[1].organisation == "上海建工集团股份有限公司"
    assert comp.contestants[1].station == "9"
    assert comp.contestants[0] == mini.contestants[0]


def test_judges_rows_add_assignments_and_hash_pins(bare: Competition) -> None:
    """Repeated rows of one judge add assignments; a plain PIN is stored only as its hash."""
    text = (
        "裁判代码,姓名,角色,单位,PIN,项目,分工\n"
        "J1,王秀英,评分裁判,上海电气,0123,CNC,A\n"
        'J1,,,,,CNC,"B1.1, B1.2"\n'
        "K1,陈静怡,chief,,9999,CNC,*\n"
        "C1,杨帆,赛务,,8888,,\n"
        "J2,李娜,,,2222,CNC,\n"
    )
    comp = csvlists.merge_judges_csv(bare, text.encode())
    j1, k1, c1, j2 = comp.judges
    assert [a.scope for a in j1.assignments] == [("A",), ("B1.1", "B1.2")]
    assert check_pin("0123", j1.pin_hash)
    assert (k1.role, c1.role, c1.assignments) == (Role.CHIEF, Role.COORDINATOR, ())
    assert (j2.role, j2.assignments[0].scope) == (Role.JUDGE, ("*",))


def test_replaced_judge_keeps_pin_and_assignments_when_list_is_silent(mini: Competition) -> None:
    """A name-only list updates names without wiping PIN hashes or assignments."""
    comp = csvlists.merge_judges_csv(mini, "code,name,role\nJ1,王秀英（组长）,judge\n".encode())
    j1 = comp.judges[0]
    assert j1.name == "王秀英（组长）"
    assert (j1.pin_hash, j1.assignments) == (mini.judges[0].pin_hash, mini.judges[0].assignments)


def test_event_may_be_given_by_name(bare: Competition) -> None:
    """Registration lists often carry the event's name rather than its code."""
    comp = csvlists.merge_contestants_csv(bare, f"{CONTESTANT_HEADER}\nR1,张伟,,数控车工,C1,,\n".encode())
    assert comp.contestants[0].event == "CNC"


# ---------------------------------------------------------------- problems by line and column


def test_unknown_event(bare: Competition) -> None:
    """An event code that does not exist names the line and the 项目 column."""
    problems = rejected_contestants(bare, f"{CONTESTANT_HEADER}\nR1,张伟,,CNC,C1,,\nR2,李娜,,XYZ,C2,,\n")
    assert [p.where for p in problems] == ["line 3, column 项目"]
    assert "XYZ" in problems[0].en


def test_duplicate_registration_numbers_within_list_and_against_existing(mini: Competition) -> None:
    """A 参赛证号 twice in the list is a duplicate; a 加密号 already used by another contestant too."""
    problems = rejected_contestants(mini, f"{CONTESTANT_HEADER}\nR7,张伟,,CNC,C7,,\nR7,李娜,,CNC,C8,,\n")
    assert [p.where for p in problems] == ["line 2, column 参赛证号", "line 3, column 参赛证号"]
    problems = rejected_contestants(mini, f"{CONTESTANT_HEADER}\nR9,张伟,,CNC,C01,,\n")
    assert [p.where for p in problems] == ["contestants[0:C01].code", "line 2, column 加密号"]


def test_gbk_list_with_errors_names_lines(bare: Competition) -> None:
    """Errors in a GBK file still point at lines (the decoding does not shift them)."""
    text = f"{CONTESTANT_HEADER}\nR1,张伟,,CNC,C1,,\n,李娜,,CNC,C2,,\nR3,王 秀英,,CNC,bad code,,\n"
    problems = rejected_contestants(bare, text, "gbk")
    assert [p.where for p in problems] == ["line 3, column 参赛证号", "line 4, column 加密号"]


def test_missing_required_column(bare: Competition) -> None:
    """Without 加密号 nothing is read."""
    problems = rejected_contestants(bare, "参赛证号,姓名,项目\nR1,张伟,CNC\n")
    assert problems[0].where == "line 1"
    assert "加密号" in problems[0].zh


def test_wrong_role_word_and_bad_pin(bare: Competition) -> None:
    """A role word outside the list and a PIN that lost its leading zero in Excel."""
    problems = rejected_judges(bare, "裁判代码,姓名,角色,PIN\nJ1,王秀英,裁判员,1234\nJ2,李娜,评分裁判,123\n")
    assert [p.where for p in problems] == ["line 2, column 角色", "line 3, column PIN"]
    assert "评分裁判" in problems[0].zh
    assert "4 to 8 digits" in problems[1].en


def test_assignment_scope_that_does_not_exist(bare: Competition) -> None:
    """A scope code that is not part of the event names the 分工 column of its line."""
    problems = rejected_judges(bare, '裁判代码,姓名,项目,分工\nJ1,王秀英,CNC,A\nJ1,,CNC,"A, Q7"\n')
    assert [p.where for p in problems] == ["line 3, column 分工"]
    assert "Q7" in problems[0].zh


def test_conflicting_repeated_judge_rows(bare: Competition) -> None:
    """A second row for a judge must not change the judge's name."""
    problems = rejected_judges(bare, "裁判代码,姓名,项目,分工\nJ1,王秀英,CNC,A\nJ1,王秀,CNC,B\n")
    assert [p.where for p in problems] == ["line 3, column 姓名"]


@pytest.mark.parametrize(
    "raw",
    [b"", b"\r\n\r\n", b"\x00\x01\x02binary", b"\xff\xfe\x00\xd8", '参赛证号\n"R1'.encode()],
    ids=["empty", "blank", "binary", "bad-utf16", "open-quote"],
)
def test_not_a_list(bare: Competition, raw: bytes) -> None:
    """Empty, binary or cut-off files are refused with a message."""
    with pytest.raises(ImportRejected) as info:
        csvlists.merge_contestants_csv(bare, raw, "x.csv")
    assert info.value.problems[0].zh


def test_guess_kind(mini: Competition) -> None:
    """The CLI tells a judge list from a contestant list by its header."""
    assert csvlists.guess_kind(csvlists.judges_csv(mini)) == "judges"
    assert csvlists.guess_kind(csvlists.contestants_csv(mini)) == "contestants"
    assert csvlists.guess_kind(b"code;name;role\r\nJ1;x;judge") == "judges"
    assert csvlists.guess_kind("code,name,reg_no,event".encode("gbk")) == "contestants"
    assert csvlists.guess_kind(b"\xff\xfe\x00\xd8") == "contestants"
