"""Headquarters' venue pages in a real browser (chromium, selenium), on SQLite and PostgreSQL: a
reviewer logs in through the form, sees each venue's sync state as real stations pushed it
("N/N 条，指纹一致"), opens a venue's event with the venue's results beside headquarters'
recomputation, sees a deliberately edited venue result flagged in red with its explanation, reads
it in English and on a phone's screen, and logs out (the session is then gone)."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import DESKTOP, PHONE, Site, fits_the_width, follow, log_in, shot

RED = "rgba(179, 38, 30, 1)"  # var(--bad) in base.html


def _texts(driver: Any, css: str) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, css)]


def test_log_in_through_the_form_and_see_every_venues_sync_state(
    page: Any, site: Site, request: pytest.FixtureRequest
) -> None:
    page.delete_all_cookies()
    page.get(site.url + "/venues")
    assert "/login?next=%2Fvenues" in page.current_url  # no session: the log-in page first
    shot(page, request, "login")
    log_in(page, site, "/venues")
    assert page.current_url == site.url + "/venues"  # back where it was going
    assert page.find_element(By.TAG_NAME, "h1").text == "场地与同步状态"
    for v in (site.good, site.edited):
        card = page.find_element(By.CSS_SELECTOR, f'section.venue[data-venue="{v.venue}"]')
        assert v.name in card.text
        (sync,) = card.find_elements(By.CSS_SELECTOR, "td.sync")
        assert sync.get_attribute("data-state") == "synced"
        assert sync.text.startswith(f"{v.entries}/{v.entries} 条，指纹一致"), sync.text
        assert v.station in card.text
    good = page.find_element(By.CSS_SELECTOR, f'section.venue[data-venue="{site.good.venue}"]')
    edited = page.find_element(By.CSS_SELECTOR, f'section.venue[data-venue="{site.edited.venue}"]')
    assert not good.find_elements(By.CSS_SELECTOR, ".attention-mark") and "正常" in good.text
    mark = edited.find_element(By.CSS_SELECTOR, ".attention-mark")
    assert mark.text == "● 需处理" and mark.value_of_css_property("color") == RED
    assert "1 个项目的成绩与总部重算不一致" in edited.text


def test_a_venues_event_side_by_side_and_the_edited_result_in_red(
    page: Any, site: Site, request: pytest.FixtureRequest
) -> None:
    log_in(page, site, "/venues")
    follow(page, page.find_element(By.LINK_TEXT, site.good.name))
    assert page.current_url == site.url + f"/venues/{site.good.venue}"
    (line,) = page.find_elements(By.CSS_SELECTOR, "tr.event")
    assert line.get_attribute("data-state") == "match" and "一致" in line.text
    follow(page, line.find_element(By.TAG_NAME, "a"))
    assert f"/venues/{site.good.venue}/events/{site.good.db}/CNC" in page.current_url
    shot(page, request, "match")
    rows = page.find_elements(By.CSS_SELECTOR, "table.side-by-side tr.result")
    assert rows, "the side-by-side table is there"
    assert not page.find_elements(By.CSS_SELECTOR, "tr.result.differs")

    log_in(page, site, f"/venues/{site.edited.venue}")
    (line,) = page.find_elements(By.CSS_SELECTOR, "tr.event")
    assert line.get_attribute("data-state") == "differ" and "不一致" in line.text
    follow(page, line.find_element(By.TAG_NAME, "a"))
    state = page.find_element(By.CSS_SELECTOR, "p[data-state]")
    assert state.get_attribute("data-state") == "differ"
    assert "总部重算的成绩与场地锁定时的成绩不一致" in state.text
    shot(page, request, "differ")
    flagged = page.find_elements(By.CSS_SELECTOR, "table.side-by-side tr.result.differs")
    assert [r.get_attribute("data-code") for r in flagged] == [site.edited.edited]
    (row,) = flagged
    assert row.find_element(By.CSS_SELECTOR, "td.explain").value_of_css_property("color") == RED
    assert row.find_element(By.CSS_SELECTOR, "td.explain").text.strip()


def test_english_and_a_phones_screen(page: Any, site: Site, request: pytest.FixtureRequest) -> None:
    log_in(page, site, f"/venues/{site.edited.venue}", lang="en")
    assert page.find_element(By.CSS_SELECTOR, "html").get_attribute("lang") == "en"
    assert "Events: the venue's results and headquarters' recomputation" in page.page_source
    assert "fingerprints match" in page.find_element(By.CSS_SELECTOR, "td.sync").text
    follow(page, page.find_element(By.CSS_SELECTOR, "tr.event a"))
    assert "lang=en" in page.current_url  # the choice of language is carried along
    assert "differ" in page.find_element(By.CSS_SELECTOR, "p[data-state]").text
    try:
        page.set_window_size(*PHONE)
        for path in ("/venues", f"/venues/{site.edited.venue}", page.current_url[len(site.url) :]):
            page.get(site.url + path)
            assert fits_the_width(page), path
        shot(page, request, "phone")
    finally:
        page.set_window_size(*DESKTOP)


def test_log_out(page: Any, site: Site, request: pytest.FixtureRequest) -> None:
    log_in(page, site, "/venues")
    follow(page, page.find_element(By.CSS_SELECTOR, "header form button[type=submit]"))
    assert "/login" in page.current_url
    page.get(site.url + "/venues")
    assert "/login?next=%2Fvenues" in page.current_url  # the session is over
