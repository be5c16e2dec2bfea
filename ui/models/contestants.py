"""Table model of an event's contestants, over the core's Contestant objects."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from scorer.model import Contestant

COL_CODE, COL_REG, COL_NAME, COL_ORG, COL_DISTRICT, COL_STATION, COL_MARKS = range(7)
HEADERS = (
    QT_TRANSLATE_NOOP("ContestantsModel", "加密号"),
    QT_TRANSLATE_NOOP("ContestantsModel", "参赛证号"),
    QT_TRANSLATE_NOOP("ContestantsModel", "姓名"),
    QT_TRANSLATE_NOOP("ContestantsModel", "单位"),
    QT_TRANSLATE_NOOP("ContestantsModel", "区"),
    QT_TRANSLATE_NOOP("ContestantsModel", "机位号"),
    QT_TRANSLATE_NOOP("ContestantsModel", "已录分数"),
)


class ContestantsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Contestant] = []
        self._marks: dict[str, int] = {}

    def set_rows(self, rows: list[Contestant], marks: dict[str, int]) -> None:
        self.beginResetModel()
        self._rows, self._marks = rows, marks
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return QCoreApplication.translate("ContestantsModel", HEADERS[section])
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        c = self._rows[index.row()]
        return (
            c.code,
            c.reg_no,
            c.name,
            c.organisation,
            c.district,
            c.station,
            str(self._marks.get(c.code, 0)),
        )[index.column()]
