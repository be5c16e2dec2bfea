"""The demo competition: the shipped package imported into a competition file in the user's data
folder, with marks for most contestants so the screens have something to show.

The marks are generated deterministically (fixed seed) and entered through the same `Store` calls a
judge's Enter uses; a few contestants are left without marks so "missing marks" shows too.
"""

from __future__ import annotations

import os
import random
from decimal import Decimal
from pathlib import Path

from scorer import package
from scorer.model import (
    Aspect,
    AspectType,
    Competition,
    DeductionRule,
    ExamRule,
    JudgementRule,
    MeasurementRule,
    MeasureMode,
    Role,
    TimeRule,
)
from scorer.resources import data_dir, resource_path
from scorer.store import Store

DEMO_PACKAGE = resource_path("demo", "demo-competition.json")


def demo_path() -> Path:
    return data_dir() / "demo.scorer"


def ensure_demo(path: Path | None = None) -> Path:
    """Create the demo competition file if it does not exist yet; its path."""
    path = path or demo_path()
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    comp = package.load(DEMO_PACKAGE)
    tmp = path.with_name(path.name + ".new")
    for leftover in (tmp, Path(f"{tmp}.head"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    with Store.create(tmp, "演示 / demo") as store:
        store.set_competition(comp, "coordinator", "import")
        enter_demo_marks(store, comp)
    os.replace(f"{tmp}.head", f"{path}.head")
    os.replace(tmp, path)
    return path


def _value(aspect: Aspect, rng: random.Random) -> str:
    rule = aspect.rule
    if isinstance(rule, MeasurementRule):
        if rule.mode is MeasureMode.GAUGE:
            return "pass" if rng.random() < 0.85 else "fail"
        if rule.mode is MeasureMode.GRADE:
            return rng.choice(rule.grades[: max(2, len(rule.grades) - 1)]).label
        if rule.mode is MeasureMode.BANDS:
            top = rule.bands[-1].upto if rule.bands else Decimal(3)
            low = rule.bands_from if rule.bands_from is not None else Decimal(0)
            return str((low + (top - low) * Decimal(rng.randint(0, 110)) / 100).quantize(Decimal("0.1")))
        nominal = rule.nominal or Decimal(0)
        lo, hi = nominal + (rule.lower or 0), nominal + (rule.upper or 0)
        width = max(hi - lo, Decimal("0.01"))
        value = lo - width / 2 + width * 2 * Decimal(rng.randint(0, 100)) / 100
        return str(value.quantize(Decimal("0.001")))
    if isinstance(rule, JudgementRule):
        steps = int((rule.scale_max - rule.scale_min) / rule.step)
        return str(rule.scale_min + rule.step * rng.randint(steps // 3, steps))
    if isinstance(rule, TimeRule):
        base = (rule.limit_minutes or Decimal(120)) * 60
        return str(base - 1200 + rng.randint(0, 1800))
    if isinstance(rule, DeductionRule):
        return str(min(rng.choice([0, 0, 0, 1, 1, 2]), rule.max_count))
    assert isinstance(rule, ExamRule)
    return str((rule.out_of * Decimal(rng.randint(55, 98)) / 100).quantize(Decimal("0.5")))


def _panel_value(aspect: Aspect, base: str, rng: random.Random) -> str:
    """Judges of a panel mostly agree (within one step); now and then one is far off."""
    rule = aspect.rule
    assert isinstance(rule, JudgementRule)
    offset = rule.step * rng.choice([0, 0, 1]) if rng.random() > 0.04 else rule.step * 3
    return str(min(rule.scale_max, max(rule.scale_min, Decimal(base) - offset)))


def enter_demo_marks(store: Store, comp: Competition, seed: int = 2026) -> int:
    """Enter plausible marks for all but the last two contestants of each event; the count."""
    rng = random.Random(seed)
    judges = [j for j in comp.judges if j.role is Role.JUDGE]
    count = 0
    for event in comp.events:
        entrants = [x for x in comp.contestants if x.event == event.code]
        for contestant in entrants[:-2]:
            for aspect in event.aspects().values():
                markers = [j for j in judges if store.may_mark(j, event.code, aspect.code)]
                if aspect.type is not AspectType.JUDGEMENT:
                    markers = markers[:1]
                base = _value(aspect, rng)
                for judge in markers:
                    store.record_mark(
                        judge=judge.code,
                        contestant=contestant.code,
                        aspect=aspect.code,
                        value=_panel_value(aspect, base, rng)
                        if aspect.type is AspectType.JUDGEMENT
                        else base,
                        source="import",
                    )
                    count += 1
    return count
