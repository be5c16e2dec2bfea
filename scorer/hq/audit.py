"""Headquarters' record of what its staff did: who, what, the details, when and from where.

`record(tx, …)` is called inside the very transaction that makes the change, so an action is on
record exactly when it happened (a refused or failed action leaves neither). Rows are only ever
added. `who` is a staff account's user name, or "cli:<operating-system user>" for the command line
(user names cannot hold ":", so the two never meet).
"""

from __future__ import annotations

import getpass
import json
import os
from typing import Any

from scorer.hq.db import Database, Tx
from scorer.store.log import now

MAX_LIMIT = 1000


def record(
    tx: Tx, who: str, action: str, details: dict[str, Any] | None = None, address: str | None = None
) -> str:
    """Put one staff action on record in `tx` (the action's own transaction); the time recorded.
    `action` is a dotted name ("user.add", "station.release", …); `details` any JSON object —
    never a password, a token or an enrolment code."""
    at = now()
    tx.run(
        "INSERT INTO staff_actions (at, who, action, details, address) VALUES (?, ?, ?, ?, ?)",
        (at, who, action, json.dumps(details or {}, ensure_ascii=False, sort_keys=True), address),
    )
    return at


def cli_actor() -> str:
    """Who acts from the command line: "cli:" + the operating-system user (its uid when the system
    has no name for it, as in some containers)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    return f"cli:{name}"


def actions(
    database: Database,
    limit: int = 100,
    before: int | None = None,
    who: str | None = None,
    action: str | None = None,
) -> list[dict[str, Any]]:
    """Staff actions newest first: at most `limit` (1–1000), older than id `before` if given,
    of one `who` and/or one `action` if given. Each {id, at, who, action, details, address}."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    where, params = [], []
    for column, value in (("who", who), ("action", action)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if before is not None:
        where.append("id < ?")
        params.append(int(before))
    sql = "SELECT id, at, who, action, details, address FROM staff_actions"
    if where:
        sql += " WHERE " + " AND ".join(where)
    with database.read() as tx:
        rows = tx.all(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))
    return [
        {
            "id": int(r[0]),
            "at": r[1],
            "who": r[2],
            "action": r[3],
            "details": json.loads(r[4]),
            "address": r[5],
        }
        for r in rows
    ]
