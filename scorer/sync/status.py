"""What to tell the user about a feed: computed from the newest receipt alone (never from "the push
went well"), compared with the station's own rows in the file.

States: "synced" (headquarters holds every entry, same head hash), "behind" (it holds fewer, or
none yet), "fork" (it holds more than the file, or another hash at the same seq: the file was
rolled back, restored from an older copy or changed outside the program), "not enrolled" (this
station never enrolled this file with headquarters).
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from scorer.errors import language
from scorer.sync import feed, state, wire

STATES = ("synced", "behind", "fork", "not enrolled")


@dataclass(frozen=True)
class FeedStatus:
    """One station's feed in this file against what headquarters acknowledged."""

    db: str
    station: str
    this_laptop: bool  # the station of the laptop asking
    enrolled: bool
    venue: str
    hq: str
    hq_url: str
    count: int  # the station's entries in this file (seq 1..count)
    head_hash: str
    held_count: int  # what the newest receipt says headquarters holds (0 with no receipt)
    held_last_seq: int
    held_head_hash: str
    held_time: str  # the receipt's time ("" with no receipt)
    fingerprint: str  # of what headquarters holds ("" with no receipt)
    own_fingerprint: str
    state: str
    zh: str
    en: str

    def message(self, lang: str | None = None) -> str:
        return self.en if (lang or language()) == "en" else self.zh

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def describe(
    count: int, head_hash: str, held: state.Held | None, hash_at_held: str | None, enrolled: bool
) -> tuple[str, str, str]:
    """(state, zh, en) for a feed of `count` entries ending at `head_hash`, given the newest
    receipt and the file's hash at the receipt's last seq."""
    if held is None:
        if not enrolled:
            return (
                "not enrolled",
                f"本站点尚未在总部登记（本机 {count} 条记录）；请先登记：scorer sync enrol 总部地址 登记码",
                f"this station is not enrolled with headquarters ({count} entries here); enrol first: "
                "scorer sync enrol HQ_URL CODE",
            )
        return (
            "behind",
            f"总部尚未确认任何记录（本机 {count} 条）",
            f"headquarters has acknowledged no entry yet ({count} here)",
        )
    fp = held.fingerprint
    if held.last_seq > count or hash_at_held != held.head_hash:
        what_zh = (
            f"总部持有到序号 {held.last_seq}，本文件只到 {count}"
            if held.last_seq > count
            else f"序号 {held.last_seq} 的记录与总部的不同"
        )
        what_en = (
            f"headquarters holds up to seq {held.last_seq}, this file ends at {count}"
            if held.last_seq > count
            else f"the entry at seq {held.last_seq} differs from headquarters'"
        )
        return (
            "fork",
            f"与总部不一致：{what_zh}（总部回执 {held.time}，指纹 {fp}）。文件被回退、从旧备份恢复或在程序之外"
            "改动过；不会推送任何记录，请联系总部",
            f"does not agree with headquarters: {what_en} (receipt of {held.time}, fingerprint {fp}). "
            "The file was rolled back, restored from an older copy or changed outside the program; "
            "nothing is pushed: contact headquarters",
        )
    if held.count == count and held.head_hash == head_hash:
        return (
            "synced",
            f"总部已收到 {held.count}/{count} 条记录，指纹一致（指纹 {fp}）",
            f"headquarters holds {held.count}/{count} entries, fingerprints match (fingerprint {fp})",
        )
    missing = count - held.count
    return (
        "behind",
        f"总部已收到 {held.count}/{count} 条记录，还有 {missing} 条未同步（总部指纹 {fp}）",
        f"headquarters holds {held.count}/{count} entries; {missing} not yet synced (its fingerprint {fp})",
    )


def feed_status(
    conn: sqlite3.Connection,
    db: str,
    station: str,
    this_laptop: str | None,
    enrolment: state.Enrolment | None,
    held: state.Held | None,
) -> FeedStatus:
    count, head_hash = feed.head(conn, station)
    if held is not None and enrolment is not None and not _signed(held, enrolment.hq_key):
        held = None  # a receipt whose signature does not check proves nothing
    at = None if held is None else feed.hash_at(conn, station, held.last_seq)
    st, zh, en = describe(count, head_hash, held, at, enrolment is not None)
    return FeedStatus(
        db=db,
        station=station,
        this_laptop=station == this_laptop,
        enrolled=enrolment is not None,
        venue=enrolment.venue if enrolment else "",
        hq=enrolment.hq if enrolment else "",
        hq_url=enrolment.hq_url if enrolment else "",
        count=count,
        head_hash=head_hash,
        held_count=held.count if held else 0,
        held_last_seq=held.last_seq if held else 0,
        held_head_hash=held.head_hash if held else "",
        held_time=held.time if held else "",
        fingerprint=held.fingerprint if held else "",
        own_fingerprint=wire.fingerprint(head_hash, count),
        state=st,
        zh=zh,
        en=en,
    )


def _signed(held: state.Held, hq_key: str) -> bool:
    try:
        wire.check_receipt(wire.parse(held.receipt.encode("utf-8"), "回执", "receipt"), hq_key)
    except wire.SyncRefused:
        return False
    return True


def statuses(conn: sqlite3.Connection, db: str, this_laptop: str | None) -> list[FeedStatus]:
    """Every feed of the file worth a line: each station with an enrolment or a receipt here,
    and this laptop's station when it has rows here."""
    enrolments = state.enrolments(conn)
    held = state.receipts(conn, db)
    stations = set(enrolments) | set(held)
    if this_laptop is not None and feed.head(conn, this_laptop)[0]:
        stations.add(this_laptop)
    return [
        feed_status(conn, db, st, this_laptop, enrolments.get(st), held.get(st))
        for st in sorted(stations, key=lambda s: (s != this_laptop, s))
    ]
