"""Write the demo competition package: resources/demo/demo-competition.json.

Usage: .venv/bin/python resources/demo/make_demo.py [OUTPUT]

The marking schemes follow /work/shared/domain/SAMPLE_SCHEMES.md sections 1-3 (数控车工, 电工, 焊工);
names, employers and districts follow its section 5. Everything random (who enters which event, the
generated names, the anonymous codes, the stations) is drawn from one fixed seed, so running this
script again writes the same bytes.

The package carries plain demo PINs (listed in README.md beside this file); the importer hashes them.
"""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from pathlib import Path

from scorer.model import (
    Aspect,
    AspectType,
    Assignment,
    Awards,
    AwardTier,
    Band,
    Competition,
    Component,
    Contestant,
    Criterion,
    Deduct,
    DeductionRule,
    Event,
    ExamRule,
    Grade,
    Judge,
    JudgementRule,
    MeasurementRule,
    MeasureMode,
    Ranking,
    Role,
    Rounding,
    Steps,
    SubCriterion,
    TimeRule,
    Title,
)
from scorer.package import dumps_json
from scorer.package.codec import dec as d

SEED = 20261121
OUTPUT = Path(__file__).with_name("demo-competition.json")

M, J, T, DED, EXAM = (
    AspectType.MEASUREMENT,
    AspectType.JUDGEMENT,
    AspectType.TIME,
    AspectType.DEDUCTION,
    AspectType.EXAM,
)


