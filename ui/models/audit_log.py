"""Table model of the competition file's log (Store.log rows): who did what, when, from which
station and source, with the raw device record.

Log rows never change, so new rows are inserted (`beginInsertRows`) at their sorted place instead
of reloading the table. Payload summaries show codes only, never names (a definition row holds the
whole package, names included: its summary gives counts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt

from scorer.model import Aspect, Competition
from scorer.store import LogRow
from scorer.values import show_value
from ui import i18n
from ui.models.rows import ASC, KEY_ROLE, SORT_ROLE, SortedRowsModel

COL_ID, COL_TIME, COL_STATION, COL_SEQ, COL_KIND, COL_ACTOR, COL_SOURCE, COL_SUMMARY, COL_RAW = range(9)
CONTEXT = "AuditModel"
HEADERS = (
    QT_TRANSLATE_NOOP("AuditModel", "序号"),
    QT_TRANSLATE_NOOP("AuditModel", "时间"),
    QT_TRANSLATE_NOOP("AuditModel", "站点"),
    QT_TRANSLATE_NOOP("AuditModel", "站内序号"),
    QT_TRANSLATE_NOOP("AuditModel", "类型"),
    QT_TRANSLATE_NOOP("AuditModel", "操作人"),
    QT_TRANSLATE_NOOP("AuditModel", "来源"),
    QT_TRANSLATE_NOOP("AuditModel", "内容"),
    QT_TRANSLATE_NOOP("AuditModel", "设备原始记录"),
)
KINDS = {
    "station.init": QT_TRANSLATE_NOOP("AuditModel", "站点初始化"),
    "definition": QT_TRANSLATE_NOOP("AuditModel", "竞赛定义"),
    "mark": QT_TRANSLATE_NOOP("AuditModel", "评分"),
    "mark.correct": QT_TRANSLATE_NOOP("AuditModel", "更正"),
    "mark.void": QT_TRANSLATE_NOOP("AuditModel", "作废"),
    "entry.draft": QT_TRANSLATE_NOOP("AuditModel", "双人录入"),
    "contestant.status": QT_TRANSLATE_NOOP("AuditModel", "选手状态"),
    "event.lock": QT_TRANSLATE_NOOP("AuditModel", "锁定"),
    "event.unlock": QT_TRANSLATE_NOOP("AuditModel", "解锁"),
    "event.decrypt": QT_TRANSLATE_NOOP("AuditModel", "解密"),
    "event.sign": QT_TRANSLATE_NOOP("AuditModel", "裁判签字"),
    "signoff.accept": QT_TRANSLATE_NOOP("AuditModel", "裁判长确认"),
    "auth.login": QT_TRANSLATE_NOOP("AuditModel", "登录"),
    "auth.fail": QT_TRANSLATE_NOOP("AuditModel", "登录失败"),
}
SOURCES = {
    "keyboard": QT_TRANSLATE_NOOP("AuditModel", "键盘"),
    "cli": QT_TRANSLATE_NOOP("AuditModel", "命令行"),
    "device": QT_TRANSLATE_NOOP("AuditModel", "设备"),
    "import": QT_TRANSLATE_NOOP("AuditModel", "导入"),
    "double-entry": QT_TRANSLATE_NOOP("AuditModel", "双人录入"),
    "sync": QT_TRANSLATE_NOOP("AuditModel", "同步"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def kind_label(kind: str) -> str:
    """A log kind in the user's language ("评分"), or the kind itself if unknown."""
    return _tr(KINDS[kind]) if kind in KINDS else kind


