"""A competition file that fails its check at open: a red banner in the app above every tab, the
chief judge can accept a checkpoint problem there (logged), and final documents print as drafts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog

from scorer import package
from scorer.reports.data import event_data
from scorer.reports.registry import draft_state
from scorer.store import Store
from tests.conftest import MINI
from ui.context import AppContext
from ui.windows.main_window import MainWindow


@pytest.fixture
def broken(tmp_path):
    """A file with marks whose .head checkpoint has gone missing."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    path = tmp_path / "c.scorer"
    with Store.create(path, "一号机") as s:
        s.set_competition(package.load(MINI), "C1")
        s.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.01")
    (tmp_path / "c.scorer.head").unlink()
    store = Store.open(path)
    yield store
    store.close()


def _window(qtbot, store: Store, code: str) -> MainWindow:
    judge = next(j for j in store.competition.judges if j.code == code)
    w = MainWindow(AppContext(store, judge))
    qtbot.addWidget(w)
    w.show()
    return w


def test_the_banner_shows_and_only_a_chief_judge_may_accept(qtbot, broken, monkeypatch):
    judge_window = _window(qtbot, broken, "J1")
    assert judge_window.health_banner.isVisible() and "检查点" in judge_window.health_banner.text()
    assert not judge_window.accept_button.isVisible()

    w = _window(qtbot, broken, "K1")
    assert w.health_banner.isVisible() and w.accept_button.isVisible()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    w.accept_checkpoint()
    assert w.health_banner.isVisible()  # cancelled: nothing changes
    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **k: ("检查点随旧U盘丢失，核对无误", True))
    )
    w.accept_checkpoint()
    assert not w.health_banner.isVisible() and not w.accept_button.isVisible()
    [row] = list(broken.log(("checkpoint.accept",)))
    assert row.actor == "K1"


def test_final_documents_from_a_file_that_fails_verify_are_drafts(broken):
    data = event_data(broken, "CNC")
    assert data.unsound is not None
    state = draft_state("results", data)
    assert state is not None and "校验" in state[0]
