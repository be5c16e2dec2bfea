"""Who may do what at headquarters (scorer.hq.auth, scorer.hq.staff): log-in, sessions, CSRF, roles,
API tokens, log-in limits, the pages' language — in process (TestClient) for the many small cases and
through a real `scorer hq serve --workers 2` for the session's whole path, the limits across workers
and a trusted proxy. On SQLite and PostgreSQL."""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient

from scorer.hq import audit, auth, users
from scorer.hq.app import build_app
from scorer.hq.db import Database, open_database
from scorer.station import Identity
from tests.hq.conftest import Server, scorer

ADMIN, REVIEWER, READER = "wang", "li", "zhao"
PASSWORDS = {ADMIN: "admin password one", REVIEWER: "reviewer password two", READER: "reader password three"}
NASTY = [
    "' OR '1'='1' --",
    "Robert'); DROP TABLE users; --",
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "%00\x01ünïcødé 名字",
    "x" * 5000,
]


@pytest.fixture
def staffed(hq_db: Database) -> Database:
    """The database with an administrator, a reviewer and a read-only account."""
    for name, role in ((ADMIN, "administrator"), (REVIEWER, "reviewer"), (READER, "read-only")):
        users.add(hq_db, name, role, PASSWORDS[name], "cli:test")
    return hq_db


@pytest.fixture
def site(staffed: Database, hq_key: Identity) -> Iterator[TestClient]:
    """Headquarters' app in process, not following redirects."""
    yield TestClient(build_app(staffed, hq_key, "总部"), follow_redirects=False)


def client_for(site: TestClient, **kwargs: Any) -> TestClient:
    return TestClient(site.app, follow_redirects=False, **kwargs)


