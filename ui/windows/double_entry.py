"""Paper marking forms entered twice (双人录入): one clerk per pass, mismatches side by side.

A clerk scans the form's QR code (or picks the event and the judge whose paper form is on the desk);
the pass offered is the one this clerk has not done. The grid is the paper form's own layout
(scorer.forms: the same numbered rows, columns, header text and reading order); typing in a cell
opens it, the value is checked as typed, and Enter saves that cell's pass and moves along the row
as the paper is read, stopping at the form's end (Tab saves and moves right). When the two passes
agree the store records the mark in the same transaction; when they disagree nothing counts until
a third pass typed from the paper agrees with one of them (or the chief judge decides).

No clerk ever sees the other pass's values: the grid shows this pass's own values and the cells'
states, the mismatch list names the cells and the clerks, never the values, so a mismatch is
settled by looking at the paper, not by retyping what the screen shows.

One module (a little over 500 lines): the form choice, the grid and the mismatch list all read and
change the one state of the form on the desk (event, judge, pass, layout).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scorer import double_entry
from scorer.access import Action
from scorer.errors import ScorerError
from scorer.forms import FormLayout, form_layout
from scorer.model import Aspect, AspectType, Judge, Role
from scorer.store import Store
from scorer.values import parse_value
from ui.context import AppContext
from ui.widgets.event_box import fill_event_box

# Item role holding a cell's state (one of the constants below), for the view and for tests.
STATE_ROLE = Qt.ItemDataRole.UserRole + 1
EMPTY, ENTERED, RECORDED, MISMATCH = "", "entered", "recorded", "mismatch"

_BACKGROUND = {ENTERED: "#dbeafe", RECORDED: "#dcfce7", MISMATCH: "#fecaca"}
_ERROR = "color: #b91c1c;"
_MISMATCH_FG = "#991b1b"

Cell = tuple[str, str, str]  # (contestant, aspect, slot)


def _drafts(store: Store, event: str) -> dict[tuple[str, str, str, int], tuple[str, str]]:
    """Both passes of every paper cell of an event: (contestant, aspect, slot, pass) → (value, clerk).

    Read-only, from the store's `drafts` projection (scorer.double_entry offers no such query yet)."""
    rows = store.conn.execute(
        "SELECT contestant, aspect, slot, pass, value, clerk FROM drafts WHERE event = ?", (event,)
    )
    return {(r[0], r[1], r[2], r[3]): (r[4], r[5]) for r in rows}


