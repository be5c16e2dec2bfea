"""Headquarters' pages in a real browser: Debian's chromium driven by selenium through Debian's
chromedriver (both from `make deps`; the paths are given, so selenium-manager never downloads
anything), headless, against a real `scorer hq serve` child process on SQLite and on PostgreSQL,
holding what real stations pushed (tests/sync/harness.py: enrolled with a real code, pushed with the
real client) and a staff account made with `scorer hq user add`.

One headquarters and one browser per module and back end (a module's tests share the browser and
its session). After every test the browser's console must hold no error (SEVERE), and a screenshot
of the page is kept under test-artifacts/screenshots/ (`shot()` keeps more, step by step).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from tests import pg
from tests.hq.venuehelp import demo_file
from tests.sync.harness import CLI, HQ, ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
BACKENDS = ("sqlite", "postgresql")
STAFF, PASSWORD = "reviewer1", "a reviewer's password 9"
PHONE = (390, 844)  # a phone's viewport, CSS pixels
DESKTOP = (1280, 900)


@dataclass
class Venue:
    """A venue whose one station pushed a demo competition file with CNC locked."""

    venue: str
    name: str
    station: str
    db: str
    entries: int
    edited: str  # the contestant whose venue result was edited before the lock ("" if none)
    path: Path  # the station's competition file


@dataclass
class Site:
    """A running headquarters with two venues' data and a staff account."""

    hq: HQ
    backend: str
    good: Venue  # its lock matches headquarters' recomputation
    edited: Venue  # its result was edited before the lock: flagged
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.hq.url


def _station(folder: Path, hq: HQ, name: str, edit: bool, mp: pytest.MonkeyPatch) -> Venue:
    """A station of its own (its key in `folder`), a demo file with CNC locked, enrolled at a new
    venue with a real code, and pushed whole with the real client."""
    from scorer.store import Store
    from scorer.sync import client

    mp.setenv("SCORER_DATA_DIR", str(folder / "user-data"))
    path, code = demo_file(folder / "demo.scorer", edit, f"{name}-2026" if edit else "")
    venue = hq.code(name)
    got = enrolled_at(path, hq, venue["code"])
    pushed = client.push(path)
    assert pushed.state == "synced", pushed.zh
    with Store.open(path, readonly=True) as s:
        db, n = s.db_id, s.count()
    return Venue(venue["venue"], name, got["station"], db, n, code, path)


def enrolled_at(path: Path, hq: HQ, code: str) -> dict[str, Any]:
    from tests.sync.harness import cli_json

    return cli_json("sync", "enrol", hq.url, code, "--file", str(path), "--name", "一号机")  # type: ignore[no-any-return]


def add_staff(hq: HQ, username: str, password: str, role: str) -> None:
    """`scorer hq user add` as a real process, the password on stdin."""
    db = ["--db", hq.db] if hq.db else []
    done = subprocess.run(
        [
            *CLI,
            "hq",
            "user",
            "add",
            username,
            "--role",
            role,
            "--password-stdin",
            "--data",
            str(hq.data),
            *db,
        ],
        input=password + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module", params=BACKENDS)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Headquarters (`scorer hq serve`) on this back end, with two venues' pushed data and a
    reviewer's account."""
    base = tmp_path_factory.mktemp(f"browser-{request.param}")
    with pg_or_sqlite(request) as dsn, pytest.MonkeyPatch.context() as mp:
        hq = HQ(base / "hq", dsn).start()
        try:
            good = _station(base / "a", hq, "浦东新区赛场", False, mp)
            edited = _station(base / "b", hq, "徐汇区赛场", True, mp)
            add_staff(hq, STAFF, PASSWORD, "reviewer")
            yield Site(hq, request.param, good, edited)
        finally:
            hq.stop()


class pg_or_sqlite:
    """None for SQLite (in headquarters' data folder), or a fresh PostgreSQL database (dropped after)."""

    def __init__(self, request: pytest.FixtureRequest):
        self.request = request
        self._ctx: Any = None

    def __enter__(self) -> str | None:
        if self.request.param == "sqlite":
            return None
        self._ctx = pg.database(self.request.getfixturevalue("postgres_dsn"))
        return str(self._ctx.__enter__())

    def __exit__(self, *exc: object) -> None:
        if self._ctx is not None:
            self._ctx.__exit__(*exc)


def _fonts(folder: Path) -> Path:
    """A fontconfig file adding the project's own fonts (resources/fonts: a CJK fallback) to the
    system's, so the screenshots show Chinese even on a machine without CJK fonts."""
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{ROOT / 'resources' / 'fonts'}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n"
        "</fontconfig>\n",
        "utf-8",
    )
    return conf


