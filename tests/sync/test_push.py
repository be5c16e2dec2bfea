"""Enrol and push against a real headquarters (`scorer hq serve`, SQLite and PostgreSQL): the
demo competition arrives whole, a second push sends nothing, a rolled-back or forked file pushes
nothing, refusals and unreachable servers are clear and change nothing."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from scorer.store import Store
from scorer.store.verify import verify
from scorer.sync import client, http, state, wire
from tests.sync.conftest import BACKENDS
from tests.sync.harness import HQ, ROOT, enrolled, free_port


def _snapshot(path: Path) -> tuple[int, list[tuple[object, ...]], list[tuple[object, ...]]]:
    """What a failed sync must leave as it was: the log's length, the enrolments, the receipts."""
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("SELECT count(*) FROM log").fetchone()[0],
            conn.execute("SELECT * FROM sync_enrolment ORDER BY station").fetchall(),
            conn.execute("SELECT * FROM sync_receipts ORDER BY station").fetchall(),
        )
    finally:
        conn.close()


@pytest.mark.parametrize("hq_db", BACKENDS, indirect=True)
def test_enrol_push_status_and_a_second_push_sends_nothing(hq: HQ, demo: Path) -> None:
    e = enrolled(demo, hq)
    with Store.open(demo, readonly=True) as s:
        db, rows = s.db_id, s.count()
    assert e["hq_url"] == hq.url and e["venue"].startswith("V-")
    station = e["station"]
    seen: list[tuple[int, int]] = []
    result = client.push(demo, on_progress=lambda done, total: seen.append((done, total)), batch_size=300)
    assert result.state == "synced" and result.sent == rows == result.count == result.held_count
    assert result.batches == -(-rows // 300)
    fp = wire.fingerprint(result.head_hash, rows)
    assert result.zh == f"总部已收到 {rows}/{rows} 条记录，指纹一致（指纹 {fp}）"
    assert result.en == f"headquarters holds {rows}/{rows} entries, fingerprints match (fingerprint {fp})"
    assert seen[0] == (0, rows) and seen[-1] == (rows, rows) and len(seen) == result.batches + 1
    # headquarters holds exactly the station's log: by its receipt and in its database
    assert hq.held() == {(db, station): (rows, 1, rows)}
    with Store.open(demo, readonly=True) as s:
        mine = [
            r[0] for r in s.conn.execute("SELECT hash FROM log WHERE station = ? ORDER BY seq", (station,))
        ]
    assert hq.hashes(db, station) == mine
    [line] = client.status(demo)
    assert (line.state, line.held_count, line.count, line.fingerprint) == ("synced", rows, rows, fp)
    assert line.zh.startswith(f"总部已收到 {rows}/{rows} 条记录，指纹一致")
    again = client.push(demo)
    assert (again.sent, again.batches, again.state) == (0, 0, "synced")
    assert verify(demo).ok


@pytest.mark.parametrize("hq_db", BACKENDS, indirect=True)
def test_marks_after_a_push_go_in_the_next_and_revision_counts_definitions(hq: HQ, demo: Path) -> None:
    enrolled(demo, hq)
    first = client.push(demo)
    with Store.open(demo) as s:
        assert s.competition is not None
        s.set_competition(s.competition, "COORD")  # a second revision of the definition
        for n in range(6):
            s.set_status(
                contestant="CNC-774", status="dnf" if n % 2 == 0 else "ok", reason="测试", actor="CNC-K"
            )
    sent: list[tuple[int, int]] = []
    second = client.push(demo, on_send=lambda a, b: sent.append((a, b)))
    assert sent == [(first.count + 1, first.count + 7)]
    assert second.sent == 7 and second.held_count == first.count + 7 and second.state == "synced"
    conn = sqlite3.connect(demo)
    e = state.enrolment(conn, second.station)
    conn.close()
    assert e is not None and wire.check_receipt(second.receipt, e.hq_key).count == second.count
    packages = [json.loads(p) for (p,) in hq.query("SELECT package FROM batches ORDER BY id")]
    assert [p["revision"] for p in packages] == [1, 2]
    assert packages[0] == {"id": "2026-sh-zgjs-demo", "format_version": 1, "revision": 1}


def test_rolled_back_file_pushes_nothing_and_verify_names_the_receipt(
    hq: HQ, demo: Path, tmp_path: Path
) -> None:
    """A file put back to an older copy after headquarters acknowledged more: the push stops
    (rollback), nothing is sent; after more marks there it is a fork (same seq, other hash)."""
    enrolled(demo, hq)
    backup = tmp_path / "backup.scorer"
    client.push(demo)
    shutil.copy(demo, backup)
    shutil.copy(f"{demo}.head", f"{backup}.head")
    with Store.open(demo) as s:
        for n in range(3):
            s.set_status(
                contestant="CNC-774", status="dnf" if n % 2 == 0 else "ok", reason="测试", actor="CNC-K"
            )
    pushed = client.push(demo)
    assert pushed.state == "synced"
    held_before = hq.held()
    # the older copy comes back in place of the file (its checkpoint too)
    shutil.copy(backup, demo)
    shutil.copy(f"{backup}.head", f"{demo}.head")
    with pytest.raises(wire.SyncRefused) as refused:
        client.push(demo)
    assert refused.value.code == "rollback"
    assert f"总部持有到序号 {pushed.count}" in refused.value.zh and "nothing is pushed" in refused.value.en
    assert hq.held() == held_before
    [line] = client.status(demo)
    assert line.state == "fork" and line.held_last_seq == pushed.count
    report = verify(demo)
    rollback = [p for p in report.problems if p.code == "sync.rollback"]
    assert (
        rollback
        and f"up to seq {pushed.count}; the file now ends at seq {pushed.count - 3}" in rollback[0].en
    )
    assert f"receipt of {line.held_time}" in rollback[0].en and line.held_time in rollback[0].zh
    # marks written on the older copy: now the file is longer, but differs at headquarters' head
    with Store.open(demo) as s:
        if s.health().needs_acceptance:  # this laptop remembers the newer checkpoint it signed
            s.accept_checkpoint("CNC-K", "测试：放回旧副本")
        for n in range(6):
            s.set_status(
                contestant="CNC-528", status="dnf" if n % 2 == 0 else "ok", reason="测试", actor="CNC-K"
            )
    with pytest.raises(wire.SyncRefused) as forked:
        client.push(demo)
    assert forked.value.code == "fork" and forked.value.seq == pushed.count
    assert hq.held() == held_before
    assert client.status(demo)[0].state == "fork"


def test_headquarters_refusal_stops_the_push_with_its_reason_and_seq(hq: HQ, demo: Path) -> None:
    """A row changed outside the program (hash no longer matches): headquarters refuses that batch
    with its located reason; the batches before it are acknowledged and their receipt kept."""
    e = enrolled(demo, hq)
    conn = sqlite3.connect(demo)
    conn.execute("DROP TRIGGER log_no_update")
    conn.execute("UPDATE log SET actor = 'someone' WHERE station = ? AND seq = 450", (e["station"],))
    conn.commit()
    conn.close()
    with pytest.raises(wire.SyncRefused) as refused:
        client.push(demo, batch_size=200)
    assert refused.value.code == "hash" and refused.value.seq == 450
    assert "450" in refused.value.zh and "450" in refused.value.en
    [line] = client.status(demo)
    assert line.held_count == 400 and line.state == "behind"
    assert line.zh.startswith(f"总部已收到 400/{line.count} 条记录，还有 {line.count - 400} 条未同步")
    assert sum(n for n, _lo, _hi in hq.held().values()) == 400


def test_unreachable_headquarters_is_one_clear_line_and_changes_nothing(hq: HQ, demo: Path) -> None:
    enrolled(demo, hq)
    hq.stop()
    before = _snapshot(demo)
    with pytest.raises(http.Unreachable) as exc:
        client.push(demo, timeout=5)
    assert "无法连接总部" in exc.value.zh and "connection refused" in exc.value.en
    assert _snapshot(demo) == before
    # the CLI: exit 1, the reason on stderr in the user's language, nothing on stdout
    done = subprocess.run(
        [sys.executable, "-m", "scorer.cli", "sync", "push", "--file", str(demo), "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("error: cannot reach headquarters at ") and "Traceback" not in done.stderr
    assert _snapshot(demo) == before


def test_not_a_headquarters_is_a_bad_answer(demo: Path, tmp_path: Path) -> None:
    """An address that answers HTTP but is not Scorer's headquarters (a plain web server)."""
    port = free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                with http.Client(f"http://127.0.0.1:{port}", timeout=2) as c:
                    c.request("GET", "/")
            except http.Unreachable:
                time.sleep(0.05)
                continue
            except http.BadAnswer:
                break
        before = _snapshot(demo)
        with pytest.raises(http.BadAnswer) as exc:
            client.enrol(demo, f"127.0.0.1:{port}", "ABCDE-FGHJK")
        assert "HTTP 501" in exc.value.en or "HTTP 404" in exc.value.en
        assert _snapshot(demo) == before
    finally:
        web.kill()
        web.wait()


def test_enrolment_codes_refused_by_headquarters(hq: HQ, demo: Path, tmp_path: Path) -> None:
    before = _snapshot(demo)
    with pytest.raises(wire.SyncRefused) as unknown:
        client.enrol(demo, hq.url, "ZZZZZ-ZZZZZ")
    assert unknown.value.code == "code" and "登记码不存在" in unknown.value.zh
    assert _snapshot(demo) == before
    code = hq.code()["code"]
    e = client.enrol(demo, hq.url, code.replace("-", "").lower())  # typed without the dash, lower case
    assert e.venue.startswith("V-")
    # a second laptop (another station: another data folder) cannot use the same code
    other = tmp_path / "other.scorer"
    shutil.copy(demo, other)
    shutil.copy(f"{demo}.head", f"{other}.head")
    done = subprocess.run(
        [sys.executable, "-m", "scorer.cli", "sync", "enrol", hq.url, code, "--file", str(other), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, "SCORER_DATA_DIR": str(tmp_path / "laptop2")},
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["error"]["code"] == "code"
    assert "只能用一次" in done.stderr


def test_a_copied_file_must_enrol_its_own_station(
    hq: HQ, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file carries the first laptop's enrolment; on another laptop (station) it is not enrolled."""
    enrolled(demo, hq)
    client.push(demo)
    monkeypatch.setenv("SCORER_DATA_DIR", str(tmp_path / "laptop2"))
    with pytest.raises(client.NotEnrolled):
        client.push(demo)
    lines = client.status(demo)
    assert [(x.this_laptop, x.state) for x in lines] == [(False, "synced")]
    client.enrol(demo, hq.url, hq.code("第二场地")["code"])
    with Store.open(demo) as s:  # this laptop writes: its own chain begins
        s.set_status(contestant="CNC-774", status="dnf", reason="测试", actor="CNC-K")
    second = client.push(demo)
    assert second.state == "synced" and second.count == 2  # station.init and the status
    assert sorted(x.state for x in client.status(demo)) == ["synced", "synced"]


def test_marks_go_on_being_saved_during_a_push_and_a_stop_between_batches(hq: HQ, demo: Path) -> None:
    """The push reads on its own Store (another thread here, as the application's sync page does)
    while this thread records marks: both complete; the marks go in the next push. A push asked
    to stop ends between batches, "behind", with what headquarters holds kept."""
    enrolled(demo, hq)
    calls: list[int] = []
    stopped = client.push(
        demo, batch_size=100, stop=lambda: len(calls) >= 3, on_send=lambda a, b: calls.append(a)
    )
    assert stopped.state == "behind" and stopped.held_count == 300 and stopped.batches == 3
    assert stopped.zh.startswith(
        f"总部已收到 300/{stopped.count} 条记录，还有 {stopped.count - 300} 条未同步"
    )
    results: list[client.PushResult] = []
    pusher = threading.Thread(target=lambda: results.append(client.push(demo, batch_size=50)))
    with Store.open(demo) as s:
        pusher.start()
        for n in range(40):
            s.set_status(
                contestant="CNC-774", status="dnf" if n % 2 == 0 else "ok", reason="测试", actor="CNC-K"
            )
        pusher.join(60)
        total = s.count()
    [during] = results
    assert during.state == "synced" and during.count >= stopped.count
    after = client.push(demo)
    assert after.state == "synced" and after.count == total and after.sent == total - during.count


def test_a_headquarters_that_never_answers_times_out(hq: HQ, demo: Path) -> None:
    """A server that takes the connection and says nothing (hung, or a half-open network): the
    push gives up after its timeout with a clear line, and nothing changed."""
    enrolled(demo, hq)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections complete in the backlog; nothing is ever read or answered
    try:
        before = _snapshot(demo)
        with pytest.raises(http.Unreachable) as exc:
            client.push(demo, url=f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.5)
        assert "0.5 秒内没有回答" in exc.value.zh and "no answer within 0.5 s" in exc.value.en
        assert _snapshot(demo) == before
    finally:
        silent.close()
