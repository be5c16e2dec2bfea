"""The rules engine: pure, deterministic scoring of an event from its scheme and current marks.

    rules = EventRules(event)
    result = rules.compute(contestants, marks, statuses)   # marks: contestant → aspect → slot → value
    explain(event, result, "C01", "C02")                   # the decisive step, in words

Everything is `Decimal`; rounding is the scheme's (`Event.rounding`), applied where it says.
"""

from scorer.rules.aspects import AspectScore, compile_aspect
from scorer.rules.compute import EventRules
from scorer.rules.explain import explain
from scorer.rules.results import ContestantResult, EventResult, Flag, TeamResult

__all__ = [
    "AspectScore",
    "ContestantResult",
    "EventResult",
    "EventRules",
    "Flag",
    "TeamResult",
    "compile_aspect",
    "explain",
]
