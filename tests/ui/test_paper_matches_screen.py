"""The paper and the screen match line for line: the printed blank marking forms of the demo's CNC
event, read back page by page with pdftotext, against the judge's entry grid and the clerk's
double-entry grid (opened by scanning the form's QR code): the same rows in the same order with
the same row numbers, the same columns with the same header text, and Enter reading on from one
page's last cell to the next page's first."""

from __future__ import annotations

import itertools
import random
import re
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from scorer import demo, package
from scorer.reports.data import event_data
from scorer.reports.marking_forms import layout, marking_forms_pdf, scoring_judges
from scorer.store import Store
from ui.context import AppContext
from ui.windows.double_entry import DoubleEntryWidget
from ui.windows.score_entry import ScoreEntryWidget


@pytest.fixture(autouse=True)
def settings(tmp_path: Path) -> QSettings:
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    s = QSettings()
    s.clear()  # the default Enter order: the paper's
    return s


def _flat(text: str) -> str:
    return re.sub(r"\s", "", text)


def _pages(pdf: bytes, tmp: Path) -> list[str]:
    path = tmp / "forms.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout.split("\f")[:-1]


def _read_page(page: str) -> tuple[str, list[tuple[int, str]], list[str]]:
    """(judge, [(row number, contestant)], [aspect codes in order]) as printed on one page."""
    judge = re.search(r"评分裁判：(\S+)", page)
    assert judge is not None
    rows = [(int(n), code) for n, code in re.findall(r"^(\d+) (CNC-\d+)$", page, re.M)]
    listed = re.search(r"评分项：([^；]+)；", _flat(page))
    assert listed is not None
    return judge.group(1), rows, listed.group(1).split("、")


def _window(qtbot, ctx: AppContext) -> ScoreEntryWidget:
    w = ScoreEntryWidget(ctx)
    w.clock = itertools.count(0.0, 180.0).__next__
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_every_printed_page_matches_the_entry_grid_and_the_double_entry_grid(qtbot, tmp_path: Path) -> None:
    path = demo.ensure_demo(tmp_path / "demo" / "demo.scorer")
    with Store.open(path) as store:
        data = event_data(store, "CNC", check_file=False)
        judges = [j.code for j in scoring_judges(data)]
        assert judges == ["CNC-J1", "CNC-J2", "CNC-J3", "CNC-J4"]
        pages = _pages(marking_forms_pdf(data), tmp_path)
        comp = store.competition
        clerk = AppContext(store, next(j for j in comp.judges if j.code == "CNC-L"))
        paper = DoubleEntryWidget(clerk)
        qtbot.addWidget(paper)
        paper.show()
        seen: dict[str, tuple[set[int], list[str]]] = {}
        for page in pages:
            judge, rows, codes = _read_page(page)
            entry = _window(qtbot, AppContext(store, next(j for j in comp.judges if j.code == judge)))
            m = entry.model
            grid_rows = [(m.row_number(r), m.contestant_at(r).code) for r in range(m.rowCount())]
            grid_codes = [m.aspect_at(c).code for c in range(m.first_aspect_column, m.columnCount())]
            # Rows: the page's lines are the grid's, same numbers, same order.
            assert rows, page[:200]
            assert grid_rows[rows[0][0] - 1 : rows[-1][0]] == rows
            assert [m.headerData(n - 1, Qt.Orientation.Vertical) for n, _ in rows] == [
                f"{n}  {code}" for n, code in rows
            ]
            # Columns: a run of the grid's columns, in order, whose header text the page prints.
            start = grid_codes.index(codes[0])
            assert grid_codes[start : start + len(codes)] == codes
            flat, at = _flat(page), _flat(page).index("序号选手代码")
            for code in codes:
                header = _flat(
                    m.headerData(grid_codes.index(code) + m.first_aspect_column, Qt.Orientation.Horizontal)
                )
                found = flat.find(header, at)
                assert found > at, (judge, code, header)
                at = found
            numbers, printed = seen.setdefault(judge, (set(), []))
            numbers.update(n for n, _ in rows)
            printed.extend(c for c in codes if c not in printed)

            # The double-entry grid after scanning this form's QR code: the same rows and columns.
            qtbot.keyClicks(paper.form_code, layout(data, judge).form_id)
            qtbot.keyClick(paper.form_code, Qt.Key.Key_Return)
            assert paper.current_judge() == judge
            assert [(paper.row_number(r), c) for r, c in enumerate(paper.contestant_codes())] == grid_rows
            assert paper.aspect_codes() == grid_codes
            headers = [paper.grid.horizontalHeaderItem(c).text() for c in range(paper.grid.columnCount())]
            assert headers == [
                m.headerData(c + m.first_aspect_column, Qt.Orientation.Horizontal)
                for c in range(len(grid_codes))
            ]
            assert [paper.grid.verticalHeaderItem(r).text() for r in range(paper.grid.rowCount())] == [
                m.headerData(r, Qt.Orientation.Vertical) for r in range(m.rowCount())
            ]
            entry.close()
        # Every grid row and column is on paper, nothing else.
        for judge, (numbers, printed) in seen.items():
            form = layout(data, judge)
            assert numbers == {r.number for r in form.rows}
            assert printed == [c.aspect.code for c in form.columns]


def test_enter_reads_on_from_one_pages_last_cell_to_the_next_pages_first(qtbot, tmp_path: Path) -> None:
    """CNC-J1's form is two pages (six aspects, then two): Enter on page 1's last cell goes to the
    top of page 2, as the judge turns the sheet, not down or back to the top."""
    comp = package.load(demo.DEMO_PACKAGE)
    with Store.create(tmp_path / "fresh.scorer", "测试") as store:
        store.set_competition(comp, "coordinator")
        data = event_data(store, "CNC", check_file=False)
        form = layout(data, "CNC-J1")
        first, second = form.pages[0], form.pages[1]
        rng = random.Random(7)
        marks = [
            {
                "judge": "CNC-J1",
                "contestant": form.rows[r].contestant,
                "aspect": form.columns[c].aspect.code,
                "value": demo._value(form.columns[c].aspect, rng),
            }
            for r in range(first.row0, first.row1)
            for c in range(first.col0, first.col1)
            if (r, c) != (first.row1 - 1, first.col1 - 1)
        ]
        store.record_marks(marks)
        w = _window(qtbot, AppContext(store, next(j for j in comp.judges if j.code == "CNC-J1")))
        last = (form.rows[first.row1 - 1].contestant, form.columns[first.col1 - 1].aspect.code)
        index = w.grid.currentIndex()
        assert (w.model.contestant_at(index.row()).code, w.model.aspect_at(index.column()).code) == last
        qtbot.keyClicks(w.grid, demo._value(form.columns[first.col1 - 1].aspect, rng))
        qtbot.keyClick(w.grid, Qt.Key.Key_Return)
        assert w.reason.text() == ""
        index = w.grid.currentIndex()
        top = (form.rows[second.row0].contestant, form.columns[second.col0].aspect.code)
        assert (w.model.contestant_at(index.row()).code, w.model.aspect_at(index.column()).code) == top
        assert top == ("CNC-118", "D2.1")
        w.close()
