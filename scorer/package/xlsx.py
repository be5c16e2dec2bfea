"""The competition package as an Excel workbook, the form coordinators actually fill in.

The workbook has one sheet per part of the package (竞赛, 项目, 评分标准, 选手, 裁判, 裁判分工) and a
说明 sheet explaining every column. Reading turns the sheets into exactly the dict the JSON package
holds and remembers, for every value, the sheet, row and column it came from; validation then runs
once, on the whole package, and each problem points at a cell such as "选手!E12 加密号".

Row 1 of each sheet is the header (Chinese, with the English key in the cell's comment; either may be
written). Columns may come in any order and extra columns are ignored. Empty cells mean "not given".
Decimals are read as the exact text of the number (0.021 stays "0.021"). See docs/package-format.md.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import warnings
import zipfile
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from scorer.errors import ImportRejected, Problem, ScorerError
from scorer.model import FORMAT_VERSION, Competition
from scorer.package import codec, from_data, json_location
from scorer.package.validate import FIELD_ZH, Issue, check
from scorer.text import ascii_width

Path = tuple[str | int, ...]
Msg = tuple[str, str]  # (zh, en)

MAX_COLUMNS = 200  # columns beyond this are ignored (a sheet formatted to column XFD stays cheap)
HEADER_SEARCH_ROWS = 10  # the header row may sit below a title row or two


class _Empty:
    """Marks a cell that was not filled in (distinct from the value None, "no limit")."""

    def __repr__(self) -> str:
        return "EMPTY"


EMPTY: Any = _Empty()

# ---------------------------------------------------------------- words for enumerations
# canonical value → Chinese words accepted for it; the first word is written on export.

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


def words_help(table: Mapping[str, tuple[str, ...]]) -> str:
    """ "裁判长 (chief), 评分裁判 (judge), …" for help texts."""
    return ", ".join(f"{words[0]} ({canon})" for canon, words in table.items())


def _lookup(table: Mapping[str, tuple[str, ...]], text: str) -> str | None:
    key = unicodedata.normalize("NFKC", text).strip().lower()
    for canon, words in table.items():
        if key == canon or key in (w.lower() for w in words):
            return canon
    return None


# ---------------------------------------------------------------- columns


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a sheet or CSV list: its header words, how to read its cells, where it goes."""

    key: str  # English name; also accepted as the header
    zh: str  # Chinese header, written on export
    # how cells are read: text (a name or prose, kept as written), label (free text compared with other
    # values: full-width forms become ASCII), code, pin, unit, dec, nonneg, int, bool, date, enum, mode,
    # spread, grades, bands, titles, ties, scope, tiers
    kind: str
    help_zh: str
    help_en: str
    required: bool = False
    path: str | None = ""  # dotted path in the row's object; "" means the key; None: handled by the sheet
    words: Mapping[str, tuple[str, ...]] | None = None  # for kind "enum"
    example: str = ""
    aliases: tuple[str, ...] = ()
    types: tuple[str, ...] = ()  # rule columns: aspect types that use this column
    fill_down: bool = False  # XLSX: a merged cell gives its value to every row it covers (else refused)

    @property
    def dotted(self) -> str:
        return self.key if self.path == "" else (self.path or self.key)


@dataclass(frozen=True, slots=True)
class SheetSpec:
    zh: str
    en: str
    help_zh: str
    help_en: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


C = Column

# fmt: off
# The tables below are the single source of the sheets' columns, the 说明 sheet and the CSV lists.
COMPETITION_FIELDS = (
    C("id", "编号", "code", "竞赛的固定编号，字母数字", "stable identifier, letters and digits", True,
      example="2026-sh-zgjs"),
    C("name", "名称", "text", "竞赛名称", "name of the competition", True, example="2026年职工职业技能大赛"),
    C("organiser", "主办单位", "text", "主办单位", "organiser", example="上海市总工会"),
    C("venue", "地点", "text", "比赛地点", "venue", example="一号车间"),
    C("start_date", "开始日期", "date", "开始日期，如 2026-11-24", "first day, e.g. 2026-11-24",
      example="2026-11-24"),
    C("end_date", "结束日期", "date", "结束日期", "last day", example="2026-11-25"),
)
COMPETITION = SheetSpec(
    "竞赛", "competition",
    "竞赛基本信息：每行一个字段，“字段”列写字段名，“值”列写内容。",
    "Competition details: one field per row, its name under 字段 (field), its value under 值 (value).",
    (
        C("field", "字段", "text", "字段名（见下）", "field name (see below)", True, path=None,
          example="名称"),
        C("value", "值", "text", "字段的值", "the field's value", True, path=None, example="迷你测试赛"),
        C("note", "说明", "text", "说明（导入时忽略）", "notes (ignored on import)", path=None),
    ),
)

EVENTS = SheetSpec(
    "项目", "events",
    "竞赛项目：每行一个项目。评分标准写在“评分标准”表中。",
    "Events: one per row. Their marking schemes are on the 评分标准 (scheme) sheet.",
    (
        C("code", "项目代码", "code", "项目代码，字母数字", "event code, letters and digits", True,
          example="CNC"),
        C("name", "项目名称", "text", "项目名称", "event name", True, example="数控车工"),
        C("name_en", "英文名称", "text", "英文名称", "English name", example="CNC lathe"),
        C("duration_minutes", "时长（分钟）", "int", "比赛时长，分钟", "duration in minutes", example="180"),
        C("team_size", "每队人数", "int", "团体项目每队人数，默认 1", "contestants per team, default 1",
          example="1"),
        C("team_combine", "团体成绩", "enum", "团体成绩的合成：" + words_help(TEAM_COMBINE_WORDS),
          "how team members' totals combine: sum or mean", words=TEAM_COMBINE_WORDS),
        C("rounding_decimals", "保留小数", "int", "成绩保留的小数位数，默认 2",
          "decimals kept in results, default 2", path="rounding.decimals", example="2"),
        C("rounding_mode", "舍入方式", "enum", "舍入方式：" + words_help(ROUND_MODE_WORDS),
          "rounding mode: half_up, half_even, down, up", path="rounding.mode", words=ROUND_MODE_WORDS,
          example="四舍五入"),
        C("totals_from", "合计依据", "enum",
          "总分由舍入后还是未舍入的分项合计：" + words_help(TOTALS_FROM_WORDS),
          "totals add rounded or unrounded parts", path="rounding.totals_from", words=TOTALS_FROM_WORDS,
          example="舍入后合计"),
        C("tie_breaks", "并列规则", "ties",
          "总分相同时依次比较，如 component:P, time（先比操作技能，再比用时）",
          "compared in turn when totals tie, e.g. component:P, time", path="ranking.tie_breaks",
          example="component:P, time"),
        C("shared_medal_places", "并列同奖", "bool", "并列者获同一奖项：是/否，默认 是",
          "tied contestants share an award: yes/no, default yes", path="ranking.shared_medal_places",
          example="是"),
        C("award_basis", "评奖依据", "enum", "奖项按什么评定：" + words_help(BASIS_WORDS),
          "awards by ratio of the field, by place or by threshold total", path="awards.basis",
          words=BASIS_WORDS, example="比例"),
        C("award_rounding", "获奖人数取整", "enum", "比例 × 人数的取整：" + words_help(AWARD_ROUND_WORDS),
          "rounding of ratio × number of contestants", path="awards.rounding", words=AWARD_ROUND_WORDS,
          example="四舍五入"),
        C("award_tiers", "奖项", "tiers",
          "奖项:比例（或名次、分数线，按评奖依据），分号分隔，如 一等奖:0.1; 二等奖:0.2",
          "tier:value (ratio, places or threshold by the basis), separated by ;", path="awards.tiers",
          example="一等奖:0.1; 二等奖:0.2; 三等奖:0.3"),
        C("titles", "称号", "titles",
          "称号:前几名，如 技术能手:5；奖章再加 :奖章，英文名加 :name_en=…，如 五一劳动奖章:1:奖章",
          "title:top N, e.g. 技术能手:5; a medal adds :medal, an English name :name_en=…",
          example="技术能手:5"),
    ),
)

