"""Lock and sign-off, unlock, and decryption of an event (锁定 / 解锁 / 解密).

The chief judge locks an event, naming the judges who signed its score sheets; a locked event
refuses marks. Unlocking asks the chief judge's PIN again and a reason (both checked and logged by
the core). The encryption judge decrypts (codes → names) only after the lock. Every action shows its
result or the core's refusal; the prompts are methods so that tests can replace them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scorer import locking
from scorer.access import Action
from scorer.errors import ScorerError
from scorer.model import Role
from ui.context import AppContext

_ERROR = "color: #b91c1c;"


class LockWidget(QWidget):
    """One event's lock state, with the actions the logged-in judge's role allows."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

        # Not `self.event`: that would hide QWidget.event(), which Qt calls for every event.
        self.event_combo = QComboBox()
        self.event_combo.setObjectName("event")
        self.state = QLabel()
        self.state.setObjectName("state")
        self.signers = QListWidget()
        self.signers.setObjectName("signers")
        self.lock_button = QPushButton(self.tr("锁定并签字确认"))
        self.lock_button.setObjectName("lock")
        self.unlock_button = QPushButton(self.tr("解锁…"))
        self.unlock_button.setObjectName("unlock")
        self.decrypt_button = QPushButton(self.tr("解密（加密号 → 姓名）…"))
        self.decrypt_button.setObjectName("decrypt")
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.signers_label = QLabel(self.tr("已签字的裁判（至少一名）"))

        form = QFormLayout()
        form.addRow(self.tr("项目"), self.event_combo)
        form.addRow(self.tr("状态"), self.state)
        buttons = QHBoxLayout()
        for b in (self.lock_button, self.unlock_button, self.decrypt_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.signers_label)
        layout.addWidget(self.signers, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

        self.event_combo.currentIndexChanged.connect(self._event_chosen)
        self.signers.itemChanged.connect(self._update_buttons)
        self.lock_button.clicked.connect(self.lock)
        self.unlock_button.clicked.connect(self.unlock)
        self.decrypt_button.clicked.connect(self.decrypt)
        ctx.event_state_changed.connect(self._on_state_changed)
        ctx.judge_changed.connect(self._load_events)
        self._load_events()

    # -------------------------------------------------------------- state

    def current_event(self) -> str:
        return self.event_combo.currentData() or ""

    def _load_events(self) -> None:
        chief = self.ctx.session.may(Action.LOCK)
        for w in (self.signers_label, self.signers, self.lock_button, self.unlock_button):
            w.setVisible(chief)
        self.decrypt_button.setVisible(self.ctx.session.may(Action.DECRYPT))
        self.event_combo.blockSignals(True)
        self.event_combo.clear()
        for e in self.ctx.session.events():
            self.event_combo.addItem(f"{e.code} {e.name}", e.code)
        self.event_combo.blockSignals(False)
        self._event_chosen()

    def _event_chosen(self) -> None:
        """The event's judges as an unticked checklist, and its state."""
        event = self.current_event()
        comp = self.ctx.store.competition
        self.signers.blockSignals(True)
        self.signers.clear()
        for j in comp.judges if comp and event else ():
            if j.role in (Role.JUDGE, Role.CHIEF) and any(a.event == event for a in j.assignments):
                item = QListWidgetItem(f"{j.code} {j.name}")
                item.setData(Qt.ItemDataRole.UserRole, j.code)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.signers.addItem(item)
        self.signers.blockSignals(False)
        self.message.clear()
        self.refresh()

    def refresh(self) -> None:
        """Show the current event's state as the store holds it now."""
        event = self.current_event()
        if not event:
            self.state.clear()
        else:
            locked = self.ctx.session.is_locked(event)
            decrypted = locking.is_decrypted(self.ctx.store, event)
            if locked and decrypted:
                self.state.setText(self.tr("已解密"))
            elif locked:
                self.state.setText(self.tr("已锁定"))
            elif decrypted:
                self.state.setText(self.tr("未锁定（已解密）"))
            else:
                self.state.setText(self.tr("未锁定"))
        self._update_buttons()

    def signed_by(self) -> list[str]:
        """Codes of the ticked judges."""
        return [
            self.signers.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.signers.count())
            if self.signers.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _update_buttons(self) -> None:
        event = self.current_event()
        locked = bool(event) and self.ctx.session.is_locked(event)
        decrypted = bool(event) and locking.is_decrypted(self.ctx.store, event)
        self.lock_button.setEnabled(bool(event) and not locked and bool(self.signed_by()))
        self.unlock_button.setEnabled(locked)
        self.decrypt_button.setEnabled(locked and not decrypted)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()  # another window (or laptop) may have locked meanwhile

    def _on_state_changed(self, event: str) -> None:
        if event == self.current_event():
            self.refresh()

    # -------------------------------------------------------------- prompts (tests replace these)

    def ask_unlock(self) -> tuple[str, str] | None:
        """Ask the chief judge's PIN and the reason; (pin, reason), or None if cancelled."""
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("解锁项目 {0}").format(self.current_event()))
        pin = QLineEdit()
        pin.setObjectName("pin")
        pin.setEchoMode(QLineEdit.EchoMode.Password)
        reason = QLineEdit()
        reason.setObjectName("unlock_reason")
        reason.setPlaceholderText(self.tr("例如：申诉复核，需更正分数"))
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(dialog.accept)
        box.rejected.connect(dialog.reject)
        form = QFormLayout(dialog)
        form.addRow(QLabel(self.tr("解锁需要裁判长再次输入 PIN 并写明原因，均记入日志。")))
        form.addRow(self.tr("裁判长 PIN"), pin)
        form.addRow(self.tr("原因"), reason)
        form.addRow(box)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return pin.text(), reason.text()

    def confirm_decrypt(self, event: str) -> bool:
        """Decryption cannot be undone: ask before revealing names."""
        answer = QMessageBox.question(
            self,
            self.tr("解密"),
            self.tr("解密后项目 {0} 的选手姓名将对所有裁判可见，且不能撤销。确定解密？").format(event),
        )
        return answer == QMessageBox.StandardButton.Yes

    # -------------------------------------------------------------- actions

    def lock(self) -> None:
        """Lock the current event with the ticked judges as signers."""
        event, signers = self.current_event(), self.signed_by()
        try:
            log_id = self.ctx.session.lock(event, signers)
        except ScorerError as exc:
            self._show(exc.message(), error=True)
            return
        self.ctx.event_changed(event)
        self.refresh()
        self._show(
            self.tr("项目 {0} 已锁定（记录 #{1}），签字裁判：{2}").format(
                event, log_id, self.tr("、").join(signers)
            )
        )

    def unlock(self) -> None:
        """Ask the PIN and reason, then unlock the current event."""
        event = self.current_event()
        answer = self.ask_unlock()
        if answer is None:
            self._show(self.tr("已取消，项目仍锁定"))
            return
        pin, reason = answer
        try:
            log_id = self.ctx.session.unlock(event, pin, reason)
        except ScorerError as exc:
            self._show(exc.message(), error=True)
            return
        self.ctx.event_changed(event)
        self.refresh()
        self._show(self.tr("项目 {0} 已解锁（记录 #{1}），原因：{2}").format(event, log_id, reason.strip()))

    def decrypt(self) -> None:
        """After confirmation, reveal the current event's names (encryption judge)."""
        event = self.current_event()
        if not self.confirm_decrypt(event):
            self._show(self.tr("已取消，未解密"))
            return
        try:
            log_id = self.ctx.session.decrypt(event)
        except ScorerError as exc:
            self._show(exc.message(), error=True)
            return
        self.ctx.event_changed(event)
        self.refresh()
        self._show(self.tr("项目 {0} 已解密（记录 #{1}），选手姓名现已可见").format(event, log_id))

    def _show(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(_ERROR if error else "")
