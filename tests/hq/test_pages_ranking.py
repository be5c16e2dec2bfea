"""The cross-venue pages and API (scorer.hq.pages_ranking) over standings written by real venue
locks pushed to headquarters: read-only staff may look, only administrators add a selection (with
the session's CSRF token), the ranked list shows place, name, organisation, venue, score and award
with a differing venue's rows in red, English on ?lang=en, SQL/HTML in a selection's fields
harmless, the JSON API documented in /openapi.json. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from scorer.hq import audit, checks, crossvenue, ingest, users
from scorer.hq.app import build_app
from scorer.hq.db import Database
from scorer.station import Identity
from tests.hq.venues import TRADE, Venue, make_venue, push

ADMIN, REVIEWER, READER = "wang", "li", "zhao"
PASSWORDS = {ADMIN: "admin password one", REVIEWER: "reviewer password two", READER: "reader password three"}
NASTY = "<script>alert('x')</script>'); DROP TABLE selections; --"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Venue]:
    root = tmp_path_factory.mktemp("venues")
    people = {"a01": ("张伟", "上海电气集团"), "b01": ("李娜", "<b>宝钢</b>")}
    return {
        "v1": make_venue(root / "v1", "浦东赛场", {"a01": ("55", "35"), "a02": ("40", "30")}, people=people),
        # its lock's fingerprint is not what its rows give: headquarters' check differs
        "v2": make_venue(root / "v2", "闵行赛场", {"b01": ("50", "40"), "b02": ("45", "30")}, people=people,
                         lock={"results": "0" * 64}),
        "v3": make_venue(root / "v3", "嘉定赛场", {"c01": ("60", "40")}, lock={"heads": {"ST-000000000009": 2}}),
    }  # fmt: skip


@pytest.fixture
def site(
    hq_db: Database, hq_key: Identity, files: dict[str, Venue], monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setattr(ingest, "_hooks", [])
    checks.install()
    for name, role in ((ADMIN, "administrator"), (REVIEWER, "reviewer"), (READER, "read-only")):
        users.add(hq_db, name, role, PASSWORDS[name], "cli:test")
    for v in files.values():
        push(hq_db, hq_key, v)
    yield TestClient(build_app(hq_db, hq_key, "总部"), follow_redirects=False)


def signed_in(site: TestClient, username: str) -> TestClient:
    client = TestClient(site.app, follow_redirects=False)
    token = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/login").text)
    assert token
    done = client.post(
        "/login", data={"username": username, "password": PASSWORDS[username], "login_csrf": token.group(1)}
    )
    assert done.status_code == 303, done.text
    return client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


FORM = {
    "name": "2026 焊工城市选拔",
    "trade": TRADE,
    "method": "total",
    "quotas": "上海市技术能手=1\n优秀=50%",
}


def stored(database: Database) -> list[crossvenue.Selection]:
    with database.read() as tx:
        return crossvenue.selections(tx)


def test_an_administrator_adds_a_selection_and_everyone_sees_the_ranking(
    site: TestClient, hq_db: Database
) -> None:
    admin = signed_in(site, ADMIN)
    page = admin.get("/selections")
    assert page.status_code == 200 and 'name="quotas"' in page.text and "还没有评选" in page.text
    done = admin.post("/selections", data={**FORM, "csrf": csrf_of(page.text)})
    assert done.status_code == 303, done.text
    (sel,) = stored(hq_db)
    assert done.headers["location"] == f"/selections/{sel.id}"
    assert [q.shown() for q in sel.quotas] == ["上海市技术能手=1", "优秀=50%"] and sel.by_whom == ADMIN
    (action,) = audit.actions(hq_db, action="selection.add")
    assert action["who"] == ADMIN and action["details"]["name"] == FORM["name"]

    reader = signed_in(site, READER)
    listed = reader.get("/selections")
    assert listed.status_code == 200 and FORM["name"] in listed.text and 'name="quotas"' not in listed.text
    shown = reader.get(f"/selections/{sel.id}")
    assert shown.status_code == 200
    rows = re.findall(r"<tr( class=\"differ\")?>\s*<td>(\d+)</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>\s*"
                      r"<td>([^<]*)</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>", shown.text)  # fmt: skip
    # totals: a01 90, b01 90 (criterion A: 55 > 50), b02 75, a02 70; N = 4: 1 place, then 50% → 2 more
    assert [(d != "", p, n, o, v, t, a) for d, p, n, o, v, t, a in rows] == [
        (False, "1", "张伟", "上海电气集团", "浦东赛场", "90.00", "上海市技术能手"),
        (True, "2", "李娜", "&lt;b&gt;宝钢&lt;/b&gt;", "闵行赛场", "90.00", "优秀"),
        (True, "3", "选手b02", "闵行赛场单位", "闵行赛场", "75.00", "优秀"),
        (False, "4", "选手a02", "浦东赛场单位", "浦东赛场", "70.00", "—"),
    ]
    assert (
        "2 人所在场地的成绩经总部核对不一致" in shown.text
        and "tr.differ td { color: var(--bad)" in shown.text
    )
    assert "未参加排名" in shown.text and "尚未收齐" in shown.text  # the waiting venue named
    assert "/confirm" not in shown.text  # read-only: nothing to confirm
    assert f"/selections/{sel.id}/confirm" in signed_in(site, REVIEWER).get(f"/selections/{sel.id}").text
    english = reader.get(f"/selections/{sel.id}?lang=en")
    assert "Place" in english.text and "differs: to check" in english.text and "名次" not in english.text


def test_reviewers_and_read_only_staff_cannot_add_and_a_form_without_csrf_is_refused(
    site: TestClient, hq_db: Database
) -> None:
    for who in (REVIEWER, READER):
        client = signed_in(site, who)
        csrf = csrf_of(client.get("/selections").text)  # the log-out form's token: a real session's
        refused = client.post("/selections", data={**FORM, "csrf": csrf})
        assert refused.status_code == 403, who
    admin = signed_in(site, ADMIN)
    assert admin.post("/selections", data=FORM).status_code == 403
    assert admin.post("/selections", data={**FORM, "csrf": "x" * 43}).status_code == 403
    anonymous = TestClient(site.app, follow_redirects=False)
    for path in ("/selections", "/selections/1"):
        answer = anonymous.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next="), path
    assert anonymous.get("/api/v1/selections").status_code == 401
    assert stored(hq_db) == [] and audit.actions(hq_db, action="selection.add") == []


def test_a_wrong_form_is_shown_again_with_why_and_nothing_stored(site: TestClient, hq_db: Database) -> None:
    admin = signed_in(site, ADMIN)
    csrf = csrf_of(admin.get("/selections").text)
    wrong = admin.post("/selections", data={**FORM, "quotas": "优秀=150%", "csrf": csrf})
    assert wrong.status_code == 400 and "比例" in wrong.text and FORM["name"] in wrong.text
    wrong = admin.post("/selections?lang=en", data={**FORM, "quotas": "优秀", "csrf": csrf})
    assert wrong.status_code == 400 and "malformed" in wrong.text
    assert stored(hq_db) == []
    assert admin.get("/selections/999").status_code == 404


def test_sql_and_html_in_every_field_are_harmless(site: TestClient, hq_db: Database) -> None:
    admin = signed_in(site, ADMIN)
    csrf = csrf_of(admin.get("/selections").text)
    done = admin.post("/selections", data={"name": NASTY, "trade": TRADE, "method": "total",
                                           "quotas": f"{NASTY}=2", "csrf": csrf})  # fmt: skip
    assert done.status_code == 303
    (sel,) = stored(hq_db)
    assert sel.name == NASTY and sel.quotas[0].award == NASTY
    for page in (admin.get("/selections"), admin.get(f"/selections/{sel.id}")):
        assert "<script>" not in page.text and str(escape(NASTY)) in page.text
    bad_trade = admin.post("/selections", data={**FORM, "trade": "x' OR 1=1 --", "csrf": csrf})
    assert bad_trade.status_code == 400 and len(stored(hq_db)) == 1
    with hq_db.read() as tx:
        assert tx.one("SELECT count(*) FROM standings")[0] == 4  # b02, b01, a02, a01: still there


def test_the_json_api_lists_ranks_adds_and_is_documented(site: TestClient, hq_db: Database) -> None:
    admin_token = users.new_token(hq_db, ADMIN, "script", "cli:test").token
    reader_token = users.new_token(hq_db, READER, "look", "cli:test").token
    admin = {"Authorization": f"Bearer {admin_token}"}
    reader = {"Authorization": f"Bearer {reader_token}"}
    body = {"name": "API 选拔", "trade": TRADE, "method": "standardised",
            "quotas": [{"award": "入选", "count": 2}, {"award": "优秀", "ratio": "0.25"}]}  # fmt: skip
    assert site.post("/api/v1/selections", json=body, headers=reader).status_code == 403
    made = site.post("/api/v1/selections", json=body, headers=admin)
    assert made.status_code == 201, made.text
    sel = made.json()
    assert sel["method"] == "standardised" and sel["quotas"][1] == {
        "award": "优秀",
        "count": None,
        "ratio": "0.25",
    }
    wrong = site.post("/api/v1/selections", json={**body, "method": "median"}, headers=admin)
    assert wrong.status_code == 400 and wrong.json()["error"]["zh"]
    assert site.get("/api/v1/selections", headers=reader).json() == [sel]
    assert site.get(f"/api/v1/selections/{sel['id']}", headers=reader).json() == sel
    ranking = site.get(f"/api/v1/selections/{sel['id']}/ranking", headers=reader).json()
    # each venue's default 700-scale over its own two: the higher 720, the lower 680 (median the mean,
    # MAD the half-difference); ties of 720 by total then criterion A: a01 90/55, b01 90/50
    assert [(r["place"], r["code"], r["score"], r["award"], r["state"]) for r in ranking["rows"]] == [
        (1, "a01", "720", "入选", "match"),
        (2, "b01", "720", "入选", "differ"),
        (3, "b02", "680", "优秀", "differ"),
        (4, "a02", "680", "", "match"),
    ]
    with hq_db.read() as tx:
        waiting = tx.all("SELECT venue FROM venues WHERE name = '嘉定赛场'")
    assert ranking["venues"] == 2 and [(e["venue"],) for e in ranking["excluded"]] == waiting
    assert site.get("/api/v1/selections/999/ranking", headers=reader).status_code == 404
    schema = site.get("/openapi.json").json()
    ranking_schema = schema["paths"]["/api/v1/selections/{selection_id}/ranking"]["get"]["responses"]["200"]
    assert ranking_schema["content"]["application/json"]["schema"]["$ref"].endswith("/RankingOut")
    assert {"PlacedOut", "SelectionInfo", "QuotaInfo", "SelectionError"} <= set(
        schema["components"]["schemas"]
    )
    assert "/selections" not in schema["paths"]  # pages are not API


def test_a_long_ranking_pages_by_100_and_a_new_check_is_shown_at_once(
    site: TestClient, hq_db: Database, hq_key: Identity, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The page shows 100 rows at a time (the JSON gives them all); a ranking a worker keeps is
    recomputed as soon as another venue's check is kept (no stale list after a push)."""
    admin = signed_in(site, ADMIN)
    done = admin.post("/selections", data={**FORM, "csrf": csrf_of(admin.get("/selections").text)})
    assert done.status_code == 303, done.text
    (sel,) = stored(hq_db)
    before = admin.get(f"/selections/{sel.id}")
    assert before.status_code == 200 and "分页" not in before.text and "奉贤赛场" not in before.text

    big = make_venue(
        tmp_path_factory.mktemp("big"), "奉贤赛场",
        {f"f{i:03d}": (str(60 - i % 50), str(40 - i % 30)) for i in range(150)},
    )  # fmt: skip
    push(hq_db, hq_key, big)
    first = admin.get(f"/selections/{sel.id}")
    places = re.findall(r"<tr(?: class=\"differ\")?>\s*<td>(\d+)</td>", first.text)
    assert len(places) == 100 and places[0] == "1" and "奉贤赛场" in first.text  # not the cached list
    assert "第 1 / 2 页" in first.text and f'href="/selections/{sel.id}?page=2"' in first.text
    assert 'rel="prev"' not in first.text
    second = admin.get(f"/selections/{sel.id}?page=2&lang=en")
    later = re.findall(r"<tr(?: class=\"differ\")?>\s*<td>(\d+)</td>", second.text)
    assert len(later) == 154 - 100 and "Page 2 of 2" in second.text
    assert (
        f'href="/selections/{sel.id}?lang=en&amp;page=1"' in second.text and 'rel="next"' not in second.text
    )
    whole = admin.get(f"/api/v1/selections/{sel.id}/ranking").json()
    assert [str(r["place"]) for r in whole["rows"]] == places + later
    for wrong in ("0", "-1", "abc", "9999999999", "<b>"):
        page = admin.get(f"/selections/{sel.id}", params={"page": wrong})
        assert page.status_code == 200 and "第 1 / 2 页" in page.text, wrong
    assert "第 2 / 2 页" in admin.get(f"/selections/{sel.id}?page=7").text  # past the end: the last
