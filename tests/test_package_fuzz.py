"""Hostile and random inputs: an import returns a whole, valid Competition or raises ScorerError, never
anything else, and never changes part of what it was merging into."""

from __future__ import annotations

import dataclasses
import functools
import io
import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorer.errors import ScorerError
from scorer.model import Competition
from scorer.package import codec, csvlists, from_data, load, load_json_bytes, xlsx
from scorer.pins import hash_pin

DATA = Path(__file__).parent / "data"
MINI = load(DATA / "mini.json")
MINI_DICT = codec.to_dict(MINI)
BARE = dataclasses.replace(MINI, contestants=(), judges=())
JSON_BYTES = json.dumps(MINI_DICT, ensure_ascii=False, indent=1).encode()  # PIN hashes, so no scrypt per load
XLSX_BYTES = xlsx.dump_bytes(MINI)
CONTESTANTS_CSV = csvlists.contestants_csv(MINI)
JUDGES_CSV = csvlists.judges_csv(MINI)
SAMPLE_HASH = hash_pin("1234", salt=b"fuzz-fuzz-fuzz-!")

FEW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MID = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(load_fn: Callable[[], Competition]) -> Competition | None:
    """Run an import: a Competition that validates as a whole, or a ScorerError a person can read."""
    try:
        result = load_fn()
    except ScorerError as exc:
        assert exc.problems, "a refusal lists its problems"
        for lang in ("zh", "en"):
            assert exc.message(lang).strip()
            assert all(p.message(lang).strip() for p in exc.problems)
        return None
    assert isinstance(result, Competition)
    assert from_data(codec.to_dict(result), "again") == result  # whole and valid, not a fragment
    return result


def merge_outcome(
    merge: Callable[[Competition, bytes, str], Competition], comp: Competition, raw: bytes
) -> None:
    """A merge leaves its input alone and gives all of the list or none of it."""
    before = codec.to_dict(comp)
    result = outcome(lambda: merge(comp, raw, "list.csv"))
    assert codec.to_dict(comp) == before
    if result is not None:
        kept = {x.reg_no for x in result.contestants} >= {x.reg_no for x in comp.contestants}
        judges = {j.code for j in result.judges} >= {j.code for j in comp.judges}
        assert kept and judges


# ---------------------------------------------------------------- any bytes


@SOME
@given(st.binary(max_size=3000))
def test_random_bytes(raw: bytes) -> None:
    """Random bytes through every importer."""
    outcome(lambda: load_json_bytes(raw, "x.json"))
    outcome(lambda: xlsx.load_bytes(raw, "x.xlsx"))
    merge_outcome(csvlists.merge_contestants_csv, MINI, raw)
    merge_outcome(csvlists.merge_judges_csv, MINI, raw)


@SOME
@given(st.binary(max_size=400))
def test_random_bytes_behind_a_zip_header(raw: bytes) -> None:
    """Bytes that start like a zip file reach openpyxl and must still be refused cleanly."""
    assert outcome(lambda: xlsx.load_bytes(b"PK\x03\x04" + raw, "x.xlsx")) is None


# ---------------------------------------------------------------- JSON


@SOME
@given(st.integers(0, len(JSON_BYTES)))
def test_truncated_json(cut: int) -> None:
    """A package cut short anywhere is refused (only the whole file, bar trailing space, loads)."""
    result = outcome(lambda: load_json_bytes(JSON_BYTES[:cut], "x.json"))
    assert (result is not None) == (not JSON_BYTES[cut:].strip())


JSON_TOKENS = st.sampled_from(
    ['"', "{", "}", "[", "]", ",", ":", "null", "true", "-1", "1e999999999", "NaN", "Infinity", "0.021", '"x"',
     "9" * 5000, '"\\ud800"', "\\", "\x00", '"A1.1"', '"*"', "-0", '""', '"scrypt$"'],
)  # fmt: skip


