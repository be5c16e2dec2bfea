"""A real `scorer hq serve` child process over HTTP: enrolment, the demo competition pushed in
batches, refusals as the API says, a fork made from two copies of one file, and several workers
taking eight stations at once. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from scorer.demo import ensure_demo
from scorer.station import Identity, identity, key_at
from scorer.store import Row, Store
from scorer.sync import wire
from tests.hq.conftest import Server, http, scorer

PACKAGE = {"id": "2026-sh-zgjs-demo", "format_version": 1, "revision": 1}


def venue_code(db_url: str, hq_folder: Path, tmp_path: Path, venue: str | None = None) -> dict[str, Any]:
    """A venue (or another code for `venue`) made with the real CLI; its JSON."""
    args = ["venue", "code", venue] if venue else ["venue", "add", "浦东赛场"]
    done = scorer(
        "hq", *args, "--db", db_url, "--data", str(hq_folder), "--json", "--png", str(tmp_path / "q.png")
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def enrol_over_http(server: Server, identity: Identity, code: str) -> dict[str, Any]:
    status, answer = http(
        server.api + "/enrol", "POST", wire.encode(wire.make_enrol(identity, code, "笔记本"))
    )
    assert status == 200, answer
    return answer


def file_rows(path: Path) -> tuple[str, list[Row]]:
    with Store.open(path, readonly=True) as store:
        return store.db_id, [Row.of(r) for r in store.log()]


def push_all(server: Server, identity: Identity, venue: str, db: str, rows: list[Row], size: int) -> dict:
    receipt: dict = {}
    mine = [r for r in rows if r.station == identity.id]
    for lo in range(0, len(mine), size):
        batch = wire.make_batch(
            identity,
            venue=venue,
            db=db,
            package=PACKAGE,
            rows=mine[lo : lo + size],
            made="2026-05-01T09:00:00Z",
        )
        status, receipt = http(server.api + "/batches", "POST", wire.encode(batch))
        assert status == 200, receipt
    return receipt


def test_the_demo_competition_is_pushed_and_every_row_acknowledged(
    db_url: str, hq_folder: Path, tmp_path: Path, server_factory: Any
) -> None:
    server = server_factory(db_url)
    assert "HQ-" in server.line and "Traceback" not in server.errors()
    status, info = http(server.api + "/hq")
    assert status == 200 and info["hq"] == wire.key_id(info["key"], "HQ") and info["version"] == 1
    assert info["hq"] in server.line
    db, rows = file_rows(ensure_demo(tmp_path / "demo.scorer"))
    me = identity()
    assert {r.station for r in rows} == {me.id}
    code = venue_code(db_url, hq_folder, tmp_path)
    answer = enrol_over_http(server, me, code["code"].replace("-", "").lower())
    assert (answer["venue"], answer["hq_key"]) == (code["venue"], info["key"])
    # not enrolled yet for this file: nothing held
    status, empty = http(f"{server.api}/feeds/{db}/{me.id}")
    assert status == 200 and (empty["count"], empty["head_hash"]) == (0, "0" * 64)
    receipt = push_all(server, me, code["venue"], db, rows, 200)
    r = wire.check_receipt(receipt, info["key"])
    assert (r.count, r.last_seq, r.head_hash) == (len(rows), rows[-1].seq, rows[-1].hash)
    assert r.fingerprint == wire.fingerprint(rows[-1].hash, len(rows))
    status, now = http(f"{server.api}/feeds/{db}/{me.id}")
    assert status == 200 and wire.check_receipt(now, info["key"]).count == len(rows)
    # a second push of everything: acknowledged, the same holding
    assert push_all(server, me, code["venue"], db, rows, 500)["count"] == len(rows)
    # refusals as the API says: status, {"error": {code, zh, en, seq}}
    batch = wire.make_batch(me, venue=code["venue"], db=db, package=PACKAGE, rows=rows[:3], made="x")
    for body, want, http_status in (
        (b"{not json", "format", 422),
        (wire.encode(dict(batch, count=99)), "signature", 422),
        (
            wire.encode(
                wire.make_batch(me, venue="V-NOWHERE", db=db, package=PACKAGE, rows=rows[:3], made="x")
            ),
            "enrolment",
            403,
        ),
    ):
        status, answer = http(server.api + "/batches", "POST", body)
        assert status == http_status and set(answer["error"]) == {"code", "zh", "en", "seq"}, answer
        assert answer["error"]["code"] == want
    gap = wire.make_batch(me, venue=code["venue"], db="DB-new", package=PACKAGE, rows=rows[5:8], made="x")
    status, answer = http(server.api + "/batches", "POST", wire.encode(gap))
    assert (status, answer["error"]["code"], answer["error"]["seq"]) == (409, "gap", 1)
    repeat = wire.make_batch(me, venue=code["venue"], db=db, package=PACKAGE, rows=rows[5:6], made="x")
    status, answer = http(server.api + "/batches", "POST", wire.encode(repeat))
    assert status == 200 and answer["count"] == len(rows)  # a repeat of seq 6: the feed as held
    status, answer = http(f"{server.api}/feeds/{db}/ST-000000000000")
    assert status == 404 and answer["error"]["code"] == "enrolment"
    status, answer = http(server.api + "/echo", "POST", b"x" * 1000)
    assert (status, answer) == (200, {"bytes": 1000})
    status, spec = http(server.url + "/openapi.json")
    assert status == 200 and "/api/v1/batches" in spec["paths"]
    assert spec["paths"]["/api/v1/batches"]["post"]["requestBody"]["content"]["application/json"]["schema"]


def test_two_copies_of_one_file_written_by_one_laptop_are_a_fork(
    db_url: str, hq_folder: Path, tmp_path: Path, server_factory: Any
) -> None:
    """The classic way to fork: copy a competition file, then write different marks into each copy
    on the same laptop (same station key, same file id, so the same seqs with different rows)."""
    original = ensure_demo(tmp_path / "demo.scorer")
    shutil.copy(original, tmp_path / "copy.scorer")
    shutil.copy(f"{original}.head", tmp_path / "copy.scorer.head")
    with Store.open(original) as store:
        store.set_status(contestant="CNC-774", status="absent", reason="缺考", actor="CNC-K")
    with Store.open(tmp_path / "copy.scorer") as store:
        # this laptop notices the copy is behind what it signed; someone accepts that and writes on
        store.accept_checkpoint("CNC-K", "以为是备份")
        store.set_status(contestant="CNC-774", status="dnf", reason="未完成", actor="CNC-K")
    db, rows = file_rows(original)
    db_copy, rows_copy = file_rows(tmp_path / "copy.scorer")
    assert (
        db == db_copy
        and rows[-1].seq < rows_copy[-1].seq
        and rows[-1].hash != rows_copy[rows[-1].seq - 1].hash
    )
    me = identity()
    server = server_factory(db_url)
    code = venue_code(db_url, hq_folder, tmp_path)
    enrol_over_http(server, me, code["code"])
    assert push_all(server, me, code["venue"], db, rows, 400)["count"] == len(rows)
    batch = wire.make_batch(me, venue=code["venue"], db=db, package=PACKAGE, rows=rows_copy[-10:], made="x")
    status, answer = http(server.api + "/batches", "POST", wire.encode(batch))
    assert status == 409 and answer["error"]["code"] == "fork" and answer["error"]["seq"] == rows[-1].seq, (
        answer
    )
    # headquarters keeps what it held, and shows the fork to its staff
    status, held = http(f"{server.api}/feeds/{db}/{me.id}")
    assert held["head_hash"] == rows[-1].hash
    facts = scorer("hq", "status", "--db", db_url, "--data", str(hq_folder), "--json")
    assert facts.returncode == 0, facts.stderr
    state = json.loads(facts.stdout)
    assert [(f["station"], f["seq"], f["new_hash"]) for f in state["forks"]] == [
        (me.id, rows[-1].seq, rows_copy[rows[-1].seq - 1].hash)
    ]
    assert [q["station"] for q in state["quarantined"]] == [me.id]
    assert state["refusals"][0]["code"] == "fork"
    text = scorer("hq", "status", "--db", db_url, "--data", str(hq_folder))
    assert "分叉" in text.stdout and "已隔离" in text.stdout
    status, answer = http(server.api + "/batches", "POST", wire.encode(batch))
    assert status == 409 and answer["error"]["code"] == "quarantined"


def station_file(
    tmp_path: Path, n: int, monkeypatch: pytest.MonkeyPatch, rows: int
) -> tuple[Identity, str, list[Row]]:
    """Station `n`: its own data folder (so its own key) and its own competition file, `rows` long."""
    from scorer.store.log import Entry

    data = tmp_path / f"station-{n}"
    monkeypatch.setenv("SCORER_DATA_DIR", str(data))
    path = tmp_path / f"venue-{n}.scorer"
    with Store.create(path, f"笔记本 {n}") as store:
        store.append_many([Entry("note", {"n": i, "station": n}, "test", "cli") for i in range(rows)])
    db, log = file_rows(path)
    return key_at(data / "station"), db, log


@pytest.mark.slow
def test_two_workers_and_eight_stations_pushing_at_once_hold_every_log_exactly(
    db_url: str, hq_folder: Path, tmp_path: Path, server_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = server_factory(db_url, "--workers", "2")
    assert "2" in server.line
    venue = venue_code(db_url, hq_folder, tmp_path)["venue"]
    stations = [station_file(tmp_path, n, monkeypatch, 400 + 50 * n) for n in range(8)]
    codes = [venue_code(db_url, hq_folder, tmp_path, venue)["code"] for _ in stations]
    failures: list[str] = []
    receipts: dict[str, dict] = {}

    def run(identity: Identity, db: str, rows: list[Row], code: str) -> None:
        try:
            enrol_over_http(server, identity, code)
            receipts[identity.id] = push_all(server, identity, venue, db, rows, 60)
            # and again, overlapping differently: every batch a repeat
            receipts[identity.id] = push_all(server, identity, venue, db, rows, 97)
        except BaseException as exc:  # reported below, with the server's log
            failures.append(f"{identity.id}: {exc!r}")

    threads = [threading.Thread(target=run, args=(*s, c)) for s, c in zip(stations, codes, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not failures, f"{failures}\n{server.errors()}"
    _, info = http(server.api + "/hq")
    for ident, db, rows in stations:
        r = wire.check_receipt(receipts[ident.id], info["key"])
        assert (r.count, r.head_hash) == (len(rows), rows[-1].hash)
        _, held = http(f"{server.api}/feeds/{db}/{ident.id}")
        assert (held["count"], held["head_hash"]) == (len(rows), rows[-1].hash)
    facts = json.loads(scorer("hq", "status", "--db", db_url, "--data", str(hq_folder), "--json").stdout)
    assert sorted((f["station"], f["count"]) for f in facts["feeds"]) == sorted(
        (i.id, len(r)) for i, _, r in stations
    )
    assert facts["forks"] == [] and facts["quarantined"] == []
