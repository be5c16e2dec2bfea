"""Decisions (scorer.hq.decisions) and their exports (scorer.hq.decision_export), on SQLite and
PostgreSQL: a confirmed list is frozen and signed, refusals change nothing, a decision is never
changed (a new one supersedes it), and the PDF, XLSX, CSV and JSON say what was signed — checked
with poppler's pdftotext/pdffonts, openpyxl, the csv module and the signature."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from scorer.errors import ScorerError
from scorer.hq import audit, crossvenue, decision_export, decisions
from scorer.hq.crossvenue import CrossRanking, Placed, Quota, Selection
from scorer.hq.db import Database
from scorer.hq.decisions import Decision
from scorer.hq.keys import hq_identity
from scorer.station import Identity
from scorer.sync import wire

NASTY = [
    "' OR '1'='1' --",
    "Robert'); DROP TABLE decisions; --",
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
]
NAMES = ["张伟", "李娜", "王芳", "刘𠮷", "陈静"]  # 𠮷: outside the BMP (Hanazono font)
ORGS = ["上海电气集团", "宝山钢铁股份有限公司", "上汽集团", "中国商飞", "上海隧道工程"]
VENUES = [("V-1", "浦东赛场"), ("V-2", "闵行赛场")]


@pytest.fixture
def selection(hq_db: Database) -> Selection:
    with hq_db.write() as tx:
        return crossvenue.add_selection(
            tx,
            "2026年上海市数控车工选拔",
            "E1",
            "total",
            (Quota("上海市技术能手", 2, None), Quota("一等奖", None, Decimal("0.6"))),
            "cli:test",
        )


def placed(i: int, state: str = "match", award: str = "", place: int | None = None) -> Placed:
    venue, venue_name = VENUES[i % 2]
    total = Decimal("95.50") - Decimal(i) * Decimal("2.25")
    return Placed(
        place=place or i + 1,
        db=f"DB-{venue}",
        venue=venue,
        venue_name=venue_name,
        event="E1",
        code=f"A{i + 1:03d}",
        name=NAMES[i % len(NAMES)],
        organisation=ORGS[i % len(ORGS)],
        total=total,
        scaled=None,
        score=total,
        award=award,
        state=state,
    )


def ranking_of(
    selection: Selection, rows: list[Placed], computed: str = "2026-05-02T10:00:00.000000Z"
) -> CrossRanking:
    return CrossRanking(selection=selection, rows=tuple(rows), venues=2, excluded=(), computed=computed)


def five(selection: Selection, differ: int | None = None) -> CrossRanking:
    awards = ["上海市技术能手", "上海市技术能手", "一等奖", "", ""]
    rows = [placed(i, "differ" if i == differ else "match", awards[i]) for i in range(5)]
    return ranking_of(selection, rows)


def confirm(
    database: Database, ranking: CrossRanking, hq: Identity, who: str = "li", **kw: object
) -> Decision:
    with database.write() as tx:
        return decisions.confirm(tx, ranking.selection.id, who, ranking, hq, **kw)  # type: ignore[arg-type]


def stored(database: Database) -> list[Decision]:
    with database.read() as tx:
        return decisions.decisions(tx)


def record(database: Database) -> list[dict[str, object]]:
    return audit.actions(database, action="decision.confirm")


# ------------------------------------------------------------ confirming


def test_a_confirmed_list_is_signed_and_on_record(
    hq_db: Database, hq_key: Identity, selection: Selection
) -> None:
    """The decision holds the frozen list as canonical JSON, signed by headquarters, on record in its transaction."""
    ranking = five(selection)
    d = confirm(hq_db, ranking, hq_key, address="10.0.0.7")
    assert decisions.verify_decision(d, hq_key.public_hex)
    assert d.body == wire.encode(json.loads(d.body)).decode()  # canonical
    content = d.content
    assert content["selection"]["name"] == "2026年上海市数控车工选拔"
    assert content["quotas"] == [
        {"award": "上海市技术能手", "count": 2, "ratio": None},
        {"award": "一等奖", "count": None, "ratio": "0.6"},
    ]
    assert [r["name"] for r in content["rows"]] == NAMES
    assert content["rows"][0] == {
        "place": 1, "name": "张伟", "organisation": "上海电气集团", "venue": "V-1", "venue_name": "浦东赛场",
        "db": "DB-V-1", "event": "E1", "code": "A001", "total": "95.50", "scaled": None, "score": "95.50",
        "award": "上海市技术能手", "state": "match",
    }  # fmt: skip
    assert content["computed"] == ranking.computed
    assert content["hq"] == d.hq and d.hq.startswith("HQ-") and content["hq_key"] == hq_key.public_hex
    assert content["confirmed_by"] == "li" and content["override"] is None and content["supersedes"] is None
    (again,) = stored(hq_db)
    assert again == d and again.current
    with hq_db.read() as tx:
        assert decisions.decision(tx, d.id) == d
        assert decisions.decision(tx, d.id + 1000) is None
    (action,) = record(hq_db)
    assert action["who"] == "li" and action["address"] == "10.0.0.7"
    assert action["details"] == {"decision": d.id, "selection": selection.id, "rows": 5,
                                 "fingerprint": d.fingerprint, "supersedes": None}  # fmt: skip


def test_one_flipped_byte_fails_the_signature(
    hq_db: Database, hq_key: Identity, selection: Selection, tmp_path: Path
) -> None:
    """Any change to the body, the signature, the columns or the key makes verification fail."""
    d = confirm(hq_db, five(selection), hq_key)
    body = d.body.encode()
    for i in (0, len(body) // 2, len(body) - 1):
        flipped = bytearray(body)
        flipped[i] ^= 0x01
        bad = replace(d, body=flipped.decode("utf-8", "replace"))
        assert not decisions.verify_decision(bad, hq_key.public_hex), i
    sig = bytearray(bytes.fromhex(d.signature))
    sig[10] ^= 0x80
    assert not decisions.verify_decision(replace(d, signature=sig.hex()), hq_key.public_hex)
    assert not decisions.verify_decision(replace(d, confirmed_by="wang"), hq_key.public_hex)
    assert not decisions.verify_decision(replace(d, selection=d.selection + 1), hq_key.public_hex)
    other = hq_identity(tmp_path / "other-hq")
    assert not decisions.verify_decision(d, other.public_hex)
    assert decisions.verify_decision(d, bytes.fromhex(hq_key.public_hex))


def test_confirming_again_supersedes_and_never_changes_the_old(
    hq_db: Database, hq_key: Identity, selection: Selection
) -> None:
    """A second confirmation is a new decision naming the old; the old row is untouched and shown as superseded."""
    first = confirm(hq_db, five(selection), hq_key)
    changed = ranking_of(selection, [placed(1, place=1), placed(0, place=2)], "2026-05-03T10:00:00.000000Z")
    second = confirm(hq_db, changed, hq_key, who="wang")
    newest, oldest = stored(hq_db)
    assert newest.id == second.id and newest.current and newest.content["supersedes"] == first.id
    assert oldest.id == first.id and oldest.superseded_by == second.id and not oldest.current
    assert (oldest.body, oldest.signature, oldest.confirmed_by) == (first.body, first.signature, "li")
    assert decisions.verify_decision(oldest, hq_key.public_hex)
    assert [r["name"] for r in oldest.content["rows"]] == NAMES
    with hq_db.read() as tx:
        assert [d.id for d in decisions.decisions(tx, selection.id)] == [second.id, first.id]
        assert decisions.decisions(tx, selection.id + 99) == []
    assert [a["details"]["supersedes"] for a in record(hq_db)] == [first.id, None]


def test_differing_rows_need_a_reason_and_an_empty_list_is_refused(
    hq_db: Database, hq_key: Identity, selection: Selection
) -> None:
    """Refused with Chinese and English, nothing written; with a reason the override is signed and on record."""
    with pytest.raises(ScorerError) as refused:
        confirm(hq_db, five(selection, differ=3), hq_key)
    assert "不一致" in refused.value.zh and "刘𠮷" in refused.value.zh and "differ" in refused.value.en
    with pytest.raises(ScorerError):
        confirm(hq_db, five(selection, differ=3), hq_key, override="   ")
    with pytest.raises(ScorerError) as empty:
        confirm(hq_db, ranking_of(selection, []), hq_key)
    assert "为空" in empty.value.zh and "empty" in empty.value.en
    with pytest.raises(ScorerError) as long_reason:
        confirm(hq_db, five(selection, differ=3), hq_key, override="理" * (decisions.MAX_REASON + 1))
    assert "too long" in long_reason.value.en
    assert stored(hq_db) == [] and record(hq_db) == []
    d = confirm(hq_db, five(selection, differ=3), hq_key, override=" 赛场已书面说明：复核时间差异 ")
    assert d.content["override"] == "赛场已书面说明：复核时间差异" and d.content["differing"] == 1
    (action,) = record(hq_db)
    assert action["details"]["override"] == "赛场已书面说明：复核时间差异"


def test_a_list_changed_since_it_was_shown_is_refused(
    hq_db: Database, hq_key: Identity, selection: Selection
) -> None:
    """The digest of what the reviewer saw must match the list confirmed (the computed time aside)."""
    shown = five(selection)
    later = ranking_of(selection, list(shown.rows), "2026-06-01T00:00:00.000000Z")
    assert decisions.digest(shown) == decisions.digest(later)
    moved = ranking_of(selection, [replace(shown.rows[0], total=Decimal("95.25")), *shown.rows[1:]])
    with pytest.raises(ScorerError) as refused:
        confirm(hq_db, moved, hq_key, expect=decisions.digest(shown))
    assert "变化" in refused.value.zh
    assert stored(hq_db) == []
    assert confirm(hq_db, later, hq_key, expect=decisions.digest(shown)).content["computed"] == later.computed


@pytest.mark.parametrize("reason", NASTY)
def test_injection_in_the_reason_is_kept_verbatim_and_harmless(
    hq_db: Database, hq_key: Identity, selection: Selection, reason: str
) -> None:
    """SQL or HTML in an override reason is stored as text: the tables stay, the exports carry it escaped."""
    d = confirm(hq_db, five(selection, differ=0), hq_key, override=reason)
    assert d.content["override"] == reason and decisions.verify_decision(d, hq_key.public_hex)
    with hq_db.read() as tx:
        assert tx.one("SELECT count(*) FROM decisions")[0] == 1
        assert tx.one("SELECT count(*) FROM selections")[0] == 1
    assert json.loads(decision_export.json_bytes(d))["decision"]["override"] == reason
    info = openpyxl.load_workbook(io.BytesIO(decision_export.xlsx(d)))["决定"]
    assert [row[1] for row in info.iter_rows(values_only=True) if row[0].startswith("不一致")] == [reason]


def test_confirmation_freezes_against_later_standings(
    hq_db: Database, hq_key: Identity, selection: Selection
) -> None:
    """Ranked from real standings rows, confirmed, then the standings change: the decision does not."""
    rows = [
        ("DB-1", "E1", "A001", "V-1", "张伟", "上海电气集团", "91.50"),
        ("DB-1", "E1", "A002", "V-1", "李娜", "上汽集团", "88.00"),
        ("DB-2", "E1", "B001", "V-2", "王芳", "中国商飞", "93.25"),
    ]
    with hq_db.write() as tx:
        for db, event, code, venue, name, org, total in rows:
            tx.run("INSERT INTO venues (venue, name, created) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                   (venue, f"赛场{venue}", "2026-05-01T00:00:00Z"))  # fmt: skip
            tx.run(
                "INSERT INTO standings (db, event, code, venue, station, lock_seq, locked_at, state, event_name, "
                "competition, name, organisation, reg_no, status, total, scaled, rank, award, title, tie, detail) "
                "VALUES (?, ?, ?, ?, 'ST-1', 9, '2026-05-01T12:00:00Z', 'match', '数控车工', 'C1', ?, ?, '', 'ok', "
                "?, NULL, 1, '', '', '[]', '{}')",
                (db, event, code, venue, name, org, total),
            )
    with hq_db.write() as tx:
        ranking = crossvenue.rank(tx, selection.id)
        assert [r.name for r in ranking.rows] == ["王芳", "张伟", "李娜"]
        d = decisions.confirm(tx, selection.id, "li", ranking, hq_key)
    with hq_db.write() as tx:
        tx.run("UPDATE standings SET total = '99.00', name = '改名' WHERE code = 'A002'")
        assert next(r.name for r in crossvenue.rank(tx, selection.id).rows) == "改名"
    (kept,) = stored(hq_db)
    assert kept.body == d.body and decisions.verify_decision(kept, hq_key.public_hex)
    assert [(r["name"], r["total"], r["place"]) for r in kept.content["rows"]] == [
        ("王芳", "93.25", 1), ("张伟", "91.50", 2), ("李娜", "88.00", 3)
    ]  # fmt: skip
    assert "改名" not in decision_export.csv_bytes(kept).decode("utf-8-sig")


# ------------------------------------------------------------ exports


@pytest.fixture
def decided(hq_db: Database, hq_key: Identity, selection: Selection) -> Iterator[Decision]:
    yield confirm(hq_db, five(selection, differ=4), hq_key, override="已核实")


def test_pdf_carries_the_names_award_and_signature_in_embedded_fonts(
    decided: Decision, tmp_path: Path
) -> None:
    """pdftotext finds the Chinese names, the award and the footer; pdffonts lists only embedded fonts."""
    path = tmp_path / "decision.pdf"
    path.write_bytes(decision_export.pdf(decided))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for needed in [*NAMES, "上海市技术能手", "一等奖", "跨赛场选拔名单", "浦东赛场", "95.50", "不一致",
                   decided.hq, decided.fingerprint, "已核实"]:  # fmt: skip
        assert needed in text, needed
    assert "第1页共1页" in text.replace(" ", "")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    lines = fonts.splitlines()[2:]
    assert len(lines) >= 3  # Latin, CJK, the supplementary font for 𠮷
    for line in lines:
        assert line.split()[-5] == "yes", line  # emb
    assert decision_export.pdf(decided) == path.read_bytes()  # deterministic


def test_a_superseded_decision_prints_as_such(decided: Decision, tmp_path: Path) -> None:
    path = tmp_path / "old.pdf"
    path.write_bytes(decision_export.pdf(replace(decided, superseded_by=decided.id + 1)))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert f"已被第 {decided.id + 1} 号决定取代" in text


def test_xlsx_reads_back(decided: Decision) -> None:
    """The list sheet has a header and one row per contestant, scores as numbers; the decision sheet the signature."""
    wb = openpyxl.load_workbook(io.BytesIO(decision_export.xlsx(decided)))
    rows = list(wb["名单"].iter_rows(values_only=True))
    assert rows[0][:3] == ("名次 Place", "姓名 Name", "单位 Organisation")
    assert [r[1] for r in rows[1:]] == NAMES
    assert rows[1][0] == 1 and Decimal(str(rows[1][5])) == Decimal("95.50") and rows[1][6] == "上海市技术能手"
    assert rows[5][7] == "不一致"
    info = dict(wb["决定"].iter_rows(values_only=True))
    assert info["签名 Signature (Ed25519)"] == decided.signature
    assert info["签名指纹 Signature fingerprint"] == decided.fingerprint
    assert info["总部 HQ"] == decided.hq


def test_csv_has_a_bom_and_reads_back(decided: Decision) -> None:
    data = decision_export.csv_bytes(decided)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "名次 Place" and len(rows) == 6
    assert [(r[0], r[1], r[5], r[6]) for r in rows[1:3]] == [
        ("1", "张伟", "95.50", "上海市技术能手"), ("2", "李娜", "93.25", "上海市技术能手")
    ]  # fmt: skip


def test_json_export_verifies_and_fails_when_changed(decided: Decision, hq_key: Identity) -> None:
    export = json.loads(decision_export.json_bytes(decided))
    assert decisions.verify_export(export, hq_key.public_hex)
    assert wire.encode(export["decision"]).decode() == decided.body
    export["decision"]["rows"][1]["award"] = ""
    assert not decisions.verify_export(export, hq_key.public_hex)


def test_the_dataclasses_are_frozen() -> None:
    """A decision object cannot be changed in place either."""
    assert dataclasses.fields(Decision)[0].name == "id"
    with pytest.raises(dataclasses.FrozenInstanceError):
        Decision(1, 1, "{}", "", "", "", "").body = "x"  # type: ignore[misc]
