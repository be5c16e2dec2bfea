"""Contestant and judge lists as CSV, the way Chinese Excel and registration systems save them.

A list merges into an existing competition: each row adds an entry or replaces the entry with the same
registration number (参赛证号) or judge code (裁判代码). The merged package is validated as a whole, so
a list goes in completely or not at all, and every problem names the CSV line and column.

Accepted: UTF-8 with or without BOM, GB18030/GBK (Excel's "CSV" on Chinese Windows), UTF-16 with BOM
(Excel's "Unicode text"); comma, tab or semicolon delimiters; Chinese or English headers in any order.
Exports are UTF-8 with BOM so that Excel shows Chinese (and 𠮷) correctly.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from scorer.errors import ImportRejected, Problem
from scorer.model import Competition
from scorer.package import codec, json_location
from scorer.package.xlsx.cells import Msg, Path, cell_text, code_text, dotted_path, read_cell
from scorer.package.xlsx.headers import header_cells, header_keys, header_lookup, lookup_header, match_headers
from scorer.package.xlsx.layout import ASSIGNMENTS, CONTESTANTS, JUDGE_COLUMNS, Column
from scorer.package.xlsx.origins import finish, locator
from scorer.package.xlsx.read import event_code
from scorer.package.xlsx.words import ROLE_WORDS, word_of

# a judge's row may carry one assignment: the 裁判分工 sheet's columns, the event optional here
ASSIGNMENT_COLUMNS = tuple(replace(ASSIGNMENTS.column(key), required=False) for key in ("event", "scope"))
JUDGE_CSV_COLUMNS = (*JUDGE_COLUMNS, *ASSIGNMENT_COLUMNS)
JUDGE_CSV_REQUIRED = ("code", "name")  # a blank role means 评分裁判 (judge)
CONTESTANT_CSV_REQUIRED = tuple(c.key for c in CONTESTANTS.columns if c.required)
DELIMITERS = (",", "\t", ";")


@dataclass(frozen=True, slots=True)
class _Line:
    """Where a contestant, judge or assignment came from in the CSV."""

    line: int
    cells: Mapping[str, tuple[str, str]]

    def where(self, rel: Path) -> str:
        header, _ = lookup_header(self.cells, rel)
        return f"line {self.line}, column {header}" if header else f"line {self.line}"


@dataclass
class _List:
    header: list[str]
    index: dict[str, int]
    cells: dict[str, tuple[str, str]]
    rows: list[tuple[int, list[str]]]

    def values(self, rec: Sequence[str]) -> dict[str, str | None]:
        return {key: (rec[pos] if pos < len(rec) else None) for key, pos in self.index.items()}


def _reject(source: str, where: str, zh: str, en: str) -> ImportRejected:
    return ImportRejected(source, [Problem(where, zh, en)])


def decode(raw: bytes, source: str) -> str:
    """UTF-16 by its BOM, else UTF-8 (BOM optional), else GB18030 (a superset of GBK)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise _reject(
        source,
        "",
        "无法识别文件编码（应为 UTF-8 或 GBK/GB18030 文本）",
        "cannot read the text: it is neither UTF-8 nor GBK/GB18030",
    )


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read(raw: bytes, source: str, columns: Sequence[Column], required: Sequence[str]) -> _List:
    text = decode(raw, source)
    if "\x00" in text:
        raise _reject(
            source, "", "文件含有空字符，不是文本文件", "the file holds NUL characters; it is not a text file"
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[tuple[int, list[str]]] = []
    try:
        for rec in reader:
            rows.append((reader.line_num, rec))
    except csv.Error as exc:
        raise _reject(
            source,
            f"line {reader.line_num}",
            f"CSV 格式错误：{exc}（文件可能不完整）",
            f"CSV syntax error: {exc} (the file may be incomplete)",
        ) from None
    rows = [(n, rec) for n, rec in rows if any(cell_text(v) is not None for v in rec)]
    if not rows:
        raise _reject(source, "", "文件是空的（没有表头行）", "the file is empty (no header line)")
    line, header = rows[0]
    index = match_headers(header, columns)
    missing = [c for c in columns if c.key in required and c.key not in index]
    if missing:
        names = "、".join(f"{c.zh}（{c.key}）" for c in missing)
        raise _reject(
            source,
            f"line {line}",
            f"表头缺少必填列：{names}",
            f"the header lacks required column(s): {names}",
        )
    return _List(header, index, header_cells(columns, header, index, letters=False), rows[1:])


class _Merge:
    """Rows read into package dicts, with their lines and reading problems."""

    def __init__(self, table: _List, data: dict[str, Any]):
        self.table = table
        self.data = data
        self.origins: dict[Path, _Line] = {}
        self.own: list[Problem] = []
        self.covered: set[Path] = set()

    def read(
        self, line: int, values: Mapping[str, Any], columns: Sequence[Column], base: Path
    ) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        for col in columns:
            msg = read_cell(obj, col, values.get(col.key))
            if msg:
                self.problem(line, col, msg, (*base, *dotted_path(col.dotted)))
        if "event" in obj:
            obj["event"] = event_code(obj["event"], self.data["events"])
        return obj

    def problem(self, line: int, col: Column, msg: Msg, path: Path | None = None) -> None:
        header, _ = self.table.cells[col.dotted]
        self.own.append(Problem(f"line {line}, column {header}", msg[0], msg[1]))
        if path is not None:
            self.covered.add(path)

    def place(self, path: Path, line: int) -> None:
        self.origins[path] = _Line(line, self.table.cells)

    def finish(self, source: str) -> Competition:
        locate = locator(self.origins, json_location(self.data))
        return finish(self.data, source, locate, self.own, self.covered)


def merge_contestants_csv(comp: Competition, raw: bytes, source: str = "contestants.csv") -> Competition:
    """Add or replace contestants from a CSV list; the result is validated whole, or nothing changes."""
    table = _read(raw, source, CONTESTANTS.columns, CONTESTANT_CSV_REQUIRED)
    data = codec.to_dict(comp)
    m = _Merge(table, data)
    people: list[dict[str, Any]] = data["contestants"]
    position = {x["reg_no"]: i for i, x in enumerate(people)}
    touched: set[int] = set()
    for line, rec in table.rows:
        values = table.values(rec)
        i = position.get(str(code_text(values.get("reg_no"))), -1)
        if i < 0 or i in touched:  # new, or repeated in this list (validation reports the duplicate)
            i = len(people)
            people.append({})
        touched.add(i)
        people[i] = m.read(line, values, CONTESTANTS.columns, ("contestants", i))
        m.place(("contestants", i), line)
    return m.finish(source)


def merge_judges_csv(comp: Competition, raw: bytes, source: str = "judges.csv") -> Competition:
    """Add or replace judges from a CSV list; repeated rows of a judge add assignments (项目, 分工).

    A replaced judge keeps its PIN hash when the list gives no PIN, and keeps its assignments when the
    list has no 项目 column. A blank role means 评分裁判 (judge).
    """
    table = _read(raw, source, JUDGE_CSV_COLUMNS, JUDGE_CSV_REQUIRED)
    data = codec.to_dict(comp)
    m = _Merge(table, data)
    judges: list[dict[str, Any]] = data["judges"]
    position = {j["code"]: i for i, j in enumerate(judges)}
    listed: dict[str, tuple[int, int]] = {}  # code → (judge index, first line) for judges in this list
    with_assignments = "event" in table.index
    for line, rec in table.rows:
        values = table.values(rec)
        code = code_text(values.get("code"))
        if code is not None and code in listed:
            i, first = listed[code]
            person = m.read(line, values, JUDGE_COLUMNS, ("judges", i))
            for col in JUDGE_COLUMNS:
                if col.dotted in person and person[col.dotted] != judges[i].get(col.dotted):
                    m.problem(
                        line,
                        col,
                        (f"与第 {first} 行的同一裁判不一致", f"differs from the same judge on line {first}"),
                    )
        else:
            i = position.get(str(code), -1)
            old = judges[i] if i >= 0 and code is not None else None
            if old is None:
                i = len(judges)
                judges.append({})
            person = m.read(line, values, JUDGE_COLUMNS, ("judges", i))
            person.setdefault("role", old["role"] if old else "judge")
            if old and "pin" not in person and "pin_hash" not in person and old.get("pin_hash"):
                person["pin_hash"] = old["pin_hash"]
            person["assignments"] = [] if with_assignments or not old else old.get("assignments", [])
            judges[i] = person
            m.place(("judges", i), line)
            if code is not None:
                listed[code] = (i, line)
        asg = m.read(
            line, values, ASSIGNMENT_COLUMNS, ("judges", i, "assignments", len(judges[i]["assignments"]))
        )
        if "event" in asg:
            if asg.get("scope") == []:
                del asg["scope"]
            m.place(("judges", i, "assignments", len(judges[i]["assignments"])), line)
            judges[i]["assignments"].append(asg)
        elif "scope" in asg:
            m.problem(
                line, ASSIGNMENT_COLUMNS[0], ("填了分工但缺少项目", "a scope is given without its event")
            )
    return m.finish(source)


def guess_kind(raw: bytes) -> str:
    """ "judges" when the header has a column only judge lists have (裁判代码, 角色, PIN, 分工), else
    "contestants"; an unreadable file is left for the merge to refuse with its reasons."""
    try:
        text = decode(raw, "")
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)), [])
    except (ImportRejected, csv.Error):
        return "contestants"
    judge_only = [c for c in JUDGE_CSV_COLUMNS if c.key in ("role", "pin", "pin_hash", "scope")]
    words = set(header_lookup(judge_only)) | set(header_lookup([JUDGE_COLUMNS[0]])) - {"code"}
    keys = {key for text in header for key in header_keys(text)}
    return "judges" if keys & words else "contestants"


def _csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def contestants_csv(comp: Competition) -> bytes:
    """All contestants as a UTF-8 (BOM) CSV list that `merge_contestants_csv` reads back unchanged."""
    columns = CONTESTANTS.columns
    rows = [[str(x.get(c.key, "")) for c in columns] for x in codec.to_dict(comp)["contestants"]]
    return _csv_bytes([c.zh for c in columns], rows)


def judges_csv(comp: Competition) -> bytes:
    """All judges, one row per assignment (PIN empty, PIN哈希 filled), for `merge_judges_csv`."""
    columns = JUDGE_CSV_COLUMNS
    rows = []
    for j in codec.to_dict(comp)["judges"]:
        person = [
            word_of(ROLE_WORDS, j["role"]) if c.key == "role" else str(j.get(c.key, ""))
            for c in JUDGE_COLUMNS
        ]
        for a in j["assignments"] or [None]:
            rows.append([*person, a["event"] if a else "", ", ".join(a.get("scope", ["*"])) if a else ""])
    return _csv_bytes([c.zh for c in columns], rows)
