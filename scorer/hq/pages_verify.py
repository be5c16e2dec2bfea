"""Public certificate verification (no log-in): `/verify/<code>` — the address a certificate's QR
code carries — says whether the certificate is genuine and shows only what the certificate itself
shows (name, award, title, competition, event, date) and the issuing venue. Never the contestant's
code, organisation, marks, totals or any other result.

- `/verify` is a form to type a code (GET, so nothing to forge: a look-up changes nothing but its
  own count); `/verify?code=…` goes on to `/verify/<CODE>`.
- `/verify/{code}`: case-insensitive, spaces and dashes ignored. Genuine → 200; withdrawn (a newer
  lock changed the award) or under review (headquarters' recomputation differs) → 200 saying so,
  never "genuine"; unknown → 404 "未找到该证书：可能是伪造的，或场地尚未同步".
- `/api/v1/verify/{code}`: the same as JSON (`Verification`), 404 with status "not_found".
Every look-up counts against its client address (scorer.hq.certs: LOOKUP_LIMIT per LOOKUP_WINDOW,
kept in the database, so across workers; the address as `scorer hq serve --trust-proxy` lets
uvicorn see it): past the limit → 429 with Retry-After, a page in the reader's language or the
error object {"error": {"code": "throttled", …}}.
"""

from __future__ import annotations

import re
from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from scorer.hq import auth, certs, schemas, web

router = APIRouter()

NOT_FOUND = (
    "未找到该证书：可能是伪造的，或场地尚未同步",
    "No such certificate: it may be forged, or the venue has not synced yet",
)
SAYS: dict[str, tuple[str, str]] = {
    certs.GENUINE: (
        "证书真实有效：与总部核对一致",
        "This certificate is genuine: it matches headquarters' records",
    ),
    certs.WITHDRAWN: (
        "该证书已撤回，不再有效：场地其后重新锁定的成绩改变了这一奖项",
        "This certificate has been withdrawn and is no longer valid: the venue's later results changed this award",
    ),
    certs.UNDER_REVIEW: (
        "该证书正在核查中，暂不能确认为真：总部重算的成绩与场地的不一致",
        "This certificate is under review and cannot be confirmed as genuine: headquarters' recomputed "
        "results differ from the venue's",
    ),
}
_HEADERS = {"X-Robots-Tag": "noindex, nofollow"}
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class Verification(BaseModel):
    """What a certificate look-up answers: the status and only what the certificate itself shows."""

    code: str | None = Field(
        description="the code as printed (10 of A–Z, 2–7); null when what was asked cannot be one"
    )
    status: Literal["genuine", "withdrawn", "under_review", "not_found"]
    zh: str = Field(description="what the status means, in Chinese")
    en: str = Field(description="the same in English")
    name: str | None = Field(None, description="'' until the venue has decrypted the event's names")
    award: str | None = Field(None, description="the award (奖项) as printed, '' when only a title")
    title: str | None = Field(None, description="titles and medals as printed, joined with 、")
    competition: str | None = None
    event: str | None = None
    event_en: str | None = None
    date: str | None = Field(None, description="YYYY-MM-DD as the competition gives it, '' when none")
    venue: str | None = Field(None, description="the issuing venue")


def verification(text: str, found: certs.Certificate | None) -> Verification:
    if found is None:
        return Verification(code=certs.normalise(text), status="not_found", zh=NOT_FOUND[0], en=NOT_FOUND[1])
    zh, en = SAYS[found.status]
    return Verification(
        code=found.code, status=found.status, zh=zh, en=en, name=found.name, award=found.award,  # type: ignore[arg-type]
        title=found.title, competition=found.competition, event=found.event, event_en=found.event_en,
        date=found.date, venue=found.venue,
    )  # fmt: skip


def shown_date(date: str, lang: str) -> str:
    """The date as the certificate prints it (2026年11月21日), ISO in English."""
    m = _ISO.fullmatch(date)
    if m is None or lang == "en":
        return date
    y, mo, d = (int(x) for x in m.groups())
    return f"{y}年{mo}月{d}日"


async def _look_up(request: Request, text: str) -> certs.Certificate | None:
    database = auth.current(request).database
    return await run_in_threadpool(certs.verify, database, text, auth.client_address(request))


def _throttled_page(request: Request, exc: certs.TooMany) -> Response:
    return web.message(request, 429, exc.zh, exc.en, {**_HEADERS, "Retry-After": str(exc.retry_after)})


def _page(request: Request, status: int, text: str = "", result: Verification | None = None) -> Response:
    return web.render(
        request, "verify.html", status, _HEADERS, asked=text[:40] if result is None else "", result=result,
        shown_date=shown_date, lang_link=_lang_link(request),
    )  # fmt: skip


def _lang_link(request: Request) -> str:
    """This page in the other language."""
    other = "zh" if web.language(request) == "en" else "en"
    return web.with_query(quote(request.url.path), lang=other)


@router.get("/verify", include_in_schema=False)
async def verify_form(request: Request, code: str | None = None) -> Response:
    if code is None:
        return _page(request, 200)
    normalised = certs.normalise(code)
    if normalised is not None:  # the one address per certificate, as its QR code carries
        lang = web.lang_query(request)
        return RedirectResponse(f"/verify/{normalised}" + (f"?{lang}" if lang else ""), status_code=303)
    return await verify_page(request, code)


@router.get("/verify/{code}", include_in_schema=False)
async def verify_page(request: Request, code: str) -> Response:
    try:
        found = await _look_up(request, code)
    except certs.TooMany as exc:
        return _throttled_page(request, exc)
    result = verification(code, found)
    return _page(request, 404 if found is None else 200, code, result)


@router.get(
    "/api/v1/verify/{code}",
    response_model=Verification,
    responses={
        422: {
            "description": "what was asked is too long to be a code",
            "content": {"application/json": {"schema": schemas.ERROR}},
        },
        404: {"model": Verification, "description": "no certificate under this code (status not_found)"},
        429: {
            "description": "too many look-ups from this address (Retry-After says how long to wait)",
            "content": {"application/json": {"schema": schemas.ERROR}},
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        },
    },
    summary="verify a certificate by its code (public; limited per client address)",
)
async def api_verify(
    request: Request,
    code: str = Path(
        max_length=100, description="the code as printed; case, spaces and dashes do not matter"
    ),
) -> Any:
    try:
        found = await _look_up(request, code)
    except certs.TooMany as exc:
        body = {"error": {"code": "throttled", "zh": exc.zh, "en": exc.en, "seq": None}}
        return JSONResponse(body, 429, {"Retry-After": str(exc.retry_after), "Cache-Control": "no-store"})
    result = verification(code, found)
    return JSONResponse(
        result.model_dump(), 404 if found is None else 200, {"Cache-Control": "no-store", **_HEADERS}
    )
