"""Headquarters' staff routes: log-in and log-out, the start page, the accounts page, and the JSON
API of who is asking (`/api/v1/me`), the accounts and the staff actions.

The pattern for every later page or API that changes something: `Depends(require(ROLE))` (the
session's CSRF token is checked there), the change and `audit.record(...)` in one transaction, then
a 303 back to a page (a page) or the JSON answer (the API). Pages are left out of /openapi.json.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from scorer.errors import ScorerError
from scorer.hq import audit, auth, schemas, users, web
from scorer.hq.auth import Administrator, ReadOnly
from scorer.hq.db import Database
from scorer.sync import wire

_LOGIN_COOKIE_VALUE = re.compile(r"[A-Za-z0-9_-]{43}")
_TEXT = {"type": "string"}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_ROLE = {"type": "string", "enum": list(users.ROLES)}
ME = {
    "type": "object",
    "properties": {"username": _TEXT, "role": _ROLE, "via": {"type": "string", "enum": ["session", "token"]},
                   "token": _TEXT_OR_NULL, "csrf": _TEXT_OR_NULL},
    "required": ["username", "role", "via", "token", "csrf"],
}  # fmt: skip
USERS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"username": _TEXT, "role": _ROLE, "created": _TEXT, "password_changed": _TEXT,
                       "last_login": _TEXT_OR_NULL, "disabled": _TEXT_OR_NULL, "tokens": schemas.COUNT},
        "required": ["username", "role", "created", "password_changed", "last_login", "disabled", "tokens"],
    },
}  # fmt: skip
ACTIONS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"id": schemas.COUNT, "at": _TEXT, "who": _TEXT, "action": _TEXT, "details": {"type": "object"},
                       "address": _TEXT_OR_NULL},
        "required": ["id", "at", "who", "action", "details", "address"],
    },
}  # fmt: skip


def _json(obj: Any) -> Response:
    return Response(wire.encode(obj), media_type="application/json")


def _answers(ok: dict[str, Any], *errors: int) -> dict[int | str, dict[str, Any]]:
    out = schemas.answers(ok, 401, 403, *errors)
    out[401]["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    return out


def _here(request: Request, path: str) -> str:
    """`path` keeping an explicit ?lang= choice."""
    query = web.lang_query(request)
    return path + (f"?{query}" if query else "")


def add_routes(app: FastAPI, database: Database) -> None:
    """The staff routes on `app` (auth.install must have run)."""

    # ---------------------------------------------------------------- log-in, log-out

    def login_page(
        request: Request, status: int = 200, error: str = "", username: str = "", target: str = "/",
        headers: dict[str, str] | None = None,
    ) -> Response:  # fmt: skip
        kept = request.cookies.get(auth.LOGIN_COOKIE, "")
        cookie = kept if _LOGIN_COOKIE_VALUE.fullmatch(kept) else secrets.token_urlsafe(32)
        next_query = web.with_query("", next=target if target != "/" else "")[1:]
        response = web.render(
            request, "login.html", status, headers, error=error, username=username[:200], next=target,
            login_csrf=auth.current(request).login_form_token(cookie),
            next_query=next_query + "&" if next_query else "",
        )  # fmt: skip
        auth.set_login_cookie(response, request, cookie)
        return response

    @app.get("/login", include_in_schema=False)
    def get_login(request: Request, target: str = Query("/", alias="next")) -> Response:
        return login_page(request, target=web.safe_next(target))

    @app.post("/login", include_in_schema=False)
    async def post_login(request: Request) -> Response:
        form = await web.read_form(request)
        target = web.safe_next(form.get("next"))
        username, password = form.get("username", ""), form.get("password", "")
        lang = web.language(request)
        checker = auth.current(request)
        if not checker.login_form_ok(request.cookies.get(auth.LOGIN_COOKIE), form.get("login_csrf")):
            refused = auth.BadCsrf()
            return login_page(request, 403, refused.en if lang == "en" else refused.zh, username, target)
        try:
            cookie, _ = await run_in_threadpool(
                checker.login, username, password, auth.client_address(request)
            )
        except auth.Throttled as exc:
            return login_page(
                request, 429, exc.message(lang), username, target, {"Retry-After": str(exc.retry_after)}
            )
        except ScorerError as exc:
            return login_page(request, 401, exc.message(lang), username, target)
        response = RedirectResponse(target, status_code=303)
        auth.set_session_cookie(response, request, cookie)
        auth.clear_cookie(response, request, auth.LOGIN_COOKIE, "/login")
        return response

    @app.post("/logout", include_in_schema=False)
    async def post_logout(request: Request, staff: ReadOnly) -> Response:
        await run_in_threadpool(auth.current(request).logout, staff)
        response = RedirectResponse(_here(request, "/login"), status_code=303)
        auth.clear_cookie(response, request, auth.SESSION_COOKIE)
        return response

    # ---------------------------------------------------------------- pages

    @app.get("/", include_in_schema=False)
    def home(request: Request, staff: ReadOnly) -> Response:
        return web.render(request, "home.html")

    def users_page(request: Request, status: int = 200, error: str = "") -> Response:
        return web.render(request, "users.html", status, accounts=users.listing(database), error=error)

    @app.get("/users", include_in_schema=False)
    def get_users_page(request: Request, staff: Administrator) -> Response:
        return users_page(request)

    @app.post("/users/{username}/disable", include_in_schema=False)
    def post_disable(request: Request, username: str, staff: Administrator) -> Response:
        lang = web.language(request)
        try:
            if users.name_key(username) == users.name_key(staff.username):
                raise ScorerError("不能停用自己的账户", "you cannot disable your own account")
            users.disable(database, username, staff.username, staff.address)
        except ScorerError as exc:
            return users_page(request, 400, exc.message(lang))
        return RedirectResponse(_here(request, "/users"), status_code=303)

    # ---------------------------------------------------------------- API

    @app.get("/api/v1/me", responses=_answers(ME), summary="who this session or API token is")
    def get_me(staff: ReadOnly) -> Response:
        return _json(staff.public())

    @app.get("/api/v1/users", responses=_answers(USERS), summary="staff accounts (administrators only)")
    def get_users(staff: Administrator) -> Response:
        return _json(users.listing(database))

    @app.get(
        "/api/v1/staff-actions",
        responses=_answers(ACTIONS, 422),
        summary="what staff did, newest first (administrators only)",
    )
    def get_actions(
        staff: Administrator,
        limit: int = Query(100, ge=1, le=audit.MAX_LIMIT),
        before: int | None = Query(None, ge=1, le=2**62),
    ) -> Response:
        return _json(audit.actions(database, limit, before))
