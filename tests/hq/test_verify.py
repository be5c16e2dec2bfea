"""Public certificate verification (scorer.hq.certs, scorer.hq.pages_verify): the demo's CNC event is
locked at a real venue file through the chief judge's path, its certificates' codes taken as the
venue prints them (scorer.reports.certificates), and the file's rows pushed to headquarters as
signed batches. A printed code is genuine only once its event's lock has arrived and matches; a
forged one is not found; a changed relock withdraws the code it changed; a lock whose results
differ puts its certificates under review. Look-ups are limited per address, across workers and
under parallel guesses. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from scorer import locking
from scorer.demo import ensure_demo
from scorer.hq import certs, checks, ingest
from scorer.hq.app import build_app
from scorer.hq.db import Database
from scorer.reports.certificates import certificates_pdf, field_texts, winners
from scorer.reports.data import event_data
from scorer.station import Identity, identity
from scorer.store import Row, Store
from scorer.store.log import now
from scorer.sync import state, wire
from tests.hq.conftest import Feed, Server, enrolled
from tests.lockhelp import DEMO_PINS, lock_demo_cnc, lock_demo_cnc_edited

NASTY = [
    "' OR '1'='1' --",
    "x'); DROP TABLE certificates; --",
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "ABCDE%00FGHIJ",
    "..%2F..%2Fetc%2Fpasswd",
    "ünïcødé 证书",
    "A" * 3000,
]


@dataclass(frozen=True)
class Printed:
    """One certificate as the venue printed it: its code and what it shows."""

    code: str
    contestant: str
    name: str
    organisation: str
    award: str
    title: str
    total: str


@dataclass
class History:
    """The venue file's rows at three moments, and the certificates printed at each lock."""

    me: Identity
    db: str
    first: list[Row]  # up to and including the first lock
    relocked: list[Row]  # … unlocked, one winner disqualified, locked again
    edited: list[Row]  # another file: locked with the venue's figures edited (headquarters must differ)
    edited_db: str
    printed_first: dict[str, Printed]
    printed_relocked: dict[str, Printed]
    printed_edited: dict[str, Printed]
    certificate_pdf: bytes  # the first lock's certificates as printed once the station had enrolled
    dq: str  # the contestant disqualified before the relock
    competition: str
    event_name: str
    event_name_en: str
    date: str


def printed(store: Store) -> dict[str, Printed]:
    """The certificates the venue prints now for CNC, by code (read off the printed fields)."""
    data = event_data(store, "CNC", check_file=False)
    out = {}
    for r in winners(data):
        texts = field_texts(data, r)
        code = texts["verification"].removeprefix("验证码：")
        assert texts["qr"].endswith("|" + code) or texts["qr"].endswith("/" + code)
        person = data.contestants[r.code]
        out[code] = Printed(code, r.code, person.name, person.organisation, r.award, r.title, str(r.total))
    return out


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    folder = tmp_path_factory.mktemp("verify")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SCORER_DATA_DIR", str(folder / "data"))
        me = identity()
        with Store.open(ensure_demo(folder / "demo.scorer")) as store:
            lock_demo_cnc(store)
            locking.decrypt_event(store, "CNC", "CNC-E")
            first = [Row.of(r) for r in store.log()]
            printed_first = printed(store)
            # enrolled with a headquarters at the test client's address: what the venue prints now
            enrolment = state.Enrolment(me.id, "http://testserver", "HQ-1", "00" * 32, "V", "第一赛场", now())
            state.save_enrolment(store, enrolment)
            certificate_pdf = certificates_pdf(event_data(store, "CNC", check_file=False))
            locking.unlock_event(store, "CNC", "CNC-K", DEMO_PINS["CNC-K"], "复核发现违规，取消一名选手资格")
            top = next(p for p in printed_first.values() if p.award)
            store.set_status(contestant=top.contestant, status="dq", reason="违规", actor="CNC-K")
            lock_demo_cnc(store)
            relocked = [Row.of(r) for r in store.log()]
            printed_relocked = printed(store)
            comp = store.competition
            db = store.db_id
        with Store.open(ensure_demo(folder / "edited.scorer")) as store:
            lock_demo_cnc_edited(store, Decimal(5))
            edited = [Row.of(r) for r in store.log()]
            printed_edited = _venue_table_codes(store, edited)
            edited_db = store.db_id
    assert comp is not None
    event = comp.event("CNC")
    assert event is not None
    yield History(
        me, db, first, relocked, edited, edited_db, printed_first, printed_relocked, printed_edited, certificate_pdf,
        top.contestant, comp.name, event.name, event.name_en, comp.end_date or comp.start_date,
    )  # fmt: skip