_M, _J, _T, _D, _E = "measurement", "judgement", "time", "deduction", "exam"

RULE_COLUMNS = (
    C("mode", "方式", "mode",
      "测量：" + words_help(MEASURE_MODE_WORDS) + "；时间：" + words_help(TIME_MODE_WORDS),
      "measurement: tolerance, gauge, grade, bands; time: penalty, linear", path="rule.mode",
      types=(_M, _T), example="公差"),
    C("unit", "单位", "unit", "测量单位，默认 mm；“无”= 没有单位", "unit, default mm; 无/none: no unit",
      path="rule.unit", types=(_M,), example="mm"),
    C("nominal", "基本尺寸", "dec", "公差评分的基本尺寸", "nominal size (tolerance mode)",
      path="rule.nominal", types=(_M,), example="24"),
    C("lower", "下偏差", "dec", "下偏差，如 -0.03", "lower deviation, e.g. -0.03", path="rule.lower",
      types=(_M,), example="0"),
    C("upper", "上偏差", "dec", "上偏差，如 0.021", "upper deviation, e.g. 0.021", path="rule.upper",
      types=(_M,), example="0.021"),
    C("deduct_per", "超差步长", "nonneg", "每超差多少扣一次（“每超差0.01扣3分”的 0.01）；空 = 超差不得分",
      "deduct per this much outside tolerance; empty: out of tolerance scores 0",
      path="rule.deduct.per", types=(_M,), example="0.01"),
    C("deduct_marks", "每步扣分", "nonneg", "每步扣几分（“每超差0.01扣3分”的 3）", "marks off per step",
      path="rule.deduct.marks", types=(_M,), example="3"),
    C("deduct_steps", "步数计法", "enum", "不足一步是否按一步计：" + words_help(STEPS_WORDS),
      "whether a started step counts: started, exact", path="rule.deduct.steps", types=(_M,),
      words=STEPS_WORDS, example="不足一步按一步"),
    C("grades", "等级表", "grades", "等级:分数，分号分隔，如 0.8:4; 1.6:4; 3.2:2",
      "grade:marks separated by ;", path="rule.grades", types=(_M,), example="0.8:4; 1.6:4; 3.2:2"),
    C("bands_from", "分档起点", "dec", "低于此值得 0 分", "values below this score 0",
      path="rule.bands_from", types=(_M,), example="0"),
    C("bands", "分档表", "bands", "上限:分数，从小到大，如 1:16; 2:12; 3:8",
      "up to:marks, rising, separated by ;", path="rule.bands", types=(_M,), example="1:16; 2:12; 3:8"),
    C("decimals", "小数位", "int", "测量读数最多小数位（默认 4）；考试成绩小数位（默认 2）；用时的小数位（不填：计时器时间取整秒）",
      "most decimals of a reading (default 4); of an exam mark (default 2); of a time (empty: timer times in whole seconds)",
      path="rule.decimals", types=(_M, _E, _T), example="3"),
    C("scale_min", "尺度下限", "dec", "评价尺度下限，默认 0", "lowest score on the scale, default 0",
      path="rule.scale_min", types=(_J,), example="0"),
    C("scale_max", "尺度上限", "dec", "评价尺度上限，默认 3", "highest score on the scale, default 3",
      path="rule.scale_max", types=(_J,), example="3"),
    C("step", "评分步长", "nonneg", "评分步长，默认 1", "scale step, default 1", path="rule.step",
      types=(_J,), example="1"),
    C("judges", "裁判人数", "int", "评价裁判人数，默认 3", "panel size, default 3", path="rule.judges",
      types=(_J,), example="3"),
    C("drop_high", "去掉最高分个数", "int", "去掉最高分的个数，默认 0", "highest scores dropped, default 0",
      path="rule.drop_high", types=(_J,), example="0"),
    C("drop_low", "去掉最低分个数", "int", "去掉最低分的个数，默认 0", "lowest scores dropped, default 0",
      path="rule.drop_low", types=(_J,), example="0"),
    C("combine", "合成方式", "enum", "评价分合成：" + words_help(COMBINE_WORDS),
      "mean: mean / scale max × max mark; sum: sum × factor", path="rule.combine", types=(_J,),
      words=COMBINE_WORDS, example="平均"),
    C("factor", "系数", "nonneg", "求和方式的系数，默认 1", "factor for sum, default 1",
      path="rule.factor", types=(_J,), example="1"),
    C("spread_limit", "分差上限", "spread", "裁判分差超过此值需处理；不填：0–3 尺度为 1，其他尺度不限；“无”= 不限",
      "scores further apart need action; empty: 1 on a 0–3 scale, no limit otherwise; 无/none: no limit", path="rule.spread_limit",
      types=(_J,), example="1"),
    C("on_spread", "分差超限处理", "enum", "分差超限时：" + words_help(ON_SPREAD_WORDS),
      "when the spread is exceeded: rescore, mean_all", path="rule.on_spread", types=(_J,),
      words=ON_SPREAD_WORDS, example="重评"),
    C("missing", "缺分处理", "enum", "有裁判缺分时：" + words_help(MISSING_WORDS),
      "when a judge's score is missing: wait, mean_of_others", path="rule.missing", types=(_J,),
      words=MISSING_WORDS, example="等待"),
    C("limit_minutes", "时限（分钟）", "nonneg", "超过此时间开始扣分",
      "penalty starts after this many minutes",
      path="rule.limit_minutes", types=(_T,), example="150"),
    C("per_minutes", "每超时（分钟）", "nonneg", "每超时多少分钟扣一次，默认 1",
      "minutes per penalty step, default 1", path="rule.per_minutes", types=(_T,), example="1"),
    C("marks", "每次超时扣分", "nonneg", "每步扣几分，默认 1", "marks off per step, default 1",
      path="rule.marks", types=(_T,), example="1"),
    C("minutes", "超时计法", "enum", "不足一步是否按一步计：" + words_help(STEPS_WORDS),
      "whether a started step counts: started, exact", path="rule.minutes", types=(_T,),
      words=STEPS_WORDS, example="不足一步按一步"),
    C("cutoff_minutes", "截止（分钟）", "nonneg", "超过此时间按“超过截止”处理", "absolute cut-off in minutes",
      path="rule.cutoff_minutes", types=(_T,), example="180"),
    C("cutoff", "超过截止", "enum", "超过截止时：" + words_help(CUTOFF_WORDS),
      "over the cut-off: zero_total, max_penalty", path="rule.cutoff", types=(_T,), words=CUTOFF_WORDS,
      example="总分为零"),
    C("max_penalty", "最多扣分", "nonneg", "超时最多扣几分", "largest time penalty",
      path="rule.max_penalty", types=(_T,), example="10"),
    C("best_seconds", "最好时间（秒）", "nonneg", "线性计时：此时间得满分",
      "linear: this time earns the maximum",
      path="rule.best_seconds", types=(_T,), example="600"),
    C("worst_seconds", "最差时间（秒）", "nonneg", "线性计时：此时间得 0 分", "linear: this time earns 0",
      path="rule.worst_seconds", types=(_T,), example="1200"),
    C("per", "每次扣分", "nonneg", "扣分项每次违规扣几分", "marks off per violation", path="rule.per",
      types=(_D,), example="3"),
    C("cap", "扣分上限", "nonneg", "最多扣几分", "most marks taken off", path="rule.cap", types=(_D,),
      example="10"),
    C("max_count", "最多次数", "int", "最多记几次，默认 99", "most violations counted, default 99",
      path="rule.max_count", types=(_D,), example="99"),
    C("out_of", "试卷满分", "nonneg", "试卷本身的满分，折算到该项配分", "the paper's own maximum, scaled",
      path="rule.out_of", types=(_E,), example="100"),
    C("factor_from", "难度取自", "code", "选手申报难度：保存难度的评分项代码，其值乘以求和得分（可空）",
      "declared difficulty: the aspect holding each contestant's difficulty, multiplying the sum (optional)",
      path="rule.factor_from", types=(_J,), example=""),
)

