"""The store: durable appends, refusals that write nothing, corrections that keep history."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from scorer.errors import MarkRefused, ScorerError
from scorer.store import ChainError, Row, Store
from scorer.store.verify import verify


def log_count(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM log").fetchone()[0]


def test_pragmas_are_wal_and_full(store):
    """Durability settings: WAL journal and synchronous=FULL (2)."""
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_mark_is_in_log_and_projection(store):
    """A recorded mark is a log row and the current value of its slot."""
    log_id = store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.015")
    row = store.get(log_id)
    assert row.kind == "mark" and row.actor == "J1" and row.source == "keyboard"
    assert row.payload["value"] == "24.015"
    [m] = store.marks()
    assert (m.contestant, m.aspect, m.judge, m.value, m.log_id) == ("C01", "A1.1", "J1", "24.015", log_id)


@pytest.mark.parametrize(
    ("judge", "contestant", "aspect", "value", "reason"),
    [
        ("J1", "C01", "A1.1", "2.4015", "合理范围"),  # decimal point slipped
        ("J1", "C01", "A1.1", "abc", "不是数字"),
        ("J1", "C01", "A1.2", "12.5", "不是有效等级"),
        ("J1", "C01", "A1.3", "maybe", "合格"),
        ("J2", "C01", "B1.1", "4", "超出评分范围"),
        ("J2", "C01", "B1.1", "1.5", "步长"),
        ("J1", "C01", "B1.2", "-1", "违规次数"),
        ("J1", "C01", "B1.3", "61:75", "超过 59"),
        ("J1", "C99", "A1.1", "24", "没有加密号"),
        ("X9", "C01", "A1.1", "24", "没有代码"),
        ("J2", "C01", "A1.1", "24", "没有被分配"),  # J2 is assigned to B1.1 only
        ("C1", "C01", "A1.1", "24", "角色不能评分"),  # a coordinator
        ("J1", "C01", "Z9", "24", "没有评分项"),
    ],
)
def test_refused_marks_write_nothing(store, judge, contestant, aspect, value, reason):
    """Out-of-range values, unknown codes and unassigned judges are refused with a reason."""
    before = log_count(store)
    with pytest.raises(MarkRefused) as exc:
        store.record_mark(judge=judge, contestant=contestant, aspect=aspect, value=value)
    assert reason in exc.value.message("zh")
    assert exc.value.message("en")
    assert log_count(store) == before
    assert store.marks() == []


def test_second_mark_on_a_slot_is_refused(store):
    """A filled slot is never overwritten silently: changing it is a correction."""
    store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.015")
    with pytest.raises(MarkRefused, match="already has"):
        store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.010")
    assert [m.value for m in store.marks()] == ["24.015"]


def test_judgement_panel_has_one_slot_per_judge(store):
    """Each judge of a panel has their own score for a judgement aspect."""
    store.record_mark(judge="J2", contestant="C02", aspect="B1.1", value="2")
    store.record_mark(judge="J3", contestant="C02", aspect="B1.1", value="3")
    assert sorted((m.judge, m.value) for m in store.marks()) == [("J2", "2"), ("J3", "3")]


def test_correction_keeps_history_and_needs_reason(store):
    """A correction references what it replaces, carries a reason, and the old row stays."""
    first = store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.015")
    with pytest.raises(MarkRefused, match="reason"):
        store.correct_mark(replaces=first, value="24.012", reason="  ", actor="J1")
    fixed = store.correct_mark(replaces=first, value="24.012", reason="读错刻度", actor="J1")
    row = store.get(fixed)
    assert (
        row.kind == "mark.correct"
        and row.payload["replaces"] == first
        and row.payload["reason"] == "读错刻度"
    )
    assert store.get(first).payload["value"] == "24.015"
    [m] = store.marks()
    assert (m.value, m.log_id, m.first_id) == ("24.012", fixed, first)
    with pytest.raises(MarkRefused, match="already replaced"):
        store.correct_mark(replaces=first, value="24.013", reason="again", actor="J1")


def test_only_the_judge_or_a_chief_corrects(store):
    """Another scoring judge cannot change a judge's mark; the chief judge can."""
    first = store.record_mark(judge="J2", contestant="C01", aspect="B1.1", value="2")
    with pytest.raises(MarkRefused, match="only the judge"):
        store.correct_mark(replaces=first, value="3", reason="x", actor="J3")
    store.correct_mark(replaces=first, value="3", reason="复核", actor="K1")
    assert [m.value for m in store.marks()] == ["3"]


