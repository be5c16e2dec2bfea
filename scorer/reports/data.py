"""Everything a document about one event needs, read once from the store.

Documents are functions of this data (never of the store), so they can be tested with built data
and are deterministic. `names` is False until the event is decrypted: documents then print codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorer.errors import ScorerError
from scorer.model import Competition, Contestant, Event
from scorer.rules import EventResult
from scorer.store import MarkRow, Store


@dataclass(frozen=True)
class EventData:
    competition: Competition
    event: Event
    result: EventResult
    marks: tuple[MarkRow, ...]  # current marks of the event (judge, value, log id)
    locked: bool  # False: every page says "未锁定 草稿"
    names: bool  # decrypted: names may be printed
    signers: tuple[str, ...] = ()  # judges who signed at the lock
    unsound: tuple[str, str] | None = None  # the file failed verification: (zh, en); finals are drafts
    # headquarters' public address a certificate's QR code points to (<verify_base>/verify/<code>);
    # "" → the QR carries the SCORER-CERT payload (see verify_base)
    verify_base: str = ""

    @property
    def contestants(self) -> dict[str, Contestant]:
        return {c.code: c for c in self.competition.contestants if c.event == self.event.code}

    def judge_name(self, code: str) -> str:
        j = next((j for j in self.competition.judges if j.code == code), None)
        return j.name if j else code


def event_data(store: Store, event: str, check_file: bool = True) -> EventData:
    """Everything a document of `event` needs, read once. With `check_file` the whole file is
    verified (cached by the store until the log grows): final documents from a file that fails
    it print as drafts saying why, whichever front renders them."""
    comp = store.competition
    if comp is None:
        raise ScorerError("此文件还没有竞赛定义", "this file has no competition yet")
    e = comp.event(event)
    if e is None:
        raise ScorerError(f"没有代码为“{event}”的项目", f"no event with code '{event}'")
    result = store.results(event)
    from scorer import locking

    signers: tuple[str, ...] = ()
    for row in store.log(("event.lock",)):
        if row.payload.get("event") == event:
            signers = tuple(row.payload.get("signed_by", ()))
    return EventData(
        competition=comp,
        event=e,
        result=result,
        marks=tuple(store.marks(event)),
        locked=locking.is_locked(store, event),
        names=locking.is_decrypted(store, event),
        signers=signers,
        unsound=store.health(full=True).summary() if check_file else None,
        verify_base=verify_base(store),
    )


def verify_base(store: Store) -> str:
    """Where certificates are verified: the package's `verify_url`, else the address of the
    headquarters this station enrolled with (any enrolment in the file with one, if this station
    has none), else "" (no headquarters known: the QR code carries the SCORER-CERT payload)."""
    from scorer.sync import state

    comp = store.competition
    if comp is not None and comp.verify_url:
        return comp.verify_url.strip()
    own = state.enrolment(store.conn, store.station.id)
    if own is not None and own.hq_url:
        return own.hq_url
    found = sorted(e.hq_url for e in state.enrolments(store.conn).values() if e.hq_url)
    return found[0] if found else ""