def _venue_table_codes(store: Store, rows: list[Row]) -> dict[str, Printed]:
    """The codes of the venue's own (edited) figures, as its lock row carries them."""
    from scorer.rules.verification import verification_code

    comp = store.competition
    assert comp is not None
    lock = next(r for r in rows if r.kind == "event.lock")
    people = {c.code: c for c in comp.contestants}
    out = {}
    for code, rank, total, award, title, _status in json.loads(lock.payload)["table"]:
        if rank is not None and (award or title):
            check = verification_code(comp.id, "CNC", code, award, total)
            out[check] = Printed(
                check, code, people[code].name, people[code].organisation, award, title, total
            )
    return out


# ------------------------------------------------------------ headquarters


@pytest.fixture(autouse=True)
def _checking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "_hooks", [])
    monkeypatch.setattr(checks, "_checked", [])
    checks.install()


def push(database: Database, hq: Identity, feed: Feed, first: int, last: int) -> None:
    for lo in range(first, last + 1, 2000):
        ingest.push_bytes(database, hq, wire.encode(feed.batch(lo, min(lo + 1999, last))))


def lock_seq(rows: list[Row], nth: int = 1) -> int:
    return [r.seq for r in rows if r.kind == "event.lock"][nth - 1]


@pytest.fixture
def site(hq_db: Database, hq_key: Identity) -> TestClient:
    return TestClient(build_app(hq_db, hq_key, "总部"), follow_redirects=False)


def answer(site: TestClient, code: str, address: str = "198.51.100.20") -> Any:
    client = TestClient(site.app, follow_redirects=False, client=(address, 50000))
    return client.get(f"/api/v1/verify/{code}")


def statuses(site: TestClient, codes: Any) -> dict[str, str]:
    return {c: answer(site, c, f"192.0.2.{n % 250}").json()["status"] for n, c in enumerate(codes)}


def test_a_printed_code_is_genuine_once_its_lock_arrives_with_the_certificates_fields(
    site: TestClient, hq_db: Database, hq_key: Identity, history: History
) -> None:
    h = history
    feed = Feed(h.me, enrolled(hq_db, hq_key, h.me), h.db, h.first)
    seq = lock_seq(h.first)
    push(hq_db, hq_key, feed, 1, seq - 1)
    assert set(statuses(site, h.printed_first).values()) == {"not_found"}  # not before the lock
    decrypt = next(r.seq for r in h.first if r.kind == "event.decrypt")
    push(hq_db, hq_key, feed, seq, decrypt - 1)  # locked, not yet decrypted: the name is withheld
    for n, p in enumerate(h.printed_first.values()):
        got = answer(site, p.code, f"192.0.2.{100 + n}").json()
        assert (got["status"], got["name"], got["award"]) == ("genuine", "", p.award)
    page = TestClient(site.app, client=("192.0.2.200", 1)).get(f"/verify/{p.code}")
    assert "待解密" in page.text and p.name not in page.text and p.contestant not in page.text
    push(hq_db, hq_key, feed, decrypt, len(h.first))
    assert len(h.printed_first) >= 3 and any(p.title for p in h.printed_first.values())
    for n, p in enumerate(h.printed_first.values()):
        got = answer(site, p.code, f"192.0.2.{n}")
        assert got.status_code == 200 and got.headers["cache-control"] == "no-store"
        assert got.json() == {
            "code": p.code, "status": "genuine", "zh": "证书真实有效：与总部核对一致",
            "en": "This certificate is genuine: it matches headquarters' records", "name": p.name,
            "award": p.award, "title": p.title, "competition": h.competition, "event": h.event_name,
            "event_en": h.event_name_en, "date": h.date, "venue": "第一赛场",
        }  # fmt: skip
    # the page: the same fields, nothing beyond them
    p = next(p for p in h.printed_first.values() if p.award and p.title)
    page = TestClient(site.app, client=("192.0.2.99", 1)).get(f"/verify/{p.code}")
    assert page.status_code == 200 and 'data-status="genuine"' in page.text
    for shown in (p.name, p.award, p.title, h.competition, h.event_name, "第一赛场", p.code, "证书真实有效"):
        assert shown in page.text, shown
    y, m, d = (int(x) for x in h.date.split("-"))
    assert f"{y}年{m}月{d}日" in page.text
    others = [x for x in h.printed_first.values() if x.contestant != p.contestant]
    for hidden in (p.contestant, p.organisation, p.total, *(x.name for x in others)):
        assert hidden not in page.text and hidden not in json.dumps(answer(site, p.code, "192.0.2.98").json(),
                                                                   ensure_ascii=False), hidden  # fmt: skip
    english = TestClient(site.app, client=("192.0.2.97", 1)).get(f"/verify/{p.code}?lang=en")
    assert "This certificate is genuine" in english.text and "Issuing venue" in english.text
    assert (
        page.headers["x-robots-tag"].startswith("noindex")
        and "default-src 'none'" in page.headers["content-security-policy"]
    )


