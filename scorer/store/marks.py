"""Marks and statuses as entries: what is validated before anything is written.

A first mark (`mark_entry`), a correction or a void (`replacement`) and a contestant status
(`status_entry`) become an `Entry` with its projection statements, or are refused with the reason
(MarkRefused), writing nothing. The Store appends the entry.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from scorer.errors import MarkRefused, unassigned
from scorer.model import AspectType, Event, Judge, Role
from scorer.store import projections
from scorer.store.definition import Index
from scorer.store.log import Entry
from scorer.values import parse_value

MARK_ROLES = {Role.JUDGE, Role.CHIEF}
STATUSES = ("ok", "absent", "dnf", "withdrawn", "dq")


def may_mark(index: Index, judge: Judge, event: str, aspect: str) -> bool:
    """Is `aspect` within one of the judge's assignments (by aspect, its parents, or "*")?"""
    parents = index["scopes"][event].get(aspect, ())
    for asg in judge.assignments:
        if asg.event == event and any(s == "*" or s in parents for s in asg.scope):
            return True
    return False


def resolve(index: Index, judge: str, contestant: str, aspect: str) -> tuple[Judge, Event, Any]:
    j = index["judges"].get(judge)
    if j is None:
        raise MarkRefused(f"没有代码为“{judge}”的裁判", f"no judge with code '{judge}'")
    x = index["contestants"].get(contestant)
    if x is None:
        raise MarkRefused(f"没有加密号为“{contestant}”的选手", f"no contestant with code '{contestant}'")
    event = index["events"][x.event]
    a = index["aspects"][x.event].get(aspect)
    if a is None:
        raise MarkRefused(
            f"项目“{event.name}”没有评分项“{aspect}”", f"event '{event.code}' has no aspect '{aspect}'"
        )
    if j.role not in MARK_ROLES:
        raise MarkRefused(
            f"{j.name}（{j.code}）的角色不能评分", f"{j.name} ({j.code}) has a role that cannot mark"
        )
    if not j.assignments:
        chief = j.role is Role.CHIEF
        raise unassigned(j.code, "裁判长" if chief else "裁判", "chief judge" if chief else "judge")
    if not may_mark(index, j, event.code, aspect):
        raise MarkRefused(
            f"裁判 {j.code} 没有被分配评分项 {aspect}（项目 {event.code}）",
            f"judge {j.code} is not assigned to aspect {aspect} of event {event.code}",
        )
    return j, event, a


def mark_entry(
    index: Index,
    *,
    judge: str,
    contestant: str,
    aspect: str,
    value: str,
    source: str,
    raw: bytes | None,
    actor: str | None,
) -> Entry:
    """The validated log entry for a first mark (MarkRefused with the reason if it is not valid)."""
    j, event, a = resolve(index, judge, contestant, aspect)
    canonical_value = parse_value(a, value)
    payload = {
        "event": event.code,
        "contestant": contestant,
        "aspect": aspect,
        "judge": j.code,
        "slot": j.code if a.type is AspectType.JUDGEMENT else "",
        "value": canonical_value,
        **typed(value, canonical_value),
    }
    return Entry("mark", payload, actor or j.code, source, raw, projections.mark(payload))


def refuse_filled(conn: sqlite3.Connection, entry: Entry) -> None:
    """Raise MarkRefused if the entry's slot already has a mark (its primary key refused it)."""
    p = entry.payload
    r = conn.execute(
        "SELECT log_id, value, judge FROM marks WHERE contestant = ? AND aspect = ? AND slot = ?",
        (p["contestant"], p["aspect"], p["slot"]),
    ).fetchone()
    if r is not None:
        raise MarkRefused(
            f"{p['contestant']} 的 {p['aspect']} 已有分数 {r[1]}（记录 #{r[0]}，裁判 {r[2]}）；修改请用更正并写明原因",
            f"{p['contestant']} {p['aspect']} already has {r[1]} (log #{r[0]}, judge {r[2]}); "
            "use a correction with a reason to change it",
        ) from None


