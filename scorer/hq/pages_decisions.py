"""Headquarters' decision pages and their JSON API (scorer.hq.decisions): a reviewer confirms one
selection's cross-venue list, which is then frozen, signed and downloadable.

Routes:
- pages: `/selections/{id}/confirm` (GET: the list as it stands, to be frozen, with the confirm form;
  POST: confirm — reviewer or administrator, with the session's CSRF token), `/decisions` (every
  decision), `/decisions/{id}` (the frozen list, who confirmed it and when, the signature, downloads),
  `/decisions/{id}.pdf|.xlsx|.csv|.json`;
- JSON: `/api/v1/decisions`, `/api/v1/decisions/{id}` (read-only staff may look), POST
  `/api/v1/selections/{id}/decisions` (reviewer; a token needs no CSRF, a session sends X-CSRF-Token).
The confirm form carries the digest of the list it showed: a list that changed in between is not
confirmed unseen. Headquarters signs with its own key (`app.state.hq`, set by build_app).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from scorer.errors import ScorerError
from scorer.hq import auth, crossvenue, decision_export, decisions, schemas, web
from scorer.hq.auth import ReadOnly, Reviewer, Staff
from scorer.hq.db import Database
from scorer.hq.decisions import Decision
from scorer.station import Identity

router = APIRouter()

MAX_ID = 2**62


# ------------------------------------------------------------------ response models


class DecisionRow(BaseModel):
    """One contestant of a frozen list."""

    place: int
    name: str
    organisation: str
    venue: str
    venue_name: str
    db: str
    event: str
    code: str
    total: str | None = Field(description="exact decimal text")
    scaled: str | None = Field(description="the standardised score, exact decimal text")
    score: str | None = Field(description="what was ranked on")
    award: str = Field(description="the quota tier reached ('' for none)")
    state: str = Field(description="'match' or 'differ' (headquarters' check against the venue)")


class QuotaOut(BaseModel):
    award: str
    count: int | None
    ratio: str | None = Field(description="a share of the ranked field, exact decimal text")


class SelectionOut(BaseModel):
    id: int
    name: str
    trade: str
    method: str
    created: str
    by_whom: str


class DecisionSummary(BaseModel):
    """One decision in the list."""

    id: int
    selection: int
    selection_name: str
    trade: str
    rows: int
    confirmed_by: str
    confirmed_at: str
    fingerprint: str = Field(description="16 hex digits of the signature's SHA-256")
    supersedes: int | None
    superseded_by: int | None = Field(
        description="the next decision on the same selection; null while current"
    )
    override: str | None = Field(description="the reason given to confirm despite differing rows")


class SignedBody(BaseModel):
    """The signed body: its canonical JSON bytes (sorted keys, no spaces, UTF-8) are what was signed."""

    kind: str
    version: int
    selection: SelectionOut
    quotas: list[QuotaOut]
    rows: list[DecisionRow]
    venues: int
    excluded: list[list[str]] = Field(description="[venue, why] of venues not ranked")
    computed: str
    hq: str
    hq_key: str
    confirmed_by: str
    confirmed_at: str
    override: str | None
    differing: int
    supersedes: int | None


class DecisionOut(BaseModel):
    """A decision with its signed body, the signature and whether it verifies with this
    headquarters' key."""

    id: int
    decision: SignedBody
    signature: str = Field(description="Ed25519, hex, over the canonical JSON of `decision`")
    hq: str
    hq_key: str
    fingerprint: str
    superseded_by: int | None
    valid: bool = Field(description="the signature verifies with this headquarters' public key")
    downloads: dict[str, str]


class ConfirmIn(BaseModel):
    """What a script sends to confirm a selection's list."""

    override: str | None = Field(
        None, max_length=decisions.MAX_REASON, description="the reason to confirm although rows differ"
    )
    expect: str | None = Field(
        None, max_length=64, description="the digest of the list the caller looked at (refused if it changed)"
    )


# ------------------------------------------------------------------ reading


def _database(request: Request) -> Database:
    return auth.current(request).database


def _hq(request: Request) -> Identity:
    return request.app.state.hq  # type: ignore[no-any-return]


