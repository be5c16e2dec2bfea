"""One trade ranked across venues (scorer.hq.crossvenue) from what the venues' real locks put into the
standings: by total and by each venue's standardised score, quotas by count and by ratio, ties
across a quota bound, a venue whose check differs (ranked, flagged), a venue whose lock still waits
(excluded, named). Expected places and awards are worked out by hand in each test. SQLite and
PostgreSQL."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from scorer.errors import ScorerError
from scorer.hq import audit, checks, crossvenue, ingest
from scorer.hq.crossvenue import Quota
from scorer.hq.db import Database
from scorer.station import Identity
from tests.hq.conftest import cli_env, scorer
from tests.hq.venues import TRADE, Venue, make_venue, push


@pytest.fixture(autouse=True)
def _checking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "_hooks", [])
    checks.install()


# A (out of 60), B (out of 40); the tie-break is criterion A.
V1 = {"a01": ("55", "35"), "a02": ("50", "30"), "a03": ("40", "30"), "a04": ("58", "37")}  # a04 withdraws
V2 = {"b01": ("50", "40"), "b02": ("50", "30"), "b03": ("30", "30")}
V3 = {"c01": ("40", "30"), "c02": ("35", "30"), "c03": ("30", "30")}  # a harder paper


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Venue]:
    """The venues' locked files, made once (each test pushes them into its own database)."""
    root = tmp_path_factory.mktemp("venues")
    return {
        "v1": make_venue(root / "v1", "第一赛场", V1, {"a04": "withdrawn"}),
        "v2": make_venue(root / "v2", "第二赛场", V2),
        "v3": make_venue(root / "v3", "第三赛场", V3),
        # its fingerprint is not what the rows give: headquarters' check says "differ"
        "v2x": make_venue(root / "v2x", "第二赛场", V2, lock={"results": "0" * 64}),
        # its lock saw rows of a station headquarters never hears from: the check waits
        "v4": make_venue(
            root / "v4", "第四赛场", {"d01": ("60", "40")}, lock={"heads": {"ST-000000000009": 3}}
        ),
    }


def pushed(database: Database, hq: Identity, files: dict[str, Venue], *names: str) -> dict[str, str]:
    return {n: push(database, hq, files[n]) for n in names}


def add(database: Database, method: str, *quotas: str, name: str = "2026 焊工 城市选拔") -> int:
    with database.write() as tx:
        sel = crossvenue.add_selection(
            tx, name, TRADE, method, [crossvenue.parse_quota(q) for q in quotas], "admin"
        )
        audit.record(tx, "admin", "selection.add", {"id": sel.id})
    return sel.id


def ranked(database: Database, selection: int) -> crossvenue.CrossRanking:
    with database.read() as tx:
        return crossvenue.rank(tx, selection)


def table(r: crossvenue.CrossRanking) -> list[tuple[int, str, str, str]]:
    """(place, code, score, award) in order; within a shared place by code (the listing's own order
    there is by venue, whose ids are random)."""
    places = [p.place for p in r.rows]
    assert places == sorted(places)
    return sorted((p.place, p.code, str(p.score), p.award) for p in r.rows)


def test_by_total_ties_broken_by_criterion_A_and_shared_across_a_count_bound(
    hq_db: Database, hq_key: Identity, files: dict[str, Venue]
) -> None:
    venues = pushed(hq_db, hq_key, files, "v1", "v2", "v3")
    sid = add(hq_db, "total", "上海市杰出技术能手=1", "上海市技术能手=2")
    r = ranked(hq_db, sid)
    # totals: a01 90 (A55), b01 90 (A50) → 1, 2; a02 80, b02 80 (both A50) → 3, 3;
    # a03 70, c01 70 (both A40) → 5, 5; c02 65 → 7; b03 60, c03 60 (A30) → 8, 8; a04 withdrew.
    # quotas reach place 1, then place 1 + 2 = 3: a02 and b02 share place 3, so both get it.
    assert table(r) == [
        (1, "a01", "90.00", "上海市杰出技术能手"),
        (2, "b01", "90.00", "上海市技术能手"),
        (3, "a02", "80.00", "上海市技术能手"),
        (3, "b02", "80.00", "上海市技术能手"),
        (5, "a03", "70.00", ""),
        (5, "c01", "70.00", ""),
        (7, "c02", "65.00", ""),
        (8, "b03", "60.00", ""),
        (8, "c03", "60.00", ""),
    ]
    assert r.venues == 3 and r.excluded == ()
    first = r.rows[0]
    assert (first.venue, first.venue_name, first.name, first.organisation, first.state) == (
        venues["v1"], "第一赛场", "选手a01", "第一赛场单位", "match",
    )  # fmt: skip
    assert first.total == Decimal("90.00") and first.scaled is None


