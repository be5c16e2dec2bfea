"""Log-in with lock-out, lock / unlock / decrypt, and paper double entry — the core under the UI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scorer import access, double_entry, locking
from scorer.errors import MarkRefused, ScorerError
from scorer.store.verify import verify
from tests.lockhelp import force_lock


def test_login_and_lockout_after_five_wrong_pins(store):
    """Wrong PINs count down; the fifth locks the judge out; the right PIN is then refused too."""
    assert access.login(store, "J1", "1111").code == "J1"
    messages = []
    for _ in range(5):
        with pytest.raises(ScorerError) as exc:
            access.login(store, "J1", "0000")
        messages.append(exc.value.message("en"))
    assert messages[0] == "wrong PIN; 4 tries left"
    assert "locked out" in messages[-1]
    with pytest.raises(ScorerError, match="locked out until"):
        access.login(store, "J1", "1111")
    until = access.locked_until(store, "J1")
    assert until is not None
    assert access.locked_until(store, "J1", at=until + timedelta(seconds=1)) is None
    kinds = [r.kind for r in store.log(("auth.login", "auth.fail"))]
    assert kinds == ["auth.login"] + ["auth.fail"] * 5
    assert verify(store.path).ok


def test_lockout_survives_a_restart(store):
    from scorer.store import Store

    for _ in range(5):
        with pytest.raises(ScorerError):
            access.login(store, "J2", "9")
    with Store.open(store.path) as again, pytest.raises(ScorerError, match="locked out"):
        access.login(again, "J2", "2222")


def test_success_resets_the_count(store):
    for _ in range(4):
        with pytest.raises(ScorerError):
            access.login(store, "J1", "0000")
    access.login(store, "J1", "1111")
    with pytest.raises(ScorerError, match="4 tries left"):
        access.login(store, "J1", "0000")


def test_roles_and_names(store):
    comp = store.competition
    judge = next(j for j in comp.judges if j.code == "J1")
    coordinator = next(j for j in comp.judges if j.code == "C1")
    assert access.may(judge, access.Action.ENTER_MARKS) and not access.may(judge, access.Action.LOCK)
    assert not access.sees_names(store, judge, "CNC")
    assert access.sees_names(store, coordinator, "CNC")


def test_lock_refuses_marks_unlock_needs_pin_and_reason(store):
    first = store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.01")
    with pytest.raises(ScorerError, match="only a chief"):
        locking.lock_event(store, "CNC", "J1")
    force_lock(store, "CNC", "K1", ["J1", "J2", "J3"])
    assert locking.is_locked(store, "CNC")
    with pytest.raises(MarkRefused, match="locked"):
        store.record_mark(judge="J1", contestant="C02", aspect="A1.1", value="24.01")
    with pytest.raises(MarkRefused, match="locked"):
        store.correct_mark(replaces=first, value="24.02", reason="x", actor="J1")
    with pytest.raises(MarkRefused, match="locked"):
        store.void_mark(replaces=first, reason="x", actor="J1")
    with pytest.raises(ScorerError, match="wrong chief judge PIN"):
        locking.unlock_event(store, "CNC", "K1", "0000", "复核")
    with pytest.raises(ScorerError, match="reason"):
        locking.unlock_event(store, "CNC", "K1", "9999", " ")
    locking.unlock_event(store, "CNC", "K1", "9999", "申诉复核")
    store.record_mark(judge="J1", contestant="C02", aspect="A1.1", value="24.01")
    unlock = next(iter(store.log(("event.unlock",))))
    assert unlock.payload["reason"] == "申诉复核" and "9999" not in str(unlock.payload)
    assert verify(store.path).ok


def test_decrypt_only_after_lock_by_the_encryption_judge(store):
    judge = next(j for j in store.competition.judges if j.code == "J1")
    with pytest.raises(ScorerError, match="must be locked"):
        locking.decrypt_event(store, "CNC", "E1")
    force_lock(store, "CNC", "K1", ["J1"])
    with pytest.raises(ScorerError, match="only the encryption judge"):
        locking.decrypt_event(store, "CNC", "K1")
    locking.decrypt_event(store, "CNC", "E1")
    assert access.sees_names(store, judge, "CNC")


def test_double_entry_agreeing_passes_make_a_mark(store):
    _draft, mark = double_entry.enter(
        store, clerk="L1", pass_no=1, judge="J1", contestant="C01", aspect="A1.1", value="24.015"
    )
    assert mark is None and store.marks() == []
    with pytest.raises(MarkRefused, match="two different clerks"):
        double_entry.enter(
            store, clerk="L1", pass_no=2, judge="J1", contestant="C01", aspect="A1.1", value="24.015"
        )
    _, mark = double_entry.enter(
        store, clerk="L2", pass_no=2, judge="J1", contestant="C01", aspect="A1.1", value="24.015"
    )
    assert mark is not None
    [m] = store.marks()
    assert (m.judge, m.value) == ("J1", "24.015")
    row = store.get(mark)
    assert row.source == "double-entry" and row.actor == "L2"


def test_double_entry_mismatch_blocks_until_resolved(store):
    double_entry.enter(store, clerk="L1", pass_no=1, judge="J2", contestant="C02", aspect="B1.1", value="2")
    double_entry.enter(store, clerk="L2", pass_no=2, judge="J2", contestant="C02", aspect="B1.1", value="3")
    assert store.marks() == []
    [mm] = double_entry.mismatches(store, "CNC")
    assert (mm.contestant, mm.aspect, mm.first, mm.second) == ("C02", "B1.1", "2", "3")
    with pytest.raises(MarkRefused, match="third pass"):  # no retyping the other pass's value
        double_entry.enter(
            store, clerk="L2", pass_no=2, judge="J2", contestant="C02", aspect="B1.1", value="2"
        )
    with pytest.raises(MarkRefused, match="no third pass is needed"):
        double_entry.enter(
            store, clerk="L1", pass_no=3, judge="J2", contestant="C01", aspect="B1.1", value="2"
        )
    _, mark = double_entry.enter(
        store, clerk="L1", pass_no=3, judge="J2", contestant="C02", aspect="B1.1", value="1"
    )
    assert mark is None and len(double_entry.mismatches(store, "CNC")) == 1  # agrees with neither
    resolve, mark = double_entry.enter(
        store, clerk="L2", pass_no=3, judge="J2", contestant="C02", aspect="B1.1", value="2"
    )
    assert mark is not None and double_entry.mismatches(store, "CNC") == []
    assert [(m.judge, m.value) for m in store.marks()] == [("J2", "2")]
    row = store.get(resolve)
    assert row.kind == "entry.resolve" and row.payload["pass"] == 3 and row.actor == "L2"
    assert store.get(mark).source == "double-entry"


def test_the_chief_judge_decides_a_mismatch_with_a_reason(store):
    double_entry.enter(store, clerk="L1", pass_no=1, judge="J3", contestant="C03", aspect="B1.2", value="1")
    double_entry.enter(store, clerk="L2", pass_no=2, judge="J3", contestant="C03", aspect="B1.2", value="2")
    kwargs = {"judge": "J3", "contestant": "C03", "aspect": "B1.2", "value": "2"}
    with pytest.raises(MarkRefused, match="only the chief judge"):
        double_entry.decide(store, chief="L1", reason="看了原表", **kwargs)
    with pytest.raises(MarkRefused, match="needs a reason"):
        double_entry.decide(store, chief="K1", reason=" ", **kwargs)
    resolve, mark = double_entry.decide(store, chief="K1", reason="原表上改为 2，有裁判签字", **kwargs)
    row = store.get(resolve)
    assert (
        row.kind == "entry.resolve"
        and row.payload["by"] == "chief"
        and row.payload["reason"].startswith("原表")
    )
    assert row.payload["passes"] == {"1": "1", "2": "2"}
    assert [(m.judge, m.value) for m in store.marks()] == [("J3", "2")] and store.get(mark).actor == "K1"
    assert double_entry.mismatches(store, "CNC") == []


def test_double_entry_is_for_clerks_and_validates(store):
    with pytest.raises(MarkRefused, match="only an entry clerk"):
        double_entry.enter(
            store, clerk="J1", pass_no=1, judge="J1", contestant="C01", aspect="A1.1", value="24"
        )
    with pytest.raises(MarkRefused, match="plausible range"):
        double_entry.enter(
            store, clerk="L1", pass_no=1, judge="J1", contestant="C01", aspect="A1.1", value="2.4"
        )
    assert double_entry.waiting(store, "CNC") == []


def test_lockout_time_is_utc_aware(store):
    for _ in range(5):
        with pytest.raises(ScorerError):
            access.login(store, "J3", "1")
    until = access.locked_until(store, "J3")
    assert until is not None and until > datetime.now(UTC)
