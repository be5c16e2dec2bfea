"""Headquarters' venue pages and their JSON API (scorer.hq.pages_venues), in process, on SQLite and
PostgreSQL: what a venue's sync state says (N/N and fingerprints; a station behind, a fork and its
quarantine, a bundle imported), who may see it (a session or an API token of any role; without one a
page goes to log-in and the API answers 401), the OpenAPI description, and SQL/HTML in the path
parameters and in a venue's name doing no harm (escaped on the page, verbatim in the JSON).

The results side by side, with real locks and an edited venue result, is tested in a real browser
(tests/browser/test_hq_pages.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from scorer import cli
from scorer.hq import enrol, ingest, users
from scorer.hq.app import build_app
from scorer.hq.db import Database
from scorer.station import Identity
from scorer.sync import wire
from scorer.sync.wire import SyncRefused
from tests.hq.conftest import TABLES, Feed, chain, counts, enrolled, station

READER, PASSWORD = "zhao", "reader password three"
NASTY_NAME = "<script>alert('场地')</script>\"'); DROP TABLE venues; --"
NASTY_PATHS = [
    "' OR '1'='1' --",
    "Robert'); DROP TABLE venues; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "V-%' OR 1=1 --",
    "%00",
    "\x01bell",
    "\x00nul",
    "名字 ünïcødé",
    "x" * 5000,
]


@pytest.fixture
def site(hq_db: Database, hq_key: Identity) -> Iterator[TestClient]:
    users.add(hq_db, READER, "read-only", PASSWORD, "cli:test")
    yield TestClient(build_app(hq_db, hq_key, "总部"), follow_redirects=False)


def signed_in(site: TestClient) -> TestClient:
    client = TestClient(site.app, follow_redirects=False)
    page = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert token
    done = client.post(
        "/login", data={"username": READER, "password": PASSWORD, "login_csrf": token.group(1), "next": "/"}
    )
    assert done.status_code == 303, done.text
    return client


def push(database: Database, hq: Identity, feed: Feed, first: int, last: int) -> None:
    ingest.push_bytes(database, hq, wire.encode(feed.batch(first, last)))


def test_without_a_session_pages_go_to_log_in_and_the_api_answers_401(site: TestClient) -> None:
    for path in ("/venues", "/venues/V-1", "/venues/V-1/events/DB-1/CNC", "/venues?lang=en"):
        answer = site.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login?next=" + quote(path, safe="")), path
    for path in ("/api/v1/venues", "/api/v1/venues/V-1", "/api/v1/venues/V-1/events/DB-1/CNC"):
        answer = site.get(path)
        assert answer.status_code == 401 and answer.json()["error"]["code"] == "signin", path


def test_the_api_is_documented_in_openapi(site: TestClient) -> None:
    spec = site.get("/openapi.json").json()
    for path, model in (
        ("/api/v1/venues", "VenueSummary"),
        ("/api/v1/venues/{venue}", "VenueDetail"),
        ("/api/v1/venues/{venue}/events/{db}/{event}", "EventDetail"),
    ):
        get = spec["paths"][path]["get"]
        assert model in str(get["responses"]["200"]), path
        assert {"401", "403"} <= set(get["responses"]), path
    for model in ("VenueSummary", "StationSync", "FeedSync", "EventDetail", "ResultRow", "Figures"):
        assert model in spec["components"]["schemas"], model
    assert not any(p.startswith("/venues") for p in spec["paths"])  # pages are not API


def test_a_venues_sync_state_synced_behind_forked_and_bundled(
    site: TestClient, hq_db: Database, hq_key: Identity, hq_folder: Path, tmp_path: Path, db_url: str
) -> None:
    a, b, c = (station(tmp_path / n) for n in "abc")
    venue = enrolled(hq_db, hq_key, a)
    enrolled(hq_db, hq_key, b, venue)
    enrolled(hq_db, hq_key, c, venue)
    synced, behind, forked = Feed(a, venue), Feed(b, venue), Feed(c, venue)
    for f in (synced, behind, forked):
        f.grow(10)
    push(hq_db, hq_key, synced, 1, 10)
    push(hq_db, hq_key, behind, 1, 6)
    with pytest.raises(SyncRefused) as gap:
        push(hq_db, hq_key, behind, 9, 10)  # the station has 10; headquarters holds 6
    assert gap.value.code == "gap"
    push(hq_db, hq_key, forked, 1, 5)
    other = Feed(c, venue, rows=forked.rows[:3] + chain(c, 4, 4, forked.rows[2].hash, tag="b"))
    with pytest.raises(SyncRefused) as fork:
        push(hq_db, hq_key, other, 4, 7)
    assert fork.value.code == "fork"
    with pytest.raises(SyncRefused) as held_back:
        push(hq_db, hq_key, other, 6, 7)  # the station is quarantined now: kept beside, not stored
    assert held_back.value.code == "quarantined"
    client = signed_in(site)
    (v,) = client.get("/api/v1/venues").json()
    assert v["venue"] == venue and v["forks"] == 1 and v["quarantined_batches"] == 1
    by_station = {s["station"]: s for s in v["stations"]}
    ((fa,), (fb,), (fc,)) = (by_station[x.id]["feeds"] for x in (a, b, c))
    fp = wire.fingerprint(synced.rows[9].hash, 10)
    assert (fa["state"], fa["held"], fa["reported"], fa["fingerprint"]) == ("synced", 10, 10, fp)
    assert fa["text"]["zh"] == f"10/10 条，指纹一致（指纹 {fp}）"
    assert fa["text"]["en"] == f"10/10 entries, fingerprints match (fingerprint {fp})"
    assert (fb["state"], fb["held"], fb["reported"]) == ("behind", 6, 10)
    assert "还有 4 条未收到" in fb["text"]["zh"]
    assert (fc["state"], fc["held"], fc["forked"]) == ("fork", 5, True) and "指纹不一致" in fc["text"]["zh"]
    assert not by_station[a.id]["attention"]
    assert by_station[b.id]["attention"] and by_station[c.id]["attention"] and by_station[c.id]["quarantined"]
    assert any("分叉未解决" in t["zh"] for t in v["attention"])
    assert all(by_station[x.id]["last_contact"] for x in (a, b, c))
    page = client.get("/venues")
    assert page.status_code == 200 and "需处理" in page.text
    assert "10/10 条，指纹一致" in page.text and "6/10 条，还有 4 条未收到" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert "<script" not in page.text.lower()

    # a bundle imported by staff on the command line (on record as bundle.import) is counted
    d = station(tmp_path / "d")
    enrolled(hq_db, hq_key, d, venue)
    usb = Feed(d, venue)
    usb.grow(12)
    path = tmp_path / "venue.bundle"
    path.write_bytes(
        wire.make_bundle(
            d, venue=venue, db=usb.db, batches=usb.batches(5), made="2026-05-01T10:00:00Z", enrol=None
        )
    )
    assert cli.main(["hq", "import", str(path), "--db", db_url, "--data", str(hq_folder)]) == 0
    detail = client.get(f"/api/v1/venues/{venue}").json()
    assert detail["venue"]["bundles_imported"] == 1 and detail["venue"]["bundle_batches"] == 3
    (imported,) = detail["bundles"]
    assert (imported["bundle"], imported["station"], imported["stored"]) == ("venue.bundle", d.id, 12)
    assert [f["seq"] for f in detail["forks"]] == [4] and not detail["forks"][0]["settled"]
    assert detail["events"] == []
    en = client.get(f"/venues/{venue}?lang=en").text
    assert "Bundles imported" in en and "venue.bundle" in en and "12/12 entries, fingerprints match" in en


def test_a_read_only_api_token_may_read_and_unknown_names_are_404(site: TestClient, hq_db: Database) -> None:
    token = users.new_token(hq_db, READER, "script", "cli:test").token
    client = signed_in(site)
    assert client.get("/api/v1/venues").json() == []
    assert "还没有场地" in client.get("/venues").text
    for path in ("/api/v1/venues/V-NONE", "/api/v1/venues/V-NONE/events/DB/CNC"):
        answer = client.get(path)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
    by_token = site.get("/api/v1/venues", headers={"Authorization": f"Bearer {token}"})
    assert by_token.status_code == 200 and by_token.json() == []


def test_sql_and_html_in_path_parameters_and_a_venue_name_are_harmless(
    site: TestClient, hq_db: Database, hq_key: Identity, tmp_path: Path
) -> None:
    nasty = enrol.add_venue(hq_db, NASTY_NAME).venue
    ident = station(tmp_path / "s")
    enrolled(hq_db, hq_key, ident, nasty)
    before = counts(hq_db)
    client = signed_in(site)
    for name in NASTY_PATHS:
        part = quote(name, safe="")
        for path in (
            f"/venues/{part}",
            f"/venues/{nasty}/events/{part}/CNC",
            f"/venues/{nasty}/events/DB/{part}",
        ):
            page = client.get(path)
            assert page.status_code == 404, (path, page.text[:300])
            assert "<script>alert" not in page.text and "<img" not in page.text
            api = client.get("/api/v1" + path)
            if "/" in name:  # (a "/" even as %2F splits the path: then no route at all, a bare 404)
                assert api.status_code == 404, path
                continue
            assert "没有这个场地或项目" in page.text
            # not found, or a name beyond what the API documents (over 200 characters, control characters)
            answer = (api.status_code, api.json()["error"]["code"])
            assert answer in ((404, "not_found"), (422, "format")), path
            if len(name) <= 200 and not any(ord(ch) < 32 or ch == "%" for ch in name):
                assert answer == (404, "not_found"), path
    assert counts(hq_db) == before
    with hq_db.read() as tx:
        for table in TABLES:
            tx.one(f"SELECT count(*) FROM {table}")  # every table still there
    page = client.get("/venues")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(" in page.text
    assert "DROP TABLE venues" in page.text  # shown as written, harmless
    detail = client.get(f"/venues/{nasty}")
    assert (
        detail.status_code == 200 and "&lt;script&gt;" in detail.text and "<script>alert" not in detail.text
    )
    (v,) = client.get("/api/v1/venues").json()
    assert v["name"] == NASTY_NAME  # verbatim in the JSON
