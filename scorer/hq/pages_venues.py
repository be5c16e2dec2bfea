"""Headquarters' venue pages and their JSON API: every venue's sync state (stations, last contact,
"N/N 条，指纹一致" per station, forks, quarantined batches, bundles imported), and a venue's events —
its results as the venue computed them beside headquarters' recomputation, differences in red.

Routes (all need a staff account, read-only is enough; pages redirect to /login without one):
- pages: `/venues`, `/venues/{venue}`, `/venues/{venue}/events/{db}/{event}`;
- JSON: `/api/v1/venues`, `/api/v1/venues/{venue}`, `/api/v1/venues/{venue}/events/{db}/{event}`,
  with pydantic response models (so /openapi.json documents them).

What a station's own count is, at headquarters: the highest sequence number any of its batches of the
file reached headquarters with — stored, held back in quarantine, or refused as a gap, a fork or
while quarantined (those refusals come after the batch's signature was checked). "N/N 条，指纹一致"
says headquarters holds all of that and no fork of the feed is unsettled (a fork after the station's
last release); anything else is marked for attention.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from scorer.hq import auth, schemas, standings, web
from scorer.hq.auth import ReadOnly
from scorer.hq.db import Database, Tx
from scorer.sync import wire

router = APIRouter()

MAX_PARAM = 200  # longer path parameters name nothing headquarters holds
# Refusals that come after the batch's signature was checked: their range is the station's own word.
_SIGNED_REFUSALS = ("gap", "fork", "quarantined")


# ------------------------------------------------------------------ response models


class Text(BaseModel):
    """One message in both languages (Chinese first)."""

    zh: str
    en: str


class FeedSync(BaseModel):
    """One station's chain in one competition file, as headquarters holds it."""

    db: str
    held: int = Field(description="entries headquarters holds (contiguous from 1)")
    reported: int = Field(description="the station's own count as far as headquarters heard it")
    last_seq: int
    fingerprint: str = Field(description="of what headquarters holds (8 hex digits)")
    updated: str
    forked: bool = Field(description="a fork of this feed not settled by a later release")
    state: str = Field(description="synced | behind | fork")
    text: Text


class StationSync(BaseModel):
    station: str
    name: str
    enrolled: str
    last_contact: str | None
    quarantined: bool
    quarantined_at: str | None
    quarantine_reason: str | None
    feeds: list[FeedSync]
    attention: bool


class Fork(BaseModel):
    db: str
    station: str
    seq: int
    held_hash: str
    new_hash: str
    at: str
    settled: bool = Field(description="the station's quarantine was released after it")


class HeldBack(BaseModel):
    """A batch held back beside what headquarters holds (the station was quarantined)."""

    db: str
    station: str
    first: int
    last: int
    at: str


class BundleImport(BaseModel):
    """A bundle imported by staff (`scorer hq import`, on record as bundle.import)."""

    at: str
    who: str
    bundle: str
    station: str
    db: str
    stored: int
    repeated: int
    refused: int


class ResultsCount(BaseModel):
    match: int = 0
    differ: int = 0
    waiting: int = 0
    unchecked: int = 0


class VenueSummary(BaseModel):
    venue: str
    name: str
    created: str
    last_contact: str | None
    stations: list[StationSync]
    forks: int
    quarantined_batches: int
    bundles_imported: int
    bundle_batches: int = Field(description="batches that arrived in bundles (USB)")
    results: ResultsCount
    attention: list[Text] = Field(description="what needs staff's attention (empty: nothing)")


class EventCheck(BaseModel):
    """Headquarters' results check of one lock of an event."""

    db: str
    event: str
    station: str
    seq: int
    state: str = Field(description="waiting | match | differ | unchecked")
    expected: str
    computed: str
    checked: str
    text: Text


class EventLine(BaseModel):
    """One event of a venue (its newest lock), on the venue's page."""

    db: str
    event: str
    event_name: str
    state: str
    checked: str
    locks: int
    differences: int
    text: Text


