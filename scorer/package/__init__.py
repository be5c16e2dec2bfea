"""The competition package: one JSON format (plus an XLSX template and CSV lists) for a whole
competition definition. Import validates everything and either returns a whole Competition or
raises `ImportRejected` listing every problem; it never returns part of one.

Formats are documented in docs/package-format.md; the JSON Schema is in resources/schema/.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from scorer.errors import ImportRejected, Problem, ScorerError
from scorer.model import Competition
from scorer.package import codec
from scorer.pins import hash_pin
from scorer.text import ascii_width

Locate = Callable[[tuple[str | int, ...]], str]

MAX_FILE_BYTES = 64 * 1024 * 1024


def json_location(data: Any) -> Locate:
    """Render a path as events[CNC].components[P].max_mark, using codes where the data has them."""

    def locate(path: tuple[str | int, ...]) -> str:
        out, node = "", data
        for part in path:
            label = part
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                node = None
            if isinstance(part, int):
                code = node.get("code") if isinstance(node, dict) else None
                out += f"[{part}:{code}]" if code else f"[{part}]"
            else:
                out += f".{label}" if out else str(label)
        return out

    return locate


def from_data(data: Any, source: str, locate: Locate | None = None) -> Competition:
    """Validate package data and build the Competition; plain PINs are hashed here."""
    from scorer.package.validate import check  # jsonschema loads only when something is imported

    issues = check(data)
    if issues:
        where = locate or json_location(data)
        raise ImportRejected(source, [Problem(where(i.path), i.zh, i.en) for i in issues])
    pins = {str(j["code"]): hash_pin(j["pin"]) for j in data.get("judges", []) if j.get("pin")}
    return codec.from_dict(data, pins)


def _json_number(text: str) -> Decimal:
    """JSON numbers as exact decimals; NaN, Infinity and absurd exponents would break the sums."""
    value = Decimal(text)
    if not value.is_finite() or abs(value.adjusted()) > 1000:
        raise ValueError(text[:40])
    return value


def parse_json_bytes(raw: bytes, source: str) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            source,
            [Problem(f"byte {exc.start}", "文件不是 UTF-8 编码的文本", "the file is not UTF-8 text")],
        ) from None
    try:
        return json.loads(text, parse_float=_json_number, parse_constant=_json_number)
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            source,
            [
                Problem(
                    f"line {exc.lineno}, column {exc.colno}",
                    f"JSON 格式错误：{exc.msg}（文件可能不完整或被截断）",
                    f"JSON syntax error: {exc.msg} (the file may be incomplete or cut short)",
                )
            ],
        ) from None
    except RecursionError:
        raise ImportRejected(source, [Problem("", "JSON 嵌套过深", "JSON nested too deeply")]) from None
    except ValueError:  # NaN, Infinity, 1e999999999 or an integer of thousands of digits
        raise ImportRejected(
            source,
            [Problem("", "JSON 中有无效或过大的数值", "the JSON holds an invalid or oversized number")],
        ) from None


# names and prose are kept exactly as written; every other string is a code, number, PIN, date or label
PROSE_FIELDS = frozenset({"name", "name_en", "organisation", "organiser", "venue", "description", "pin_hash"})


def ascii_widths(data: Any, key: str = "") -> Any:
    """A package with full-width forms (Ｒ００１, １２, ２０２６－１１－２４) turned into ASCII in every string
    but names and prose, the way the XLSX and CSV readers read cells, so that １２ and 12 are one
    station; a CJK compatibility ideograph in a name stays as it is. Returns a copy."""
    if isinstance(data, str):
        return data if key in PROSE_FIELDS else ascii_width(data)
    if isinstance(data, dict):
        return {k: ascii_widths(v, k if isinstance(k, str) else "") for k, v in data.items()}
    if isinstance(data, list):
        return [ascii_widths(v, key) for v in data]
    return data


def load_json_bytes(raw: bytes, source: str = "package.json") -> Competition:
    data = parse_json_bytes(raw, source)
    try:
        data = ascii_widths(data)
    except RecursionError:  # nesting the parser just managed, with a few frames less to spare
        raise ImportRejected(source, [Problem("", "JSON 嵌套过深", "JSON nested too deeply")]) from None
    return from_data(data, source)


def read_file_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScorerError(
                f"{path.name}：文件过大（{size} 字节）", f"{path.name}: file too large ({size} bytes)"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise ScorerError(f"找不到文件：{path}", f"file not found: {path}") from None
    except IsADirectoryError:
        raise ScorerError(f"{path} 是一个文件夹，不是文件", f"{path} is a folder, not a file") from None
    except PermissionError:
        raise ScorerError(f"没有权限读取：{path}", f"no permission to read: {path}") from None


def load(path: str | Path) -> Competition:
    """Load a package from .json or .xlsx, all or nothing."""
    path = Path(path)
    suffix = path.suffix.lower()
    raw = read_file_bytes(path)
    if suffix == ".json":
        return load_json_bytes(raw, path.name)
    if suffix in (".xlsx", ".xlsm"):
        from scorer.package import xlsx

        return xlsx.load_bytes(raw, path.name)
    raise ScorerError(
        f"{path.name}：不支持的文件类型，请使用 .json 或 .xlsx",
        f"{path.name}: unsupported file type; use .json or .xlsx",
    )


def dumps_json(comp: Competition, pins: Mapping[str, str] | None = None) -> str:
    """The JSON package's text; `pins` (judge code → plain PIN) writes PINs in the clear, as the demo does."""
    return json.dumps(codec.to_dict(comp, pins), ensure_ascii=False, indent=2) + "\n"


def save(comp: Competition, path: str | Path) -> None:
    """Write a package as .json or .xlsx (by the file's suffix)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = dumps_json(comp).encode("utf-8")
    elif suffix == ".xlsx":
        from scorer.package import xlsx

        data = xlsx.dump_bytes(comp)
    else:
        raise ScorerError(
            f"{path.name}：不支持的文件类型，请使用 .json 或 .xlsx",
            f"{path.name}: unsupported file type; use .json or .xlsx",
        )
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        raise ScorerError(
            f"无法写入 {path}：{exc.strerror}", f"cannot write {path}: {exc.strerror}"
        ) from None
