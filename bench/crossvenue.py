"""Headquarters' cross-venue ranking at city scale.

- `hq_cross_venue_rank_500x6k`: 500 venues × 6,000 marks (100 marked contestants × 60 exam
  aspects: 3,000,000 marks; 2 more contestants a venue absent, unmarked) — time of
  `crossvenue.rank` for one trade with two quotas (a count, then a ratio), against one hand-written SQL aggregate over the same
  3,000,000 marks (`SELECT venue, contestant, sum(value), rank() OVER … GROUP BY …`, every row
  fetched) in the same database, in the same run. Best of 3 each. Target ratio ≤ 3.

How the marks reach headquarters: not as 3,000,000 replicated log rows checked lock by lock (that
is hq_ingest's subject, and would take far longer than this bench may), but through the same
standings writer the checks call (`standings.write`), fed each venue's real `EventResult` computed
by the rules engine from its 6,000 marks — the rows `crossvenue.rank` reads are exactly those a
checked lock would leave. The marks themselves go into a plain `marks` table for the baseline.

On PostgreSQL (a throw-away cluster, tests/pg.py) when its binaries are there, else SQLite.
"""

from __future__ import annotations

import json
import random
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.figures import figure

VENUES = 500
CONTESTANTS = 102  # 100 marked: 100 × 60 = 6,000 marks a venue
ASPECTS = 60
ABSENT = 2  # per venue: no marks, status absent (not ranked, not in the baseline)
TRADE = "CNC"


