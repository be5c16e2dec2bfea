"""What a chief judge must settle before locking an event, and the judges' own signatures.

Locking used to check nothing: an event with contestants still missing marks, aspects waiting for a
re-score and conflict-of-interest flags locked at once and printed the unfinished contestants ranked.
Now `open_items` lists everything still open, and `locking.lock_event` refuses while any item is
neither settled at its source (a missing mark entered, a re-score done, a paper cell agreed) nor
decided by the chief judge in the log:
- missing marks: the chief judge records the contestant's status (缺考 / 弃权 / 未完成 / 取消资格);
- a conflict of interest, or a judge who cannot sign: the chief judge accepts it with a reason
  (`signoff.accept` rows, shown in the audit log and on the lock tab ever after);
- a re-score, an unresolved paper double entry, a blocking tie: only settling them at the source
  clears them (a lock over an unfinished score would print a wrong result).

Each signing judge signs with their own PIN on the laptop (`event.sign` rows, actor = the judge);
a signature counts for the lock that follows it, and an unlock asks for them again.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorer.errors import ScorerError
from scorer.eventstate import chief_of, is_locked
from scorer.model import Judge, Role
from scorer.pins import check_pin
from scorer.rules import EventResult
from scorer.store import Store

MISSING, RESCORE, CONFLICT, DOUBLE_ENTRY, TIE, UNSIGNED = (
    "missing",
    "rescore",
    "conflict",
    "double_entry",
    "tie",
    "unsigned",
)
ACCEPTABLE = (CONFLICT, UNSIGNED)  # the chief judge may accept these with a reason
# A contestant missing marks is settled by a status; these are the ones a chief judge chooses from.
MISSING_DECISIONS = ("absent", "withdrawn", "dnf", "dq")


@dataclass(frozen=True, slots=True)
class Acceptance:
    """A chief judge's logged decision to lock with an item open."""

    log_id: int
    actor: str
    time: str
    reason: str


@dataclass(frozen=True, slots=True)
class OpenItem:
    """One thing that stands between an event and its lock."""

    key: str  # stable across restarts: what an acceptance refers to
    kind: str  # MISSING | RESCORE | CONFLICT | DOUBLE_ENTRY | TIE | UNSIGNED
    contestant: str
    aspect: str
    judge: str
    zh: str
    en: str
    accepted: Acceptance | None = None

    @property
    def blocking(self) -> bool:
        return self.accepted is None

    def text(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True, slots=True)
class Signature:
    judge: str
    name: str
    log_id: int
    time: str


def _events_judges(store: Store, event: str, roles: tuple[Role, ...]) -> list[Judge]:
    comp = store.competition
    if comp is None:
        return []
    return [j for j in comp.judges if j.role in roles and any(a.event == event for a in j.assignments)]


def signers_of(store: Store, event: str) -> list[Judge]:
    """Who signs an event's score sheets: its scoring judges and its chief judge(s)."""
    return _events_judges(store, event, (Role.JUDGE, Role.CHIEF))


def _since_last_unlock(store: Store, event: str) -> int:
    """Log id of the event's last unlock (0: never): signatures before it are spent."""
    last = 0
    for row in store.log(("event.unlock",)):
        if row.payload.get("event") == event:
            last = row.id
    return last


def signatures(store: Store, event: str) -> list[Signature]:
    """The signatures that count now: each judge's latest since the event was last unlocked."""
    since = _since_last_unlock(store, event)
    names = {j.code: j.name for j in (store.competition.judges if store.competition else ())}
    found: dict[str, Signature] = {}
    for row in store.log(("event.sign",)):
        if row.id > since and row.payload.get("event") == event:
            judge = row.payload.get("judge", row.actor)
            found[judge] = Signature(judge, names.get(judge, ""), row.id, row.time)
    return sorted(found.values(), key=lambda s: s.log_id)


def sign(store: Store, event: str, judge_code: str, pin: str) -> int:
    """A judge signs the event's score sheets with their own PIN; the log id of the signature."""
    comp = store.competition
    if comp is None or comp.event(event) is None:
        raise ScorerError(f"没有代码为“{event}”的项目", f"no event with code '{event}'")
    judge = next((j for j in signers_of(store, event) if j.code == judge_code), None)
    if judge is None:
        raise ScorerError(
            f"{judge_code} 不是项目 {event} 的评分裁判或裁判长，不能签字",
            f"{judge_code} is not a scoring or chief judge of event {event} and cannot sign",
        )
    if is_locked(store, event):
        raise ScorerError(f"项目 {event} 已经锁定", f"event {event} is already locked")
    if any(s.judge == judge_code for s in signatures(store, event)):
        raise ScorerError(f"{judge.name} 已经签字", f"{judge.name} has already signed")
    if not (judge.pin_hash and check_pin(pin or "", judge.pin_hash)):
        raise ScorerError(f"{judge.name} 的 PIN 错误，未签字", f"wrong PIN for {judge.name}; not signed")
    return store.append("event.sign", {"event": event, "judge": judge_code}, judge_code, "keyboard")


def acceptances(store: Store, event: str) -> dict[str, Acceptance]:
    """The chief judges' decisions to lock with an item open, by item key (the latest wins)."""
    out: dict[str, Acceptance] = {}
    for row in store.log(("signoff.accept",)):
        p = row.payload
        if p.get("event") == event:
            out[p.get("item", "")] = Acceptance(row.id, row.actor, row.time, p.get("reason", ""))
    return out


