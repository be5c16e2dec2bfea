"""Paper marking forms entered twice by two different clerks (双人录入).

Each pass of each cell is a log row (`entry.draft`). When the second pass agrees with the first,
the mark is recorded in the same transaction (source "double-entry", actor the second clerk, judge
the one who wrote on the form). When they disagree, nothing counts until the cell is resolved from
the paper, never by retyping a value seen on screen:

- a third entry (`entry.resolve`, pass 3) typed from the paper by a clerk who is shown neither
  value; when it agrees with one of the two passes, that value becomes the mark in the same
  transaction (as an agreeing second pass does); when it agrees with neither, it is kept and the
  cell waits for the chief judge. Any clerk may enter it (a venue may have only two), since the
  screen never shows the earlier values;
- or the chief judge's decision with a reason (`entry.resolve`, by "chief"), who may see both
  values (`mismatches`), recorded as the mark.

Passes 1 and 2 of a mismatched cell cannot be re-entered: that is what let a clerk copy the other
pass's value.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorer.errors import MarkRefused
from scorer.model import Role
from scorer.store import LOG_ID, Entry, Store

PASSES = (1, 2)
THIRD = 3  # the resolving pass, typed from the paper


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
    if pass_no not in (*PASSES, THIRD):
        raise MarkRefused(
            "录入遍数只能是 1、2 或 3（核对不一致）", "the pass is 1, 2 or 3 (resolving a mismatch)"
        )
    mark = store.mark_entry(
        judge=judge, contestant=contestant, aspect=aspect, value=value, source="double-entry", actor=clerk
    )
    p = mark.payload
    if not any(a.event == p["event"] for a in c.assignments):
        raise MarkRefused(
            f"录分员 {clerk} 不负责项目 {p['event']}", f"clerk {clerk} is not assigned to event {p['event']}"
        )
    key = (p["contestant"], p["aspect"], p["slot"])
    passes = _passes(store, key)
    first, second = passes.get(1), passes.get(2)
    disagree = first is not None and second is not None and first[0] != second[0]
    if pass_no == THIRD:
        if not disagree:
            raise MarkRefused(
                f"{contestant} 的 {aspect} 两遍录入没有不一致，不需要第三遍",
                f"{contestant} {aspect}: the two passes do not disagree; no third pass is needed",
            )
    elif disagree:
        raise MarkRefused(
            f"{contestant} 的 {aspect} 两遍不一致：请按纸质评分表录入第三遍（或由裁判长裁定），不能重录第 {pass_no} 遍",
            f"{contestant} {aspect}: the passes disagree; enter a third pass from the paper (or the chief"
            f" judge decides), pass {pass_no} cannot be re-entered",
        )
    other = passes.get(3 - pass_no) if pass_no in PASSES else None
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
        "entry.resolve" if pass_no == THIRD else "entry.draft",
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
    if pass_no == THIRD:
        agree = p["value"] in (first[0], second[0])  # type: ignore[index]
    else:
        agree = other is not None and other[0] == p["value"]
    ids = store.append_many([draft, mark] if agree else [draft])
    return ids[0], (ids[1] if agree else None)


def _passes(store: Store, key: tuple[str, str, str]) -> dict[int, tuple[str, str]]:
    """The entered passes of one cell: pass → (value, clerk)."""
    rows = store.conn.execute(
        "SELECT pass, value, clerk FROM drafts WHERE contestant = ? AND aspect = ? AND slot = ?", key
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def decide(
    store: Store, *, chief: str, judge: str, contestant: str, aspect: str, value: str, reason: str
) -> tuple[int, int]:
    """The chief judge settles a mismatched cell from the paper, with a reason: (resolve row, mark)."""
    comp = store.competition
    c = next((j for j in comp.judges if j.code == chief), None) if comp else None
    if c is None or c.role is not Role.CHIEF:
        raise MarkRefused("只有裁判长可以裁定两遍不一致的分数", "only the chief judge may decide a mismatch")
    if not reason.strip():
        raise MarkRefused("裁定必须写明原因", "a decision needs a reason")
    mark = store.mark_entry(
        judge=judge, contestant=contestant, aspect=aspect, value=value, source="double-entry", actor=chief
    )
    p = mark.payload
    if not any(a.event == p["event"] for a in c.assignments):
        raise MarkRefused(
            f"裁判长 {chief} 不负责项目 {p['event']}", f"{chief} is not chief of event {p['event']}"
        )
    passes = _passes(store, (p["contestant"], p["aspect"], p["slot"]))
    first, second = passes.get(1), passes.get(2)
    if first is None or second is None or first[0] == second[0]:
        raise MarkRefused(
            f"{contestant} 的 {aspect} 没有两遍不一致，无需裁定",
            f"{contestant} {aspect}: no mismatch to decide",
        )
    entry = Entry(
        "entry.resolve",
        {
            **{k: p[k] for k in ("event", "contestant", "aspect", "judge", "slot", "value")},
            "by": "chief",
            "chief": chief,
            "reason": reason.strip(),
            "passes": {str(n): v for n, (v, _clerk) in sorted(passes.items())},
        },
        chief,
        "keyboard",
    )
    ids = store.append_many([entry, mark])
    return ids[0], ids[1]


def mismatches(store: Store, event: str) -> list[Mismatch]:
    """Cells whose two passes disagree (and have no mark yet), side by side: for the chief judge's
    decision; an entry clerk's screen lists the cells without their values."""
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
            WHERE d.event = ? AND d.pass != 3 AND NOT EXISTS (SELECT 1 FROM drafts o WHERE o.contestant = d.contestant
                  AND o.aspect = d.aspect AND o.slot = d.slot AND o.pass != d.pass)
            ORDER BY d.contestant, d.aspect
            """,
            (event,),
        )
    ]
