"""The decision pages and API (scorer.hq.pages_decisions) in process, on SQLite and PostgreSQL: a
reviewer confirms a cross-venue list ranked from standings rows, the decision page and its four
downloads say what was signed; read-only staff and forms without their CSRF token cannot confirm;
SQL/HTML in the override reason is harmless; the JSON API and /openapi.json."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from scorer.hq import audit, crossvenue, decisions, users
from scorer.hq.app import build_app
from scorer.hq.crossvenue import Quota
from scorer.hq.db import Database
from scorer.station import Identity

ADMIN, REVIEWER, READER = "wang", "li", "zhao"
PASSWORDS = {ADMIN: "admin password one", REVIEWER: "reviewer password two", READER: "reader password three"}
NASTY = [
    "Robert'); DROP TABLE decisions; --",
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
]
# (db, code, venue, name, organisation, total, state)
STANDINGS = [
    ("DB-P", "A001", "V-P", "张伟", "上海电气集团", "91.50", "match"),
    ("DB-P", "A002", "V-P", "李娜", "上汽集团", "88.00", "match"),
    ("DB-M", "B001", "V-M", "王芳", "中国商飞", "93.25", "match"),
    ("DB-M", "B002", "V-M", "刘𠮷", "上海隧道工程", "80.00", "match"),
]
VENUE_NAMES = {"V-P": "浦东赛场", "V-M": "闵行赛场"}


def put_standings(database: Database, rows: list[tuple[str, ...]]) -> None:
    with database.write() as tx:
        tx.run("DELETE FROM standings")
        for db, code, venue, name, org, total, state in rows:
            if tx.one("SELECT 1 FROM venues WHERE venue = ?", (venue,)) is None:
                tx.run("INSERT INTO venues (venue, name, created) VALUES (?, ?, ?)",
                       (venue, VENUE_NAMES[venue], "2026-05-01T00:00:00Z"))  # fmt: skip
            tx.run(
                "INSERT INTO standings (db, event, code, venue, station, lock_seq, locked_at, state, event_name, "
                "competition, name, organisation, reg_no, status, total, scaled, rank, award, title, tie, detail) "
                "VALUES (?, 'E1', ?, ?, 'ST-1', 9, '2026-05-01T12:00:00Z', ?, '数控车工', 'C1', ?, ?, '', 'ok', "
                "?, NULL, 1, '', '', '[]', '{}')",
                (db, code, venue, state, name, org, total),
            )


@pytest.fixture
def setup(hq_db: Database) -> tuple[Database, int]:
    """Three accounts, standings of two venues, one selection: (database, selection id)."""
    for name, role in ((ADMIN, "administrator"), (REVIEWER, "reviewer"), (READER, "read-only")):
        users.add(hq_db, name, role, PASSWORDS[name], "cli:test")
    put_standings(hq_db, STANDINGS)
    with hq_db.write() as tx:
        sel = crossvenue.add_selection(
            tx,
            "2026年上海市数控车工选拔",
            "E1",
            "total",
            (Quota("上海市技术能手", 2), Quota("一等奖", 1)),
            "cli:test",
        )
    return hq_db, sel.id


@pytest.fixture
def site(setup: tuple[Database, int], hq_key: Identity) -> Iterator[TestClient]:
    yield TestClient(build_app(setup[0], hq_key, "总部"), follow_redirects=False)


def signed_in(site: TestClient, username: str) -> TestClient:
    client = TestClient(site.app, follow_redirects=False)
    page = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert token
    done = client.post(
        "/login", data={"username": username, "password": PASSWORDS[username], "login_csrf": token.group(1)}
    )
    assert done.status_code == 303, done.text
    return client


def form_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(csrf|digest)" value="([^"]*)">', html))


def stored(database: Database) -> list[decisions.Decision]:
    with database.read() as tx:
        return decisions.decisions(tx)


def confirm_via_page(client: TestClient, selection: int, **extra: str) -> Any:
    page = client.get(f"/selections/{selection}/confirm")
    assert page.status_code == 200, page.text
    return client.post(f"/selections/{selection}/confirm", data={**form_fields(page.text), **extra})


def pdftotext(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "d.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


# ------------------------------------------------------------ pages


def test_a_reviewer_confirms_and_the_decision_and_downloads_say_what_was_signed(
    site: TestClient, setup: tuple[Database, int], hq_key: Identity, tmp_path: Path
) -> None:
    """Confirm page → POST → decision page; PDF, XLSX, CSV and JSON of it; later standings do not change it."""
    database, sel = setup
    client = signed_in(site, REVIEWER)
    page = client.get(f"/selections/{sel}/confirm")
    assert page.status_code == 200
    for text in ("王芳", "张伟", "浦东赛场", "闵行赛场", "上海市技术能手", "确认并签名", "93.25"):
        assert text in page.text, text
    assert set(form_fields(page.text)) == {"csrf", "digest"}
    done = client.post(f"/selections/{sel}/confirm", data=form_fields(page.text))
    assert done.status_code == 303
    (d,) = stored(database)
    assert done.headers["location"] == f"/decisions/{d.id}"
    assert d.confirmed_by == REVIEWER and decisions.verify_decision(d, hq_key.public_hex)
    assert [(r["name"], r["place"], r["award"]) for r in d.content["rows"]] == [
        ("王芳", 1, "上海市技术能手"), ("张伟", 2, "上海市技术能手"), ("李娜", 3, "一等奖"), ("刘𠮷", 4, "")
    ]  # fmt: skip
    (action,) = audit.actions(database, action="decision.confirm")
    assert action["who"] == REVIEWER and action["details"]["decision"] == d.id

    put_standings(database, [(*STANDINGS[0][:5], "99.00", "match"), *STANDINGS[1:]])  # 张伟 moves up
    assert client.get(f"/selections/{sel}/confirm").text.index("张伟") < client.get(
        f"/selections/{sel}/confirm"
    ).text.index("王芳")
    shown = client.get(f"/decisions/{d.id}")
    assert shown.status_code == 200
    assert shown.text.index("王芳") < shown.text.index("张伟")  # as frozen
    for text in (d.fingerprint, d.hq, d.signature, "签名有效", f"/decisions/{d.id}.pdf", REVIEWER):
        assert text in shown.text, text
    assert f"/decisions/{d.id}" in client.get("/decisions").text

    pdf = client.get(f"/decisions/{d.id}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert f'filename="decision-{d.id}.pdf"' in pdf.headers["content-disposition"]
    text = pdftotext(pdf.content, tmp_path)
    for needed in ("王芳", "张伟", "刘𠮷", "上海市技术能手", "一等奖", "闵行赛场", d.fingerprint, d.hq):
        assert needed in text, needed
    assert "99.00" not in text

    wb = openpyxl.load_workbook(io.BytesIO(client.get(f"/decisions/{d.id}.xlsx").content))
    rows = list(wb["名单"].iter_rows(values_only=True))
    assert [(r[0], r[1], Decimal(str(r[5]))) for r in rows[1:3]] == [
        (1, "王芳", Decimal("93.25")),
        (2, "张伟", Decimal("91.5")),
    ]

    data = client.get(f"/decisions/{d.id}.csv")
    assert data.headers["content-type"].startswith("text/csv") and data.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig"))))
    assert [r[1] for r in table[1:]] == ["王芳", "张伟", "李娜", "刘𠮷"]

    export = client.get(f"/decisions/{d.id}.json").json()
    assert decisions.verify_export(export, hq_key.public_hex)
    export["decision"]["rows"][0]["name"] = "王芳芳"
    assert not decisions.verify_export(export, hq_key.public_hex)

    for bad in (
        f"/decisions/{d.id}.exe",
        f"/decisions/{d.id + 7}.pdf",
        f"/decisions/{d.id + 7}",
        "/selections/999/confirm",
    ):
        assert client.get(bad).status_code == 404, bad


def test_read_only_staff_may_look_but_not_confirm(site: TestClient, setup: tuple[Database, int]) -> None:
    """A read-only account gets 403 on the confirm page, its form and the API; it can read decisions."""
    database, sel = setup
    reviewer = signed_in(site, REVIEWER)
    assert confirm_via_page(reviewer, sel).status_code == 303
    reader = signed_in(site, READER)
    assert reader.get(f"/selections/{sel}/confirm").status_code == 403
    csrf = reader.get("/api/v1/me").json()["csrf"]
    refused = reader.post(f"/selections/{sel}/confirm", data={"csrf": csrf, "digest": "x"})
    assert refused.status_code == 403 and "审核员" in refused.text
    api = reader.post(f"/api/v1/selections/{sel}/decisions", headers={"X-CSRF-Token": csrf}, json={})
    assert api.status_code == 403 and api.json()["error"]["code"] == "role"
    assert len(stored(database)) == 1
    (d,) = stored(database)
    assert reader.get("/decisions").status_code == 200
    assert reader.get(f"/decisions/{d.id}").status_code == 200
    assert reader.get(f"/decisions/{d.id}.csv").status_code == 200
    assert reader.get(f"/api/v1/decisions/{d.id}").json()["valid"] is True
    anonymous = TestClient(site.app, follow_redirects=False)
    for path in ("/decisions", f"/decisions/{d.id}", f"/decisions/{d.id}.pdf", f"/selections/{sel}/confirm"):
        answer = anonymous.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next="), path
    assert anonymous.get("/api/v1/decisions").status_code == 401


def test_a_form_without_its_csrf_token_is_refused(site: TestClient, setup: tuple[Database, int]) -> None:
    """No token, a wrong token, or a session's JSON call without X-CSRF-Token: 403, nothing confirmed."""
    database, sel = setup
    client = signed_in(site, REVIEWER)
    fields = form_fields(client.get(f"/selections/{sel}/confirm").text)
    assert client.post(f"/selections/{sel}/confirm", data={"digest": fields["digest"]}).status_code == 403
    wrong = {**fields, "csrf": fields["csrf"][:-2] + "xx"}
    assert client.post(f"/selections/{sel}/confirm", data=wrong).status_code == 403
    api = client.post(f"/api/v1/selections/{sel}/decisions", json={})
    assert api.status_code == 403 and api.json()["error"]["code"] == "csrf"
    assert stored(database) == [] and audit.actions(database, action="decision.confirm") == []


