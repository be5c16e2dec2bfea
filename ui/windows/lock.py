"""Lock and sign-off, unlock, and decryption of an event (锁定 / 解锁 / 解密).

Before the lock the tab shows what is still open (scorer.signoff: missing marks, re-scores,
conflicts of interest, paper entries not agreed, blocking ties, judges who have not signed). The chief
judge settles each: records a contestant's status (缺考 / 弃权 …) or accepts a conflict with a
reason; the rest are settled at their source. Each judge signs with their own PIN on this laptop.
The lock is refused while anything is open. After a restart the tab shows who signed and when.
Unlocking asks the chief judge's PIN again and a reason. The encryption judge decrypts (codes →
names) only after the lock; the tab names the next step and who must take it. The prompts are
methods so that tests can drive or replace them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
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

from scorer import double_entry, locking, signoff
from scorer.access import Action
from scorer.errors import ScorerError
from scorer.model import Role
from ui import i18n
from ui.context import AppContext
from ui.models.audit_log import local_time
from ui.models.results import STATUS_TEXT
from ui.widgets.event_box import fill_event_box

_ERROR = "color: #b91c1c;"
KEY_ROLE = Qt.ItemDataRole.UserRole


class LockWidget(QWidget):
    """One event's open items, signatures and lock state, with the actions the judge's role allows."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

        # Not `self.event`: that would hide QWidget.event(), which Qt calls for every event.
        self.event_combo = QComboBox()
        self.event_combo.setObjectName("event")
        self.state = QLabel()
        self.state.setObjectName("state")
        self.next_step = QLabel()
        self.next_step.setObjectName("next_step")
        self.next_step.setWordWrap(True)
        self.items_label = QLabel(self.tr("锁定前待处理事项"))
        self.items = QListWidget()
        self.items.setObjectName("open_items")
        self.status_button = QPushButton(self.tr("登记选手状态（缺考/弃权…）…"))
        self.status_button.setObjectName("set_status")
        self.accept_button = QPushButton(self.tr("裁判长确认…"))
        self.accept_button.setObjectName("accept")
        self.decide_button = QPushButton(self.tr("裁判长裁定纸质表…"))
        self.decide_button.setObjectName("decide")
        self.signers_label = QLabel(self.tr("裁判签字（每名裁判用自己的 PIN）"))
        self.signers = QListWidget()
        self.signers.setObjectName("signers")
        self.sign_button = QPushButton(self.tr("签字…"))
        self.sign_button.setObjectName("sign")
        self.lock_button = QPushButton(self.tr("锁定"))
        self.lock_button.setObjectName("lock")
        self.unlock_button = QPushButton(self.tr("解锁…"))
        self.unlock_button.setObjectName("unlock")
        self.decrypt_button = QPushButton(self.tr("解密（加密号 → 姓名）…"))
        self.decrypt_button.setObjectName("decrypt")
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("项目"), self.event_combo)
        form.addRow(self.tr("状态"), self.state)
        form.addRow(self.tr("下一步"), self.next_step)
        item_buttons = QHBoxLayout()
        for b in (self.status_button, self.accept_button, self.decide_button):
            item_buttons.addWidget(b)
        item_buttons.addStretch(1)
        sign_buttons = QHBoxLayout()
        sign_buttons.addWidget(self.sign_button)
        sign_buttons.addStretch(1)
        buttons = QHBoxLayout()
        for b in (self.lock_button, self.unlock_button, self.decrypt_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.items_label)
        layout.addWidget(self.items, 2)
        layout.addLayout(item_buttons)
        layout.addWidget(self.signers_label)
        layout.addWidget(self.signers, 1)
        layout.addLayout(sign_buttons)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

        self.event_combo.currentIndexChanged.connect(self._event_chosen)
        self.items.currentItemChanged.connect(self._update_buttons)
        self.signers.currentItemChanged.connect(self._update_buttons)
        self.status_button.clicked.connect(self.set_status)
        self.accept_button.clicked.connect(self.accept_item)
        self.decide_button.clicked.connect(self.decide_paper)
        self.sign_button.clicked.connect(self.sign)
        self.lock_button.clicked.connect(self.lock)
        self.unlock_button.clicked.connect(self.unlock)
        self.decrypt_button.clicked.connect(self.decrypt)
        ctx.event_state_changed.connect(self._on_state_changed)
        ctx.saved.connect(self._on_saved)
        ctx.judge_changed.connect(self._load_events)
        self._load_events()

    # -------------------------------------------------------------- state

    def current_event(self) -> str:
        return self.event_combo.currentData() or ""

    def _chief(self) -> bool:
        return self.ctx.session.may(Action.LOCK)

    def _load_events(self) -> None:
        chief = self._chief()
        for w in (
            self.items_label,
            self.items,
            self.status_button,
            self.accept_button,
            self.decide_button,
            self.signers_label,
            self.signers,
            self.sign_button,
            self.lock_button,
            self.unlock_button,
        ):
            w.setVisible(chief)
        self.decrypt_button.setVisible(self.ctx.session.may(Action.DECRYPT))
        fill_event_box(self.event_combo, self.ctx.session.events(), keep=False)
        self._event_chosen()

    def _event_chosen(self) -> None:
        self.message.clear()
        self.refresh()

    def open_items(self) -> list[signoff.OpenItem]:
        event = self.current_event()
        if not event or not self._chief():
            return []
        return self.ctx.session.open_items(event)

    def refresh(self) -> None:
        """Show the current event's open items, signatures and state as the log holds them now."""
        event = self.current_event()
        locked = bool(event) and self.ctx.session.is_locked(event)
        decrypted = bool(event) and locking.is_decrypted(self.ctx.store, event)
        if not event:
            self.state.clear()
        elif locked and decrypted:
            self.state.setText(self.tr("已解密"))
        elif locked:
            self.state.setText(self.tr("已锁定"))
        elif decrypted:
            self.state.setText(self.tr("未锁定（已解密）"))
        else:
            self.state.setText(self.tr("未锁定"))
        items = [] if locked else self.open_items()
        self._fill_items(items)
        self._fill_signers(event)
        self.next_step.setText(self._next_step(event, locked, decrypted, items))
        self._update_buttons()

    def _fill_items(self, items: list[signoff.OpenItem]) -> None:
        current = self.items.currentItem()
        keep = current.data(KEY_ROLE) if current else None
        self.items.blockSignals(True)
        self.items.clear()
        lang = i18n.current()
        for i in items:
            text = i.text(lang)
            if i.accepted:
                text += self.tr("  ✔ 裁判长已确认（{0}，{1}）：{2}").format(
                    i.accepted.actor, local_time(i.accepted.time), i.accepted.reason
                )
            row = QListWidgetItem(text)
            row.setData(KEY_ROLE, i.key)
            row.setData(Qt.ItemDataRole.UserRole + 1, i)
            row.setForeground(Qt.GlobalColor.darkGreen if i.accepted else Qt.GlobalColor.darkRed)
            self.items.addItem(row)
            if i.key == keep:
                self.items.setCurrentItem(row)
        self.items.blockSignals(False)

    def _fill_signers(self, event: str) -> None:
        """Every judge who signs this event, signed (with the time) or not; after a lock, the lock's."""
        current = self.signers.currentItem()
        keep = current.data(KEY_ROLE) if current else None
        self.signers.blockSignals(True)
        self.signers.clear()
        if event and self._chief():
            signed = {s.judge: s for s in self.ctx.session.signatures(event)}
            for j in signoff.signers_of(self.ctx.store, event):
                s = signed.get(j.code)
                state = self.tr("已签字 {0}").format(local_time(s.time)) if s else self.tr("未签字")
                role = self.tr("裁判长") if j.role is Role.CHIEF else self.tr("评分裁判")
                item = QListWidgetItem(f"{j.code} {j.name}（{role}）— {state}")
                item.setData(KEY_ROLE, j.code)
                item.setData(Qt.ItemDataRole.UserRole + 1, bool(s))
                item.setForeground(Qt.GlobalColor.darkGreen if s else Qt.GlobalColor.black)
                self.signers.addItem(item)
                if j.code == keep:
                    self.signers.setCurrentItem(item)
        self.signers.blockSignals(False)

    def _next_step(self, event: str, locked: bool, decrypted: bool, items: list[signoff.OpenItem]) -> str:
        if not event:
            return ""
        if not locked:
            blocking = [i for i in items if i.blocking and i.kind != signoff.UNSIGNED]
            unsigned = [i for i in items if i.blocking and i.kind == signoff.UNSIGNED]
            if not self._chief():
                return self.tr("等待裁判长处理待办事项、组织裁判签字并锁定")
            if blocking:
                return self.tr(
                    "先处理 {0} 项待办事项（补录、重评、核对纸质表，或登记选手状态、裁判长确认）"
                ).format(len(blocking))
            if unsigned:
                return self.tr("请 {0} 名裁判依次签字（选中姓名，点“签字…”，由本人输入 PIN）").format(
                    len(unsigned)
                )
            return self.tr("可以锁定")
        if decrypted:
            return self.tr("已解密：可以打印正式成绩、获奖名单和证书")
        comp = self.ctx.store.competition
        who = [
            f"{j.code} {j.name}"
            for j in (comp.judges if comp else ())
            if j.role is Role.ENCRYPTION
            and (not j.assignments or any(a.event == event for a in j.assignments))
        ]
        return self.tr("由加密裁判（{0}）在本机登录并解密；解密前打印的成绩和证书只是草稿").format(
            self.tr("、").join(who) or self.tr("未指定")
        )

    def _selected_item(self) -> signoff.OpenItem | None:
        row = self.items.currentItem()
        return row.data(Qt.ItemDataRole.UserRole + 1) if row else None

    def _selected_signer(self) -> tuple[str, bool] | None:
        row = self.signers.currentItem()
        return (row.data(KEY_ROLE), row.data(Qt.ItemDataRole.UserRole + 1)) if row else None

    def _update_buttons(self, *_args: object) -> None:
        event = self.current_event()
        locked = bool(event) and self.ctx.session.is_locked(event)
        decrypted = bool(event) and locking.is_decrypted(self.ctx.store, event)
        item = self._selected_item()
        signer = self._selected_signer()
        self.status_button.setEnabled(not locked and item is not None and item.kind == signoff.MISSING)
        self.accept_button.setEnabled(
            not locked and item is not None and item.kind in signoff.ACCEPTABLE and item.blocking
        )
        self.decide_button.setEnabled(not locked and item is not None and item.kind == signoff.DOUBLE_ENTRY)
        self.sign_button.setEnabled(not locked and signer is not None and not signer[1])
        self.lock_button.setEnabled(bool(event) and not locked)
        self.unlock_button.setEnabled(locked)
        self.decrypt_button.setEnabled(locked and not decrypted)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()  # another window (or laptop) may have locked meanwhile

    def _on_state_changed(self, event: str) -> None:
        if event == self.current_event():
            self.refresh()

    def _on_saved(self, event: str, _contestant: str, _log_id: int) -> None:
        if event == self.current_event() and self.isVisible():
            self.refresh()

    # -------------------------------------------------------------- prompts (tests drive or replace these)

    def _ask(self, title: str, note: str, fields: list[tuple[str, QWidget]]) -> QDialog | None:
        """A modal form; the dialog (kept alive so its fields can be read) if accepted, else None."""
        dialog = QDialog(self)
        dialog.setWindowTitle(title)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(dialog.accept)
        box.rejected.connect(dialog.reject)
        form = QFormLayout(dialog)
        if note:
            label = QLabel(note)
            label.setWordWrap(True)
            form.addRow(label)
        for text, widget in fields:
            form.addRow(text, widget)
        form.addRow(box)
        return dialog if dialog.exec() == QDialog.DialogCode.Accepted else None

    def ask_pin(self, judge: str) -> str | None:
        """The signing judge types their own PIN (hidden); None if cancelled."""
        pin = QLineEdit()
        pin.setObjectName("pin")
        pin.setEchoMode(QLineEdit.EchoMode.Password)
        comp = self.ctx.store.competition
        name = next((j.name for j in comp.judges if j.code == judge), "") if comp else ""
        dialog = self._ask(
            self.tr("{0} {1} 签字").format(judge, name),
            self.tr("请 {0} {1} 本人输入自己的 PIN，确认项目 {2} 的评分。").format(
                judge, name, self.current_event()
            ),
            [(self.tr("PIN"), pin)],
        )
        return pin.text() if dialog else None

    def ask_status(self, item: signoff.OpenItem) -> tuple[str, str] | None:
        """The status the chief judge records for a contestant missing marks, and why."""
        status = QComboBox()
        status.setObjectName("status")
        for code in signoff.MISSING_DECISIONS:
            status.addItem(self.ctx_translate_status(code), code)
        reason = QLineEdit()
        reason.setObjectName("status_reason")
        reason.setPlaceholderText(self.tr("例如：未到场 / 本人申请退赛"))
        dialog = self._ask(
            self.tr("登记 {0} 的状态").format(item.contestant),
            item.text(i18n.current()),
            [(self.tr("状态"), status), (self.tr("原因"), reason)],
        )
        return (status.currentData(), reason.text()) if dialog else None

    def ctx_translate_status(self, code: str) -> str:
        return QCoreApplication.translate("ResultsModel", STATUS_TEXT.get(code, code))

    def ask_reason(self, item: signoff.OpenItem) -> str | None:
        """The chief judge's reason for locking with this item open."""
        reason = QLineEdit()
        reason.setObjectName("accept_reason")
        reason.setPlaceholderText(self.tr("例如：已由其他裁判复核，评分无误"))
        dialog = self._ask(
            self.tr("裁判长确认"),
            self.tr("确认后可带着此事项锁定，确认与理由记入日志：") + "\n" + item.text(i18n.current()),
            [(self.tr("理由"), reason)],
        )
        return reason.text() if dialog else None

    def ask_decision(self, item: signoff.OpenItem, passes: str) -> tuple[str, str] | None:
        """The value the chief judge reads on the paper form, and the reason; None if cancelled."""
        value = QLineEdit()
        value.setObjectName("decide_value")
        reason = QLineEdit()
        reason.setObjectName("decide_reason")
        reason.setPlaceholderText(self.tr("例如：核对纸质评分表原件"))
        dialog = self._ask(
            self.tr("裁判长裁定 {0} {1}").format(item.contestant, item.aspect),
            self.tr("两遍录入不一致（{0}）。请按纸质评分表原件输入分数并写明原因，裁定记入日志。").format(
                passes
            ),
            [(self.tr("纸质表上的分数"), value), (self.tr("原因"), reason)],
        )
        return (value.text(), reason.text()) if dialog else None

    def ask_unlock(self) -> tuple[str, str] | None:
        """Ask the chief judge's PIN and the reason; (pin, reason), or None if cancelled."""
        pin = QLineEdit()
        pin.setObjectName("pin")
        pin.setEchoMode(QLineEdit.EchoMode.Password)
        reason = QLineEdit()
        reason.setObjectName("unlock_reason")
        reason.setPlaceholderText(self.tr("例如：申诉复核，需更正分数"))
        dialog = self._ask(
            self.tr("解锁项目 {0}").format(self.current_event()),
            self.tr("解锁需要裁判长再次输入 PIN 并写明原因，均记入日志。"),
            [(self.tr("裁判长 PIN"), pin), (self.tr("原因"), reason)],
        )
        return (pin.text(), reason.text()) if dialog else None

    def confirm_decrypt(self, event: str) -> bool:
        """Decryption cannot be undone: ask before revealing names."""
        answer = QMessageBox.question(
            self,
            self.tr("解密"),
            self.tr("解密后项目 {0} 的选手姓名将对所有裁判可见，且不能撤销。确定解密？").format(event),
        )
        return answer == QMessageBox.StandardButton.Yes

    # -------------------------------------------------------------- actions

    def _run(self, action: Callable[[], int], done: str) -> bool:
        event = self.current_event()
        try:
            log_id = action()
        except ScorerError as exc:
            self._show(exc.message(), error=True)
            self.refresh()
            return False
        self.ctx.event_changed(event)
        self.refresh()
        self._show(done.replace("{id}", str(log_id)))
        return True

    def sign(self) -> None:
        """The selected judge signs with their own PIN."""
        signer = self._selected_signer()
        if signer is None:
            return
        judge = signer[0]
        pin = self.ask_pin(judge)
        if pin is None:
            self._show(self.tr("已取消，{0} 未签字").format(judge))
            return
        event = self.current_event()
        self._run(
            lambda: self.ctx.session.sign(event, judge, pin),
            self.tr("{0} 已签字（记录 #{1}）").format(judge, "{id}"),
        )

    def set_status(self) -> None:
        """Record the status of the selected contestant who is missing marks."""
        item = self._selected_item()
        if item is None or item.kind != signoff.MISSING:
            return
        answer = self.ask_status(item)
        if answer is None:
            self._show(self.tr("已取消"))
            return
        status, reason = answer
        try:
            saved = self.ctx.session.set_status(item.contestant, status, reason)
        except ScorerError as exc:
            self._show(exc.message(), error=True)
            return
        self.ctx.saved.emit(saved.event, saved.contestant, saved.log_id)
        self.refresh()
        self._show(
            self.tr("已登记 {0}：{1}（记录 #{2}）").format(
                item.contestant, self.ctx_translate_status(status), saved.log_id
            )
        )

    def accept_item(self) -> None:
        """The chief judge accepts the selected conflict or missing signature, with a reason."""
        item = self._selected_item()
        if item is None:
            return
        reason = self.ask_reason(item)
        if reason is None:
            self._show(self.tr("已取消"))
            return
        event = self.current_event()
        self._run(
            lambda: self.ctx.session.accept(event, item.key, reason),
            self.tr("已确认（记录 #{0}）").format("{id}"),
        )

    def decide_paper(self) -> None:
        """The chief judge settles the selected paper cell whose passes disagree (value from the paper)."""
        item = self._selected_item()
        if item is None or item.kind != signoff.DOUBLE_ENTRY:
            return
        event = self.current_event()
        found = next(
            (
                m
                for m in double_entry.mismatches(self.ctx.store, event)
                if (m.contestant, m.aspect, m.judge) == (item.contestant, item.aspect, item.judge)
            ),
            None,
        )
        passes = (
            self.tr("第一遍 {0}（{1}），第二遍 {2}（{3}）").format(
                found.first, found.first_clerk, found.second, found.second_clerk
            )
            if found
            else self.tr("只录入了一遍")
        )
        answer = self.ask_decision(item, passes)
        if answer is None:
            self._show(self.tr("已取消"))
            return
        value, reason = answer
        try:
            saved = self.ctx.session.decide_paper(
                judge=item.judge, contestant=item.contestant, aspect=item.aspect, value=value, reason=reason
            )
        except ScorerError as exc:
            self._show(exc.message(), error=True)
            return
        self.ctx.saved.emit(saved.event, saved.contestant, saved.log_id)
        self.refresh()
        self._show(self.tr("已裁定 {0} {1}（记录 #{2}）").format(item.contestant, item.aspect, saved.log_id))

    def lock(self) -> None:
        """Lock the current event; the core refuses while anything is open and says what."""
        event = self.current_event()
        signers = [s.judge for s in self.ctx.session.signatures(event)]
        self._run(
            lambda: self.ctx.session.lock(event),
            self.tr("项目 {0} 已锁定（记录 #{1}），签字裁判：{2}").format(
                event, "{id}", self.tr("、").join(signers)
            ),
        )

    def unlock(self) -> None:
        """Ask the PIN and reason, then unlock the current event."""
        event = self.current_event()
        answer = self.ask_unlock()
        if answer is None:
            self._show(self.tr("已取消，项目仍锁定"))
            return
        pin, reason = answer
        self._run(
            lambda: self.ctx.session.unlock(event, pin, reason),
            self.tr("项目 {0} 已解锁（记录 #{1}），原因：{2}").format(event, "{id}", reason.strip()),
        )

    def decrypt(self) -> None:
        """After confirmation, reveal the current event's names (encryption judge)."""
        event = self.current_event()
        if not self.confirm_decrypt(event):
            self._show(self.tr("已取消，未解密"))
            return
        self._run(
            lambda: self.ctx.session.decrypt(event),
            self.tr("项目 {0} 已解密（记录 #{1}），选手姓名现已可见").format(event, "{id}"),
        )

    def _show(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(_ERROR if error else "")