def test_void_removes_from_projection_not_from_log(store):
    """A voided mark no longer counts, but both rows remain in the log."""
    first = store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.015")
    store.void_mark(replaces=first, reason="录错选手", actor="J1")
    assert store.marks() == []
    assert [r.kind for r in store.log(("mark", "mark.void"))] == ["mark", "mark.void"]
    store.record_mark(judge="J1", contestant="C02", aspect="A1.1", value="24.01")
    assert verify(store.path).ok


def test_log_rows_cannot_be_updated_or_deleted(store):
    """Triggers refuse UPDATE and DELETE of log rows even through SQL."""
    store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.015")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE log SET actor = 'X'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM log")


def test_sequences_and_chain_link(store):
    """Each row of a station follows the previous one: seq + 1 and prev_hash = its hash."""
    for code in ("C01", "C02", "C03"):
        store.record_mark(judge="J1", contestant=code, aspect="A1.1", value="24.01")
    rows = list(store.log())
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))


def test_two_processes_share_a_file(store, tmp_path):
    """A second Store on the same file (another process or thread) sees and extends the chain."""
    other = Store.open(store.path)
    store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.01")
    other.record_mark(judge="J1", contestant="C02", aspect="A1.1", value="24.02")
    store.record_mark(judge="J1", contestant="C03", aspect="A1.1", value="24.03")
    other.close()
    assert len(store.marks()) == 3
    assert verify(store.path).ok


def test_redefinition_may_not_orphan_marks(store, mini_comp):
    """A new package revision that drops a marked contestant is refused; others are accepted."""
    import dataclasses

    store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.01")
    without_c01 = dataclasses.replace(mini_comp, contestants=mini_comp.contestants[1:])
    with pytest.raises(ScorerError, match="orphan"):
        store.set_competition(without_c01, "C1")
    without_c03 = dataclasses.replace(mini_comp, contestants=mini_comp.contestants[:2])
    store.set_competition(without_c03, "C1")
    assert [x.code for x in store.competition.contestants] == ["C01", "C02"]
    other = dataclasses.replace(mini_comp, id="another")
    with pytest.raises(ScorerError, match="cannot take another"):
        store.set_competition(other, "C1")


def test_open_refuses_non_scorer_files(tmp_path):
    """Opening something that is not a competition file is one clear error."""
    junk = tmp_path / "junk.scorer"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ScorerError):
        Store.open(junk)
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ScorerError, match="not a Scorer"):
        Store.open(plain)
    with pytest.raises(ScorerError, match="not found"):
        Store.open(tmp_path / "missing.scorer")


def test_create_refuses_existing_file(store):
    with pytest.raises(ScorerError, match="already exists"):
        Store.create(store.path)


def test_reopen_loads_competition_and_station(store):
    """The definition and the station identity survive closing and reopening."""
    path, station, comp = store.path, store.station.id, store.competition
    store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.01")
    store.close()
    with Store.open(path) as again:
        assert again.station.id == station
        assert again.competition == comp
        assert len(again.marks()) == 1
    store.conn = sqlite3.connect(path)  # the fixture closes it again
    store._checkpoint = type("C", (), {"close": lambda self: None})()


def test_bulk_marks_are_all_or_nothing(store):
    """An imported sheet with one bad line writes nothing; a good one is one transaction."""
    from scorer.errors import ImportRejected

    good = [
        {"judge": "J1", "contestant": "C01", "aspect": "A1.1", "value": "24.01"},
        {"judge": "J1", "contestant": "C02", "aspect": "A1.1", "value": "24.02"},
    ]
    before = log_count(store)
    with pytest.raises(ImportRejected) as exc:
        store.record_marks([*good, {"judge": "J1", "contestant": "C03", "aspect": "A1.1", "value": "99"}])
    assert exc.value.problems[0].where == "#3"
    with pytest.raises(ImportRejected):
        store.record_marks([*good, good[0]])
    assert log_count(store) == before
    ids = store.record_marks(good)
    assert len(ids) == 2 and len(store.marks()) == 2
    with pytest.raises(MarkRefused, match="already has"):
        store.record_marks([{"judge": "J1", "contestant": "C03", "aspect": "A1.1", "value": "24"}, good[0]])
    assert len(store.marks()) == 2
    assert verify(store.path).ok


