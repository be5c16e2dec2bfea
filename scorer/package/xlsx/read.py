"""Reading a filled-in workbook into the package dict, all or nothing.

The sheets become exactly the dict the JSON package holds, and every value remembers the sheet, row and
column it came from; validation then runs once, on the whole package, so each problem points at a cell
such as "选手!E12 加密号" and problems found while reading are not reported twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils import get_column_letter

from scorer.errors import ImportRejected, Problem
from scorer.model import FORMAT_VERSION, Competition
from scorer.package import json_location
from scorer.package.validate import FIELD_ZH
from scorer.package.xlsx.cells import (
    EMPTY,
    Msg,
    Path,
    cell_text,
    code_text,
    convert,
    dotted_path,
    put,
    read_cell,
    tiers_value,
)
from scorer.package.xlsx.headers import header_keys, header_lookup
from scorer.package.xlsx.layout import (
    ASSIGNMENTS,
    COMPETITION_FIELDS,
    CONTESTANTS,
    EVENTS,
    GROUP_CODES,
    JUDGES,
    RULE_COLUMNS,
    SCHEME,
    SCHEME_LEVELS,
    SHEETS,
    Column,
    SheetSpec,
)
from scorer.package.xlsx.origins import Origin, finish, locator
from scorer.package.xlsx.tables import Table, apply_merges, between, find_table, read_workbook
from scorer.package.xlsx.words import TYPE_WORDS, mode_words, word_of


def _same(a: Any, b: Any) -> bool:
    """Two cells of one group agree: 0.3 and 0.30 are the same weight."""
    if a == b:
        return True
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except (InvalidOperation, ValueError):
        return False


def _first_by_code(items: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Code → position of the first event or judge with it (a repeated code is validation's to report)."""
    by_code: dict[str, int] = {}
    for i, item in enumerate(items):
        if isinstance(item.get("code"), str):
            by_code.setdefault(item["code"], i)
    return by_code


