"""Aspect scoring: one pure function per aspect, compiled once per event from its declared rule.

A scorer takes the aspect's current values ({slot: text}, slot = judge code for judgement panels,
"" otherwise) and returns an `AspectScore`: the unrounded score, or why there is none yet (missing
marks, a panel that must re-score). Each score carries a short note saying how it was reached, so a
score sheet and `explain` can show the arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from scorer.model import (
    Aspect,
    AspectType,
    DeductionRule,
    ExamRule,
    JudgementRule,
    MeasurementRule,
    MeasureMode,
    Steps,
    TimeRule,
)

ZERO = Decimal(0)
ONE = Decimal(1)
SIXTY = Decimal(60)

OK, MISSING, RESCORE = "ok", "missing", "rescore"


@dataclass(frozen=True, slots=True)
class AspectScore:
    aspect: str
    status: str  # OK | MISSING | RESCORE
    score: Decimal | None = None  # unrounded; penalty-only aspects are ≤ 0
    counted: tuple[Decimal, ...] = ()  # judgement: the scores that count, sorted
    dropped: tuple[Decimal, ...] = ()  # judgement: trimmed highest and lowest
    note: str = ""  # how the score was reached, in figures
    zero_total: bool = False  # an absolute cut-off was passed: the contestant's total is 0
    spread: Decimal | None = None  # judgement: max − min of the counting scores
    times: Decimal | None = None  # judgement: the contestant's declared difficulty (factor_from)


Scorer = Callable[[Mapping[str, str]], AspectScore]

_DEC: dict[str, Decimal] = {}


def dec(text: str) -> Decimal:
    """Decimal of a stored value; values repeat a lot, so conversions are cached."""
    d = _DEC.get(text)
    if d is None:
        if len(_DEC) > 100_000:
            _DEC.clear()
        d = _DEC[text] = Decimal(text)
    return d


def fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return text


def count_steps(amount: Decimal, per: Decimal, steps: Steps) -> Decimal:
    """How many steps of `per` an `amount` is: started (ceil), exact (proportional) or whole (floor)."""
    raw = amount / per
    if steps is Steps.EXACT:
        return raw
    return raw.to_integral_value(rounding=ROUND_CEILING if steps is Steps.STARTED else ROUND_FLOOR)


def compile_aspect(aspect: Aspect) -> Scorer:
    """The scoring function for one aspect, memoised on its values (scoring is pure, and panels
    of a few judges on a small scale repeat the same few combinations across contestants)."""
    inner = _compile(aspect)
    cache: dict[tuple[str, ...], AspectScore] = {}
    judged = aspect.type is AspectType.JUDGEMENT

    def scorer(values: Mapping[str, str]) -> AspectScore:
        key = tuple(values.values()) if judged else (values.get("", ""),)
        hit = cache.get(key)
        if hit is None:
            if len(cache) > 50_000:
                cache.clear()
            hit = cache[key] = inner(values)
        return hit

    return scorer


DeclaredScorer = Callable[[Mapping[str, str], str | None], AspectScore]


def compile_declared(aspect: Aspect) -> DeclaredScorer:
    """The scorer of a judgement whose score each contestant's declared difficulty multiplies
    (`JudgementRule.factor_from`): called with the panel's values and the declared value's text,
    memoised on both. Without a declared value the aspect is missing: a score without its
    difficulty would rank the contestant on a number that is not theirs."""
    rule = aspect.rule
    assert isinstance(rule, JudgementRule) and rule.factor_from
    inner = _judgement(aspect, rule)
    waiting = AspectScore(aspect.code, MISSING, note=f"等待难度系数 {rule.factor_from}")
    cache: dict[tuple[str | None, ...], AspectScore] = {}

    def scorer(values: Mapping[str, str], declared: str | None) -> AspectScore:
        key = (declared, *values.values())
        hit = cache.get(key)
        if hit is None:
            if len(cache) > 50_000:
                cache.clear()
            hit = cache[key] = waiting if declared is None else inner(values, dec(declared))
        return hit

    return scorer


def _compile(aspect: Aspect) -> Scorer:
    rule = aspect.rule
    if aspect.type is AspectType.MEASUREMENT:
        assert isinstance(rule, MeasurementRule)
        return _measurement(aspect, rule)
    if aspect.type is AspectType.JUDGEMENT:
        assert isinstance(rule, JudgementRule)
        return _judgement(aspect, rule)
    if aspect.type is AspectType.TIME:
        assert isinstance(rule, TimeRule)
        return _time(aspect, rule)
    if aspect.type is AspectType.DEDUCTION:
        assert isinstance(rule, DeductionRule)
        return _deduction(aspect, rule)
    assert isinstance(rule, ExamRule)
    return _exam(aspect, rule)


def _single(values: Mapping[str, str]) -> str | None:
    return values.get("") if values else None


def _measurement(aspect: Aspect, rule: MeasurementRule) -> Scorer:
    code, top = aspect.code, aspect.max_mark
    missing = AspectScore(code, MISSING)

    if rule.mode is MeasureMode.GAUGE:

        def gauge(values: Mapping[str, str]) -> AspectScore:
            v = _single(values)
            if v is None:
                return missing
            passed = v == "pass"
            return AspectScore(code, OK, top if passed else ZERO, note="合格" if passed else "不合格 → 0")

        return gauge

    if rule.mode is MeasureMode.GRADE:
        marks = {g.label: min(g.marks, top) for g in rule.grades}

        def grade(values: Mapping[str, str]) -> AspectScore:
            v = _single(values)
            if v is None:
                return missing
            return AspectScore(code, OK, marks.get(v, ZERO), note=f"{v} → {fmt(marks.get(v, ZERO))}")

        return grade

    if rule.mode is MeasureMode.BANDS:
        low = rule.bands_from
        bands = [(b.upto, min(b.marks, top)) for b in rule.bands]

        def band(values: Mapping[str, str]) -> AspectScore:
            v = _single(values)
            if v is None:
                return missing
            x = dec(v)
            if low is not None and x < low:
                return AspectScore(code, OK, ZERO, note=f"{v} < {fmt(low)} → 0")
            for upto, marks in bands:
                if x <= upto:
                    return AspectScore(code, OK, marks, note=f"{v} ≤ {fmt(upto)} → {fmt(marks)}")
            return AspectScore(code, OK, ZERO, note=f"{v} > {fmt(bands[-1][0]) if bands else ''} → 0")

        return band

    nominal = rule.nominal or ZERO
    lo, hi = nominal + (rule.lower or ZERO), nominal + (rule.upper or ZERO)
    deduct = rule.deduct

    def tolerance(values: Mapping[str, str]) -> AspectScore:
        v = _single(values)
        if v is None:
            return missing
        x = dec(v)
        if lo <= x <= hi:
            return AspectScore(code, OK, top, note=f"{v} 在 {fmt(lo)}–{fmt(hi)} 内")
        off = lo - x if x < lo else x - hi
        if deduct is None:
            return AspectScore(code, OK, ZERO, note=f"{v} 超差 {fmt(off)} → 0")
        steps = count_steps(off, deduct.per, deduct.steps)
        score = max(ZERO, top - steps * deduct.marks)
        return AspectScore(
            code,
            OK,
            score,
            note=f"{v} 超差 {fmt(off)} = {fmt(steps)} × {fmt(deduct.per)}，扣 {fmt(steps * deduct.marks)}",
        )

    return tolerance


def _judgement(aspect: Aspect, rule: JudgementRule) -> Scorer:
    code, top = aspect.code, aspect.max_mark
    n, hi_drop, lo_drop = rule.judges, rule.drop_high, rule.drop_low
    span = rule.scale_max - rule.scale_min
    low = rule.scale_min
    limit = rule.spread_limit
    mean_all_on_spread = rule.on_spread == "mean_all"
    fill_missing = rule.missing == "mean_of_others"
    by_mean = rule.combine == "mean"
    factor = rule.factor

    def judged(values: Mapping[str, str], times: Decimal | None = None) -> AspectScore:
        given = [dec(v) for v in values.values()]
        k = len(given)
        if k < n:
            if not fill_missing or k == 0 or k <= hi_drop + lo_drop:
                return AspectScore(code, MISSING, note=f"{k}/{n}")
            filler = sum(given, ZERO) / k
            given = given + [filler] * (n - k)
        given.sort()
        counted = given[lo_drop : len(given) - hi_drop]
        dropped = tuple(given[:lo_drop] + given[len(given) - hi_drop :])
        spread = counted[-1] - counted[0]
        n_count = len(counted)
        total = sum(counted, ZERO)
        note = ""
        if limit is not None and spread > limit:
            if not mean_all_on_spread:
                return AspectScore(
                    code,
                    RESCORE,
                    counted=tuple(counted),
                    dropped=dropped,
                    spread=spread,
                    note=f"分差 {fmt(spread)}",
                )
            # fall back to the mean of all scores, standing in for each counting score
            total = sum(given, ZERO) * n_count / len(given)
            note = f"分差 {fmt(spread)} > {fmt(limit)}，取全部平均；"
        if by_mean:
            # multiply before dividing, so that exact halves stay exact for the rounding
            score = (total - low * n_count) * top / (n_count * span)
            note += f"平均 {fmt(total / n_count)} / {fmt(span)} × {fmt(top)}"
        else:  # a declared difficulty (only with "sum", as validated) multiplies like `factor`
            score = total * factor * (times or ONE)
            note += f"合计 {fmt(total)} × {fmt(factor)}" + (f" × 难度 {fmt(times)}" if times else "")
        if top > 0:
            score = min(max(score, ZERO), top)
        return AspectScore(code, OK, score, tuple(counted), dropped, note, spread=spread, times=times)

    return judged


def _time(aspect: Aspect, rule: TimeRule) -> Scorer:
    code, top = aspect.code, aspect.max_mark
    missing = AspectScore(code, MISSING)

    if rule.mode == "linear":
        best, worst = rule.best_seconds or ZERO, rule.worst_seconds or ZERO

        def linear(values: Mapping[str, str]) -> AspectScore:
            v = _single(values)
            if v is None:
                return missing
            t = dec(v)
            if t <= best:
                return AspectScore(code, OK, top, note=f"{v}s ≤ {fmt(best)}s")
            if t >= worst:
                return AspectScore(code, OK, ZERO, note=f"{v}s ≥ {fmt(worst)}s → 0")
            return AspectScore(code, OK, top * (worst - t) / (worst - best), note=f"{v}s 线性")

        return linear

    limit = (rule.limit_minutes or ZERO) * SIXTY
    cutoff = None if rule.cutoff_minutes is None else rule.cutoff_minutes * SIXTY
    unit = rule.per_minutes * SIXTY
    cap = rule.max_penalty
    # past the cut-off with no declared maximum: the penalty reached at the cut-off itself
    at_cutoff = (
        ZERO if cutoff is None else count_steps(max(cutoff - limit, ZERO), unit, rule.minutes) * rule.marks
    )
    if cap is not None:
        at_cutoff = min(at_cutoff, cap)

    def penalty(values: Mapping[str, str]) -> AspectScore:
        v = _single(values)
        if v is None:
            return missing
        t = dec(v)
        if cutoff is not None and t > cutoff:
            if rule.cutoff == "zero_total":
                return AspectScore(code, OK, ZERO, note=f"{v}s 超过截止时间 → 总分 0", zero_total=True)
            taken = cap if cap is not None else at_cutoff
            score = max(ZERO, top - taken) if top > 0 else -taken
            return AspectScore(code, OK, score, note=f"{v}s 超过截止时间，扣 {fmt(taken)}")
        over = t - limit
        if over <= 0:
            return AspectScore(code, OK, top, note=f"{v}s 未超时")
        units = count_steps(over, unit, rule.minutes)
        taken = units * rule.marks
        if cap is not None:
            taken = min(taken, cap)
        score = max(ZERO, top - taken) if top > 0 else -taken
        return AspectScore(
            code,
            OK,
            score,
            note=f"超时 {fmt(over)}s = {fmt(units)} × {fmt(rule.per_minutes)}分钟，扣 {fmt(taken)}",
        )

    return penalty


def _deduction(aspect: Aspect, rule: DeductionRule) -> Scorer:
    code, top = aspect.code, aspect.max_mark
    missing = AspectScore(code, MISSING)

    def deduction(values: Mapping[str, str]) -> AspectScore:
        v = _single(values)
        if v is None:
            return missing
        taken = dec(v) * rule.per
        if rule.cap is not None:
            taken = min(taken, rule.cap)
        score = max(ZERO, top - taken) if top > 0 else -taken
        return AspectScore(code, OK, score, note=f"{v} 次 × {fmt(rule.per)}，扣 {fmt(taken)}")

    return deduction


def _exam(aspect: Aspect, rule: ExamRule) -> Scorer:
    code, top, out_of = aspect.code, aspect.max_mark, rule.out_of
    missing = AspectScore(code, MISSING)
    same = out_of == top

    def exam(values: Mapping[str, str]) -> AspectScore:
        v = _single(values)
        if v is None:
            return missing
        x = dec(v)
        return AspectScore(code, OK, x if same else x * top / out_of, note=f"{v} / {fmt(out_of)}")

    return exam