# ---------------------------------------------------------------- health and the checkpoint


def _closed(store: Store) -> Path:
    """Close the fixture's store (its close() is then harmless) and give its path."""
    path = store.path
    store.close()
    store.conn = sqlite3.connect(":memory:")
    store._checkpoint = None
    store._closer = None
    return path


def test_sound_file_health(store):
    h = store.health()
    assert h.checkpoint == "ok" and h.sound and not h.blocks_writing
    assert h.banner() is None and h.summary() is None and h.advice() is None
    assert store.health(full=True).sound


def test_missing_checkpoint_blocks_writing_until_a_chief_accepts(store):
    """The API the app uses: health() says what and what to do; accept_checkpoint settles it."""
    path = _closed(store)
    Path(f"{path}.head").unlink()
    with Store.open(path) as s:
        h = s.health()
        assert h.checkpoint == "missing" and h.needs_acceptance and h.blocks_writing
        assert "accept-checkpoint" in (h.banner("en") or "")
        assert (h.summary() or ("", ""))[0].startswith("文件校验未通过：")
        with pytest.raises(MarkRefused, match="nothing can be written"):
            s.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.01")
        assert not Path(f"{path}.head").exists()  # never recreated silently
        with pytest.raises(MarkRefused, match="only a chief judge"):
            s.accept_checkpoint("J1", "误删")
        log_id = s.accept_checkpoint("K1", "拷贝时漏了 .head 文件")
        assert s.get(log_id).kind == "checkpoint.accept"  # type: ignore[union-attr]
        assert s.health().sound and Path(f"{path}.head").exists()
        s.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.01")
    report = verify(path)
    assert report.ok
    assert any("已由 K1" in n.zh and "拷贝时漏了" in n.zh for n in report.notes)


def test_brand_new_file_without_checkpoint_is_not_missing(tmp_path):
    """A file holding only its station.init and not marked as checkpointed (an older program's new
    file): nothing to protect yet, so its checkpoint is simply written at the first writing open."""
    path = tmp_path / "n.scorer"
    Store.create(path).close()
    Path(f"{path}.head").unlink()
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM meta WHERE key = 'checkpoint'")
    conn.commit()
    conn.close()
    with Store.open(path, readonly=True) as s:
        assert s.health().checkpoint == "new" and s.health().sound
    assert not Path(f"{path}.head").exists()
    with Store.open(path) as s:
        assert s.health().checkpoint == "new"
    assert Path(f"{path}.head").exists() and verify(path).ok


def test_file_without_competition_accepts_a_named_actor(tmp_path):
    """No competition, no chief judges to check: the acceptance names whoever accepted, and the
    record says it was not checked."""
    path = tmp_path / "e.scorer"
    Store.create(path).close()
    Path(f"{path}.head").unlink()
    with Store.open(path) as s:
        assert s.health().checkpoint == "missing"  # the file says it was created with one
        with pytest.raises(MarkRefused):
            s.accept_checkpoint(" ", "x")
        log_id = s.accept_checkpoint("协调员 张三", "新建后误删")
        assert s.get(log_id).payload["chief_checked"] is False  # type: ignore[union-attr]
    assert verify(path).ok


def test_full_health_finds_what_the_cheap_check_cannot(store):
    """An edited middle row passes the check at open; the full verify (on demand) finds it."""
    for aspect, value in (("A1.1", "24.01"), ("A1.2", "0.8")):
        for code in ("C01", "C02", "C03"):
            store.record_mark(judge="J1", contestant=code, aspect=aspect, value=value)
    path = _closed(store)
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER log_no_update")
    conn.execute("UPDATE log SET actor = 'X' WHERE id = 3")
    conn.commit()
    conn.close()
    with Store.open(path, readonly=True) as s:
        assert s.health().sound
        full = s.health(full=True)
        assert not full.sound and "第 3 行" in (full.summary() or ("", ""))[0]
        assert full.advice() is not None and "备份" in full.advice()[0]  # type: ignore[index]


