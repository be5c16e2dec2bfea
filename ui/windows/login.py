"""Log-in by judge and PIN (scorer.access.login): wrong PINs count down and lock the judge out."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from scorer import access
from scorer.errors import ScorerError
from scorer.model import Judge, Role
from scorer.store import Store

ROLE_NAMES = {
    Role.COORDINATOR: QT_TRANSLATE_NOOP("Roles", "赛务"),
    Role.CHIEF: QT_TRANSLATE_NOOP("Roles", "裁判长"),
    Role.JUDGE: QT_TRANSLATE_NOOP("Roles", "评分裁判"),
    Role.CLERK: QT_TRANSLATE_NOOP("Roles", "录分员"),
    Role.ENCRYPTION: QT_TRANSLATE_NOOP("Roles", "加密裁判"),
}


def role_name(role: Role) -> str:
    return QCoreApplication.translate("Roles", ROLE_NAMES[role])


def last_login(store: Store) -> str:
    """The code of whoever last logged in to this file on this laptop (its station), or ""."""
    last = ""
    for row in store.log(("auth.login",)):
        if row.station == store.station.id:
            last = row.payload.get("judge", row.actor)
    return last


class LoginDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None, title: str | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.judge: Judge | None = None
        comp = store.competition
        self.setWindowTitle(title or self.tr("登录 — {0}").format(comp.name if comp else store.path.name))
        self.who = QComboBox()
        self.who.setObjectName("who")
        self.who.setEditable(True)  # type a code and go, as fast as picking from the list
        self.who.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for j in comp.judges if comp else ():
            self.who.addItem(self.tr("{0}  {1}（{2}）").format(j.code, j.name, role_name(j.role)), j.code)
        last = last_login(store)
        if last and self.who.findData(last) >= 0:
            self.who.setCurrentIndex(self.who.findData(last))  # whoever last logged in on this laptop
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet("color: #b00020")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        for (
            button
        ) in buttons.buttons():  # Enter in the PIN field logs in, once (not also via the default button)
            button.setAutoDefault(False)
            button.setDefault(False)
        self.pin.returnPressed.connect(self.try_login)
        # Which competition and file this is, inside the dialog (a window title may not show).
        self.heading = QLabel(
            self.tr("{0}\n文件：{1} · 本机：{2}").format(
                comp.name if comp else self.tr("（尚无竞赛定义）"),
                store.path.name,
                store.station.name or store.station.id,
            )
        )
        self.heading.setObjectName("heading")
        self.heading.setStyleSheet("font-weight:bold;")
        form = QFormLayout()
        form.addRow(self.tr("登录人"), self.who)  # judges, clerks and the coordinator alike
        form.addRow(self.tr("PIN"), self.pin)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        # Every log-in (the first and Ctrl+L) starts on the user: type a code or keep the one
        # offered, Enter or Tab goes on to the PIN.
        self.who.lineEdit().returnPressed.connect(lambda: self.pin.setFocus(Qt.FocusReason.TabFocusReason))
        self.setFocusProxy(self.who)
        self.who.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.who.setFocus(Qt.FocusReason.OtherFocusReason)
        self.who.lineEdit().selectAll()  # typing a code replaces the one offered

    def selected_code(self) -> str:
        data = self.who.currentData()
        text = self.who.currentText().strip()
        if data is not None and self.who.itemText(self.who.currentIndex()) == text:
            return str(data)
        return text.split()[0] if text else ""

    def try_login(self) -> None:
        try:
            self.judge = access.login(self.store, self.selected_code(), self.pin.text())
        except ScorerError as exc:
            self.message.setText(exc.message())
            self.pin.clear()
            self.pin.setFocus()
            return
        self.accept()
