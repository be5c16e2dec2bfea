"""English as the second language: tab labels without stray mnemonics, and a language change that
applies at once (no restart)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
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


def test_english_mode_shows_the_packages_english_names(qtbot, tmp_path):
    """Event names (and award/title names) come in English where the package gives them."""
    from dataclasses import replace

    from scorer.demo import ensure_demo
    from scorer.store import Store
    from ui.models.results import COL_AWARD, KEY_ROLE, ResultsModel
    from ui.windows.score_entry import ScoreEntryWidget

    store = Store.open(ensure_demo())
    comp = store.competition
    try:
        i18n.install(QApplication.instance(), "en")
        judge = next(j for j in comp.judges if j.code == "CNC-J2")
        w = ScoreEntryWidget(AppContext(store, judge))
        qtbot.addWidget(w)
        assert w.event_box.currentText() == "CNC CNC lathe operator"
        event = comp.event("CNC")
        tiers = tuple(replace(t, name_en=f"EN-{i}") for i, t in enumerate(event.awards.tiers))
        event = replace(event, awards=replace(event.awards, tiers=tiers))
        result = store.results("CNC")
        model = ResultsModel()
        model.set_result(result, False, event, comp.contestants)
        awarded = [r for r in result.results if r.award]
        assert awarded
        row = next(i for i in range(model.rowCount()) if model.index(i, 0).data(KEY_ROLE) == awarded[0].code)
        column = model.column_of(COL_AWARD)
        assert model.index(row, column).data().startswith("EN-")
        from ui.models.results import COL_TITLE

        top = next(
            i for i in range(model.rowCount()) if model.index(i, 0).data(KEY_ROLE) == result.results[0].code
        )
        assert "、" in result.results[0].title  # the demo's winner holds the medal and a title
        assert model.index(top, model.column_of(COL_TITLE)).data() == (
            "Shanghai May Day Labour Medal, Shanghai Technical Expert"
        )
        headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
        assert "Theory" in headers and "Practical" in headers, headers
    finally:
        i18n.install(QApplication.instance(), "zh_CN")
        store.close()
