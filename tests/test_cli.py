"""The `scorer` command as a user runs it: a real process, one-line errors, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINI

ROOT = Path(__file__).parents[1]


def scorer(*args: str, lang: str = "zh") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SCORER_LANG": lang}
    return subprocess.run(
        [sys.executable, "-m", "scorer.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "c.scorer"
    r = scorer("init", str(path), "--package", str(MINI), "--station-name", "一号机")
    assert r.returncode == 0, r.stderr
    return path


def test_init_import_mark_marks_verify(db):
    """The whole path a coordinator takes from the command line."""
    r = scorer("mark", str(db), "-j", "J1", "-c", "C01", "-a", "A1.1", "24.015")
    assert r.returncode == 0, r.stderr
    log_id = int(r.stdout)
    r = scorer("correct", str(db), str(log_id), "24.012", "--reason", "读数看错", "--actor", "J1")
    assert r.returncode == 0, r.stderr
    r = scorer("marks", str(db), "--format", "json")
    [mark] = json.loads(r.stdout)
    assert mark["value"] == "24.012" and mark["corrected"] == "yes"
    r = scorer("marks", str(db), "--history", "--format", "csv")
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 3 and "读数看错" in lines[2]
    r = scorer("marks", str(db))
    assert "C01" in r.stdout and "24.012" in r.stdout
    r = scorer("verify", str(db))
    assert r.returncode == 0 and "校验通过" in r.stdout
    r = scorer("info", str(db), "--format", "json")
    info = json.loads(r.stdout)
    assert info["current_marks"] == 1 and info["competition"]["contestants"] == 3
    assert info["station_name"] == "一号机"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("mark", "{db}", "-j", "J1", "-c", "C01", "-a", "A1.1", "2.4"), "合理范围"),
        (("mark", "{db}", "-j", "J1", "-c", "NOPE", "-a", "A1.1", "24"), "没有加密号"),
        (("mark", "{db}", "-j", "ZZ", "-c", "C01", "-a", "A1.1", "24"), "没有代码"),
        (("mark", "{db}", "-j", "J2", "-c", "C01", "-a", "A1.1", "24"), "没有被分配"),
        (("mark", "{missing}", "-j", "J1", "-c", "C01", "-a", "A1.1", "24"), "找不到竞赛文件"),
        (("import", "{db}", "{missing}"), "找不到文件"),
        (("correct", "{db}", "999", "1", "--reason", "x", "--actor", "J1"), "没有可更正"),
        (("init", "{db}"), "已存在"),
        (("verify", "{missing}"), "找不到"),
    ],
)
def test_user_errors_are_one_line(db, tmp_path, args, needle):
    """Every user error: exit 1, one clear line, no traceback."""
    args = tuple(a.format(db=db, missing=tmp_path / "nope.scorer") for a in args)
    r = scorer(*args)
    assert r.returncode == 1
    assert needle in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_english_messages(db):
    r = scorer("mark", str(db), "-j", "J1", "-c", "C01", "-a", "A1.1", "2.4", lang="en")
    assert r.returncode == 1 and "plausible range" in r.stderr


def test_usage_error_exit_2(db):
    r = scorer("mark", str(db))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_bad_package_lists_every_problem_and_writes_nothing(db, tmp_path):
    """An invalid package is refused as a whole, each problem with its place."""
    data = json.loads(MINI.read_text(encoding="utf-8"))
    data["contestants"][1]["reg_no"] = "R001"
    data["contestants"][2]["event"] = "NOPE"
    data["events"][0]["components"][1]["criteria"][0]["sub_criteria"][0]["aspects"][0]["max_mark"] = "-3"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = scorer("info", str(db), "--format", "json").stdout
    r = scorer("import", str(db), str(bad))
    assert r.returncode == 1
    assert "未导入任何内容" in r.stderr
    assert "max_mark" in r.stderr
    assert scorer("info", str(db), "--format", "json").stdout == before


def test_export_round_trips_json(db, tmp_path):
    out = tmp_path / "out.json"
    assert scorer("export", str(db), str(out)).returncode == 0
    fresh = tmp_path / "fresh.scorer"
    r = scorer("init", str(fresh), "--package", str(out))
    assert r.returncode == 0, r.stderr
    a = json.loads(scorer("info", str(db), "--format", "json").stdout)["competition"]
    b = json.loads(scorer("info", str(fresh), "--format", "json").stdout)["competition"]
    assert a == b


def test_tampered_file_fails_verify(db):
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER log_no_update")
    conn.execute("UPDATE log SET actor = 'someone' WHERE id = 2")
    conn.commit()
    conn.close()
    r = scorer("verify", str(db))
    assert r.returncode == 1 and "校验失败" in r.stderr and "第 2 行" in r.stderr


def _edit_row(db: Path, row: int) -> None:
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER log_no_update")
    conn.execute(f"UPDATE log SET actor = 'someone' WHERE id = {row}")
    conn.commit()
    conn.close()


def _marked(db: Path) -> None:
    """Enough marks that row 3 is older than the rows re-hashed at every open."""
    for aspect, value in (("A1.1", "24.01"), ("A1.2", "0.8")):
        for code in ("C01", "C02", "C03"):
            r = scorer("mark", str(db), "-j", "J1", "-c", code, "-a", aspect, value)
            assert r.returncode == 0, r.stderr


def test_a_file_failing_verify_gives_only_drafts_and_no_export(db, tmp_path):
    """Final documents of a file that fails verify are drafts with the reason on the page; export
    refuses; reading commands still work and warn only when the check at open sees it."""
    import subprocess as sp

    _marked(db)
    _edit_row(db, 3)
    out = tmp_path / "r.pdf"
    r = scorer("report", str(db), "results", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "草稿" in r.stderr and "文件校验未通过" in r.stderr and "第 3 行" in r.stderr
    text = sp.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "文件校验未通过" in text
    r = scorer("report", str(db), "progress", "-o", str(tmp_path / "p.pdf"))  # not a final document
    assert r.returncode == 0 and "文件校验未通过" not in r.stderr
    r = scorer("export", str(db), str(tmp_path / "x.json"))
    assert r.returncode == 1 and "不能导出" in r.stderr and "第 3 行" in r.stderr
    assert not (tmp_path / "x.json").exists()
    r = scorer("verify", str(db))
    assert r.returncode == 1 and "怎么办" in r.stderr and "备份" in r.stderr


def test_every_command_reports_a_missing_checkpoint(db, tmp_path):
    """The issue's case: delete the newest row and the .head, record one normal mark: refused, and
    every reading command says so."""
    import sqlite3

    _marked(db)
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER log_no_delete")
    conn.execute("DELETE FROM marks WHERE log_id = (SELECT max(id) FROM log)")
    conn.execute("DELETE FROM log WHERE id = (SELECT max(id) FROM log)")
    conn.commit()
    conn.close()
    Path(f"{db}.head").unlink()
    r = scorer("mark", str(db), "-j", "J1", "-c", "C03", "-a", "A1.2", "0.8")
    assert r.returncode == 1 and "检查点文件不见了" in r.stderr and "accept-checkpoint" in r.stderr
    for args in (("marks",), ("results",), ("info",), ("explain", "C01", "C02")):
        r = scorer(args[0], str(db), *args[1:])
        assert r.returncode == 0 and "检查点文件不见了" in r.stderr, (args, r.stderr)
    r = scorer("info", str(db), "--format", "json")
    info = json.loads(r.stdout)
    assert info["checkpoint"] == "missing" and info["problems"]
    r = scorer("verify", str(db))
    assert r.returncode == 1 and "accept-checkpoint" in r.stderr
    r = scorer("accept-checkpoint", str(db), "--actor", "K1", "--reason", "已核对纸质记录")
    assert r.returncode == 0, r.stderr
    r = scorer("mark", str(db), "-j", "J1", "-c", "C03", "-a", "A1.2", "0.8")
    assert r.returncode == 0, r.stderr
    r = scorer("verify", str(db))
    assert r.returncode == 0 and "已由 K1" in r.stdout and "已核对纸质记录" in r.stdout