@SOME
@given(
    st.integers(0, len(JSON_BYTES)),
    st.integers(0, 20),
    st.lists(JSON_TOKENS | st.text(max_size=4), max_size=4),
)
def test_spliced_json(at: int, drop: int, tokens: list[str]) -> None:
    """Random tokens spliced into a valid package."""
    raw = JSON_BYTES[:at] + "".join(tokens).encode() + JSON_BYTES[at + drop :]
    outcome(lambda: load_json_bytes(raw, "x.json"))


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*path, i))
    return out


JSON_PATHS = [p for p in _paths(MINI_DICT) if p]
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(["0.021", "-3", "A1.1", "CNC", "*", "component:P", "judge", "tolerance", "1111"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


@SOME
@given(st.lists(st.tuples(st.sampled_from(JSON_PATHS), JSON_VALUES), min_size=1, max_size=3))
def test_structurally_mutated_json(changes: list[tuple[tuple[Any, ...], Any]]) -> None:
    """Valid JSON of the wrong shape: replaced values, wrong types, dangling codes."""
    data = json.loads(JSON_BYTES)
    for path, value in changes:
        node = data
        try:
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    raw = json.dumps(data, ensure_ascii=False).encode()
    outcome(lambda: load_json_bytes(raw, "x.json"))


# ---------------------------------------------------------------- XLSX


@SOME
@given(st.integers(0, len(XLSX_BYTES) - 1))
def test_truncated_xlsx(cut: int) -> None:
    """A workbook cut short anywhere is refused."""
    assert outcome(lambda: xlsx.load_bytes(XLSX_BYTES[:cut], "x.xlsx")) is None


@SOME
@given(st.lists(st.tuples(st.integers(0, len(XLSX_BYTES) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_corrupted_xlsx(flips: list[tuple[int, int]]) -> None:
    """A workbook with damaged bytes is refused or, if the damage missed everything, read whole."""
    raw = bytearray(XLSX_BYTES)
    for at, value in flips:
        raw[at] = value
    outcome(lambda: xlsx.load_bytes(bytes(raw), "x.xlsx"))


CELL_VALUES = (
    st.none()
    | st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=12)
    | st.integers(-(10**20), 10**20)
    | st.floats()
    | st.booleans()
    | st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1))
    | st.sampled_from(
        ["CNC", "R001", "C01", "A1.1", "-5", "0.021", "测量", "评价", "裁判长", "无", "是", "*", "1:16; 2:12",
         "一等奖:0.1", "component:P, time", "=1+1", "P", "B", "abc:def;", '"a:b";"', "judge"]
    )
)  # fmt: skip
SHEET_NAMES = [spec.zh for spec in xlsx.SHEETS]


@FEW
@given(
    st.lists(
        st.tuples(st.sampled_from(SHEET_NAMES), st.integers(1, 9), st.integers(1, 52), CELL_VALUES),
        max_size=6,
    )
)
def test_random_cells(changes: list[tuple[str, int, int, Any]]) -> None:
    """Whatever a coordinator types into whichever cell, the import answers with a result or with reasons."""
    wb = openpyxl.load_workbook(io.BytesIO(XLSX_BYTES))
    for sheet, row, column, value in changes:
        wb[sheet].cell(row=row, column=column).value = value
    out = io.BytesIO()
    wb.save(out)
    result = outcome(lambda: xlsx.load_bytes(out.getvalue(), "x.xlsx"))
    if not changes:
        assert result == MINI


# ---------------------------------------------------------------- CSV


@MID
@given(st.integers(0, len(CONTESTANTS_CSV)), st.integers(0, len(JUDGES_CSV)))
def test_truncated_csv(cut_c: int, cut_j: int) -> None:
    """Lists cut short: the rows that arrived go in whole, or nothing does."""
    merge_outcome(csvlists.merge_contestants_csv, BARE, CONTESTANTS_CSV[:cut_c])
    merge_outcome(csvlists.merge_contestants_csv, MINI, CONTESTANTS_CSV[:cut_c])
    merge_outcome(csvlists.merge_judges_csv, BARE, JUDGES_CSV[:cut_j])
    merge_outcome(csvlists.merge_judges_csv, MINI, JUDGES_CSV[:cut_j])


CSV_TEXT = st.lists(
    st.sampled_from(
        list(',;\t\n\r"*: ') + list("RCJ0123456789.-") + ["CNC", "张伟", "𠮷", "评分裁判", "A1.1", "P", "测"]
    ),
    max_size=120,
).map("".join)
CONTESTANT_HEADERS = ["参赛证号,姓名,单位,项目,加密号,机位号", "reg_no\tname\tevent\tcode", ""]
JUDGE_HEADERS = ["裁判代码,姓名,角色,单位,PIN,项目,分工", "code;name;role;pin;event;scope", ""]


@MID
@given(st.sampled_from(CONTESTANT_HEADERS), st.sampled_from(JUDGE_HEADERS), CSV_TEXT,
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))  # fmt: skip
def test_random_csv(c_header: str, j_header: str, body: str, encoding: str) -> None:
    """Random rows under a real header, in each encoding Excel may write."""
    merge_outcome(csvlists.merge_contestants_csv, MINI, f"{c_header}\n{body}".encode(encoding))
    merge_outcome(csvlists.merge_judges_csv, MINI, f"{j_header}\n{body}".encode(encoding))


# ---------------------------------------------------------------- random valid competitions round-trip

TEXT = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters="_"), min_size=1, max_size=10
).map(str.strip).filter(bool) | st.sampled_from(["邵𠮷祥", "欧阳娜", "a:b;c", '"quoted"', "一等奖", "=SUM(A1)", "0123"])  # fmt: skip
CODE = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,5}", fullmatch=True)
PLACES = st.integers(0, 6)


