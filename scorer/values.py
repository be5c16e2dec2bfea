"""What a judge may enter for an aspect, and its canonical text.

Every mark passes through `parse_value` before it reaches the store, whatever its source (keyboard,
device, CLI, import): the value is checked against the aspect's declared domain (range, step,
decimals, grade list, gauge words, time format) and refused with a reason a judge can act on.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from scorer.errors import MarkRefused
from scorer.model import (
    Aspect,
    AspectType,
    DeductionRule,
    ExamRule,
    JudgementRule,
    MeasurementRule,
    MeasureMode,
    TimeRule,
)
from scorer.text import ascii_width

PASS_WORDS = {"pass", "p", "ok", "y", "yes", "1", "合格", "通过", "是", "√"}
FAIL_WORDS = {"fail", "f", "ng", "n", "no", "0", "不合格", "不通过", "否", "×", "x"}
MAX_SECONDS = Decimal(24 * 3600)
_DURATION = re.compile(r"^(?:([0-9]+):)?([0-9]{1,3}):([0-9]{1,2}(?:\.[0-9]{1,4})?)$")


def _refuse(zh: str, en: str) -> MarkRefused:
    return MarkRefused(zh, en)


MAX_SHOWN = 24  # characters of a refused input echoed back in a message


def shown(text: str) -> str:
    """Input echoed in a message, cut: a 100 KB paste must not become a 100 KB error."""
    text = text.strip()
    return text if len(text) <= MAX_SHOWN else f"{text[:MAX_SHOWN]}…（{len(text)}）"


def ascii_digits(text: str) -> str:
    """Full-width digits (０-９, as a Chinese input method types them) become ASCII on purpose;
    digits of other scripts (٥, ५, ๕ …) are refused rather than read as a number the judge did not see."""
    text = ascii_width(text)
    if any(ch.isdigit() and not "0" <= ch <= "9" for ch in text):
        raise _refuse(
            f"“{shown(text)}”含有非阿拉伯数字（请用 0–9 输入）",
            f"'{shown(text)}' has digits of another script (type 0–9)",
        )
    return text


def _decimal(text: str) -> Decimal:
    cleaned = ascii_digits(text.strip()).replace("，", ".").replace("。", ".")
    if cleaned.count(",") == 1 and "." not in cleaned:  # a decimal comma (24,02), as some keypads send
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", cleaned):
        raise _refuse(f"“{shown(text)}”不是数字", f"'{shown(text)}' is not a number")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise _refuse(f"“{shown(text)}”不是数字", f"'{shown(text)}' is not a number") from None
    return value if value or not value.is_signed() else abs(value)  # -0 is 0


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def fmt(value: Decimal) -> str:
    return format(value, "f")


def parse_duration(text: str) -> Decimal:
    """Seconds from "930.5", "15:30.5" (mm:ss.ff) or "1:02:03" (h:mm:ss)."""
    text = ascii_digits(text.strip()).replace("：", ":")
    if ":" not in text:
        return _decimal(text)
    m = _DURATION.match(text)
    if not m:
        raise _refuse(
            f"“{shown(text)}”不是有效的时间，请用 分:秒 或 时:分:秒，例如 152:30.5",
            f"'{shown(text)}' is not a time; use mm:ss or h:mm:ss, e.g. 152:30.5",
        )
    hours, minutes, seconds = m.group(1), m.group(2), m.group(3)
    sec = Decimal(seconds)
    if sec >= 60 or (hours is not None and int(minutes) >= 60):
        raise _refuse(f"“{shown(text)}”里的分或秒超过 59", f"'{shown(text)}' has minutes or seconds above 59")
    return Decimal(int(hours or 0) * 3600 + int(minutes) * 60) + sec


def measurement_range(rule: MeasurementRule) -> tuple[Decimal, Decimal] | None:
    """Plausible readings for a tolerance: a slip of the decimal point falls outside."""
    if rule.nominal is None:
        return None
    margin = max(abs(rule.nominal) * Decimal("0.2"), Decimal(1))
    return (rule.nominal + (rule.lower or 0) - margin, rule.nominal + (rule.upper or 0) + margin)


def aspect_places(aspect: Aspect) -> int | None:
    """Decimals an aspect's values are shown with (its step or declared decimals); None: as stored."""
    rule = aspect.rule
    if isinstance(rule, JudgementRule):
        return max(_places(rule.step.normalize()), _places(rule.scale_min), _places(rule.scale_max))
    if isinstance(rule, ExamRule):
        return rule.decimals
    if isinstance(rule, DeductionRule):
        return 0
    if isinstance(rule, TimeRule):
        return rule.decimals  # None (not declared): as stored
    return None  # readings keep the precision they were taken with