def test_by_standardised_score_each_venue_its_own_field_with_ratio_quotas(
    hq_db: Database, hq_key: Identity, files: dict[str, Venue]
) -> None:
    pushed(hq_db, hq_key, files, "v1", "v2", "v3")
    sid = add(hq_db, "standardised", "一等奖=10%", "二等奖=30%")
    r = ranked(hq_db, sid)
    # 700 + 30·(total − median)/(1.4826·MAD), 0 decimals, half up, per venue's ranked field:
    # v1 90/80/70: median 80, MAD 10 → 720, 700, 680 (a04 withdrew: not in the field)
    # v2 90/80/60: median 80, MAD 10 → 720, 700, 700 − 40.47 = 660
    # v3 70/65/60: median 65, MAD 5 → 720, 700, 680
    # 720: a01 (90, A55), b01 (90, A50), c01 (70) → 1, 2, 3; 700: a02, b02 (80, A50) → 4, 4, c02 (65) → 6;
    # 680: a03 (70) 7, c03 (60) 8; 660: b03 9. N = 9: 10% → 0.9 → 1 place; 30% → 2.7 → 3 more → place 4.
    assert table(r) == [
        (1, "a01", "720", "一等奖"),
        (2, "b01", "720", "二等奖"),
        (3, "c01", "720", "二等奖"),
        (4, "a02", "700", "二等奖"),
        (4, "b02", "700", "二等奖"),
        (6, "c02", "700", ""),
        (7, "a03", "680", ""),
        (8, "c03", "680", ""),
        (9, "b03", "660", ""),
    ]
    assert [p.total for p in r.rows][:3] == [Decimal("90.00"), Decimal("90.00"), Decimal("70.00")]


def test_a_venue_scale_is_used_for_its_standardised_scores(
    tmp_path: Path, hq_db: Database, hq_key: Identity
) -> None:
    # this venue's scheme says: mean-centred, population sd, 100 ± 10 per sd (totals 90, 80, 70:
    # mean 80, sd 8.165 → 112, 100, 88); the other venue uses the default 700-scale
    scaled = make_venue(
        tmp_path / "s",
        "第五赛场",
        {"s01": ("55", "35"), "s02": ("50", "30"), "s03": ("40", "30")},
        scale=True,
    )
    plain = make_venue(
        tmp_path / "p", "第六赛场", {"p01": ("30", "20"), "p02": ("20", "20"), "p03": ("10", "20")}
    )
    push(hq_db, hq_key, scaled)
    push(hq_db, hq_key, plain)
    r = ranked(hq_db, add(hq_db, "standardised", "入选=2"))
    assert table(r) == [
        (1, "p01", "720", "入选"),
        (2, "p02", "700", "入选"),
        (3, "p03", "680", ""),
        (4, "s01", "112", ""),
        (5, "s02", "100", ""),
        (6, "s03", "88", ""),
    ]
    assert r.rows[3].scaled == Decimal("112")


def test_a_differing_venue_is_ranked_and_flagged_a_waiting_one_excluded_and_named(
    hq_db: Database, hq_key: Identity, files: dict[str, Venue]
) -> None:
    venues = pushed(hq_db, hq_key, files, "v1", "v2x", "v3", "v4")
    with hq_db.read() as tx:
        states = dict(tx.all("SELECT db, state FROM result_checks"))
    assert states[files["v2x"].db] == "differ" and states[files["v4"].db] == "waiting"
    r = ranked(hq_db, add(hq_db, "total", "上海市技术能手=3"))
    assert [(p.code, p.state) for p in r.rows if p.state != "match"] == [
        ("b01", "differ"), ("b02", "differ"), ("b03", "differ"),
    ]  # fmt: skip
    # the differing venue's contestants count toward the quota: b01 2nd, a02 and b02 share 3rd
    assert [(p.place, p.code, p.award) for p in r.rows][:4] == [
        (1, "a01", "上海市技术能手"), (2, "b01", "上海市技术能手"),
        (3, "a02", "上海市技术能手"), (3, "b02", "上海市技术能手"),
    ]  # fmt: skip
    assert "d01" not in [p.code for p in r.rows] and r.venues == 3
    ((venue, why),) = r.excluded
    assert venue == venues["v4"] and "尚未收齐" in why and "does not yet hold" in why


