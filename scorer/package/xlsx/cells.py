"""One cell's text → the value the package dict holds, for every column kind; and the list syntax of
cells such as 等级表 (0.8:4; 1.6:4).

A value that cannot be read comes back as its text with a problem (zh, en), never as an exception.
Decimals are read as the exact text of the number (0.021 stays "0.021").
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from scorer.package.xlsx.layout import Column
from scorer.package.xlsx.words import (
    BASIS_TIER_KEY,
    FALSE_WORDS,
    NO_LIMIT_WORDS,
    TIE_BREAK_WORDS,
    TIER_KEYS,
    TITLE_KEYS,
    TITLE_KIND_WORDS,
    TRUE_WORDS,
    lookup,
)
from scorer.text import ascii_width

Path = tuple[str | int, ...]
Msg = tuple[str, str]  # (zh, en)


class _Empty:
    """Marks a cell that was not filled in (distinct from the value None, "no limit")."""

    def __repr__(self) -> str:
        return "EMPTY"


EMPTY: Any = _Empty()


def float_text(value: float) -> str:
    """Shortest exact text of a float cell: 0.021 → "0.021", 24.0 → "24", 1e-05 → "0.00001"."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def cell_text(value: Any) -> str | None:
    """The text a coordinator sees in a cell, or None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_text(value) if math.isfinite(value) else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip() or None


# ASCII digits only: full-width ones were mapped already, other scripts' digits (٥, ५) are refused
_DEC_RE = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
_INT_RE = re.compile(r"^[+-]?[0-9]{1,18}$")
_DATE_RE = re.compile(r"^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?$")

NUMBER_MSG = ("应填数字，如 0.021", "should be a number, e.g. 0.021")
NEGATIVE_MSG = ("不能为负数", "must not be negative")
INT_MSG = ("应填整数", "should be a whole number")


def code_text(value: Any) -> str | None:
    """A cell read as a code, number, PIN or label: full-width forms (Ｒ００１, １２－３) become ASCII."""
    text = cell_text(value)
    return None if text is None else ascii_width(text)


def _numeric(text: str) -> str:
    return re.sub(r"\s+", "", ascii_width(text).replace("−", "-"))


def _dec(value: Any, text: str, nonneg: bool) -> tuple[Any, Msg | None]:
    if isinstance(value, bool | datetime | date | time | timedelta):
        return text, NUMBER_MSG
    if isinstance(value, float) and not math.isfinite(value):
        return text, NUMBER_MSG
    t = _numeric(text)
    if not _DEC_RE.match(t):
        return text, NUMBER_MSG
    if nonneg and t.startswith("-"):
        if Decimal(t) != 0:
            return t, NEGATIVE_MSG
        t = t[1:]
    return t, None


def _int(value: Any, text: str) -> tuple[Any, Msg | None]:
    if isinstance(value, bool):
        return text, INT_MSG
    if isinstance(value, int):
        return value, None
    if isinstance(value, float):
        return (int(value), None) if value.is_integer() and abs(value) < 1e15 else (text, INT_MSG)
    t = _numeric(text)
    if _INT_RE.match(t):
        return int(t), None
    if _DEC_RE.match(t) and len(t) < 40:
        d = Decimal(t)
        if d == d.to_integral_value():
            return int(d), None
    return text, INT_MSG


def _bool(value: Any, text: str) -> tuple[Any, Msg | None]:
    if isinstance(value, bool):
        return value, None
    key = unicodedata.normalize("NFKC", text).strip().lower()
    if key in TRUE_WORDS:
        return True, None
    if key in FALSE_WORDS:
        return False, None
    return text, ("应填“是”或“否”", "should be 是 (yes) or 否 (no)")


def _date(value: Any, text: str) -> tuple[Any, Msg | None]:
    if isinstance(value, datetime):
        return value.date().isoformat(), None
    if isinstance(value, date):
        return value.isoformat(), None
    m = _DATE_RE.match(ascii_width(text))
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return f"{y:04d}-{mo:02d}-{d:02d}", None
    return text, ("日期应写成 2026-11-24 的形式", "a date is written like 2026-11-24")


def _enum(words: Mapping[str, tuple[str, ...]], text: str) -> tuple[Any, Msg | None]:
    canon = lookup(words, text)
    if canon is not None:
        return canon, None
    allowed_zh = "、".join(w[0] for w in words.values())
    return text, (
        f"“{text}”无效，应为：{allowed_zh}（或 {', '.join(words)}）",
        f"'{text}' is not allowed; use one of: {', '.join(words)} (or {allowed_zh})",
    )


def split_items(text: str) -> list[list[str]]:
    """Split "a:1; "b;c":2" into [["a", "1"], ["b;c", "2"]]; double quotes protect separators."""
    items: list[list[str]] = []
    fields: list[str] = []
    buf: list[str] = []
    quoted = in_quotes = False
    i = 0

    def end_field() -> None:
        nonlocal buf, quoted
        fields.append("".join(buf) if quoted else "".join(buf).strip())
        buf, quoted = [], False

    while i < len(text):
        ch = text[i]
        if in_quotes:
            if ch == '"':
                if text[i + 1 : i + 2] == '"':
                    buf.append('"')
                    i += 1
                else:
                    in_quotes = False
            else:
                buf.append(ch)
        elif ch == '"' and not quoted and not "".join(buf).strip():
            buf, quoted, in_quotes = [], True, True
        elif ch in ";；\n\r":
            end_field()
            if any(fields):
                items.append(fields)
            fields = []
        elif ch in ":：":
            end_field()
        else:
            buf.append(ch)
        i += 1
    end_field()
    if any(fields):
        items.append(fields)
    return items


def quote_item(text: str) -> str:
    """Quote a name for a list cell when it holds a separator (inverse of `split_items`)."""
    if text and text == text.strip() and not re.search(r'[;；:：\n\r"=]', text):
        return text
    return '"' + text.replace('"', '""') + '"'


def _pairs(
    text: str,
    left: Callable[[str], tuple[Any, Msg | None]],
    right: Callable[[str], tuple[Any, Msg | None]],
    keys: tuple[str, str],
    form: Msg,
) -> tuple[Any, Msg | None]:
    out = []
    for item in split_items(text):
        shown = ":".join(item)
        if len(item) != 2 or not item[0] or not item[1]:
            return text, (f"“{shown}”应写成 {form[0]}", f"'{shown}' should be written as {form[1]}")
        a, pa = left(item[0])
        b, pb = right(item[1])
        if pa or pb:
            zh, en = pa or pb  # type: ignore[misc]
            return text, (f"“{shown}”：{zh}", f"'{shown}': {en}")
        out.append({keys[0]: a, keys[1]: b})
    return out, None


def _as_label(t: str) -> tuple[Any, Msg | None]:
    return ascii_width(t), None


def _as_dec(t: str) -> tuple[Any, Msg | None]:
    return _dec(t, t, nonneg=False)


def _as_nonneg(t: str) -> tuple[Any, Msg | None]:
    return _dec(t, t, nonneg=True)


def _as_int(t: str) -> tuple[Any, Msg | None]:
    return _int(t, t)


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[,，;；、\s]+", text) if t]


def _ties(text: str) -> tuple[Any, Msg | None]:
    out = []
    for token in _tokens(ascii_width(text)):
        if token.lower() in ("time", "时间", "用时"):
            out.append("time")
            continue
        kind, sep, code = token.partition(":")
        canon = lookup(TIE_BREAK_WORDS, kind)
        out.append(f"{canon}:{code}" if sep and canon else token)
    return out, None


def _scope(text: str) -> tuple[Any, Msg | None]:
    return ["*" if t in ("*", "全部") else t for t in _tokens(ascii_width(text))], None


def tiers_value(text: str, basis: str) -> tuple[Any, Msg | None]:
    """ "一等奖:0.1; 二等奖:0.2" → tiers; a bare value goes to the basis's field, key=value to any field."""
    default_key = BASIS_TIER_KEY.get(basis, "ratio")
    tiers = []
    for item in split_items(text):
        shown = ":".join(item)
        tier: dict[str, Any] = {"name": item[0]}
        for part in item[1:]:
            key, eq, raw = part.partition("=")
            key = (lookup(TIER_KEYS, key) if eq else default_key) or ""
            raw = raw if eq else part
            if not key:
                return text, (f"“{shown}”：不认识的“{part}”", f"'{shown}': '{part}' is not understood")
            if key == "name_en":
                tier[key] = raw
                continue
            value, problem = _as_int(raw) if key == "places" else _as_nonneg(raw)
            if problem:
                return text, (f"“{shown}”：{problem[0]}", f"'{shown}': {problem[1]}")
            tier[key] = value
        tiers.append(tier)
    return tiers, None


