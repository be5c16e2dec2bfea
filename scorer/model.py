"""Domain types of a competition definition.

Immutable dataclasses: a competition is loaded once (from a package or from the store's log) and
shared read-only by the rules, the UI and the reports. Marks are `Decimal`; rule parameters are
typed so that the rules engine never has to guess what a key means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

FORMAT_VERSION = 1
"""Version of the competition package format written by this program."""


class AspectType(StrEnum):
    MEASUREMENT = "measurement"  # M: measured against a tolerance, a gauge, a grade or a band table
    JUDGEMENT = "judgement"  # J: each judge of a panel scores on a scale
    TIME = "time"  # time taken against a limit
    DEDUCTION = "deduction"  # violations counted, marks per violation, capped
    EXAM = "exam"  # an imported number (theory paper), scaled


class Role(StrEnum):
    COORDINATOR = "coordinator"  # 赛务/记分: set-up, printing, sync
    CHIEF = "chief"  # 裁判长: lock, unlock with reason, resolve conflicts
    JUDGE = "judge"  # 评分裁判: enters marks for assigned aspects, sees codes only
    CLERK = "clerk"  # 录分员: enters paper sheets, double entry
    ENCRYPTION = "encryption"  # 加密裁判: holds the code ↔ person mapping


class MeasureMode(StrEnum):
    TOLERANCE = "tolerance"  # nominal + deviations; out of tolerance → 0 or −k per step
    GAUGE = "gauge"  # go/no-go gauge: pass → full mark, fail → 0
    GRADE = "grade"  # a named grade (Ra 1.6, 焊缝 Ⅱ级) → marks
    BANDS = "bands"  # a measured value falls in a band → marks (焊缝余高 0–1 mm → 16)


class Steps(StrEnum):
    """How a deviation is counted in steps (每超差 0.01 扣 3 分: 0.015 outside is …)."""

    STARTED = "started"  # … 2 steps: a started step counts as a whole one
    EXACT = "exact"  # … 1.5 steps: proportional
    WHOLE = "whole"  # … 1 step: only completed steps count


@dataclass(frozen=True, slots=True)
class Deduct:
    """ "每超差 0.01 扣 3 分": `marks` off for each `per` (in the aspect's unit) outside tolerance."""

    per: Decimal
    marks: Decimal
    steps: Steps = Steps.STARTED


@dataclass(frozen=True, slots=True)
class Grade:
    label: str
    marks: Decimal


@dataclass(frozen=True, slots=True)
class Band:
    """Values up to and including `upto` (and above the previous band) earn `marks`."""

    upto: Decimal
    marks: Decimal


@dataclass(frozen=True, slots=True)
class MeasurementRule:
    mode: MeasureMode
    unit: str = "mm"
    nominal: Decimal | None = None
    lower: Decimal | None = None  # lower deviation, e.g. -0.03 (tolerance mode)
    upper: Decimal | None = None  # upper deviation, e.g. +0.021 (tolerance mode)
    deduct: Deduct | None = None  # absent: out of tolerance → 0 (超差不得分)
    grades: tuple[Grade, ...] = ()  # grade mode
    bands_from: Decimal | None = None  # bands mode: values below this earn 0
    bands: tuple[Band, ...] = ()
    decimals: int = 4  # most decimals a reading may carry


BY_SCALE: Any = object()
"""Marks a judgement rule's spread limit as not given: `default_spread_limit` decides it."""


@dataclass(frozen=True, slots=True)
class JudgementRule:
    scale_min: Decimal = Decimal(0)
    scale_max: Decimal = Decimal(3)
    step: Decimal = Decimal(1)
    judges: int = 3  # panel size
    drop_high: int = 0
    drop_low: int = 0
    combine: str = "mean"  # "mean": mean / scale_max × max_mark; "sum": sum × factor
    factor: Decimal = Decimal(1)
    # counting scores further apart → re-score; None: no limit. Not given: default_spread_limit
    spread_limit: Decimal | None = BY_SCALE
    on_spread: str = "rescore"  # "rescore" | "mean_all"
    missing: str = "wait"  # "wait" | "mean_of_others"
    # code of a declared-difficulty aspect (grade mode, max 0): its value per contestant multiplies
    factor_from: str = ""

    def __post_init__(self) -> None:
        if self.spread_limit is BY_SCALE:
            object.__setattr__(self, "spread_limit", default_spread_limit(self.scale_min, self.scale_max))


def default_spread_limit(scale_min: Decimal, scale_max: Decimal) -> Decimal | None:
    """The spread limit when a scheme gives none: 1 on the WorldSkills 0–3 scale (where it is the
    rule), no limit on any other scale (a fixed 1 would send ordinary 0–10 or 0–100 panels back)."""
    return Decimal(1) if scale_min == 0 and scale_max == 3 else None


@dataclass(frozen=True, slots=True)
class TimeRule:
    mode: str = "penalty"  # "penalty" | "linear"
    limit_minutes: Decimal | None = None  # penalty: over this, marks off
    per_minutes: Decimal = Decimal(1)  # penalty unit: marks per `per_minutes` over the limit
    marks: Decimal = Decimal(1)
    minutes: Steps = Steps.STARTED
    cutoff_minutes: Decimal | None = None  # absolute cut-off: over it the aspect scores per `cutoff`
    cutoff: str = "zero_total"  # "zero_total" | "max_penalty"
    max_penalty: Decimal | None = None
    best_seconds: Decimal | None = None  # linear: best → max_mark, worst → 0
    worst_seconds: Decimal | None = None
    # Decimals of a second kept (and shown). None, not declared: typed times as typed (≤ 4), a
    # timer's times in whole seconds (values.timer_seconds truncates, as timers display).
    decimals: int | None = None


@dataclass(frozen=True, slots=True)
class DeductionRule:
    """Violations counted; within an item (max_mark > 0) or from the total (max_mark = 0)."""

    per: Decimal
    cap: Decimal | None = None
    max_count: int = 99


@dataclass(frozen=True, slots=True)
class ExamRule:
    out_of: Decimal  # the paper's own maximum; scaled to the aspect's max_mark
    decimals: int = 2


Rule = MeasurementRule | JudgementRule | TimeRule | DeductionRule | ExamRule


@dataclass(frozen=True, slots=True)
class Aspect:
    code: str  # unique within its event, e.g. "A1.3"
    name: str
    type: AspectType
    max_mark: Decimal
    rule: Rule
    description: str = ""


@dataclass(frozen=True, slots=True)
class SubCriterion:
    code: str
    name: str
    aspects: tuple[Aspect, ...]
    day: str = ""


@dataclass(frozen=True, slots=True)
class Criterion:
    code: str
    name: str
    sub_criteria: tuple[SubCriterion, ...]


@dataclass(frozen=True, slots=True)
class Component:
    """理论 / 实操: each marked out of `max_mark`, combined by `weight`."""

    code: str
    name: str
    weight: Decimal
    max_mark: Decimal
    criteria: tuple[Criterion, ...]
    name_en: str = ""  # shown in English mode (ranking columns) when the package gives it


@dataclass(frozen=True, slots=True)
class Rounding:
    decimals: int = 2
    mode: str = "half_up"  # decimal rounding name without ROUND_: half_up, half_even, down, up
    totals_from: str = "rounded"  # "rounded" parts or "unrounded" parts


@dataclass(frozen=True, slots=True)
class Ranking:
    tie_breaks: tuple[str, ...] = ()  # "component:P", "criterion:A", "aspect:T", "time"
    shared_medal_places: bool = True


@dataclass(frozen=True, slots=True)
class AwardTier:
    name: str
    ratio: Decimal | None = None  # by ratio of the group
    places: int | None = None  # by place
    threshold: Decimal | None = None  # by total
    name_en: str = ""  # shown in the English interface; "" = the Chinese name


@dataclass(frozen=True, slots=True)
class Awards:
    basis: str = "ratio"  # "ratio" | "place" | "threshold"
    rounding: str = "half_up"  # of ratio × N: "half_up", "down", "up"
    tiers: tuple[AwardTier, ...] = ()


@dataclass(frozen=True, slots=True)
class Scale:
    """A configurable standardisation of totals (e.g. 700-centred); never an official formula."""

    centre: str = "median"  # "median" | "mean"
    spread: str = "mad_normal"  # "sd" | "mad" | "mad_normal" (1.4826 × MAD)
    points_per_spread: Decimal = Decimal(30)
    centre_points: Decimal = Decimal(700)
    decimals: int = 0


@dataclass(frozen=True, slots=True)
class Title:
    name: str
    top: int
    kind: str = "title"  # "title" (称号, 授予…称号) | "medal" (奖章): worded differently on certificates
    name_en: str = ""  # shown in the English interface; "" = the Chinese name


@dataclass(frozen=True, slots=True)
class Event:
    code: str
    name: str
    components: tuple[Component, ...]
    name_en: str = ""
    duration_minutes: int | None = None
    team_size: int = 1
    team_combine: str = "sum"  # "sum" | "mean"
    rounding: Rounding = field(default_factory=Rounding)
    ranking: Ranking = field(default_factory=Ranking)
    awards: Awards = field(default_factory=Awards)
    titles: tuple[Title, ...] = ()
    scale: Scale | None = None

    def aspects(self) -> dict[str, Aspect]:
        """Every aspect of the event by code, in scheme order."""
        return {
            a.code: a
            for comp in self.components
            for crit in comp.criteria
            for sub in crit.sub_criteria
            for a in sub.aspects
        }


STATUS_NAMES: dict[str, tuple[str, str]] = {
    "ok": ("", ""),
    "absent": ("缺考", "absent"),
    "dnf": ("未完成", "did not finish"),
    "withdrawn": ("弃权", "withdrawn"),
    "dq": ("取消资格", "disqualified"),
}
"""A contestant's status as every document and screen names it (the UI's ResultsModel mirrors it)."""


@dataclass(frozen=True, slots=True)
class Contestant:
    reg_no: str  # 参赛证号 / registration number, unique in the competition
    name: str
    organisation: str
    event: str  # event code
    code: str  # 加密号: the anonymous code judges see; unique in the competition
    station: str = ""  # 机位号, drawn at check-in
    district: str = ""
    industry: str = ""
    team: str = ""
    gender: str = ""


@dataclass(frozen=True, slots=True)
class Assignment:
    """A judge may mark these aspects of one event; `scope` holds criterion, sub-criterion or
    aspect codes, or "*" for the whole event."""

    event: str
    scope: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Judge:
    code: str
    name: str
    role: Role
    organisation: str = ""
    pin_hash: str = ""
    assignments: tuple[Assignment, ...] = ()


@dataclass(frozen=True, slots=True)
class Competition:
    id: str  # stable identifier, e.g. "2026-sh-zgjs"
    name: str
    organiser: str = ""
    venue: str = ""
    start_date: str = ""
    end_date: str = ""
    events: tuple[Event, ...] = ()
    contestants: tuple[Contestant, ...] = ()
    judges: tuple[Judge, ...] = ()
    format_version: int = FORMAT_VERSION
    # headquarters' public address for certificate verification: a certificate's QR code carries
    # <verify_url>/verify/<code> ("" → the enrolled headquarters' address, else no address)
    verify_url: str = ""

    def event(self, code: str) -> Event | None:
        return next((e for e in self.events if e.code == code), None)


@dataclass(frozen=True, slots=True)
class Station:
    """This laptop's identity: every log row it writes carries `id`."""

    id: str
    name: str
    created: str