class VenueDetail(BaseModel):
    venue: VenueSummary
    forks: list[Fork]
    held_back: list[HeldBack]
    bundles: list[BundleImport]
    events: list[EventLine]


class Figures(BaseModel):
    """One side's figures for a contestant."""

    total: str | None = Field(description="a Decimal as text, as the scheme rounded it")
    rank: int | None
    award: str | None
    title: str | None


class ResultRow(BaseModel):
    """One contestant: the venue's figures beside headquarters' recomputation."""

    code: str
    name: str
    organisation: str
    status: str
    venue: Figures | None = Field(description="as the venue computed them (None: its lock carries no table)")
    hq: Figures
    scaled: str | None
    differs: bool
    different: list[str] = Field(description="which of total, rank, award, title differ")
    explain: Text


class EventDetail(BaseModel):
    venue: str
    venue_name: str
    db: str
    event: str
    event_name: str
    state: str
    text: Text
    checks: list[EventCheck]
    rows: list[ResultRow]
    differences: int


# ------------------------------------------------------------------ reading


def _text(zh: str, en: str) -> Text:
    return Text(zh=zh, en=en)


def _latest(*moments: str | None) -> str | None:
    seen = [m for m in moments if m]
    return max(seen) if seen else None


def _feed_sync(
    db: str, count: int, last_seq: int, head: str, updated: str, reported: int, forked: bool
) -> FeedSync:
    fp = wire.fingerprint(head, count)
    reported = max(reported, last_seq)
    if forked:
        state, text = (
            "fork",
            _text(
                f"{count}/{reported} 条，指纹不一致：站点的记录与总部持有的分叉（总部指纹 {fp}）",
                f"{count}/{reported} entries, fingerprints differ: the station's log forks from what "
                f"headquarters holds (headquarters' fingerprint {fp})",
            ),
        )
    elif count >= reported:
        state, text = (
            "synced",
            _text(
                f"{count}/{reported} 条，指纹一致（指纹 {fp}）",
                f"{count}/{reported} entries, fingerprints match (fingerprint {fp})",
            ),
        )
    else:
        missing = reported - count
        state, text = (
            "behind",
            _text(
                f"{count}/{reported} 条，还有 {missing} 条未收到（总部指纹 {fp}）",
                f"{count}/{reported} entries; {missing} not yet received (headquarters' fingerprint {fp})",
            ),
        )
    return FeedSync(
        db=db,
        held=count,
        reported=reported,
        last_seq=last_seq,
        fingerprint=fp,
        updated=updated,
        forked=forked,
        state=state,
        text=text,
    )


def _where_venue(venue: str | None, column: str = "venue") -> tuple[str, tuple[str, ...]]:
    return (f" WHERE {column} = ?", (venue,)) if venue is not None else ("", ())