def test_the_qr_code_of_a_printed_certificate_opens_its_verification(
    site: TestClient, hq_db: Database, hq_key: Identity, history: History, tmp_path: Path
) -> None:
    """Scan the printed page (pdftoppm + zbar, as a phone would) and follow the address it carries."""
    from PIL import Image
    from pyzbar import pyzbar

    h = history
    push(hq_db, hq_key, Feed(h.me, enrolled(hq_db, hq_key, h.me), h.db, h.first), 1, len(h.first))
    (tmp_path / "c.pdf").write_bytes(h.certificate_pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-f", "1", "-l", "2", str(tmp_path / "c.pdf"),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    for png in pages:
        (found,) = pyzbar.decode(Image.open(png))
        url = found.data.decode("utf-8")
        assert re.fullmatch(r"http://testserver/verify/[A-Z2-7]{10}", url), url
        p = h.printed_first[url.rsplit("/", 1)[1]]
        page = TestClient(site.app, client=("192.0.2.60", 1)).get(url)
        assert page.status_code == 200 and 'data-status="genuine"' in page.text and p.name in page.text


def test_typed_codes_forged_codes_and_the_form(
    site: TestClient, hq_db: Database, hq_key: Identity, history: History
) -> None:
    h = history
    push(hq_db, hq_key, Feed(h.me, enrolled(hq_db, hq_key, h.me), h.db, h.first), 1, len(h.first))
    code = next(iter(h.printed_first))
    typed = f" {code[:3].lower()}-{code[3:6]} {code[6:].lower()} "
    assert answer(site, typed).json()["status"] == "genuine"
    assert answer(site, typed).json()["code"] == code
    assert certs.normalise(code.replace("O", "0").replace("I", "1").replace("B", "8")) == code
    assert certs.normalise("ＡＢＣＤＥ－ＦＧＨＩＪ") == "ABCDEFGHIJ" and certs.normalise("ABCDEFGHI9") is None
    client = TestClient(site.app, follow_redirects=False, client=("203.0.113.5", 1))
    form = client.get("/verify")
    assert form.status_code == 200 and 'name="code"' in form.text and "证书查验" in form.text
    went = client.get("/verify", params={"code": typed})
    assert went.status_code == 303 and went.headers["location"] == f"/verify/{code}"
    forged = ("A" if code[0] != "A" else "B") + code[1:]
    for fake in (forged, "ABCDEFGHIJ", "2222222222"):
        got = answer(site, fake)
        assert got.status_code == 404 and got.json()["status"] == "not_found" and got.json()["name"] is None
        page = client.get(f"/verify/{fake}")
        assert page.status_code == 404 and "未找到该证书：可能是伪造的，或场地尚未同步" in page.text
        assert 'data-status="not_found"' in page.text
    en = client.get(f"/verify/{forged}?lang=en")
    assert "No such certificate: it may be forged, or the venue has not synced yet" in en.text
    for name in (p.name for p in h.printed_first.values()):
        assert name not in en.text


def test_a_changed_relock_withdraws_the_code_it_changed(
    site: TestClient, hq_db: Database, hq_key: Identity, history: History
) -> None:
    h = history
    feed = Feed(h.me, enrolled(hq_db, hq_key, h.me), h.db, h.relocked)
    push(hq_db, hq_key, feed, 1, lock_seq(h.relocked, 2) - 1)  # the first lock, the unlock, the change
    before = statuses(site, h.printed_first)
    assert set(before.values()) == {"genuine"}  # the relock has not arrived: the first lock stands
    push(hq_db, hq_key, feed, lock_seq(h.relocked, 2), len(h.relocked))
    after = statuses(site, h.printed_first)
    gone = {c for c in h.printed_first if c not in h.printed_relocked}
    assert gone and any(h.printed_first[c].contestant == h.dq for c in gone)
    assert {c for c, s in after.items() if s == "withdrawn"} == gone
    assert set(statuses(site, h.printed_relocked).values()) == {"genuine"}
    code = next(c for c in gone if h.printed_first[c].contestant == h.dq)
    page = TestClient(site.app, client=("203.0.113.9", 1)).get(f"/verify/{code}")
    assert page.status_code == 200 and "该证书已撤回，不再有效" in page.text
    assert "证书真实有效" not in page.text
    push(hq_db, hq_key, feed, 1, len(h.relocked))  # a repeat changes nothing
    assert statuses(site, h.printed_first) == after


def test_a_lock_whose_results_differ_is_under_review_never_genuine(
    site: TestClient, hq_db: Database, hq_key: Identity, history: History
) -> None:
    h = history
    push(hq_db, hq_key, Feed(h.me, enrolled(hq_db, hq_key, h.me), h.edited_db, h.edited), 1, len(h.edited))
    with hq_db.read() as tx:
        assert tx.one("SELECT state FROM result_checks WHERE db = ?", (h.edited_db,)) == ("differ",)
    assert set(statuses(site, h.printed_edited).values()) == {"under_review"}
    got = answer(site, next(iter(h.printed_edited)))
    assert got.status_code == 200 and "under review" in got.json()["en"] and "核查中" in got.json()["zh"]


# ------------------------------------------------------------ the limit


def test_look_ups_are_limited_per_address_with_a_page_in_the_readers_language(
    site: TestClient, hq_db: Database
) -> None:
    for n in range(certs.LOOKUP_LIMIT):
        assert answer(site, f"AAAAAAA{n:03d}"[:10], "198.51.100.7").status_code == 404
    refused = answer(site, "ABCDEFGHIJ", "198.51.100.7")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
    assert 500 < int(refused.headers["retry-after"]) <= 600
    page = TestClient(site.app, client=("198.51.100.7", 1)).get("/verify/ABCDEFGHIJ")
    assert page.status_code == 429 and "查验次数太多，请 10 分钟后再试" in page.text
    en = TestClient(site.app, client=("198.51.100.7", 1), headers={"Accept-Language": "en"}).get("/verify/X")
    assert en.status_code == 429 and "too many certificate look-ups: try again in 10 minute(s)" in en.text
    assert answer(site, "ABCDEFGHIJ", "198.51.100.8").status_code == 404  # other addresses go on
    with hq_db.write() as tx:  # the window passes
        tx.run("UPDATE verify_lookups SET at = '2020-01-01T00:00:00.000000Z'")
    assert answer(site, "ABCDEFGHIJ", "198.51.100.7").status_code == 404
    with hq_db.read() as tx:
        assert tx.one("SELECT count(*) FROM verify_lookups WHERE at > '2021'") == (1,)


def test_parallel_guesses_cannot_slip_past_the_limit(hq_db: Database) -> None:
    """16 threads look up at once, 3 rounds, with 5 left under the limit: exactly 5 are answered."""
    for _ in range(3):
        with hq_db.write() as tx:
            tx.run("DELETE FROM verify_lookups")
            for _ in range(certs.LOOKUP_LIMIT - 5):
                tx.run(
                    "INSERT INTO verify_lookups (at, address) VALUES (?, '192.0.2.1')",
                    (certs.auth.iso(certs.auth.utcnow()),),
                )
        start = threading.Barrier(16)
        answered: list[bool] = []

        def guess(start: threading.Barrier = start, answered: list[bool] = answered) -> None:
            start.wait()
            try:
                certs.verify(hq_db, "ZZZZZZZZZZ", "192.0.2.1")
                answered.append(True)
            except certs.TooMany:
                answered.append(False)

        threads = [threading.Thread(target=guess) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(answered) == [False] * 11 + [True] * 5


def _get(url: str, headers: dict[str, str]) -> tuple[int, Any, bytes]:
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_the_limit_holds_across_workers_for_the_address_a_trusted_proxy_gives(
    db_url: str, hq_db: Database, server_factory: Any
) -> None:
    server: Server = server_factory(db_url, "--workers", "2", "--trust-proxy", "127.0.0.1")
    with hq_db.write() as tx:
        for _ in range(certs.LOOKUP_LIMIT - 4):
            tx.run(
                "INSERT INTO verify_lookups (at, address) VALUES (?, '203.0.113.7')",
                (certs.auth.iso(certs.auth.utcnow()),),
            )
    start = threading.Barrier(16)
    got: list[int] = []

    def guess(n: int) -> None:
        start.wait()
        path = "/api/v1/verify/QQQQQQQQQQ" if n % 2 else "/verify/QQQQQQQQQQ"
        got.append(_get(server.url + path, {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"})[0])

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == [404] * 4 + [429] * 12
    status, headers, body = _get(
        server.url + "/verify/QQQQQQQQQQ?lang=en", {"X-Forwarded-For": "203.0.113.7"}
    )
    assert (
        status == 429 and 0 < int(headers["Retry-After"]) <= 600 and b"too many certificate look-ups" in body
    )
    assert _get(server.url + "/api/v1/verify/QQQQQQQQQQ", {"X-Forwarded-For": "203.0.113.8"})[0] == 404
    with hq_db.read() as tx:
        assert tx.one("SELECT count(*) FROM verify_lookups WHERE address = '127.0.0.1'") == (0,)


# ------------------------------------------------------------ injection and the schema


def test_sql_and_html_in_the_code_are_harmless(
    site: TestClient, hq_db: Database, hq_key: Identity, history: History
) -> None:
    h = history
    push(hq_db, hq_key, Feed(h.me, enrolled(hq_db, hq_key, h.me), h.db, h.first), 1, len(h.first))
    with hq_db.read() as tx:
        before = tx.all("SELECT * FROM certificates ORDER BY code")
    client = TestClient(site.app, follow_redirects=False, client=("203.0.113.50", 1))
    from urllib.parse import quote

    for n, text in enumerate(NASTY):
        with hq_db.write() as tx:
            tx.run("DELETE FROM verify_lookups")
        for path in (f"/verify/{quote(text, safe='%')}", f"/api/v1/verify/{quote(text, safe='%')}"):
            got = client.get(path)
            assert got.status_code in (404, 422), (path[:60], got.status_code)
            assert "<script>alert" not in got.text and "<img src=x" not in got.text
        got = client.get("/verify", params={"code": text})
        assert got.status_code == 404 and "<script>alert" not in got.text and "<img src=x" not in got.text, n
        assert "未找到该证书" in got.text
    page = client.get("/verify?lang=<script>alert(1)</script>")
    assert page.status_code == 200 and "<script>alert(1)" not in page.text
    with hq_db.read() as tx:
        assert tx.all("SELECT * FROM certificates ORDER BY code") == before
    assert set(statuses(site, h.printed_first).values()) == {"genuine"}


def test_the_api_is_documented_and_public(site: TestClient) -> None:
    spec = site.get("/openapi.json").json()
    op = spec["paths"]["/api/v1/verify/{code}"]["get"]
    ok = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ok.endswith("/Verification") and "404" in op["responses"] and "429" in op["responses"]
    model = spec["components"]["schemas"]["Verification"]
    assert set(model["properties"]) == {"code", "status", "zh", "en", "name", "award", "title", "competition",
                                        "event", "event_en", "date", "venue"}  # fmt: skip
    assert "/verify/{code}" not in spec["paths"] and "security" not in op
    assert re.search(r"organi[sz]ation|total|contestant", json.dumps(model)) is None
