"""Why A ranks above B: the decisive step of the ranking, in words, Chinese and English.

"总分相同 85.50；实操 62.00 > 60.00 → C02 领先" — the same comparison `rank` makes, step by step.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from scorer.errors import ScorerError, language
from scorer.model import Event, JudgementRule
from scorer.rules.aspects import fmt
from scorer.rules.ranking import tie_value
from scorer.rules.results import ContestantResult, EventResult
from scorer.rules.rounding import quantum


@dataclass(frozen=True, slots=True)
class Explanation:
    ahead: str | None  # the code ranked higher, None for a tie
    zh: str
    en: str

    def text(self, lang: str | None = None) -> str:
        return self.en if (lang or language()) == "en" else self.zh


def labels(event: Event) -> dict[str, tuple[str, str]]:
    """Tie-break spec → (Chinese label, English label)."""
    out: dict[str, tuple[str, str]] = {"time": ("用时", "time")}
    for comp in event.components:
        out[f"component:{comp.code}"] = (comp.name, comp.name)
        for crit in comp.criteria:
            out[f"criterion:{crit.code}"] = (f"{crit.code} {crit.name}", f"{crit.code} {crit.name}")
            for sub in crit.sub_criteria:
                out[f"sub_criterion:{sub.code}"] = (f"{sub.code} {sub.name}", f"{sub.code} {sub.name}")
                for a in sub.aspects:
                    out[f"aspect:{a.code}"] = (f"{a.code} {a.name}", f"{a.code} {a.name}")
    return out


def _v(value: Decimal | None, q: Decimal) -> str:
    return "—" if value is None else str(value.quantize(q))


def _declared(event: Event, ra: ContestantResult, rb: ContestantResult) -> tuple[str, str]:
    """Both contestants' declared difficulties (factor_from), when the event has any: they
    multiply a panel's score, so they are part of why one is ahead."""
    zh: list[str] = []
    en: list[str] = []
    for a in event.aspects().values():
        if not (isinstance(a.rule, JudgementRule) and a.rule.factor_from):
            continue
        sa, sb = ra.aspects.get(a.code), rb.aspects.get(a.code)
        ta, tb = (fmt(s.times) if s and s.times is not None else "—" for s in (sa, sb))
        zh.append(f"{a.code} {a.name} 难度系数 {ra.code} {ta}，{rb.code} {tb}")
        en.append(f"{a.code} {a.name} declared difficulty {ra.code} {ta}, {rb.code} {tb}")
    return ("（" + "；".join(zh) + "）", " (" + "; ".join(en) + ")") if zh else ("", "")


def explain(event: Event, result: EventResult, a: str, b: str) -> Explanation:
    by_code = result.by_code()
    for code in (a, b):
        if code not in by_code:
            raise ScorerError(
                f"项目 {event.code} 中没有选手 {code}", f"no contestant {code} in event {event.code}"
            )
    ra, rb = by_code[a], by_code[b]
    for r in (ra, rb):
        if r.rank is None:
            other = rb if r is ra else ra
            return Explanation(
                other.code if other.rank is not None else None,
                f"{r.code} 未参加排名（{r.status}）",
                f"{r.code} is not ranked ({r.status})",
            )
    q = quantum(event)
    zh: list[str] = []
    en: list[str] = []
    dzh, den = _declared(event, ra, rb)
    if ra.total != rb.total:
        hi, lo = (ra, rb) if ra.total > rb.total else (rb, ra)
        return Explanation(
            hi.code,
            f"总分 {hi.code} {_v(hi.total, q)} > {lo.code} {_v(lo.total, q)} → {hi.code} 领先{dzh}",
            f"total {hi.code} {_v(hi.total, q)} > {lo.code} {_v(lo.total, q)} → {hi.code} ahead{den}",
        )
    zh.append(f"总分相同 {_v(ra.total, q)}")
    en.append(f"equal totals {_v(ra.total, q)}")
    names = labels(event)
    for spec in event.ranking.tie_breaks:
        va, vb = tie_value(event, ra, spec), tie_value(event, rb, spec)
        name_zh, name_en = names.get(spec, (spec, spec))
        if va == vb:
            zh.append(f"{name_zh}相同 {_v(va, q)}")
            en.append(f"{name_en} equal {_v(va, q)}")
            continue
        shorter_wins = spec == "time"
        if va is None or vb is None:
            better = ra if vb is None else rb
        elif shorter_wins:
            better = ra if va < vb else rb
        else:
            better = ra if va > vb else rb
        vb_, vw = (va, vb) if better is ra else (vb, va)
        op = "<" if shorter_wins else ">"
        zh.append(f"{name_zh} {_v(vb_, q)} {op} {_v(vw, q)} → {better.code} 领先")
        en.append(f"{name_en} {_v(vb_, q)} {op} {_v(vw, q)} → {better.code} ahead")
        return Explanation(better.code, "；".join(zh) + dzh, "; ".join(en) + den)
    zh.append(f"所有并列规则都相同 → 并列第 {ra.rank} 名")
    en.append(f"every tie-break equal → both placed {ra.rank}")
    return Explanation(None, "；".join(zh) + dzh, "; ".join(en) + den)
