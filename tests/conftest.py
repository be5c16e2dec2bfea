"""Shared fixtures: a real SQLite competition file in a temporary folder, Qt offscreen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import pg

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# CI (.ci/run) runs the property and fuzz tests on fixed examples, so a submission's result does not
# depend on the luck of the draw (and a rare find cannot spend minutes shrinking there); a local
# `make test` keeps drawing new examples every run, which is where new bugs are found.
from hypothesis import settings as _hypothesis

_hypothesis.register_profile("ci", derandomize=True, database=None, print_blob=True)
_hypothesis.load_profile(os.environ.get("SCORER_HYPOTHESIS_PROFILE", "default"))
os.environ["SCORER_LANG"] = "zh"

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.json"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the real user data folder, and each starts in Chinese (`scorer --lang en`
    run in-process sets SCORER_LANG; monkeypatch puts it back afterwards)."""
    monkeypatch.setenv("SCORER_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("SCORER_LANG", "zh")


@pytest.fixture
def mini_comp():
    from scorer import package

    return package.load(MINI)


@pytest.fixture
def store(tmp_path: Path, mini_comp):
    from scorer.store import Store

    s = Store.create(tmp_path / "comp.scorer", "测试机")
    s.set_competition(mini_comp, "C1")
    yield s
    s.close()


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    """The PostgreSQL server for the headquarters tests: SCORER_TEST_POSTGRES, else a throw-away
    cluster started on first use (tests/pg.py). Missing PostgreSQL fails the test, never skips it."""
    try:
        return pg.server_dsn()
    except pg.PostgresUnavailable as e:
        message = str(e)
    pytest.fail(message, pytrace=False)  # outside `except`: the message once, without the chain


def pytest_unconfigure(config: pytest.Config) -> None:
    """The throw-away cluster goes with the session, passed or failed."""
    pg.shutdown()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A skipped test is a failure here: a skip would hide a missing tool (`make deps` brings them all)."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and not os.environ.get("SCORER_ALLOW_SKIPS") and exitstatus == 0:
        reporter.write_line(f"{skipped} test(s) skipped: every test must run (see `make deps`)", red=True)
        session.exitstatus = 1
