"""The workbook's sheets and columns, defined once as data: the reader, the writer, the template, the
说明 sheet and the CSV lists all work from these tables.

A column says how its cells are read (`kind`), where the value goes in the package dict (`path`), its
Chinese and English headers and help, and whether a merged cell fills down over the rows it covers
(`fill_down`: values several rows share, such as a contestant's 单位 or a scheme's group columns) or is
refused (values each row needs for itself, such as 参赛证号).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scorer.package.xlsx.words import (
    AWARD_ROUND_WORDS,
    BASIS_WORDS,
    COMBINE_WORDS,
    CUTOFF_WORDS,
    MEASURE_MODE_WORDS,
    MISSING_WORDS,
    ON_SPREAD_WORDS,
    ROLE_WORDS,
    ROUND_MODE_WORDS,
    STEPS_WORDS,
    TEAM_COMBINE_WORDS,
    TIME_MODE_WORDS,
    TOTALS_FROM_WORDS,
    TYPE_WORDS,
    words_help,
)


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
    dropdown: bool = False  # XLSX: the column offers its words as a list to pick from

    @property
    def dotted(self) -> str:
        return self.key if self.path == "" else (self.path or self.key)


@dataclass(frozen=True, slots=True)
class SheetSpec:
    """One sheet: its name (Chinese, or the English one), what it holds, and its columns in order."""

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
    C("verify_url", "证书查验网址", "text", "总部的公开网址，证书二维码指向 网址/verify/验证码；不填则用登记的总部地址",
      "headquarters' public address: certificates' QR codes point to <address>/verify/<code>; empty: the enrolled "
      "headquarters' address", example="https://hq.example.org"),
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

# merged cells: an event's settings may be shared by several events; its code and names are its own
EVENTS = SheetSpec(
    "项目", "events",
    "竞赛项目：每行一个项目。评分标准写在“评分标准”表中。",
    "Events: one per row. Their marking schemes are on the 评分标准 (scheme) sheet.",
    (
        C("code", "项目代码", "code", "项目代码，字母数字", "event code, letters and digits", True,
          example="CNC"),
        C("name", "项目名称", "text", "项目名称", "event name", True, example="数控车工"),
        C("name_en", "英文名称", "text", "英文名称", "English name", example="CNC lathe"),
        C("duration_minutes", "时长（分钟）", "int", "比赛时长，分钟", "duration in minutes", example="180",
          fill_down=True),
        C("team_size", "每队人数", "int", "团体项目每队人数，默认 1", "contestants per team, default 1",
          example="1", fill_down=True),
        C("team_combine", "团体成绩", "enum", "团体成绩的合成：" + words_help(TEAM_COMBINE_WORDS),
          "how team members' totals combine: sum or mean", words=TEAM_COMBINE_WORDS, fill_down=True),
        C("rounding_decimals", "保留小数", "int", "成绩保留的小数位数，默认 2",
          "decimals kept in results, default 2", path="rounding.decimals", example="2", fill_down=True),
        C("rounding_mode", "舍入方式", "enum", "舍入方式：" + words_help(ROUND_MODE_WORDS),
          "rounding mode: half_up, half_even, down, up", path="rounding.mode", words=ROUND_MODE_WORDS,
          example="四舍五入", fill_down=True),
        C("totals_from", "合计依据", "enum",
          "总分由舍入后还是未舍入的分项合计：" + words_help(TOTALS_FROM_WORDS),
          "totals add rounded or unrounded parts", path="rounding.totals_from", words=TOTALS_FROM_WORDS,
          example="舍入后合计", fill_down=True),
        C("tie_breaks", "并列规则", "ties",
          "总分相同时依次比较，如 component:P, time（先比操作技能，再比用时）",
          "compared in turn when totals tie, e.g. component:P, time", path="ranking.tie_breaks",
          example="component:P, time", fill_down=True),
        C("shared_medal_places", "并列同奖", "bool", "并列者获同一奖项：是/否，默认 是",
          "tied contestants share an award: yes/no, default yes", path="ranking.shared_medal_places",
          example="是", fill_down=True),
        C("award_basis", "评奖依据", "enum", "奖项按什么评定：" + words_help(BASIS_WORDS),
          "awards by ratio of the field, by place or by threshold total", path="awards.basis",
          words=BASIS_WORDS, example="比例", fill_down=True),
        C("award_rounding", "获奖人数取整", "enum", "比例 × 人数的取整：" + words_help(AWARD_ROUND_WORDS),
          "rounding of ratio × number of contestants", path="awards.rounding", words=AWARD_ROUND_WORDS,
          example="四舍五入", fill_down=True),
        C("award_tiers", "奖项", "tiers",
          "奖项:比例（或名次、分数线，按评奖依据），分号分隔，如 一等奖:0.1; 二等奖:0.2",
          "tier:value (ratio, places or threshold by the basis), separated by ;", path="awards.tiers",
          example="一等奖:0.1; 二等奖:0.2; 三等奖:0.3", fill_down=True),
        C("titles", "称号", "titles",
          "称号:前几名，如 技术能手:5；奖章再加 :奖章，英文名加 :name_en=…，如 五一劳动奖章:1:奖章",
          "title:top N, e.g. 技术能手:5; a medal adds :medal, an English name :name_en=…",
          example="技术能手:5", fill_down=True),
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

# merged cells: the group columns (event, component, criterion, sub-criterion, their names, weight,
# maximum, day) fill down over a group's rows, as on a paper score sheet; an aspect's own columns are
# one row each
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
          path=None, example="CNC", fill_down=True),
        C("component", "组成部分代码", "code", "组成部分代码，如 T（理论）、P（实操）",
          "component code, e.g. T, P", True, path=None, example="P", fill_down=True),
        C("component_name", "组成部分名称", "text", "组成部分名称", "component name", True, path=None,
          example="操作技能", fill_down=True),
        C("weight", "权重", "nonneg", "组成部分权重，各部分之和为 1，如 0.3 / 0.7",
          "component weight; they add up to 1", path=None, example="0.7", fill_down=True),
        C("component_max", "组成部分满分", "nonneg", "组成部分满分，等于其评分项配分之和",
          "component maximum; the sum of its aspects' marks", True, path=None, example="100",
          fill_down=True),
        C("criterion", "模块代码", "code", "评分模块代码", "criterion code", True, path=None, example="A",
          fill_down=True),
        C("criterion_name", "模块名称", "text", "评分模块名称", "criterion name", True, path=None,
          example="尺寸", fill_down=True),
        C("sub_criterion", "子模块代码", "code", "子模块代码", "sub-criterion code", True, path=None,
          example="A1", fill_down=True),
        C("sub_criterion_name", "子模块名称", "text", "子模块名称", "sub-criterion name", True, path=None,
          example="外圆", fill_down=True),
        C("day", "比赛日", "label", "在哪一天评分（可空）", "day it is marked (optional)", path=None,
          example="C1", fill_down=True),
        C("code", "评分项代码", "code", "评分项代码，项目内唯一", "aspect code, unique within the event",
          True, example="A1.1"),
        C("name", "评分项名称", "text", "评分项名称", "aspect name", True, example="外圆 Ø24 +0.021/0"),
        C("type", "类型", "enum", "评分类型：" + words_help(TYPE_WORDS),
          "measurement, judgement, time, deduction, exam", True, words=TYPE_WORDS, example="测量",
          dropdown=True),
        C("max_mark", "配分", "nonneg", "该项满分（从总分扣的扣分项填 0）",
          "the aspect's maximum (0 for deductions from the total)", True, example="10",
          aliases=("满分",)),
        C("description", "评分说明", "text", "评分说明（可空）", "description (optional)",
          example="超差0.01扣3分", aliases=("说明",)),
        *RULE_COLUMNS,
        C("component_name_en", "组成部分英文名", "text", "组成部分的英文名称（可空，英文界面显示）",
          "the component's English name (optional, shown in English)", path=None, example="Practical",
          fill_down=True),
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
      fill_down=True, dropdown=True),
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

SHEETS = (COMPETITION, EVENTS, SCHEME, CONTESTANTS, JUDGES, ASSIGNMENTS)
README_SHEET = "说明"

# scheme levels below the event: (code column, list of children, {JSON field: column}); a group's
# fields other than its code are given on any one of its rows and written on its first
SCHEME_LEVELS = (
    ("component", "criteria", {"code": "component", "name": "component_name", "weight": "weight",
                               "max_mark": "component_max", "name_en": "component_name_en"}),
    ("criterion", "sub_criteria", {"code": "criterion", "name": "criterion_name"}),
    ("sub_criterion", "aspects", {"code": "sub_criterion", "name": "sub_criterion_name", "day": "day"}),
)  # fmt: skip
GROUP_CODES = ("event", *(level for level, _, _ in SCHEME_LEVELS))  # a blank one repeats the row above

UNREAD = frozenset({"note"})  # columns no one reads: a merge reaching into them loses nothing
# kinds whose columns are formatted as text (a typed 0123 stays 0123)
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
