"""Bytes from the network made safe to hand to wire.py and the database.

wire.parse refuses what is not JSON; a few inputs still get past it as Python objects that would
fail later with something other than a refusal: nesting deep enough to exhaust the parser's
recursion, an integer too long to convert, a lone surrogate (`"\\ud800"`, which cannot be encoded
back to UTF-8 to check a signature), and NUL (`"\\u0000"`, which PostgreSQL's text cannot hold).
Each is a `SyncRefused` "format" here. The costly walk over every string runs only when the bytes
hold a `\\u` escape at all — canonical JSON from Scorer has none but for control characters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from scorer.sync import wire
from scorer.sync.wire import SyncRefused

T = TypeVar("T")


def _format(zh: str, en: str) -> SyncRefused:
    return SyncRefused("format", zh, en)


def parse(data: bytes, what_zh: str, what_en: str) -> dict[str, Any]:
    """wire.parse, with the inputs it lets through refused as "format" (see the module)."""
    obj = safely(lambda: wire.parse(data, what_zh, what_en), what_zh, what_en)
    if b"\\u" in data:
        _walk(obj, what_zh, what_en)
    return obj


def safely(call: Callable[[], T], what_zh: str, what_en: str) -> T:
    """`call()` (a wire.py parse or check), with the Python errors strange input can raise there
    turned into "format" refusals."""
    try:
        return call()
    except RecursionError:
        raise _format(f"{what_zh}嵌套太深", f"the {what_en} is nested too deeply") from None
    except UnicodeEncodeError:
        raise _format(
            f"{what_zh}含有无效的 Unicode 字符（孤立的代理项）",
            f"the {what_en} holds an invalid Unicode character (a lone surrogate)",
        ) from None
    except ValueError as exc:  # json: an integer longer than Python converts
        raise _format(
            f"{what_zh}不是有效的 JSON（{exc}）", f"the {what_en} is not valid JSON ({exc})"
        ) from None


def check_bundle_bytes(data: bytes) -> None:
    """Before wire.read_bundle: the same guards as `parse`, on a bundle's bytes."""
    if b"\\u" in data:
        try:
            obj = safely(lambda: wire.parse(data, "U 盘同步包", "bundle"), "U 盘同步包", "bundle")
        except SyncRefused:
            return  # not JSON at all: read_bundle says so
        _walk(obj, "U 盘同步包", "bundle")


def _walk(obj: Any, what_zh: str, what_en: str) -> None:
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                _text(key, what_zh, what_en)
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            _text(item, what_zh, what_en)


def _text(text: str, what_zh: str, what_en: str) -> None:
    if "\x00" in text:
        raise _format(
            f"{what_zh}含有 NUL 字符（\\u0000），总部不能保存",
            f"the {what_en} holds a NUL character (\\u0000), which headquarters cannot store",
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _format(
            f"{what_zh}含有无效的 Unicode 字符（孤立的代理项）",
            f"the {what_en} holds an invalid Unicode character (a lone surrogate)",
        ) from None
