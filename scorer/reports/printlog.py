"""Which documents were printed or saved, by whom: "report.print" rows in the log."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from scorer.store import Store

KIND = "report.print"
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def page_count(pdf: bytes) -> int:
    """Pages in a PDF (counts /Type /Page objects; our documents are uncompressed in structure)."""
    return len(_PAGE.findall(pdf))


def record_print(
    store: Store, actor: str, kind: str, event: str, pdf: bytes, source: str = "keyboard"
) -> int:
    """Log that `actor` printed or saved document `kind` of `event` (from `source`: the print
    centre, or "cli" for `scorer report`); the log id."""
    payload = {
        "kind": kind,
        "event": event,
        "pages": page_count(pdf),
        "sha256": hashlib.sha256(pdf).hexdigest(),
    }
    return store.append(KIND, payload, actor, source)


def printed(store: Store) -> list[dict[str, Any]]:
    """Every print, oldest first: time, actor, kind, event, pages, sha256."""
    return [
        {
            "time": row.time,
            "actor": row.actor,
            "kind": row.payload.get("kind", ""),
            "event": row.payload.get("event", ""),
            "pages": row.payload.get("pages", 0),
            "sha256": row.payload.get("sha256", ""),
        }
        for row in store.log((KIND,))
    ]
