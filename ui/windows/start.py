"""Opening, creating and filling competition files: recent files, and package import whose
problems are shown as a table the coordinator can work through (sheet/row/field → reason)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scorer import package
from scorer.errors import ImportRejected, Problem, ScorerError
from scorer.store import Store

MAX_RECENT = 8


def recent_files() -> list[str]:
    value = QSettings().value("files/recent", [])
    items = [value] if isinstance(value, str) else list(value or [])
    return [p for p in items if Path(p).exists()][:MAX_RECENT]


def remember(path: Path) -> None:
    items = [str(path)] + [p for p in recent_files() if p != str(path)]
    QSettings().setValue("files/recent", items[:MAX_RECENT])


class ImportErrorsDialog(QDialog):
    """Every problem of a refused import, one row each, in the user's language."""

    def __init__(self, error: ScorerError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("导入失败：未导入任何内容"))
        self.summary = QLabel(error.message())
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(len(error.problems), 2)
        self.table.setObjectName("problems")
        self.table.setHorizontalHeaderLabels([self.tr("位置"), self.tr("问题")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, problem in enumerate(error.problems):
            text = problem.message()
            reason = (
                text[len(problem.where) + 2 :] if problem.where and text.startswith(problem.where) else text
            )
            self.table.setItem(row, 0, QTableWidgetItem(problem.where))
            self.table.setItem(row, 1, QTableWidgetItem(reason))
        self.table.resizeColumnToContents(0)
        copy = QPushButton(self.tr("复制全部"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.as_text(error.problems)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(820, 420)

    @staticmethod
    def as_text(problems: list[Problem]) -> str:
        return "\n".join(p.message() for p in problems)


def import_into(
    store: Store, path: Path, parent: QWidget | None = None, show: bool = True
) -> ScorerError | None:
    """Import a package (or a contestant/judge list) into the open file; the error, if refused."""
    try:
        if path.suffix.lower() == ".csv":
            from scorer.package import csvlists

            if store.competition is None:
                raise ScorerError("请先导入完整的竞赛数据包", "import a whole competition package first")
            raw = package.read_file_bytes(path)
            kind = csvlists.guess_kind(raw)
            merge = csvlists.merge_judges_csv if kind == "judges" else csvlists.merge_contestants_csv
            comp = merge(store.competition, raw, path.name)
        else:
            comp = package.load(path)
        store.set_competition(comp, "coordinator", "import")
    except ImportRejected as exc:
        if show:
            ImportErrorsDialog(exc, parent).exec()
        return exc
    except ScorerError as exc:
        if show:
            QMessageBox.warning(parent, QDialog.tr("导入失败"), exc.message())
        return exc
    return None


class StartDialog(QDialog):
    """Choose a competition file: recent ones, the demo, another file, or a new one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Scorer — 打开竞赛文件"))
        self.path: Path | None = None
        self.recent = QListWidget()
        self.recent.setObjectName("recent")
        for p in recent_files():
            item = QListWidgetItem(p)
            item.setData(256, p)
            self.recent.addItem(item)
        self.recent.itemActivated.connect(lambda item: self._choose(Path(item.data(256))))
        demo = QPushButton(self.tr("打开演示竞赛"))
        demo.clicked.connect(self._demo)
        other = QPushButton(self.tr("打开其他文件…"))
        other.clicked.connect(self._open)
        new = QPushButton(self.tr("新建竞赛文件…"))
        new.clicked.connect(self._new)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("最近打开的文件")))
        layout.addWidget(self.recent)
        for button in (demo, other, new):
            layout.addWidget(button)
        self.resize(560, 380)

    def _choose(self, path: Path) -> None:
        self.path = path
        self.accept()

    def _demo(self) -> None:
        from scorer.demo import ensure_demo

        self._choose(ensure_demo())

    def _open(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("打开竞赛文件"), "", self.tr("竞赛文件 (*.scorer);;所有文件 (*)")
        )
        if name:
            self._choose(Path(name))

    def _new(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("新建竞赛文件"), "", self.tr("竞赛文件 (*.scorer)")
        )
        if not name:
            return
        path = Path(name if name.endswith(".scorer") else name + ".scorer")
        try:
            Store.create(path).close()
        except ScorerError as exc:
            QMessageBox.warning(self, self.tr("无法新建"), exc.message())
            return
        self._choose(path)
