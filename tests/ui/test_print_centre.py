"""打印中心: save and print log a "report.print" row; the preview shows page images."""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtPrintSupport import QPrinter

from scorer import access
from scorer.demo import ensure_demo
from scorer.reports.printlog import page_count, printed
from scorer.store import Store
from ui.context import AppContext
from ui.windows.print_centre import PrintCentreWidget


@pytest.fixture
def centre(qtbot, tmp_path):
    store = Store.open(ensure_demo(tmp_path / "demo.scorer"))
    widget = PrintCentreWidget(AppContext(store, access.login(store, "COORD", "8888")))
    qtbot.addWidget(widget)
    widget.event_box.setCurrentIndex(widget.event_box.findData("CNC"))
    widget.kind_box.setCurrentIndex(widget.kind_box.findData("certificates"))
    yield widget
    store.close()


def test_save_writes_pdf_and_logs_it(centre, tmp_path):
    path = tmp_path / "out.pdf"
    assert centre.history.count() == 0
    assert centre.save_to(path)
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF")
    rows = printed(centre.ctx.store)
    assert len(rows) == 1
    row = rows[0]
    assert row["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert (row["kind"], row["event"], row["actor"]) == ("certificates", "CNC", "COORD")
    assert row["pages"] == page_count(pdf) > 0
    assert centre.history.count() == 1
    log = list(centre.ctx.store.log(("report.print",)))
    assert log[0].payload["sha256"] == row["sha256"]


def test_print_to_pdf_printer(centre, tmp_path):
    out = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    assert centre.print_to(printer)
    assert out.read_bytes().startswith(b"%PDF")
    assert len(printed(centre.ctx.store)) == 1 and centre.history.count() == 1


def test_preview_shows_pages(centre):
    assert centre.show_preview() >= 1
    assert centre.preview_count() >= 1
    assert centre.findChild(object, "message").text()


def test_errors_go_to_message(centre, tmp_path):
    assert not centre.save_to(tmp_path / "missing-dir" / "x.pdf")
    assert centre.message.text() and "Traceback" not in centre.message.text()
    assert printed(centre.ctx.store) == []


def test_everything_for_the_event_in_one_pdf(centre, tmp_path):
    """Batch: every document kind of the event merged, pages in order, and logged as printed."""
    import subprocess

    from scorer.reports.printlog import page_count, printed
    from scorer.reports.registry import KINDS

    widget, store = centre, centre.ctx.store
    target = tmp_path / "all.pdf"
    [written] = widget.batch_to(target)
    pdf = written.read_bytes()
    info = subprocess.run(["pdfinfo", str(written)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages == page_count(pdf) > len(KINDS)
    assert printed(store)[-1]["kind"] == "batch"


def test_the_centre_says_when_a_document_is_a_draft_and_what_makes_it_final(centre, tmp_path, capsys):
    """Unlocked: every document is a draft. Locked, not decrypted: the results list and certificates
    are still drafts (the encryption judge is the next step), score sheets are final. Decrypted: final."""
    from scorer import cli, locking
    from tests.lockhelp import force_lock

    def draft(kind: str) -> str:
        centre.kind_box.setCurrentIndex(centre.kind_box.findData(kind))
        return centre.draft.text() if centre.draft.isVisibleTo(centre) else ""

    store = centre.ctx.store
    assert "未锁定" in draft("results") and "未锁定" in draft("sheets")
    force_lock(store, "CNC", "CNC-K", ["CNC-J1"])
    centre.update_draft()
    assert "未解密" in draft("certificates") and "加密裁判" in draft("results")
    assert draft("sheets") == ""
    out = tmp_path / "r.pdf"
    assert cli.main(["report", str(store.path), "results", "--event", "CNC", "-o", str(out)]) == 0
    assert "未解密" in capsys.readouterr().err
    locking.decrypt_event(store, "CNC", "CNC-E")
    assert draft("certificates") == "" and draft("results") == ""
    assert cli.main(["report", str(store.path), "results", "--event", "CNC", "-o", str(out)]) == 0
    assert capsys.readouterr().err == ""