def chrome(folder: Path) -> Any:
    """Debian's chromium through Debian's chromedriver: headless, no sandbox (tests run as root),
    the console kept (goog:loggingPrefs), nothing downloaded."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert CHROMIUM.exists() and CHROMEDRIVER.exists(), "chromium and chromium-driver: run `make deps`"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--lang=zh-CN",
        f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
    ):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})  # as a reader in China
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(
        executable_path=str(CHROMEDRIVER), env={**os.environ, "FONTCONFIG_FILE": str(_fonts(folder))}
    )
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture(scope="module")
def browser(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One browser for the module and back end (its cookies: one session, reused by the tests)."""
    driver = chrome(tmp_path_factory.mktemp("chromium"))
    try:
        yield driver
    finally:
        driver.quit()


def _name(request: pytest.FixtureRequest) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The module's browser for one test: afterwards a screenshot is kept and the console must hold no
    error (a page's JavaScript error, a refused script or style, a resource that failed to load)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.get_log("browser")  # what came before this test is not this test's
    browser.expected_statuses = []  # see expect_status
    yield browser
    browser.save_screenshot(
        str(SCREENSHOTS / f"{request.module.__name__.rsplit('.', 1)[-1]}-{_name(request)}.png")
    )
    errors = [
        e
        for e in browser.get_log("browser")
        if e.get("level") == "SEVERE" and not any(_expected(e, *x) for x in browser.expected_statuses)
    ]
    assert not errors, f"the browser's console has errors: {errors}"


def expect_status(driver: Any, url: str, status: int) -> None:
    """This test opens `url` knowing headquarters answers it with `status` (a page saying "not
    found", say): the browser's console line for that answer is not an error of the page. Nothing
    else is excused — a script error or any other failed load still fails the test."""
    driver.expected_statuses.append((url, status))


def _expected(entry: dict[str, Any], url: str, status: int) -> bool:
    return entry.get("source") == "network" and entry.get("message", "") == (
        f"{url} - Failed to load resource: the server responded with a status of {status} "
        f"({HTTPStatus(status).phrase})"
    )


def shot(driver: Any, request: pytest.FixtureRequest, step: str) -> Path:
    """A screenshot of this step, kept under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{request.module.__name__.rsplit('.', 1)[-1]}-{_name(request)}-{step}.png"
    driver.save_screenshot(str(path))
    return path


def log_in(driver: Any, site: Site, target: str = "/", lang: str = "") -> None:
    """Open `target`; if headquarters sends the browser to its log-in page, sign in through the form."""
    from selenium.webdriver.common.by import By

    query = f"?lang={lang}" if lang else ""
    driver.get(site.url + target + query)
    if "/login" in driver.current_url:
        driver.find_element(By.ID, "username").send_keys(STAFF)
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        follow(driver, driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    assert "/login" not in driver.current_url, driver.page_source[:2000]


def follow(driver: Any, element: Any, timeout: float = 15) -> None:
    """Click `element` (a link or a submit button) and wait until the next page has loaded."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element("tag name", "html")
    element.click()
    WebDriverWait(driver, timeout).until(expected_conditions.staleness_of(old))
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def fits_the_width(driver: Any) -> bool:
    """The page needs no sideways scrolling as a whole (wide tables scroll in their own box)."""
    return bool(driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"))
