"""Opening the competition file for a verb: read-only for verbs that only read, a warning whenever
the file is not sound, and the one refusal every reading verb shares (no competition yet)."""

from __future__ import annotations

import sys

from scorer.cli.output import t
from scorer.errors import ScorerError
from scorer.model import Competition
from scorer.store import Store


def warn_health(store: Store) -> None:
    """Every command that opens a file says when it is not sound (the cheap check at open: see
    scorer/store/health.py) and what to do; the command itself goes on if it only reads."""
    h = store.health()
    banner = h.banner()
    if banner is not None:
        sys.stderr.write(t("警告：", "warning: ") + banner + "\n")


def read_only(db: str) -> Store:
    """A read-only open for commands that only read: nothing is created or changed (a 0-byte
    file, a missing .head, -wal/-shm files), and a read-only folder or USB stick works."""
    store = Store.open(db, readonly=True)
    warn_health(store)
    return store


def competition_of(store: Store) -> Competition:
    """The file's competition, or the error a verb gives when nothing has been imported yet."""
    if store.competition is None:
        raise ScorerError("此文件还没有竞赛定义", "this file has no competition yet")
    return store.competition
