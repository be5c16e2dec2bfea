"""Who is asking: staff sessions for the pages, API tokens for scripts, CSRF, log-in rate limits.

Routes ask for a role with a dependency: `staff: Staff = Depends(require("reviewer"))`. It accepts
either credential:
- `Authorization: Bearer TK-….<secret>` (scorer.hq.users API tokens; no CSRF: nothing automatic
  sends it), or
- the session cookie `scorer_hq_session`: a random id and its HMAC signature. The session itself is
  a row in `sessions` (keyed by the id's SHA-256), so a log-out, a password change or a disabled
  account ends it in every worker at once. A request that changes something (not GET/HEAD/OPTIONS)
  on a session must carry the session's CSRF token: the form field `csrf` or the header
  `X-CSRF-Token`.
Refusals: without a credential, a page redirects (303) to /login?next=…, the API answers 401; a
role too small or a missing/wrong CSRF token is 403. API refusals are the usual error object
{"error": {code, zh, en, seq}} with codes "signin", "role", "csrf"; pages say it in the reader's
language.

The cookie is HttpOnly, SameSite=Lax, Secure when the request came over https. Behind a reverse
proxy, `scorer hq serve --trust-proxy ADDRESSES` lets uvicorn believe X-Forwarded-Proto/-For from the
proxy's addresses (then `request.client` is the real client); otherwise both headers are ignored.
The signing key is derived from headquarters' Ed25519 key (a signature is deterministic), so every
worker has the same key and a copy of the database alone cannot make cookies.

Log-in attempts are rows in `login_attempts`, so the limits hold across workers: more than 5 failed
attempts for one user name, or 20 from one address, within 15 minutes → refused (429, Retry-After)
without checking the password. A good log-in clears the user name's count. The check and the
attempt's row are one transaction, serialised (SQLite's write lock; a PostgreSQL advisory lock), so
parallel guesses cannot slip past the limit.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import math
import secrets
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from scorer.errors import ScorerError
from scorer.hq import audit, users, web
from scorer.hq.db import Database, Tx
from scorer.hq.users import User
from scorer.station import Identity
from scorer.sync import wire

SESSION_COOKIE = "scorer_hq_session"
LOGIN_COOKIE = "scorer_hq_login"  # the log-in form's own CSRF token, before there is a session
SESSION_IDLE = datetime.timedelta(hours=12)  # unused this long, a session ends
SESSION_MAX = datetime.timedelta(days=3)  # however used, a session ends this long after log-in
SESSION_TOUCH = datetime.timedelta(minutes=5)  # last_seen is written at most this often
WINDOW = datetime.timedelta(minutes=15)
ACCOUNT_LIMIT = 5  # failed log-ins per user name per WINDOW
ADDRESS_LIMIT = 20  # failed log-ins per client address per WINDOW
KEEP_ATTEMPTS = datetime.timedelta(days=1)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_LOGIN_LOCK = 0x5C0AE5  # the PostgreSQL advisory lock serialising log-in checks
_KEY_LABEL = b"scorer headquarters: the key that signs staff session cookies, v1"


@dataclass(frozen=True)
class Staff:
    """Who a request acts for: the account, and how it proved it (a session or a token)."""

    user: User
    via: str  # "session" or "token"
    address: str
    session: str | None = None  # the session row's id (the SHA-256 of the cookie's secret)
    csrf: str | None = None  # the session's CSRF token (pages put it into their forms)
    token: str | None = None  # the API token's id

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def role(self) -> str:
        return self.user.role

    def can(self, role: str) -> bool:
        return users.allows(self.user.role, role)

    def public(self) -> dict[str, Any]:
        """What GET /api/v1/me says."""
        return {"username": self.username, "role": self.role, "via": self.via, "token": self.token,
                "csrf": self.csrf}  # fmt: skip


class Refused(Exception):
    """A request refused for who is (not) asking: its HTTP status, error code and bilingual text."""

    status = 403
    code = "role"

    def __init__(self, zh: str, en: str, headers: dict[str, str] | None = None):
        super().__init__(en)
        self.zh, self.en, self.headers = zh, en, headers or {}


class NotSignedIn(Refused):
    status = 401
    code = "signin"

    def __init__(self) -> None:
        super().__init__(
            "请先登录（或在 Authorization 头中给出 API 令牌）",
            "log in first (or give an API token in the Authorization header)",
            {"WWW-Authenticate": 'Bearer realm="scorer-hq"'},
        )


class NotAllowed(Refused):
    def __init__(self, staff: Staff, needed: str):
        zh_role, en_role = users.ROLE_NAMES[needed]
        mine_zh, mine_en = users.ROLE_NAMES[staff.role]
        super().__init__(
            f"此操作需要「{zh_role}」角色；您（{staff.username}）是「{mine_zh}」",
            f"this needs the {en_role} role; you ({staff.username}) are {mine_en}",
        )


class BadCsrf(Refused):
    code = "csrf"

    def __init__(self) -> None:
        super().__init__(
            "表单已过期或不是从本站提交的（缺少或不符的 CSRF 令牌）：请刷新页面后重试",
            "the form has expired or did not come from this site (a missing or wrong CSRF token): "
            "reload the page and try again",
        )


class Limited(ScorerError):
    """A limit kept in the database was reached: `retry_after` seconds until the next try. The
    subclass names what was counted (zh, en)."""

    what = ("尝试次数太多", "too many attempts")

    def __init__(self, retry_after: int):
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            f"{self.what[0]}，请 {minutes} 分钟后再试", f"{self.what[1]}: try again in {minutes} minute(s)"
        )
        self.retry_after = retry_after


class Throttled(Limited):
    """Too many failed log-ins."""

    what = ("登录失败次数太多", "too many failed log-ins")


def wrong_login() -> ScorerError:
    return ScorerError("用户名或密码不对", "the user name or password is wrong")


# ------------------------------------------------------------ time


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def iso(moment: datetime.datetime) -> str:
    """As scorer.store.log.now() writes times (fixed width, so text order is time order)."""
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _parse(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


_utcnow, _iso = utcnow, iso


# ------------------------------------------------------------ limits kept in the database
# A limit is rows with a time in a table; the check and the new row are one serialised transaction
# (serialise), so parallel requests in any worker cannot slip past it. Log-ins use these below, and
# so do the public certificate look-ups (scorer.hq.certs).


def serialise(tx: Tx, lock: int = _LOGIN_LOCK) -> None:
    """Serialise this write transaction with every other taking `lock`: SQLite's write lock is
    already held (BEGIN IMMEDIATE); PostgreSQL takes the advisory lock `lock` until the end."""
    if tx.kind == "postgresql":
        tx.one("SELECT pg_advisory_xact_lock(?)", (lock,))


def retry_after(
    times: Sequence[str], limit: int, moment: datetime.datetime, window: datetime.timedelta = WINDOW
) -> float | None:
    """Seconds until fewer than `limit` of the attempts at `times` (within `window`, oldest first)
    remain in the window; None when there already are fewer."""
    if len(times) < limit:
        return None
    return (_parse(times[len(times) - limit]) + window - moment).total_seconds()


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))


def client_address(request: Request) -> str:
    """The client's address as the server sees it (the proxy's X-Forwarded-For only with --trust-proxy)."""
    return request.client.host if request.client else ""


# ------------------------------------------------------------ the authenticator


class Auth:
    """Sessions, tokens and log-ins over one database; one per app (app.state.staff_auth)."""

    def __init__(self, database: Database, hq: Identity):
        self.database = database
        self._key = hashlib.sha256(hq.sign(_KEY_LABEL)).digest()

    # ---- signatures

    def sign(self, purpose: str, value: str) -> str:
        mac = hmac.new(self._key, f"{purpose}:{value}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")

    def _cookie_secret(self, cookie: str) -> str | None:
        """The session secret in a cookie whose signature is right, else None."""
        secret, _, mac = cookie.partition(".")
        if not secret or not mac or len(cookie) > 200:
            return None
        return secret if _same(mac, self.sign("session", secret)) else None

    def login_form_token(self, login_cookie: str) -> str:
        """The log-in form's CSRF field for its cookie (a signed double submit)."""
        return self.sign("login", login_cookie)

    def login_form_ok(self, login_cookie: str | None, sent: str | None) -> bool:
        return bool(login_cookie and sent) and _same(sent or "", self.login_form_token(login_cookie or ""))

    # ---- who is asking

    def identify(self, request: Request) -> Staff | None:
        """The staff a request acts for (a bearer token, else a session cookie), or None."""
        address = client_address(request)
        header = request.headers.get("authorization")
        if header is not None:
            scheme, _, value = header.partition(" ")
            if scheme.lower() != "bearer":
                return None
            found = users.token_user(self.database, value)
            if found is None:
                return None
            return Staff(found[0], "token", address, token=found[1])
        cookie = request.cookies.get(SESSION_COOKIE)
        secret = self._cookie_secret(cookie) if cookie else None
        return None if secret is None else self._session(secret, address)

    def _session(self, secret: str, address: str) -> Staff | None:
        sid = hashlib.sha256(secret.encode("ascii", "replace")).hexdigest()
        with self.database.read() as tx:
            row = tx.one(
                f"SELECT s.csrf, s.last_seen, s.expires, s.ended_at, {users.user_columns('u')} "
                "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?",
                (sid,),
            )
        if row is None:
            return None
        csrf, last_seen, expires, ended = row[:4]
        user = users.user_from_row(row[4:])
        moment = _utcnow()
        at = _iso(moment)
        if (
            ended is not None
            or not user.active
            or at >= expires
            or moment - _parse(last_seen) >= SESSION_IDLE
        ):
            return None
        if moment - _parse(last_seen) >= SESSION_TOUCH:
            with self.database.write() as tx:
                tx.run("UPDATE sessions SET last_seen = ? WHERE id = ? AND ended_at IS NULL", (at, sid))
        return Staff(user, "session", address, session=sid, csrf=csrf)

    # ---- logging in and out

    def login(self, username: str, password: str, address: str) -> tuple[str, Staff]:
        """Check a log-in; (the session cookie's value, the staff) on success. `Throttled` when the
        limits are reached (the password is then not even checked), ScorerError for a wrong user
        name or password (the same words for both, and about the same time)."""
        key = users.name_key(username.strip())[:200]
        attempt = self._begin(key, address)
        with self.database.read() as tx:
            found = users.find(tx, username.strip()) if key else None
        ok = False
        if len(password) > users.MAX_PASSWORD:
            pass  # not hashed: its length alone refuses it
        elif found is None or not found[0].active:
            users.waste_a_check(password)
        else:
            ok = users.verify_password(found[1], password)
        if not ok or found is None:
            with self.database.write() as tx:
                tx.run("UPDATE login_attempts SET outcome = 'failed' WHERE id = ?", (attempt,))
            raise wrong_login()
        user, stored = found
        if users.needs_rehash(stored):
            users.rehash(self.database, user.id, stored, password)
        secret = secrets.token_urlsafe(32)
        sid = hashlib.sha256(secret.encode("ascii")).hexdigest()
        csrf = secrets.token_urlsafe(32)
        moment = _utcnow()
        with self.database.write() as tx:
            tx.run("UPDATE login_attempts SET outcome = 'ok' WHERE id = ?", (attempt,))
            tx.run(
                "INSERT INTO sessions (id, user_id, csrf, created, last_seen, expires, address) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (sid, user.id, csrf, _iso(moment), _iso(moment), _iso(moment + SESSION_MAX), address),
            )
            tx.run("UPDATE users SET last_login = ? WHERE id = ?", (_iso(moment), user.id))
            audit.record(tx, user.username, "login", {}, address)
        staff = Staff(user, "session", address, session=sid, csrf=csrf)
        return f"{secret}.{self.sign('session', secret)}", staff

    def _begin(self, key: str, address: str) -> int:
        """Check the limits and put the attempt on record ("pending", counted as failed until it
        succeeds); its id. Throttled when a limit is reached."""
        moment = _utcnow()
        cutoff = _iso(moment - WINDOW)
        with self.database.write() as tx:
            serialise(tx)
            tx.run("DELETE FROM login_attempts WHERE at < ?", (_iso(moment - KEEP_ATTEMPTS),))
            failed: list[str] = []
            for at, outcome in tx.all(
                "SELECT at, outcome FROM login_attempts WHERE name_key = ? AND at > ? ORDER BY at, id",
                (key, cutoff),
            ):
                failed = [] if outcome == "ok" else [*failed, at]
            from_address = [
                r[0]
                for r in tx.all(
                    "SELECT at FROM login_attempts WHERE address = ? AND at > ? AND outcome <> 'ok' "
                    "ORDER BY at, id",
                    (address, cutoff),
                )
            ]
            waits = [
                wait
                for times, limit in ((failed, ACCOUNT_LIMIT), (from_address, ADDRESS_LIMIT))
                if (wait := retry_after(times, limit, moment)) is not None
            ]
            if waits:
                raise Throttled(max(1, math.ceil(max(waits))))
            at = _iso(moment)
            tx.run(
                "INSERT INTO login_attempts (at, name_key, address, outcome) VALUES (?, ?, ?, 'pending')",
                (at, key, address),
            )
            # Its id (no RETURNING: SQLite before 3.35 lacks it); the lock above keeps it ours alone.
            row = tx.one(
                "SELECT max(id) FROM login_attempts WHERE name_key = ? AND address = ? AND at = ?",
                (key, address, at),
            )
        assert row is not None
        return int(row[0])

    def logout(self, staff: Staff) -> None:
        """End the session `staff` came with (a token's request has none to end)."""
        if staff.session is None:
            return
        with self.database.write() as tx:
            ended = tx.run(
                "UPDATE sessions SET ended_at = ?, ended_why = 'logout' WHERE id = ? AND ended_at IS NULL",
                (_iso(_utcnow()), staff.session),
            )
            if ended:
                audit.record(tx, staff.username, "logout", {}, staff.address)