SCHEME = SheetSpec(
    "评分标准", "scheme",
    "评分标准：每行一个评分项。代码留空表示与上一行相同（分组列可以用合并单元格；评分项自己的列每行单独填写）；"
    "名称、权重、满分每组只需填一次。评分规则参数按类型填在右侧各列，用不到的列留空。",
    "Marking scheme: one row per aspect. A blank code repeats the row above (merged cells work in the "
    "group columns; an aspect's own columns are filled on its row); names, weights and maxima of a group "
    "need filling once. Rule parameters go in the columns on the right, by aspect type; leave the others "
    "empty.",
    (
        C("event", "项目", "code", "项目代码（见“项目”表）", "event code (see the 项目 sheet)", True,
          path=None, example="CNC"),
        C("component", "组成部分代码", "code", "组成部分代码，如 T（理论）、P（实操）",
          "component code, e.g. T, P", True, path=None, example="P"),
        C("component_name", "组成部分名称", "text", "组成部分名称", "component name", True, path=None,
          example="操作技能"),
        C("weight", "权重", "nonneg", "组成部分权重，各部分之和为 1，如 0.3 / 0.7",
          "component weight; they add up to 1", path=None, example="0.7"),
        C("component_max", "组成部分满分", "nonneg", "组成部分满分，等于其评分项配分之和",
          "component maximum; the sum of its aspects' marks", True, path=None, example="100"),
        C("criterion", "模块代码", "code", "评分模块代码", "criterion code", True, path=None, example="A"),
        C("criterion_name", "模块名称", "text", "评分模块名称", "criterion name", True, path=None,
          example="尺寸"),
        C("sub_criterion", "子模块代码", "code", "子模块代码", "sub-criterion code", True, path=None,
          example="A1"),
        C("sub_criterion_name", "子模块名称", "text", "子模块名称", "sub-criterion name", True, path=None,
          example="外圆"),
        C("day", "比赛日", "label", "在哪一天评分（可空）", "day it is marked (optional)", path=None,
          example="C1"),
        C("code", "评分项代码", "code", "评分项代码，项目内唯一", "aspect code, unique within the event",
          True, example="A1.1"),
        C("name", "评分项名称", "text", "评分项名称", "aspect name", True, example="外圆 Ø24 +0.021/0"),
        C("type", "类型", "enum", "评分类型：" + words_help(TYPE_WORDS),
          "measurement, judgement, time, deduction, exam", True, words=TYPE_WORDS, example="测量"),
        C("max_mark", "配分", "nonneg", "该项满分（从总分扣的扣分项填 0）",
          "the aspect's maximum (0 for deductions from the total)", True, example="10",
          aliases=("满分",)),
        C("description", "评分说明", "text", "评分说明（可空）", "description (optional)",
          example="超差0.01扣3分", aliases=("说明",)),
        *RULE_COLUMNS,
        C("component_name_en", "组成部分英文名", "text", "组成部分的英文名称（可空，英文界面显示）",
          "the component's English name (optional, shown in English)", path=None, example="Practical"),
    ),
)

CONTESTANTS = SheetSpec(
    "选手", "contestants",
    "参赛选手：每行一人。单位、项目、区、行业、队、性别可以用合并单元格；参赛证号、姓名、加密号、机位号每行单独填写。",
    "Contestants: one per row. 单位, 项目, 区, 行业, 队 and 性别 may be merged cells; 参赛证号, 姓名, 加密号 "
    "and 机位号 are filled on each row.",
    (
        C("reg_no", "参赛证号", "code", "参赛证号，全竞赛唯一", "registration number, unique", True,
          example="R001", aliases=("准考证号",)),
        C("name", "姓名", "text", "姓名", "name", True, example="张伟"),
        C("organisation", "单位", "text", "工作单位", "employer or school",
          example="上海电气集团股份有限公司", aliases=("工作单位",), fill_down=True),
        C("event", "项目", "code", "项目代码（或项目名称）", "event code (or name)", True, example="CNC",
          fill_down=True),
        C("code", "加密号", "code", "加密号：裁判看到的代号，全竞赛唯一", "anonymous code judges see, unique",
          True, example="C01"),
        C("station", "机位号", "label", "机位号/工位号（抽签后填写）", "station drawn at check-in",
          example="1", aliases=("工位号",)),
        C("district", "区", "label", "所属区", "district", example="闵行区", fill_down=True),
        C("industry", "行业", "label", "所属行业", "industry", fill_down=True),
        C("team", "队", "label", "团体项目的队名", "team (team events)", fill_down=True),
        C("gender", "性别", "label", "性别", "gender", example="男", fill_down=True),
    ),
)

