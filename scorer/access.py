"""Who may do what (ARCHITECTURE.md decision 5), and log-in by judge code and PIN.

Every log-in attempt is a log row (auth.login / auth.fail), so the audit shows who tried when; five
wrong PINs in a row lock that judge out for five minutes, counted from the log's projection so a
restart does not reset it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from scorer.errors import ScorerError, unassigned
from scorer.model import Judge, Role
from scorer.pins import check_pin
from scorer.store import LOG_ID, Store, now

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)


class Action(StrEnum):
    ENTER_MARKS = "enter_marks"
    CORRECT_ANY = "correct_any"
    DOUBLE_ENTRY = "double_entry"
    LOCK = "lock"
    UNLOCK = "unlock"
    DECRYPT = "decrypt"
    SEE_NAMES = "see_names"
    SET_UP = "set_up"  # import packages, lists
    PRINT = "print"
    SYNC = "sync"
    PROGRESS = "progress"
    RANKING = "ranking"
    AUDIT = "audit"
    STATUS = "status"


PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.COORDINATOR: frozenset(
        {
            Action.SET_UP,
            Action.PRINT,
            Action.SYNC,
            Action.PROGRESS,
            Action.RANKING,
            Action.AUDIT,
            Action.SEE_NAMES,
        }
    ),
    Role.CHIEF: frozenset(
        {
            Action.ENTER_MARKS,
            Action.CORRECT_ANY,
            Action.LOCK,
            Action.UNLOCK,
            Action.PROGRESS,
            Action.RANKING,
            Action.AUDIT,
            Action.STATUS,
        }
    ),
    Role.JUDGE: frozenset({Action.ENTER_MARKS}),
    Role.CLERK: frozenset({Action.DOUBLE_ENTRY}),
    Role.ENCRYPTION: frozenset({Action.DECRYPT, Action.SEE_NAMES}),
}


def may(judge: Judge, action: Action) -> bool:
    return action in PERMISSIONS[judge.role]


SCOPED_ROLES = {
    Role.JUDGE: ("裁判", "judge"),
    Role.CHIEF: ("裁判长", "chief judge"),
    Role.CLERK: ("录分员", "clerk"),
}
"""Roles whose work is limited to their assignments (分工), with their names for messages."""


def check_assigned(judge: Judge) -> None:
    """Refuse, saying plainly what to fix, when a judge, chief judge or clerk has no assignments.

    There is deliberately no default: assignments also decide which events a judge sees, which
    forms print, who signs and locks, and a judge's code becomes a slot of every judgement panel
    they mark — so "no assignments = everything" would let a forgotten row open every event.
    """
    names = SCOPED_ROLES.get(judge.role)
    if names is None or judge.assignments:
        return
    raise unassigned(judge.code, *names)


def sees_names(store: Store, judge: Judge, event: str) -> bool:
    """Names show only to roles that hold them, or to everyone once the event is decrypted."""
    if may(judge, Action.SEE_NAMES):
        return True
    return store.conn.execute("SELECT 1 FROM decrypted WHERE event = ?", (event,)).fetchone() is not None


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def locked_until(store: Store, code: str, at: datetime | None = None) -> datetime | None:
    r = store.conn.execute("SELECT failures, last_failure FROM logins WHERE judge = ?", (code,)).fetchone()
    if r is None or r[0] < MAX_FAILURES:
        return None
    until = _parse(r[1]) + LOCKOUT
    return until if (at or datetime.now(UTC)) < until else None


def login(store: Store, code: str, pin: str, station_source: str = "keyboard") -> Judge:
    """The judge for this code and PIN, or ScorerError saying why not (and how many tries remain)."""
    comp = store.competition
    judge = next((j for j in comp.judges if j.code == code), None) if comp else None
    if judge is None:
        raise ScorerError(f"没有代码为“{code}”的裁判", f"no judge with code '{code}'")
    until = locked_until(store, code)
    if until is not None:
        local = until.astimezone().strftime("%H:%M:%S")
        raise ScorerError(
            f"PIN 连续输错 {MAX_FAILURES} 次，{judge.name} 已被锁定到 {local}",
            f"{MAX_FAILURES} wrong PINs in a row: {judge.name} is locked out until {local}",
        )
    if judge.pin_hash and check_pin(pin, judge.pin_hash):
        store.append(
            "auth.login",
            {"judge": code},
            code,
            station_source,
            projection=[("DELETE FROM logins WHERE judge = ?", (code,))],
        )
        return judge
    r = store.conn.execute("SELECT failures, last_failure FROM logins WHERE judge = ?", (code,)).fetchone()
    failures = 1 if r is None or r[0] >= MAX_FAILURES else r[0] + 1
    store.append(
        "auth.fail",
        {"judge": code, "failures": failures},
        code,
        station_source,
        projection=[
            (
                "INSERT INTO logins (judge, failures, last_failure, log_id) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (judge) DO UPDATE SET failures = excluded.failures,"
                " last_failure = excluded.last_failure, log_id = excluded.log_id",
                (code, failures, now(), LOG_ID),
            )
        ],
    )
    left = MAX_FAILURES - failures
    if not judge.pin_hash:
        raise ScorerError(
            f"{judge.name} 还没有设置 PIN，请联系赛务", f"{judge.name} has no PIN yet; ask the coordinator"
        )
    if left == 0:
        raise ScorerError(
            f"PIN 错误，{judge.name} 已被锁定 {LOCKOUT.seconds // 60} 分钟",
            f"wrong PIN: {judge.name} is locked out for {LOCKOUT.seconds // 60} minutes",
        )
    raise ScorerError(f"PIN 错误，还可以再试 {left} 次", f"wrong PIN; {left} tries left")
