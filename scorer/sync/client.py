"""Sync with headquarters over the network: enrol this station, push its feed, say where it stands.

The core API the CLI (`scorer sync …`) and the application's sync page (on a worker thread, with its
own `Store`) call:

- `enrol(file, url, code, name=None)` → `Enrolment`
- `push(file, url=None, on_progress=None, …)` → `PushResult`
- `status(file)` → `list[FeedStatus]` (scorer.sync.status)

`file` is a path (a `Store` is opened for the call and closed after) or an open `Store` used from
the calling thread only. A push asks headquarters where the feed stands first (CouchDB-style), stops
at a fork, then sends the rest in signed batches, keeping each batch's receipt durably before the
next is sent: an interruption anywhere loses nothing and costs at most one batch sent again. Only
the small receipt writes take the file's write lock; rows are read by short SELECTs, so the UI
thread goes on recording marks meanwhile.
"""

from __future__ import annotations

import contextlib
import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from scorer.errors import ScorerError, language
from scorer.model import FORMAT_VERSION
from scorer.station import Identity
from scorer.store import Store, files, now
from scorer.sync import feed, state, wire
from scorer.sync import status as feed_status
from scorer.sync.http import TIMEOUT, Client, bad_answer

File = str | Path | Store
Progress = Callable[[int, int], None]


@contextlib.contextmanager
def opened(file: File, readonly: bool = False) -> Iterator[Store]:
    """The store for a call: `file` itself if it is an open Store, else one opened for the call."""
    if isinstance(file, Store):
        yield file
        return
    with Store.open(file, readonly=readonly) as store:
        yield store


def writer(store: Store) -> Identity:
    """This laptop's identity for signing and for the receipts it keeps: a Store opened for writing."""
    if store.identity is None:
        raise files.read_only_error(store.path)
    return store.identity


def this_station(store: Store) -> str:
    """The station id of this laptop (also when the store was opened read-only)."""
    if store.identity is not None:
        return store.identity.id
    from scorer.station import identity

    return identity().id


def normalise_code(code: str) -> str:
    """An enrolment code as headquarters issued it: upper case, spaces dropped, typed with or
    without its dash (`ABCD-EFGH` = `abcd efgh` = `ABCDEFGH`)."""
    plain = re.sub(r"[\s-]", "", code).upper()
    if not re.fullmatch(r"[0-9A-Z]{4,32}", plain):
        raise ScorerError(
            f"登记码格式不对：{code!r}（应为总部给出的字母和数字，例如 ABCD-EFGH）",
            f"not an enrolment code: {code!r} (letters and digits as headquarters gave them, e.g. ABCD-EFGH)",
        )
    half = len(plain) // 2
    return f"{plain[:half]}-{plain[half:]}" if len(plain) % 2 == 0 else plain


def enrol_text(text: str) -> tuple[str, str | None]:
    """A scanned or pasted enrolment QR code ("scorer-enrol:CODE" or "scorer-enrol:CODE@URL", as
    `scorer hq venue add` makes it) or a bare code → (code, headquarters' address or None)."""
    text = text.strip()
    if text.lower().startswith("scorer-enrol:"):
        text = text.split(":", 1)[1]
    code, _, url = text.partition("@")
    return normalise_code(code), (url.strip() or None)


def package_of(store: Store) -> feed.Package:
    """What the batches say about the competition: its id and package format, and the file's
    definition rows (for each batch's revision)."""
    comp = store.competition
    return feed.package(store.conn, comp.id if comp else "", comp.format_version if comp else FORMAT_VERSION)


def check_batch_size(size: int) -> None:
    if not 1 <= size <= wire.MAX_BATCH:
        raise ScorerError(
            f"每批记录数应在 1–{wire.MAX_BATCH} 之间", f"a batch holds 1–{wire.MAX_BATCH} entries"
        )


def default_name(store: Store) -> str:
    """The name headquarters shows for this station: the file's station name, else the host name."""
    return store.station.name or socket.gethostname() or store.station.id


# ------------------------------------------------------------ enrolment


