"""Usability fixes from the field trial: what happens when a package leaves something out."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from scorer.errors import MarkRefused
from scorer.model import Judge, Role
from scorer.session import Session
from scorer.store import Store

# ------------------------------------------------------------------ a judge with no assignments


@pytest.fixture
def unassigned(tmp_path: Path, mini_comp):
    """The mini competition plus J9, a scoring judge whose assignments were never filled in."""
    j9 = Judge("J9", "新裁判", Role.JUDGE, pin_hash=mini_comp.judges[0].pin_hash)
    s = Store.create(tmp_path / "comp.scorer", "测试机")
    s.set_competition(replace(mini_comp, judges=(*mini_comp.judges, j9)), "C1")
    yield s, j9
    s.close()


def test_a_judge_without_assignments_is_told_what_to_fill_in(unassigned):
    """No default scope: J9 may mark nothing, and the refusal names the missing 分工 and where it goes."""
    store, j9 = unassigned
    session = Session(store, j9)
    assert session.events() == [] and session.my_aspects("CNC") == []
    with pytest.raises(MarkRefused) as exc:
        session.record("C01", "A1.1", "24.01")
    zh, en = exc.value.message("zh"), exc.value.message("en")
    assert zh.startswith("裁判 J9 没有分工（assignments）") and "裁判分工" in zh
    assert "J9 has no assignments" in en
    assert not list(store.log(("mark",)))


def test_paper_forms_of_a_judge_without_assignments_are_refused_plainly(unassigned):
    store, _ = unassigned
    clerk = next(j for j in store.competition.judges if j.code == "L1")
    with pytest.raises(MarkRefused) as exc:
        Session(store, clerk).enter_paper(
            pass_no=1, judge="J9", contestant="C01", aspect="A1.1", value="24.01"
        )
    assert exc.value.message("zh").startswith("裁判 J9 没有分工")
    assert not list(store.log(("entry.draft",)))


def test_assigned_judges_mark_as_before(unassigned):
    store, _ = unassigned
    j1 = next(j for j in store.competition.judges if j.code == "J1")
    assert Session(store, j1).record("C01", "A1.1", "24.01").contestant == "C01"