class _Reader:
    """Builds the package dict from the tables, with origins and reading problems."""

    def __init__(self, tables: dict[str, Table]):
        self.t = tables
        self.origins: dict[Path, Origin] = {}
        self.own: list[Problem] = []
        self.covered: set[Path] = set()
        self.partial: set[Path] = set()  # events that lost scheme rows: their sums are not checked

    # helpers -----------------------------------------------------------

    def problem(self, where: str, msg: Msg, path: Path | None = None) -> None:
        self.own.append(Problem(where, msg[0], msg[1]))
        if path is not None:
            self.covered.add(path)

    def fill(
        self,
        table: Table,
        n: int,
        values: tuple[Any, ...],
        obj: dict[str, Any],
        base: Path,
        columns: Iterable[Column],
    ) -> None:
        """Read the plain columns of one row into obj (at package path `base`)."""
        for col in columns:
            if col.path is None:
                continue
            if (n, col.key) in table.refused:  # emptied by a merge that was reported
                self.covered.add((*base, *dotted_path(col.dotted)))
            msg = read_cell(obj, col, table.raw(values, col.key))
            if msg:
                self.problem(table.at(n, col.key), msg, (*base, *dotted_path(col.dotted)))

    def origin(self, path: Path, table: Table, n: int | None, keys: Mapping[str, str] | None = None) -> None:
        cells = table.cells if keys is None else {k: table.cells[v] for k, v in keys.items()}
        self.origins[path] = Origin(table.title, n, cells)

    # sheets ------------------------------------------------------------

    def competition(self) -> dict[str, Any]:
        table = self.t["competition"]
        fields = header_lookup(COMPETITION_FIELDS)
        cells = {c.key: (c.zh, "") for c in COMPETITION_FIELDS}
        self.origins[("competition",)] = Origin(table.title, None, cells)
        out: dict[str, Any] = {}
        seen: dict[str, int] = {}
        value_letter = get_column_letter(table.index["value"] + 1)
        for n, values in table.rows:
            name = cell_text(table.raw(values, "field"))
            if name is None:
                if cell_text(table.raw(values, "value")) is not None and (n, "field") not in table.refused:
                    self.problem(table.at(n, "field"), ("缺少字段名", "the field name is missing"))
                continue
            key = next((fields[k] for k in header_keys(name) if k in fields), None)
            if key is None:
                known = "、".join(c.zh for c in COMPETITION_FIELDS)
                self.problem(
                    table.at(n, "field"),
                    (f"不认识的字段“{name}”，可用：{known}", f"unknown field '{name}'; known: {known}"),
                )
                continue
            col = next(c for c in COMPETITION_FIELDS if c.key == key)
            if key in seen:
                self.problem(
                    table.at(n, "field"),
                    (
                        f"字段“{col.zh}”重复（第 {seen[key]} 行已填写）",
                        f"field '{col.zh}' repeats row {seen[key]}",
                    ),
                )
                continue
            seen[key] = n
            self.origins[("competition", key)] = Origin(table.title, n, {"": (col.zh, value_letter)})
            if (n, "value") in table.refused:
                self.covered.add(("competition", key))
            value, msg = convert(table.raw(values, "value"), col)
            if value is EMPTY:
                continue
            out[key] = value
            if msg:
                self.problem(f"{table.title}!{value_letter}{n} {col.zh}", msg, ("competition", key))
        return out

    def events(self) -> list[dict[str, Any]]:
        table = self.t["events"]
        events: list[dict[str, Any]] = []
        tiers_col = EVENTS.column("award_tiers")
        for n, values in table.rows:
            path: Path = ("events", len(events))
            event: dict[str, Any] = {}
            self.fill(table, n, values, event, path, [c for c in EVENTS.columns if c.key != "award_tiers"])
            text = cell_text(table.raw(values, "award_tiers"))
            if text is not None:
                basis = event.get("awards", {}).get("basis", "ratio")
                tiers, msg = tiers_value(text, basis if isinstance(basis, str) else "ratio")
                put(event, tiers_col.dotted, tiers)
                if msg:
                    self.problem(table.at(n, "award_tiers"), msg, (*path, "awards", "tiers"))
            self.origin(path, table, n)
            events.append(event)
        return events

    def scheme(self, events: list[dict[str, Any]]) -> None:
        table = self.t["scheme"]
        by_code = _first_by_code(events)
        groups: dict[tuple[str, ...], tuple[Path, dict[str, Any]]] = {}
        given: dict[Path, int] = {}  # field path → row where it was given
        prev: dict[str, str] = {}
        aspect_cols = [c for c in SCHEME.columns if c.path is not None]
        rows: list[tuple[int, tuple[Any, ...], dict[str, str]]] = []
        for n, values in table.rows:
            codes: dict[str, str] = {}
            for key in GROUP_CODES:
                text = code_text(table.raw(values, key))
                if text is not None:
                    codes[key] = text
                    # a new group above resets the inherited codes below it
                    for lower in GROUP_CODES[GROUP_CODES.index(key) + 1 :]:
                        if code_text(table.raw(values, lower)) is None and prev.get(key) != text:
                            prev.pop(lower, None)
                    prev[key] = text
                elif key in prev:
                    codes[key] = prev[key]
            rows.append((n, values, codes))
        self.merged_across_groups(table, rows)
        for n, values, codes in rows:
            missing = [k for k in GROUP_CODES if k not in codes]
            if missing or codes["event"] not in by_code:
                # the row is left out: its event's sums and references are not checked
                known = by_code.get(codes.get("event", ""))
                self.partial.update(("events", i) for i in range(len(events)) if known in (None, i))
            if missing:
                col = SCHEME.column(missing[0])
                if (n, missing[0]) not in table.refused:
                    self.problem(
                        table.at(n, missing[0]), (f"缺少{col.zh}", f"'{col.zh}' ({col.key}) is missing")
                    )
                continue
            ev = codes["event"]
            if ev not in by_code:
                self.problem(
                    table.at(n, "event"),
                    (f"项目“{ev}”不在“项目”表中", f"event '{ev}' is not on the 项目 (events) sheet"),
                )
                continue
            ei = by_code[ev]
            event = events[ei]
            if "components" not in event:
                event["components"] = []
                self.origins[("events", ei, "components")] = Origin(
                    table.title, n, {"": table.cells["weight"]}
                )
            parent_list, parent_path = event["components"], ("events", ei, "components")
            key_so_far: tuple[str, ...] = (ev,)
            node: dict[str, Any] = event
            for level, children, fields in SCHEME_LEVELS:
                key_so_far = (*key_so_far, codes[level])
                if key_so_far not in groups:
                    path = (*parent_path, len(parent_list))
                    node = {"code": codes[level], children: []}
                    parent_list.append(node)
                    groups[key_so_far] = (path, node)
                    self.origin(path, table, n, fields)
                path, node = groups[key_so_far]
                for fkey, ckey in fields.items():
                    if fkey == "code":
                        continue
                    col = SCHEME.column(ckey)
                    value, msg = convert(table.raw(values, ckey), col)
                    fpath = (*path, fkey)
                    if (n, ckey) in table.refused:
                        self.covered.add(fpath)
                    if value is EMPTY:
                        continue
                    if fkey in node and not _same(node[fkey], value):
                        self.problem(
                            table.at(n, ckey),
                            (
                                f"与第 {given[fpath]} 行的“{col.zh}”不一致（{node[fkey]} / {value}）",
                                f"differs from '{col.zh}' on row {given[fpath]} ({node[fkey]} / {value})",
                            ),
                        )
                        continue
                    if fkey in node:
                        continue
                    node[fkey] = value
                    given[fpath] = n
                    self.origins[fpath] = Origin(table.title, n, {"": table.cells[col.dotted]})
                    if msg:
                        self.problem(table.at(n, ckey), msg, fpath)
                parent_list, parent_path = node[children], (*path, children)
            if all(cell_text(table.raw(values, c.key)) is None for c in aspect_cols):
                continue  # a row that only names or weighs a group
            self.aspect(table, n, values, parent_list, parent_path)
        for ei, event in enumerate(events):
            if "components" not in event:
                event["components"] = []
                path = ("events", ei, "components")
                self.problem(
                    self.origins[("events", ei)].where(("code",)),
                    (
                        f"“评分标准”表中没有项目“{event.get('code', '')}”的评分项",
                        f"the 评分标准 (scheme) sheet has no aspects for event '{event.get('code', '')}'",
                    ),
                    path,
                )

    def merged_across_groups(
        self, table: Table, rows: list[tuple[int, tuple[Any, ...], dict[str, str]]]
    ) -> None:
        """A group's name, weight, maximum or day merged over rows of two groups would hand the first
        group's value to the second: the rows of other groups are emptied again and the merge reported."""
        level_of = {
            ckey: level
            for level, _, fields in SCHEME_LEVELS
            for fkey, ckey in fields.items()
            if fkey != "code"
        }
        where = {n: i for i, (n, _, _) in enumerate(rows)}
        numbers = [n for n, _, _ in rows]
        for key, r1, r2, ref in table.filled:
            level = level_of.get(key)
            if level is None or r1 not in where:
                continue
            upto = GROUP_CODES[: GROUP_CODES.index(level) + 1]

            def group(codes: Mapping[str, str], upto: tuple[str, ...] = upto) -> tuple[str | None, ...]:
                return tuple(codes.get(k) for k in upto)

            first = group(rows[where[r1]][2])
            others = [n for n in between(numbers, r1 + 1, r2) if group(rows[where[n]][2]) != first]
            if not others:
                continue
            col = SCHEME.column(key)
            pos = table.index[key]
            for n in others:
                i = where[n]
                values = list(rows[i][1])
                values[pos] = None
                rows[i] = (n, tuple(values), rows[i][2])
                table.refused.add((n, key))
            names = list(dict.fromkeys(str(group(rows[where[n]][2])[-1]) for n in (r1, *others)))
            zh_level, en_level = FIELD_ZH[level], level.replace("_", "-")
            header = table.cells[col.dotted][0]
            self.problem(
                f"{table.title}!{ref} {header}",
                (
                    f"合并单元格跨越了不同的{zh_level}（{'、'.join(names)}）：“{header}”每个{zh_level}分别填写。"
                    "请取消合并",
                    f"merged cells span different {en_level}s ({', '.join(names)}); give '{header}' once for each "
                    f"{en_level}: unmerge the cells",
                ),
            )

    def aspect(
        self, table: Table, n: int, values: tuple[Any, ...], into: list[dict[str, Any]], base: Path
    ) -> None:
        path = (*base, len(into))
        aspect: dict[str, Any] = {}
        plain = [c for c in SCHEME.columns if c.path is not None and not c.types]
        self.fill(table, n, values, aspect, path, plain)
        kind = aspect.get("type")
        aspect["rule"] = {}
        self.origin(path, table, n)
        into.append(aspect)
        if kind not in TYPE_WORDS:
            return
        for col in RULE_COLUMNS:
            raw = table.raw(values, col.key)
            if (n, col.key) in table.refused:
                self.covered.add((*path, *dotted_path(col.dotted)))
            if cell_text(raw) is None:
                continue
            if kind not in col.types:
                self.problem(
                    table.at(n, col.key),
                    (
                        f"“{col.zh}”不适用于{word_of(TYPE_WORDS, kind)}类评分项，请留空",
                        f"'{col.zh}' ({col.key}) does not apply to {kind} aspects; leave it empty",
                    ),
                )
                continue
            msg = read_cell(aspect, col, raw, mode_words(kind) if col.kind == "mode" else None)
            if msg:
                self.problem(table.at(n, col.key), msg, (*path, *dotted_path(col.dotted)))

    def people(self, key: str, spec: SheetSpec, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        table = self.t[key]
        out: list[dict[str, Any]] = []
        for n, values in table.rows:
            path: Path = (key, len(out))
            obj: dict[str, Any] = {}
            self.fill(table, n, values, obj, path, spec.columns)
            if key == "contestants" and "event" in obj:
                obj["event"] = event_code(obj["event"], events)
            if key == "judges":
                obj["assignments"] = []
            self.origin(path, table, n)
            out.append(obj)
        return out

    def assignments(self, judges: list[dict[str, Any]]) -> None:
        table = self.t["assignments"]
        by_code = _first_by_code(judges)
        cols = [c for c in ASSIGNMENTS.columns if c.path is not None]
        for n, values in table.rows:
            code = code_text(table.raw(values, "judge"))
            if code is None:
                self.problem(table.at(n, "judge"), ("缺少裁判代码", "the judge code is missing"))
                continue
            if code not in by_code:
                self.problem(
                    table.at(n, "judge"),
                    (f"裁判“{code}”不在“裁判”表中", f"judge '{code}' is not on the 裁判 (judges) sheet"),
                )
                continue
            ji = by_code[code]
            path: Path = ("judges", ji, "assignments", len(judges[ji]["assignments"]))
            asg: dict[str, Any] = {}
            self.fill(table, n, values, asg, path, cols)
            if asg.get("scope") == []:
                del asg["scope"]
            self.origin(path, table, n)
            judges[ji]["assignments"].append(asg)


def event_code(value: Any, events: Sequence[Mapping[str, Any]]) -> Any:
    """Let a list name the event instead of giving its code, when that is unambiguous."""
    if not isinstance(value, str) or any(e.get("code") == value for e in events):
        return value
    hits = [e.get("code") for e in events if value in (e.get("name"), e.get("name_en"))]
    return hits[0] if len(hits) == 1 else value


def load_bytes(raw: bytes, source: str = "competition.xlsx") -> Competition:
    """Import a filled-in workbook, all or nothing; every problem names its sheet, row and column."""
    book, merges = read_workbook(raw, source)
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    for spec in SHEETS:
        table = find_table(book, spec, problems)
        if table is not None:
            tables[spec.en] = table
    if problems:
        raise ImportRejected(source, problems)
    merged: list[Problem] = []
    for table in tables.values():
        merged += apply_merges(table, merges.get(table.title, []))
    r = _Reader(tables)
    r.own += merged
    competition = r.competition()
    events = r.events()
    r.scheme(events)
    contestants = r.people("contestants", CONTESTANTS, events)
    judges = r.people("judges", JUDGES, events)
    r.assignments(judges)
    data: dict[str, Any] = {
        "format": "scorer-competition",
        "format_version": FORMAT_VERSION,
        "competition": competition,
        "events": events,
        "contestants": contestants,
        "judges": judges,
    }
    locate = locator(r.origins, json_location(data))
    return finish(data, source, locate, r.own, r.covered, r.partial)