def current_by_log_id(conn: sqlite3.Connection, replaces: int) -> tuple[Any, ...]:
    """The current mark set by log row `replaces` (MarkRefused if that is not a current mark)."""
    if not isinstance(replaces, int) or not 0 < replaces < 2**63:  # SQLite's integers: no OverflowError
        raise MarkRefused(f"没有可更正的分数记录 #{replaces}", f"no current mark with log id #{replaces}")
    r = conn.execute(
        "SELECT contestant, aspect, slot, event, judge, value, first_id FROM marks WHERE log_id = ?",
        (replaces,),
    ).fetchone()
    if r is None:
        newer = conn.execute(
            "SELECT id FROM log WHERE kind IN ('mark.correct', 'mark.void')"
            " AND json_extract(payload, '$.replaces') = ? LIMIT 1",
            (replaces,),
        ).fetchone()
        if newer:
            raise MarkRefused(
                f"记录 #{replaces} 已被 #{newer[0]} 更正或作废，请更正当前的分数",
                f"log #{replaces} was already replaced by #{newer[0]}; correct the current mark",
            )
        raise MarkRefused(f"没有可更正的分数记录 #{replaces}", f"no current mark with log id #{replaces}")
    return r


def replacement(
    index: Index,
    conn: sqlite3.Connection,
    *,
    replaces: int,
    value: str | None,
    reason: str,
    actor: str,
    source: str,
    void: bool,
    raw: bytes | None,
) -> tuple[Entry, Callable[[sqlite3.Connection], None]]:
    """The entry that corrects (or voids) the current mark set by row `replaces`, and the check
    that it is still current inside the writing transaction."""
    reason = (reason or "").strip()
    if not reason:
        raise MarkRefused("更正或作废必须写明原因", "a correction or void needs a reason")
    contestant, aspect, slot, event, judge, _old, _first = current_by_log_id(conn, replaces)
    actor_judge = index["judges"].get(actor)
    if actor_judge is None:
        raise MarkRefused(f"没有代码为“{actor}”的裁判", f"no judge with code '{actor}'")
    if actor != judge and actor_judge.role is not Role.CHIEF:
        raise MarkRefused(
            f"只有录入该分数的裁判（{judge}）或裁判长可以更正",
            f"only the judge who entered it ({judge}) or a chief judge may change this mark",
        )
    if actor_judge.role is Role.CHIEF and not may_mark(index, actor_judge, event, aspect):
        raise MarkRefused(
            f"裁判长 {actor} 不负责项目 {event}", f"chief judge {actor} is not assigned to event {event}"
        )
    payload: dict[str, Any] = {
        "event": event,
        "contestant": contestant,
        "aspect": aspect,
        "judge": judge,
        "slot": slot,
        "replaces": replaces,
        "reason": reason,
    }

    def still_current(conn: sqlite3.Connection) -> None:
        current_by_log_id(conn, replaces)

    if void:
        return Entry("mark.void", payload, actor, source, raw, projections.mark_void(payload)), still_current
    a = index["aspects"][event][aspect]
    payload["value"] = parse_value(a, value or "")
    payload.update(typed(value or "", payload["value"]))
    return Entry(
        "mark.correct", payload, actor, source, raw, projections.mark_correct(payload)
    ), still_current


def status_entry(index: Index, *, contestant: str, status: str, reason: str, actor: str) -> Entry:
    """A contestant's status (did not finish, withdrew, disqualified, back to ok): only a chief
    judge of the contestant's event may set it, with a reason."""
    x = index["contestants"].get(contestant)
    if x is None:
        raise MarkRefused(f"没有加密号为“{contestant}”的选手", f"no contestant with code '{contestant}'")
    if status not in STATUSES:
        raise MarkRefused(
            f"状态“{status}”无效，应为：{', '.join(STATUSES)}",
            f"status '{status}' is not one of: {', '.join(STATUSES)}",
        )
    j = index["judges"].get(actor)
    if j is None or j.role is not Role.CHIEF or not any(a.event == x.event for a in j.assignments):
        raise MarkRefused(
            f"只有项目 {x.event} 的裁判长可以更改选手状态",
            f"only a chief judge of event {x.event} may set a status",
        )
    if not (reason or "").strip():
        raise MarkRefused("更改选手状态必须写明原因", "a status change needs a reason")
    payload = {"contestant": contestant, "event": x.event, "status": status, "reason": reason.strip()}
    return Entry("contestant.status", payload, actor, "keyboard", None, projections.status(payload))


def typed(text: str, canonical: str) -> dict[str, str]:
    """The text as typed, kept in the log beside the canonical value when they differ (5.000 → 5)."""
    typed = text.strip()
    return {"typed": typed} if typed != canonical else {}
