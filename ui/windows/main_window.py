"""The main window: one tab per job the logged-in role may do, thin over the core.

Judges get score entry; clerks paper double entry; the chief judge progress, ranking, lock and
audit; the coordinator set-up, progress, ranking and audit; the encryption judge decryption.
"""

from __future__ import annotations

import importlib
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from scorer.access import Action
from scorer.errors import ScorerError
from scorer.model import Role
from ui import i18n
from ui.context import AppContext
from ui.models.contestants import ContestantsModel
from ui.windows.login import LoginDialog, role_name
from ui.workers.sync import SyncService


class OverviewWidget(QSplitter):
    """The competition's events and each event's contestants (coordinator's set-up view)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.ctx = ctx
        self.events = QListWidget()
        self.events.setObjectName("events")
        self.model = ContestantsModel(self)
        self.table = QTableView()
        self.table.setObjectName("contestants")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.addWidget(self.events)
        self.addWidget(self.table)
        self.setStretchFactor(1, 4)
        self.events.currentItemChanged.connect(self._show_event)
        ctx.saved.connect(lambda event, *_: self._refresh())
        self.reload()

    def reload(self) -> None:
        self.events.clear()
        comp = self.ctx.store.competition
        for event in comp.events if comp else ():
            n = sum(1 for x in comp.contestants if x.event == event.code)
            item = QListWidgetItem(self.tr("{0} {1}（{2} 人）").format(event.code, event.name, n))
            item.setData(Qt.ItemDataRole.UserRole, event.code)
            self.events.addItem(item)
        self.events.setCurrentRow(0)

    def _refresh(self) -> None:
        self._show_event(self.events.currentItem())

    def _show_event(self, item: QListWidgetItem | None) -> None:
        comp = self.ctx.store.competition
        if item is None or comp is None:
            return
        code = item.data(Qt.ItemDataRole.UserRole)
        rows = [x for x in comp.contestants if x.event == code]
        marks = Counter(m.contestant for m in self.ctx.store.marks(code))
        self.model.set_rows(rows, dict(marks))
        self.table.resizeColumnsToContents()


def _resolve(where: object) -> Any:
    """A view class, or its "module.Class" path imported now (only the views a role opens)."""
    if isinstance(where, str):
        module, name = where.rsplit(".", 1)
        return getattr(importlib.import_module(module), name)
    return where


class LazyTab(QWidget):
    """A tab whose view is built the first time it is shown: start-up builds only the tab the
    judge sees first (the others may list ports, load the whole log, compute results…)."""

    def __init__(self, where: object, ctx: AppContext) -> None:
        super().__init__()
        self.where, self.ctx, self.view = where, ctx, None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def showEvent(self, event: Any) -> None:
        if self.view is None:
            self.view = _resolve(self.where)(self.ctx)
            self.layout().addWidget(self.view)
        super().showEvent(event)


class MainWindow(QMainWindow):
    others: ClassVar[list[MainWindow]] = []  # windows opened from File → open, kept alive here

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("main")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        # A file that fails its check at open: a red banner above every tab, and for a chief judge
        # the way to accept a checkpoint problem (scorer.store.health).
        self.health_banner = QLabel(objectName="file_health")
        self.health_banner.setWordWrap(True)
        self.health_banner.setStyleSheet("background:#fde2e2; color:#9b1c1c; padding:6px; font-weight:bold;")
        self.accept_button = QPushButton(self.tr("裁判长接受当前检查点…"), objectName="accept_checkpoint")
        self.accept_button.clicked.connect(self.accept_checkpoint)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.health_banner, 1)
        banner_row.addWidget(self.accept_button)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(banner_row)
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.who = QLabel()
        self.who.setObjectName("who")
        self.statusBar().addPermanentWidget(self.who)
        self._menus()
        self.build()
        ctx.judge_changed.connect(self.build)
        # Automatic pushes to headquarters run while this window is open, whoever is logged in and
        # whichever tab shows (the sync tab only shows them); stopped when the window closes.
        self.sync = SyncService.of(ctx)
        self.sync.start()
        geometry = QSettings().value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 760)

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        open_other = QAction(self.tr("打开其他竞赛文件…"), self)
        open_other.setShortcut(QKeySequence.StandardKey.Open)
        open_other.triggered.connect(self.open_other)
        file_menu.addAction(open_other)
        self.import_action = QAction(self.tr("导入竞赛数据包或名单…"), self)
        self.import_action.triggered.connect(self.import_package)
        file_menu.addAction(self.import_action)
        switch = QAction(self.tr("切换裁判…"), self)
        switch.setShortcut(QKeySequence("Ctrl+L"))
        switch.triggered.connect(self.switch_judge)
        file_menu.addAction(switch)
        file_menu.addSeparator()
        for lang, label in (("zh_CN", "中文"), ("en", "English")):
            action = QAction(label, self)
            action.triggered.connect(lambda _=False, lang=lang: self.set_language(lang))
            file_menu.addAction(action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("退出"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

    def build(self) -> None:
        """(Re)build the tabs for the current judge's role."""
        ctx = self.ctx
        comp = ctx.store.competition
        judge = ctx.judge
        self.setWindowTitle(self.tr("Scorer — {0}").format(comp.name if comp else ctx.store.path.name))
        self.who.setText(
            self.tr("{0} {1}（{2}） · 站点 {3}").format(
                judge.code, judge.name, role_name(judge.role), ctx.store.station.id
            )
        )
        while self.tabs.count():
            widget = self.tabs.widget(0)
            self.tabs.removeTab(0)
            widget.deleteLater()
        self.import_action.setEnabled(ctx.session.may(Action.SET_UP))
        self.show_health()
        for label, action, where in self._tab_specs():
            if ctx.session.may(action):
                widget = _resolve(where)(ctx) if self.tabs.count() == 0 else LazyTab(where, ctx)
                widget.setObjectName(widget.objectName() or label)
                self.tabs.addTab(widget, label)

    def show_health(self) -> None:
        """The red banner: what is wrong with the file and what to do; hidden when it is sound."""
        health = self.ctx.store.health()
        text = health.banner(i18n.current())
        self.health_banner.setText(text or "")
        self.health_banner.setVisible(bool(text))
        self.accept_button.setVisible(health.needs_acceptance and self.ctx.judge.role is Role.CHIEF)

    def accept_checkpoint(self) -> None:
        """The chief judge accepts the checkpoint as it is, with a reason (logged, shown by verify)."""
        reason, ok = QInputDialog.getText(
            self,
            self.tr("接受检查点"),
            self.tr(
                "检查点文件缺失、损坏或落后于记录。接受后可继续写入，此决定与原因记入日志，scorer verify 会一直显示。\n原因："
            ),
        )
        if not ok:
            return
        try:
            self.ctx.store.accept_checkpoint(self.ctx.judge.code, reason)
        except ScorerError as exc:
            QMessageBox.warning(self, self.tr("未接受"), exc.message())
            return
        self.show_health()

    def _tab_specs(self) -> list[tuple[str, Action, object]]:
        return [
            (self.tr("评分录入"), Action.ENTER_MARKS, "ui.windows.score_entry.ScoreEntryWidget"),
            (self.tr("设备"), Action.ENTER_MARKS, "ui.windows.devices.DevicesWidget"),
            (self.tr("纸质评分表录入"), Action.DOUBLE_ENTRY, "ui.windows.double_entry.DoubleEntryWidget"),
            (self.tr("竞赛概况"), Action.SET_UP, OverviewWidget),
            (self.tr("打印中心"), Action.PRINT, "ui.windows.print_centre.PrintCentreWidget"),
            (self.tr("进度与检查"), Action.PROGRESS, "ui.windows.progress.ProgressWidget"),
            (self.tr("实时排名"), Action.RANKING, "ui.windows.ranking.RankingWidget"),
            (self.tr("锁定与签字"), Action.LOCK, "ui.windows.lock.LockWidget"),
            (self.tr("解密"), Action.DECRYPT, "ui.windows.lock.LockWidget"),
            (self.tr("审计日志"), Action.AUDIT, "ui.windows.audit.AuditWidget"),
            (self.tr("同步"), Action.SYNC, "ui.windows.sync.SyncWidget"),
        ]

    def switch_judge(self) -> None:
        """Shared laptops: the next judge logs in; everything saved stays saved."""
        dialog = LoginDialog(self.ctx.store, self, self.tr("切换裁判"))
        if dialog.exec() and dialog.judge is not None:
            self.ctx.switch_judge(dialog.judge)

    def open_other(self) -> None:
        """Another competition file (recent files, new, other): log in to it in a new window."""
        from scorer.store import Store
        from ui.windows.start import StartDialog, remember

        start = StartDialog(self)
        if not start.exec() or start.path is None:
            return
        try:
            store = Store.open(start.path)
        except ScorerError as exc:
            QMessageBox.warning(self, self.tr("无法打开"), exc.message())
            return
        login = LoginDialog(store, self)
        if not login.exec() or login.judge is None:
            store.close()
            return
        remember(start.path)
        window = MainWindow(AppContext(store, login.judge))
        window.show()
        MainWindow.others.append(window)
        self.close()
        self.ctx.store.close()  # flushes the checkpoint; the new window has its own store

    def import_package(self) -> None:
        from ui.windows.start import import_into

        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("导入竞赛数据包或名单"),
            "",
            self.tr("竞赛数据包 (*.json *.xlsx);;选手或裁判名单 (*.csv)"),
        )
        if name and import_into(self.ctx.store, Path(name), self) is None:
            self.ctx.session.live.invalidate()
            self.build()
            QMessageBox.information(self, self.tr("导入完成"), self.tr("已导入 {0}").format(Path(name).name))

    def set_language(self, lang: str) -> None:
        """Switch language at once: the translators change, then the menus and tabs are rebuilt
        (every view builds its texts with tr(); nothing typed is lost: values are saved on Enter)."""
        QSettings().setValue("ui/language", lang)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            i18n.install(app, lang)
        current = self.tabs.currentIndex()
        self.menuBar().clear()
        self._menus()
        self.build()
        if 0 <= current < self.tabs.count():
            self.tabs.setCurrentIndex(current)

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("window/geometry", self.saveGeometry())
        self.sync.shutdown()  # a push in flight ends after its batch; no thread is left behind
        super().closeEvent(event)