def test_differing_rows_need_a_reason_and_injection_in_it_is_harmless(
    site: TestClient, setup: tuple[Database, int], hq_key: Identity
) -> None:
    """With a row flagged 'differ' the page asks for a reason; SQL/HTML reasons are kept verbatim and shown escaped."""
    database, sel = setup
    put_standings(database, [*STANDINGS[:3], (*STANDINGS[3][:6], "differ")])
    client = signed_in(site, REVIEWER)
    page = client.get(f"/selections/{sel}/confirm")
    assert 'name="override"' in page.text and 'class="differ"' in page.text
    refused = client.post(f"/selections/{sel}/confirm", data=form_fields(page.text))
    assert refused.status_code == 400 and "不一致" in refused.text and stored(database) == []
    for n, reason in enumerate(NASTY, start=1):
        done = confirm_via_page(client, sel, override=reason)
        assert done.status_code == 303, done.text
        d = stored(database)[0]
        assert d.content["override"] == reason and decisions.verify_decision(d, hq_key.public_hex)
        shown = client.get(f"/decisions/{d.id}").text
        assert reason not in shown and str(escape(reason)) in shown
        assert "<script>alert" not in shown and "<img src=x" not in shown
        assert len(stored(database)) == n
    with database.read() as tx:
        assert tx.one("SELECT count(*) FROM selections")[0] == 1
        assert tx.one("SELECT count(*) FROM standings")[0] == 4
    newest, *older = stored(database)
    assert all(o.superseded_by is not None for o in older) and newest.current
    old_page = client.get(f"/decisions/{older[-1].id}?lang=en").text
    assert "superseded by" in old_page