def titles_value(text: str) -> tuple[Any, Msg | None]:
    """ "技术能手:5; 五一劳动奖章:1:奖章; 技术能手:3:name_en=Technical Expert" → titles: name and top N,
    then optionally the kind (a bare 奖章/称号, or kind=…) and name_en=…."""
    titles = []
    for item in split_items(text):
        shown = ":".join(item)
        if len(item) < 2 or not item[0] or not item[1]:
            return text, (f"“{shown}”应写成 称号:名次", f"'{shown}' should be written as title:top")
        top, problem = _as_int(item[1])
        if problem:
            return text, (f"“{shown}”：{problem[0]}", f"'{shown}': {problem[1]}")
        title: dict[str, Any] = {"name": item[0], "top": top}
        for part in item[2:]:
            key, eq, raw = part.partition("=")
            canon = lookup(TITLE_KEYS, key) if eq else "kind"
            raw = raw if eq else part
            if canon == "kind":
                kind = lookup(TITLE_KIND_WORDS, raw)
                if kind is None:
                    return text, (
                        f"“{shown}”：类别应为 称号 或 奖章，不是“{raw}”",
                        f"'{shown}': the kind is title or medal, not '{raw}'",
                    )
                title["kind"] = kind
            elif canon == "name_en":
                title["name_en"] = raw
            else:
                return text, (f"“{shown}”：不认识的“{part}”", f"'{shown}': '{part}' is not understood")
        titles.append(title)
    return titles, None