def canon(value: Decimal) -> Decimal:
    """5.60 → 5.6 and 4E+1 → 40, so the package shows plain short numbers."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


# ---------------------------------------------------------------- aspect builders


def tolerance(
    code: str, name: str, max_mark: str, nominal: str, lower: str, upper: str, per: str, marks: str
) -> Aspect:
    return Aspect(
        code,
        name,
        M,
        d(max_mark),
        MeasurementRule(
            mode=MeasureMode.TOLERANCE,
            unit="mm",
            nominal=d(nominal),
            lower=d(lower),
            upper=d(upper),
            deduct=Deduct(d(per), d(marks), Steps.STARTED),
            decimals=3,
        ),
        f"超差{per}扣{marks}分（不足一档按一档计），扣完为止",
    )


RA_LADDER = ("0.8", "1.6", "3.2", "6.3", "12.5")


def roughness(code: str, name: str, max_mark: str, required: str, per_grade: str = "2") -> Aspect:
    """Ra by grade: the required grade or better earns the full mark, each grade worse −per_grade."""
    top, step, need = d(max_mark), d(per_grade), RA_LADDER.index(required)
    grades = tuple(
        Grade(label, canon(max(Decimal(0), top - step * max(0, i - need))))
        for i, label in enumerate(RA_LADDER)
    )
    return Aspect(
        code,
        name,
        M,
        top,
        MeasurementRule(mode=MeasureMode.GRADE, unit="μm", grades=grades),
        f"要求 Ra{required}，降一级扣{per_grade}分",
    )


def gauge(code: str, name: str, max_mark: str, description: str) -> Aspect:
    return Aspect(code, name, M, d(max_mark), MeasurementRule(mode=MeasureMode.GAUGE, unit=""), description)


def grade(code: str, name: str, max_mark: str, table: list[tuple[str, Decimal]], description: str) -> Aspect:
    rule = MeasurementRule(
        mode=MeasureMode.GRADE, unit="", grades=tuple(Grade(label, canon(m)) for label, m in table)
    )
    return Aspect(code, name, M, d(max_mark), rule, description)


def deduction(
    code: str,
    name: str,
    max_mark: str,
    per: str,
    cap: str | None = None,
    max_count: int = 99,
    description: str = "",
) -> Aspect:
    rule = DeductionRule(per=d(per), cap=None if cap is None else d(cap), max_count=max_count)
    return Aspect(code, name, DED, d(max_mark), rule, description)


def exam_component() -> Component:
    paper = Aspect(
        "T1.1.1", "理论成绩", EXAM, d(100), ExamRule(out_of=d(100)), "机考试卷满分100分，按成绩导入"
    )
    return Component(
        "T",
        "理论知识",
        d("0.3"),
        d(100),
        (Criterion("T1", "理论考试", (SubCriterion("T1.1", "机考", (paper,), day="第一天"),)),),
        name_en="Theory",
    )


# Appearance table of SAMPLE_SCHEMES.md §3 (raw marks per grade Ⅰ/Ⅱ/Ⅲ/Ⅳ), scaled by 0.35 for the demo.
WELD_SCALE = Decimal("0.35")


def scaled(raw: int) -> Decimal:
    return canon(Decimal(raw) * WELD_SCALE)


def bands(
    code: str, name: str, unit: str, limits: tuple[str, str, str], raw: tuple[int, int, int, int], text: str
) -> Aspect:
    """Grades Ⅰ-Ⅲ up to each limit; above the last limit (grade Ⅳ) or below 0 earns 0."""
    table = tuple(Band(d(upto), scaled(marks)) for upto, marks in zip(limits, raw[:3], strict=True))
    rule = MeasurementRule(mode=MeasureMode.BANDS, unit=unit, bands_from=d(0), bands=table, decimals=2)
    shown = "/".join(str(m) for m in raw)
    return Aspect(
        code,
        name,
        M,
        scaled(raw[0]),
        rule,
        f"{text}；原表Ⅰ/Ⅱ/Ⅲ/Ⅳ级 {shown} 分，按 ×0.35 计入",
    )


# ---------------------------------------------------------------- events

AWARDS = Awards(
    basis="ratio",
    rounding="half_up",
    tiers=(
        AwardTier("一等奖", ratio=d("0.1"), name_en="First prize"),
        AwardTier("二等奖", ratio=d("0.2"), name_en="Second prize"),
        AwardTier("三等奖", ratio=d("0.3"), name_en="Third prize"),
    ),
)
TITLES = (
    Title("上海市五一劳动奖章", 1, kind="medal", name_en="Shanghai May Day Labour Medal"),
    Title("上海市技术能手", 3, name_en="Shanghai Technical Expert"),
)
ROUNDING = Rounding(decimals=2, mode="half_up", totals_from="rounded")


def cnc_event() -> Event:
    outer = Criterion(
        "A",
        "外圆",
        (
            SubCriterion(
                "A1",
                "Ø24 外圆",
                (
                    tolerance("A1.1", "外圆 Ø24 +0.021/0", "10", "24", "0", "0.021", "0.01", "3"),
                    roughness("A1.2", "Ø24 表面粗糙度 Ra1.6", "4", "1.6"),
                ),
            ),
            SubCriterion(
                "A2",
                "Ø15 外圆",
                (
                    tolerance("A2.1", "外圆 Ø15 0/−0.03", "8", "15", "-0.03", "0", "0.02", "3"),
                    roughness("A2.2", "Ø15 表面粗糙度 Ra1.6", "4", "1.6"),
                ),
            ),
            SubCriterion(
                "A3",
                "Ø28 外圆",
                (tolerance("A3.1", "外圆 Ø28 0/−0.033", "6", "28", "-0.033", "0", "0.02", "3"),),
            ),
        ),
    )
    lengths = Criterion(
        "B",
        "长度与槽",
        (
            SubCriterion(
                "B1",
                "退刀槽",
                (
                    tolerance("B1.1", "退刀槽 3×1 槽底 Ø8", "4", "8", "-0.1", "0.1", "0.05", "2"),
                    tolerance("B1.2", "槽宽 3", "4", "3", "-0.1", "0.1", "0.05", "2"),
                ),
            ),
            SubCriterion(
                "B2",
                "长度",
                (
                    tolerance("B2.1", "总长 70±0.1", "4", "70", "-0.1", "0.1", "0.05", "2"),
                    tolerance("B2.2", "长度 15±0.05", "4", "15", "-0.05", "0.05", "0.05", "2"),
                ),
            ),
        ),
    )
    sphere_thread = Criterion(
        "C",
        "球面与螺纹",
        (
            SubCriterion(
                "C1",
                "外球面",
                (
                    tolerance("C1.1", "球面 SR12.5±0.05", "12", "12.5", "-0.05", "0.05", "0.02", "2"),
                    roughness("C1.2", "球面 表面粗糙度 Ra3.2", "2", "3.2"),
                ),
            ),
            SubCriterion(
                "C2",
                "螺纹",
                (
                    gauge("C2.1", "螺纹 M10×1-6g", "12", "螺纹环规检验，不合格不得分"),
                    roughness("C2.2", "螺纹 表面粗糙度 Ra3.2", "2", "3.2"),
                ),
            ),
            SubCriterion(
                "C3",
                "锥面与内球面",
                (
                    roughness("C3.1", "锥面 表面粗糙度 Ra3.2", "4", "3.2"),
                    tolerance("C3.2", "内球面 R7.5±0.05", "8", "7.5", "-0.05", "0.05", "0.02", "2"),
                    roughness("C3.3", "内球面 表面粗糙度 Ra3.2", "2", "3.2"),
                ),
            ),
        ),
    )
    blend = Aspect(
        "D1.1",
        "圆弧与圆锥连接光滑",
        J,
        d(10),
        JudgementRule(scale_min=d(0), scale_max=d(10), step=d("0.5"), judges=3, spread_limit=d(2)),
        "三名裁判各给 0–10 分（0.5 分一档），取平均；相差超过 2 分须复议重评",
    )
    workmanship = Criterion(
        "D",
        "工艺与文明生产",
        (
            SubCriterion("D1", "表面质量", (blend,)),
            SubCriterion(
                "D2",
                "文明生产与工时",
                (
                    deduction(
                        "D2.1",
                        "文明生产",
                        "0",
                        "3",
                        cap="10",
                        description="违规一次扣3分，最多扣10分（从总分中扣除）；发生重大事故取消资格",
                    ),
                    Aspect(
                        "D2.2",
                        "工时",
                        T,
                        d(0),
                        TimeRule(
                            mode="penalty",
                            limit_minutes=d(150),
                            per_minutes=d(1),
                            marks=d(1),
                            minutes=Steps.STARTED,
                            cutoff_minutes=d(180),
                            cutoff="max_penalty",
                            max_penalty=d(30),
                        ),
                        "超过150分钟每分钟扣1分（不足一分钟按一分钟计），180分钟强制停止",
                    ),
                ),
            ),
        ),
    )
    practical = Component(
        "P", "操作技能", d("0.7"), d(100), (outer, lengths, sphere_thread, workmanship), name_en="Practical"
    )
    return Event(
        code="CNC",
        name="数控车工",
        name_en="CNC lathe operator",
        duration_minutes=180,
        components=(exam_component(), practical),
        rounding=ROUNDING,
        ranking=Ranking(tie_breaks=("component:P", "time")),
        awards=AWARDS,
        titles=TITLES,
    )


def electrician_event() -> Event:
    install = Criterion(
        "A",
        "安装与接线",
        (
            SubCriterion(
                "A1",
                "元件安装",
                (
                    deduction("A1.1", "元件布置不整齐、不合理", "3", "1", description="每处扣1分"),
                    deduction("A1.2", "元件安装不牢固、漏装螺钉", "3", "1", description="每只扣1分"),
                    deduction("A1.3", "损坏元件", "4", "2", description="每只扣2分"),
                ),
            ),
            SubCriterion(
                "A2",
                "按图接线",
                (
                    deduction("A2.1", "未按电路图接线", "10", "10", max_count=1, description="扣10分"),
                    deduction("A2.2", "错接、漏接", "10", "5", description="每处扣5分"),
                ),
            ),
            SubCriterion(
                "A3",
                "布线工艺",
                (
                    deduction("A3.1", "布线不横平竖直、交叉架空", "8", "2", description="每处扣2分"),
                    deduction("A3.2", "接点不符合要求（反圈、压接不牢）", "6", "2", description="每处扣2分"),
                    deduction(
                        "A3.3",
                        "接点松动、露铜过长、压绝缘层、线号不清",
                        "6",
                        "0.5",
                        description="每处扣0.5分",
                    ),
                    deduction("A3.4", "整体布线凌乱", "10", "10", max_count=1, description="扣10分"),
                ),
            ),
        ),
    )
    power_on = Criterion(
        "B",
        "通电试车",
        (
            SubCriterion(
                "B1",
                "通电试车",
                (
                    grade(
                        "B1.1",
                        "通电试车结果",
                        "30",
                        [("一次成功", d(30)), ("二次成功", d(20)), ("三次成功", d(10)), ("失败", d(0))],
                        "第一次试车不成功扣10分，第二次不成功扣20分，第三次不成功本项不得分",
                    ),
                    deduction(
                        "B1.2",
                        "熔体规格配错",
                        "0",
                        "1",
                        cap="5",
                        max_count=5,
                        description="每只扣1分（从总分中扣除）",
                    ),
                ),
            ),
        ),
    )
    safety = Criterion(
        "C",
        "安全文明与工时",
        (
            SubCriterion(
                "C1",
                "安全文明生产",
                (
                    deduction(
                        "C1.1",
                        "违反安全文明操作规程",
                        "8",
                        "2",
                        description="每次扣2分；发生事故本项不得分，严重违规由裁判长终止考试、总分记0分",
                    ),
                    deduction("C1.2", "劳动保护用品穿戴不规范", "2", "2", max_count=1, description="扣2分"),
                ),
            ),
            SubCriterion(
                "C2",
                "工时",
                (
                    Aspect(
                        "C2.1",
                        "工时",
                        T,
                        d(0),
                        TimeRule(
                            mode="penalty",
                            limit_minutes=d(180),
                            per_minutes=d(5),
                            marks=d(2),
                            minutes=Steps.STARTED,
                            cutoff_minutes=d(190),
                            cutoff="max_penalty",
                            max_penalty=d(4),
                        ),
                        "定额180分钟，每超时5分钟扣2分，最多延时10分钟",
                    ),
                ),
            ),
        ),
    )
    practical = Component("P", "操作技能", d("0.7"), d(100), (install, power_on, safety), name_en="Practical")
    return Event(
        code="ELEC",
        name="电工",
        name_en="Electrician",
        duration_minutes=180,
        components=(exam_component(), practical),
        rounding=ROUNDING,
        ranking=Ranking(tie_breaks=("component:P", "criterion:A", "criterion:B")),
        awards=AWARDS,
        titles=TITLES,
    )


def welder_event() -> Event:
    grades = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ")
    appearance = Criterion(
        "A",
        "焊缝外观",
        (
            SubCriterion(
                "A1",
                "正面焊缝",
                (
                    bands("A1.1", "焊缝余高", "mm", ("1", "2", "3"), (16, 12, 8, 0), "0–1/>1–2/>2–3/>3或<0"),
                    bands("A1.2", "焊缝高低差", "mm", ("1", "2", "3"), (14, 8, 2, 0), "≤1/>1–2/>2–3/>3"),
                    bands(
                        "A1.3", "焊缝宽窄差", "mm", ("1.5", "2", "3"), (10, 6, 2, 0), "≤1.5/>1.5–2/>2–3/>3"
                    ),
                    grade(
                        "A1.4",
                        "咬边",
                        str(scaled(20)),
                        [(g, scaled(raw)) for g, raw in zip(grades, (20, 14, 8, 0), strict=True)],
                        "Ⅰ无咬边；Ⅱ深≤0.5且长≤15；Ⅲ深≤0.5且长>15–30；Ⅳ深>0.5或长>30；"
                        "原表 20/14/8/0 分，按 ×0.35 计入",
                    ),
                ),
            ),
            SubCriterion(
                "A2",
                "背面焊缝",
                (
                    bands("A2.1", "背面凹陷", "mm", ("0", "1", "2"), (10, 6, 2, 0), "0/>0–1/>1–2/>2"),
                    bands("A2.2", "背面凸起", "mm", ("1", "2", "3"), (10, 6, 2, 0), "0–1/>1–2/>2–3/>3"),
                ),
            ),
            SubCriterion(
                "A3",
                "装配与变形",
                (
                    bands("A3.1", "错边量", "mm", ("0", "0.7", "1.2"), (10, 6, 2, 0), "0/≤0.7/>0.7–1.2/>1.2"),
                    bands("A3.2", "角变形", "°", ("2", "3", "5"), (10, 6, 2, 0), "0–2/>2–3/>3–5/>5"),
                ),
            ),
            SubCriterion(
                "A4",
                "外观总体评价",
                (
                    Aspect(
                        "A4.1",
                        "焊缝整体成形",
                        J,
                        d(5),
                        JudgementRule(judges=3, spread_limit=d(1)),
                        "三名裁判各给 0–3 分：0 未达行业标准，1 达到，2 达到并部分超过，3 优秀；"
                        "相差超过 1 分须复议重评",
                    ),
                ),
            ),
        ),
    )
    radiography = Criterion(
        "B",
        "射线探伤",
        (
            SubCriterion(
                "B1",
                "底片评定",
                (
                    grade(
                        "B1.1",
                        "底片等级",
                        "40",
                        [("Ⅰ级", d(40)), ("Ⅱ级", d(40)), ("Ⅲ级", d(0)), ("Ⅳ级", d(0))],
                        "Ⅰ级片40分；Ⅱ级片按 B1.2、B1.3 扣分；Ⅲ级及以下不得分",
                    ),
                    deduction(
                        "B1.2",
                        "Ⅱ级片圆形缺陷",
                        "0",
                        "2",
                        cap="20",
                        description="仅Ⅱ级片计：每个圆形缺陷扣2分（从总分中扣除）",
                    ),
                    deduction(
                        "B1.3",
                        "Ⅱ级片条形缺陷",
                        "0",
                        "5",
                        cap="20",
                        description="仅Ⅱ级片计：每个条形缺陷扣5分（从总分中扣除）",
                    ),
                ),
            ),
        ),
    )
    bend = Criterion(
        "C",
        "弯曲试验",
        (
            SubCriterion(
                "C1",
                "弯曲试验",
                (
                    gauge("C1.1", "面弯", "5", "合格得5分，不合格不得分"),
                    gauge("C1.2", "背弯", "5", "合格得5分，不合格不得分"),
                ),
            ),
        ),
    )
    safety = Criterion(
        "D",
        "安全文明与工时",
        (
            SubCriterion(
                "D1",
                "安全文明生产",
                (
                    deduction("D1.1", "违反安全操作规程", "6", "2", description="每次扣2分"),
                    deduction("D1.2", "劳动保护用品穿戴不规范", "2", "2", max_count=1, description="扣2分"),
                    deduction("D1.3", "工位未清理", "2", "2", max_count=1, description="扣2分"),
                ),
            ),
            SubCriterion(
                "D2",
                "工时",
                (
                    Aspect(
                        "D2.1",
                        "工时",
                        T,
                        d(0),
                        TimeRule(
                            mode="penalty",
                            limit_minutes=d(60),
                            per_minutes=d(5),
                            marks=d(1),
                            minutes=Steps.STARTED,
                            cutoff_minutes=d(75),
                            cutoff="zero_total",
                        ),
                        "定额60分钟，每超时5分钟扣1分（不足5分钟按5分钟计），超时15分钟以上成绩为0",
                    ),
                ),
            ),
        ),
    )
    practical = Component(
        "P", "操作技能", d("0.7"), d(100), (appearance, radiography, bend, safety), name_en="Practical"
    )
    return Event(
        code="WELD",
        name="焊工",
        name_en="Welder (plate butt weld, single side with back bead)",
        duration_minutes=60,
        components=(exam_component(), practical),
        rounding=ROUNDING,
        ranking=Ranking(tie_breaks=("component:P", "criterion:B", "time")),
        awards=AWARDS,
        titles=TITLES,
    )


# ---------------------------------------------------------------- people

SAMPLE_NAMES = {  # SAMPLE_SCHEMES.md §5, with a plausible gender for each
    "张伟": "男",
    "王秀英": "女",
    "李娜": "女",
    "刘洋": "男",
    "陈静怡": "女",
    "杨帆": "男",
    "赵磊": "男",
    "黄晓燕": "女",
    "周俊": "男",
    "吴婷婷": "女",
    "徐志强": "男",
    "孙丽": "女",
    "朱建华": "男",
    "胡斌": "男",
    "郭敏": "女",
    "何俊杰": "男",
    "高峰": "男",
    "林雪": "女",
    "罗堃": "男",
    "郑喆": "男",
    "邵𠮷祥": "男",
    "欧阳娜": "女",
    "司马婧": "女",
    "曹赟": "男",
    "蒋彧": "男",
    "钱淼": "女",
    "戴昇": "男",
    "沈垚": "男",
    "顾犇": "男",
    "闫燚": "男",
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方邹孟熊秦邱江尹薛段雷侯龙史陶贺顾毛郝龚邵万钱严武戴孔汤"
)
GIVEN_MALE = (  # given names, separated by spaces
    "建国 志伟 海涛 晓东 文杰 明 军 勇 浩 鹏 宇航 振华 国栋 永强 立新 俊峰 家豪 嘉伟 天宇 辉 超 刚 健 亮 "
    "凯 伟民 卫东 建军 春生 德明 正阳 一鸣 子豪 思远 博文 志明 晓峰 庆华 云龙 敏杰 炜 昊 晨 毅 斌斌 国强"
)
GIVEN_FEMALE = "丽华 晓红 雅琴 慧 洁 颖 倩 佳怡 梦瑶 雪梅 秀兰 春燕 海燕 艳 婷 蕾 文静 欣怡 晓琳 玉珍"

# Employer → industry and the districts where it has sites (SAMPLE_SCHEMES.md §5, plus three others).
EMPLOYERS = {
    "上海电气集团股份有限公司": ("机械", ("闵行区", "黄浦区", "徐汇区", "奉贤区")),
    "上海汽车集团股份有限公司": ("汽车", ("嘉定区", "浦东新区", "闵行区")),
    "上海隧道工程股份有限公司": ("建筑", ("徐汇区", "普陀区", "松江区")),
    "宝山钢铁股份有限公司": ("冶金", ("宝山区",)),
    "上海申通地铁集团有限公司": ("交通", ("黄浦区", "长宁区", "静安区", "闵行区")),
    "江南造船(集团)有限责任公司": ("船舶", ("崇明区",)),
    "上海振华重工(集团)股份有限公司": ("机械", ("浦东新区", "崇明区")),
    "上海建工集团股份有限公司": ("建筑", ("虹口区", "杨浦区", "静安区", "青浦区")),
    "中国商用飞机有限责任公司": ("航空", ("浦东新区",)),
    "国网上海市电力公司": ("电力", ("浦东新区", "金山区", "松江区", "青浦区", "奉贤区", "长宁区", "普陀区")),
    "上海外高桥造船有限公司": ("船舶", ("浦东新区",)),
    "上海华谊(集团)公司": ("化工", ("金山区", "闵行区")),
    "上海机电股份有限公司": ("机械", ("闵行区", "杨浦区")),
}

EVENT_EMPLOYERS = {
    "CNC": (
        "上海电气集团股份有限公司",
        "上海汽车集团股份有限公司",
        "中国商用飞机有限责任公司",
        "上海振华重工(集团)股份有限公司",
        "江南造船(集团)有限责任公司",
        "上海机电股份有限公司",
    ),
    "ELEC": (
        "国网上海市电力公司",
        "上海申通地铁集团有限公司",
        "上海建工集团股份有限公司",
        "上海隧道工程股份有限公司",
        "宝山钢铁股份有限公司",
        "上海华谊(集团)公司",
    ),
    "WELD": (
        "江南造船(集团)有限责任公司",
        "上海振华重工(集团)股份有限公司",
        "上海外高桥造船有限公司",
        "上海建工集团股份有限公司",
        "宝山钢铁股份有限公司",
        "上海电气集团股份有限公司",
    ),
}
EVENT_SIZES = {"CNC": 24, "ELEC": 20, "WELD": 16}

# Judges' employers: technical colleges and universities, and — on purpose — one contestant employer
# per event, so that a conflict-of-interest check has something to find.
JUDGE_ORGS = {
    "CNC": ("上海工程技术大学", "上海电气集团股份有限公司", "上海市高级技工学校", "上海第二工业大学"),
    "ELEC": ("上海电机学院", "国网上海市电力公司", "上海电子信息职业技术学院"),
    "WELD": ("上海工程技术大学", "上海市高级技工学校", "江南造船(集团)有限责任公司", "上海第二工业大学"),
}
CHIEF_ORG = {"CNC": "上海第二工业大学", "ELEC": "上海电机学院", "WELD": "上海工程技术大学"}

# Scoring judges' scopes: measurement criteria to 1-2 judges, judgement sub-criteria to 3 judges,
# the theory paper (T) to one judge who imports it.
JUDGE_SCOPES = {
    "CNC": (("T", "A", "D2"), ("A", "B", "D1"), ("C", "D1"), ("B", "C", "D1", "D2")),
    "ELEC": (("T", "A1", "A2", "C"), ("A2", "A3", "B"), ("A1", "A3", "B", "C")),
    "WELD": (("T", "A1", "A2", "A4"), ("A1", "A3", "A4", "B"), ("A2", "A3", "A4", "C"), ("B", "C", "D")),
}
PIN_BASE = {"CNC": 1000, "ELEC": 2000, "WELD": 3000}
COORDINATOR_PIN = "8888"


def pin_of(event: str, role: Role, n: int = 0) -> str:
    """Chief x000, scoring judges x001…, clerks x008 and x007, encryption judge x009; coordinator 8888."""
    offset = {Role.CHIEF: 0, Role.JUDGE: n, Role.CLERK: 8, Role.ENCRYPTION: 9}[role]
    return str(PIN_BASE[event] + offset)


class NamePool:
    """Unique generated names that never repeat a sample name."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used = set(SAMPLE_NAMES)

    def draw(self, gender: str) -> str:
        given = GIVEN_MALE if gender == "男" else GIVEN_FEMALE
        while True:
            name = self.rng.choice(SURNAMES) + self.rng.choice(given.split())
            if name not in self.used:
                self.used.add(name)
                return name


