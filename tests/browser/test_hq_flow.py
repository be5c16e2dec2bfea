"""Headquarters' whole path in a real browser (chromium, selenium), on SQLite and PostgreSQL, over
what real stations pushed: a reviewer logs in, sees the venues' sync state, opens the cross-venue
ranking of the trade both venues locked (the venue with an edited result in red), confirms the
selection (a reason is needed because of that venue) and gets a decision signed by headquarters;
then anyone verifies a genuine certificate's code — as the venue prints it — and a forged one."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By

from scorer.rules.verification import verification_code
from scorer.store import Store
from tests.browser.conftest import Site, expect_status, follow, log_in, shot
from tests.sync.harness import cli_json

FORGED = "ABCDEFGHJK"


def _selection(site: Site) -> int:
    """A selection of the trade CNC across the venues (`scorer hq selection add`, as staff would)."""
    db = ["--db", site.hq.db] if site.hq.db else []
    made = cli_json(
        "hq", "selection", "add", "2026 数控车工跨场地选拔", "--trade", "CNC", "--quota", "上海市技术能手=3",
        "--data", str(site.hq.data), *db,
    )  # fmt: skip
    return int(made["id"])


def _genuine_code(site: Site) -> tuple[str, str]:
    """The verification code the matching venue prints on its first-placed contestant's certificate
    (scorer.reports.certificates), and the contestant's name."""
    with Store.open(site.good.path, readonly=True) as store:
        comp = store.competition
        assert comp is not None
        first = next(r for r in store.results("CNC").results if r.award)
        name = next(c.name for c in comp.contestants if c.code == first.code)
        return verification_code(comp.id, "CNC", first.code, first.award, first.total), name


def test_venues_ranking_confirmation_and_certificates(
    page: Any, site: Site, request: pytest.FixtureRequest
) -> None:
    selection = _selection(site)
    page.delete_all_cookies()
    log_in(page, site, "/venues")
    synced = page.find_elements(By.CSS_SELECTOR, 'td.sync[data-state="synced"]')
    assert len(synced) == 2 and all("指纹一致" in s.text for s in synced)
    shot(page, request, "venues")

    # the cross-venue ranking: both venues, each contestant's venue shown, the edited venue in red
    page.get(f"{site.url}/selections/{selection}")
    rows = page.find_elements(By.CSS_SELECTOR, "table#ranking tbody tr")
    assert rows
    venues_shown = {r.find_elements(By.TAG_NAME, "td")[3].text for r in rows}
    assert venues_shown == {site.good.name, site.edited.name}
    red = page.find_elements(By.CSS_SELECTOR, "table#ranking tbody tr.differ")
    assert red and all(r.find_elements(By.TAG_NAME, "td")[3].text == site.edited.name for r in red)
    assert sum(1 for r in rows if "上海市技术能手" in r.text) >= 3
    shot(page, request, "ranking")

    # confirm: the list is frozen and signed; the edited venue's rows need a reason on record
    follow(page, page.find_element(By.PARTIAL_LINK_TEXT, "确认并冻结名单"))
    page.find_element(By.ID, "override").send_keys("徐汇区赛场的差异已与赛场核实：系录入笔误，以总部重算为准")
    shot(page, request, "confirm")
    follow(page, page.find_element(By.ID, "confirm"))
    assert "/decisions/" in page.current_url
    assert page.find_element(By.ID, "signature-state").text.startswith("✓")
    assert "录入笔误" in page.find_element(By.ID, "override").text
    shot(page, request, "decision")

    # certificates: no log-in needed; a genuine code and a forged one
    page.delete_all_cookies()
    code, name = _genuine_code(site)
    page.get(site.url + "/verify")
    page.find_element(By.ID, "code-input").send_keys(code.lower())
    follow(page, page.find_element(By.CSS_SELECTOR, "form.lookup button[type=submit]"))
    assert page.find_element(By.ID, "result").get_attribute("data-status") == "genuine"
    assert page.find_element(By.ID, "name").text == name
    assert page.find_element(By.ID, "venue").text == site.good.name
    shot(page, request, "genuine")
    forged = f"{site.url}/verify/{FORGED}"
    expect_status(page, forged, 404)  # headquarters answers an unknown code "not found" (404)
    page.get(forged)
    assert page.find_element(By.ID, "result").get_attribute("data-status") == "not_found"
    assert "可能是伪造的" in page.find_element(By.ID, "result").text