# ------------------------------------------------------------ cookies


def set_session_cookie(response: Response, request: Request, value: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=int(SESSION_MAX.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def set_login_cookie(response: Response, request: Request, value: str) -> None:
    response.set_cookie(
        LOGIN_COOKIE, value, max_age=3600, path="/login", httponly=True, samesite="lax",
        secure=request.url.scheme == "https",
    )  # fmt: skip


def clear_cookie(response: Response, request: Request, name: str, path: str = "/") -> None:
    response.delete_cookie(
        name, path=path, httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )


# ------------------------------------------------------------ the dependency


def current(request: Request) -> Auth:
    return request.app.state.staff_auth  # type: ignore[no-any-return]


def require(role: str = "read-only") -> Callable[[Request], Coroutine[Any, Any, Staff]]:
    """A FastAPI dependency: the Staff acting, who must have `role` (or a greater one); for a
    session, a request that changes something must carry its CSRF token. See the module."""
    users.check_role(role)

    async def staff_with_role(request: Request) -> Staff:
        staff = await run_in_threadpool(current(request).identify, request)
        if staff is None:
            raise NotSignedIn()
        request.state.staff = staff
        if staff.via == "session" and request.method not in SAFE_METHODS:
            await check_csrf(request, staff)
        if not staff.can(role):
            raise NotAllowed(staff, role)
        return staff

    staff_with_role.__name__ = f"require_{role.replace('-', '_')}"
    return staff_with_role


# The usual three, for route signatures: `def page(request: Request, staff: Reviewer) -> Response`.
ReadOnly = Annotated[Staff, Depends(require("read-only"))]
Reviewer = Annotated[Staff, Depends(require("reviewer"))]
Administrator = Annotated[Staff, Depends(require("administrator"))]


async def check_csrf(request: Request, staff: Staff) -> None:
    """BadCsrf unless the request carries the session's CSRF token (header or form field)."""
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        try:
            sent = (await web.read_form(request)).get("csrf")
        except web.BadForm:
            sent = None
    if not sent or not staff.csrf or not _same(sent, staff.csrf):
        raise BadCsrf()


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install(app: FastAPI, database: Database, hq: Identity) -> Auth:
    """Put the authenticator on `app` (app.state.staff_auth) and answer its refusals: the error
    object for /api/…, a redirect to the log-in page or a page saying why for the rest."""
    auth = Auth(database, hq)
    app.state.staff_auth = auth

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        if is_api(request):
            body = {"error": {"code": exc.code, "zh": exc.zh, "en": exc.en, "seq": None}}
            return Response(wire.encode(body), exc.status, exc.headers, media_type="application/json")
        if isinstance(exc, NotSignedIn):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            lang = request.query_params.get("lang", "")
            where = web.with_query("/login", next=target, lang=lang if lang in ("en", "zh") else "")
            return RedirectResponse(where, status_code=303)
        return web.message(request, exc.status, exc.zh, exc.en)

    @app.exception_handler(web.BadForm)
    async def bad_form(request: Request, exc: web.BadForm) -> Response:
        zh, en = "表单内容无法读取", "the form cannot be read"
        if is_api(request):
            body = {"error": {"code": "format", "zh": zh, "en": en, "seq": None}}
            return Response(wire.encode(body), 400, media_type="application/json")
        return web.message(request, 400, zh, en)

    return auth