def make_people(rng: random.Random) -> tuple[tuple[Contestant, ...], list[tuple[Judge, str]]]:
    names = NamePool(rng)
    total = sum(EVENT_SIZES.values())
    people = [(name, gender) for name, gender in SAMPLE_NAMES.items()]
    while len(people) < total:
        gender = "女" if rng.random() < 0.15 else "男"
        people.append((names.draw(gender), gender))
    rng.shuffle(people)
    numbers = rng.sample(range(1, 1000), total)  # 加密号: unique across the whole competition

    contestants: list[Contestant] = []
    for event, size in EVENT_SIZES.items():
        stations = list(range(1, size + 1))
        rng.shuffle(stations)
        for station in stations:
            name, gender = people[len(contestants)]
            org = rng.choice(EVENT_EMPLOYERS[event])
            industry, districts = EMPLOYERS[org]
            contestants.append(
                Contestant(
                    reg_no=f"2026SH{len(contestants) + 1:04d}",
                    name=name,
                    organisation=org,
                    event=event,
                    code=f"{event}-{numbers[len(contestants)]:03d}",
                    station=str(station),
                    district=rng.choice(districts),
                    industry=industry,
                    gender=gender,
                )
            )

    judges: list[tuple[Judge, str]] = [
        (Judge("COORD", names.draw("男"), Role.COORDINATOR, "上海市总工会"), COORDINATOR_PIN)
    ]
    for event in EVENT_SIZES:
        whole = (Assignment(event, ("*",)),)
        judges.append(
            (
                Judge(f"{event}-K", names.draw("男"), Role.CHIEF, CHIEF_ORG[event], assignments=whole),
                pin_of(event, Role.CHIEF),
            )
        )
        for n, (scope, org) in enumerate(zip(JUDGE_SCOPES[event], JUDGE_ORGS[event], strict=True), 1):
            gender = "女" if rng.random() < 0.25 else "男"
            judge = Judge(
                f"{event}-J{n}", names.draw(gender), Role.JUDGE, org, assignments=(Assignment(event, scope),)
            )
            judges.append((judge, pin_of(event, Role.JUDGE, n)))
        judges.append(
            (
                Judge(f"{event}-L", names.draw("女"), Role.CLERK, "上海市总工会", assignments=whole),
                pin_of(event, Role.CLERK),
            )
        )
        judges.append(
            (
                Judge(f"{event}-E", names.draw("男"), Role.ENCRYPTION, "上海市总工会", assignments=whole),
                pin_of(event, Role.ENCRYPTION),
            )
        )
    for event in EVENT_SIZES:  # drawn last so that everyone else keeps their generated name
        judges.append(
            (
                Judge(
                    f"{event}-L2",
                    names.draw("男"),
                    Role.CLERK,
                    "上海市总工会",
                    assignments=(Assignment(event, ("*",)),),
                ),
                str(PIN_BASE[event] + 7),
            )
        )
    return tuple(contestants), judges