JUDGE_COLUMNS = (
    C("code", "裁判代码", "code", "裁判代码（登录用），唯一", "judge code (log-in), unique", True,
      example="J1"),
    C("name", "姓名", "text", "姓名", "name", True, example="王秀英"),
    C("role", "角色", "enum", "角色：" + words_help(ROLE_WORDS),
      "chief, judge, coordinator, clerk, encryption", True, words=ROLE_WORDS, example="评分裁判",
      fill_down=True),
    C("organisation", "单位", "text", "工作单位", "employer", example="上海电气集团股份有限公司",
      aliases=("工作单位",), fill_down=True),
    C("pin", "PIN", "pin", "登录 PIN，4–8 位数字（文本格式）；导入后只保存哈希",
      "log-in PIN, 4 to 8 digits (as text); only its hash is kept", example="1111"),
    C("pin_hash", "PIN哈希", "text", "PIN 的哈希，导出时由程序填写，不要修改",
      "PIN hash written on export; do not edit"),
)
JUDGES = SheetSpec(
    "裁判", "judges",
    "裁判与工作人员：每行一人。分工写在“裁判分工”表中。",
    "Judges and staff: one per row. What each may mark is on the 裁判分工 (assignments) sheet.",
    JUDGE_COLUMNS,
)
ASSIGNMENTS = SheetSpec(
    "裁判分工", "assignments",
    "裁判分工：每行一项分工；同一裁判可有多行。",
    "Assignments: one per row; a judge may have several rows.",
    (
        C("judge", "裁判代码", "code", "裁判代码（见“裁判”表）", "judge code (see the 裁判 sheet)", True,
          path=None, example="J1", fill_down=True),
        C("event", "项目", "code", "项目代码", "event code", True, example="CNC", fill_down=True),
        C("scope", "分工", "scope", "模块、子模块或评分项代码，逗号分隔；* 或空 = 整个项目",
          "criterion, sub-criterion or aspect codes, comma-separated; * or empty: whole event",
          example="A, B1.1", fill_down=True),
    ),
)
# fmt: on


def _fill_down(spec: SheetSpec, keys: Iterable[str]) -> SheetSpec:
    """The sheet with merged cells filled down in these columns: values several rows may share."""
    wanted = set(keys)
    return replace(spec, columns=tuple(replace(c, fill_down=c.key in wanted) for c in spec.columns))


# an event's settings may be shared by several events; its code and names are its own
EVENTS = _fill_down(EVENTS, (c.key for c in EVENTS.columns if c.key not in ("code", "name", "name_en")))
# the group columns (event, component, criterion, sub-criterion, their names, weight, maximum, day):
# a merged cell over a group's rows, as on a paper score sheet; an aspect's own columns are one row each
SCHEME = _fill_down(SCHEME, (c.key for c in SCHEME.columns if c.path is None))

SHEETS = (COMPETITION, EVENTS, SCHEME, CONTESTANTS, JUDGES, ASSIGNMENTS)
README_SHEET = "说明"

# ---------------------------------------------------------------- reading cells


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
    canon = _lookup(words, text)
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
        canon = _lookup(TIE_BREAK_WORDS, kind)
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
            key = (_lookup(TIER_KEYS, key) if eq else default_key) or ""
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
            canon = _lookup(TITLE_KEYS, key) if eq else "kind"
            raw = raw if eq else part
            if canon == "kind":
                kind = _lookup(TITLE_KIND_WORDS, raw)
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


def _key_item(key: str, value: str) -> str:
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


def put(obj: dict[str, Any], dotted: str, value: Any) -> None:
    """Set obj["a"]["b"] for "a.b", creating the inner dicts."""
    *outer, last = dotted.split(".")
    for part in outer:
        obj = obj.setdefault(part, {})
    obj[last] = value


def dotted_path(dotted: str) -> Path:
    """ "rule.deduct.per" → ("rule", "deduct", "per"), a package path below a row's object."""
    return tuple(dotted.split("."))


# ---------------------------------------------------------------- headers


def header_keys(text: Any) -> list[str]:
    """Forms a header may match in: as written, without spaces, its first line, before a bracket."""
    raw = cell_text(text)
    if raw is None:
        return []
    s = unicodedata.normalize("NFKC", raw).strip().lower()
    out = [s, re.sub(r"\s+", "", s)]
    first_line = s.splitlines()[0].strip() if s.splitlines() else s
    out.append(first_line)
    out.append(re.split(r"[(\[]", first_line)[0].strip())
    return out


def header_lookup(columns: Iterable[Column]) -> dict[str, str]:
    """Every accepted header form (Chinese, English key, aliases) → column key."""
    names: dict[str, str] = {}
    for col in columns:
        for word in (col.zh, col.key, *col.aliases):
            for key in header_keys(word):
                names.setdefault(key, col.key)
    return names


def match_headers(header: Sequence[Any], columns: Sequence[Column]) -> dict[str, int]:
    """Column key → position in `header`; unknown headers are ignored, the first of a repeat wins."""
    names = header_lookup(columns)
    index: dict[str, int] = {}
    for pos, text in enumerate(header):
        for key in header_keys(text):
            if key in names:
                index.setdefault(names[key], pos)
                break
    return index


def header_cells(
    columns: Iterable[Column], header: Sequence[Any], index: Mapping[str, int], letters: bool
) -> dict[str, tuple[str, str]]:
    """Dotted path → (header as the user wrote it, column letter) for locating problems."""
    out: dict[str, tuple[str, str]] = {}
    for col in columns:
        pos = index.get(col.key)
        text = (cell_text(header[pos]) or col.zh) if pos is not None else col.zh
        letter = get_column_letter(pos + 1) if letters and pos is not None else ""
        out[col.dotted] = (text, letter)
    return out


def lookup_header(cells: Mapping[str, tuple[str, str]], rel: Path) -> tuple[str, str]:
    """The column a path below a row's object refers to: longest matching dotted prefix, then the last key."""
    strs = [p for p in rel if isinstance(p, str)]
    for end in range(len(strs), 0, -1):
        hit = cells.get(".".join(strs[:end]))
        if hit:
            return hit
    if strs and strs[-1] in cells:
        return cells[strs[-1]]
    return cells.get("", ("", ""))


