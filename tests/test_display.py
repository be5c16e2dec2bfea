"""Values read as the judge typed them (times h:mm:ss / m:ss.ff, numbers at the aspect's precision),
in the core, and in the CLI table; `--lang en` anywhere on the command line."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from scorer import cli
from scorer.model import AspectType, ExamRule, JudgementRule
from scorer.values import show_duration, show_value
from tests.conftest import MINI


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        ("8730", "2:25:30"),
        ("605.5", "10:05.5"),
        ("59.25", "0:59.25"),
        ("3600", "1:00:00"),
        ("8413.5000", "2:20:13.5"),
    ],
)
def test_durations_read_as_clock_times(seconds, shown):
    assert show_duration(Decimal(seconds)) == shown


def test_each_aspect_shows_its_own_precision(mini_comp):
    aspects = mini_comp.events[0].aspects()
    half = replace(aspects["B1.1"], rule=JudgementRule(scale_max=Decimal(10), step=Decimal("0.5")))
    assert [show_value(half, v) for v in ("62", "9.5", "7.0")] == ["62.0", "9.5", "7.0"]
    exam = replace(aspects["T1.1.1"], rule=ExamRule(out_of=Decimal(100), decimals=1))
    assert [show_value(exam, v) for v in ("62", "78.5", "99")] == ["62.0", "78.5", "99.0"]
    assert show_value(aspects["A1.1"], "24.010") == "24.010"  # a reading keeps the digits it was taken with
    assert (
        show_value(aspects["A1.3"], "pass") == "合格" and show_value(aspects["A1.3"], "pass", "en") == "pass"
    )
    assert show_value(aspects["B1.3"], "9150.5") == "2:32:30.5"
    assert aspects["B1.3"].type is AspectType.TIME


def test_cli_table_shows_times_as_typed_and_csv_keeps_seconds(tmp_path, capsys):
    db = str(tmp_path / "c.scorer")
    assert cli.main(["init", db, "--package", str(MINI)]) == 0
    assert cli.main(["mark", db, "-j", "J1", "-c", "C01", "-a", "B1.3", "2:25:30"]) == 0
    capsys.readouterr()
    assert cli.main(["marks", db]) == 0
    table = capsys.readouterr().out
    assert "2:25:30" in table and "8730" not in table
    assert cli.main(["marks", db, "--format", "csv"]) == 0
    assert ",8730," in capsys.readouterr().out


def test_lang_is_accepted_after_the_verb(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "c.scorer")
    assert cli.main(["init", db, "--package", str(MINI)]) == 0
    capsys.readouterr()
    assert cli.main(["mark", db, "-j", "J9", "-c", "C01", "-a", "B1.3", "2:25:30", "--lang", "en"]) == 1
    assert capsys.readouterr().err.strip() == "error: no judge with code 'J9'"
    monkeypatch.setenv("SCORER_LANG", "zh")
    assert cli.main(["mark", db, "--lang=en", "-j", "J9", "-c", "C01", "-a", "A1.1", "24.01"]) == 1
    assert "no judge" in capsys.readouterr().err
