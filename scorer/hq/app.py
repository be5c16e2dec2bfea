"""Headquarters' HTTP API (docs/sync-format.md, "Headquarters API"), a FastAPI app.

Bodies are read as raw bytes and parsed by wire.py (signatures are over exact bytes); their JSON
Schemas are declared for /openapi.json (scorer.hq.schemas). Database work runs in the thread pool,
so one slow batch does not hold the event loop. Every refusal is `{"error": {code, zh, en, seq}}`
with the HTTP status of its code; no client input gives a 5xx (a database that cannot be reached
answers 503 "unavailable").

`create_app()` is the factory uvicorn calls in each worker process: it reads its configuration
from the environment (SCORER_HQ_DB, SCORER_HQ_DATA, SCORER_HQ_NAME — set by `scorer hq serve`), so
each worker opens its own connection pool.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Path, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from scorer import __version__
from scorer.hq import (
    auth,
    bundles,
    checks,
    enrol,
    ingest,
    pages_decisions,
    pages_ranking,
    pages_venues,
    pages_verify,
    schemas,
    staff,
)
from scorer.hq.db import Database, Unavailable, migrate, open_database
from scorer.hq.keys import data_folder, default_db, default_name, hq_id, hq_identity
from scorer.station import Identity
from scorer.sync import wire
from scorer.sync.wire import SyncRefused

log = logging.getLogger("scorer.hq")

HTTP = {
    "format": 422,
    "truncated": 422,
    "order": 422,
    "hash": 422,
    "chain": 422,
    "station": 422,
    "signature": 422,
    "enrolment": 403,
    "code": 403,
    "gap": 409,
    "fork": 409,
    "quarantined": 409,
}
MAX_BATCH_BYTES = 64 * 1024 * 1024  # 5000 entries with large payloads fit well within
MAX_ENROL_BYTES = 64 * 1024
MAX_BUNDLE_BYTES = 1024 * 1024 * 1024

ENV_DB, ENV_DATA, ENV_NAME = "SCORER_HQ_DB", "SCORER_HQ_DATA", "SCORER_HQ_NAME"


def _json(obj: Any, status: int = 200) -> Response:
    return Response(wire.encode(obj), status_code=status, media_type="application/json")


def _error(code: str, zh: str, en: str, seq: int | None, status: int) -> Response:
    return _json({"error": {"code": code, "zh": zh, "en": en, "seq": seq}}, status)


class _TooLarge(SyncRefused):
    def __init__(self, limit: int):
        mb = limit // (1024 * 1024)
        super().__init__(
            "format", f"请求内容太大（超过 {mb} MB）", f"the request body is too large (over {mb} MB)"
        )


async def _body(request: Request, limit: int) -> bytes:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise _TooLarge(limit)
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def create_app() -> FastAPI:
    """The app for one uvicorn worker, configured from the environment (see the module)."""
    folder = data_folder(os.environ.get(ENV_DATA) or None)
    database = open_database(os.environ.get(ENV_DB) or default_db(folder))
    migrate(database)
    return build_app(database, hq_identity(folder), os.environ.get(ENV_NAME) or default_name())


def build_app(database: Database, hq: Identity, name: str) -> FastAPI:
    """The API over `database`, signing with `hq` (the database is closed when the app stops);
    every lock received is checked (scorer.hq.checks)."""
    checks.install()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        database.close()

    app = FastAPI(
        title="Scorer headquarters / 总部",
        version=__version__,
        description="Venues push signed batches of their logs; headquarters answers with signed receipts "
        "(docs/sync-format.md).",
        lifespan=lifespan,
    )

    @app.exception_handler(SyncRefused)
    async def refused(request: Request, exc: SyncRefused) -> Response:
        status = 413 if isinstance(exc, _TooLarge) else HTTP.get(exc.code, 422)
        return _error(exc.code, exc.zh, exc.en, exc.seq, status)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        where = "; ".join(
            ".".join(str(p) for p in e.get("loc", ())) + f": {e.get('msg', '')}" for e in exc.errors()
        )
        return _error(
            "format", f"请求的参数不对（{where}）", f"the request's parameters are wrong ({where})", None, 422
        )

    @app.exception_handler(StarletteHTTPException)
    async def unreadable(request: Request, exc: StarletteHTTPException) -> Response:
        # FastAPI answers a JSON body it cannot parse with a bare 400 {"detail": …}: the API's own
        # error object instead, as for every other wrong input (422 "format")
        if exc.status_code == 400 and request.url.path.startswith("/api/"):
            return _error(
                "format",
                "请求内容不是有效的 JSON，没有改动任何内容",
                "the request's body is not valid JSON; nothing was changed",
                None,
                422,
            )
        return await http_exception_handler(request, exc)

    def unavailable(exc: BaseException) -> Response:
        log.error("the database is not available: %s", exc)
        return _error(
            "unavailable",
            "总部的数据库暂时不可用，请稍后重试；没有保存任何内容",
            "headquarters' database is not available right now; try again later; nothing was stored",
            None,
            503,
        )

    @app.exception_handler(Unavailable)
    async def no_database(request: Request, exc: Unavailable) -> Response:
        return unavailable(exc)

    @app.exception_handler(sqlite3.OperationalError)
    async def sqlite_busy(request: Request, exc: sqlite3.OperationalError) -> Response:
        return unavailable(exc)

    with contextlib.suppress(ImportError):
        import psycopg
        from psycopg_pool import PoolTimeout

        @app.exception_handler(psycopg.OperationalError)
        async def pg_down(request: Request, exc: psycopg.OperationalError) -> Response:
            return unavailable(exc)

        @app.exception_handler(PoolTimeout)
        async def pg_busy(request: Request, exc: PoolTimeout) -> Response:
            return unavailable(exc)

    app.state.hq = hq  # headquarters' key, for routers that sign (scorer.hq.pages_decisions)
    auth.install(app, database, hq)  # staff accounts: sessions, tokens, roles (scorer.hq.auth)
    staff.add_routes(app, database)
    app.include_router(pages_venues.router)  # /venues pages and /api/v1/venues (scorer.hq.pages_venues)
    app.include_router(pages_decisions.router)  # /decisions, confirming (scorer.hq.pages_decisions)
    app.include_router(pages_ranking.router)  # /selections, /api/v1/selections (scorer.hq.pages_ranking)
    app.include_router(pages_verify.router)  # public /verify and /api/v1/verify (scorer.hq.pages_verify)

    info = {"hq": hq_id(hq), "key": hq.public_hex, "name": name, "version": wire.VERSION}

    @app.get("/api/v1/hq", responses=schemas.answers(schemas.HQ_INFO), summary="who this headquarters is")
    def get_hq() -> Response:
        return _json(info)

    @app.post(
        "/api/v1/enrol",
        openapi_extra=schemas.body(schemas.ENROL),
        responses=schemas.answers(schemas.ENROLMENT, 403, 413, 422),
        summary="enrol a station with a one-time code",
    )
    async def post_enrol(request: Request) -> Response:
        data = await _body(request, MAX_ENROL_BYTES)
        return _json(await run_in_threadpool(enrol.enrol_bytes, database, hq, data))

    @app.get(
        "/api/v1/feeds/{db}/{station}",
        responses=schemas.answers(schemas.RECEIPT, 404, 422),
        summary="a receipt for a feed as held now",
    )
    def get_feed(
        db: str = Path(pattern=schemas.ID["pattern"]),
        station: str = Path(pattern=schemas.STATION["pattern"]),
    ) -> Response:
        try:
            return _json(ingest.feed_receipt(database, hq, db, station))
        except SyncRefused as exc:
            return _error(exc.code, exc.zh, exc.en, exc.seq, 404)

    @app.post(
        "/api/v1/batches",
        openapi_extra=schemas.body(schemas.BATCH),
        responses=schemas.answers(schemas.RECEIPT, 403, 409, 413, 422),
        summary="push a signed batch; answered with a receipt",
    )
    async def post_batch(request: Request) -> Response:
        data = await _body(request, MAX_BATCH_BYTES)
        pushed = await run_in_threadpool(ingest.push_bytes, database, hq, data)
        return _json(pushed.receipt)

    @app.post(
        "/api/v1/bundles",
        openapi_extra=schemas.body(schemas.BUNDLE),
        responses=schemas.answers(schemas.RECEIPTS_FILE, 403, 413, 422),
        summary="import a USB bundle's bytes; answered with the receipt file",
    )
    async def post_bundle(request: Request) -> Response:
        data = await _body(request, MAX_BUNDLE_BYTES)
        imported = await run_in_threadpool(bundles.import_bundle, database, hq, data)
        return Response(imported.data, media_type="application/json")

    @app.post(
        "/api/v1/echo",
        openapi_extra=schemas.body({"type": "string", "format": "binary"}, "application/octet-stream"),
        responses=schemas.answers(
            {"type": "object", "properties": {"bytes": schemas.COUNT}, "required": ["bytes"]}, 413
        ),
        summary="any bytes → how many (the benchmark's baseline)",
    )
    async def post_echo(request: Request) -> Response:
        return _json({"bytes": len(await _body(request, MAX_BATCH_BYTES))})

    return app