def _gather(tx: Tx, venue: str | None) -> dict[str, Any]:
    """Everything the venue pages show, for one venue or all, in a handful of grouped queries."""
    where, p = _where_venue(venue)
    out: dict[str, Any] = {
        "venues": tx.all("SELECT venue, name, created FROM venues" + where + " ORDER BY created, venue", p),
        "stations": tx.all(
            "SELECT e.venue, s.station, e.name, e.enrolled, s.quarantined_at, s.quarantine_reason "
            "FROM enrolments e JOIN stations s ON s.station = e.station"
            + _where_venue(venue, "e.venue")[0]
            + " ORDER BY e.enrolled, s.station",
            p,
        ),
        "feeds": tx.all(
            "SELECT venue, db, station, count, last_seq, head_hash, updated FROM feeds"
            + where
            + " ORDER BY db, station",
            p,
        ),
        "forks": tx.all(
            "SELECT venue, db, station, seq, held_hash, new_hash, at FROM forks" + where + " ORDER BY id", p
        ),
        "held_back": tx.all(
            "SELECT venue, db, station, first, last, at FROM quarantine" + where + " ORDER BY id", p
        ),
    }
    reported: dict[tuple[str, str], int] = defaultdict(int)
    contact: dict[str, str] = {}
    for sql in (
        "SELECT db, station, max(last), max(received) FROM batches" + where + " GROUP BY db, station",
        "SELECT db, station, max(last), max(at) FROM quarantine" + where + " GROUP BY db, station",
        "SELECT db, station, max(last), max(at) FROM refusals WHERE code IN (?, ?, ?) "
        "AND db IS NOT NULL AND station IS NOT NULL AND last IS NOT NULL"
        + (" AND venue = ?" if venue is not None else "")
        + " GROUP BY db, station",
    ):
        params = (*_SIGNED_REFUSALS, *p) if "refusals" in sql else p
        for db, station, last, at in tx.all(sql, params):
            reported[(db, station)] = max(reported[(db, station)], int(last or 0))
            contact[station] = _latest(contact.get(station), at) or ""
    out["reported"] = reported
    out["contact"] = contact
    out["released"] = dict(tx.all("SELECT station, max(at) FROM releases GROUP BY station"))
    out["bundle_batches"] = dict(
        tx.all(
            "SELECT venue, count(*) FROM batches WHERE via = 'bundle'"
            + (" AND venue = ?" if venue is not None else "")
            + " GROUP BY venue",
            p,
        )
    )
    out["imports"] = tx.all(
        "SELECT at, who, details FROM staff_actions WHERE action = 'bundle.import' ORDER BY id DESC"
    )
    out["checks"] = tx.all(
        "SELECT f.venue, c.db, c.station, c.seq, c.event, c.state, c.expected, c.computed, c.zh, c.en, "
        "c.checked FROM result_checks c JOIN feeds f ON f.db = c.db AND f.station = c.station"
        + _where_venue(venue, "f.venue")[0]
        + " ORDER BY c.db, c.event, c.checked DESC, c.seq DESC, c.station",
        p,
    )
    return out


def _imports(rows: list[tuple[Any, ...]]) -> dict[str, list[BundleImport]]:
    by_venue: dict[str, list[BundleImport]] = defaultdict(list)
    for at, who, details in rows:
        try:
            d = json.loads(details)
        except ValueError:
            continue  # not ours to judge: the record holds what was written
        if not isinstance(d, dict) or not isinstance(d.get("venue"), str):
            continue  # a bundle refused whole names no venue
        by_venue[d["venue"]].append(
            BundleImport(
                at=at,
                who=who,
                bundle=str(d.get("bundle", "")),
                station=str(d.get("station", "")),
                db=str(d.get("db", "")),
                stored=int(d.get("stored") or 0),
                repeated=int(d.get("repeated") or 0),
                refused=int(d.get("refused") or 0),
            )
        )
    return by_venue