def test_a_list_changed_since_the_page_was_shown_is_not_confirmed(
    site: TestClient, setup: tuple[Database, int]
) -> None:
    database, sel = setup
    client = signed_in(site, REVIEWER)
    fields = form_fields(client.get(f"/selections/{sel}/confirm?lang=en").text)
    put_standings(database, STANDINGS[:3])
    answer = client.post(f"/selections/{sel}/confirm?lang=en", data=fields)
    assert answer.status_code == 409 and "changed since you looked" in answer.text
    assert stored(database) == []


def test_an_empty_list_cannot_be_confirmed(site: TestClient, setup: tuple[Database, int]) -> None:
    database, sel = setup
    put_standings(database, [])
    client = signed_in(site, REVIEWER)
    page = client.get(f"/selections/{sel}/confirm")
    assert "名单为空" in page.text and 'id="confirm-form"' not in page.text
    csrf = client.get("/api/v1/me").json()["csrf"]
    answer = client.post(f"/selections/{sel}/confirm", data={"csrf": csrf, "digest": ""})
    assert answer.status_code == 400 and stored(database) == []


# ------------------------------------------------------------ API


def test_the_api_confirms_with_a_reviewer_token_and_lists_decisions(
    site: TestClient, setup: tuple[Database, int], hq_key: Identity
) -> None:
    """POST /api/v1/selections/{id}/decisions with a token (no CSRF), GET the list and one; the schema documents them."""
    database, sel = setup
    token = users.new_token(database, REVIEWER, "nightly", "cli:test").token
    reader_token = users.new_token(database, READER, "look", "cli:test").token
    bearer = {"Authorization": f"Bearer {token}"}
    made = site.post(f"/api/v1/selections/{sel}/decisions", headers=bearer)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["valid"] is True and body["decision"]["confirmed_by"] == REVIEWER
    assert (
        body["decision"]["rows"][0]["name"] == "王芳"
        and body["downloads"]["pdf"] == f"/decisions/{body['id']}.pdf"
    )
    again = site.post(f"/api/v1/selections/{sel}/decisions", headers=bearer, json={"override": None})
    assert again.status_code == 201 and again.json()["decision"]["supersedes"] == body["id"]
    stale = site.post(f"/api/v1/selections/{sel}/decisions", headers=bearer, json={"expect": "0" * 64})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "changed"
    assert site.post("/api/v1/selections/999/decisions", headers=bearer).status_code == 404
    long = site.post(f"/api/v1/selections/{sel}/decisions", headers=bearer, json={"override": "x" * 3000})
    assert long.status_code == 422
    refused = site.post(
        f"/api/v1/selections/{sel}/decisions", headers={"Authorization": f"Bearer {reader_token}"}
    )
    assert refused.status_code == 403

    listed = site.get("/api/v1/decisions", headers={"Authorization": f"Bearer {reader_token}"}).json()
    assert [x["id"] for x in listed] == [again.json()["id"], body["id"]]
    assert listed[1]["superseded_by"] == listed[0]["id"] and listed[0]["superseded_by"] is None
    assert site.get(f"/api/v1/decisions?selection={sel + 1}", headers=bearer).json() == []
    one = site.get(f"/api/v1/decisions/{body['id']}", headers=bearer).json()
    assert one["signature"] == body["signature"] and one["superseded_by"] == listed[0]["id"]
    assert site.get("/api/v1/decisions/12345", headers=bearer).status_code == 404

    schema = site.get("/openapi.json").json()
    for path in (
        "/api/v1/decisions",
        "/api/v1/decisions/{id}",
        "/api/v1/selections/{selection_id}/decisions",
    ):
        assert path in schema["paths"], path
    assert "DecisionOut" in schema["components"]["schemas"]
    assert not any(p.startswith("/decisions") or p.startswith("/selections") for p in schema["paths"])