def test_read_only_store_refuses_writing(store):
    path = _closed(store)
    with Store.open(path, readonly=True) as s:
        assert s.health().readonly
        with pytest.raises(ScorerError, match="read-only"):
            s.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.01")


def test_old_file_opens_read_only_without_being_upgraded(tmp_path):
    """A version-1 file read by a read-only verb is upgraded in memory; the file stays version 1."""
    import shutil

    fixture = Path(__file__).parent / "data" / "schema-v1.scorer"
    copy = tmp_path / "old.scorer"
    shutil.copy(fixture, copy)
    shutil.copy(f"{fixture}.head", f"{copy}.head")
    before = copy.read_bytes()
    with Store.open(copy, readonly=True) as s:
        assert len(s.marks()) == 3 and s.health().sound
    assert copy.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.scorer", "old.scorer.head"]


# ------------------------------------------------------------ one door for every row


def _tables(store: Store) -> dict[str, list[tuple]]:
    """The projections without their log ids (ids are per file)."""
    queries = {
        "marks": "SELECT contestant, aspect, slot, event, judge, value FROM marks",
        "statuses": "SELECT contestant, status FROM statuses",
        "locks": "SELECT event, locked FROM locks",
        "decrypted": "SELECT event FROM decrypted",
        "drafts": "SELECT contestant, aspect, slot, pass, event, judge, value, clerk FROM drafts",
    }
    return {name: sorted(store.conn.execute(sql).fetchall()) for name, sql in queries.items()}


def _station_rows(store: Store) -> list:
    return [Row.of(r) for r in store.log()]


def _another_station(store: Store) -> None:
    """A morning's work at one laptop: marks, a status, two paper passes that disagree, a third
    that settles it, a lock and the decryption."""
    from scorer import double_entry, locking
    from tests.lockhelp import force_lock

    store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.015")
    store.record_mark(judge="J2", contestant="C01", aspect="B1.1", value="2")
    store.set_status(contestant="C03", status="dnf", reason="机床故障", actor="K1")
    for clerk, pass_no, value in (("L1", 1, "24.02"), ("L2", 2, "24.03"), ("L1", 3, "24.02")):
        double_entry.enter(
            store, clerk=clerk, pass_no=pass_no, judge="J1", contestant="C02", aspect="A1.1", value=value
        )
    force_lock(store, "CNC", "K1", ["J1", "J2"])
    locking.decrypt_event(store, "CNC", "E1")


def test_rows_of_another_station_enter_through_the_one_door(store, tmp_path, monkeypatch):
    """Rows read from another station's file go through the same door as local appends: the
    chain continues, the projections come out the same, and the file verifies with both chains."""
    _headquarters_laptop(monkeypatch, tmp_path)
    _another_station(store)
    rows = _station_rows(store)
    with Store.create(tmp_path / "hq.scorer", "总部") as hq:
        ids = hq.apply_rows(rows)
        assert len(ids) == len(rows) and hq.count() == len(rows) + 1  # and its own station.init
        assert hq.competition == store.competition
        assert _tables(hq) == _tables(store)
        assert [Row.of(r) for r in hq.log() if r.station == store.station.id] == rows
    report = verify(tmp_path / "hq.scorer")
    assert report.ok, [p.message("en") for p in report.problems]
    assert set(report.stations) == {store.station.id, hq.station.id}


def test_corrections_of_another_station_keep_the_tables(store, tmp_path, monkeypatch):
    """A correction and a void received from another station change the same slots there."""
    _headquarters_laptop(monkeypatch, tmp_path)
    first = store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.015")
    gone = store.record_mark(judge="J1", contestant="C02", aspect="A1.1", value="24.01")
    store.correct_mark(replaces=first, value="24.02", reason="看错", actor="J1")
    store.void_mark(replaces=gone, reason="选手错了", actor="K1")
    with Store.create(tmp_path / "hq.scorer") as hq:
        hq.apply_rows(_station_rows(store))
        assert _tables(hq) == _tables(store)
        assert [(m.contestant, m.value) for m in hq.marks()] == [("C01", "24.02")]