# ---------------------------------------------------------------- origins and validation


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an object (or one value) of the package dict came from."""

    sheet: str
    row: int | None
    cells: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def where(self, rel: Path) -> str:
        header, letter = lookup_header(self.cells, rel)
        if self.row is None:
            return f"{self.sheet} {header}" if header else self.sheet
        if letter:
            return f"{self.sheet}!{letter}{self.row} {header}"
        if header:
            return f"{self.sheet}!第{self.row}行 {header}"
        return f"{self.sheet}!第{self.row}行"


class Place(Protocol):
    def where(self, rel: Path) -> str: ...


def locator(origins: Mapping[Path, Place], fallback: Callable[[Path], str]) -> Callable[[Path], str]:
    """Longest-prefix match of a package path against the recorded origins."""

    def locate(path: Path) -> str:
        path = tuple(path)
        for n in range(len(path), -1, -1):
            origin = origins.get(path[:n])
            if origin is not None:
                return origin.where(path[n:])
        return fallback(path)

    return locate


def finish(
    data: dict[str, Any],
    source: str,
    locate: Callable[[Path], str],
    own: Sequence[Problem],
    covered: set[Path],
    partial: set[Path] | None = None,
) -> Competition:
    """Validate the whole package; problems found while reading come first, none reported twice.

    The package's own checks run on whatever could be read even when some cells could not, so one
    round reports every problem: `covered` values (already reported) and everything below them are
    left out of the checks that would depend on them, and `partial` events lost scheme rows.
    """
    if not own:
        return from_data(data, source, locate)

    def reported(path: Path) -> bool:
        return any(tuple(path[:n]) in covered for n in range(len(path) + 1))

    issues: list[Issue] = [i for i in check(data, covered, partial or ()) if not reported(i.path)]
    problems = [*own, *(Problem(locate(i.path), i.zh, i.en) for i in issues)]
    unique = list(dict.fromkeys(problems))  # Problem is frozen: the same place and words once
    raise ImportRejected(source, unique)


# ---------------------------------------------------------------- reading the workbook


@dataclass
class _Table:
    spec: SheetSpec
    title: str
    header_row: int
    index: dict[str, int]
    cells: dict[str, tuple[str, str]]
    rows: list[tuple[int, tuple[Any, ...]]]
    refused: set[tuple[int, str]] = field(default_factory=set)  # (row, key) emptied by a refused merge
    filled: list[tuple[str, int, int, str]] = field(default_factory=list)  # key, rows, range filled down

    def raw(self, values: tuple[Any, ...], key: str) -> Any:
        pos = self.index.get(key)
        return values[pos] if pos is not None and pos < len(values) else None

    def at(self, row: int, key: str) -> str:
        header, letter = self.cells[self.spec.column(key).dotted]
        return f"{self.title}!{letter}{row} {header}" if letter else f"{self.title}!第{row}行 {header}"


Rows = list[tuple[int, tuple[Any, ...]]]
UNREAD = frozenset({"note"})  # columns no one reads: a merge reaching into them loses nothing
Box = tuple[int, int, int, int]  # a merged range: min column, min row, max column, max row (1-based)
MERGE_TAG = f"{{{SHEET_MAIN_NS}}}mergeCell"


def _merged_ranges(ws: Any) -> list[Box]:
    """The merged ranges of a read-only sheet, which openpyxl does not offer in read-only mode: a second
    streaming pass over the sheet's XML, keeping nothing but the mergeCell references."""
    boxes: list[Box] = []
    with ws._get_source() as src:
        for _, element in iterparse(src):
            if element.tag == MERGE_TAG:
                box = range_boundaries(element.get("ref", ""))
                if None not in box:  # a whole-column or whole-row reference merges nothing real
                    boxes.append(box)  # type: ignore[arg-type]
            element.clear()
    return boxes


def _read_workbook(raw: bytes, source: str) -> tuple[dict[str, Rows], dict[str, list[Box]]]:
    """Every sheet's non-empty rows as plain values, and its merged ranges; anything openpyxl cannot
    read is refused here."""
    if raw[:4] == b"\xd0\xcf\x11\xe0":
        raise ImportRejected(
            source,
            [
                Problem(
                    "",
                    "这是旧版 .xls 文件，请在 Excel 中另存为 .xlsx",
                    "this is an old .xls file; save it as .xlsx",
                )
            ],
        )
    if raw[:2] != b"PK":
        raise ImportRejected(
            source, [Problem("", "文件不是 Excel .xlsx 工作簿", "the file is not an Excel .xlsx workbook")]
        )
    book: dict[str, Rows] = {}
    merges: dict[str, list[Box]] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)
            try:
                for ws in wb.worksheets:
                    ws.reset_dimensions()  # a sheet "used" down to row 1048576 must not cost that much
                    rows = []
                    # without max_col, missing rows come back as () and each row only as wide as its cells
                    for n, values in enumerate(ws.iter_rows(min_row=1, values_only=True), 1):
                        if values and any(cell_text(v) is not None for v in values[:MAX_COLUMNS]):
                            rows.append((n, tuple(values[:MAX_COLUMNS])))
                    book[ws.title] = rows
                    merges[ws.title] = _merged_ranges(ws)
            finally:
                wb.close()
    except Exception as exc:  # a damaged file can fail anywhere inside openpyxl, zipfile or the XML parser
        raise ImportRejected(
            source,
            [
                Problem(
                    "",
                    f"无法读取 Excel 文件，文件可能已损坏或不完整（{type(exc).__name__}）",
                    f"cannot read the Excel file; it may be damaged or incomplete ({type(exc).__name__})",
                )
            ],
        ) from None
    return book, merges


