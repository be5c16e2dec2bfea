"""Competition ↔ plain dict (the JSON package's shape).

`to_dict` writes decimals as strings so that "0.021" survives any JSON tool exactly; `from_dict`
accepts strings or numbers. `from_dict` expects data that passed `validate.check_structure`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from scorer.model import (
    BY_SCALE,
    FORMAT_VERSION,
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
    Rule,
    Scale,
    Steps,
    SubCriterion,
    TimeRule,
    Title,
)
from scorer.text import ascii_width


def dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def opt_dec(value: Any) -> Decimal | None:
    return None if value is None or value == "" else dec(value)


def dstr(value: Decimal) -> str:
    """Canonical text of a decimal: no exponent, no needless trailing zeros kept from floats."""
    text = format(value, "f")
    return text


# ---------------------------------------------------------------- rules


def rule_from_dict(kind: AspectType, d: dict[str, Any]) -> Rule:
    if kind is AspectType.MEASUREMENT:
        deduct = d.get("deduct")
        return MeasurementRule(
            mode=MeasureMode(d.get("mode", "tolerance")),
            unit=d.get("unit", "mm"),
            nominal=opt_dec(d.get("nominal")),
            lower=opt_dec(d.get("lower")),
            upper=opt_dec(d.get("upper")),
            deduct=Deduct(dec(deduct["per"]), dec(deduct["marks"]), Steps(deduct.get("steps", "started")))
            if deduct
            else None,
            grades=tuple(Grade(str(g["label"]), dec(g["marks"])) for g in d.get("grades", ())),
            bands_from=opt_dec(d.get("bands_from")),
            bands=tuple(Band(dec(b["upto"]), dec(b["marks"])) for b in d.get("bands", ())),
            decimals=int(d.get("decimals", 4)),
        )
    if kind is AspectType.JUDGEMENT:
        return JudgementRule(
            scale_min=dec(d.get("scale_min", 0)),
            scale_max=dec(d.get("scale_max", 3)),
            step=dec(d.get("step", 1)),
            judges=int(d.get("judges", 3)),
            drop_high=int(d.get("drop_high", 0)),
            drop_low=int(d.get("drop_low", 0)),
            combine=d.get("combine", "mean"),
            factor=dec(d.get("factor", 1)),
            # not given: 1 on a 0–3 scale, no limit otherwise (model.default_spread_limit)
            spread_limit=opt_dec(d["spread_limit"]) if "spread_limit" in d else BY_SCALE,
            on_spread=d.get("on_spread", "rescore"),
            missing=d.get("missing", "wait"),
            factor_from=str(d.get("factor_from", "")),
        )
    if kind is AspectType.TIME:
        return TimeRule(
            mode=d.get("mode", "penalty"),
            limit_minutes=opt_dec(d.get("limit_minutes")),
            per_minutes=dec(d.get("per_minutes", 1)),
            marks=dec(d.get("marks", 1)),
            minutes=Steps(d.get("minutes", "started")),
            cutoff_minutes=opt_dec(d.get("cutoff_minutes")),
            cutoff=d.get("cutoff", "zero_total"),
            max_penalty=opt_dec(d.get("max_penalty")),
            best_seconds=opt_dec(d.get("best_seconds")),
            worst_seconds=opt_dec(d.get("worst_seconds")),
            decimals=int(d["decimals"]) if "decimals" in d else None,
        )
    if kind is AspectType.DEDUCTION:
        return DeductionRule(
            per=dec(d["per"]), cap=opt_dec(d.get("cap")), max_count=int(d.get("max_count", 99))
        )
    return ExamRule(out_of=dec(d["out_of"]), decimals=int(d.get("decimals", 2)))


def _put(out: dict[str, Any], key: str, value: Any, default: Any = None) -> None:
    if value is None or value == default or value == ():
        return
    out[key] = dstr(value) if isinstance(value, Decimal) else value


def _title_dict(t: Title) -> dict[str, Any]:
    """A title as the package writes it: kind and name_en only when set, so older exports stay as they were."""
    out: dict[str, Any] = {"name": t.name, "top": t.top}
    _put(out, "kind", t.kind, "title")
    _put(out, "name_en", t.name_en, "")
    return out


def rule_to_dict(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(rule, MeasurementRule):
        out["mode"] = rule.mode.value
        out["unit"] = rule.unit
        _put(out, "nominal", rule.nominal)
        _put(out, "lower", rule.lower)
        _put(out, "upper", rule.upper)
        if rule.deduct:
            out["deduct"] = {
                "per": dstr(rule.deduct.per),
                "marks": dstr(rule.deduct.marks),
                "steps": rule.deduct.steps.value,
            }
        if rule.grades:
            out["grades"] = [{"label": g.label, "marks": dstr(g.marks)} for g in rule.grades]
        _put(out, "bands_from", rule.bands_from)
        if rule.bands:
            out["bands"] = [{"upto": dstr(b.upto), "marks": dstr(b.marks)} for b in rule.bands]
        _put(out, "decimals", rule.decimals, 4)
    elif isinstance(rule, JudgementRule):
        out = {
            "scale_min": dstr(rule.scale_min),
            "scale_max": dstr(rule.scale_max),
            "step": dstr(rule.step),
            "judges": rule.judges,
            "drop_high": rule.drop_high,
            "drop_low": rule.drop_low,
            "combine": rule.combine,
            "factor": dstr(rule.factor),
            "spread_limit": None if rule.spread_limit is None else dstr(rule.spread_limit),
            "on_spread": rule.on_spread,
            "missing": rule.missing,
        }
        _put(out, "factor_from", rule.factor_from, "")  # left out when unset: exports unchanged
    elif isinstance(rule, TimeRule):
        out["mode"] = rule.mode
        _put(out, "limit_minutes", rule.limit_minutes)
        out["per_minutes"] = dstr(rule.per_minutes)
        out["marks"] = dstr(rule.marks)
        out["minutes"] = rule.minutes.value
        _put(out, "cutoff_minutes", rule.cutoff_minutes)
        out["cutoff"] = rule.cutoff
        _put(out, "max_penalty", rule.max_penalty)
        _put(out, "best_seconds", rule.best_seconds)
        _put(out, "worst_seconds", rule.worst_seconds)
        _put(out, "decimals", rule.decimals)  # left out when not declared: exports unchanged
    elif isinstance(rule, DeductionRule):
        out["per"] = dstr(rule.per)
        _put(out, "cap", rule.cap)
        _put(out, "max_count", rule.max_count, 99)
    else:
        out["out_of"] = dstr(rule.out_of)
        _put(out, "decimals", rule.decimals, 2)
    return out


# ---------------------------------------------------------------- whole package


def event_from_dict(d: dict[str, Any]) -> Event:
    rounding = d.get("rounding", {})
    ranking = d.get("ranking", {})
    awards = d.get("awards", {})
    return Event(
        code=str(d["code"]),
        name=d["name"],
        name_en=d.get("name_en", ""),
        duration_minutes=d.get("duration_minutes"),
        team_size=int(d.get("team_size", 1)),
        team_combine=d.get("team_combine", "sum"),
        components=tuple(
            Component(
                code=str(c["code"]),
                name=c["name"],
                weight=dec(c.get("weight", 1)),
                max_mark=dec(c["max_mark"]),
                name_en=c.get("name_en", ""),
                criteria=tuple(
                    Criterion(
                        code=str(cr["code"]),
                        name=cr["name"],
                        sub_criteria=tuple(
                            SubCriterion(
                                code=str(s["code"]),
                                name=s["name"],
                                day=s.get("day", ""),
                                aspects=tuple(
                                    Aspect(
                                        code=str(a["code"]),
                                        name=a["name"],
                                        type=AspectType(a["type"]),
                                        max_mark=dec(a["max_mark"]),
                                        rule=rule_from_dict(AspectType(a["type"]), a.get("rule", {})),
                                        description=a.get("description", ""),
                                    )
                                    for a in s["aspects"]
                                ),
                            )
                            for s in cr["sub_criteria"]
                        ),
                    )
                    for cr in c["criteria"]
                ),
            )
            for c in d["components"]
        ),
        rounding=Rounding(
            decimals=int(rounding.get("decimals", 2)),
            mode=rounding.get("mode", "half_up"),
            totals_from=rounding.get("totals_from", "rounded"),
        ),
        ranking=Ranking(
            tie_breaks=tuple(ranking.get("tie_breaks", ())),
            shared_medal_places=bool(ranking.get("shared_medal_places", True)),
        ),
        awards=Awards(
            basis=awards.get("basis", "ratio"),
            rounding=awards.get("rounding", "half_up"),
            tiers=tuple(
                AwardTier(
                    name=t["name"],
                    ratio=opt_dec(t.get("ratio")),
                    places=t.get("places"),
                    threshold=opt_dec(t.get("threshold")),
                    name_en=t.get("name_en", ""),
                )
                for t in awards.get("tiers", ())
            ),
        ),
        titles=tuple(
            Title(t["name"], int(t["top"]), t.get("kind", "title"), t.get("name_en", ""))
            for t in d.get("titles", ())
        ),
        scale=Scale(
            centre=d["scale"].get("centre", "median"),
            spread=d["scale"].get("spread", "mad_normal"),
            points_per_spread=dec(d["scale"].get("points_per_spread", 30)),
            centre_points=dec(d["scale"].get("centre_points", 700)),
            decimals=int(d["scale"].get("decimals", 0)),
        )
        if d.get("scale")
        else None,
    )


def contestant_from_dict(d: dict[str, Any]) -> Contestant:
    return Contestant(
        reg_no=str(d["reg_no"]),
        name=d["name"],
        organisation=d.get("organisation", ""),
        event=str(d["event"]),
        code=str(d["code"]),
        # labels read as the spreadsheet reads them (full-width letters and digits as ASCII), so a
        # package says the same whether it came as JSON, XLSX or CSV (found by tests/test_package_fuzz.py)
        station=ascii_width(str(d.get("station", ""))),
        district=ascii_width(d.get("district", "")),
        industry=ascii_width(d.get("industry", "")),
        team=ascii_width(str(d.get("team", ""))),
        gender=ascii_width(d.get("gender", "")),
    )


def judge_from_dict(d: dict[str, Any], pin_hash: str = "") -> Judge:
    return Judge(
        code=str(d["code"]),
        name=d["name"],
        role=Role(d.get("role", "judge")),
        organisation=d.get("organisation", ""),
        pin_hash=pin_hash or d.get("pin_hash", ""),
        assignments=tuple(
            Assignment(event=str(a["event"]), scope=tuple(str(s) for s in a.get("scope", ["*"])))
            for a in d.get("assignments", ())
        ),
    )


def from_dict(d: dict[str, Any], pin_hashes: dict[str, str] | None = None) -> Competition:
    """Build a Competition from structurally valid package data.

    `pin_hashes` maps judge code → hash for judges whose package gave a plain `pin`.
    """
    c = d["competition"]
    pin_hashes = pin_hashes or {}
    return Competition(
        id=str(c["id"]),
        name=c["name"],
        organiser=c.get("organiser", ""),
        venue=c.get("venue", ""),
        start_date=str(c.get("start_date", "")),
        end_date=str(c.get("end_date", "")),
        verify_url=str(c.get("verify_url", "")).strip(),
        format_version=int(d.get("format_version", FORMAT_VERSION)),
        events=tuple(event_from_dict(e) for e in d.get("events", ())),
        contestants=tuple(contestant_from_dict(x) for x in d.get("contestants", ())),
        judges=tuple(judge_from_dict(j, pin_hashes.get(str(j["code"]), "")) for j in d.get("judges", ())),
    )


def event_to_dict(e: Event) -> dict[str, Any]:
    out: dict[str, Any] = {"code": e.code, "name": e.name}
    _put(out, "name_en", e.name_en, "")
    _put(out, "duration_minutes", e.duration_minutes)
    _put(out, "team_size", e.team_size, 1)
    if e.team_size != 1:
        out["team_combine"] = e.team_combine
    out["components"] = [
        {
            "code": c.code,
            "name": c.name,
            **({"name_en": c.name_en} if c.name_en else {}),
            "weight": dstr(c.weight),
            "max_mark": dstr(c.max_mark),
            "criteria": [
                {
                    "code": cr.code,
                    "name": cr.name,
                    "sub_criteria": [
                        {
                            "code": s.code,
                            "name": s.name,
                            **({"day": s.day} if s.day else {}),
                            "aspects": [
                                {
                                    "code": a.code,
                                    "name": a.name,
                                    "type": a.type.value,
                                    "max_mark": dstr(a.max_mark),
                                    "rule": rule_to_dict(a.rule),
                                    **({"description": a.description} if a.description else {}),
                                }
                                for a in s.aspects
                            ],
                        }
                        for s in cr.sub_criteria
                    ],
                }
                for cr in c.criteria
            ],
        }
        for c in e.components
    ]
    out["rounding"] = {
        "decimals": e.rounding.decimals,
        "mode": e.rounding.mode,
        "totals_from": e.rounding.totals_from,
    }
    out["ranking"] = {
        "tie_breaks": list(e.ranking.tie_breaks),
        "shared_medal_places": e.ranking.shared_medal_places,
    }
    tiers = []
    for t in e.awards.tiers:
        tier: dict[str, Any] = {"name": t.name}
        _put(tier, "ratio", t.ratio)
        _put(tier, "places", t.places)
        _put(tier, "threshold", t.threshold)
        _put(tier, "name_en", t.name_en, "")
        tiers.append(tier)
    out["awards"] = {"basis": e.awards.basis, "rounding": e.awards.rounding, "tiers": tiers}
    if e.titles:
        out["titles"] = [_title_dict(t) for t in e.titles]
    if e.scale:
        out["scale"] = {
            "centre": e.scale.centre,
            "spread": e.scale.spread,
            "points_per_spread": dstr(e.scale.points_per_spread),
            "centre_points": dstr(e.scale.centre_points),
            "decimals": e.scale.decimals,
        }
    return out


def contestant_to_dict(x: Contestant) -> dict[str, Any]:
    out: dict[str, Any] = {
        "reg_no": x.reg_no,
        "name": x.name,
        "organisation": x.organisation,
        "event": x.event,
        "code": x.code,
    }
    for key in ("station", "district", "industry", "team", "gender"):
        _put(out, key, getattr(x, key), "")
    return out


def judge_to_dict(j: Judge, pin: str = "") -> dict[str, Any]:
    """A judge; `pin` writes a plain PIN (hashed on import), as a hand-made or demo package gives it."""
    out: dict[str, Any] = {"code": j.code, "name": j.name, "role": j.role.value}
    _put(out, "organisation", j.organisation, "")
    _put(out, "pin_hash", j.pin_hash, "")
    _put(out, "pin", pin, "")
    out["assignments"] = [{"event": a.event, "scope": list(a.scope)} for a in j.assignments]
    return out


def to_dict(comp: Competition, pins: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The package dict; `pins` (judge code → plain PIN) is for packages that give PINs in the clear."""
    c: dict[str, Any] = {"id": comp.id, "name": comp.name}
    for key in ("organiser", "venue", "start_date", "end_date", "verify_url"):
        _put(c, key, getattr(comp, key), "")
    return {
        "format": "scorer-competition",
        "format_version": FORMAT_VERSION,
        "competition": c,
        "events": [event_to_dict(e) for e in comp.events],
        "contestants": [contestant_to_dict(x) for x in comp.contestants],
        "judges": [judge_to_dict(j, (pins or {}).get(j.code, "")) for j in comp.judges],
    }
