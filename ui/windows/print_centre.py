"""打印中心: choose an event and a document, preview its pages, save or print it, or everything for
the event at once; every save and print is logged ("report.print") and listed under 历史.

Documents come from scorer.reports.registry when it is there (KINDS and render); until then only
the certificates. Page images come from QtPdf, or from poppler's pdftoppm when QtPdf is missing.
"""

from __future__ import annotations

import importlib
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPageLayout, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from scorer.errors import ScorerError, language
from scorer.reports.data import event_data
from scorer.reports.printlog import printed, record_print
from scorer.reports.registry import draft_state
from ui.context import AppContext
from ui.widgets.event_box import fill_event_box

FALLBACK_KINDS: dict[str, tuple[str, str, str]] = {
    "certificates": ("scorer.reports.certificates:certificates_pdf", "获奖证书", "Certificates"),
}
PREVIEW_DPI = 60
PRINT_DPI = 150


def _registry() -> Any | None:
    try:
        return importlib.import_module("scorer.reports.registry")
    except ImportError:
        return None


def document_kinds() -> dict[str, tuple[str, str, str]]:
    """kind → ("module:function", zh label, en label)."""
    reg = _registry()
    kinds = getattr(reg, "KINDS", None) if reg is not None else None
    return dict(kinds) if kinds else dict(FALLBACK_KINDS)


def render_kind(kind: str, data: Any) -> bytes:
    """PDF bytes of document `kind` for one event's data."""
    reg = _registry()
    if reg is not None and hasattr(reg, "render"):
        return bytes(reg.render(kind, data))
    where = document_kinds()[kind][0]
    module, _, func = where.partition(":")
    return bytes(getattr(importlib.import_module(module), func)(data))


def merge_pdfs(parts: list[bytes]) -> bytes:
    """One PDF from several, pages in order (pypdf)."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        for page in PdfReader(io.BytesIO(part)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_images(pdf: bytes, dpi: int) -> list[QImage]:
    """Every page of `pdf` as an image at `dpi`: QtPdf when it imports, else pdftoppm."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        try:
            from PySide6.QtPdf import QPdfDocument
        except ImportError:
            return _pdftoppm(path, dpi)
        doc = QPdfDocument()
        doc.load(str(path))
        images = []
        for i in range(doc.pageCount()):
            pts = doc.pagePointSize(i)
            size = QSize(round(pts.width() * dpi / 72), round(pts.height() * dpi / 72))
            images.append(doc.render(i, size))
        doc.close()
        return images


def _pdftoppm(path: Path, dpi: int) -> list[QImage]:
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(path), str(path.with_suffix(""))],
        check=True,
        capture_output=True,
    )
    return [QImage(str(p)) for p in sorted(path.parent.glob("doc-*.png"))]


