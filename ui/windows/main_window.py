"""The main window: for now, the competition's events and each event's contestants.

A placeholder for the venue application issue (log-in, score entry, ranking), thin over the core.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QMainWindow, QSplitter, QTableView

from scorer.store import Store
from ui.models.contestants import ContestantsModel


class MainWindow(QMainWindow):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        comp = store.competition
        self.setWindowTitle(self.tr("Scorer — {0}").format(comp.name if comp else store.path.name))
        self.events = QListWidget()
        self.events.setObjectName("events")
        self.model = ContestantsModel(self)
        self.table = QTableView()
        self.table.setObjectName("contestants")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.events)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(1, 4)
        self.setCentralWidget(splitter)
        self.status = QLabel()
        self.statusBar().addWidget(self.status)
        if comp is None:
            self.status.setText(self.tr("此文件还没有竞赛定义，请先导入竞赛数据包"))
        else:
            for event in comp.events:
                n = sum(1 for x in comp.contestants if x.event == event.code)
                item = QListWidgetItem(self.tr("{0} {1}（{2} 人）").format(event.code, event.name, n))
                item.setData(Qt.ItemDataRole.UserRole, event.code)
                self.events.addItem(item)
            self.events.currentItemChanged.connect(self._show_event)
            self.events.setCurrentRow(0)
        self.resize(1100, 700)

    def _show_event(self, item: QListWidgetItem | None) -> None:
        comp = self.store.competition
        if item is None or comp is None:
            return
        code = item.data(Qt.ItemDataRole.UserRole)
        rows = [x for x in comp.contestants if x.event == code]
        marks = Counter(m.contestant for m in self.store.marks(code))
        self.model.set_rows(rows, dict(marks))
        self.table.resizeColumnsToContents()
        self.status.setText(
            self.tr("{0}：{1} 名选手，{2} 条当前分数 · 站点 {3}").format(
                comp.name, len(rows), sum(marks.values()), self.store.station.id
            )
        )
