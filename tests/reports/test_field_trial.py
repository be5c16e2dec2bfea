"""The printed-document defects of the field trial: the chief judge's signature label, medals and
titles on certificates, results columns sized to their content, one date format, the CLI's prints in
the print log, the results notice (成绩公示), and no final document before decryption.

Locked and decrypted states are built into EventData directly: documents are functions of it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import subprocess
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from scorer.cli import main
from scorer.demo import ensure_demo
from scorer.errors import ScorerError
from scorer.reports import page
from scorer.reports.awards import awards_pdf
from scorer.reports.certificates import certificates_pdf, field_texts, verification_code, winners
from scorer.reports.data import EventData, event_data
from scorer.reports.notice import notice_pdf, period_end
from scorer.reports.printlog import printed
from scorer.reports.registry import KINDS, render
from scorer.reports.results import fit_widths, natural_widths, results_pdf
from scorer.store import Store

FINAL = ("results", "awards", "notice", "certificates")


def text(pdf: bytes, tmp: Path, *args: str) -> str:
    path = tmp / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_demo(tmp_path_factory.mktemp("trial") / "demo.scorer")


@pytest.fixture(scope="module")
def cnc(demo_file: Path) -> EventData:
    with Store.open(demo_file) as s:
        return event_data(s, "CNC")


def final(data: EventData, signers: tuple[str, ...] = ()) -> EventData:
    return dataclasses.replace(data, locked=True, names=True, signers=signers or data.signers)


# 1 ---------------------------------------------------------------- signatures


def test_chief_judge_signs_as_chief(store: Store, tmp_path: Path) -> None:
    data = final(event_data(store, "CNC"), ("K1", "J1", "J2"))  # K1 陈静怡 is the chief judge
    for fn in (results_pdf, awards_pdf):
        out = text(fn(data), tmp_path)
        assert "裁判长 陈静怡" in out and "评分裁判 陈静怡" not in out
        assert "评分裁判 王秀英" in out and "评分裁判 李娜" in out
        assert "裁判长签字" not in out  # the chief's line carries the name


def test_chief_judge_marking_form_says_chief(cnc: EventData, tmp_path: Path) -> None:
    from scorer.reports.marking_forms import marking_forms_pdf

    out = text(marking_forms_pdf(cnc, ["CNC-K", "CNC-J1"]), tmp_path)
    assert "裁判长：CNC-K" in out and "评分裁判：CNC-K" not in out and "评分裁判：CNC-J1" in out


# 2 ---------------------------------------------------------------- certificates


def test_medal_and_title_worded_apart_and_only_the_code_printed(cnc: EventData, tmp_path: Path) -> None:
    data = final(cnc)
    first = winners(data)[0]
    assert first.title == "上海市五一劳动奖章、上海市技术能手"
    texts = field_texts(data, first)
    assert texts["medal"] == "授予上海市五一劳动奖章"
    assert texts["title"] == "授予“上海市技术能手”称号"
    out = text(certificates_pdf(data), tmp_path)
    assert "授予上海市五一劳动奖章" in out and "授予“上海市技术能手”称号" in out
    assert "奖章”称号" not in out and "奖章、" not in out
    check = verification_code(data.competition.id, "CNC", first.code, first.award, first.total)
    assert f"验证码：{check}" in out and "SCORER-CERT" not in out  # the QR keeps the full text
    assert "盖章处" in out and "上海市总工会" in out


def test_award_list_names_medals(cnc: EventData, tmp_path: Path) -> None:
    assert "称号与奖章" in text(awards_pdf(final(cnc)), tmp_path)


# 3 ---------------------------------------------------------------- column widths


def test_results_columns_fit_their_content(cnc: EventData, tmp_path: Path) -> None:
    out = text(results_pdf(final(cnc)), tmp_path)
    assert "上海市五一劳动奖章、上海市技术能手" in out  # one line, not three
    assert "上海振华重工(集团)股份有限公司" in out


def test_fit_widths_narrows_only_the_widest_columns() -> None:
    natural = [20.0, 40.0, 300.0, 200.0, 30.0]
    widths = fit_widths(natural, 400)
    assert widths[:2] == [20.0, 40.0] and widths[4] == 30.0
    assert widths[2] == widths[3] == pytest.approx(155) and sum(widths) == pytest.approx(400)
    roomy = fit_widths([20.0, 100.0, 80.0, 30.0], 330)
    assert roomy[0] == 20.0 and roomy[3] == 30.0 and roomy[1] > 100 and roomy[2] > 80
    assert sum(roomy) == pytest.approx(330)
    head = [["名次", "称号"], ["1", "上海市五一劳动奖章、上海市技术能手"], ["2", ""]]
    n = natural_widths(head)
    assert n[1] > 17 * 8.5 > n[0]
    assert sum(fit_widths(n, landscape(A4)[0] - 24 * mm)) == pytest.approx(landscape(A4)[0] - 24 * mm)


# 4 ---------------------------------------------------------------- dates


def test_date_range() -> None:
    assert page.date_range("2026-11-21", "2026-11-22") == "2026年11月21日—22日"
    assert page.date_range("2026-11-21", "2026-11-21") == "2026年11月21日"
    assert page.date_range("2026-11-21") == "2026年11月21日"
    assert page.date_range("2026-11-30", "2026-12-01") == "2026年11月30日—12月1日"
    assert page.date_range("2026-12-31", "2027-01-01") == "2026年12月31日—2027年1月1日"
    assert page.date_range("十一月", "") == "十一月"
    assert page.date_range("", "") == ""


def test_one_date_format_in_every_document(cnc: EventData, tmp_path: Path) -> None:
    for kind in KINDS:
        out = text(render(kind, final(cnc)), tmp_path)
        assert "2026-11" not in out, kind
        if kind == "certificates":
            assert "2026年11月22日" in out  # the date of issue
        else:
            assert "2026年11月21日—22日" in out, kind


# 6 ---------------------------------------------------------------- the CLI's prints


def test_cli_report_is_in_the_print_log(demo_file: Path, tmp_path: Path, capsys) -> None:
    db = tmp_path / "d.scorer"
    db.write_bytes(demo_file.read_bytes())
    Path(f"{db}.head").write_bytes(Path(f"{demo_file}.head").read_bytes())
    out = tmp_path / "r.pdf"
    assert main(["report", str(db), "results", "--event", "CNC", "-o", str(out)]) == 0
    assert main(["report", str(db), "notice", "--event", "CNC", "-o", str(out), "--actor", "CNC-C"]) == 0
    with Store.open(db) as s:
        rows = printed(s)
        sources = [r.source for r in s.log(("report.print",))]
    assert [(r["actor"], r["kind"], r["event"], r["pages"]) for r in rows] == [
        ("coordinator", "results", "CNC", 1),
        ("CNC-C", "notice", "CNC", 1),
    ]
    assert rows[1]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert sources == ["cli", "cli"]
    assert main(["report", str(db), "results", "--event", "NOPE", "-o", str(out)]) != 0
    with Store.open(db) as s:
        assert len(printed(s)) == 2  # nothing printed, nothing recorded


# 7 ---------------------------------------------------------------- results notice


def test_notice(cnc: EventData, tmp_path: Path) -> None:
    assert "notice" in KINDS
    data = final(cnc)
    out = text(render("notice", data), tmp_path)
    flat = re.sub(r"\s", "", out)
    assert "数控车工项目成绩公示" in out
    assert "公示期：2026年11月22日—27日（5个工作日）" in flat  # published Sunday 22nd
    assert "如有异议，请于公示期内以书面形式向上海市总工会反映" in flat
    assert "联系人：" in flat and "联系电话：" in flat and "盖章处" in flat
    for r in data.result.results:
        assert data.contestants[r.code].name in out
    assert "草稿" not in out
    pdf = notice_pdf(data, published="2026-11-27", days=5, contact="张敏", phone="021-12345678")
    flat = re.sub(r"\s", "", text(pdf, tmp_path))
    assert "公示期：2026年11月27日—12月3日（5个工作日）" in flat
    assert "联系人：张敏" in flat and "联系电话：021-12345678" in flat
    assert "2026年11月27日" in flat  # the date under the issuer
    until = re.sub(r"\s", "", text(notice_pdf(data, published="2026-11-23", until="2026-12-04"), tmp_path))
    assert "2026年11月23日—12月4日（10个工作日）" in until
    with pytest.raises(ScorerError):
        notice_pdf(data, published="23/11/2026")


def test_period_end_counts_working_days() -> None:
    assert period_end(dt.date(2026, 11, 23), 5) == dt.date(2026, 11, 27)  # Monday → Friday
    assert period_end(dt.date(2026, 11, 21), 1) == dt.date(2026, 11, 23)  # Saturday → Monday
    assert period_end(dt.date(2026, 11, 27), 5) == dt.date(2026, 12, 3)


# 8 ---------------------------------------------------------------- final only after decryption


def test_final_documents_need_decryption(cnc: EventData, tmp_path: Path) -> None:
    locked = dataclasses.replace(cnc, locked=True, names=False)
    for kind in FINAL:
        out = text(render(kind, locked), tmp_path)
        assert "姓名未解密：草稿" in out, kind
        assert page.DRAFT_MARK not in out, kind
    certs = text(render("certificates", locked), tmp_path)
    assert "姓名未解密：草稿，不可颁发" in certs and "待解密" in certs
    for kind in ("progress", "sheets"):  # working documents: final once locked
        assert "草稿" not in text(render(kind, locked), tmp_path), kind
    for kind in FINAL:
        out = text(render(kind, final(cnc)), tmp_path)
        assert "草稿" not in out and "待解密" not in out, kind
        assert page.DRAFT_MARK in text(render(kind, cnc), tmp_path), kind  # unlocked