def _summary(d: Decision) -> DecisionSummary:
    c = d.content
    return DecisionSummary(
        id=d.id,
        selection=d.selection,
        selection_name=c["selection"]["name"],
        trade=c["selection"]["trade"],
        rows=len(c["rows"]),
        confirmed_by=d.confirmed_by,
        confirmed_at=d.confirmed_at,
        fingerprint=d.fingerprint,
        supersedes=c.get("supersedes"),
        superseded_by=d.superseded_by,
        override=c.get("override"),
    )


def _links(d: Decision) -> dict[str, str]:
    return {kind: f"/decisions/{d.id}.{kind}" for kind in decision_export.EXPORTS}


def _out(d: Decision, hq: Identity) -> DecisionOut:
    return DecisionOut(
        id=d.id,
        decision=SignedBody.model_validate(d.content),
        signature=d.signature,
        hq=d.hq,
        hq_key=d.hq_key,
        fingerprint=d.fingerprint,
        superseded_by=d.superseded_by,
        valid=decisions.verify_decision(d, hq.public_hex),
        downloads=_links(d),
    )


def list_decisions(database: Database, selection: int | None = None) -> list[Decision]:
    with database.read() as tx:
        return decisions.decisions(tx, selection)


def get_decision(database: Database, id: int) -> Decision | None:
    if not 0 < id < MAX_ID:
        return None
    with database.read() as tx:
        return decisions.decision(tx, id)


def _ranking(database: Database, selection_id: int) -> tuple[Any, list[Decision]] | None:
    """The selection's list as it stands and its decisions so far; None for no such selection."""
    if not 0 < selection_id < MAX_ID:
        return None
    with database.read() as tx:
        if crossvenue.selection(tx, selection_id) is None:
            return None
        return crossvenue.rank(tx, selection_id), decisions.decisions(tx, selection_id)


def _confirm(
    database: Database,
    hq: Identity,
    selection_id: int,
    staff: Staff,
    override: str | None,
    expect: str | None,
) -> Decision | None:
    """Rank and confirm in one write transaction; None for no such selection."""
    if not 0 < selection_id < MAX_ID:
        return None
    with database.write() as tx:
        if crossvenue.selection(tx, selection_id) is None:
            return None
        ranking = crossvenue.rank(tx, selection_id)
        return decisions.confirm(
            tx,
            selection_id,
            staff.username,
            ranking,
            hq,
            override=override,
            address=staff.address,
            expect=expect,
        )


# ------------------------------------------------------------------ pages


def _here(request: Request, path: str) -> str:
    query = web.lang_query(request)
    return path + (f"?{query}" if query else "")


def _not_found(request: Request, zh: str = "没有这个决定", en: str = "no such decision") -> Response:
    if auth.is_api(request):
        return JSONResponse({"error": {"code": "not_found", "zh": zh, "en": en, "seq": None}}, 404)
    return web.message(request, 404, zh, en)


def _no_selection(request: Request) -> Response:
    return _not_found(request, "没有这个选拔", "no such selection")


async def _confirm_page(
    request: Request, selection_id: int, status: int = 200, error: str = "", override: str = ""
) -> Response:
    found = await run_in_threadpool(_ranking, _database(request), selection_id)
    if found is None:
        return _no_selection(request)
    ranking, earlier = found
    return web.render(
        request,
        "decision_confirm.html",
        status,
        ranking=ranking,
        earlier=earlier,
        digest=decisions.digest(ranking),
        differing=len(decisions.differing(ranking)),
        error=error,
        override=override,
        method=decision_export.METHODS.get(ranking.selection.method, (ranking.selection.method,) * 2),
        quotas=[
            {"award": q.award, "count": q.count, "ratio": None if q.ratio is None else str(q.ratio)}
            for q in ranking.selection.quotas
        ],
        quota_text=decision_export.quota_text,
        state_text=decision_export.state_text,
    )


@router.get("/selections/{selection_id:int}/confirm", include_in_schema=False)
async def confirm_page(request: Request, selection_id: int, staff: Reviewer) -> Response:
    return await _confirm_page(request, selection_id)


