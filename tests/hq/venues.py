"""Venues for the cross-venue tests: each its own station (its own data folder and key), its own
competition file of one trade ("WELD": two exam aspects, tie-break criterion A), marks entered
through the Store, locked with the row a station writes (fingerprint, heads and the venue's table),
and every row pushed to headquarters through the real ingest (which checks the lock and writes the
standings)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorer import package
from scorer.hq import enrol, ingest
from scorer.hq.db import Database
from scorer.locking import _UPSERT, results_table
from scorer.model import Competition
from scorer.results_json import fingerprint
from scorer.station import Identity, identity
from scorer.store import LOG_ID, Row, Store
from scorer.sync import wire

TRADE = "WELD"


def weld(contestants: list[tuple[str, str, str]], scale: bool = False) -> dict[str, Any]:
    """The package of one venue's competition: (code, name, organisation) per contestant."""
    event: dict[str, Any] = {
        "code": TRADE,
        "name": "焊工",
        "components": [
            {
                "code": "P", "name": "实操", "max_mark": "100",
                "criteria": [
                    {"code": "A", "name": "焊缝", "sub_criteria": [{"code": "A1", "name": "焊缝", "aspects": [
                        {"code": "A1.1", "name": "焊缝质量", "type": "exam", "max_mark": "60", "rule": {"out_of": "60"}}]}]},
                    {"code": "B", "name": "工艺", "sub_criteria": [{"code": "B1", "name": "工艺", "aspects": [
                        {"code": "B1.1", "name": "工艺规范", "type": "exam", "max_mark": "40", "rule": {"out_of": "40"}}]}]},
                ],
            }
        ],
        "ranking": {"tie_breaks": ["criterion:A"]},
        "awards": {"basis": "ratio", "tiers": [{"name": "一等奖", "ratio": "0.34"}]},
    }  # fmt: skip
    if scale:
        event["scale"] = {"centre": "mean", "spread": "sd", "points_per_spread": "10", "centre_points": "100"}
    return {
        "format": "scorer-competition",
        "format_version": 1,
        "competition": {"id": "2026-weld", "name": "焊工选拔赛", "organiser": "测试", "start_date": "2026-05-01"},
        "events": [event],
        "contestants": [
            {"reg_no": f"R-{code}", "name": name, "organisation": org, "event": TRADE, "code": code}
            for code, name, org in contestants
        ],
        "judges": [
            {"code": "J1", "name": "裁判一", "role": "judge", "pin": "1111",
             "assignments": [{"event": TRADE, "scope": ["*"]}]},
            {"code": "K1", "name": "裁判长", "role": "chief", "pin": "9999",
             "assignments": [{"event": TRADE, "scope": ["*"]}]},
        ],
    }  # fmt: skip


@dataclass
class Venue:
    """One venue's file as headquarters receives it."""

    identity: Identity
    db: str
    rows: list[Row]
    name: str
    venue: str = ""  # headquarters' venue id, once pushed


def make_venue(
    folder: Path,
    name: str,
    marks: dict[str, tuple[str, str]],
    statuses: dict[str, str] | None = None,
    people: dict[str, tuple[str, str]] | None = None,
    scale: bool = False,
    lock: dict[str, Any] | None = None,
) -> Venue:
    """A venue's competition file in `folder` (its own station key there): contestants `marks`
    code → (A1.1, B1.1), statuses set, locked with the station's lock row (`lock` overrides payload
    fields: a forged fingerprint, an edited table, heads naming rows headquarters never gets)."""
    old = os.environ.get("SCORER_DATA_DIR")
    os.environ["SCORER_DATA_DIR"] = str(folder / "data")
    try:
        people = people or {}
        rows_ = [(c, *people.get(c, (f"选手{c}", f"{name}单位"))) for c in marks]
        path = folder / "weld.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(weld(rows_, scale), ensure_ascii=False), "utf-8")
        comp: Competition = package.load(path)
        with Store.create(folder / "weld.scorer", name, comp) as store:
            store.record_marks(
                [
                    {"judge": "J1", "contestant": c, "aspect": a, "value": v}
                    for c, (va, vb) in marks.items()
                    for a, v in (("A1.1", va), ("B1.1", vb))
                ]
            )
            for code, status in (statuses or {}).items():
                store.set_status(contestant=code, status=status, reason="测试", actor="K1")
            result = store.results(TRADE)
            payload = {
                "event": TRADE,
                "signed_by": ["J1", "K1"],
                "signatures": [],
                "accepted": [],
                "results": fingerprint(result),
                "heads": store.heads(),
                "table": results_table(result),
                **(lock or {}),
            }
            store.append("event.lock", payload, "K1", "keyboard", projection=[(_UPSERT, (TRADE, 1, LOG_ID))])
            rows = [Row.of(r) for r in store.log()]
            db = store.db_id
        return Venue(identity(), db, rows, name)
    finally:
        if old is None:
            os.environ.pop("SCORER_DATA_DIR", None)
        else:
            os.environ["SCORER_DATA_DIR"] = old


def push(database: Database, hq: Identity, v: Venue) -> str:
    """Enrol the venue's station for a new venue and push every row (the check runs on storing)."""
    new = enrol.add_venue(database, v.name)
    enrol.enrol(database, hq, wire.make_enrol(v.identity, new.code, f"{v.name} 笔记本"))
    v.venue = new.venue
    batch = wire.make_batch(
        v.identity, venue=v.venue, db=v.db, package={"id": "2026-weld", "format_version": 1, "revision": 1},
        rows=v.rows, made="2026-05-01T09:00:00Z",
    )  # fmt: skip
    ingest.push_bytes(database, hq, wire.encode(batch))
    return v.venue
