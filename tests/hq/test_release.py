"""Headquarters' staff lift a quarantine after a fork, on record; what is held never changes."""

from __future__ import annotations

import pytest

from scorer.errors import ScorerError
from scorer.hq import quarantine
from scorer.hq.db import Database
from scorer.hq.status import status
from scorer.station import Identity
from scorer.sync.wire import SyncRefused
from tests.hq.conftest import Feed
from tests.hq.test_ingest import feed, push

__all__ = ["feed"]  # the fixture: a station enrolled, with 40 rows


def _forked(hq_db: Database, hq_key: Identity, feed: Feed) -> Feed:
    push(hq_db, hq_key, feed.batch(1, 20))
    other = Feed(feed.identity, feed.venue, feed.db, list(feed.rows[:12]))
    other.grow(10, tag="another history")
    with pytest.raises(SyncRefused) as caught:
        push(hq_db, hq_key, other.batch(11, 22))
    assert caught.value.code == "fork"
    return other


def test_released_station_continues_what_is_held_and_the_other_history_forks_again(
    hq_db: Database, hq_key: Identity, feed: Feed
) -> None:
    other = _forked(hq_db, hq_key, feed)
    feed.grow(5)
    with pytest.raises(SyncRefused) as caught:
        push(hq_db, hq_key, feed.batch(21, 25))
    assert caught.value.code == "quarantined"

    done = quarantine.release(hq_db, feed.identity.id, "场地确认以总部所收为准，副本已停用", "王工")
    assert done["station"] == feed.identity.id and "seq 13" in done["quarantine_reason"]
    facts = status(hq_db)
    assert facts["quarantined"] == []
    assert facts["releases"][0]["by"] == "王工" and facts["releases"][0]["reason"].startswith("场地确认")
    assert len(facts["forks"]) == 1  # the fork stays on record

    receipt = push(hq_db, hq_key, feed.batch(21, 25)).receipt  # the true continuation is taken in
    assert (receipt["count"], receipt["last_seq"]) == (25, 25)
    with pytest.raises(SyncRefused) as caught:  # the other history is a fork again
        push(hq_db, hq_key, other.batch(11, 22))
    assert caught.value.code == "fork"


def test_release_needs_a_quarantined_station_a_reason_and_a_name(
    hq_db: Database, hq_key: Identity, feed: Feed
) -> None:
    push(hq_db, hq_key, feed.batch(1, 5))
    with pytest.raises(ScorerError) as caught:
        quarantine.release(hq_db, feed.identity.id, "原因", "王工")
    assert "没有被隔离" in caught.value.zh
    with pytest.raises(ScorerError) as caught:
        quarantine.release(hq_db, "ST-000000000000", "原因", "王工")
    assert "没有站点" in caught.value.zh
    other = Feed(feed.identity, feed.venue, feed.db, list(feed.rows[:3]))
    other.grow(5, tag="b")
    with pytest.raises(SyncRefused):
        push(hq_db, hq_key, other.batch(4, 8))
    for reason, by in (("", "王工"), ("原因", " ")):
        with pytest.raises(ScorerError) as caught:
            quarantine.release(hq_db, feed.identity.id, reason, by)
        assert "原因和经办人" in caught.value.zh
    assert status(hq_db)["quarantined"][0]["station"] == feed.identity.id