def _find_table(
    book: Mapping[str, list[tuple[int, tuple[Any, ...]]]], spec: SheetSpec, problems: list[Problem]
) -> _Table | None:
    wanted = {header_keys(spec.zh)[0], header_keys(spec.en)[0]}
    title = next((t for t in book if (header_keys(t) or [""])[0] in wanted), None)
    if title is None:
        problems.append(
            Problem(
                spec.zh,
                f"缺少工作表“{spec.zh}”（请使用模板中的工作表名称）",
                f"the sheet '{spec.zh}' ({spec.en}) is missing (keep the template's sheet names)",
            )
        )
        return None
    rows = book[title]
    required = [c for c in spec.columns if c.required]
    for i, (n, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        index = match_headers(values, spec.columns)
        if index:
            missing = [c for c in required if c.key not in index]
            for c in missing:
                problems.append(
                    Problem(
                        f"{title}!第{n}行",
                        f"表头缺少必填列“{c.zh}”（{c.key}）",
                        f"the header lacks the required column '{c.zh}' ({c.key})",
                    )
                )
            if missing:
                return None
            cells = header_cells(spec.columns, values, index, letters=True)
            return _Table(spec, title, n, index, cells, rows[i + 1 :])
    names = "、".join(c.zh for c in required)
    problems.append(
        Problem(title, f"找不到表头行（应包含：{names}）", f"no header row found (it needs: {names})")
    )
    return None


def _between(numbers: Sequence[int], first: int, last: int) -> Sequence[int]:
    """The numbers of the rows read (sorted) from `first` to `last`: a merge down to row 1048576 costs
    the rows that are there, not a million."""
    return numbers[bisect_left(numbers, first) : bisect_right(numbers, last)]


def _apply_merges(table: _Table, boxes: Sequence[Box]) -> list[Problem]:
    """Merged cells below the header: filled down where the column allows it, refused elsewhere.

    Excel keeps a merged cell's value in its top-left cell only; read plainly, the other rows would be
    empty and, say, two of three contestants under a merged 单位 would have no organisation.
    """
    problems: list[Problem] = []
    key_at = {pos: key for key, pos in table.index.items() if key not in UNREAD}  # 0-based column → key
    row_at = {n: i for i, (n, _) in enumerate(table.rows)}
    numbers = [n for n, _ in table.rows]
    for c1, r1, c2, r2 in sorted(boxes, key=lambda b: (b[1], b[0])):
        if r1 <= table.header_row or r1 not in row_at:
            continue  # a title or header above the data, or a merge starting in an empty row
        values = table.rows[row_at[r1]][1]
        anchor = values[c1 - 1] if c1 - 1 < len(values) else None
        read = [pos for pos in range(c1 - 1, min(c2, MAX_COLUMNS)) if pos in key_at]
        lost = [(n, pos) for n in _between(numbers, r1, r2) for pos in read if (n, pos) != (r1, c1 - 1)]
        if cell_text(anchor) is None or not lost:
            continue  # an empty merge, or nothing read lies under it: no value goes missing
        ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
        key = key_at.get(c1 - 1)
        if c1 == c2 and key is not None and table.spec.column(key).fill_down:
            for n, _ in lost:
                i = row_at[n]
                row = list(table.rows[i][1]) + [None] * (c1 - len(table.rows[i][1]))
                row[c1 - 1] = anchor
                table.rows[i] = (n, tuple(row))
            table.filled.append((key, r1, r2, ref))
            continue
        table.refused.update((n, key_at[pos]) for n, pos in lost)
        if c1 == c2 and key is not None:
            col = table.spec.column(key)
            header = table.cells[col.dotted][0]
            problems.append(
                Problem(
                    f"{table.title}!{ref} {header}",
                    f"合并单元格：“{header}”每行须单独填写（合并后只有第 {r1} 行有值，其余行读到的是空）。"
                    "请取消合并，并在每一行填写",
                    f"merged cells: '{header}' ({col.key}) needs its own value on every row (only row {r1} "
                    "holds it, the others read as empty); unmerge the cells and fill in every row",
                )
            )
        else:
            headers = "、".join(table.cells[table.spec.column(key_at[p]).dotted][0] for p in read)
            problems.append(
                Problem(
                    f"{table.title}!{ref}",
                    f"合并单元格跨越多列（{headers}）：只有左上角的单元格有值。请取消合并，每个单元格分别填写",
                    f"merged cells span several columns ({headers}) and only the top-left one holds a "
                    "value; unmerge them and fill in each cell",
                )
            )
    return problems


# scheme levels: (code column, list of children, {JSON field: column})
_LEVELS = (
    ("component", "criteria", {"code": "component", "name": "component_name", "weight": "weight",
                               "max_mark": "component_max", "name_en": "component_name_en"}),
    ("criterion", "sub_criteria", {"code": "criterion", "name": "criterion_name"}),
    ("sub_criterion", "aspects", {"code": "sub_criterion", "name": "sub_criterion_name", "day": "day"}),
)  # fmt: skip


def _same(a: Any, b: Any) -> bool:
    """Two cells of one group agree: 0.3 and 0.30 are the same weight."""
    if a == b:
        return True
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except (InvalidOperation, ValueError):
        return False


class _Reader:
    """Builds the package dict from the tables, with origins and reading problems."""

    def __init__(self, tables: dict[str, _Table]):
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
        table: _Table,
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
            value, msg = convert(table.raw(values, col.key), col)
            if value is EMPTY:
                continue
            put(obj, col.dotted, value)
            if msg:
                self.problem(table.at(n, col.key), msg, (*base, *dotted_path(col.dotted)))

    def origin(self, path: Path, table: _Table, n: int | None, keys: Mapping[str, str] | None = None) -> None:
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
        by_code: dict[str, int] = {}
        for i, e in enumerate(events):
            if isinstance(e.get("code"), str):
                by_code.setdefault(e["code"], i)
        groups: dict[tuple[str, ...], tuple[Path, dict[str, Any]]] = {}
        given: dict[Path, int] = {}  # field path → row where it was given
        prev: dict[str, str] = {}
        level_keys = ("event", "component", "criterion", "sub_criterion")
        aspect_cols = [c for c in SCHEME.columns if c.path is not None]
        rows: list[tuple[int, tuple[Any, ...], dict[str, str]]] = []
        for n, values in table.rows:
            codes: dict[str, str] = {}
            for key in level_keys:
                text = code_text(table.raw(values, key))
                if text is not None:
                    codes[key] = text
                    # a new group above resets the inherited codes below it
                    for lower in level_keys[level_keys.index(key) + 1 :]:
                        if code_text(table.raw(values, lower)) is None and prev.get(key) != text:
                            prev.pop(lower, None)
                    prev[key] = text
                elif key in prev:
                    codes[key] = prev[key]
            rows.append((n, values, codes))
        self.merged_across_groups(table, rows)
        for n, values, codes in rows:
            missing = [k for k in level_keys if k not in codes]
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
            for level, children, fields in _LEVELS:
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
        self, table: _Table, rows: list[tuple[int, tuple[Any, ...], dict[str, str]]]
    ) -> None:
        """A group's name, weight, maximum or day merged over rows of two groups would hand the first
        group's value to the second: the rows of other groups are emptied again and the merge reported."""
        levels = ("event", "component", "criterion", "sub_criterion")
        level_of = {
            ckey: level for level, _, fields in _LEVELS for fkey, ckey in fields.items() if fkey != "code"
        }
        where = {n: i for i, (n, _, _) in enumerate(rows)}
        numbers = [n for n, _, _ in rows]
        for key, r1, r2, ref in table.filled:
            level = level_of.get(key)
            if level is None or r1 not in where:
                continue
            upto = levels[: levels.index(level) + 1]

            def group(codes: Mapping[str, str], upto: tuple[str, ...] = upto) -> tuple[str | None, ...]:
                return tuple(codes.get(k) for k in upto)

            first = group(rows[where[r1]][2])
            others = [n for n in _between(numbers, r1 + 1, r2) if group(rows[where[n]][2]) != first]
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
        self, table: _Table, n: int, values: tuple[Any, ...], into: list[dict[str, Any]], base: Path
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
            words = (MEASURE_MODE_WORDS if kind == _M else TIME_MODE_WORDS) if col.kind == "mode" else None
            value, msg = convert(raw, col, words)
            put(aspect, col.dotted, value)
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
        by_code: dict[str, int] = {}
        for i, j in enumerate(judges):
            if isinstance(j.get("code"), str):
                by_code.setdefault(j["code"], i)
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
    book, merges = _read_workbook(raw, source)
    problems: list[Problem] = []
    tables: dict[str, _Table] = {}
    for spec in SHEETS:
        table = _find_table(book, spec, problems)
        if table is not None:
            tables[spec.en] = table
    if problems:
        raise ImportRejected(source, problems)
    merged: list[Problem] = []
    for table in tables.values():
        merged += _apply_merges(table, merges.get(table.title, []))
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


# ---------------------------------------------------------------- writing the workbook

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
REQUIRED_FILL = PatternFill("solid", fgColor="9C2A00")
THIN = Side(style="thin", color="A6A6A6")
HEADER_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TEXT_FORMAT = "@"
TEXT_KINDS = (
    "text",
    "label",
    "code",
    "pin",
    "unit",
    "grades",
    "bands",
    "titles",
    "ties",
    "scope",
    "tiers",
    "date",
)
FIXED_TIME = datetime(2000, 1, 1)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def number_cell(text: str) -> int | float | str:
    """A decimal as a number cell when Excel keeps it exactly (≤ 15 digits), else as text."""
    try:
        d = Decimal(text)
    except InvalidOperation:
        return text
    if not d.is_finite() or len(d.as_tuple().digits) > 15:
        return text
    if d == d.to_integral_value() and abs(d) < 10**15:
        return int(d)
    f = float(d)
    return f if Decimal(repr(f)) == d else text


