"""Headquarters' pages under load.

- `hq_page_p95`: p95 latency of the cross-venue ranking page (`/selections/{id}`, its first page
  of 100 rows, as a signed-in member of staff sees it) under 32 concurrent clients, each a bounded
  loop of requests on 127.0.0.1, against the same load on the app's trivial home page (`/`: the
  same session check and base template, nothing else) in the same run. Target ratio ≤ 5.

The server is `scorer hq serve` (a child process, one worker, SQLite) holding a city-wide trade:
40 venues × 100 ranked contestants, each venue's standings written by the standings writer the
checks call, from the rules engine's real EventResult (as bench/crossvenue.py does), with the
results check kept beside it as a real check would. Trivial and ranking rounds alternate (trivial,
ranking, trivial, ranking) so both see the same machine weather; the baseline is the trivial p95.
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.figures import figure, percentile

VENUES = 40
CLIENTS = 32
REQUESTS = 15  # each client, each round
PASSWORD = "bench password one"


def _fill(data: Path, work: Path) -> int:
    """The headquarters database in `data`: venues with standings and their checks, a selection and
    a read-only member of staff. The selection's id."""
    from bench.crossvenue import ABSENT, CONTESTANTS, TRADE, _competition, _marks
    from scorer.hq import crossvenue, standings, users
    from scorer.hq.db import migrate, open_database
    from scorer.hq.keys import default_db
    from scorer.rules import EventRules

    data.mkdir(parents=True, exist_ok=True)
    database = open_database(default_db(data))
    try:
        migrate(database)
        comp = _competition(work)
        rules = EventRules(comp.event(TRADE))
        rng = random.Random(23)
        absent = {f"C{c:03d}": "absent" for c in range(1, ABSENT + 1)}
        for v in range(VENUES):
            venue, db = f"V-{v:04d}", f"DB-{v:04d}"
            result = rules.compute(comp.contestants, _marks(rng), absent)
            moment = f"2026-05-01T12:{v // 60:02d}:{v % 60:02d}Z"
            with database.write() as tx:
                tx.run(
                    "INSERT INTO venues (venue, name, created) VALUES (?, ?, ?)", (venue, f"赛场 {v}", moment)
                )
                standings.write(tx, db, venue, "ST-BENCH", 9, moment, "match", comp, result, None)
                tx.run(
                    "INSERT INTO result_checks (db, station, seq, event, state, expected, computed, zh, en, "
                    "checked) VALUES (?, 'ST-BENCH', 9, ?, 'match', '', '', '一致', 'match', ?)",
                    (db, TRADE, moment),
                )
        assert CONTESTANTS - ABSENT == 100
        users.add(database, "bench", "read-only", PASSWORD, "cli:bench")
        with database.write() as tx:
            sel = crossvenue.add_selection(
                tx, "基准选拔", TRADE, "total",
                [crossvenue.parse_quota("上海市技术能手=100"), crossvenue.parse_quota("优秀=20%")], "bench",
            )  # fmt: skip
        return sel.id
    finally:
        database.close()


def _session(port: int) -> str:
    """Log in through the form as a person does: the session cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    page = conn.getresponse()
    html = page.read().decode()
    cookies = "; ".join(v.split(";", 1)[0] for k, v in page.getheaders() if k.lower() == "set-cookie")
    token = re.search(r'name="login_csrf" value="([^"]+)"', html)
    assert token, html[:300]
    body = urlencode({"username": "bench", "password": PASSWORD, "login_csrf": token.group(1)})
    conn.request(
        "POST", "/login", body,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies},
    )  # fmt: skip
    done = conn.getresponse()
    done.read()
    assert done.status == 303, done.status
    conn.close()
    return "; ".join(v.split(";", 1)[0] for k, v in done.getheaders() if k.lower() == "set-cookie")


def _load(port: int, path: str, cookie: str, expect: str) -> list[float]:
    """CLIENTS threads, each REQUESTS requests on its own kept-alive connection: every latency."""
    times: list[float] = []
    lock = threading.Lock()
    errors: list[str] = []
    start = threading.Barrier(CLIENTS)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine = []
        start.wait()
        try:
            for _ in range(REQUESTS):
                t0 = time.perf_counter()
                conn.request("GET", path, headers={"Cookie": cookie})
                resp = conn.getresponse()
                body = resp.read()
                mine.append(time.perf_counter() - t0)
                if resp.status != 200 or expect.encode() not in body:
                    errors.append(f"{path}: HTTP {resp.status}")
        finally:
            conn.close()
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    return times


def bench_hq_page_p95(work: Path) -> dict[str, dict[str, Any]]:
    from tests.sync.harness import HQ

    data = work / "hqpages"
    selection = _fill(data, work)
    with HQ(data) as hq:
        cookie = _session(hq.port)
        page = f"/selections/{selection}"
        _load(hq.port, page, cookie, f"第 1 / {VENUES} 页")  # warm: the first ranking is computed and kept
        trivial: list[float] = []
        ours: list[float] = []
        for _ in range(2):
            trivial += _load(hq.port, "/", cookie, "已登录")
            ours += _load(hq.port, page, cookie, f"第 1 / {VENUES} 页")
    value, base = percentile(ours, 0.95) * 1000, percentile(trivial, 0.95) * 1000
    out = {"hq_page_p95": figure(value, "ms", base, 5.0, "ratio")}
    out["hq_page_p95"].update(clients=CLIENTS, requests=len(ours), ranked=VENUES * 100, rows_a_page=100)
    return out


if __name__ == "__main__":
    import json
    import sys
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    with tempfile.TemporaryDirectory() as d:
        print(json.dumps(bench_hq_page_p95(Path(d)), indent=2))
