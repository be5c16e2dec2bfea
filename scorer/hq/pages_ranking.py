"""Headquarters' cross-venue pages and their JSON API: the selections (a trade, the cross-venue rule,
the award and title quotas) and each one's ranking across venues (scorer.hq.crossvenue).

Routes (a staff account is needed; read-only is enough to look, adding a selection takes an
administrator and, on a session, the CSRF token):
- pages: `/selections` (the list; administrators get the form to add one), `POST /selections`,
  `/selections/{id}` (the ranked list: place, name, organisation, venue, score, award; rows of a
  venue whose results check differs in red, venues not ranked named with why);
- JSON: `GET/POST /api/v1/selections`, `/api/v1/selections/{id}`, `/api/v1/selections/{id}/ranking`,
  with pydantic response models (so /openapi.json documents them).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from scorer.errors import ScorerError
from scorer.hq import audit, auth, crossvenue, web
from scorer.hq.auth import Administrator, ReadOnly
from scorer.hq.db import Database

router = APIRouter()

MAX_ID = 2**62
PER_PAGE = 100  # rows a page shows (a phone scrolls 100 rows; the JSON API gives them all)
_QUOTA_SPLIT = re.compile(r"[\r\n]+")  # one quota a line (an award's name may hold any other mark)


# ------------------------------------------------------------------ response models


class QuotaInfo(BaseModel):
    """An award or title for `count` places, or for `ratio` (a decimal text, 0.2 = 20%) of the field."""

    award: str
    count: int | None = Field(description="places it reaches, counted on from the quota before")
    ratio: str | None = Field(description="share of the ranked field (rounded half up), as a decimal text")


class SelectionInfo(BaseModel):
    id: int
    name: str
    trade: str = Field(description="the event code the venues' competition files share")
    method: str = Field(description="'total' or 'standardised'")
    quotas: list[QuotaInfo]
    created: str
    by_whom: str


class PlacedOut(BaseModel):
    place: int = Field(description="standard competition ranking (1, 2, 2, 4)")
    db: str
    venue: str
    venue_name: str
    event: str
    code: str
    name: str
    organisation: str
    total: str | None
    scaled: str | None
    score: str | None = Field(description="what was ranked on: the total or the standardised score")
    award: str = Field(description="the quota reached, '' if none")
    state: str = Field(description="'match', or 'differ': the venue's results check differs (to be checked)")


class ExcludedOut(BaseModel):
    venue: str
    reason: str = Field(description="Chinese / English")


class RankingOut(BaseModel):
    selection: SelectionInfo
    rows: list[PlacedOut]
    venues: int = Field(description="venues ranked")
    excluded: list[ExcludedOut] = Field(description="venues with a lock of the trade not ranked yet, and why")
    computed: str


class QuotaIn(BaseModel):
    award: str = Field(min_length=1, max_length=200)
    count: int | None = Field(default=None, ge=1, le=1_000_000)
    ratio: str | None = Field(default=None, max_length=20, description="e.g. '0.2' for 20%")


class SelectionIn(BaseModel):
    name: str = Field(min_length=1, max_length=crossvenue.MAX_NAME)
    trade: str = Field(min_length=1, max_length=64)
    method: str = Field(default="total", description="'total' or 'standardised'")
    quotas: list[QuotaIn] = Field(min_length=1, max_length=crossvenue.MAX_QUOTAS)


class SelectionErrorDetail(BaseModel):
    code: str
    zh: str
    en: str
    seq: int | None = None


class SelectionError(BaseModel):
    error: SelectionErrorDetail


def _error(status: int, code: str, zh: str, en: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "zh": zh, "en": en, "seq": None}}, status)


_NOT_FOUND = ("没有这个评选", "no such selection")


# ------------------------------------------------------------------ data


def _database(request: Request) -> Database:
    return auth.current(request).database


def listing(database: Database) -> list[crossvenue.Selection]:
    with database.read() as tx:
        return crossvenue.selections(tx)


# A ranking changes only when a results check is kept (standings are written in the check's own
# transaction) or a venue is added (its name): each worker keeps the rankings it computed, keyed by
# what those two tables say now, so a page asked for by many staff at once is ranked once per change.
_CACHE_SIZE = 16
_cache: OrderedDict[tuple[Any, ...], crossvenue.CrossRanking] = OrderedDict()
_cache_lock = threading.Lock()
_VERSION = "SELECT (SELECT count(*) FROM result_checks), (SELECT max(checked) FROM result_checks), (SELECT count(*) FROM venues)"


def ranking(database: Database, selection_id: int) -> crossvenue.CrossRanking | None:
    """The selection's ranking now (None: no such selection)."""
    with database.read() as tx:
        if crossvenue.selection(tx, selection_id) is None:
            return None
        key = (database.shown, id(database), selection_id, tx.one(_VERSION))
        with _cache_lock:
            hit = _cache.get(key)
            if hit is not None:
                _cache.move_to_end(key)
                return hit
        found = crossvenue.rank(tx, selection_id)
    with _cache_lock:
        _cache[key] = found
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def add(
    database: Database, who: str, address: str | None, name: str, trade: str, method: str, quotas: list[Any]
) -> crossvenue.Selection:
    """Add a selection and put it on record in one transaction (ScorerError for a wrong field)."""
    with database.write() as tx:
        sel = crossvenue.add_selection(tx, name, trade, method, quotas, who)
        audit.record(
            tx, who, "selection.add",
            {"id": sel.id, "name": sel.name, "trade": sel.trade, "method": sel.method,
             "quotas": [q.shown() for q in sel.quotas]},
            address,
        )  # fmt: skip
    return sel