def _competition(work: Path) -> Any:
    from scorer import package

    aspects = [
        {"code": f"A{i:02d}", "name": f"项目{i}", "type": "exam", "max_mark": "5", "rule": {"out_of": "5"}}
        for i in range(1, ASPECTS + 1)
    ]
    crits = [
        {"code": f"K{k}", "name": f"配分{k}",
         "sub_criteria": [{"code": f"K{k}.1", "name": f"配分{k}", "aspects": aspects[k * 10 : k * 10 + 10]}]}
        for k in range(ASPECTS // 10)
    ]  # fmt: skip
    pkg = {
        "format": "scorer-competition",
        "format_version": 1,
        "competition": {"id": "bench-city", "name": "城市选拔基准", "start_date": "2026-05-01"},
        "events": [
            {
                "code": TRADE, "name": "数控车工",
                "components": [{"code": "P", "name": "实操", "max_mark": str(5 * ASPECTS), "criteria": crits}],
                "ranking": {"tie_breaks": ["criterion:K0", "criterion:K1"]},
                "awards": {"basis": "ratio", "tiers": [{"name": "一等奖", "ratio": "0.1"}]},
            }
        ],
        "contestants": [
            {"reg_no": f"R{c:04d}", "name": f"选手{c}", "organisation": f"单位{c % 37}", "event": TRADE,
             "code": f"C{c:03d}"}
            for c in range(1, CONTESTANTS + 1)
        ],
        "judges": [{"code": "J1", "name": "裁判", "role": "judge", "pin": "1111",
                    "assignments": [{"event": TRADE, "scope": ["*"]}]}],
    }  # fmt: skip
    path = work / "city.json"
    path.write_text(json.dumps(pkg, ensure_ascii=False), "utf-8")
    return package.load(path)


def _marks(rng: random.Random) -> dict[str, dict[str, dict[str, str]]]:
    """One venue's 6,000 marks (contestant → aspect → {"": value}), halves of 0–5."""
    return {
        f"C{c:03d}": {f"A{i:02d}": {"": str(Decimal(rng.randint(2, 10)) / 2)} for i in range(1, ASPECTS + 1)}
        for c in range(ABSENT + 1, CONTESTANTS + 1)
    }


def _fill(database: Any, work: Path) -> int:
    """Every venue's standings (rules engine → standings.write) and its marks (the baseline's
    table); the number of marks."""
    from scorer.hq import standings
    from scorer.rules import EventRules

    comp = _competition(work)
    event = comp.event(TRADE)
    rules = EventRules(event)
    rng = random.Random(17)
    absent = {f"C{c:03d}": "absent" for c in range(1, ABSENT + 1)}
    n = 0
    with database.write() as tx:
        tx.run(
            "CREATE TABLE marks (venue TEXT NOT NULL, contestant TEXT NOT NULL, aspect TEXT NOT NULL, value NUMERIC NOT NULL)"
        )
    for v in range(VENUES):
        venue, db = f"V-{v:04d}", f"DB-{v:04d}"
        marks = _marks(rng)
        result = rules.compute(comp.contestants, marks, absent)
        rows = [(venue, c, a, slots[""]) for c, aspects in marks.items() for a, slots in aspects.items()]
        with database.write() as tx:
            tx.run(
                "INSERT INTO venues (venue, name, created) VALUES (?, ?, ?)",
                (venue, f"赛场 {v}", "2026-05-01"),
            )
            standings.write(tx, db, venue, "ST-BENCH", 9, "2026-05-01T12:00:00Z", "match", comp, result, None)
            tx.copy("marks", ("venue", "contestant", "aspect", "value"), rows)
        n += len(rows)
    with database.write() as tx:
        tx.run("ANALYZE")
    return n


_AGGREGATE = (
    "SELECT venue, contestant, sum(value) AS total, rank() OVER (ORDER BY sum(value) DESC) AS place "
    "FROM marks GROUP BY venue, contestant ORDER BY total DESC, venue, contestant"
)


def _best(fn: Any, rounds: int = 3) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(rounds):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _measure(database: Any, work: Path) -> dict[str, Any]:
    from scorer.hq import crossvenue
    from scorer.hq.db import migrate

    migrate(database)
    t0 = time.perf_counter()
    marks = _fill(database, work)
    fill = time.perf_counter() - t0
    assert marks == VENUES * (CONTESTANTS - ABSENT) * ASPECTS == 3_000_000, marks
    with database.write() as tx:
        sel = crossvenue.add_selection(
            tx, "基准选拔", TRADE, "total",
            [crossvenue.parse_quota("上海市技术能手=100"), crossvenue.parse_quota("优秀=20%")], "bench",
        )  # fmt: skip

    def ours() -> Any:
        with database.read() as tx:
            return crossvenue.rank(tx, sel.id)

    def base() -> Any:
        with database.read() as tx:
            return tx.all(_AGGREGATE)

    value, ranking = _best(ours)
    baseline, rows = _best(base)
    assert len(ranking.rows) == len(rows) == VENUES * (CONTESTANTS - ABSENT), (len(ranking.rows), len(rows))
    assert ranking.rows[0].total == Decimal(rows[0][2]), (ranking.rows[0].total, rows[0][2])
    assert ranking.venues == VENUES and any(p.award == "优秀" for p in ranking.rows)
    out = figure(value, "s", baseline, 3.0, "ratio")
    out.update(backend=database.kind, marks=marks, ranked=len(ranking.rows), fill_s=round(fill, 1))
    return out


def bench_cross_venue_rank(work: Path) -> dict[str, dict[str, Any]]:
    from scorer.hq import db as hqdb
    from tests import pg

    try:
        with pg.cluster(fast=False) as dsn:
            database = hqdb.open_database(pg.fresh_database(dsn))
            try:
                return {"hq_cross_venue_rank_500x6k": _measure(database, work)}
            finally:
                database.close()
    except pg.PostgresUnavailable:
        pass  # no PostgreSQL here: SQLite, said so in the figure's "backend"
    database = hqdb.open_database(str(work / "crossvenue.sqlite"))
    try:
        return {"hq_cross_venue_rank_500x6k": _measure(database, work)}
    finally:
        database.close()


if __name__ == "__main__":
    import sys
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    with tempfile.TemporaryDirectory() as d:
        print(json.dumps(bench_cross_venue_rank(Path(d)), indent=2))