def test_pages_speak_english_when_asked(site: TestClient, setup: tuple[Database, int]) -> None:
    sel = setup[1]
    client = signed_in(site, REVIEWER)
    page = client.get(f"/selections/{sel}/confirm?lang=en")
    assert "Confirm and sign" in page.text and "确认并签名" not in page.text
    assert confirm_via_page(client, sel).status_code == 303
    assert "Decisions" in client.get("/decisions?lang=en").text
    assert json.loads(json.dumps(client.get("/api/v1/decisions").json()))[0]["rows"] == 4


def test_through_a_real_server(db_url: str, server_factory: Any, tmp_path: Path) -> None:
    """`scorer hq serve` (create_app from the environment): a reviewer's token confirms, the PDF downloads."""
    from scorer.hq.db import migrate, open_database

    database = open_database(db_url)
    try:
        migrate(database)
        users.add(database, REVIEWER, "reviewer", PASSWORDS[REVIEWER], "cli:test")
        token = users.new_token(database, REVIEWER, "script", "cli:test").token
        put_standings(database, STANDINGS)
        with database.write() as tx:
            sel = crossvenue.add_selection(
                tx, "全市选拔", "E1", "total", (Quota("一等奖", 1),), "cli:test"
            ).id
    finally:
        database.close()
    server = server_factory(db_url)
    bearer = {"Authorization": f"Bearer {token}"}

    def call(path: str, method: str = "GET") -> tuple[int, bytes, str]:
        req = urllib.request.Request(
            server.url + path, method=method, headers=bearer, data=b"" if method == "POST" else None
        )
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, resp.read(), resp.headers.get("content-type", "")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), exc.headers.get("content-type", "")

    status, body, _ = call(f"/api/v1/selections/{sel}/decisions", "POST")
    assert status == 201, body
    made = json.loads(body)
    hq_key = json.loads(call("/api/v1/hq")[1])["key"]
    assert made["valid"] and made["hq_key"] == hq_key
    status, pdf, kind = call(made["downloads"]["pdf"])
    assert status == 200 and kind == "application/pdf"
    assert "王芳" in pdftotext(pdf, tmp_path) and made["fingerprint"] in pdftotext(pdf, tmp_path)
    status, data, _ = call(made["downloads"]["json"])
    assert decisions.verify_export(json.loads(data), hq_key)