def enrolment_of(answer: dict[str, Any], url: str, station: str) -> state.Enrolment:
    """An enrolment answer (`POST /enrol`, or a receipt file's `enrolment`) checked and made a record."""
    names = {"venue": str, "venue_name": str, "station": str, "hq": str, "hq_key": str}
    if any(not isinstance(answer.get(k), t) for k, t in names.items()):
        raise bad_answer(url or "—", "登记回答的字段不对", "the enrolment answer has wrong fields")
    if answer["station"] != station:
        raise bad_answer(
            url or "—",
            f"登记的是站点 {answer['station']}，不是本机 {station}",
            f"it enrolled station {answer['station']}, not this laptop's {station}",
        )
    if (
        not re.fullmatch(r"[0-9a-f]{64}", answer["hq_key"])
        or wire.key_id(answer["hq_key"], "HQ") != answer["hq"]
    ):
        raise bad_answer(url or "—", "总部的公钥与其编号不符", "headquarters' key does not match its id")
    return state.Enrolment(
        station, url, answer["hq"], answer["hq_key"], answer["venue"], answer["venue_name"], now()
    )


def enrol(
    file: File, url: str, code: str, name: str | None = None, timeout: float = TIMEOUT
) -> state.Enrolment:
    """Enrol this laptop's station for this file with headquarters at `url` using a one-time
    code; the enrolment (venue, headquarters' key and address) is kept in the file."""
    with opened(file) as store:
        me = writer(store)
        request = wire.make_enrol(me, normalise_code(code), name or default_name(store))
        with Client(url, timeout) as client:
            answer = client.enrol(request)
        e = enrolment_of(answer, client.url, me.id)
        state.save_enrolment(store, e)
        return e


class NotEnrolled(ScorerError):
    """This laptop's station has no enrolment in this file (a copied file needs its own)."""

    code = "not_enrolled"


def require_enrolment(store: Store, station: str) -> state.Enrolment:
    e = state.enrolment(store.conn, station)
    if e is None:
        raise NotEnrolled(
            f"本机（站点 {station}）还没有为此竞赛文件在总部登记，请先登记："
            "scorer sync enrol 总部地址 登记码（或离线：scorer sync export 文件 --enrol 登记码）",
            f"this laptop (station {station}) has not enrolled this competition file with headquarters; "
            "enrol first: scorer sync enrol HQ_URL CODE (or offline: scorer sync export FILE --enrol CODE)",
        )
    return e


# ------------------------------------------------------------ push


@dataclass(frozen=True)
class PushResult:
    """How a push ended, computed from headquarters' newest receipt."""

    db: str
    station: str
    url: str
    sent: int  # entries this push sent that headquarters acknowledged
    batches: int  # batches sent
    count: int  # the station's entries in the file when the push began
    held_count: int  # what headquarters holds, by its newest receipt
    head_hash: str
    fingerprint: str
    state: str  # "synced" or "behind" (stopped early by `stop`)
    zh: str
    en: str
    receipt: dict[str, Any]

    def message(self, lang: str | None = None) -> str:
        return self.en if (lang or language()) == "en" else self.zh

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _checked(client: Client, obj: dict[str, Any], e: state.Enrolment, db: str, station: str) -> wire.Receipt:
    """A receipt from headquarters, checked: signed with the enrolled key, for this feed and venue,
    contiguous (count = last seq)."""
    try:
        r = wire.check_receipt(obj, e.hq_key)
    except wire.SyncRefused as exc:
        raise bad_answer(client.url, exc.zh, exc.en) from None
    if (r.db, r.station, r.venue) != (db, station, e.venue) or r.count != r.last_seq:
        raise bad_answer(
            client.url,
            f"回执不是本站点此文件的（{r.db}/{r.station}/{r.venue}，{r.count} 条到序号 {r.last_seq}）",
            f"the receipt is not for this station's feed ({r.db}/{r.station}/{r.venue}, "
            f"{r.count} entries up to seq {r.last_seq})",
        )
    return r


