"""One trade's results from every venue ranked together, with award and title quotas: the
headquarters' city-wide (or nation-wide) selection.

A *selection* names a trade (the event code the venues' competition files share), the cross-venue
rule and the quotas. `rank` reads the standings (scorer.hq.standings: each file's newest checked
lock, as headquarters recomputed it) — nothing is recomputed here.

The rule:
- Only contestants headquarters ranked in their own event (status ok, with a total) are ranked.
- method "total": higher total first; equal totals are split by the event's tie-breaks, in the
  scheme's order ("time": the shorter first; a missing value last), as within a venue; contestants
  equal on all of them share a place (standard competition ranking: 1, 2, 2, 4).
- method "standardised": each competition file is its own field (a venue that set its own paper):
  every ranked contestant's standardised score over that file's ranked field — the file's own
  `scaled` when its event defines a scale (scorer.rules.scales, the same engine), else the default
  scale 700 + 30 · (total − median) / (1.4826 · MAD), 0 decimals, rounded half up. Higher first;
  equal scores split by total, then the tie-breaks; then a shared place.
- Quotas apply in their order, cumulatively, by place: a count quota reaches `count` places further,
  a ratio quota ratio × N further (N = the ranked field across venues; rounded half up, as an
  event's ratio awards are). Everyone whose place is within a quota's reach and not within an
  earlier one's gets its award, so contestants tied across a bound share the award (as
  scorer.rules.awards does) and a tier can then hold more than its count.
- A file whose check found a difference ("differ") is ranked and counts toward the quotas — its
  figures are headquarters' own recomputation — but every one of its rows carries state "differ" so
  the pages flag it for the reviewer. A file with a lock of the trade but no standings (its lock is
  still waiting for rows, was made by an older Scorer, or could not be recomputed) is not ranked:
  its venue is named in `excluded` with the check's reason.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from scorer.errors import ScorerError
from scorer.hq.db import Tx
from scorer.model import Scale
from scorer.rules.scales import centre_and_spread
from scorer.store.log import now

METHODS = ("total", "standardised")
METHOD_NAMES = {"total": ("按总分", "by total"), "standardised": ("按标准分", "by standardised score")}
MAX_NAME = 200
MAX_QUOTAS = 20
INF = Decimal("Infinity")
DEFAULT_SCALE = Scale()  # 700 + 30 · z, z over 1.4826 · MAD, 0 decimals
_CODE = re.compile(r"[^\s\x00-\x1f\x7f]{1,64}")


@dataclass(frozen=True)
class Quota:
    """An award or title given to a number of places (`count`) or a share of the field (`ratio`)."""

    award: str
    count: int | None = None
    ratio: Decimal | None = None

    def public(self) -> dict[str, Any]:
        return {
            "award": self.award,
            "count": self.count,
            "ratio": None if self.ratio is None else str(self.ratio),
        }

    def shown(self) -> str:
        """As the command line takes it: AWARD=COUNT or AWARD=PERCENT%."""
        if self.count is not None:
            return f"{self.award}={self.count}"
        assert self.ratio is not None
        return f"{self.award}={(self.ratio * 100).normalize():f}%"


@dataclass(frozen=True)
class Selection:
    id: int
    name: str
    trade: str
    method: str
    quotas: tuple[Quota, ...]
    created: str
    by_whom: str

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "trade": self.trade, "method": self.method,
                "quotas": [q.public() for q in self.quotas], "created": self.created, "by_whom": self.by_whom}  # fmt: skip


@dataclass(frozen=True)
class Placed:
    place: int
    db: str
    venue: str
    venue_name: str
    event: str
    code: str
    name: str
    organisation: str
    total: Decimal | None
    scaled: Decimal | None
    score: Decimal | None  # what was ranked on: the total, or the standardised score
    award: str
    state: str  # 'match' | 'differ'

    def public(self) -> dict[str, Any]:
        return {"place": self.place, "db": self.db, "venue": self.venue, "venue_name": self.venue_name,
                "event": self.event, "code": self.code, "name": self.name, "organisation": self.organisation,
                "total": _s(self.total), "scaled": _s(self.scaled), "score": _s(self.score),
                "award": self.award, "state": self.state}  # fmt: skip


@dataclass(frozen=True)
class CrossRanking:
    selection: Selection
    rows: tuple[Placed, ...]
    venues: int  # how many venues are ranked
    excluded: tuple[tuple[str, str], ...]  # (venue, why: "中文 / English")
    computed: str

    def public(self) -> dict[str, Any]:
        return {"selection": self.selection.public(), "rows": [r.public() for r in self.rows],
                "venues": self.venues, "excluded": [{"venue": v, "reason": why} for v, why in self.excluded],
                "computed": self.computed}  # fmt: skip


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# ------------------------------------------------------------ selections


def parse_quota(text: str) -> Quota:
    """AWARD=COUNT (places) or AWARD=PERCENT% (a share of the ranked field), e.g. 上海市技术能手=20,
    一等奖=10%. ScorerError (bilingual) for anything else."""
    award, sep, amount = text.rpartition("=")
    award, amount = award.strip(), amount.strip()
    bad = ScorerError(
        f"名额“{text}”写法不对：应为 奖项=人数 或 奖项=百分比%（如 上海市技术能手=20、一等奖=10%）",
        f"the quota '{text}' is malformed: give AWARD=COUNT or AWARD=PERCENT% (e.g. 上海市技术能手=20, 一等奖=10%)",
    )
    if not sep or not award or not amount:
        raise bad
    if amount.endswith("%"):
        try:
            percent = Decimal(amount[:-1].strip())
        except InvalidOperation:
            raise bad from None
        return Quota(award, None, percent / 100)
    if not amount.isascii() or not amount.isdigit():
        raise bad
    return Quota(award, int(amount), None)


def _check(name: str, trade: str, method: str, quotas: tuple[Quota, ...]) -> None:
    if not name.strip() or len(name) > MAX_NAME or any(ord(c) < 32 or c == "\x7f" for c in name):
        raise ScorerError(
            f"评选名称不能为空、不能超过 {MAX_NAME} 个字符、不能含控制字符",
            f"a selection's name must be non-empty, at most {MAX_NAME} characters, without control characters",
        )
    if not _CODE.fullmatch(trade):
        raise ScorerError(
            "工种（项目代码）应为 1–64 个字符、不含空白",
            "the trade (event code) must be 1–64 characters without white space",
        )
    if method not in METHODS:
        raise ScorerError(
            f"排名方法“{method}”不对：应为 total（按总分）或 standardised（按标准分）",
            f"the method '{method}' is wrong: give total or standardised",
        )
    if not quotas or len(quotas) > MAX_QUOTAS:
        raise ScorerError(f"名额应有 1–{MAX_QUOTAS} 项", f"give 1–{MAX_QUOTAS} quotas")
    seen: set[str] = set()
    for q in quotas:
        if not q.award.strip() or len(q.award) > MAX_NAME or any(ord(c) < 32 for c in q.award):
            raise ScorerError(
                "奖项名称不能为空或含控制字符",
                "an award's name must be non-empty, without control characters",
            )
        if q.award in seen:
            raise ScorerError(f"奖项“{q.award}”出现了两次", f"the award '{q.award}' is given twice")
        seen.add(q.award)
        if (q.count is None) == (q.ratio is None):
            raise ScorerError(
                f"奖项“{q.award}”的名额应为人数或比例之一",
                f"the award '{q.award}' needs a count or a ratio, not both",
            )
        if q.count is not None and not 1 <= q.count <= 1_000_000:
            raise ScorerError(
                f"奖项“{q.award}”的人数应为 1–1000000", f"the award '{q.award}' needs 1–1000000 places"
            )
        if q.ratio is not None and not (Decimal(0) < q.ratio <= 1):
            raise ScorerError(
                f"奖项“{q.award}”的比例应大于 0%、不超过 100%",
                f"the award '{q.award}' needs a share over 0% and at most 100%",
            )


def _quotas_json(quotas: tuple[Quota, ...]) -> str:
    return json.dumps([q.public() for q in quotas], ensure_ascii=False)


def _selection(r: tuple[Any, ...]) -> Selection:
    quotas = tuple(
        Quota(q["award"], q["count"], None if q["ratio"] is None else Decimal(q["ratio"]))
        for q in json.loads(r[4])
    )
    return Selection(int(r[0]), r[1], r[2], r[3], quotas, r[5], r[6])


_SELECT = "SELECT id, name, trade, method, quotas, created, by_whom FROM selections"


def selections(tx: Tx) -> list[Selection]:
    """Every selection, newest first."""
    return [_selection(r) for r in tx.all(_SELECT + " ORDER BY id DESC")]


def selection(tx: Tx, id: int) -> Selection | None:
    row = tx.one(_SELECT + " WHERE id = ?", (int(id),)) if 0 < int(id) < 2**62 else None
    return None if row is None else _selection(row)


def add_selection(
    tx: Tx, name: str, trade: str, method: str, quotas: tuple[Quota, ...] | list[Quota], who: str
) -> Selection:
    """A new selection (checked: ScorerError, bilingual, for a wrong field). The caller puts it on
    record (audit.record) in the same transaction."""
    quotas = tuple(quotas)
    name = name.strip()
    _check(name, trade, method, quotas)
    created = now()
    tx.run(
        "INSERT INTO selections (name, trade, method, quotas, created, by_whom) VALUES (?, ?, ?, ?, ?, ?)",
        (name, trade, method, _quotas_json(quotas), created, who),
    )
    row = tx.one(
        _SELECT + " WHERE name = ? AND trade = ? AND created = ? AND by_whom = ? ORDER BY id DESC LIMIT 1",
        (name, trade, created, who),
    )  # the write lock (SQLite) / this transaction's own row (PostgreSQL): ours
    assert row is not None
    return _selection(row)


# ------------------------------------------------------------ the ranking

_ROWS = (
    "SELECT s.db, s.venue, s.event, s.code, s.name, s.organisation, s.total, s.scaled, s.tie, s.state "
    "FROM standings s WHERE s.event = ? AND s.status = 'ok' AND s.total IS NOT NULL AND s.rank IS NOT NULL"
)
_SPECS = "SELECT db, min(detail) FROM standings WHERE event = ? GROUP BY db"
_CHECKS = (
    "SELECT c.db, c.station, c.seq, c.state, c.zh, c.en, f.venue FROM result_checks c "
    "LEFT JOIN feeds f ON f.db = c.db AND f.station = c.station WHERE c.event = ?"
)


def _tie_key(specs: list[str], tie: list[str | None]) -> tuple[Decimal, ...]:
    key = []
    for spec, value in zip(specs, tie, strict=False):
        v = None if value is None else Decimal(value)
        if spec == "time":
            key.append(INF if v is None else v)
        else:
            key.append(INF if v is None else -v)
    return tuple(key)


def standardised(totals: list[Decimal], scale: Scale = DEFAULT_SCALE) -> list[Decimal]:
    """Each total's standardised score over the field `totals` (scorer.rules.scales' formula)."""
    if not totals:
        return []
    centre, spread = centre_and_spread(scale, totals)
    q = Decimal(1).scaleb(-scale.decimals)
    return [
        (
            scale.centre_points + scale.points_per_spread * ((t - centre) / spread if spread else Decimal(0))
        ).quantize(q, ROUND_HALF_UP)
        for t in totals
    ]


def bounds(quotas: tuple[Quota, ...], n: int) -> list[tuple[str, int]]:
    """Each quota's award and the last place it reaches (cumulative, at most n)."""
    out, reached = [], 0
    for q in quotas:
        if q.count is not None:
            reached += q.count
        else:
            assert q.ratio is not None
            reached += int((q.ratio * n).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        out.append((q.award, min(reached, n)))
    return out


def rank(tx: Tx, selection_id: int) -> CrossRanking:
    """The selection's trade ranked across venues with its quotas applied (see the module)."""
    sel = selection(tx, selection_id)
    if sel is None:
        raise ScorerError(f"没有编号为 {selection_id} 的评选", f"no selection with id {selection_id}")
    rows = tx.all(_ROWS, (sel.trade,))
    specs = {db: json.loads(detail).get("tie_breaks", []) for db, detail in tx.all(_SPECS, (sel.trade,))}
    names = dict(tx.all("SELECT venue, name FROM venues"))

    by_db: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for r in rows:
        by_db[r[0]].append(r)
    keyed: list[tuple[tuple[Any, ...], tuple[str, str, str, str], Placed]] = []
    for db, members in by_db.items():
        totals = [Decimal(r[6]) for r in members]
        scaled = [None if r[7] is None else Decimal(r[7]) for r in members]
        if sel.method == "standardised":
            own = all(s is not None for s in scaled)
            scores: list[Decimal] = [s for s in scaled if s is not None] if own else standardised(totals)
        else:
            scores = totals
        db_specs = specs.get(db, [])
        for r, total, sc, score in zip(members, totals, scaled, scores, strict=True):
            tie = _tie_key(db_specs, json.loads(r[8]))
            key = (-score, -total, *tie) if sel.method == "standardised" else (-total, *tie)
            placed = Placed(
                0, db, r[1], names.get(r[1], ""), r[2], r[3], r[4], r[5], total, sc, score, "", r[9]
            )
            keyed.append((key, (placed.venue_name, r[1], db, r[3]), placed))
    keyed.sort(key=lambda k: (k[0], k[1]))

    n = len(keyed)
    reach = bounds(sel.quotas, n)
    out: list[Placed] = []
    place, previous = 0, None
    award = ""
    for i, (key, _order, p) in enumerate(keyed):
        if key != previous:
            place, previous = i + 1, key
            award = next((name for name, last in reach if place <= last), "")
        out.append(_placed(p, place, award))

    ranked_dbs = set(by_db)
    excluded: dict[str, str] = {}
    newest: dict[str, tuple[Any, ...]] = {}
    for c in tx.all(_CHECKS, (sel.trade,)):
        if c[0] in ranked_dbs or c[0] in specs:
            continue
        if c[0] not in newest or (c[1], int(c[2])) > (newest[c[0]][1], int(newest[c[0]][2])):
            newest[c[0]] = c
    for c in sorted(newest.values(), key=lambda c: (c[6] or "", c[0])):
        venue = c[6] or ""
        excluded.setdefault(venue, f"{c[4]} / {c[5]}")
    return CrossRanking(
        sel,
        tuple(out),
        len({p.venue for p in out}),
        tuple(sorted(excluded.items())),
        now(),
    )


def _placed(p: Placed, place: int, award: str) -> Placed:
    return Placed(place, p.db, p.venue, p.venue_name, p.event, p.code, p.name, p.organisation, p.total,
                  p.scaled, p.score, award, p.state)  # fmt: skip