def _summaries(data: dict[str, Any]) -> tuple[list[VenueSummary], dict[str, list[Fork]], dict[str, Any]]:
    released: dict[str, str] = data["released"]
    forks: dict[str, list[Fork]] = defaultdict(list)
    for venue, db, station, seq, held, new, at in data["forks"]:
        settled = bool(released.get(station)) and released[station] > at
        forks[venue].append(
            Fork(db=db, station=station, seq=int(seq), held_hash=held, new_hash=new, at=at, settled=settled)
        )
    open_forks = {(f.db, f.station) for fs in forks.values() for f in fs if not f.settled}
    feeds: dict[tuple[str, str], list[FeedSync]] = defaultdict(list)
    for venue, db, station, count, last_seq, head, updated in data["feeds"]:
        feeds[(venue, station)].append(
            _feed_sync(
                db,
                int(count),
                int(last_seq),
                head,
                updated,
                data["reported"].get((db, station), 0),
                (db, station) in open_forks,
            )
        )
    # a feed headquarters holds nothing of, though the station sent (a fork at seq 1, all refused)
    held = {(v, f.db, s) for (v, s), fs in feeds.items() for f in fs}
    for venue, db, station, *_ in data["forks"] + data["held_back"]:
        if (venue, db, station) not in held:
            held.add((venue, db, station))
            feeds[(venue, station)].append(
                _feed_sync(
                    db,
                    0,
                    0,
                    "0" * 64,
                    "",
                    data["reported"].get((db, station), 0),
                    (db, station) in open_forks,
                )
            )
    stations: dict[str, list[StationSync]] = defaultdict(list)
    for venue, station, name, enrolled, q_at, q_reason in data["stations"]:
        mine = feeds.get((venue, station), [])
        stations[venue].append(
            StationSync(
                station=station,
                name=name,
                enrolled=enrolled,
                last_contact=data["contact"].get(station) or None,
                quarantined=q_at is not None,
                quarantined_at=q_at,
                quarantine_reason=q_reason,
                feeds=mine,
                attention=q_at is not None or any(f.state != "synced" for f in mine),
            )
        )
    held_back: dict[str, list[HeldBack]] = defaultdict(list)
    for venue, db, station, first, last, at in data["held_back"]:
        held_back[venue].append(HeldBack(db=db, station=station, first=int(first), last=int(last), at=at))
    results: dict[str, ResultsCount] = defaultdict(ResultsCount)
    newest: dict[tuple[str, str, str], str] = {}
    for venue, db, _station, _seq, event, state, *_ in data["checks"]:
        newest.setdefault((venue, db, event), state)  # ordered newest lock first
    for (venue, _db, _event), state in newest.items():
        counts = results[venue]
        if state in ResultsCount.model_fields:
            setattr(counts, state, getattr(counts, state) + 1)
    imports = _imports(data["imports"])
    out = []
    for venue, name, created in data["venues"]:
        mine = stations.get(venue, [])
        attention: list[Text] = []
        for s in mine:
            if s.quarantined:
                attention.append(
                    _text(
                        f"站点 {s.station}（{s.name}）已隔离：{s.quarantine_reason or ''}",
                        f"station {s.station} ({s.name}) is quarantined: {s.quarantine_reason or ''}",
                    )
                )
            for f in s.feeds:
                if f.state != "synced":
                    attention.append(
                        _text(f"站点 {s.station}：{f.text.zh}", f"station {s.station}: {f.text.en}")
                    )
        n_open = sum(1 for f in forks.get(venue, []) if not f.settled)
        if n_open:
            attention.append(_text(f"{n_open} 处分叉未解决", f"{n_open} fork(s) not settled"))
        differ = results[venue].differ
        if differ:
            attention.append(
                _text(
                    f"{differ} 个项目的成绩与总部重算不一致",
                    f"{differ} event(s) whose results differ from headquarters' recomputation",
                )
            )
        out.append(
            VenueSummary(
                venue=venue,
                name=name,
                created=created,
                last_contact=_latest(*(s.last_contact for s in mine)),
                stations=mine,
                forks=len(forks.get(venue, [])),
                quarantined_batches=len(held_back.get(venue, [])),
                bundles_imported=len(imports.get(venue, [])),
                bundle_batches=int(data["bundle_batches"].get(venue, 0)),
                results=results[venue],
                attention=attention,
            )
        )
    return out, forks, {"held_back": held_back, "imports": imports}


def venue_list(database: Database) -> list[VenueSummary]:
    """Every venue with its stations' sync state (the /venues page and /api/v1/venues)."""
    with database.read() as tx:
        data = _gather(tx, None)
    return _summaries(data)[0]


def _checks(rows: list[tuple[Any, ...]]) -> list[EventCheck]:
    return [
        EventCheck(
            db=db,
            event=event,
            station=station,
            seq=int(seq),
            state=state,
            expected=expected,
            computed=computed,
            checked=checked,
            text=_text(zh, en),
        )
        for _venue, db, station, seq, event, state, expected, computed, zh, en, checked in rows
    ]


def _named(venue: str) -> bool:
    """Could `venue` (or a file id, an event code) name anything held? (no control characters —
    PostgreSQL's text cannot hold NUL — and not absurdly long)."""
    return 0 < len(venue) <= MAX_PARAM and not any(ord(ch) < 32 for ch in venue)