def _at_places(value: Decimal, places: int | None) -> str:
    """The canonical text of a value at its aspect's precision (5.000 → 5, 2.5 → 2.50 for two
    decimals), never dropping a significant digit; the text as typed is kept beside it in the log."""
    if places is None or _places(value.normalize()) > places:
        return fmt(value)
    return fmt(value.quantize(Decimal(1).scaleb(-places)))


def show_duration(seconds: Decimal, places: int | None = None) -> str:
    """A time as a judge writes it: h:mm:ss from an hour on, else m:ss (fractions kept: 10:05.5);
    `places`: the aspect's declared decimals (more are shown only if the value has them)."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    places = max(_places(seconds.normalize()) if seconds != seconds.to_integral_value() else 0, places or 0)
    whole = int(seconds)
    frac = seconds - whole
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    sec_text = f"{secs:02d}" + (format(frac.quantize(Decimal(1).scaleb(-places)), "f")[1:] if places else "")
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{sec_text}"
    return f"{sign}{minutes}:{sec_text}"


def show_value(aspect: Aspect, value: str, lang: str = "zh") -> str:
    """A stored canonical value as the judge entered it: gauge words, times as h:mm:ss / m:ss.ff,
    numbers at the aspect's own precision (so 62, 99.5 and 78.5 all read 62.0, 99.5, 78.5)."""
    if value in ("pass", "fail"):
        if lang == "en":
            return value
        return "合格" if value == "pass" else "不合格"
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return value  # a grade label
    if not number.is_finite():
        return value
    if aspect.type is AspectType.TIME:
        return show_duration(number, aspect_places(aspect))
    places = aspect_places(aspect)
    if places is None:
        return value
    if _places(number) > places:
        return value  # never hide a digit that was entered
    return fmt(number.quantize(Decimal(1).scaleb(-places)))


def timer_seconds(aspect: Aspect, seconds: Decimal) -> str:
    """A timer's time as the aspect keeps it: truncated (never rounded up) to its declared decimals,
    whole seconds when none are declared. Truncation is what timers themselves do when they show a
    1/10000 s time at a coarser resolution (and what sport timing rules prescribe), so the mark
    agrees with the timer's display and printout; the full resolution stays in the raw record."""
    rule = aspect.rule
    places = rule.decimals if isinstance(rule, TimeRule) and rule.decimals is not None else 0
    return fmt(seconds.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN))


