"""How tests/data/schema-v1.scorer was made (once, at schema version 1; kept for the record).

Do not regenerate it with later code: the point of the fixture is that it is an old file.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

from sqlite_utils import Database

from scorer import package
from scorer.store import Store, _connect, now
from scorer.store.schema import migrations

HERE = Path(__file__).parent


def main(out: Path) -> None:
    conn = _connect(out)
    db = Database(conn)
    migrations.apply(db, stop_before="m002_mark_lookup")
    db_id = uuid.uuid4().hex
    station = "ST-V1FIXTURE01"
    with db.atomic():
        for key, value in (
            ("db_id", db_id),
            ("station_id", station),
            ("station_name", "v1"),
            ("created", now()),
        ):
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
    store = Store(out, conn)
    store.append("station.init", {"station": station, "name": "v1", "db": db_id}, "system", "cli")
    store.set_competition(package.load(HERE / "mini.json"), "C1")
    first = store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.015")
    store.record_mark(judge="J2", contestant="C01", aspect="B1.1", value="2")
    store.record_mark(judge="J3", contestant="C01", aspect="B1.1", value="3")
    store.correct_mark(replaces=first, value="24.012", reason="读错刻度", actor="J1")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "schema-v1.scorer")
