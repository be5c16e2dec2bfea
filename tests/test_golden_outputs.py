"""Golden outputs: what the program prints and renders for the demo competition and the mini
fixture, compared byte for byte with files committed before the structural refactor (issue 15),
so moving code between modules cannot change a result, an explanation, a CLI table or a document.

Regenerate (only when a change of output is intended, and say so in the commit):
    .venv/bin/python -m tests.test_golden_outputs --write
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

GOLDEN = Path(__file__).parent / "data" / "golden"
MINI = Path(__file__).parent / "data" / "mini.json"
EVENTS = ("CNC", "ELEC", "WELD")
KINDS = ("results", "awards", "notice", "progress", "sheets", "forms", "certificates")
MINI_MARKS = [  # judge, contestant, aspect, value — as a clerk types them
    ("J1", "C01", "T1.1.1", "82"), ("J1", "C02", "T1.1.1", "75.5"), ("J1", "C03", "T1.1.1", "90"),
    ("J1", "C01", "A1.1", "24.01"), ("J1", "C02", "A1.1", "24.035"), ("J1", "C03", "A1.1", "23.99"),
    ("J1", "C01", "A1.2", "1.6"), ("J1", "C02", "A1.2", "3.2"), ("J1", "C03", "A1.2", "0.8"),
    ("J1", "C01", "A1.3", "pass"), ("J1", "C02", "A1.3", "fail"), ("J1", "C03", "A1.3", "pass"),
    ("J1", "C01", "B1.1", "2"), ("J2", "C01", "B1.1", "3"), ("J3", "C01", "B1.1", "2"),
    ("J1", "C02", "B1.1", "1"), ("J2", "C02", "B1.1", "3"), ("J3", "C02", "B1.1", "2"),
    ("J1", "C01", "B1.2", "1"), ("J1", "C02", "B1.2", "0"), ("J1", "C03", "B1.2", "2"),
    ("J1", "C01", "B1.3", "152:30.5"), ("J1", "C02", "B1.3", "149:59"), ("J1", "C03", "B1.3", "181:00"),
]  # fmt: skip


def _run(*argv: str) -> str:
    """One CLI command in this process: its stdout and stderr as the user sees them, and the code."""
    from scorer import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return f"$ scorer {' '.join(argv[:1])} …\nexit {code}\n{out.getvalue()}{err.getvalue()}"


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def outputs(work: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of every golden output, made in `work` (a fresh temporary folder)."""
    os.environ["SCORER_DATA_DIR"] = str(work)
    os.environ["SCORER_LANG"] = "zh"
    from scorer.demo import ensure_demo

    demo = str(ensure_demo(work / "demo.scorer"))
    for event in EVENTS:
        for fmt in ("json", "csv", "table"):
            yield f"demo-{event}-results.{fmt}", _run("results", demo, "--event", event, "--format", fmt)
        yield f"demo-{event}-marks.csv", _run("marks", demo, "--event", event, "--format", "csv")
    for a, b in (("CNC-898", "CNC-460"), ("CNC-460", "CNC-321"), ("CNC-194", "CNC-853")):
        yield f"demo-explain-{a}-{b}.txt", _run("explain", demo, a, b)
    for kind in KINDS:
        pdf = work / f"{kind}.pdf"
        _run("report", demo, kind, "--event", "CNC", "-o", str(pdf))
        yield f"demo-CNC-{kind}.txt", _pdf_text(pdf)

    mini = str(work / "mini.scorer")
    _run("init", mini, "--package", str(MINI))
    for judge, contestant, aspect, value in MINI_MARKS:
        _run("mark", mini, "-j", judge, "-c", contestant, "-a", aspect, value)
    for fmt in ("json", "table"):
        yield f"mini-results.{fmt}", _run("results", mini, "--format", fmt)
    yield "mini-marks.table", _run("marks", mini)
    yield "mini-explain-C01-C02.txt", _run("explain", mini, "C01", "C02")
    yield "mini-explain-C02-C03.txt", _run("explain", mini, "C02", "C03")


def _clean(text: str, work: Path) -> str:
    return text.replace(str(work), "<tmp>")


def test_outputs_are_byte_identical_to_the_committed_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORER_LANG", "zh")
    seen = []
    for name, text in outputs(tmp_path):
        seen.append(name)
        expected = (GOLDEN / name).read_text(encoding="utf-8")
        assert _clean(text, tmp_path) == expected, name
    assert sorted(seen) == sorted(p.name for p in GOLDEN.iterdir())


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(__doc__)
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="scorer-golden-"))
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for old in GOLDEN.iterdir():
        old.unlink()
    for name, text in outputs(work):
        (GOLDEN / name).write_text(_clean(text, work), encoding="utf-8")
    print(f"golden outputs written to {GOLDEN}")