def venue_detail(database: Database, venue: str) -> VenueDetail | None:
    """One venue: its stations, forks, batches held back, bundles and events; None if unknown."""
    if not _named(venue):
        return None
    with database.read() as tx:
        data = _gather(tx, venue)
        if not data["venues"]:
            return None
        # each event's standings rows of this venue: its name, and which rows differ (by the rules
        # engine's explanation or by the venue's own figures)
        keys = sorted({(c[1], c[4]) for c in data["checks"]})
        standing = {k: [r for r in standings.event_rows(tx, *k) if r["venue"] == venue] for k in keys}
    (summary,), forks, more = _summaries(data)
    checks = _checks(data["checks"])
    events: dict[tuple[str, str], list[EventCheck]] = {}
    for c in checks:
        events.setdefault((c.db, c.event), []).append(c)
    lines = []
    for (db, event), cs in sorted(events.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        st = standing.get((db, event)) or []
        lines.append(
            EventLine(
                db=db,
                event=event,
                event_name=st[0]["event_name"] if st else event,
                state=cs[0].state,
                checked=cs[0].checked,
                locks=len(cs),
                differences=sum(1 for r in st if _result_row(r).differs),
                text=cs[0].text,
            )
        )
    return VenueDetail(
        venue=summary,
        forks=forks.get(venue, []),
        held_back=more["held_back"].get(venue, []),
        bundles=more["imports"].get(venue, []),
        events=lines,
    )


def event_detail(database: Database, venue: str, db: str, event: str) -> EventDetail | None:
    """One event of one of the venue's files: every check of its locks and, for the newest checked
    lock, the venue's figures beside headquarters' per contestant; None if the venue has no such event."""
    if not (_named(venue) and _named(db) and _named(event)):
        return None
    with database.read() as tx:
        named = tx.one("SELECT name FROM venues WHERE venue = ?", (venue,))
        if named is None:
            return None
        rows = tx.all(
            "SELECT f.venue, c.db, c.station, c.seq, c.event, c.state, c.expected, c.computed, c.zh, c.en, "
            "c.checked FROM result_checks c JOIN feeds f ON f.db = c.db AND f.station = c.station "
            "WHERE f.venue = ? AND c.db = ? AND c.event = ? ORDER BY c.checked DESC, c.seq DESC, c.station",
            (venue, db, event),
        )
        if not rows:
            return None
        held = [r for r in standings.event_rows(tx, db, event) if r["venue"] == venue]
    checks = _checks(rows)
    table = [_result_row(r) for r in held]
    newest = checks[0]
    return EventDetail(
        venue=venue,
        venue_name=named[0],
        db=db,
        event=event,
        event_name=held[0]["event_name"] if held else event,
        state=newest.state,
        text=newest.text,
        checks=checks,
        rows=table,
        differences=sum(1 for r in table if r.differs),
    )


def _same(a: str | None, b: str | None) -> bool:
    """Two totals as texts: equal as Decimals (or both missing)."""
    if a is None or b is None:
        return a is b
    try:
        return Decimal(a) == Decimal(b)
    except InvalidOperation:
        return a == b


def _result_row(r: dict[str, Any]) -> ResultRow:
    """A standings row (scorer.hq.standings.event_rows) as the page shows it."""
    ours = Figures(total=r["total"], rank=r["rank"], award=r["award"] or "", title=r["title"] or "")
    venue_side = (r["venue_total"], r["venue_rank"], r["venue_award"], r["venue_title"])
    theirs = None
    different: list[str] = []
    if any(v is not None for v in venue_side):
        theirs = Figures(
            total=r["venue_total"], rank=r["venue_rank"], award=r["venue_award"] or "",
            title=r["venue_title"] or "",
        )  # fmt: skip
        if not _same(theirs.total, ours.total):
            different.append("total")
        different += [k for k in ("rank", "award", "title") if getattr(theirs, k) != getattr(ours, k)]
    explain = r["detail"].get("explain") or {}
    return ResultRow(
        code=r["code"],
        name=r["name"],
        organisation=r["organisation"],
        status=r["status"],
        venue=theirs,
        hq=ours,
        scaled=r["scaled"],
        differs=bool(r["differs"] or different),
        different=different,
        explain=_text(str(explain.get("zh", "")), str(explain.get("en", ""))),
    )


# ------------------------------------------------------------------ routes


def _linker(request: Request) -> Any:
    """`link(*parts)`: the address of a page here, each part quoted whole (a venue id, a file id or an
    event code holding "/" or "?" stays one part), keeping an explicit ?lang= choice."""
    query = web.lang_query(request)

    def link(*parts: str) -> str:
        return "/" + "/".join(quote(p, safe="") for p in parts) + (f"?{query}" if query else "")

    return link


def _not_found(request: Request) -> Response:
    zh, en = "没有这个场地或项目", "no such venue or event"
    if auth.is_api(request):
        body = {"error": {"code": "not_found", "zh": zh, "en": en, "seq": None}}
        return JSONResponse(body, 404)
    return web.message(request, 404, zh, en)


def _refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses` for the error objects the API answers besides 200 (documented in /openapi.json)."""
    return {
        s: {"description": "refused", "content": {"application/json": {"schema": schemas.ERROR}}}
        for s in statuses
    }


# A venue id, a file id or an event code in the API's path: what headquarters could hold (longer or
# with control characters: 422, the usual error object; the pages say "not found" for those).
_NAME = Path(min_length=1, max_length=MAX_PARAM, pattern=r"^[^\x00-\x1f]+$")


@router.get("/venues", include_in_schema=False)
async def venues_page(request: Request, staff: ReadOnly) -> Response:
    database = auth.current(request).database
    venues = await run_in_threadpool(venue_list, database)
    return web.render(request, "venues.html", venues=venues, link=_linker(request))


@router.get("/venues/{venue}", include_in_schema=False)
async def venue_page(request: Request, venue: str, staff: ReadOnly) -> Response:
    detail = await run_in_threadpool(venue_detail, auth.current(request).database, venue)
    if detail is None:
        return _not_found(request)
    return web.render(request, "venue.html", v=detail, link=_linker(request))


@router.get("/venues/{venue}/events/{db}/{event}", include_in_schema=False)
async def event_page(request: Request, venue: str, db: str, event: str, staff: ReadOnly) -> Response:
    detail = await run_in_threadpool(event_detail, auth.current(request).database, venue, db, event)
    if detail is None:
        return _not_found(request)
    return web.render(request, "event.html", e=detail, link=_linker(request))


@router.get(
    "/api/v1/venues",
    response_model=list[VenueSummary],
    responses=_refusals(401, 403),
    summary="every venue: stations, sync state per station, forks, quarantined batches, bundles",
)
async def api_venues(request: Request, staff: ReadOnly) -> list[VenueSummary]:
    return await run_in_threadpool(venue_list, auth.current(request).database)


@router.get(
    "/api/v1/venues/{venue}",
    response_model=VenueDetail,
    responses=_refusals(401, 403, 404, 422),
    summary="one venue: its stations, forks, batches held back, bundles imported and events",
)
async def api_venue(request: Request, staff: ReadOnly, venue: str = _NAME) -> Any:
    detail = await run_in_threadpool(venue_detail, auth.current(request).database, venue)
    return _not_found(request) if detail is None else detail


@router.get(
    "/api/v1/venues/{venue}/events/{db}/{event}",
    response_model=EventDetail,
    responses=_refusals(401, 403, 404, 422),
    summary="one event of a venue: the venue's results beside headquarters' recomputation",
)
async def api_event(
    request: Request, staff: ReadOnly, venue: str = _NAME, db: str = _NAME, event: str = _NAME
) -> Any:
    detail = await run_in_threadpool(event_detail, auth.current(request).database, venue, db, event)
    return _not_found(request) if detail is None else detail