def login_token(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    assert page.status_code == 200
    found = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def log_in(
    client: TestClient, username: str, password: str | None = None, next_: str = "/", **extra: str
) -> Any:
    form = {"username": username, "password": password if password is not None else PASSWORDS[username],
            "login_csrf": login_token(client), "next": next_, **extra}  # fmt: skip
    return client.post("/login", data=form)


def signed_in(site: TestClient, username: str) -> TestClient:
    client = client_for(site)
    done = log_in(client, username)
    assert done.status_code == 303, done.text
    return client


def csrf_of(client: TestClient) -> str:
    return str(client.get("/api/v1/me").json()["csrf"])


def set_cookie(answer: Any, name: str) -> Any:
    """The Set-Cookie of `name` in an answer, parsed (a Morsel)."""
    (line,) = [h for h in answer.headers.get_list("set-cookie") if h.startswith(name + "=")]
    return SimpleCookie(line)[name]


def error_code(answer: Any) -> str:
    return str(answer.json()["error"]["code"])


def active(database: Database, username: str) -> bool:
    return users.get(database, username).active


# ------------------------------------------------------------ without credentials


def test_a_page_without_a_session_redirects_to_log_in_and_the_api_answers_401(site: TestClient) -> None:
    for path, where in (
        ("/", "/login?next=%2F"),
        ("/users", "/login?next=%2Fusers"),
        ("/users?lang=en", "/login?next=%2Fusers%3Flang%3Den&lang=en"),
    ):
        answer = site.get(path)
        assert answer.status_code == 303 and answer.headers["location"] == where, path
    for path in ("/logout", f"/users/{REVIEWER}/disable"):
        answer = site.post(path, data={"csrf": "anything"})
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=")
    for path in ("/api/v1/me", "/api/v1/users", "/api/v1/staff-actions", "/api/v1/staff-actions?limit=junk"):
        answer = site.get(path)
        assert answer.status_code == 401 and error_code(answer) == "signin", path
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert "请先登录" in answer.json()["error"]["zh"]
    for header in ("Basic d2FuZzpwdw==", "Bearer", "Bearer ", *[f"Bearer {n}" for n in NASTY if n.isascii()]):
        assert site.get("/api/v1/me", headers={"Authorization": header}).status_code == 401, header
    for cookie in ("x", "x.y", *NASTY[:4]):
        client = client_for(site, cookies={auth.SESSION_COOKIE: cookie})
        assert client.get("/api/v1/me").status_code == 401
        assert client.get("/users").status_code == 303
    assert active(site.app.state.staff_auth.database, REVIEWER)


# ------------------------------------------------------------ log-in, session, log-out


def test_log_in_gives_a_session_that_log_out_ends(site: TestClient, staffed: Database) -> None:
    client = client_for(site)
    done = log_in(client, ADMIN, next_="/users?lang=en")
    assert done.status_code == 303 and done.headers["location"] == "/users?lang=en"
    cookie = set_cookie(done, auth.SESSION_COOKIE)
    assert cookie["httponly"] and cookie["samesite"].lower() == "lax" and cookie["path"] == "/"
    assert not cookie["secure"]  # plain http here
    me = client.get("/api/v1/me").json()
    assert me["username"] == ADMIN and me["role"] == "administrator" and me["via"] == "session"
    assert me["token"] is None and len(me["csrf"]) >= 40
    page = client.get("/users?lang=en")
    assert page.status_code == 200 and REVIEWER in page.text and "Staff accounts" in page.text
    with staffed.read() as tx:
        (sid, address, ended) = tx.one("SELECT id, address, ended_at FROM sessions")  # type: ignore[misc]
    assert cookie.value.split(".")[0] not in sid and address == "testclient" and ended is None  # kept hashed
    assert users.get(staffed, ADMIN).last_login is not None

    replay = client_for(site, cookies={auth.SESSION_COOKIE: cookie.value})
    assert replay.get("/api/v1/me").status_code == 200
    out = client.post("/logout", data={"csrf": me["csrf"]})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert auth.SESSION_COOKIE in out.headers["set-cookie"] and "Max-Age=0" in out.headers["set-cookie"]
    assert replay.get("/api/v1/me").status_code == 401  # the session itself ended, not just the cookie
    assert replay.get("/").status_code == 303
    assert [a["action"] for a in audit.actions(staffed, who=ADMIN)] == ["logout", "login"]


def test_the_cookie_is_secure_over_https(site: TestClient) -> None:
    client = client_for(site, base_url="https://hq.example")
    done = log_in(client, READER)
    assert done.status_code == 303 and set_cookie(done, auth.SESSION_COOKIE)["secure"]
    assert client.get("/api/v1/me").json()["username"] == READER


def test_wrong_names_and_passwords_are_one_message_in_the_readers_language(
    site: TestClient, staffed: Database
) -> None:
    users.disable(staffed, READER, "cli:test")
    messages = set()
    for name, password in ((ADMIN, "not the password"), ("nobody", "whatever it is"), (READER, PASSWORDS[READER]),
                           (ADMIN, ""), ("", PASSWORDS[ADMIN]), (ADMIN, "x" * 2000)):  # fmt: skip
        answer = log_in(client_for(site), name, password)
        assert answer.status_code == 401 and auth.SESSION_COOKIE not in answer.headers.get("set-cookie", "")
        messages.add(re.search(r'role="alert">([^<]*)<', answer.text).group(1))  # type: ignore[union-attr]
    assert messages == {"用户名或密码不对"}
    english = client_for(site)
    form = {
        "username": ADMIN,
        "password": "nope nope nope",
        "login_csrf": login_token(english, "/login?lang=en"),
    }
    assert "the user name or password is wrong" in english.post("/login?lang=en", data=form).text
    by_header = client_for(site, headers={"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"})
    assert "the user name or password is wrong" in log_in(by_header, ADMIN, "nope nope nope").text


def test_the_login_page_is_chinese_first_and_fits_a_phone(site: TestClient) -> None:
    for headers, query, words in (
        ({}, "", "总部工作人员登录"),
        ({"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}, "", "总部工作人员登录"),
        ({"Accept-Language": "en-US,en;q=0.9"}, "", "Headquarters staff log-in"),
        ({"Accept-Language": "en-US,en;q=0.9"}, "?lang=zh", "总部工作人员登录"),
        ({}, "?lang=en", "Headquarters staff log-in"),
        ({"Accept-Language": "fr, de;q=0.5"}, "", "总部工作人员登录"),
    ):
        page = client_for(site, headers=headers).get("/login" + query)
        assert page.status_code == 200 and words in page.text, (headers, query)
    page = site.get("/login")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"
    login = set_cookie(page, auth.LOGIN_COOKIE)
    assert login["httponly"] and login["path"] == "/login"


def test_after_log_in_only_a_path_on_this_site_is_followed(site: TestClient) -> None:
    for target, where in (
        ("/users", "/users"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/x\r\nSet-Cookie: a=b", "/"),
        ("", "/"),
    ):
        done = log_in(client_for(site), REVIEWER, next_=target)
        assert done.status_code == 303 and done.headers["location"] == where, target


# ------------------------------------------------------------ CSRF


def test_a_form_without_its_csrf_token_is_refused(site: TestClient, staffed: Database) -> None:
    admin = signed_in(site, ADMIN)
    other = signed_in(site, ADMIN)
    path = f"/users/{REVIEWER}/disable"
    for form in ({}, {"csrf": ""}, {"csrf": "wrong"}, {"csrf": csrf_of(other)}, {"csrf": "名字"}):
        answer = admin.post(path, data=form)
        assert answer.status_code == 403 and "CSRF" in answer.text, form
    assert (
        admin.post(path, content=b'{"csrf": 1}', headers={"Content-Type": "application/json"}).status_code
        == 403
    )
    assert admin.post("/logout").status_code == 403
    assert active(staffed, REVIEWER) and admin.get("/api/v1/me").status_code == 200  # nothing happened

    done = admin.post(path, data={"csrf": csrf_of(admin)})
    assert done.status_code == 303 and done.headers["location"] == "/users"
    assert not active(staffed, REVIEWER)
    (record,) = audit.actions(staffed, action="user.disable")
    assert (record["who"], record["details"]["username"], record["address"]) == (
        ADMIN,
        REVIEWER,
        "testclient",
    )
    out = admin.post("/logout", headers={"X-CSRF-Token": csrf_of(admin)})  # the header does as well
    assert out.status_code == 303 and admin.get("/api/v1/me").status_code == 401


def test_the_log_in_form_needs_its_own_token(site: TestClient, staffed: Database) -> None:
    client = client_for(site)
    token = login_token(client)
    for form in (
        {"username": ADMIN, "password": PASSWORDS[ADMIN]},
        {"username": ADMIN, "password": PASSWORDS[ADMIN], "login_csrf": "forged"},
        {"username": ADMIN, "password": PASSWORDS[ADMIN], "login_csrf": login_token(client_for(site))},
    ):
        answer = client.post("/login", data=form)
        assert answer.status_code == 403 and "CSRF" in answer.text
        assert auth.SESSION_COOKIE not in answer.headers.get("set-cookie", "")
    stranger = client_for(site)  # the right field without the cookie it belongs to
    answer = stranger.post(
        "/login", data={"username": ADMIN, "password": PASSWORDS[ADMIN], "login_csrf": token}
    )
    assert answer.status_code == 403
    with staffed.read() as tx:
        assert tx.one("SELECT count(*) FROM sessions") == (0,)
        assert tx.one("SELECT count(*) FROM login_attempts") == (0,)  # refused before any attempt
    assert client.post("/login", data={"username": ADMIN, "password": PASSWORDS[ADMIN],
                                       "login_csrf": token}).status_code == 303  # fmt: skip


# ------------------------------------------------------------ roles and tokens


def test_a_reviewer_cannot_do_an_administrators_action(site: TestClient, staffed: Database) -> None:
    for name in (REVIEWER, READER):
        client = signed_in(site, name)
        page = client.get("/users")
        assert page.status_code == 403 and "管理员" in page.text and name in page.text
        answer = client.get("/api/v1/users")
        assert answer.status_code == 403 and error_code(answer) == "role"
        assert client.get("/api/v1/staff-actions").status_code == 403
        assert client.post(f"/users/{ADMIN}/disable", data={"csrf": csrf_of(client)}).status_code == 403
        assert (
            client.get("/").status_code == 200
            and client.get("/api/v1/me").json()["role"] == users.get(staffed, name).role
        )
    assert active(staffed, ADMIN) and not audit.actions(staffed, action="user.disable")
    admin = signed_in(site, ADMIN)
    listed = admin.get("/api/v1/users").json()
    assert [(u["username"], u["role"]) for u in listed] == [(REVIEWER, "reviewer"), (ADMIN, "administrator"),
                                                            (READER, "read-only")]  # fmt: skip
    assert "argon2" not in json.dumps(listed) and "hash" not in json.dumps(listed)
    refused = admin.post(f"/users/{ADMIN}/disable", data={"csrf": csrf_of(admin)})
    assert refused.status_code == 400 and "不能停用自己的账户" in refused.text and active(staffed, ADMIN)


def test_an_api_token_acts_as_its_user_without_csrf_until_revoked(
    site: TestClient, staffed: Database
) -> None:
    reviewer = users.new_token(staffed, REVIEWER, "rankings script", "cli:test")
    admin = users.new_token(staffed, ADMIN, "", "cli:test")
    bearer = {"Authorization": f"Bearer {reviewer.token}"}
    me = site.get("/api/v1/me", headers=bearer).json()
    assert me == {
        "username": REVIEWER,
        "role": "reviewer",
        "via": "token",
        "token": reviewer.id,
        "csrf": None,
    }
    assert site.get("/api/v1/users", headers=bearer).status_code == 403
    as_admin = {"Authorization": f"Bearer {admin.token}"}
    assert site.get("/api/v1/users", headers=as_admin).status_code == 200
    done = site.post(f"/users/{READER}/disable", headers=as_admin)  # no CSRF for a token
    assert done.status_code == 303 and not active(staffed, READER)
    actions = site.get("/api/v1/staff-actions?limit=2", headers=as_admin).json()
    assert [a["action"] for a in actions] == ["user.disable", "token.create"] and actions[0]["who"] == ADMIN
    older = site.get(f"/api/v1/staff-actions?limit=50&before={actions[-1]['id']}", headers=as_admin).json()
    assert older[0]["id"] < actions[-1]["id"] and older[-1]["action"] == "user.add"
    for query in (
        "limit=0",
        "limit=1001",
        "limit=1;DROP TABLE users",
        "before=-1",
        "before=99999999999999999999",
    ):
        answer = site.get(f"/api/v1/staff-actions?{query}", headers=as_admin)
        assert answer.status_code == 422 and error_code(answer) == "format", query
    users.revoke_token(staffed, reviewer.id, "cli:test")
    assert site.get("/api/v1/me", headers=bearer).status_code == 401
    wrong = {"Authorization": f"Bearer {admin.token[:-1]}{'A' if admin.token[-1] != 'A' else 'B'}"}
    assert site.get("/api/v1/me", headers=wrong).status_code == 401


def test_sessions_end_when_idle_too_long_past_their_limit_or_with_a_new_password(
    site: TestClient, staffed: Database
) -> None:
    idle, old, changed = (signed_in(site, name) for name in (ADMIN, REVIEWER, READER))
    with staffed.write() as tx:
        tx.run("UPDATE sessions SET last_seen = '2020-01-01T00:00:00.000000Z' WHERE user_id = "
               "(SELECT id FROM users WHERE username = ?)", (ADMIN,))  # fmt: skip
        tx.run("UPDATE sessions SET expires = '2020-01-01T00:00:00.000000Z' WHERE user_id = "
               "(SELECT id FROM users WHERE username = ?)", (REVIEWER,))  # fmt: skip
    users.set_password(staffed, READER, "a brand new reader password", "cli:test")
    for client in (idle, old, changed):
        assert client.get("/api/v1/me").status_code == 401 and client.get("/").status_code == 303
    assert log_in(client_for(site), READER).status_code == 401
    assert log_in(client_for(site), READER, "a brand new reader password").status_code == 303


def test_a_hash_made_with_weaker_parameters_is_replaced_at_log_in(
    site: TestClient, staffed: Database
) -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORDS[REVIEWER])
    with staffed.write() as tx:
        tx.run("UPDATE users SET password_hash = ? WHERE username = ?", (weak, REVIEWER))
    assert users.needs_rehash(weak)
    assert log_in(client_for(site), REVIEWER).status_code == 303
    with staffed.read() as tx:
        stored = users.find(tx, REVIEWER)[1]  # type: ignore[index]
    assert (
        stored != weak
        and not users.needs_rehash(stored)
        and users.verify_password(stored, PASSWORDS[REVIEWER])
    )


# ------------------------------------------------------------ log-in limits


def test_failed_log_ins_are_limited_per_account_and_per_address(site: TestClient, staffed: Database) -> None:
    client = client_for(site)
    for _ in range(4):
        assert log_in(client, ADMIN, "wrong password!").status_code == 401
    assert log_in(client, ADMIN).status_code == 303  # a good log-in clears the user name's count
    for _ in range(auth.ACCOUNT_LIMIT):
        assert log_in(client, ADMIN, "wrong password!").status_code == 401
    refused = log_in(client, ADMIN)  # the right password, but too late
    assert refused.status_code == 429 and "登录失败次数太多，请 15 分钟后再试" in refused.text
    assert 850 < int(refused.headers["retry-after"]) <= 900
    assert log_in(client, "WANG", PASSWORDS[ADMIN]).status_code == 429  # the same account in another case
    english = client_for(site, headers={"Accept-Language": "en"})
    assert "try again in 15 minute(s)" in log_in(english, ADMIN).text
    assert log_in(client, REVIEWER).status_code == 303  # other accounts are not held up
    with staffed.write() as tx:  # the window passes
        tx.run("UPDATE login_attempts SET at = '2020-01-01T00:00:00.000000Z'")
    assert log_in(client, ADMIN).status_code == 303

    names = [f"guess{n}" for n in range(auth.ADDRESS_LIMIT)]
    for name in names:
        assert log_in(client, name, "wrong password!").status_code == 401
    for name, password in ((READER, PASSWORDS[READER]), ("guess-more", "wrong password!")):
        answer = log_in(client, name, password)
        assert answer.status_code == 429 and int(answer.headers["retry-after"]) > 800
    with staffed.read() as tx:
        rows = tx.all(
            "SELECT outcome, count(*) FROM login_attempts WHERE at > '2021' GROUP BY outcome ORDER BY outcome"
        )
    assert rows == [("failed", auth.ADDRESS_LIMIT), ("ok", 1)]  # the refused ones are not even on record


def test_parallel_guesses_cannot_slip_past_the_limit(staffed: Database, hq_key: Identity) -> None:
    """16 threads check the limit at once, 5 rounds: exactly the limit's number get to try (the check
    and the attempt's row are one serialised transaction; without the lock PostgreSQL let 8 in)."""
    checker = auth.Auth(staffed, hq_key)
    for _ in range(5):
        with staffed.write() as tx:
            tx.run("DELETE FROM login_attempts")
        start = threading.Barrier(16)
        let_in: list[bool] = []

        def guess(start: threading.Barrier = start, let_in: list[bool] = let_in) -> None:
            start.wait()
            try:
                checker._begin(REVIEWER, "192.0.2.1")
                let_in.append(True)
            except auth.Throttled:
                let_in.append(False)

        threads = [threading.Thread(target=guess) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(let_in) == [False] * (16 - auth.ACCOUNT_LIMIT) + [True] * auth.ACCOUNT_LIMIT


# ------------------------------------------------------------ injection


def test_sql_and_html_in_every_field_are_harmless(site: TestClient, staffed: Database) -> None:
    def tables() -> list[Any]:
        with staffed.read() as tx:
            return [tx.one(f"SELECT count(*) FROM {t}") for t in ("users", "api_tokens", "staff_actions")]

    before = tables()
    client = client_for(site)
    token = login_token(client)
    for text in NASTY:
        for field in ("username", "password", "next", "login_csrf"):
            form = {
                "username": ADMIN,
                "password": "wrong password!",
                "login_csrf": token,
                "next": "/",
                field: text,
            }
            answer = client.post("/login", data=form)
            assert answer.status_code in (401, 403), (field, text[:40])
            assert "<script>alert" not in answer.text and "<img src=x" not in answer.text
        with staffed.write() as tx:
            tx.run("DELETE FROM login_attempts")  # keep under the limits
    shown = client.post(
        "/login", data={"username": NASTY[2], "password": "wrong password!", "login_csrf": token}
    )
    assert 'value="&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"' in shown.text
    for raw in (b"username=a%00b&password=x&login_csrf=y", b"username=%FF%FE&password=x", b"\xff\xfe=1",
                b"a=" + b"x" * 70000):  # fmt: skip
        answer = client.post(
            "/login", content=raw, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert answer.status_code == 400 and "表单内容无法读取" in answer.text, raw[:30]
    assert (
        client.post("/login", content=b"{}", headers={"Content-Type": "application/json"}).status_code == 400
    )

    admin = signed_in(site, ADMIN)
    csrf = csrf_of(admin)
    for text in [*NASTY[:5], "..%2F..%2Fetc", "wang%00"]:
        answer = admin.post(f"/users/{quote(text, safe='%')}/disable", data={"csrf": csrf})
        assert answer.status_code in (400, 404, 405), text
        assert "<script>alert" not in answer.text and "<img src=x" not in answer.text
    page = admin.get("/users?lang=<script>alert(1)</script>")
    assert page.status_code == 200 and "<script>alert(1)" not in page.text
    assert site.get("/login?next=<script>alert(1)</script>").status_code == 200
    assert tables()[:2] == before[:2] and all(active(staffed, n) for n in PASSWORDS)


# ------------------------------------------------------------ a real server


class Browser:
    """A client of a real server keeping its cookies, never following redirects."""

    def __init__(self, url: str, headers: dict[str, str] | None = None):
        self.where = urlsplit(url)
        self.cookies: dict[str, str] = {}
        self.headers = headers or {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, list[str]], str]:  # fmt: skip
        conn = http.client.HTTPConnection(self.where.hostname, self.where.port, timeout=60)
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=sent)
            resp = conn.getresponse()
            got: dict[str, list[str]] = {}
            for key, value in resp.getheaders():
                got.setdefault(key.lower(), []).append(value)
            text = resp.read().decode("utf-8")
        finally:
            conn.close()
        for line in got.get("set-cookie", []):
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return resp.status, got, text

    def log_in(self, username: str, password: str) -> tuple[int, dict[str, list[str]], str]:
        _, _, page = self.request("GET", "/login")
        token = re.search(r'name="login_csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        return self.request(
            "POST", "/login", {"username": username, "password": password, "login_csrf": token}
        )


def session_cookie(headers: dict[str, list[str]]) -> str:
    (line,) = [h for h in headers["set-cookie"] if h.startswith(auth.SESSION_COOKIE + "=")]
    return line


def test_log_in_session_me_and_log_out_through_a_real_server(
    db_url: str, staffed: Database, server_factory: Any
) -> None:
    server: Server = server_factory(db_url, "--workers", "2")
    browser = Browser(server.url)
    status, headers, _ = browser.request("GET", "/users")
    assert status == 303 and headers["location"] == ["/login?next=%2Fusers"]
    status, headers, _ = browser.log_in(ADMIN, PASSWORDS[ADMIN])
    assert status == 303 and "Secure" not in session_cookie(headers)
    for _ in range(6):  # whichever worker answers knows the session
        status, _, text = browser.request("GET", "/api/v1/me")
        assert status == 200 and json.loads(text)["username"] == ADMIN
    status, _, text = browser.request("GET", "/users")
    assert status == 200 and REVIEWER in text
    kept = dict(browser.cookies)
    csrf = json.loads(browser.request("GET", "/api/v1/me")[2])["csrf"]
    assert browser.request("POST", "/logout", {})[0] == 403
    status, headers, _ = browser.request("POST", "/logout", {"csrf": csrf})
    assert status == 303 and auth.SESSION_COOKIE not in browser.cookies
    replay = Browser(server.url)
    replay.cookies = kept
    for _ in range(4):
        assert replay.request("GET", "/api/v1/me")[0] == 401
    (login, logout) = reversed(audit.actions(staffed, who=ADMIN))
    assert (login["action"], logout["action"], login["address"]) == ("login", "logout", "127.0.0.1")


def test_the_log_in_limit_holds_across_workers_and_a_trusted_proxy_is_believed(
    db_url: str, staffed: Database, server_factory: Any
) -> None:
    server: Server = server_factory(db_url, "--workers", "2", "--trust-proxy", "127.0.0.1")
    answers: list[tuple[int, dict[str, list[str]]]] = []
    start = threading.Barrier(12)
    browsers = []
    for _ in range(12):
        # the client's own claim (left) is not believed; what the proxy saw (right) is
        b = Browser(
            server.url, {"X-Forwarded-For": "198.51.100.1, 203.0.113.7", "X-Forwarded-Proto": "https"}
        )
        _, _, page = b.request("GET", "/login")
        browsers.append((b, re.search(r'name="login_csrf" value="([^"]+)"', page).group(1)))  # type: ignore[union-attr]

    def guess(browser: Browser, token: str) -> None:
        start.wait()
        status, headers, _ = browser.request(
            "POST", "/login", {"username": REVIEWER, "password": "a wrong guess", "login_csrf": token}
        )
        answers.append((status, headers))

    threads = [threading.Thread(target=guess, args=pair) for pair in browsers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(s for s, _ in answers) == [401] * auth.ACCOUNT_LIMIT + [429] * (12 - auth.ACCOUNT_LIMIT)
    assert all(0 < int(h["retry-after"][0]) <= 900 for s, h in answers if s == 429)
    with staffed.read() as tx:
        assert tx.all("SELECT outcome, address, count(*) FROM login_attempts GROUP BY outcome, address") == [
            ("failed", "203.0.113.7", auth.ACCOUNT_LIMIT)
        ]
    b = browsers[0][0]
    assert b.log_in(REVIEWER, PASSWORDS[REVIEWER])[0] == 429  # the right password, too late
    status, headers, _ = b.log_in(ADMIN, PASSWORDS[ADMIN])
    assert status == 303 and "Secure" in session_cookie(headers)  # https, as the proxy said
    assert audit.actions(staffed, who=ADMIN)[0]["address"] == "203.0.113.7"


def test_without_trust_proxy_forwarded_headers_are_ignored(
    db_url: str, staffed: Database, server_factory: Any
) -> None:
    server: Server = server_factory(db_url)
    b = Browser(server.url, {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
    status, headers, _ = b.log_in(READER, PASSWORDS[READER])
    assert status == 303 and "Secure" not in session_cookie(headers)
    assert audit.actions(staffed, who=READER)[0]["address"] == "127.0.0.1"
    database = open_database(db_url)  # a second look from outside the fixture's pool
    try:
        with database.read() as tx:
            assert tx.one("SELECT address FROM sessions") == ("127.0.0.1",)
    finally:
        database.close()


def test_a_wrong_proxy_address_is_one_clear_line(tmp_path: Any) -> None:
    done = scorer(
        "hq", "serve", "--port", "0", "--data", str(tmp_path), "--trust-proxy", "127.0.0.1,proxy.local"
    )
    assert done.returncode == 1 and "--trust-proxy 的地址 'proxy.local' 不对" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
