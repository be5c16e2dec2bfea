"""Score sheets (评分表) and marking forms (评分记录表) from the demo competition: text, fonts,
names only after decryption, QR payload, determinism and the draft watermark."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from scorer import demo, locking
from scorer.reports.data import EventData, event_data
from scorer.reports.marking_forms import form_id, judge_aspects, marking_forms_pdf, scoring_judges
from scorer.reports.page import DRAFT_MARK
from scorer.reports.score_sheets import score_sheets_pdf
from scorer.store import Store
from scorer.values import show_value
from tests.lockhelp import force_lock


def text(pdf: bytes, tmp: Path, first: int | None = None, last: int | None = None) -> str:
    path = tmp / "doc.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def fonts(pdf: bytes, tmp: Path) -> list[str]:
    path = tmp / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[2:]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.ensure_demo(tmp_path_factory.mktemp("demo") / "demo.scorer")


@pytest.fixture(scope="module")
def cnc(demo_file: Path) -> EventData:
    with Store.open(demo_file) as store:
        return event_data(store, "CNC")


def test_score_sheet_shows_aspects_marks_and_total(cnc: EventData, tmp_path: Path) -> None:
    r = cnc.result.results[0]
    pdf = score_sheets_pdf(cnc, [r.code])
    out = text(pdf, tmp_path)
    assert f"选手代码：{r.code}" in out
    for code in cnc.event.aspects():
        assert re.search(rf"(^|\s){re.escape(code)}\s", out, re.M), code
    aspects = cnc.event.aspects()
    for m in cnc.marks:
        if m.contestant == r.code:
            assert m.judge in out
            assert show_value(aspects[m.aspect], m.value) in out, m
    assert format(r.total, "f") in out
    assert r.award and r.award in out
    assert "评分裁判签字" in out and "裁判长签字" in out
    assert DRAFT_MARK in out  # unlocked
    for c in cnc.contestants.values():
        assert c.name not in out and c.organisation not in out


def test_score_sheets_one_contestant_per_page_embedded_fonts(cnc: EventData, tmp_path: Path) -> None:
    pdf = score_sheets_pdf(cnc)
    codes = sorted(cnc.contestants)
    for page, code in ((1, codes[0]), (len(codes), codes[-1])):
        assert f"选手代码：{code}" in text(pdf, tmp_path, page)
    assert f"共 {len(codes)} 页" in text(pdf, tmp_path, 1)
    rows = fonts(pdf, tmp_path)
    assert rows and all(" yes " in row for row in rows), rows
    assert pdf == score_sheets_pdf(cnc)


def test_missing_marks_show_as_missing(store: Store, tmp_path: Path) -> None:
    data = event_data(store, "CNC")  # the mini package: no marks yet
    out = text(score_sheets_pdf(data), tmp_path)
    assert "缺" in out
    assert DRAFT_MARK in out


def test_names_only_after_decryption(tmp_path: Path) -> None:
    path = demo.ensure_demo(tmp_path / "demo.scorer")
    with Store.open(path) as store:
        before = event_data(store, "ELEC")
        assert "邵𠮷祥" not in text(score_sheets_pdf(before, ["ELEC-681"]), tmp_path)
        force_lock(store, "ELEC", "ELEC-K", ["ELEC-J1"])
        locked = event_data(store, "ELEC")
        out = text(score_sheets_pdf(locked, ["ELEC-681"]), tmp_path)
        assert "邵𠮷祥" not in out and DRAFT_MARK not in out
        locking.decrypt_event(store, "ELEC", "ELEC-E")
        after = event_data(store, "ELEC")
    pdf = score_sheets_pdf(after, ["ELEC-681"])
    out = text(pdf, tmp_path)
    assert re.search(r"姓名：邵𠮷祥\s", out)
    assert after.contestants["ELEC-681"].organisation in out
    assert all(" yes " in row for row in fonts(pdf, tmp_path))
    # marking forms never carry names, decrypted or not
    forms = text(marking_forms_pdf(after), tmp_path)
    assert "邵𠮷祥" not in forms


def test_marking_forms(cnc: EventData, tmp_path: Path) -> None:
    pdf = marking_forms_pdf(cnc)
    out = text(pdf, tmp_path)
    judges = scoring_judges(cnc)
    assert {j.code for j in judges} == {"CNC-J1", "CNC-J2", "CNC-J3", "CNC-J4"}  # not the chief (scope *)
    assert "CNC-K" not in out
    for j in judges:
        assert form_id(cnc, j.code) in out
        for a in judge_aspects(cnc.event, j):
            assert a.code in out
    for c in cnc.contestants.values():
        assert c.code in out
        assert c.name not in out
    flat = re.sub(r"\s", "", out)  # header hints wrap in their narrow columns
    assert "用时分:秒" in flat and "0–10，步长0.5" in flat
    assert re.search(r"^合格/不合格$", out, re.M)  # one line, never broken inside the word
    assert "限时 150 分钟" in out and "满分 0" not in out  # a time item shows its rule, not "满分 0"
    assert "从总分扣" in out
    assert DRAFT_MARK not in out  # blank forms are not results
    rows = fonts(pdf, tmp_path)
    assert rows and all(" yes " in row for row in rows), rows
    assert pdf == marking_forms_pdf(cnc)


def test_marking_form_one_judge_split_and_id(cnc: EventData, tmp_path: Path) -> None:
    pdf = marking_forms_pdf(cnc, ["CNC-J1"])
    page1, page2 = text(pdf, tmp_path, 1), text(pdf, tmp_path, 2)
    fid = form_id(cnc, "CNC-J1")
    assert re.fullmatch(r"SCORER-FORM\|2026-sh-zgjs-demo\|CNC\|CNC-J1\|[0-9a-f]{12}", fid)
    assert fid in page1 and fid in page2
    assert re.search(r"第\s*1\s*页\s*共\s*2\s*页", page1) and re.search(r"第\s*2\s*页\s*共\s*2\s*页", page2)
    for code in cnc.contestants:
        assert code in page1 and code in page2  # codes repeated with each column group
    codes = [
        a.code
        for a in judge_aspects(cnc.event, next(j for j in cnc.competition.judges if j.code == "CNC-J1"))
    ]
    assert codes == ["T1.1.1", "A1.1", "A1.2", "A2.1", "A2.2", "A3.1", "D2.1", "D2.2"]
    assert "D2.2" in page2 and "D2.2" not in page1
    assert form_id(cnc, "CNC-J1") != form_id(cnc, "CNC-J2")


def test_qr_decodes_to_form_id(cnc: EventData, tmp_path: Path) -> None:
    from PIL import Image
    from pyzbar import pyzbar

    path = tmp_path / "f.pdf"
    path.write_bytes(marking_forms_pdf(cnc, ["CNC-J2"]))
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "f")], check=True
    )
    image = Image.open(next(tmp_path.glob("f*.png")))
    decoded = [d.data.decode() for d in pyzbar.decode(image)]
    assert form_id(cnc, "CNC-J2") in decoded


def test_times_and_numbers_as_entered(cnc: EventData, tmp_path: Path) -> None:
    """Times read h:mm:ss (2:25:20, not 145:20) and numbers keep the aspect's precision, through
    scorer.values.show_value: the score sheet has no formatting of its own."""
    import scorer.reports.score_sheets as sheets

    assert not hasattr(sheets, "show_value") or sheets.show_value is show_value
    out = text(score_sheets_pdf(cnc, ["CNC-118"]), tmp_path)
    assert "2:25:20" in out and "145:20" not in out  # D2.2 = 8720 s
    aspects = cnc.event.aspects()
    b11 = next(m for m in cnc.marks if m.contestant == "CNC-118" and m.aspect == "B1.1")
    assert show_value(aspects["B1.1"], b11.value) in out


def _with_contestants(data: EventData, n: int) -> EventData:
    """The CNC event with `n` contestants (the demo's, then made-up codes CNC-X01 …)."""
    from dataclasses import replace

    comp = data.competition
    mine = [c for c in comp.contestants if c.event == "CNC"][:n]
    extra = [replace(mine[0], code=f"CNC-X{i:02d}") for i in range(1, n - len(mine) + 1)]
    others = [c for c in comp.contestants if c.event != "CNC"]
    return replace(data, competition=replace(comp, contestants=tuple(others + mine + extra)))


def _pages(pdf: bytes, tmp: Path) -> list[str]:
    path = tmp / "pages.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout.split("\f")[:-1]


def test_thirty_contestants_fit_one_page_per_column_group(cnc: EventData, tmp_path: Path) -> None:
    """A panel of 30 stays on one page per column group (rows a little lower) instead of spilling
    3 rows onto a page that nobody could identify."""
    data = _with_contestants(cnc, 30)
    pages = _pages(marking_forms_pdf(data, ["CNC-J2"]), tmp_path)
    assert len(pages) == 2  # 10 aspects: two column groups, each one page
    for page in pages:
        rows = re.findall(r"^(\d+) (CNC-\w+)$", page, re.M)
        assert [int(n) for n, _ in rows] == list(range(1, 31))
        assert [c for _, c in rows] == sorted(c for _, c in rows)


@pytest.mark.parametrize("n", [31, 45])
def test_every_page_of_a_form_identifies_itself(cnc: EventData, tmp_path: Path, n: int) -> None:
    """Judge, event, form id (text and QR) and 第 x 页 共 y 页 of that judge's form on every page;
    rows split evenly (45 → 23 + 22), numbering carried on."""
    from scorer.reports.marking_forms import layout

    data = _with_contestants(cnc, n)
    judges = ["CNC-J2", "CNC-J3"]
    pages = _pages(marking_forms_pdf(data, judges), tmp_path)
    expected = [(j, page) for j in judges for page in layout(data, j).pages]
    assert len(pages) == len(expected) == 8  # two column groups × two pages of rows, per judge
    for text_, (judge, page) in zip(pages, expected, strict=True):
        assert f"评分裁判：{judge}" in text_ and "项目：CNC 数控车工" in text_
        assert form_id(data, judge) in text_
        assert re.search(rf"第\s*{page.number}\s*页\s*共\s*4\s*页", text_), text_[-80:]
        numbers = [int(x) for x in re.findall(r"^(\d+) CNC-\w+$", text_, re.M)]
        assert numbers == list(range(page.row0 + 1, page.row1 + 1))
    runs = [p.row1 - p.row0 for p in layout(data, "CNC-J2").pages]
    assert sum(runs[:2]) == n and abs(runs[0] - runs[1]) <= 1
    path = tmp_path / "q.pdf"
    path.write_bytes(marking_forms_pdf(data, ["CNC-J3"]))
    from PIL import Image
    from pyzbar import pyzbar

    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "2", "-l", "2", str(path), str(tmp_path / "q")], check=True
    )
    image = Image.open(next(tmp_path.glob("q*.png")))
    assert form_id(data, "CNC-J3") in [d.data.decode() for d in pyzbar.decode(image)]


def test_a_chief_judge_gets_a_form_only_when_scoring(cnc: EventData) -> None:
    """Scope "*" lets a chief enter or correct anything; it is not a seat on a panel, so no blank
    form by default. A chief named on an aspect really scores it and gets that form."""
    from dataclasses import replace

    from scorer.forms import gets_form
    from scorer.model import Assignment

    comp = cnc.competition
    chief = next(j for j in comp.judges if j.code == "CNC-K")
    assert not gets_form(cnc.event, chief)
    scoring = replace(chief, assignments=(Assignment("CNC", ("*", "D1.1")),))
    assert gets_form(cnc.event, scoring)
    data = replace(
        cnc, competition=replace(comp, judges=tuple(scoring if j is chief else j for j in comp.judges))
    )
    assert "CNC-K" in [j.code for j in scoring_judges(data)]
    from scorer.reports.marking_forms import layout

    assert [c.aspect.code for c in layout(data, "CNC-K").columns] == ["D1.1"]
