"""The log-in dialog: says which competition and file it opens, and every log-in (the first one and
Ctrl+L) starts on the user; Enter there goes on to the PIN."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from scorer import access
from ui.context import AppContext
from ui.windows.login import LoginDialog
from ui.windows.main_window import MainWindow


def test_the_dialog_names_the_competition_and_file_and_starts_on_the_user(qtbot, ui_store):
    access.login(ui_store, "J2", "2222")
    dialog = LoginDialog(ui_store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    heading = dialog.heading.text()
    assert ui_store.competition.name in heading and ui_store.path.name in heading
    assert dialog.focusWidget() in (dialog.who, dialog.who.lineEdit())
    qtbot.keyClicks(dialog.who.lineEdit(), "J1")
    qtbot.keyClick(dialog.who.lineEdit(), Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.pin
    qtbot.keyClicks(dialog.pin, "1111")
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert dialog.judge is not None and dialog.judge.code == "J1"


def test_switching_user_with_ctrl_l_starts_on_the_user_too(qtbot, ui_store, tmp_path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    judge = access.login(ui_store, "J1", "1111")
    window = MainWindow(AppContext(ui_store, judge))
    qtbot.addWidget(window)
    window.show()
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    seen: dict[str, object] = {}

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, look)
            return
        seen["focus"] = dialog.focusWidget()
        seen["who"] = dialog.who
        dialog.reject()

    QTimer.singleShot(0, look)
    target = window.focusWidget() or window.tabs.tabBar()
    qtbot.keyClick(target, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert seen["focus"] in (seen["who"], seen["who"].lineEdit())