def _here(request: Request, path: str) -> str:
    query = web.lang_query(request)
    return path + (f"?{query}" if query else "")


# ------------------------------------------------------------------ pages


def _list_page(
    request: Request,
    database: Database,
    status: int = 200,
    error: str = "",
    form: dict[str, str] | None = None,
) -> Response:
    return web.render(
        request, "ranking_list.html", status, selections=listing(database), error=error,
        form=form or {"name": "", "trade": "", "method": "total", "quotas": ""},
        method_names=crossvenue.METHOD_NAMES,
    )  # fmt: skip


@router.get("/selections", include_in_schema=False)
async def selections_page(request: Request, staff: ReadOnly) -> Response:
    return await run_in_threadpool(_list_page, request, _database(request))


@router.post("/selections", include_in_schema=False)
async def add_selection_page(request: Request, staff: Administrator) -> Response:
    form = await web.read_form(request)
    fields = {k: form.get(k, "") for k in ("name", "trade", "method", "quotas")}
    database = _database(request)
    try:
        quotas = [crossvenue.parse_quota(q) for q in _QUOTA_SPLIT.split(fields["quotas"]) if q.strip()]
        sel = await run_in_threadpool(
            add, database, staff.username, staff.address, fields["name"], fields["trade"].strip(),
            fields["method"], quotas,
        )  # fmt: skip
    except ScorerError as exc:
        return await run_in_threadpool(
            _list_page, request, database, 400, exc.message(web.language(request)), fields
        )
    return RedirectResponse(_here(request, f"/selections/{sel.id}"), status_code=303)


@router.get("/selections/{selection_id:int}", include_in_schema=False)
async def ranking_page(request: Request, staff: ReadOnly, selection_id: int) -> Response:
    if not 0 < selection_id < MAX_ID:
        return web.message(request, 404, *_NOT_FOUND)
    found = await run_in_threadpool(ranking, _database(request), selection_id)
    if found is None:
        return web.message(request, 404, *_NOT_FOUND)
    differ = sum(1 for p in found.rows if p.state != "match")
    pages = max(1, -(-len(found.rows) // PER_PAGE))
    asked = request.query_params.get("page", "1")
    page = min(int(asked), pages) if asked.isdigit() and 0 < len(asked) < 7 and int(asked) > 0 else 1
    shown = found.rows[(page - 1) * PER_PAGE : page * PER_PAGE]

    def page_link(n: int) -> str:
        return web.with_query(_here(request, f"/selections/{selection_id}"), page=str(n))

    return web.render(
        request, "ranking.html", ranking=found, differ=differ, method_names=crossvenue.METHOD_NAMES,
        can_confirm=staff.can("reviewer"), shown=shown, page=page, pages=pages, shown_per_page=PER_PAGE,
        previous=page_link(page - 1) if page > 1 else "", next=page_link(page + 1) if page < pages else "",
    )  # fmt: skip


# ------------------------------------------------------------------ JSON API

_ANSWERS: dict[int | str, dict[str, Any]] = {401: {"model": SelectionError}, 403: {"model": SelectionError}}


@router.get(
    "/api/v1/selections", response_model=list[SelectionInfo], responses=_ANSWERS,
    summary="cross-venue selections, newest first",
)  # fmt: skip
async def get_selections(request: Request, staff: ReadOnly) -> Any:
    return [s.public() for s in await run_in_threadpool(listing, _database(request))]


@router.post(
    "/api/v1/selections", response_model=SelectionInfo, status_code=201,
    responses={**_ANSWERS, 400: {"model": SelectionError}, 422: {"model": SelectionError}},
    summary="add a cross-venue selection (administrators; a session sends X-CSRF-Token)",
)  # fmt: skip
async def post_selection(request: Request, body: SelectionIn, staff: Administrator) -> Any:
    try:
        try:
            quotas = [
                crossvenue.Quota(q.award, q.count, None if q.ratio is None else Decimal(q.ratio))
                for q in body.quotas
            ]
        except InvalidOperation:
            raise ScorerError(
                "名额比例应为小数（如 0.2）", "a quota's ratio must be a decimal (e.g. 0.2)"
            ) from None
        sel = await run_in_threadpool(
            add, _database(request), staff.username, staff.address, body.name, body.trade, body.method, quotas
        )
    except ScorerError as exc:
        return _error(400, "format", exc.zh, exc.en)
    return sel.public()


@router.get(
    "/api/v1/selections/{selection_id}", response_model=SelectionInfo,
    responses={**_ANSWERS, 404: {"model": SelectionError}}, summary="one selection",
)  # fmt: skip
async def get_selection(request: Request, staff: ReadOnly, selection_id: int = Path(ge=1, lt=MAX_ID)) -> Any:
    def one() -> crossvenue.Selection | None:
        with _database(request).read() as tx:
            return crossvenue.selection(tx, selection_id)

    sel = await run_in_threadpool(one)
    if sel is None:
        return _error(404, "missing", *_NOT_FOUND)
    return sel.public()


@router.get(
    "/api/v1/selections/{selection_id}/ranking", response_model=RankingOut,
    responses={**_ANSWERS, 404: {"model": SelectionError}},
    summary="a selection's trade ranked across venues with its quotas applied",
)  # fmt: skip
async def get_ranking(request: Request, staff: ReadOnly, selection_id: int = Path(ge=1, lt=MAX_ID)) -> Any:
    found = await run_in_threadpool(ranking, _database(request), selection_id)
    if found is None:
        return _error(404, "missing", *_NOT_FOUND)
    return found.public()
