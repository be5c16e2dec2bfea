"""Every printable document kind: kind → ("module:function", Chinese label, English label).

Each function takes an EventData and returns PDF bytes; modules are imported only when used."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import cast

from scorer.errors import ScorerError
from scorer.reports import page
from scorer.reports.data import EventData

KINDS: dict[str, tuple[str, str, str]] = {
    "results": ("scorer.reports.results:results_pdf", "成绩排名表", "results list"),
    "awards": ("scorer.reports.awards:awards_pdf", "获奖名单", "award list"),
    "notice": ("scorer.reports.notice:notice_pdf", "成绩公示", "results notice"),
    "progress": ("scorer.reports.progress:progress_pdf", "进度报告", "progress report"),
    "sheets": ("scorer.reports.score_sheets:score_sheets_pdf", "评分表", "score sheets"),
    "forms": ("scorer.reports.marking_forms:marking_forms_pdf", "空白评分记录表", "blank marking forms"),
    "certificates": ("scorer.reports.certificates:certificates_pdf", "获奖证书", "certificates"),
}


FINAL_KINDS = frozenset({"results", "awards", "notice", "certificates"})
"""Documents that are published or handed out: final only once the event is locked and decrypted."""


def draft_state(kind: str, data: EventData, unsound: tuple[str, str] | None = None) -> tuple[str, str] | None:
    """Why `kind` would print as a draft now, (zh, en) with the next step; None when it prints final.

    `unsound`: the file failed verification (`Store.health(full=True).summary()`): a final document
    from it is only a draft, whatever the lock says (by default the one `event_data` found)."""
    unsound = unsound if unsound is not None else data.unsound
    if unsound is not None and kind in FINAL_KINDS:
        return (
            f"草稿：{unsound[0]}（文件校验通过后才能打印正式文档；见 scorer verify）",
            f"draft: {unsound[1]} (final documents print only from a file that passes scorer verify)",
        )
    if not data.locked:
        return (
            "草稿：项目未锁定，成绩可能变动（裁判长锁定后才是正式文档）",
            "draft: the event is not locked and marks may change (final once the chief judge locks it)",
        )
    if kind in FINAL_KINDS and not data.names:
        return (
            "草稿：姓名未解密（加密裁判解密后才是正式文档，证书不可颁发）",
            "draft: names are not decrypted yet (final once the encryption judge decrypts; "
            "certificates must not be handed out)",
        )
    return None


def renderer(kind: str) -> Callable[[EventData], bytes]:
    """The function that renders `kind`; ScorerError if unknown or not available yet."""
    if kind not in KINDS:
        raise ScorerError(
            f"未知的文档类型“{kind}”，可选：{'、'.join(KINDS)}",
            f"unknown document kind '{kind}'; one of: {', '.join(KINDS)}",
        )
    target, zh, en = KINDS[kind]
    module, _, name = target.partition(":")
    try:
        fn = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise ScorerError(f"{zh}暂不可用（{target}）", f"{en} is not available yet ({target})") from None
    return cast(Callable[[EventData], bytes], fn)


def render(kind: str, data: EventData, unsound: tuple[str, str] | None = None) -> bytes:
    """PDF bytes of document `kind` for one event. `unsound` (as for draft_state): a final document
    is drawn as a draft with that reason on every page (by default the one `event_data` found)."""
    unsound = unsound if unsound is not None else data.unsound
    fn = renderer(kind)
    with page.file_problem(unsound[0] if unsound is not None and kind in FINAL_KINDS else None):
        return fn(data)
