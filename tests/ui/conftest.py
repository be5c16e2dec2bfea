"""UI test fixtures: a real competition file with the mini package, and an AppContext per judge."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scorer import package
from scorer.store import Store
from tests.conftest import MINI


@pytest.fixture
def ui_store(tmp_path: Path):
    s = Store.create(tmp_path / "ui.scorer", "测试机")
    s.set_competition(package.load(MINI), "C1")
    yield s
    s.close()


@pytest.fixture
def ctx_for(ui_store, qtbot) -> Callable[[str], object]:
    """ctx_for("J1") → an AppContext logged in as that judge (the PIN check is the login dialog's job)."""
    from ui.context import AppContext

    def make(code: str) -> AppContext:
        judge = next(j for j in ui_store.competition.judges if j.code == code)
        return AppContext(ui_store, judge)

    return make
