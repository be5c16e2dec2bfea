"""Lock and sign-off: nothing open is locked over, every decision and signature is the chief's or
the judge's own, logged, and still there after a restart."""

from __future__ import annotations

import pytest

from scorer import locking, signoff
from scorer.errors import ScorerError
from scorer.store import Store
from scorer.store.verify import verify

PINS = {"J1": "1111", "J2": "2222", "J3": "3333", "K1": "9999"}


def kinds(store: Store) -> list[str]:
    return sorted({i.kind for i in signoff.open_items(store, "CNC", store.results("CNC")) if i.blocking})


def test_lock_refuses_while_marks_are_missing_and_conflicts_are_open(store):
    store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.01")  # J1 and C01: one employer
    for j in ("J1", "J2", "J3", "K1"):
        signoff.sign(store, "CNC", j, PINS[j])
    with pytest.raises(ScorerError) as exc:
        locking.lock_event(store, "CNC", "K1")
    message = exc.value.message("zh")
    assert "不能锁定" in message and "C01 缺分" in message and "C02 缺分" in message
    assert "利益冲突" in message or "同一单位" in message
    assert not locking.is_locked(store, "CNC")
    assert kinds(store) == ["conflict", "missing"]


def test_statuses_and_accepted_conflicts_let_the_chief_lock(store):
    store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.01")
    for code, status in (("C01", "withdrawn"), ("C02", "absent"), ("C03", "dnf")):
        store.set_status(contestant=code, status=status, reason="裁判长登记", actor="K1")
    assert kinds(store) == ["conflict", "unsigned"]
    [conflict] = [i for i in signoff.open_items(store, "CNC", store.results("CNC")) if i.kind == "conflict"]
    with pytest.raises(ScorerError, match="reason"):
        signoff.accept(store, "CNC", "K1", conflict.key, " ", store.results("CNC"))
    with pytest.raises(ScorerError, match="chief"):
        signoff.accept(store, "CNC", "J1", conflict.key, "复核无误", store.results("CNC"))
    signoff.accept(store, "CNC", "K1", conflict.key, "测量值由两名裁判复核无误", store.results("CNC"))
    signoff.sign(store, "CNC", "J1", "1111")
    signoff.sign(store, "CNC", "K1", "9999")
    unsigned = [i for i in signoff.open_items(store, "CNC", store.results("CNC")) if i.kind == "unsigned"]
    assert sorted(i.judge for i in unsigned) == ["J2", "J3"]
    for item in unsigned:
        signoff.accept(store, "CNC", "K1", item.key, "裁判因病离场", store.results("CNC"))
    log_id = locking.lock_event(store, "CNC", "K1")
    row = store.get(log_id)
    assert row is not None and row.payload["signed_by"] == ["J1", "K1"]
    assert row.payload["accepted"] == sorted([conflict.key, "unsigned:J2", "unsigned:J3"])
    assert locking.is_locked(store, "CNC")
    assert verify(store.path).ok


def test_a_rescore_cannot_be_accepted(store):
    item = signoff.OpenItem("rescore:C01:B1.1", "rescore", "C01", "B1.1", "", "需重评", "re-score")
    results = store.results("CNC")
    with pytest.raises(ScorerError, match="no open item"):
        signoff.accept(store, "CNC", "K1", item.key, "照旧", results)
    missing = next(i for i in signoff.open_items(store, "CNC", results) if i.kind == "missing")
    with pytest.raises(ScorerError, match="cannot be accepted"):
        signoff.accept(store, "CNC", "K1", missing.key, "照旧", results)


def test_each_judge_signs_with_their_own_pin(store):
    with pytest.raises(ScorerError, match="wrong PIN"):
        signoff.sign(store, "CNC", "J2", "1111")  # J1's PIN does not sign for J2
    with pytest.raises(ScorerError, match="cannot sign"):
        signoff.sign(store, "CNC", "E1", "1234")  # the encryption judge does not sign score sheets
    log_id = signoff.sign(store, "CNC", "J2", "2222")
    row = store.get(log_id)
    assert (
        row is not None and row.kind == "event.sign" and row.actor == "J2" and "2222" not in str(row.payload)
    )
    with pytest.raises(ScorerError, match="already signed"):
        signoff.sign(store, "CNC", "J2", "2222")
    assert [s.judge for s in signoff.signatures(store, "CNC")] == ["J2"]


def test_signatures_survive_a_restart_and_an_unlock_asks_for_them_again(store):
    for code in ("C01", "C02", "C03"):
        store.set_status(contestant=code, status="absent", reason="未到场", actor="K1")
    for j in ("J1", "J2", "J3", "K1"):
        signoff.sign(store, "CNC", j, PINS[j])
    locking.lock_event(store, "CNC", "K1")
    with Store.open(store.path) as again:
        signed = signoff.signatures(again, "CNC")
        assert [s.judge for s in signed] == ["J1", "J2", "J3", "K1"]
        assert all(s.time and s.name for s in signed)
        locking.unlock_event(again, "CNC", "K1", "9999", "申诉复核")
        assert signoff.signatures(again, "CNC") == []
        with pytest.raises(ScorerError, match="not signed"):
            locking.lock_event(again, "CNC", "K1")


def test_a_locked_event_refuses_a_status_change(tmp_path) -> None:
    """A status changes the results as surely as a mark: after the lock (whose fingerprint went to
    headquarters) it is refused until the chief judge unlocks."""
    from scorer.demo import ensure_demo
    from scorer.errors import MarkRefused
    from scorer.store import Store
    from tests.lockhelp import lock_demo_cnc

    with Store.open(ensure_demo(tmp_path / "demo.scorer")) as store:
        lock_demo_cnc(store)
        before = store.count()
        contestant = next(x.code for x in store.competition.contestants if x.event == "CNC")
        with pytest.raises(MarkRefused) as caught:
            store.set_status(contestant=contestant, status="dnf", reason="中途退赛", actor="CNC-K")
        assert "已锁定" in caught.value.zh and "locked" in caught.value.en
        assert store.count() == before
