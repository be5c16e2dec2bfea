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


def unassigned(code: str, who_zh: str = "裁判", who_en: str = "judge") -> MarkRefused:
    """A judge, chief judge or clerk with no assignments (分工): what to fill in, and where."""
    return MarkRefused(
        f"{who_zh} {code} 没有分工（assignments），不能评分或录入："
        "请在竞赛包中为其填写分工（Excel 的“裁判分工”表、裁判名单 CSV 的“项目”“分工”列，"
        "或 JSON 的 assignments），然后重新导入",
        f"{who_en} {code} has no assignments, so may mark or enter nothing: add the events "
        "and scopes to the package (the 裁判分工 sheet in Excel, the 项目/分工 columns of a judge "
        "list CSV, or assignments in JSON) and import it again",
    )