def fork_refusal(store: Store, station: str, held: state.Held, count: int) -> wire.SyncRefused | None:
    """If what headquarters holds does not agree with this file (more entries than the file, or
    another hash at its last seq), the refusal to push: nothing is sent over a fork."""
    at = feed.hash_at(store.conn, station, held.last_seq)
    if held.last_seq <= count and at == held.head_hash:
        return None
    _state, zh, en = feed_status.describe(count, "", held, at, True)
    code = "rollback" if held.last_seq > count else "fork"
    return wire.SyncRefused(code, zh, en, held.last_seq if code == "fork" else count + 1)


def push(
    file: File,
    url: str | None = None,
    on_progress: Progress | None = None,
    *,
    batch_size: int = wire.BATCH_SIZE,
    timeout: float = TIMEOUT,
    on_send: Callable[[int, int], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> PushResult:
    """Push this laptop's feed of `file` to headquarters (`url`, else the enrolled address).

    `on_progress(done, total)`: entries headquarters holds of the `total` in the file, after the
    first answer and after each batch. `on_send(first, last)`: just before a batch goes out (the
    resume measurement counts entries sent twice). `stop()`: asked between batches; True ends the
    push early ("behind"). Raises `ScorerError` (not enrolled, unreachable, a bad answer) or
    `wire.SyncRefused` (headquarters refused a batch, or a fork/rollback seen before sending);
    every receipt received before that is kept."""
    check_batch_size(batch_size)
    with opened(file) as store:
        me = writer(store)
        station, db = me.id, store.db_id
        e = require_enrolment(store, station)
        address = url or e.hq_url
        if not address:
            raise ScorerError(
                "此文件是离线登记的，还不知道总部的网络地址：请用 --url 给出（之后会记住）",
                "this file was enrolled offline and headquarters' address is not known yet: give it with "
                "--url (it is remembered afterwards)",
            )
        count, head_hash = feed.head(store.conn, station)
        pkg = package_of(store)
        ahead = feed.Ahead(store.path, me, venue=e.venue, db=db, package=pkg, count=count, size=batch_size)
        with Client(address, timeout) as client, ahead:
            r = _checked(client, client.feed(db, station), e, db, station)
            refused = fork_refusal(store, station, state.held_of(r), count)
            state.keep_receipt(store, r)  # kept even over a fork: the signed evidence of what it holds
            if refused is not None:
                raise refused
            if client.url != e.hq_url:
                state.set_url(store, station, client.url)  # headquarters proved itself by its key
            if on_progress is not None:
                on_progress(r.count, count)
            sent = batches = 0
            while r.last_seq < count and not (stop is not None and stop()):
                first, last = r.last_seq + 1, min(r.last_seq + batch_size, count)
                data = ahead.get(first, last)
                if on_send is not None:
                    on_send(first, last)
                answer = client.batch(data)
                batches += 1
                got = _checked(client, answer, e, db, station)
                if got.last_seq < last or feed.hash_at(store.conn, station, got.last_seq) != got.head_hash:
                    state.keep_receipt(store, got)
                    raise bad_answer(
                        client.url,
                        f"批次 {first}–{last} 的回执与本文件不符（总部到序号 {got.last_seq}）",
                        f"the receipt for batch {first}–{last} does not match this file (headquarters at "
                        f"seq {got.last_seq})",
                    )
                state.keep_receipt(store, got)
                sent += got.last_seq - r.last_seq
                r = got
                if on_progress is not None:
                    on_progress(r.count, count)
        at = feed.hash_at(store.conn, station, r.last_seq)
        st, zh, en = feed_status.describe(count, head_hash, state.held_of(r), at, True)
        return PushResult(
            db,
            station,
            client.url,
            sent,
            batches,
            count,
            r.count,
            r.head_hash,
            r.fingerprint,
            st,
            zh,
            en,
            r.data,
        )


# ------------------------------------------------------------ status


def status(file: File) -> list[feed_status.FeedStatus]:
    """Each feed of the file worth a line (see scorer.sync.status): no network, reads only."""
    with opened(file, readonly=True) as store:
        return feed_status.statuses(store.conn, store.db_id, this_station(store))