def local_time(stamp: str) -> str:
    """A log time (UTC, ISO 8601) in the laptop's local time, to the second."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def escaped(raw: bytes | None) -> str:
    """A raw device record as text: printable ASCII as is, everything else escaped (\\r, \\x02)."""
    if raw is None:
        return ""
    return repr(bytes(raw))[2:-1]


class AuditModel(SortedRowsModel[LogRow]):
    """One row per log row: id, local time, station, seq, kind, actor, source, a summary of the
    payload and the raw device record."""

    row_key = staticmethod(attrgetter("id"))

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._texts: dict[int, str] = {}  # id → filter text, filled as the filter asks
        self._aspects: dict[tuple[str, str], Aspect] = {}  # (event, aspect) → Aspect, to show values as typed

    def set_competition(self, comp: Competition | None) -> None:
        """The definition whose aspects say how values read (2:25:30 rather than 8730)."""
        self._aspects = {
            (e.code, a.code): a for e in (comp.events if comp else ()) for a in e.aspects().values()
        }

    def _value(self, p: dict[str, Any]) -> str:
        aspect = self._aspects.get((p.get("event", ""), p.get("aspect", "")))
        value = str(p.get("value", ""))
        return show_value(aspect, value, i18n.current()) if aspect is not None else value

    # -------------------------------------------------------------- loading

    def load(self, rows: Iterable[LogRow]) -> None:
        self._texts = {}
        self._reset(rows)

    def last_id(self) -> int:
        return max((r.id for r in self._rows), default=0)

    def kinds(self) -> list[str]:
        return sorted({r.kind for r in self._rows})

    def append(self, rows: Iterable[LogRow]) -> None:
        """Insert new log rows (ids above every shown one) at their sorted places."""
        for row in rows:
            at = self._insert_position(row)
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, row)
            self.endInsertRows()

    def _insert_position(self, row: LogRow) -> int:
        """Where a row with the highest id goes in the current order (binary search)."""
        column = self._sort_column
        if column < 0 or column >= len(HEADERS):
            return len(self._rows)
        value = self.sort_getter(column)
        v = value(row)
        if v is None:
            return len(self._rows)  # empty values are last, in id order
        ascending = self._sort_order == ASC
        lo, hi = 0, len(self._rows)
        while lo < hi:
            mid = (lo + hi) // 2
            w = value(self._rows[mid])
            # Rows with equal values are in id order, and this id is the highest: go after them.
            after = w is not None and (w <= v if ascending else w >= v)
            if after:
                lo = mid + 1
            else:
                hi = mid
        return lo

    # -------------------------------------------------------------- Qt API

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def header_text(self, section: int) -> str:
        return _tr(HEADERS[section])

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(r, column)
        if role == SORT_ROLE:
            return self.sort_getter(column)(r)
        if role == KEY_ROLE:
            return r.id
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_RAW and r.raw is not None:
                return bytes(r.raw).hex(" ")
            if column == COL_KIND:
                return r.kind
            if column == COL_TIME:
                return r.time
            if column == COL_SUMMARY:
                return self.summary(r)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_ID, COL_SEQ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def display(self, r: LogRow, column: int) -> str:
        if column == COL_ID:
            return str(r.id)
        if column == COL_TIME:
            return local_time(r.time)
        if column == COL_STATION:
            return r.station
        if column == COL_SEQ:
            return str(r.seq)
        if column == COL_KIND:
            return kind_label(r.kind)
        if column == COL_ACTOR:
            return r.actor
        if column == COL_SOURCE:
            return _tr(SOURCES[r.source]) if r.source in SOURCES else r.source
        if column == COL_SUMMARY:
            return self.summary(r)
        return escaped(r.raw)

    def sort_getter(self, column: int) -> Callable[[LogRow], Any]:
        if column == COL_ID:
            return attrgetter("id")
        if column == COL_TIME:
            return attrgetter("time")  # UTC ISO 8601 sorts in time order
        if column == COL_SEQ:
            return lambda r: (r.station, r.seq)
        if column == COL_RAW:
            return attrgetter("raw")
        return lambda r: self.display(r, column) or None

    def filter_text(self, row: int) -> str:
        r = self._rows[row]
        text = self._texts.get(r.id)
        if text is None:
            parts = [self.display(r, c) for c in range(len(HEADERS))]
            text = self._texts[r.id] = "\n".join([*parts, r.kind, r.source]).casefold()
        return text

    # -------------------------------------------------------------- payload summaries

    def summary(self, r: LogRow) -> str:
        """What the row recorded, in one line (codes only, never names)."""
        p = r.payload
        k = r.kind
        if k == "mark":
            text = self.tr("{0} {1} = {2}").format(p.get("contestant"), p.get("aspect"), self._value(p))
            if p.get("judge") and p.get("judge") != r.actor:
                text += self.tr("（裁判 {0}）").format(p["judge"])
            return text
        if k == "mark.correct":
            return self.tr("{0} {1} → {2}（更正 #{3}：{4}）").format(
                p.get("contestant"), p.get("aspect"), self._value(p), p.get("replaces"), p.get("reason")
            )
        if k == "mark.void":
            return self.tr("{0} {1} 作废 #{2}：{3}").format(
                p.get("contestant"), p.get("aspect"), p.get("replaces"), p.get("reason")
            )
        if k == "entry.draft":
            return self.tr("第 {0} 遍：{1} {2} = {3}（裁判 {4}）").format(
                p.get("pass"), p.get("contestant"), p.get("aspect"), self._value(p), p.get("judge")
            )
        if k == "contestant.status":
            return self.tr("{0} → {1}：{2}").format(p.get("contestant"), p.get("status"), p.get("reason"))
        if k == "event.lock":
            return self.tr("锁定 {0}（签字：{1}）").format(p.get("event"), "、".join(p.get("signed_by", [])))
        if k == "event.unlock":
            return self.tr("解锁 {0}：{1}").format(p.get("event"), p.get("reason"))
        if k == "event.decrypt":
            return self.tr("解密 {0}").format(p.get("event"))
        if k == "event.sign":
            return self.tr("{0} 签字确认 {1}").format(p.get("judge"), p.get("event"))
        if k == "signoff.accept":
            return self.tr("{0} 确认 {1}：{2}").format(p.get("event"), p.get("item"), p.get("reason"))
        if k == "definition":
            comp = p.get("competition", {})
            return self.tr("{0}：{1} 个项目，{2} 名选手，{3} 名裁判").format(
                comp.get("name", ""),
                len(p.get("events", [])),
                len(p.get("contestants", [])),
                len(p.get("judges", [])),
            )
        if k == "station.init":
            return self.tr("站点 {0} {1}").format(p.get("station"), p.get("name", ""))
        if k == "auth.login":
            return self.tr("{0} 登录").format(p.get("judge"))
        if k == "auth.fail":
            return self.tr("{0} PIN 错误（连续第 {1} 次）").format(p.get("judge"), p.get("failures"))
        # A kind this view does not know yet: its scalar fields (nested data may hold names).
        scalars = [
            f"{key}={value}" for key, value in sorted(p.items()) if isinstance(value, str | int | float)
        ]
        return ", ".join(scalars)[:200]