# ---------------------------------------------------------------- package


def build() -> tuple[Competition, dict[str, str]]:
    """The demo competition and each judge's plain PIN (judge code → PIN)."""
    rng = random.Random(SEED)
    contestants, judges = make_people(rng)
    comp = Competition(
        id="2026-sh-zgjs-demo",
        name="2026年上海市职工职业技能大赛（示范赛）",
        organiser="上海市总工会",
        venue="上海市职工技能实训基地",
        start_date="2026-11-21",
        end_date="2026-11-22",
        events=(cnc_event(), electrician_event(), welder_event()),
        contestants=contestants,
        judges=tuple(j for j, _ in judges),
    )
    for event in comp.events:  # the conflict of interest the demo promises (see JUDGE_ORGS)
        orgs = {x.organisation for x in contestants if x.event == event.code}
        panel = {
            j.organisation
            for j in comp.judges
            if j.role is Role.JUDGE and j.assignments[0].event == event.code
        }
        if not orgs & panel:
            raise SystemExit(f"{event.code}: no scoring judge shares an employer with a contestant")
    return comp, {j.code: pin for j, pin in judges}


def render() -> bytes:
    """The package with plain demo PINs (the importer hashes them), written by the codec."""
    comp, pins = build()
    return dumps_json(comp, pins).encode("utf-8")


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUTPUT
    out.write_bytes(render())
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
