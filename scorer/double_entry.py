"""Paper marking forms entered twice by two different clerks (双人录入).

Each pass of each cell is a log row (`entry.draft`). When the second pass agrees with the first,
the mark is recorded in the same transaction (source "double-entry", actor the second clerk, judge
the one who wrote on the form). When they disagree, nothing counts until a clerk re-enters the cell
and the two passes agree: mismatches are listed side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorer.errors import MarkRefused
from scorer.model import Role
from scorer.store import LOG_ID, Entry, Store

PASSES = (1, 2)


@dataclass(frozen=True, slots=True)
class Mismatch:
    contestant: str
    aspect: str
    judge: str
    first: str
    first_clerk: str
    second: str
    second_clerk: str


def enter(
    store: Store, *, clerk: str, pass_no: int, judge: str, contestant: str, aspect: str, value: str
) -> tuple[int, int | None]:
    """Record one pass of one cell; (draft log id, mark log id if the two passes now agree)."""
    comp = store.competition
    c = next((j for j in comp.judges if j.code == clerk), None) if comp else None
    if c is None or c.role is not Role.CLERK:
        raise MarkRefused("只有录分员可以录入纸质评分表", "only an entry clerk may enter paper forms")
    if pass_no not in PASSES:
        raise MarkRefused("录入遍数只能是 1 或 2", "the pass is 1 or 2")
    mark = store.mark_entry(
        judge=judge, contestant=contestant, aspect=aspect, value=value, source="double-entry", actor=clerk
    )
    p = mark.payload
    if not any(a.event == p["event"] for a in c.assignments):
        raise MarkRefused(
            f"录分员 {clerk} 不负责项目 {p['event']}", f"clerk {clerk} is not assigned to event {p['event']}"
        )
    key = (p["contestant"], p["aspect"], p["slot"])
    other = store.conn.execute(
        "SELECT value, clerk FROM drafts WHERE contestant = ? AND aspect = ? AND slot = ? AND pass = ?",
        (*key, 3 - pass_no),
    ).fetchone()
    if other is not None and other[1] == clerk:
        raise MarkRefused(
            "两遍录入必须由两名不同的录分员完成", "the two passes must be entered by two different clerks"
        )
    if store.conn.execute(
        "SELECT 1 FROM marks WHERE contestant = ? AND aspect = ? AND slot = ?", key
    ).fetchone():
        raise MarkRefused(
            f"{contestant} 的 {aspect} 已有分数；修改请由裁判更正",
            f"{contestant} {aspect} already has a mark; correct it instead",
        )
    draft = Entry(
        "entry.draft",
        {
            **{k: p[k] for k in ("event", "contestant", "aspect", "judge", "slot", "value")},
            "pass": pass_no,
            "clerk": clerk,
        },
        clerk,
        "double-entry",
        projection=[
            (
                "INSERT INTO drafts (contestant, aspect, slot, pass, event, judge, value, clerk, log_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (contestant, aspect, slot, pass) DO UPDATE"
                " SET value = excluded.value, clerk = excluded.clerk, log_id = excluded.log_id, judge = excluded.judge",
                (*key, pass_no, p["event"], p["judge"], p["value"], clerk, LOG_ID),
            )
        ],
    )
    agree = other is not None and other[0] == p["value"]
    ids = store.append_many([draft, mark] if agree else [draft])
    return ids[0], (ids[1] if agree else None)


def mismatches(store: Store, event: str) -> list[Mismatch]:
    """Cells whose two passes disagree (and have no mark yet), side by side."""
    rows = store.conn.execute(
        """
        SELECT a.contestant, a.aspect, a.judge, a.value, a.clerk, b.value, b.clerk
        FROM drafts a JOIN drafts b
          ON a.contestant = b.contestant AND a.aspect = b.aspect AND a.slot = b.slot AND b.pass = 2
        WHERE a.pass = 1 AND a.event = ? AND a.value != b.value
          AND NOT EXISTS (SELECT 1 FROM marks m WHERE m.contestant = a.contestant AND m.aspect = a.aspect
                          AND m.slot = a.slot)
        ORDER BY a.contestant, a.aspect, a.slot
        """,
        (event,),
    ).fetchall()
    return [Mismatch(*r) for r in rows]


def waiting(store: Store, event: str) -> list[tuple[str, str, str, int]]:
    """Cells entered once so far: (contestant, aspect, judge, pass entered)."""
    return [
        (r[0], r[1], r[2], r[3])
        for r in store.conn.execute(
            """
            SELECT d.contestant, d.aspect, d.judge, d.pass FROM drafts d
            WHERE d.event = ? AND NOT EXISTS (SELECT 1 FROM drafts o WHERE o.contestant = d.contestant
                  AND o.aspect = d.aspect AND o.slot = d.slot AND o.pass != d.pass)
            ORDER BY d.contestant, d.aspect
            """,
            (event,),
        )
    ]
