"""How a device event reads for people, in `scorer device listen` and the devices tab.

A timer's value is seconds (since midnight for a start or finish impulse): 78396.3910 s means
nothing at the finish line. So a timer reading shows its clock time as the timer displays it
(hh:mm:ss.ffff) and, where it has one, its run time as a duration (`scorer.values.show_duration`).
A cancel names the reading it withdraws (channel, time, bib), so the judge can tell which one went.
"""

from __future__ import annotations

from scorer.devices.protocols.base import Control, Reading
from scorer.errors import language
from scorer.values import show_duration

# Timer readings whose value is a duration, not a moment of the day.
DURATIONS = frozenset({"run_time", "total_time", "lap", "split"})


def _t(zh: str, en: str) -> str:
    return en if language() == "en" else zh


def time_of_day(reading: Reading) -> str:
    """The clock time as the timer shows it (hh:mm:ss.ffff), or "" when the reading is no moment."""
    sent = reading.time_of_day
    if not sent or reading.kind in DURATIONS:
        return ""
    if len(sent) == 10 and sent.isdigit():  # Microgate sends hhmmssffff
        return f"{sent[0:2]}:{sent[2:4]}:{sent[4:6]}.{sent[6:]}"
    return sent


def run_time(reading: Reading) -> str:
    """A duration the timer measured (h:mm:ss.ff / m:ss.ff), or "" when the reading has none.

    A run time, total, lap or split is one; so is a time from a timer that sends no clock time
    (the text timer's STOP 23456 is 23.456 s since its START)."""
    if reading.unit != "s" or reading.value is None:
        return ""
    if reading.kind in DURATIONS or (not reading.time_of_day and reading.kind != "value"):
        return show_duration(reading.value)
    return ""


def value(reading: Reading) -> str:
    """The reading as people read it: a timer's clock time and/or run time, else value and unit."""
    if reading.unit == "s" and reading.kind != "value":
        shown = " ".join(part for part in (time_of_day(reading), run_time(reading)) if part)
        if shown:
            return shown
    text = "" if reading.value is None else format(reading.value, "f")
    return f"{text} {reading.unit}".strip()


def describe(reading: Reading) -> str:
    """One line for a timer reading: channel, clock time, run time, bib (what a cancel withdraws)."""
    parts = [reading.channel, time_of_day(reading), run_time(reading)]
    if reading.bib:
        parts.append(_t(f"号码 {reading.bib}", f"bib {reading.bib}"))
    return " ".join(part for part in parts if part)


def cancelled(control: Control) -> str:
    """What a cancel withdraws, e.g. "撤销 C0 21:46:36.3910 号码 0035" ("" for other controls)."""
    if control.kind != "cancel" or control.cancels is None:
        return ""
    return _t(f"撤销 {describe(control.cancels)}", f"cancels {describe(control.cancels)}")