class PrintCentreWidget(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("print_centre")
        self.event_box = QComboBox(objectName="event")
        self.kind_box = QComboBox(objectName="kind")
        english = language() == "en"
        for kind, (_, zh, en) in document_kinds().items():
            self.kind_box.addItem(en if english and en else zh, kind)
        fill_event_box(self.event_box, ctx.session.events(), keep=False)

        self.preview_button = QPushButton(self.tr("预览"), objectName="preview")
        self.save_button = QPushButton(self.tr("保存PDF…"), objectName="save")
        self.print_button = QPushButton(self.tr("打印…"), objectName="print")
        self.batch_button = QPushButton(self.tr("本项目全部文档…"), objectName="batch")
        self.draft = QLabel(objectName="draft")  # why the chosen document would print as a draft
        self.draft.setWordWrap(True)
        self.draft.setStyleSheet("background:#fff3c4; color:#7a4b00; padding:4px; font-weight:bold;")
        self.draft.hide()
        self.message = QLabel(objectName="message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.preview = QScrollArea(objectName="pages")
        self.preview.setWidgetResizable(True)
        self.preview.setWidget(self.pages)
        self.history = QListWidget(objectName="history")

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("项目：")))
        top.addWidget(self.event_box, 1)
        top.addWidget(QLabel(self.tr("文档：")))
        top.addWidget(self.kind_box, 1)
        for b in (self.preview_button, self.save_button, self.print_button, self.batch_button):
            top.addWidget(b)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel(self.tr("打印记录")))
        right_layout.addWidget(self.history)
        split = QSplitter()
        split.addWidget(self.preview)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([900, 300])  # the preview is the big part; the history a side column
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.draft)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)

        self.event_box.currentIndexChanged.connect(self.update_draft)
        self.kind_box.currentIndexChanged.connect(self.update_draft)
        self.preview_button.clicked.connect(self.show_preview)
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_)
        self.batch_button.clicked.connect(self.batch)
        self.refresh_history()
        self.update_draft()

    # -- what is chosen -------------------------------------------------------------------------

    def event_code(self) -> str:
        return str(self.event_box.currentData() or "")

    def kind(self) -> str:
        return str(self.kind_box.currentData() or "")

    def render(self, kind: str | None = None) -> bytes:
        """The chosen document of the chosen event (raises ScorerError)."""
        if not self.event_code():
            raise ScorerError("没有可打印的项目", "no event to print")
        data = event_data(self.ctx.store, self.event_code())
        if kind is None:
            self._show_draft(draft_state(self.kind(), data))
        return render_kind(kind or self.kind(), data)

    def update_draft(self, *_args: object) -> None:
        """Say before printing whether the chosen document is a draft, and what makes it final."""
        event = self.event_code()
        if not event:
            self._show_draft(None)
            return
        try:
            self._show_draft(draft_state(self.kind(), event_data(self.ctx.store, event)))
        except ScorerError as exc:
            self._fail(exc)

    def _show_draft(self, state: tuple[str, str] | None) -> None:
        self.draft.setText("" if state is None else (state[1] if language() == "en" else state[0]))
        self.draft.setVisible(state is not None)

    def _fail(self, exc: Exception) -> None:
        if isinstance(exc, ScorerError):
            self.message.setText(exc.message())
        elif isinstance(exc, OSError):
            self.message.setText(self.tr("无法写入文件：{0}").format(exc.strerror or str(exc)))
        else:
            self.message.setText(self.tr("生成文档失败：{0}").format(str(exc)))

    def _record(self, kind: str, pdf: bytes) -> None:
        record_print(self.ctx.store, self.ctx.judge.code, kind, self.event_code(), pdf)
        self.refresh_history()

    # -- actions ----------------------------------------------------------------------------------

    def show_preview(self) -> int:
        """Render the chosen document and show its pages; the number of pages shown."""
        try:
            images = page_images(self.render(), PREVIEW_DPI)
        except (ScorerError, OSError, subprocess.CalledProcessError) as exc:
            self._fail(exc)
            return 0
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        for image in images:
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setStyleSheet("QLabel { border: 1px solid #999; background: white; }")
            self.pages_layout.addWidget(label)
        self.message.setText(self.tr("共 {0} 页").format(len(images)))
        return len(images)

    def preview_count(self) -> int:
        return sum(
            1
            for i in range(self.pages_layout.count())
            if (item := self.pages_layout.itemAt(i)) is not None and isinstance(item.widget(), QLabel)
        )

    def save(self) -> None:
        name = f"{self.event_code()}-{self.kind()}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存PDF"), name, self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.save_to(path)

    def save_to(self, path: str | Path) -> bool:
        """Write the chosen document to `path` and log it."""
        try:
            pdf = self.render()
            Path(path).write_bytes(pdf)
            self._record(self.kind(), pdf)
        except (ScorerError, OSError) as exc:
            self._fail(exc)
            return False
        self.message.setText(self.tr("已保存：{0}").format(str(path)))
        return True

    def print_(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Print the chosen document's page images on `printer` and log it."""
        try:
            pdf = self.render()
            images = page_images(pdf, PRINT_DPI)
        except (ScorerError, OSError, subprocess.CalledProcessError) as exc:
            self._fail(exc)
            return False
        if images:
            first = images[0]
            wide = first.width() > first.height()
            printer.setPageOrientation(
                QPageLayout.Orientation.Landscape if wide else QPageLayout.Orientation.Portrait
            )
        painter = QPainter()
        if not painter.begin(printer):
            self.message.setText(self.tr("无法开始打印"))
            return False
        try:
            for i, image in enumerate(images):
                if i:
                    printer.newPage()
                target = painter.viewport()
                scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.setViewport(target.x(), target.y(), scaled.width(), scaled.height())
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(target)
        finally:
            painter.end()
        self._record(self.kind(), pdf)
        self.message.setText(self.tr("已发送到打印机：共 {0} 页").format(len(images)))
        return True

    def batch(self) -> None:
        name = f"{self.event_code()}-all.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("保存全部文档"), name, self.tr("PDF 文件 (*.pdf)")
        )
        if path:
            self.batch_to(path)

    def batch_to(self, path: str | Path) -> list[Path]:
        """Every document of the event merged into one PDF at `path`; the file written."""
        try:
            merged = merge_pdfs([self.render(kind) for kind in document_kinds()])
            Path(path).write_bytes(merged)
        except (ScorerError, OSError) as exc:
            self._fail(exc)
            return []
        self._record("batch", merged)
        self.message.setText(self.tr("已合并为一个PDF：{0}").format(str(path)))
        return [Path(path)]

    def refresh_history(self) -> None:
        labels = {kind: zh for kind, (_, zh, _en) in document_kinds().items()}
        self.history.clear()
        for row in reversed(printed(self.ctx.store)):
            self.history.addItem(
                self.tr("{0}  {1}  {2} {3}  {4} 页  {5}").format(
                    row["time"][:19].replace("T", " "),
                    row["actor"],
                    row["event"],
                    labels.get(row["kind"], row["kind"]),
                    row["pages"],
                    row["sha256"][:12],
                )
            )