def _export(col: Column, value: Any) -> Any:
    if value is EMPTY:
        return None
    if value is None and col.kind == "spread":
        return NO_LIMIT_WORDS[0]
    if value == "" and col.kind == "unit":
        return NO_LIMIT_WORDS[0]
    if value is None:
        return None
    if col.kind in ("dec", "nonneg", "spread") and isinstance(value, str):
        return number_cell(value)
    if col.kind == "enum" and col.words:
        return word_of(col.words, value)
    if col.kind == "bool":
        return TRUE_WORDS[0] if value else FALSE_WORDS[0]
    if col.kind == "grades":
        return "; ".join(f"{quote_item(str(g['label']))}:{g['marks']}" for g in value)
    if col.kind == "bands":
        return "; ".join(f"{b['upto']}:{b['marks']}" for b in value)
    if col.kind == "titles":
        return "; ".join(_title_text(t) for t in value)
    if col.kind in ("ties", "scope"):
        return ", ".join(value)
    return value


def _title_text(t: Mapping[str, Any]) -> str:
    """One title of the 称号 cell (inverse of `titles_value`): 名称:名次[:奖章][:name_en=…]."""
    fields = [quote_item(t["name"]), str(t["top"])]
    if "kind" in t:
        fields.append(word_of(TITLE_KIND_WORDS, t["kind"]))
    if "name_en" in t:
        fields.append(_key_item("name_en", t["name_en"]))
    return ":".join(fields)


def _tiers_text(tiers: Sequence[Mapping[str, Any]], basis: str) -> str:
    main = BASIS_TIER_KEY.get(basis, "ratio")
    parts = []
    for t in tiers:
        keys = [k for k in ("ratio", "places", "threshold") if k in t]
        en = [_key_item("name_en", t["name_en"])] if "name_en" in t else []
        if not keys:
            parts.append(":".join([quote_item(t["name"]), *en]))
        elif keys == [main]:
            parts.append(":".join([quote_item(t["name"]), str(t[main]), *en]))
        else:
            parts.append(":".join([quote_item(t["name"]), *(f"{k}={t[k]}" for k in keys), *en]))
    return "; ".join(parts)


def _get(obj: Mapping[str, Any], dotted: str) -> Any:
    """obj["a"]["b"] for "a.b", or EMPTY when absent."""
    node: Any = obj
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return EMPTY
        node = node[part]
    return node


def _set_cell(ws: Worksheet, row: int, column: int, value: Any) -> None:
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        raise ScorerError(
            f"{ws.title} 第 {row} 行含有 Excel 无法保存的控制字符",
            f"{ws.title} row {row} holds a control character that Excel cannot store",
        )
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # a name such as "=A" is text, not a formula


def _sheet(
    wb: Workbook, spec: SheetSpec, columns: Sequence[Column], rows: Iterable[Sequence[Any]]
) -> Worksheet:
    ws = wb.create_sheet(spec.zh)
    widths = [max(_display_width(c.zh) + 2, 8) for c in columns]
    for i, col in enumerate(columns, 1):
        cell = ws.cell(row=1, column=i, value=col.zh)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if col.required else HEADER_FILL
        cell.border = HEADER_BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        note = f"{col.key}{'（必填 required）' if col.required else ''}\n{col.help_zh}\n{col.help_en}"
        comment = Comment(note, "Scorer")
        comment.width, comment.height = 320, 140
        cell.comment = comment
    for r, values in enumerate(rows, 2):
        for i, (col, value) in enumerate(zip(columns, values, strict=True), 1):
            if value is None or value == "":
                continue
            _set_cell(ws, r, i, value)
            if col.kind in TEXT_KINDS:
                ws.cell(row=r, column=i).number_format = TEXT_FORMAT
            widths[i - 1] = max(widths[i - 1], min(_display_width(str(value)) + 2, 50))
    for i, col in enumerate(columns, 1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = widths[i - 1]
        if col.kind in TEXT_KINDS:
            ws.column_dimensions[letter].number_format = TEXT_FORMAT  # typed 0123 stays 0123
        if col.kind == "enum" and col.key in ("role", "type"):
            words = ",".join(w[0] for w in (col.words or {}).values())
            dv = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True, showErrorMessage=False)
            dv.add(f"{letter}2:{letter}2000")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30
    return ws


def _competition_rows(c: Mapping[str, Any] | None) -> list[list[Any]]:
    rows = []
    for col in COMPETITION_FIELDS:
        value = (c or {}).get(col.key)
        note = f"{col.key}{'（必填 required）' if col.required else ''}: {col.help_zh} / {col.help_en}"
        rows.append([col.zh, value, note])
    return rows


