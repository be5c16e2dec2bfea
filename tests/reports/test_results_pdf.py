"""Results list, award list and progress report PDFs, checked with poppler's tools."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scorer import locking, package
from scorer.demo import ensure_demo
from scorer.reports.awards import awards_pdf
from scorer.reports.data import event_data
from scorer.reports.page import DRAFT_MARK
from scorer.reports.progress import progress_pdf
from scorer.reports.registry import KINDS, render
from scorer.reports.results import results_pdf
from scorer.store import Store
from tests.lockhelp import force_lock

ROOT = Path(__file__).resolve().parents[2]
MINE = {
    "results": ("成绩排名表", results_pdf),
    "awards": ("获奖名单", awards_pdf),
    "progress": ("进度报告", progress_pdf),
}


def text(pdf: bytes, tmp: Path, first: int | None = None) -> str:
    path = tmp / "doc.pdf"
    path.write_bytes(pdf)
    pages = ["-f", str(first), "-l", str(first)] if first else []
    return subprocess.run(
        ["pdftotext", *pages, str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def page_count(pdf: bytes, tmp: Path) -> int:
    path = tmp / "info.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_demo(tmp_path_factory.mktemp("demo") / "demo.scorer")


def test_each_kind_prints_title_contest_event_and_codes(demo: Path, tmp_path: Path) -> None:
    with Store.open(demo) as s:
        data = event_data(s, "CNC")
    for kind, (title, fn) in MINE.items():
        pdf = render(kind, data)
        assert pdf == fn(data)  # deterministic, and the registry finds it
        out = text(pdf, tmp_path)
        assert title in out and data.competition.name in out and "数控车工" in out, kind
        assert DRAFT_MARK in out
    out = text(results_pdf(data), tmp_path)
    for code in data.contestants:
        assert code in out
    assert "钱淼" not in out and "单位" not in out  # codes only before decryption
    assert "未完成" in out


def test_fonts_are_embedded(demo: Path, tmp_path: Path) -> None:
    with Store.open(demo) as s:
        data = event_data(s, "ELEC")
    for _, fn in MINE.values():
        (tmp_path / "f.pdf").write_bytes(fn(data))
        rows = subprocess.run(["pdffonts", str(tmp_path / "f.pdf")], capture_output=True, text=True).stdout
        rows_ = rows.splitlines()[2:]
        assert rows_
        for row in rows_:
            assert row.split()[-5] == "yes", row  # emb column


def test_names_only_after_decryption_and_watermark_goes(store: Store, tmp_path: Path) -> None:
    before = results_pdf(event_data(store, "CNC"))
    out = text(before, tmp_path)
    assert "C02" in out and "邵𠮷祥" not in out and DRAFT_MARK in out
    force_lock(store, "CNC", "K1", ["J1", "J2"])
    locked = event_data(store, "CNC")
    out = text(results_pdf(locked), tmp_path)
    assert DRAFT_MARK not in out and "邵𠮷祥" not in out
    assert "王秀英" in out and "李娜" in out  # the signers
    locking.decrypt_event(store, "CNC", "E1")
    data = event_data(store, "CNC")
    for fn in (results_pdf, awards_pdf):
        out = text(fn(data), tmp_path)
        assert "邵𠮷祥" in out and "宝山钢铁股份有限公司" in out and DRAFT_MARK not in out


def test_demo_rare_character_after_decryption(demo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "d.scorer"
    copy.write_bytes(demo.read_bytes())
    Path(f"{copy}.head").write_bytes(Path(f"{demo}.head").read_bytes())
    with Store.open(copy) as s:
        force_lock(s, "ELEC", "ELEC-K", ["ELEC-J1"])
        locking.decrypt_event(s, "ELEC", "ELEC-E")
        data = event_data(s, "ELEC")
    assert "邵𠮷祥" in text(results_pdf(data), tmp_path)


def test_empty_event_and_long_organisations(store: Store, tmp_path: Path) -> None:
    data = event_data(store, "CNC")
    empty = dataclasses.replace(data, result=dataclasses.replace(data.result, results=()))
    for _, fn in MINE.values():
        assert fn(empty).startswith(b"%PDF")
    assert "无选手" in text(results_pdf(empty), tmp_path)
    comp = data.competition
    long_org = "上海" + "超长单位名称有限责任公司" * 17 + "尾"
    people = tuple(dataclasses.replace(c, organisation=long_org) for c in comp.contestants)
    wide = dataclasses.replace(data, competition=dataclasses.replace(comp, contestants=people), names=True)
    out = text(results_pdf(wide), tmp_path).replace("\n", "")
    assert "尾" in out and len(long_org) >= 200


def _synth_store(tmp: Path, n: int) -> Store:
    sys.path.insert(0, str(ROOT))
    from bench.synth import package as synth_package

    s = Store.create(tmp / "synth.scorer", "测试")
    s.set_competition(package.from_data(synth_package(n, 10), "synth.json"), "COORD")
    s.record_mark(judge="J1", contestant="K00001", aspect="A3", value="pass", source="keyboard")
    return s


def test_500_rows_header_on_every_page(tmp_path: Path) -> None:
    s = _synth_store(tmp_path, 500)
    try:
        data = event_data(s, "E1")
    finally:
        s.close()
    pdf = results_pdf(data)
    n = page_count(pdf, tmp_path)
    assert n >= 2
    rows_per_page = []
    for k in range(1, n + 1):
        out = text(pdf, tmp_path, k)
        assert "名次" in out and "总分" in out, k
        assert f"第 {k} 页 共 {n} 页" in out
        rows_per_page.append(len(re.findall(r"\bK\d{5}\b", out)))
    assert sum(rows_per_page) == 500
    assert n == -(-500 // rows_per_page[0])  # full pages but the last
    assert pdf == results_pdf(data)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scorer.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"SCORER_LANG": "zh", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )


def test_cli_report(demo: Path, tmp_path: Path) -> None:
    r = _cli("report", str(demo), "results", "--event", "CNC", "-o", "out.pdf", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "已生成" in r.stdout and "（1 页）" in r.stdout
    assert page_count((tmp_path / "out.pdf").read_bytes(), tmp_path) == 1
    r = _cli("report", str(demo), "results", "--event", "NOPE", "-o", "bad.pdf", cwd=tmp_path)
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "bad.pdf").exists()
    assert set(KINDS) >= {"results", "awards", "progress", "sheets", "forms", "certificates"}
