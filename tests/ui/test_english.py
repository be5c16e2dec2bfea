"""English as the second language: tab labels without stray mnemonics, and a language change that
applies at once (no restart)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from ui import i18n
from ui.context import AppContext
from ui.windows.main_window import MainWindow


@pytest.fixture
def window(qtbot, ui_store, tmp_path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    judge = next(j for j in ui_store.competition.judges if j.code == "K1")
    w = MainWindow(AppContext(ui_store, judge))
    qtbot.addWidget(w)
    w.show()
    yield w
    i18n.install(QApplication.instance(), "zh_CN")  # the next tests run in Chinese again


def _tabs(w: MainWindow) -> list[str]:
    return [w.tabs.tabText(i) for i in range(w.tabs.count())]


def test_language_changes_at_once_and_tab_labels_are_clean(window):
    assert "进度与检查" in _tabs(window) and "锁定与签字" in _tabs(window)
    window.set_language("en")
    tabs = _tabs(window)
    assert "Progress and checks" in tabs and "Lock and sign-off" in tabs, tabs
    assert not any("&" in t.replace("&&", "") for t in tabs), tabs
    assert window.menuBar().actions()[0].text() == "&File"
    assert i18n.current() == "en"
    window.set_language("zh_CN")
    assert "进度与检查" in _tabs(window) and i18n.current() == "zh"