@router.post("/selections/{selection_id:int}/confirm", include_in_schema=False)
async def confirm_post(request: Request, selection_id: int, staff: Reviewer) -> Response:
    form = await web.read_form(request)
    override = form.get("override", "")
    try:
        done = await run_in_threadpool(
            _confirm, _database(request), _hq(request), selection_id, staff, override, form.get("digest", "")
        )
    except ScorerError as exc:
        status = 409 if isinstance(exc, decisions.Refused) and exc.code == "changed" else 400
        return await _confirm_page(
            request, selection_id, status, exc.message(web.language(request)), override
        )
    if done is None:
        return _no_selection(request)
    return RedirectResponse(_here(request, f"/decisions/{done.id}"), status_code=303)


@router.get("/decisions", include_in_schema=False)
async def decisions_page(request: Request, staff: ReadOnly) -> Response:
    found = await run_in_threadpool(list_decisions, _database(request))
    return web.render(request, "decisions.html", items=[_summary(d) for d in found])


@router.get("/decisions/{id:int}", include_in_schema=False)
async def decision_page(request: Request, id: int, staff: ReadOnly) -> Response:
    d = await run_in_threadpool(get_decision, _database(request), id)
    if d is None:
        return _not_found(request)
    content = d.content
    return web.render(
        request,
        "decision.html",
        d=d,
        c=content,
        valid=decisions.verify_decision(d, _hq(request).public_hex),
        links=_links(d),
        method=decision_export.METHODS.get(
            content["selection"]["method"], (content["selection"]["method"],) * 2
        ),
        quota_text=decision_export.quota_text,
        state_text=decision_export.state_text,
        scaled=content["selection"]["method"] == "standardised",
    )


@router.get("/decisions/{id:int}.{kind}", include_in_schema=False)
async def decision_file(request: Request, id: int, kind: str, staff: ReadOnly) -> Response:
    d = await run_in_threadpool(get_decision, _database(request), id)
    if d is None or kind not in decision_export.EXPORTS:
        return _not_found(request)
    data = await run_in_threadpool(decision_export.export, d, kind)
    name = decision_export.filename(d, kind)
    return Response(
        data,
        media_type=decision_export.MEDIA[kind],
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


# ------------------------------------------------------------------ API


def _refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        s: {"description": "refused", "content": {"application/json": {"schema": schemas.ERROR}}}
        for s in statuses
    }


@router.get(
    "/api/v1/decisions",
    response_model=list[DecisionSummary],
    responses=_refusals(401, 403, 422),
    summary="confirmed selection lists, newest first (read-only staff may look)",
)
async def api_decisions(
    request: Request, staff: ReadOnly, selection: int | None = Query(None, ge=1, lt=MAX_ID)
) -> list[DecisionSummary]:
    found = await run_in_threadpool(list_decisions, _database(request), selection)
    return [_summary(d) for d in found]


@router.get(
    "/api/v1/decisions/{id}",
    response_model=DecisionOut,
    responses=_refusals(401, 403, 404, 422),
    summary="one decision: the signed body, its signature and whether it verifies",
)
async def api_decision(request: Request, id: int, staff: ReadOnly) -> Any:
    d = await run_in_threadpool(get_decision, _database(request), id)
    if d is None:
        return _not_found(request)
    return _out(d, _hq(request))


@router.post(
    "/api/v1/selections/{selection_id}/decisions",
    response_model=DecisionOut,
    status_code=201,
    responses=_refusals(401, 403, 404, 409, 422),
    summary="confirm a selection's cross-venue list (reviewers): frozen and signed by headquarters",
)
async def api_confirm(
    request: Request, selection_id: int, staff: Reviewer, body: Annotated[ConfirmIn | None, Body()] = None
) -> Any:
    given = body or ConfirmIn()
    try:
        done = await run_in_threadpool(
            _confirm, _database(request), _hq(request), selection_id, staff, given.override, given.expect
        )
    except decisions.Refused as exc:
        return JSONResponse({"error": {"code": exc.code, "zh": exc.zh, "en": exc.en, "seq": None}}, 409)
    if done is None:
        return _no_selection(request)
    return JSONResponse(_out(done, _hq(request)).model_dump(mode="json"), 201)