@st.composite
def decimals(draw: st.DrawFn, high: str = "1000", positive: bool = False, big: bool = False) -> str:
    """Exact decimal text; `big` ones have up to 24 digits (those go to the workbook as text cells)."""
    top = Decimal("1e18") if big and draw(st.booleans()) else Decimal(high)
    value = draw(st.decimals(min_value=Decimal(0), max_value=top, places=draw(PLACES)))
    if positive and value <= 0:
        value = Decimal("0.5")
    return format(value, "f")


@st.composite
def rules(draw: st.DrawFn) -> tuple[str, str, dict[str, Any]]:
    """(type, max_mark, rule) of a valid aspect."""
    kind = draw(st.sampled_from(["measurement", "judgement", "time", "deduction", "exam"]))
    max_mark = draw(decimals(high="50"))
    opt = functools.partial(draw, st.booleans())
    rule: dict[str, Any] = {}
    if kind == "measurement":
        mode = draw(st.sampled_from(["tolerance", "gauge", "grade", "bands"]))
        rule = {"mode": mode, "unit": draw(st.sampled_from(["mm", "", "μm", "°", "件"]))}
        if mode == "tolerance":
            rule |= {
                "nominal": draw(decimals(big=True)),
                "lower": "-" + draw(decimals(high="1")),
                "upper": draw(decimals(high="1")),
            }
            if opt():
                steps = draw(st.sampled_from(["started", "exact"]))
                rule["deduct"] = {"per": draw(decimals(high="1", positive=True)), "marks": draw(decimals(high="5")),
                                  "steps": steps}  # fmt: skip
        elif mode == "grade":
            labels = draw(st.lists(TEXT, min_size=1, max_size=4, unique=True))
            marks = [draw(decimals(high=max_mark)) if Decimal(max_mark) > 0 else "0" for _ in labels]
            rule["grades"] = [{"label": label, "marks": m} for label, m in zip(labels, marks, strict=True)]
        elif mode == "bands":
            uptos = sorted(set(draw(st.lists(st.decimals(-5, 50, places=2), min_size=1, max_size=4))))
            rule["bands"] = [{"upto": format(u, "f"), "marks": max_mark} for u in uptos]
            if opt():
                rule["bands_from"] = draw(decimals(high="0"))
        if opt():
            rule["decimals"] = draw(st.integers(0, 6))
    elif kind == "judgement":
        judges = draw(st.integers(1, 15))
        drop_high = draw(st.integers(0, (judges - 1) // 2))
        rule = {
            "scale_min": draw(decimals(high="1")),
            "scale_max": str(2 + draw(st.integers(0, 10))),
            "step": draw(decimals(high="1", positive=True)),
            "judges": judges,
            "drop_high": drop_high,
            "drop_low": draw(st.integers(0, (judges - 1) // 2)),
            "combine": draw(st.sampled_from(["mean", "sum"])),
            "factor": draw(decimals(high="3")),
            "spread_limit": draw(st.none() | decimals(high="3")),
            "on_spread": draw(st.sampled_from(["rescore", "mean_all"])),
            "missing": draw(st.sampled_from(["wait", "mean_of_others"])),
        }
    elif kind == "time":
        if opt():
            limit = draw(st.integers(1, 300))
            rule = {"mode": "penalty", "limit_minutes": str(limit), "per_minutes": draw(decimals(high="10", positive=True)),
                    "marks": draw(decimals(high="5")), "minutes": draw(st.sampled_from(["started", "exact"])),
                    "cutoff": draw(st.sampled_from(["zero_total", "max_penalty"]))}  # fmt: skip
            if opt():
                rule["cutoff_minutes"] = str(limit + draw(st.integers(0, 60)))
            if opt():
                rule["max_penalty"] = draw(decimals(high="20"))
        else:
            best = draw(st.integers(0, 1000))
            rule = {
                "mode": "linear",
                "best_seconds": str(best),
                "worst_seconds": f"{best + draw(st.integers(1, 999))}.5",
            }
    elif kind == "deduction":
        rule = {"per": draw(decimals(high="10", positive=True))}
        if opt():
            rule |= {"cap": draw(decimals(high="20")), "max_count": draw(st.integers(1, 999))}
    else:
        rule = {"out_of": draw(decimals(high="150", positive=True))}
        if opt():
            rule["decimals"] = draw(st.integers(0, 4))
    return kind, max_mark, rule


@st.composite
def events(draw: st.DrawFn, code: str) -> dict[str, Any]:
    opt = functools.partial(draw, st.booleans())
    n_comp = draw(st.integers(1, 2))
    weights = draw(st.sampled_from([("0.3", "0.7"), ("0.5", "0.5"), ("0.25", "0.75")]))
    components, codes = [], []
    for ci in range(n_comp):
        criteria = []
        total = Decimal(0)
        for ki in range(draw(st.integers(1, 2))):
            subs = []
            for si in range(draw(st.integers(1, 2))):
                aspects = []
                for ai in range(draw(st.integers(1, 3))):
                    kind, max_mark, rule = draw(rules())
                    aspect = {"code": f"c{ci}k{ki}s{si}a{ai}", "name": draw(TEXT), "type": kind, "max_mark": max_mark,
                              "rule": rule}  # fmt: skip
                    if opt():
                        aspect["description"] = draw(TEXT)
                    total += Decimal(max_mark)
                    aspects.append(aspect)
                    codes.append(aspect["code"])
                sub = {"code": f"c{ci}k{ki}s{si}", "name": draw(TEXT), "aspects": aspects}
                if opt():
                    sub["day"] = draw(TEXT)
                subs.append(sub)
                codes.append(sub["code"])
            criteria.append({"code": f"c{ci}k{ki}", "name": draw(TEXT), "sub_criteria": subs})
            codes.append(f"c{ci}k{ki}")
        comp = {"code": f"c{ci}", "name": draw(TEXT), "max_mark": format(total, "f"), "criteria": criteria}
        if n_comp == 2:
            comp["weight"] = weights[ci]
        elif opt():
            comp["weight"] = draw(decimals(high="2"))
        components.append(comp)
    event: dict[str, Any] = {"code": code, "name": draw(TEXT), "components": components}
    if opt():
        event |= {"name_en": draw(TEXT), "duration_minutes": draw(st.integers(1, 10080))}
    if opt():
        event |= {
            "team_size": draw(st.integers(2, 50)),
            "team_combine": draw(st.sampled_from(["sum", "mean"])),
        }
    event["rounding"] = {"decimals": draw(st.integers(0, 6)), "mode": draw(st.sampled_from(["half_up", "half_even", "down", "up"])),
                         "totals_from": draw(st.sampled_from(["rounded", "unrounded"]))}  # fmt: skip
    has_time = any(a["type"] == "time" for c in components for k in c["criteria"] for s in k["sub_criteria"]
                   for a in s["aspects"])  # fmt: skip
    tie_codes = ["component:c0", "criterion:c0k0", "sub_criterion:c0k0s0", "aspect:c0k0s0a0"]
    ties = draw(st.lists(st.sampled_from(tie_codes + ["time"] * has_time), max_size=3))
    event["ranking"] = {"tie_breaks": ties, "shared_medal_places": draw(st.booleans())}
    basis = draw(st.sampled_from(["ratio", "place", "threshold"]))
    tiers = []
    for name in draw(st.lists(TEXT, max_size=3)):
        tier: dict[str, Any] = {"name": name}
        if opt():
            tier["ratio"] = draw(decimals(high="1"))
        if opt():
            tier["places"] = draw(st.integers(0, 30))
        if opt():
            tier["threshold"] = draw(decimals(high="100"))
        tiers.append(tier)
    event["awards"] = {
        "basis": basis,
        "rounding": draw(st.sampled_from(["half_up", "down", "up"])),
        "tiers": tiers,
    }
    titles = draw(st.lists(st.tuples(TEXT, st.integers(1, 99)), max_size=2))
    if titles:
        event["titles"] = [{"name": n, "top": t} for n, t in titles]
    event["_codes"] = codes
    return event


@st.composite
def competitions(draw: st.DrawFn) -> Competition:
    """A random valid competition; from_data refusing it would be a bug in this generator."""
    opt = functools.partial(draw, st.booleans())
    event_codes = draw(st.lists(CODE, min_size=1, max_size=2, unique=True))
    evs = [draw(events(code)) for code in event_codes]
    scopes = {e["code"]: e.pop("_codes") for e in evs}
    comp: dict[str, Any] = {"id": draw(CODE), "name": draw(TEXT)}
    if opt():
        comp |= {
            "organiser": draw(TEXT),
            "venue": draw(TEXT),
            "start_date": "2026-11-24",
            "end_date": "2026-11-25",
        }
    contestants = []
    for i in range(draw(st.integers(0, 5))):
        x = {"reg_no": f"R{i}{draw(CODE)}", "name": draw(TEXT), "organisation": draw(st.just("") | TEXT),
             "event": draw(st.sampled_from(event_codes)), "code": f"X{i}-{draw(CODE)}"}  # fmt: skip
        for key in ("station", "district", "industry", "team", "gender"):
            if opt():
                x[key] = f"{i}" if key == "station" else draw(TEXT)
        contestants.append(x)
    judges = []
    for i in range(draw(st.integers(0, 4))):
        assignments = []
        for event in draw(st.lists(st.sampled_from(event_codes), max_size=2)):
            scope = draw(st.lists(st.sampled_from(["*", *scopes[event]]), min_size=1, max_size=3))
            assignments.append({"event": event, "scope": scope})
        judges.append({"code": f"J{i}{draw(CODE)}", "name": draw(TEXT),
                       "role": draw(st.sampled_from(["coordinator", "chief", "judge", "clerk", "encryption"])),
                       "organisation": draw(st.just("") | TEXT), "pin_hash": SAMPLE_HASH, "assignments": assignments})  # fmt: skip
    data = {"format": "scorer-competition", "format_version": 1, "competition": comp, "events": evs,
            "contestants": contestants, "judges": judges}  # fmt: skip
    return from_data(data, "generated")


@FEW
@given(competitions())
def test_random_competitions_round_trip(comp: Competition) -> None:
    """Any valid competition survives XLSX, and its people survive the CSV lists."""
    assert xlsx.load_bytes(xlsx.dump_bytes(comp), "r.xlsx") == comp
    bare = dataclasses.replace(comp, contestants=(), judges=())
    merged = csvlists.merge_contestants_csv(bare, csvlists.contestants_csv(comp))
    assert csvlists.merge_judges_csv(merged, csvlists.judges_csv(comp)) == comp
