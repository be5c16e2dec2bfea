"""`--json` on every verb that prints: other programs read what a verb did or found (parsed with
json.loads here), while the sentences and tables people read stay as they were."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from scorer import cli
from tests.conftest import MINI


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "c.scorer"
    data = run_json(capsys, "init", str(path), "--package", str(MINI), "--station-name", "一号机")
    assert data["file"] == str(path) and data["station"]
    return path


def test_acting_verbs_print_their_log_id(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = run_json(capsys, "mark", str(db), "-j", "J1", "-c", "C01", "-a", "A1.1", "24.015")
    assert set(first) == {"log_id"} and isinstance(first["log_id"], int)
    fixed = run_json(
        capsys, "correct", str(db), str(first["log_id"]), "24.012", "--reason", "读数看错", "--actor", "J1"
    )
    assert fixed["log_id"] > first["log_id"]
    other = run_json(capsys, "mark", str(db), "-j", "J1", "-c", "C02", "-a", "A1.1", "24.01")
    voided = run_json(capsys, "void", str(db), str(other["log_id"]), "--reason", "录错选手", "--actor", "J1")
    assert voided["log_id"] > other["log_id"]
    status = run_json(capsys, "status", str(db), "C03", "dnf", "--reason", "中途退赛", "--actor", "K1")
    assert status["log_id"] > voided["log_id"]
    history = run_json(capsys, "marks", str(db), "--history")
    assert [r["id"] for r in history] == [first["log_id"], fixed["log_id"], other["log_id"], voided["log_id"]]
    # without --json: the bare id, as before
    code, out, _ = run(capsys, "mark", str(db), "-j", "J1", "-c", "C02", "-a", "A1.1", "24.02")
    assert code == 0 and out == f"{status['log_id'] + 1}\n"


def test_import_export_and_demo(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.json"
    assert run_json(capsys, "export", str(db), str(out)) == {"file": str(out)}
    assert out.is_file()
    lists = tmp_path / "judges.csv"
    assert run_json(capsys, "export", str(db), str(lists), "--kind", "judges") == {"file": str(lists)}
    data = run_json(capsys, "import", str(db), str(lists))
    assert data["file"] == str(lists) and isinstance(data["log_id"], int)
    mini = json.loads(MINI.read_text(encoding="utf-8"))
    counts = (len(mini["events"]), len(mini["contestants"]), len(mini["judges"]))
    assert (data["events"], data["contestants"], data["judges"]) == counts
    demo = tmp_path / "demo.scorer"
    assert run_json(capsys, "demo", str(demo)) == {"file": str(demo)}
    assert demo.is_file()


def test_format_json_synonyms(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """results, marks and info: `--json` prints exactly what `--format json` prints."""
    run(capsys, "mark", str(db), "-j", "J1", "-c", "C01", "-a", "A1.1", "24.015")
    for verb in ("results", "marks", "info"):
        code, long, _ = run(capsys, verb, str(db), "--format", "json")
        assert code == 0
        code, short, _ = run(capsys, verb, str(db), "--json")
        assert code == 0 and short == long, verb
        json.loads(short)
    info = run_json(capsys, "info", str(db))
    assert info["current_marks"] == 1 and info["station_name"] == "一号机" and info["checkpoint"] == "ok"
    [mark] = run_json(capsys, "marks", str(db))
    assert mark["value"] == "24.015" and mark["contestant"] == "C01"
    results = run_json(capsys, "results", str(db))
    assert [r["code"] for ev in results["events"] for r in ev["results"]]


def test_verify_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "verify", str(db))
    assert data["ok"] is True and data["rows"] >= 2 and data["problems"] == [] and data["advice"] is None
    assert sum(data["stations"].values()) == data["rows"]
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER log_no_update")
    conn.execute("UPDATE log SET actor = 'someone' WHERE id = 2")
    conn.commit()
    conn.close()
    code, out, err = run(capsys, "verify", str(db), "--json")
    assert code == 1 and err == ""
    data = json.loads(out)
    assert data["ok"] is False and data["problems"] and data["advice"]["zh"] and data["advice"]["en"]
    assert {"code", "where", "zh", "en"} <= set(data["problems"][0])


def test_accept_checkpoint_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "mark", str(db), "-j", "J1", "-c", "C01", "-a", "A1.1", "24.015")
    Path(f"{db}.head").unlink()
    data = run_json(capsys, "accept-checkpoint", str(db), "--actor", "K1", "--reason", "已核对纸质记录")
    assert isinstance(data["log_id"], int) and data["checkpoint"] == "missing" and data["problems"]
    assert {"where", "zh", "en"} == set(data["problems"][0])
    assert run_json(capsys, "verify", str(db))["ok"] is True


def test_explain_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for code, value in (("C01", "24.01"), ("C02", "24.2")):
        run(capsys, "mark", str(db), "-j", "J1", "-c", code, "-a", "A1.1", value)
    data = run_json(capsys, "explain", str(db), "C01", "C02")
    assert data["event"] and (data["a"], data["b"]) == ("C01", "C02")
    assert data["ahead"] in ("C01", "C02", None) and data["zh"] and data["en"]
    code, text, _ = run(capsys, "explain", str(db), "C01", "C02")
    assert code == 0 and text == data["zh"] + "\n"


def test_report_json(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.pdf"
    code, stdout, err = run(capsys, "report", str(db), "progress", "-o", str(out), "--json")
    assert code == 0, err
    data = json.loads(stdout)
    assert data["file"] == str(out) and data["kind"] == "progress" and data["pages"] >= 1
    assert isinstance(data["event"], str) and isinstance(data["log_id"], int)
    assert data["draft"] is None or set(data["draft"]) == {"zh", "en"}
    assert out.read_bytes().startswith(b"%PDF")


def test_device_list_json(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from serial.tools import list_ports

    ports = [
        SimpleNamespace(device="/dev/ttyUSB1", description="", vid=None, pid=None, serial_number=None),
        SimpleNamespace(
            device="/dev/ttyUSB0", description="FT232R", vid=0x0403, pid=0x6001, serial_number="A1"
        ),
    ]
    monkeypatch.setattr(list_ports, "comports", lambda: ports)
    data = run_json(capsys, "device", "list")
    assert data == [
        {
            "port": "/dev/ttyUSB0",
            "description": "FT232R",
            "vid": "0403",
            "pid": "6001",
            "serial_number": "A1",
        },
        {"port": "/dev/ttyUSB1", "description": "", "vid": None, "pid": None, "serial_number": ""},
    ]
    monkeypatch.setattr(list_ports, "comports", lambda: [])
    assert run_json(capsys, "device", "list") == []


def test_device_simulate_json_names_its_address(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "device", "simulate", "-p", "mitutoyo", "--tcp", "0", "--seconds", "0.2", "--json"
    )
    assert code == 0, err
    first = out.splitlines()[0]
    assert json.loads(first)["address"].startswith("socket://127.0.0.1:")


def test_every_verb_takes_json() -> None:
    """A new verb gets its --json too (and README.md names it)."""
    import argparse

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")

    def verbs(parser: argparse.ArgumentParser, prefix: str = "") -> list[tuple[str, argparse.ArgumentParser]]:
        found = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found += verbs(sub, f"{prefix}{name} ") or [(f"{prefix}{name}", sub)]
        return found

    for name, parser in verbs(cli.build_parser()):
        assert any("--json" in a.option_strings for a in parser._actions), name
        assert f"`{name.split()[-1]}" in readme or f"{name} --json" in readme, name