def _event_rows(events: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    rows = []
    for e in events:
        row = []
        for col in EVENTS.columns:
            if col.key == "award_tiers":
                tiers = e.get("awards", {}).get("tiers", [])
                row.append(_tiers_text(tiers, e.get("awards", {}).get("basis", "ratio")) if tiers else None)
            else:
                row.append(_export(col, _get(e, col.dotted)))
        rows.append(row)
    return rows


def _scheme_rows(events: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    rows = []
    for e in events:
        for comp in e["components"]:
            for ki, crit in enumerate(comp["criteria"]):
                for si, sub in enumerate(crit["sub_criteria"]):
                    for ai, a in enumerate(sub["aspects"]):
                        first_crit = ki == 0 and si == 0 and ai == 0
                        first_sub = si == 0 and ai == 0
                        group = {
                            "event": e["code"],
                            "component": comp["code"],
                            "component_name": comp["name"] if first_crit else None,
                            "weight": number_cell(comp["weight"])
                            if first_crit and "weight" in comp
                            else None,
                            "component_max": number_cell(comp["max_mark"]) if first_crit else None,
                            "criterion": crit["code"],
                            "criterion_name": crit["name"] if first_sub else None,
                            "sub_criterion": sub["code"],
                            "sub_criterion_name": sub["name"] if ai == 0 else None,
                            "day": sub.get("day") if ai == 0 else None,
                            "component_name_en": comp.get("name_en") if first_crit else None,
                        }
                        row = []
                        for col in SCHEME.columns:
                            if col.key in group:
                                row.append(group[col.key])
                            elif col.kind == "mode":
                                words = MEASURE_MODE_WORDS if a["type"] == _M else TIME_MODE_WORDS
                                mode = _get(a, col.dotted)
                                row.append(None if mode is EMPTY else word_of(words, mode))
                            else:
                                row.append(_export(col, _get(a, col.dotted)))
                        rows.append(row)
    return rows


def _people_rows(items: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> list[list[Any]]:
    return [[_export(col, _get(x, col.dotted)) for col in columns] for x in items]


def _assignment_rows(judges: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    return [
        [j["code"], a["event"], ", ".join(a.get("scope", ["*"]))]
        for j in judges
        for a in j.get("assignments", [])
    ]


def _readme(wb: Workbook) -> None:
    ws = wb.create_sheet(README_SHEET, 0)
    lines = [
        ("竞赛数据包 Excel 模板说明", "Competition package workbook: instructions"),
        (
            "每个工作表第 1 行是表头；列的顺序可以调整，多余的列会被忽略；"
            "表头可写中文，也可写英文（见下表“英文列名”）。",
            "Row 1 of each sheet is the header; columns may be in any order and extra columns are "
            "ignored; headers may be Chinese or the English key below.",
        ),
        (
            "红色表头为必填列。空单元格表示“未填写”，使用默认值。",
            "Red headers are required columns. An empty cell means 'not given': the default applies.",
        ),
        (
            "小数按单元格里的数字原样读取（0.021 就是 0.021）；超过 15 位有效数字时请把单元格设为文本格式。",
            "Decimals are read exactly as written (0.021 stays 0.021); beyond 15 significant digits, "
            "format the cell as text.",
        ),
        (
            "列表写法：等级表 0.8:4; 1.6:4; 3.2:2；分档表 1:16; 2:12; 3:8；"
            "奖项 一等奖:0.1; 二等奖:0.2；称号 技术能手:5; 五一劳动奖章:1:奖章；"
            "并列规则 component:P, time；分工 A, B1.1 或 *。名称里含 ; 或 : 时用英文双引号括起来。",
            "Lists: grades 0.8:4; 1.6:4; bands 1:16; 2:12; tiers 一等奖:0.1; titles 技术能手:5; 五一劳动奖章:1:medal; "
            "tie-breaks component:P, time; scope A, B1.1 or *. Put a name holding ; or : in double quotes.",
        ),
        (
            "评分标准：每行一个评分项；项目、组成部分、模块、子模块代码留空表示与上一行相同；"
            "名称、权重、满分只需填一次。",
            "Scheme: one row per aspect; blank event, component, criterion or sub-criterion codes repeat "
            "the row above; names, weights and maxima need filling once per group.",
        ),
        (
            "合并单元格：下表“合并单元格”一栏为“向下填充”的列（如选手的单位、项目，评分标准的分组列，裁判分工的各列），"
            "合并单元格的值用于它覆盖的每一行；其他列（如参赛证号、姓名、加密号、配分）每行单独填写，"
            "合并后导入时会指出合并区域（如 选手!A6:A8），请取消合并并逐行填写。跨越多列的合并同样不接受。",
            "Merged cells: in the columns marked 'fills down' below (选手 单位 and 项目, the group columns of "
            "评分标准, every column of 裁判分工 …) a merged cell's value applies to every row it covers; the "
            "other columns (参赛证号, 姓名, 加密号, 配分 …) need a value on each row: a merge there is refused "
            "with its range (e.g. 选手!A6:A8); unmerge it and fill every row. Merges across columns are "
            "refused too.",
        ),
        (
            "全角字符：代码、编号、机位号、数字、PIN 和日期中的全角数字、字母和符号（如 １２、Ｒ００１、２０２６／１１／２４）"
            "按半角读取；姓名、单位、名称和评分说明保持原样。",
            "Full-width forms: full-width digits, letters and signs in codes, stations, numbers, PINs and "
            "dates (１２, Ｒ００１, ２０２６／１１／２４) are read as ASCII; names, organisations and "
            "descriptions are kept exactly as written.",
        ),
        (
            "PIN 请填 4–8 位数字（PIN 列为文本格式，开头的 0 会保留）；导入后只保存哈希；"
            "导出时 PIN 列为空、PIN哈希列有值。",
            "PIN: 4 to 8 digits (the column is text, so a leading 0 stays); only a hash is kept; "
            "exports leave PIN empty and fill PIN哈希.",
        ),
        (
            "导入时检查全部内容；有任何问题都不会导入，并一次列出所有问题及其所在的单元格，如“选手!E12 加密号”。",
            "Import checks everything; on any problem nothing is imported and every problem is listed at "
            "once with its cell, e.g. '选手!E12 加密号'.",
        ),
    ]
    bold = Font(bold=True)
    r = 1
    for zh, en in lines:
        ws.cell(row=r, column=5, value=zh).font = bold if r == 1 else Font()
        ws.cell(row=r, column=6, value=en).font = bold if r == 1 else Font()
        r += 1
    r += 1
    head = [
        "工作表 sheet",
        "列 column",
        "英文列名 key",
        "必填 required",
        "说明",
        "description",
        "示例 example",
        "合并单元格 merged cells",
    ]
    for i, text in enumerate(head, 1):
        cell = ws.cell(row=r, column=i, value=text)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
    r += 1
    for spec in SHEETS:
        ws.cell(row=r, column=1, value=f"{spec.zh} ({spec.en})").font = bold
        ws.cell(row=r, column=5, value=spec.help_zh)
        ws.cell(row=r, column=6, value=spec.help_en)
        r += 1
        columns: Sequence[Column] = spec.columns
        if spec is COMPETITION:
            columns = (*spec.columns, *COMPETITION_FIELDS)
        for col in columns:
            where = spec.zh if col not in COMPETITION_FIELDS else f"{spec.zh}（字段 field）"
            merged = ""
            if col not in COMPETITION_FIELDS and col.key not in UNREAD:
                merged = "向下填充 fills down" if col.fill_down else "每行单独填写 one row each"
            row = [
                where,
                col.zh,
                col.key,
                "是 yes" if col.required else "",
                col.help_zh,
                col.help_en,
                col.example,
                merged,
            ]
            for i, value in enumerate(row, 1):
                if value:
                    ws.cell(row=r, column=i, value=value)
            r += 1
    for letter, width in zip("ABCDEFGH", (16, 18, 18, 12, 60, 60, 28, 22), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=1, max_row=r):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = None


def _workbook(d: Mapping[str, Any] | None) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    _readme(wb)
    _sheet(wb, COMPETITION, COMPETITION.columns, _competition_rows(d["competition"] if d else None))
    events = d["events"] if d else []
    _sheet(wb, EVENTS, EVENTS.columns, _event_rows(events))
    _sheet(wb, SCHEME, SCHEME.columns, _scheme_rows(events))
    _sheet(
        wb, CONTESTANTS, CONTESTANTS.columns, _people_rows(d["contestants"] if d else [], CONTESTANTS.columns)
    )
    _sheet(wb, JUDGES, JUDGES.columns, _people_rows(d["judges"] if d else [], JUDGES.columns))
    _sheet(wb, ASSIGNMENTS, ASSIGNMENTS.columns, _assignment_rows(d["judges"] if d else []))
    wb.active = 0
    wb.properties.creator = "Scorer"
    wb.properties.created = FIXED_TIME
    return wb


def _save(wb: Workbook) -> bytes:
    """Save with fixed timestamps so that the same competition always gives the same bytes."""
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", body
                )
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def dump_bytes(comp: Competition) -> bytes:
    """The competition as a workbook that `load_bytes` reads back to an equal Competition."""
    return _save(_workbook(codec.to_dict(comp)))


def template_bytes() -> bytes:
    """An empty workbook with every sheet's header and the 说明 sheet, for coordinators to fill in."""
    return _save(_workbook(None))