def key_item(key: str, value: str) -> str:
    """A key=value field of a list cell, quoted as a whole when the value holds a separator."""
    if value and quote_item(value) == value:
        return f"{key}={value}"
    return quote_item(f"{key}={value}")


def convert(
    value: Any, col: Column, words: Mapping[str, tuple[str, ...]] | None = None
) -> tuple[Any, Msg | None]:
    """Read one cell for a column: (value for the package dict, or EMPTY; a problem or None).

    A value that cannot be read comes back as its text with a problem, so validation finds the path
    filled and reports nothing twice. Full-width forms become ASCII in everything but names and prose
    (kind "text"), here and nowhere else, so that Ｒ００１ and R001 are one registration number.
    """
    text = cell_text(value)
    if text is None:
        return EMPTY, None
    kind = col.kind
    if kind == "text":
        return text, None
    if kind in ("code", "pin", "label"):
        return ascii_width(text), None
    if kind == "unit":
        text = ascii_width(text)
        return ("" if text.lower() in NO_LIMIT_WORDS else text), None
    if kind in ("dec", "nonneg"):
        return _dec(value, text, kind == "nonneg")
    if kind == "int":
        return _int(value, text)
    if kind == "bool":
        return _bool(value, text)
    if kind == "date":
        return _date(value, text)
    if kind in ("enum", "mode"):
        return _enum(words or col.words or {}, text)
    if kind == "spread":
        if text.lower() in NO_LIMIT_WORDS:
            return None, None
        return _dec(value, text, nonneg=True)
    if kind == "grades":
        return _pairs(text, _as_label, _as_nonneg, ("label", "marks"), ("等级:分数", "grade:marks"))
    if kind == "bands":
        return _pairs(text, _as_dec, _as_nonneg, ("upto", "marks"), ("上限:分数", "up-to:marks"))
    if kind == "titles":
        return titles_value(text)
    if kind == "ties":
        return _ties(text)
    if kind == "scope":
        return _scope(text)
    if kind == "tiers":
        return tiers_value(text, "ratio")
    raise ValueError(f"unknown column kind {kind}")  # a programming error, not a user's


def read_cell(
    obj: dict[str, Any], col: Column, value: Any, words: Mapping[str, tuple[str, ...]] | None = None
) -> Msg | None:
    """Read one cell into obj at the column's path (nothing for an empty cell); the problem, if any."""
    read, msg = convert(value, col, words)
    if read is not EMPTY:
        put(obj, col.dotted, read)
    return msg


def put(obj: dict[str, Any], dotted: str, value: Any) -> None:
    """Set obj["a"]["b"] for "a.b", creating the inner dicts."""
    *outer, last = dotted.split(".")
    for part in outer:
        obj = obj.setdefault(part, {})
    obj[last] = value


def dotted_path(dotted: str) -> Path:
    """ "rule.deduct.per" → ("rule", "deduct", "per"), a package path below a row's object."""
    return tuple(dotted.split("."))


def get(obj: Mapping[str, Any], dotted: str) -> Any:
    """obj["a"]["b"] for "a.b", or EMPTY when absent (inverse of `put`)."""
    node: Any = obj
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return EMPTY
        node = node[part]
    return node