def _headquarters_laptop(monkeypatch, tmp_path):
    """What follows runs on another laptop: another station key, so another station id."""
    monkeypatch.setenv("SCORER_DATA_DIR", str(tmp_path / "hq-laptop"))


def _bad(rows: list, n: int, how: str):
    row = rows[n]
    if how == "gap":
        return rows[n + 1], "缺少序号", "are missing"
    if how == "prev_hash":
        return row._replace(prev_hash=rows[n].hash), "上一行哈希", "does not link"
    if how == "hash":
        return (
            row._replace(payload=row.payload.replace("24.015", "29.015")),
            "哈希与其内容不符",
            "does not hash",
        )
    return rows[n - 1], "已在文件中", "already in the file"  # a row it has


@pytest.mark.parametrize("how", ["gap", "prev_hash", "hash", "repeat"])
def test_a_row_that_breaks_the_chain_is_refused_and_changes_nothing(store, tmp_path, how, monkeypatch):
    """A gap, a wrong prev_hash, a hash that does not match the row, or a row already there: the
    door refuses it with the reason, and the file (log, tables, checkpoint) stays as it was."""
    _headquarters_laptop(monkeypatch, tmp_path)
    store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.015")
    store.record_mark(judge="J1", contestant="C02", aspect="A1.1", value="24.01")
    rows = _station_rows(store)
    n = next(i for i, r in enumerate(rows) if r.kind == "mark")
    path = tmp_path / "hq.scorer"
    with Store.create(path) as hq:
        hq.apply_rows(rows[:n])
        hq._checkpoint.flush()
        before = (hq.count(), _tables(hq), Path(f"{path}.head").read_bytes())
        bad, zh, en = _bad(rows, n, how)
        with pytest.raises(ChainError) as exc:
            hq.apply_rows([bad])
        assert zh in exc.value.message("zh") and "没有写入" in exc.value.message("zh")
        assert en in exc.value.message("en") and "nothing was written" in exc.value.message("en")
        assert f"seq {bad.seq}" in exc.value.message("en")
        with pytest.raises(ChainError):  # good rows before a bad one in the same batch: none is written
            hq.apply_rows([rows[n], rows[n + 1]._replace(hash="0" * 64)])
        hq._checkpoint.flush()
        assert (hq.count(), _tables(hq), Path(f"{path}.head").read_bytes()) == before
        hq.apply_rows(rows[n:])  # the right rows still go in afterwards
    assert verify(path).ok


def test_every_local_append_goes_through_the_door(store, monkeypatch):
    """Local appends build their row and enter it by `Log.apply`, the only INSERT INTO log."""
    from scorer.store.log import Log

    seen = []
    apply = Log.apply

    def spy(self, row, projection=()):
        seen.append(row.kind)
        return apply(self, row, projection)

    monkeypatch.setattr(Log, "apply", spy)
    before = store.count()
    _another_station(store)
    assert len(seen) == store.count() - before
    root = Path(__file__).resolve().parents[1] / "scorer"
    inserting = [p for p in root.rglob("*.py") if "INSERT INTO log " in p.read_text(encoding="utf-8")]
    assert inserting == [root / "store" / "log.py"]


def test_rows_received_by_two_processes_continue_each_other(store, tmp_path, monkeypatch):
    """Two Stores on one file receive a station's rows in turns: each continues from the file's
    head, not from the head it saw last."""
    _headquarters_laptop(monkeypatch, tmp_path)
    store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.015")
    rows = _station_rows(store)
    path = tmp_path / "hq.scorer"
    Store.create(path).close()
    with Store.open(path) as one, Store.open(path) as two:
        one.apply_rows(rows[:1])
        two.apply_rows(rows[1:2])
        one.apply_rows(rows[2:])
        assert [r.seq for r in one.log() if r.station == store.station.id] == [r.seq for r in rows]
    assert verify(path).ok
