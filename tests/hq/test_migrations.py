"""Headquarters' schema is made and upgraded by numbered migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from scorer.errors import ScorerError
from scorer.hq import db as hqdb
from scorer.hq.db import migrate, open_database, schema_version


def test_an_empty_database_gets_every_migration(db_url: str) -> None:
    database = open_database(db_url)
    try:
        assert migrate(database) == [m.version for m in hqdb.MIGRATIONS]
        assert migrate(database) == []  # nothing twice
        assert schema_version(database) == hqdb.MIGRATIONS[-1].version
        with database.read() as tx:
            rows = tx.all("SELECT version, name FROM schema_migrations ORDER BY version")
        assert rows == [(m.version, m.name) for m in hqdb.MIGRATIONS]
    finally:
        database.close()


def test_a_database_at_migration_1_upgrades_keeping_its_data(db_url: str) -> None:
    database = open_database(db_url)
    try:
        assert migrate(database, upto=1) == [1]
        assert schema_version(database) == 1
        with database.write() as tx:
            tx.run("INSERT INTO venues (venue, name, url, created) VALUES ('V-1', '赛场', NULL, 'now')")
            tx.run(
                "INSERT INTO entries (db, station, seq, kind, payload, actor, source, raw, time, prev_hash, hash)"
                " VALUES ('D', 'ST-000000000001', 1, 'event.lock', '{}', 'a', 's', NULL, 't', 'p', 'h')"
            )
        assert migrate(database) == [m.version for m in hqdb.MIGRATIONS[1:]]
        assert schema_version(database) == hqdb.MIGRATIONS[-1].version
        with database.read() as tx:
            assert tx.one("SELECT name FROM venues") == ("赛场",)
            assert tx.one("SELECT kind FROM entries") == ("event.lock",)
            if database.kind == "sqlite":
                names = {r[0] for r in tx.all("SELECT name FROM sqlite_master WHERE type = 'index'")}
            else:
                names = {r[0] for r in tx.all("SELECT indexname FROM pg_indexes")}
        assert {"entries_by_kind", "receipts_by_feed", "batches_by_feed"} <= names
    finally:
        database.close()


def test_workers_starting_together_migrate_once(db_url: str) -> None:
    databases = [open_database(db_url) for _ in range(4)]
    applied: list[list[int]] = []
    start = threading.Barrier(len(databases))

    def go(database: hqdb.Database) -> None:
        start.wait()
        applied.append(migrate(database))

    threads = [threading.Thread(target=go, args=(d,)) for d in databases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for d in databases:
        d.close()
    assert sorted(v for a in applied for v in a) == [m.version for m in hqdb.MIGRATIONS]


def test_a_database_from_a_newer_program_is_refused(db_url: str) -> None:
    database = open_database(db_url)
    try:
        migrate(database)
        with database.write() as tx:
            tx.run("INSERT INTO schema_migrations (version, name, applied) VALUES (99, 'future', 'now')")
        with pytest.raises(ScorerError) as caught:
            migrate(database)
        assert "99" in caught.value.zh and "upgrade Scorer" in caught.value.en
    finally:
        database.close()


def test_database_addresses_hide_passwords_and_bad_ones_are_explained() -> None:
    assert (
        hqdb.hide_password("postgresql://hq:s3cret@db.example:5432/hq")
        == "postgresql://hq:***@db.example:5432/hq"
    )
    assert "s3cret" not in hqdb.hide_password("postgresql://db.example/hq?password=s3cret&sslmode=require")
    for url, words in (
        ("mysql://x/y", "mysql://"),
        ("postgresql://hq:s3cret@db.example:notaport/hq", "cannot be parsed"),
        ("postgresql://hq:s3cret@db.example:5432", "names no database"),
        ("sqlite://", "names no file"),
    ):
        with pytest.raises(ScorerError) as caught:
            open_database(url)
        assert words in caught.value.en and "s3cret" not in caught.value.en + caught.value.zh
        assert "--db" in caught.value.zh