def test_quota_bounds_round_half_up_and_stop_at_the_field() -> None:
    assert crossvenue.bounds((Quota("x", ratio=Decimal("0.5")),), 9) == [("x", 5)]  # 4.5 → 5
    assert crossvenue.bounds((Quota("x", ratio=Decimal("0.25")), Quota("y", 2)), 10) == [("x", 3), ("y", 5)]
    assert crossvenue.bounds((Quota("x", 50),), 9) == [("x", 9)]
    assert crossvenue.parse_quota("一等奖=12.5%") == Quota("一等奖", None, Decimal("0.125"))
    assert crossvenue.parse_quota("上海市技术能手 = 20") == Quota("上海市技术能手", 20, None)


@pytest.mark.parametrize(
    ("name", "trade", "method", "quotas", "word"),
    [
        ("", TRADE, "total", ["a=1"], "名称"),
        ("x" * 201, TRADE, "total", ["a=1"], "名称"),
        ("ok", "", "total", ["a=1"], "工种"),
        ("ok", "W E", "total", ["a=1"], "工种"),
        ("ok", TRADE, "median", ["a=1"], "方法"),
        ("ok", TRADE, "total", [], "名额"),
        ("ok", TRADE, "total", ["a=0"], "1–1000000"),
        ("ok", TRADE, "total", ["a=0%"], "比例"),
        ("ok", TRADE, "total", ["a=101%"], "比例"),
        ("ok", TRADE, "total", ["a=1", "a=2"], "两次"),
    ],
)
def test_a_wrong_selection_is_refused_and_nothing_stored(
    hq_db: Database, name: str, trade: str, method: str, quotas: list[str], word: str
) -> None:
    with pytest.raises(ScorerError) as caught, hq_db.write() as tx:
        crossvenue.add_selection(
            tx, name, trade, method, [crossvenue.parse_quota(q) for q in quotas], "admin"
        )
    assert word in caught.value.zh and caught.value.en
    with hq_db.read() as tx:
        assert crossvenue.selections(tx) == []
    for bad in ("a", "=3", "a=", "a=x", "a=1.5", "a=%", "a=３"):
        with pytest.raises(ScorerError, match="AWARD=COUNT"):
            crossvenue.parse_quota(bad)


def test_sql_and_html_in_a_selection_are_kept_verbatim_and_harmless(hq_db: Database) -> None:
    name = "x'); DROP TABLE standings; -- <script>alert(1)</script>"
    sid = add(hq_db, "total", "<b>奖</b>'; DELETE FROM selections; --=2", name=name)
    with hq_db.read() as tx:
        (sel,) = crossvenue.selections(tx)
        assert crossvenue.selection(tx, sid) == sel
        assert tx.one("SELECT count(*) FROM standings") == (0,)
    assert sel.name == name and sel.quotas[0].award == "<b>奖</b>'; DELETE FROM selections; --"
    r = ranked(hq_db, sid)
    assert r.rows == () and r.selection == sel
    with hq_db.read() as tx, pytest.raises(ScorerError, match="no selection with id 999"):
        crossvenue.rank(tx, 999)


def test_the_command_line_adds_lists_and_shows_on_record(
    db_url: str, hq_db: Database, hq_key: Identity, files: dict[str, Venue]
) -> None:
    pushed(hq_db, hq_key, files, "v1", "v2", "v3")
    env = cli_env()
    added = scorer(
        "hq", "selection", "add", "焊工选拔", "--trade", TRADE, "--method", "total",
        "--quota", "上海市杰出技术能手=1", "--quota", "上海市技术能手=2", "--db", db_url, "--json", env=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    sel = json.loads(added.stdout)
    assert sel["name"] == "焊工选拔" and [q["count"] for q in sel["quotas"]] == [1, 2]
    listed = scorer("hq", "selection", "list", "--db", db_url, env=env)
    assert listed.returncode == 0 and "焊工选拔" in listed.stdout and "上海市技术能手=2" in listed.stdout
    shown = scorer("hq", "selection", "show", str(sel["id"]), "--db", db_url, "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    rows = json.loads(shown.stdout)["rows"]
    assert [(r["place"], r["code"], r["award"]) for r in rows[:4]] == [
        (1, "a01", "上海市杰出技术能手"), (2, "b01", "上海市技术能手"), (3, "a02", "上海市技术能手"), (3, "b02", "上海市技术能手"),
    ]  # fmt: skip
    text = scorer("hq", "selection", "show", str(sel["id"]), "--db", db_url, env=env)
    assert text.returncode == 0 and "a01" in text.stdout and "第一赛场" in text.stdout
    wrong = scorer(
        "hq", "selection", "add", "x", "--trade", TRADE, "--quota", "a=0%", "--db", db_url, env=env
    )
    assert wrong.returncode != 0 and "比例" in wrong.stderr
    (action,) = audit.actions(hq_db, action="selection.add")
    assert action["who"].startswith("cli:") and action["details"]["name"] == "焊工选拔"
