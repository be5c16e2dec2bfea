"""Audit view: the competition file's log as a filterable table, and the hash-chain check.

New rows are appended after every save (never a reload); "验证哈希链" runs the same check as
`scorer verify` on the file and shows "哈希链完好" or the first problem found.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from scorer.access import Action
from scorer.errors import ScorerError
from scorer.store import LogRow
from scorer.store.verify import verify
from ui.context import AppContext
from ui.models.audit_log import COL_ID, COL_SUMMARY, AuditModel, kind_label
from ui.windows.list_window import ListWindow

OK_STYLE = "QLabel { color: #1b5e20; font-weight: bold; }"
BAD_STYLE = "QLabel { background: #fdecea; color: #b00020; padding: 4px; font-weight: bold; }"


class AuditWidget(ListWindow):
    """Text filter, kind filter, the log table, and the chain status with a button to re-check."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        top = QHBoxLayout()
        top.addWidget(self._filter_box(self.tr("筛选：选手、评分项、裁判、内容……")), 2)
        top.addWidget(QLabel(self.tr("类型")))
        top.addWidget(self._kind_selector(), 1)
        self.verify_button = QPushButton(self.tr("验证哈希链"))
        self.verify_button.setObjectName("verify")
        self.chain = QLabel()
        self.chain.setObjectName("chain")
        self.chain.setWordWrap(True)
        self._error_line()
        self._table(AuditModel(self), COL_ID)
        self.table.setWordWrap(False)

        chain_row = QHBoxLayout()
        chain_row.addWidget(self.chain, 1)
        chain_row.addWidget(self.verify_button)
        self._lay_out(top, self.table, below=[chain_row])

        self.filter_box.textChanged.connect(self.proxy.set_text)
        self.kind_box.currentIndexChanged.connect(self._kind_chosen)
        self.verify_button.clicked.connect(self.verify_chain)
        self._follow(self.reload)

    def allowed(self) -> bool:
        return self.ctx.session.may(Action.AUDIT)

    def reload(self) -> None:
        """Load the whole log (on opening, or when another judge logs in) and check the chain."""
        allowed = self.allowed()
        self._set_error(
            "" if allowed else self.tr("当前登录的裁判无权查看审计日志"),
            *(self.table, self.filter_box, self.kind_box, self.chain, self.verify_button),
        )
        if not allowed:
            self.model.load([])
            return
        self.model.set_competition(self.ctx.store.competition)
        self.model.load(self.ctx.store.log())
        self._update_kinds()
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(COL_SUMMARY, min(self.table.columnWidth(COL_SUMMARY), 420))
        self.verify_chain()

    def append_new(self) -> None:
        """Append the log rows written since the newest one shown (this or another process)."""
        if not self.allowed():
            return
        last = self.model.last_id()
        newest = self.ctx.store.conn.execute("SELECT max(id) FROM log").fetchone()[0] or 0
        rows: list[LogRow] = []
        for log_id in range(last + 1, newest + 1):
            row = self.ctx.store.get(log_id)
            if row is not None:
                rows.append(row)
        if rows:
            self.model.append(rows)
            self._update_kinds()

    def _saved(self, _event: str, _contestant: str, _log_id: int) -> None:
        self.append_new()

    def _state_changed(self, _event: str) -> None:
        self.append_new()  # lock, unlock and decryption rows

    def _update_kinds(self) -> None:
        kinds = self.model.kinds()
        if [self.kind_box.itemData(i) for i in range(1, self.kind_box.count())] == kinds:
            return
        current = self.kind_box.currentData()
        self.kind_box.blockSignals(True)
        try:
            self.kind_box.clear()
            self.kind_box.addItem(self.tr("全部类型"), "")
            for kind in kinds:
                self.kind_box.addItem(f"{kind_label(kind)}（{kind}）", kind)
            self.kind_box.setCurrentIndex(max(self.kind_box.findData(current), 0))
        finally:
            self.kind_box.blockSignals(False)

    def _kind_chosen(self, _index: int = -1) -> None:
        kind = self.kind_box.currentData()
        self.proxy.set_predicate((lambda r: r.kind == kind) if kind else None)

    def verify_chain(self) -> None:
        """Check the file as `scorer verify` does and show the outcome."""
        try:
            report = verify(self.ctx.store.path)
        except ScorerError as exc:
            self._chain_status(exc.message(), ok=False)
            return
        if report.ok:
            tip = "\n".join(n.message() for n in report.notes)
            self._chain_status(self.tr("哈希链完好"), ok=True, tip=tip)
        else:
            tip = "\n".join(p.message() for p in report.problems)
            self._chain_status(report.problems[0].message(), ok=False, tip=tip)

    def _chain_status(self, text: str, ok: bool, tip: str = "") -> None:
        self.chain.setText(text)
        self.chain.setToolTip(tip)
        self.chain.setStyleSheet(OK_STYLE if ok else BAD_STYLE)
