"""Every printable document kind: kind → ("module:function", Chinese label, English label).

Each function takes an EventData and returns PDF bytes; modules are imported only when used."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import cast

from scorer.errors import ScorerError
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


def render(kind: str, data: EventData) -> bytes:
    """PDF bytes of document `kind` for one event."""
    return renderer(kind)(data)
