"""A time aspect's precision: timer times are kept (and shown) at it — truncated, as the timer's
display does — beside hand entries; packages without `decimals` load, behave and export as before."""

from __future__ import annotations

import json
from decimal import Decimal as D
from typing import Any

import pytest

from scorer import package
from scorer.devices.binding import TimerBinding
from scorer.devices.protocols.base import Reading
from scorer.errors import MarkRefused, ScorerError
from scorer.model import Aspect
from scorer.package import codec
from scorer.session import Session
from scorer.store import Store
from scorer.values import parse_value, show_value, timer_seconds
from tests.conftest import MINI


def mini(decimals: int | None) -> dict[str, Any]:
    data = json.loads(MINI.read_text(encoding="utf-8"))
    b13 = data["events"][0]["components"][1]["criteria"][1]["sub_criteria"][0]["aspects"][2]
    assert b13["code"] == "B1.3"
    if decimals is not None:
        b13["rule"]["decimals"] = decimals
    return data


def time_aspect(decimals: int | None) -> Aspect:
    event = package.from_data(mini(decimals), "mini.json").event("CNC")
    assert event is not None
    return event.aspects()["B1.3"]


def test_timer_times_are_truncated_to_the_aspect_precision():
    elapsed = D("8413.5678")  # 10:20:13.5678 − 08:00:00.0000
    assert timer_seconds(time_aspect(None), elapsed) == "8413"  # not declared: whole seconds
    assert timer_seconds(time_aspect(1), elapsed) == "8413.5"
    assert timer_seconds(time_aspect(2), elapsed) == "8413.56"  # truncated, not 8413.57
    assert timer_seconds(time_aspect(2), D("8413.5000")) == "8413.50"
    assert timer_seconds(time_aspect(0), D("59.9999")) == "59"


def test_typed_times_follow_a_declared_precision_and_stay_as_before_without_one():
    plain, tenths = time_aspect(None), time_aspect(1)
    assert parse_value(plain, "152:30.25") == "9150.25"  # as before: up to 4 decimals, as typed
    assert parse_value(plain, "152:30") == "9150"
    assert parse_value(tenths, "152:30") == "9150.0"
    assert parse_value(tenths, "152:30.5") == "9150.5"
    with pytest.raises(MarkRefused, match="at most 1 decimals"):
        parse_value(tenths, "152:30.25")
    assert show_value(tenths, "9150.0") == "2:32:30.0"
    assert show_value(plain, "9150") == "2:32:30"


def test_decimals_round_trip_and_old_packages_export_unchanged():
    data = mini(None)
    comp = package.from_data(data, "mini.json")
    out = codec.to_dict(comp)
    b13 = out["events"][0]["components"][1]["criteria"][1]["sub_criteria"][0]["aspects"][2]
    assert "decimals" not in b13["rule"]  # exports identical for packages that do not declare it
    with_two = codec.to_dict(package.from_data(mini(2), "mini.json"))
    rule = with_two["events"][0]["components"][1]["criteria"][1]["sub_criteria"][0]["aspects"][2]["rule"]
    assert rule["decimals"] == 2
    with pytest.raises(ScorerError):
        package.from_data(mini(5), "mini.json")  # the schema allows 0–4


@pytest.fixture
def tenths_session(tmp_path):
    store = Store.create(tmp_path / "t.scorer", "测试机")
    store.set_competition(package.from_data(mini(1), "mini.json"), "C1")
    judge = next(j for j in store.competition.judges if j.code == "J1")
    yield Session(store, judge), store
    store.close()


def timer(bib: str, channel: str, hms: str, kind: str) -> Reading:
    h, m, s = hms.split(":")
    raw = f" {bib} {channel:<3} {hms:>13} 00".encode()
    value = D(h) * 3600 + D(m) * 60 + D(s)
    return Reading(value, "s", raw, 0.0, channel=channel, bib=bib, kind=kind, time_of_day=hms)


def test_a_timer_time_is_stored_at_the_declared_precision_with_the_raw_record(tenths_session):
    session, store = tenths_session
    binding = TimerBinding(session, "CNC", "B1.3", "COM4")
    binding.feed(timer("0001", "C0", "08:00:00.0000", "start"))
    [done] = binding.feed(timer("0001", "C1", "10:20:13.5678", "finish"))
    row = store.get(done.log_id)
    assert row.payload["value"] == "8413.5" and b"10:20:13.5678" in row.raw
