"""Errors and problems that users read: every one says what is wrong in Chinese and English.

The core raises `ScorerError` for anything a user can cause (bad input, a refused mark, a missing
file); fronts (CLI, UI) print `message()` in the user's language and never a traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


def language() -> str:
    """ "zh" (default) or "en", from SCORER_LANG, then LANGUAGE/LC_ALL/LANG."""
    for var in ("SCORER_LANG", "LANGUAGE", "LC_ALL", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    where: str  # "选手 sheet row 12, field 加密号" / "events[0].components[1]" / "line 7"
    zh: str
    en: str

    def message(self, lang: str | None = None) -> str:
        text = self.en if (lang or language()) == "en" else self.zh
        return f"{self.where}: {text}" if self.where else text


class ScorerError(Exception):
    """A user-caused failure with a bilingual message; nothing was changed."""

    def __init__(self, zh: str, en: str, problems: list[Problem] | None = None):
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.problems = problems or []

    def message(self, lang: str | None = None) -> str:
        return self.en if (lang or language()) == "en" else self.zh


class ImportRejected(ScorerError):
    """An input file had problems; it was not imported, not even in part."""

    def __init__(self, source: str, problems: list[Problem]):
        n = len(problems)
        super().__init__(
            f"{source}：发现 {n} 个问题，未导入任何内容",
            f"{source}: {n} problem(s) found, nothing was imported",
            problems,
        )


class MarkRefused(ScorerError):
    """A mark failed validation (range, judge, contestant, lock); nothing was written."""