class _CellDelegate(QStyledItemDelegate):
    """A line editor per cell: checked as typed, saved only by Enter (or Tab), never on focus-out."""

    def __init__(self, owner: DoubleEntryWidget) -> None:
        super().__init__(owner)
        self._owner = owner
        self._index = QPersistentModelIndex()

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setObjectName("cell")
        editor.setFrame(False)
        self._index = QPersistentModelIndex(index)
        editor.textEdited.connect(self._edited)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        # Only when the editor opens empty (F2, double-click): a refresh while typing keeps the text.
        if isinstance(editor, QLineEdit) and not editor.text():
            editor.setText(self._owner.pass_value(index.row(), index.column()))

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Nothing: the cell shows what the store holds, and only Enter writes to the store."""

    def _edited(self, text: str) -> None:
        if self._index.isValid():
            self._owner.check(self._index.row(), self._index.column(), text)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if isinstance(obj, QLineEdit) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab) and self._index.isValid():
                row, col = self._index.row(), self._index.column()
                if self._owner.submit(row, col, obj.text()):
                    self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.NoHint)
                    self._owner.advance(row, col, tab=key == Qt.Key.Key_Tab)
                return True  # refused: the editor stays open with the reason shown
            if key == Qt.Key.Key_Escape:
                self._owner.clear_reason()
        return super().eventFilter(obj, event)


class DoubleEntryWidget(QWidget):
    """An entry clerk's screen for paper marking forms, one pass at a time."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._aspects: list[Aspect] = []
        self._contestants: list[str] = []
        self._layout: FormLayout | None = None

        self.event_combo = QComboBox()
        self.event_combo.setObjectName("event")
        self.judge_combo = QComboBox()
        self.judge_combo.setObjectName("judge")
        self.pass_combo = QComboBox()
        self.pass_combo.setObjectName("pass")
        self.pass_combo.addItem(self.tr("第一遍"), 1)
        self.pass_combo.addItem(self.tr("第二遍"), 2)
        self.pass_combo.addItem(self.tr("第三遍（核对两遍不一致的格）"), double_entry.THIRD)

        self.grid = QTableWidget()
        self.grid.setObjectName("grid")
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.grid.setItemDelegate(_CellDelegate(self))

        self.reason = QLabel()
        self.reason.setObjectName("reason")
        self.reason.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("summary")

        self.mismatches = QTableWidget(0, 5)
        self.mismatches.setObjectName("mismatches")
        self.mismatches.setHorizontalHeaderLabels(  # never the values: the paper settles it
            [
                self.tr("选手"),
                self.tr("评分项"),
                self.tr("裁判"),
                self.tr("第一遍录分员"),
                self.tr("第二遍录分员"),
            ]
        )
        self.mismatches.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mismatches.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.mismatches.verticalHeader().setVisible(False)
        self.mismatches.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mismatches.cellDoubleClicked.connect(self._goto_mismatch)

        self.form_code = QLineEdit()
        self.form_code.setObjectName("form")
        self.form_code.setPlaceholderText(self.tr("扫描评分表上的二维码（或输入表单编号）后回车"))
        self.form_code.returnPressed.connect(lambda: self.open_form(self.form_code.text()))
        form = QFormLayout()
        form.addRow(self.tr("评分表二维码"), self.form_code)
        form.addRow(self.tr("项目"), self.event_combo)
        form.addRow(self.tr("评分表裁判"), self.judge_combo)
        form.addRow(self.tr("录入遍数"), self.pass_combo)
        top = QHBoxLayout()
        top.addLayout(form)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.grid, 3)
        layout.addWidget(self.reason)
        layout.addWidget(self.summary)
        layout.addWidget(
            QLabel(self.tr("两遍不一致的格（选“第三遍”，看纸质评分表重新录入；与其中一遍一致即记录）"))
        )
        layout.addWidget(self.mismatches, 1)

        self.event_combo.currentIndexChanged.connect(self._event_chosen)
        self.judge_combo.currentIndexChanged.connect(self._judge_chosen)
        self.pass_combo.currentIndexChanged.connect(self.refresh)
        ctx.saved.connect(self._on_event)
        ctx.event_state_changed.connect(self._on_event)
        ctx.judge_changed.connect(self._load_events)
        self._load_events()

    # -------------------------------------------------------------- choices

    def current_event(self) -> str:
        return self.event_combo.currentData() or ""

    def row_number(self, row: int) -> int:
        """The grid row's number on the paper form."""
        return self._layout.rows[row].number if self._layout else row + 1

    def aspect_codes(self) -> list[str]:
        """The grid's columns, as aspect codes."""
        return [a.code for a in self._aspects]

    def contestant_codes(self) -> list[str]:
        """The grid's rows, as contestant codes."""
        return list(self._contestants)

    def open_form(self, payload: str) -> bool:
        """Open the paper form whose QR code was scanned (a scanner types the payload + Enter):
        "SCORER-FORM|competition|event|judge|check" → that event and judge; a check that no longer
        matches means the form was printed before contestants or aspects changed."""
        parts = payload.strip().split("|")
        comp = self.ctx.store.competition
        if len(parts) != 5 or parts[0] != "SCORER-FORM" or comp is None:
            self.reason.setText(self.tr("不是 Scorer 评分表的二维码：{0}").format(payload.strip()))
            return False
        _, comp_id, event, judge, _check = parts
        if comp_id != comp.id:
            self.reason.setText(self.tr("这张评分表属于另一个竞赛（{0}）").format(comp_id))
            return False
        i = self.event_combo.findData(event)
        if i < 0:
            self.reason.setText(self.tr("这张评分表的项目 {0} 不在您的录入范围内").format(event))
            return False
        self.event_combo.setCurrentIndex(i)
        j = self.judge_combo.findData(judge)
        if j < 0:
            self.reason.setText(self.tr("这张评分表的裁判 {0} 不在项目 {1} 中").format(judge, event))
            return False
        self.judge_combo.setCurrentIndex(j)
        from scorer.reports.data import event_data
        from scorer.reports.marking_forms import form_id

        current = form_id(event_data(self.ctx.store, event, check_file=False), judge)
        self.form_code.clear()
        if current != payload.strip():
            self.reason.setText(
                self.tr("已打开 {0} / {1}，但评分表打印后选手或评分项有变化，请核对").format(event, judge)
            )
        else:
            self.reason.setText(self.tr("已打开评分表：{0} / {1}").format(event, judge))
        self.grid.setFocus()
        return True

    def current_judge(self) -> str:
        return self.judge_combo.currentData() or ""

    def current_pass(self) -> int:
        return int(self.pass_combo.currentData())

    def _load_events(self) -> None:
        fill_event_box(self.event_combo, self.ctx.session.events(), keep=False)
        self._event_chosen()
        if not self.ctx.session.may(Action.DOUBLE_ENTRY):
            self._show_reason(self.tr("只有录分员可以录入纸质评分表"), error=True)

    def _scoring_judges(self, event: str) -> list[Judge]:
        comp = self.ctx.store.competition
        if comp is None:
            return []
        return [
            j
            for j in comp.judges
            if j.role in (Role.JUDGE, Role.CHIEF) and any(a.event == event for a in j.assignments)
        ]

    def _event_chosen(self) -> None:
        event = self.current_event()
        self.judge_combo.blockSignals(True)
        self.judge_combo.clear()
        for j in self._scoring_judges(event):
            self.judge_combo.addItem(f"{j.code} {j.name}", j.code)
        self.judge_combo.blockSignals(False)
        self._judge_chosen()

    def _judge_obj(self) -> Judge | None:
        comp = self.ctx.store.competition
        code = self.current_judge()
        return next((j for j in comp.judges if j.code == code), None) if comp else None

    # -------------------------------------------------------------- the grid

    def _judge_chosen(self) -> None:
        self._rebuild()
        self.pick_pass()

    def pick_pass(self) -> int:
        """Offer the pass this clerk has not done on this form: continue one's own pass; else the
        second when another clerk has begun the first; the third when both passes are someone
        else's and cells disagree. Never a silent 第一遍 for the second clerk."""
        event, judge, me = self.current_event(), self.current_judge(), self.ctx.judge.code
        if not event or not judge:
            return self.current_pass()
        rows = self.ctx.store.conn.execute(
            "SELECT DISTINCT pass, clerk FROM drafts WHERE event = ? AND judge = ?", (event, judge)
        ).fetchall()
        mine = {n for n, clerk in rows if clerk == me and n in double_entry.PASSES}
        others = {n for n, clerk in rows if clerk != me and n in double_entry.PASSES}
        if len(mine) == 1:
            [chosen] = mine  # carry on with one's own pass
        elif others >= {1, 2} or mine >= {1, 2}:
            chosen = double_entry.THIRD if self._open_mismatches() else 2
        elif 1 in others:
            chosen = 2
        else:
            chosen = 1
        self.pass_combo.setCurrentIndex(self.pass_combo.findData(chosen))
        return chosen

    def _open_mismatches(self) -> bool:
        judge = self.current_judge()
        return any(m.judge == judge for m in double_entry.mismatches(self.ctx.store, self.current_event()))

    def _rebuild(self) -> None:
        """The chosen judge's paper form: its numbered rows, columns and header text, then states."""
        event = self.current_event()
        comp = self.ctx.store.competition
        e = comp.event(event) if comp and event else None
        judge = self._judge_obj()
        self._layout = form_layout(comp, e, judge) if comp and e is not None and judge is not None else None
        form = self._layout
        self._aspects = [c.aspect for c in form.columns] if form else []
        self._contestants = [r.contestant for r in form.rows] if form else []
        self.grid.clearContents()
        self.grid.setRowCount(len(self._contestants))
        self.grid.setColumnCount(len(self._aspects))
        if form is not None:
            self.grid.setVerticalHeaderLabels([f"{r.number}  {r.contestant}" for r in form.rows])
            for col, c in enumerate(form.columns):
                header = QTableWidgetItem(c.header)
                header.setToolTip(c.aspect.name)
                self.grid.setHorizontalHeaderItem(col, header)
                for row in range(len(self._contestants)):
                    self.grid.setItem(row, col, QTableWidgetItem())
        self.refresh()
        if self._contestants and self._aspects:
            self.grid.setCurrentCell(0, 0)

    def _slot(self, aspect: Aspect) -> str:
        return self.current_judge() if aspect.type is AspectType.JUDGEMENT else ""

    def refresh(self) -> None:
        """Every cell's state and value for the chosen pass, the mismatches and the summary."""
        event = self.current_event()
        if not event:
            self.mismatches.setRowCount(0)
            self.summary.clear()
            return
        store = self.ctx.store
        drafts = _drafts(store, event)
        judgement = {a.code for a in self._aspects if a.type is AspectType.JUDGEMENT}
        marks = {
            (m.contestant, m.aspect, m.judge if m.aspect in judgement else ""): m.value
            for m in store.marks(event)
        }
        mine = self.current_pass()
        for col, a in enumerate(self._aspects):
            slot = self._slot(a)
            for row, contestant in enumerate(self._contestants):
                key = (contestant, a.code, slot)
                this = drafts.get((*key, mine))
                one, two = drafts.get((*key, 1)), drafts.get((*key, 2))
                if key in marks:
                    state, text = RECORDED, marks[key]
                    tip = self.tr("分数已记录")
                elif one and two and one[0] != two[0]:
                    third = drafts.get((*key, double_entry.THIRD))
                    state, text = MISMATCH, ""  # no value: the paper settles it
                    tip = (
                        self.tr("第三遍与前两遍都不一致：请裁判长裁定")
                        if third
                        else self.tr("两遍不一致：请选“第三遍”，看纸质评分表重新录入")
                    )
                elif this and mine != double_entry.THIRD:
                    state, text = ENTERED, this[0]
                    tip = self.tr("本遍已录入，等待另一遍")
                else:
                    state, text, tip = EMPTY, "", ""
                self._paint(self.grid.item(row, col), state, text, tip)
        self._fill_mismatches(event)
        waiting = [w for w in double_entry.waiting(store, event) if w[3] == mine]  # none for pass 3
        text = self.tr("本遍已录入、等待另一遍：{0} 格 · 两遍不一致：{1} 格").format(
            len(waiting), self.mismatches.rowCount()
        )
        if self.ctx.session.is_locked(event):
            text += self.tr(" · 项目已锁定，分数不能再记录")
        self.summary.setText(text)

    def _paint(self, item: QTableWidgetItem | None, state: str, text: str, tip: str) -> None:
        if item is None:
            return
        item.setText(text)
        item.setData(STATE_ROLE, state)
        item.setToolTip(tip)
        color = _BACKGROUND.get(state)
        item.setBackground(QBrush(QColor(color)) if color else QBrush())
        item.setForeground(QBrush(QColor(_MISMATCH_FG)) if state == MISMATCH else QBrush())

    def _fill_mismatches(self, event: str) -> None:
        rows = double_entry.mismatches(self.ctx.store, event)
        self.mismatches.setRowCount(len(rows))
        for r, m in enumerate(rows):
            for c, value in enumerate((m.contestant, m.aspect, m.judge, m.first_clerk, m.second_clerk)):
                self.mismatches.setItem(r, c, QTableWidgetItem(value))

    def _goto_mismatch(self, row: int, _col: int) -> None:
        """Double-click on a mismatch: its judge's form, with the cursor on the cell."""
        contestant = self.mismatches.item(row, 0).text()
        aspect = self.mismatches.item(row, 1).text()
        judge = self.judge_combo.findData(self.mismatches.item(row, 2).text())
        if judge >= 0:
            self.judge_combo.setCurrentIndex(judge)
        codes = [a.code for a in self._aspects]
        if contestant in self._contestants and aspect in codes:
            self.grid.setCurrentCell(self._contestants.index(contestant), codes.index(aspect))
            self.grid.setFocus()

    def _on_event(self, event: str, *_: object) -> None:
        if event == self.current_event():
            self.refresh()

    # -------------------------------------------------------------- entry (called by the delegate)

    def pass_value(self, row: int, col: int) -> str:
        """What this pass holds for a cell (never the other pass's value)."""
        item = self.grid.item(row, col)
        if item is None or item.data(STATE_ROLE) in (EMPTY, MISMATCH, None):
            return ""
        return item.text()

    def check(self, row: int, col: int, text: str) -> bool:
        """Validate a value as it is typed, showing why it is refused; True if it would be accepted."""
        if not text.strip():
            self.clear_reason()
            return False
        try:
            value = parse_value(self._aspects[col], text)
        except ScorerError as exc:
            self._show_reason(exc.message(), error=True)
            return False
        self._show_reason(self.tr("按回车保存：{0}").format(value), error=False)
        return True

    def submit(self, row: int, col: int, text: str) -> bool:
        """Save one cell of the chosen pass; True if written, else the reason is shown."""
        aspect = self._aspects[col]
        contestant = self._contestants[row]
        try:
            parse_value(aspect, text)  # refused here first: nothing is written
            _draft, saved = self.ctx.session.enter_paper(
                pass_no=self.current_pass(),
                judge=self.current_judge(),
                contestant=contestant,
                aspect=aspect.code,
                value=text,
            )
        except ScorerError as exc:
            self._show_reason(exc.message(), error=True)
            return False
        self.refresh()
        state = self.grid.item(row, col).data(STATE_ROLE)
        third = self.current_pass() == double_entry.THIRD
        if saved is not None:
            message = (
                self.tr("{0} {1}：第三遍与其中一遍一致，分数已记录")
                if third
                else self.tr("{0} {1}：两遍一致，分数已记录")
            ).format(contestant, aspect.code)
        elif third:
            message = self.tr("{0} {1}：第三遍与前两遍都不一致，请裁判长裁定").format(contestant, aspect.code)
        elif state == MISMATCH:
            message = self.tr("{0} {1}：与另一遍不一致，请核对").format(contestant, aspect.code)
        else:
            message = self.tr("{0} {1}：已录入").format(contestant, aspect.code)
        self._show_reason(message, error=state == MISMATCH)
        self.ctx.announce(saved)
        return True

    def advance(self, row: int, col: int, tab: bool = False) -> None:
        """Move on as the paper is read: Enter to the next cell in the form's reading order (along
        the row, page by page), staying at the form's end; Tab one cell right (then the next row)."""
        rows, cols = self.grid.rowCount(), self.grid.columnCount()
        form = self._layout
        if tab or form is None:
            row, col = (row, col + 1) if col + 1 < cols else ((row + 1) % max(rows, 1), 0)
        else:
            position = form.position(row, col) + 1
            if position < form.cells:
                row, col = form.cell_at(position)
            else:
                end = self.tr("已到评分表末尾")
                self.reason.setText(f"{self.reason.text()}  {end}".strip())
        self.grid.setCurrentCell(row, col)
        self.grid.setFocus()

    def clear_reason(self) -> None:
        self.reason.clear()
        self.reason.setStyleSheet("")

    def _show_reason(self, text: str, *, error: bool) -> None:
        self.reason.setText(text)
        self.reason.setStyleSheet(_ERROR if error else "")
