"""The Chinese words a workbook or CSV list may use for each enumeration, and back.

canonical value → accepted words; the first word is the one written on export. Reading also accepts
the canonical English value itself, whatever its case or width.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

ROLE_WORDS = {
    "chief": ("裁判长",),
    "judge": ("评分裁判",),
    "coordinator": ("赛务",),
    "clerk": ("录分员",),
    "encryption": ("加密裁判",),
}
TYPE_WORDS = {
    "measurement": ("测量", "M"),
    "judgement": ("评价", "J"),
    "time": ("时间",),
    "deduction": ("扣分",),
    "exam": ("考试",),
}
MEASURE_MODE_WORDS = {"tolerance": ("公差",), "gauge": ("量规",), "grade": ("等级",), "bands": ("分档",)}
TIME_MODE_WORDS = {"penalty": ("超时扣分",), "linear": ("线性",)}
STEPS_WORDS = {"started": ("不足一步按一步",), "exact": ("只计整步",)}
COMBINE_WORDS = {"mean": ("平均",), "sum": ("求和",)}
ON_SPREAD_WORDS = {"rescore": ("重评",), "mean_all": ("全部平均",)}
MISSING_WORDS = {"wait": ("等待",), "mean_of_others": ("取其他平均",)}
CUTOFF_WORDS = {"zero_total": ("总分为零",), "max_penalty": ("按最多扣分",)}
ROUND_MODE_WORDS = {
    "half_up": ("四舍五入",),
    "half_even": ("四舍六入五成双",),
    "down": ("舍去",),
    "up": ("进一",),
}
TOTALS_FROM_WORDS = {"rounded": ("舍入后合计",), "unrounded": ("不舍入合计",)}
TEAM_COMBINE_WORDS = {"sum": ("求和",), "mean": ("平均",)}
BASIS_WORDS = {"ratio": ("比例",), "place": ("名次",), "threshold": ("分数线",)}
AWARD_ROUND_WORDS = {"half_up": ("四舍五入",), "down": ("舍去",), "up": ("进一",)}
TRUE_WORDS = ("是", "yes", "y", "true", "1", "对")
FALSE_WORDS = ("否", "no", "n", "false", "0", "不")
NO_LIMIT_WORDS = ("无", "不限", "none", "null")  # no spread limit; no unit
TIE_BREAK_WORDS = {
    "component": ("组成部分", "部分"),
    "criterion": ("模块",),
    "sub_criterion": ("子模块",),
    "aspect": ("评分项",),
}
EN_KEY = {"name_en": ("英文名", "英文", "en")}  # English name of a tier or title
TIER_KEYS = {"ratio": ("比例",), "places": ("place", "名次"), "threshold": ("分数线",), **EN_KEY}
TITLE_KEYS = {"kind": ("类别", "类型", "type"), **EN_KEY}
TITLE_KIND_WORDS = {"title": ("称号",), "medal": ("奖章",)}
BASIS_TIER_KEY = {"ratio": "ratio", "place": "places", "threshold": "threshold"}


def word_of(table: Mapping[str, tuple[str, ...]], value: str) -> str:
    """The word written on export for a canonical value."""
    words = table.get(value)
    return words[0] if words else value


def mode_words(aspect_type: str) -> Mapping[str, tuple[str, ...]]:
    """The words of the 方式 (mode) column, which depend on the aspect's type: measurement or time."""
    return MEASURE_MODE_WORDS if aspect_type == "measurement" else TIME_MODE_WORDS


def words_help(table: Mapping[str, tuple[str, ...]]) -> str:
    """ "裁判长 (chief), 评分裁判 (judge), …" for help texts."""
    return ", ".join(f"{words[0]} ({canon})" for canon, words in table.items())


def lookup(table: Mapping[str, tuple[str, ...]], text: str) -> str | None:
    """The canonical value a word (or the value itself) stands for, or None."""
    key = unicodedata.normalize("NFKC", text).strip().lower()
    for canon, words in table.items():
        if key == canon or key in (w.lower() for w in words):
            return canon
    return None