def parse_value(aspect: Aspect, text: str) -> str:
    """Return the canonical text of a value for `aspect`, or raise MarkRefused with the reason."""
    text = (text or "").strip()
    if not text:
        raise _refuse("没有输入分数", "no value entered")
    rule = aspect.rule
    if aspect.type is AspectType.MEASUREMENT:
        assert isinstance(rule, MeasurementRule)
        return _measurement(rule, text)
    if aspect.type is AspectType.JUDGEMENT:
        assert isinstance(rule, JudgementRule)
        value = _decimal(text)
        if not rule.scale_min <= value <= rule.scale_max:
            raise _refuse(
                f"{fmt(value)} 超出评分范围 {fmt(rule.scale_min)}–{fmt(rule.scale_max)}",
                f"{fmt(value)} is outside the scale {fmt(rule.scale_min)}–{fmt(rule.scale_max)}",
            )
        if (value - rule.scale_min) % rule.step != 0:
            raise _refuse(
                f"{fmt(value)} 不符合评分步长 {fmt(rule.step)}",
                f"{fmt(value)} is not on the scale's step of {fmt(rule.step)}",
            )
        return _at_places(value, aspect_places(aspect))
    if aspect.type is AspectType.TIME:
        assert isinstance(rule, TimeRule)
        seconds = parse_duration(text)
        if seconds <= 0 or seconds > MAX_SECONDS:
            raise _refuse("时间必须大于 0 且不超过 24 小时", "a time must be above 0 and at most 24 hours")
        if rule.decimals is None:  # not declared: as typed, as every package before `decimals`
            if _places(seconds) > 4:
                raise _refuse("时间最多 4 位小数", "a time has at most 4 decimals")
            return fmt(seconds)
        if _places(seconds.normalize()) > rule.decimals:
            raise _refuse(f"时间最多 {rule.decimals} 位小数", f"a time has at most {rule.decimals} decimals")
        return _at_places(seconds, rule.decimals)
    if aspect.type is AspectType.DEDUCTION:
        assert isinstance(rule, DeductionRule)
        count_text = ascii_digits(text)
        if not re.fullmatch(r"[0-9]{1,4}", count_text):
            raise _refuse(
                f"“{shown(text)}”不是违规次数（0 或正整数）", f"'{shown(text)}' is not a count of violations"
            )
        count = int(count_text)
        if count > rule.max_count:
            raise _refuse(
                f"违规次数 {count} 超过上限 {rule.max_count}",
                f"{count} violations is above the limit of {rule.max_count}",
            )
        return str(count)
    assert isinstance(rule, ExamRule)
    value = _decimal(text)
    if not 0 <= value <= rule.out_of:
        raise _refuse(
            f"{fmt(value)} 超出试卷分数范围 0–{fmt(rule.out_of)}",
            f"{fmt(value)} is outside the paper's range 0–{fmt(rule.out_of)}",
        )
    if _places(value.normalize()) > rule.decimals:  # 78.500 is 78.5: only significant digits count
        raise _refuse(f"最多 {rule.decimals} 位小数", f"at most {rule.decimals} decimals")
    return _at_places(value, rule.decimals)


def _measurement(rule: MeasurementRule, text: str) -> str:
    if rule.mode is MeasureMode.GAUGE:
        word = text.lower()
        if word in PASS_WORDS:
            return "pass"
        if word in FAIL_WORDS:
            return "fail"
        raise _refuse(
            f"“{shown(text)}”：请输入 合格/pass 或 不合格/fail", f"'{shown(text)}': enter pass or fail"
        )
    if rule.mode is MeasureMode.GRADE:
        wanted = text.removeprefix("Ra").removeprefix("ra").strip()
        for grade in rule.grades:
            if grade.label == text or grade.label.lower() == wanted.lower():
                return grade.label
        labels = " / ".join(g.label for g in rule.grades)
        raise _refuse(
            f"“{shown(text)}”不是有效等级，应为：{labels}",
            f"'{shown(text)}' is not a grade; use one of: {labels}",
        )
    value = _decimal(text)
    if _places(value) > rule.decimals:
        raise _refuse(f"测量值最多 {rule.decimals} 位小数", f"a reading has at most {rule.decimals} decimals")
    bounds = measurement_range(rule)
    if bounds and not bounds[0] <= value <= bounds[1]:
        raise _refuse(
            f"{fmt(value)} {rule.unit} 不在合理范围 {fmt(bounds[0])}–{fmt(bounds[1])} 内（小数点位置对吗？）",
            f"{fmt(value)} {rule.unit} is outside the plausible range {fmt(bounds[0])}–{fmt(bounds[1])} "
            "(is the decimal point right?)",
        )
    if rule.mode is MeasureMode.BANDS and abs(value) > Decimal(10000):
        raise _refuse(f"{fmt(value)} 超出范围", f"{fmt(value)} is out of range")
    return fmt(value)