def accept(store: Store, event: str, actor: str, key: str, reason: str, result: EventResult) -> int:
    """The chief judge decides to lock with an acceptable item open; logged with the reason."""
    chief_of(store, actor, event)
    item = next((i for i in open_items(store, event, result) if i.key == key), None)
    if item is None:
        raise ScorerError(f"没有待处理事项“{key}”", f"no open item '{key}'")
    if item.kind not in ACCEPTABLE:
        raise ScorerError(
            f"“{item.zh}”不能直接确认，必须先处理（补录、重评或核对纸质表）",
            f"'{item.en}' cannot be accepted; settle it first (enter, re-score or agree the paper form)",
        )
    if not (reason or "").strip():
        raise ScorerError("裁判长确认必须写明理由", "a chief judge's decision needs a reason")
    return store.append(
        "signoff.accept",
        {"event": event, "item": key, "kind": item.kind, "reason": reason.strip()},
        actor,
        "keyboard",
    )


def _double_entry_items(store: Store, event: str) -> list[OpenItem]:
    """Paper cells entered by one clerk only, or by two who disagree, with no mark yet."""
    rows = store.conn.execute(
        """
        SELECT d.contestant, d.aspect, d.slot, d.judge, COUNT(DISTINCT d.pass), COUNT(DISTINCT d.value)
        FROM drafts d
        WHERE d.event = ? AND NOT EXISTS (SELECT 1 FROM marks m WHERE m.contestant = d.contestant
              AND m.aspect = d.aspect AND m.slot = d.slot)
        GROUP BY d.contestant, d.aspect, d.slot, d.judge
        ORDER BY d.contestant, d.aspect, d.slot
        """,
        (event,),
    ).fetchall()
    items = []
    for contestant, aspect, slot, judge, passes, values in rows:
        if passes < 2:
            zh, en = "纸质表只录入了一遍", "paper form entered once only"
        elif values > 1:
            zh, en = "纸质表两遍录入不一致", "the two paper entries disagree"
        else:
            continue
        items.append(
            OpenItem(
                f"{DOUBLE_ENTRY}:{contestant}:{aspect}:{slot}",
                DOUBLE_ENTRY,
                contestant,
                aspect,
                judge,
                f"{contestant} {aspect}（{judge}）{zh}",
                f"{contestant} {aspect} ({judge}): {en}",
            )
        )
    return items


def open_items(store: Store, event: str, result: EventResult) -> list[OpenItem]:
    """Everything still open before `event` can lock, with the chief judge's acceptances attached."""
    items: list[OpenItem] = []
    for r in result.results:
        if r.status == "ok" and r.missing:
            aspects = "、".join(r.missing)
            items.append(
                OpenItem(
                    f"{MISSING}:{r.code}",
                    MISSING,
                    r.code,
                    "",
                    "",
                    f"{r.code} 缺分：{aspects}（补录，或由裁判长登记缺考/弃权/未完成）",
                    f"{r.code} missing marks: {', '.join(r.missing)} (enter them, or the chief judge"
                    " records absent/withdrawn/did not finish)",
                )
            )
        for a in r.rescore:
            items.append(
                OpenItem(
                    f"{RESCORE}:{r.code}:{a}",
                    RESCORE,
                    r.code,
                    a,
                    "",
                    f"{r.code} {a} 需重新评分（裁判分差 {r.aspects[a].spread}）",
                    f"{r.code} {a} must be re-scored (judges' spread {r.aspects[a].spread})",
                )
            )
    seen: set[str] = set()
    for f in result.flags:
        if f.kind != "conflict":
            continue
        key = f"{CONFLICT}:{f.contestant}:{f.aspect}"
        if key not in seen:
            seen.add(key)
            items.append(OpenItem(key, CONFLICT, f.contestant, f.aspect, "", f.zh, f.en))
    for i, p in enumerate(result.problems):
        items.append(OpenItem(f"{TIE}:{i}:{p.zh}", TIE, "", "", "", p.zh, p.en))
    items += _double_entry_items(store, event)
    signed = {s.judge for s in signatures(store, event)}
    for j in signers_of(store, event):
        if j.code not in signed:
            items.append(
                OpenItem(
                    f"{UNSIGNED}:{j.code}",
                    UNSIGNED,
                    "",
                    "",
                    j.code,
                    f"{j.code} {j.name} 尚未签字",
                    f"{j.code} {j.name} has not signed",
                )
            )
    decided = acceptances(store, event)
    return [
        OpenItem(i.key, i.kind, i.contestant, i.aspect, i.judge, i.zh, i.en, decided[i.key])
        if i.kind in ACCEPTABLE and i.key in decided
        else i
        for i in items
    ]


def require_closed(store: Store, event: str, result: EventResult) -> list[Signature]:
    """The signatures for a lock, or ScorerError listing what is still open."""
    blocking = [i for i in open_items(store, event, result) if i.blocking]
    if blocking:
        shown = blocking[:8]
        more = len(blocking) - len(shown)
        zh = "；".join(i.zh for i in shown) + (f"；另有 {more} 项" if more else "")
        en = "; ".join(i.en for i in shown) + (f"; and {more} more" if more else "")
        raise ScorerError(
            f"项目 {event} 还有 {len(blocking)} 项未处理，不能锁定：{zh}",
            f"event {event} has {len(blocking)} open item(s) and cannot be locked: {en}",
        )
    signed = signatures(store, event)
    if not signed:
        raise ScorerError(
            "锁定前至少需要一名裁判用自己的 PIN 签字", "at least one judge must sign with their own PIN"
        )
    return signed
