"""Competition files for the venue pages' tests: the demo's CNC event locked through the chief
judge's real path, either as computed or with the venue's result deliberately edited before the lock
(what headquarters must flag: its recomputation from the marks differs from what the venue locked)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

from scorer import locking, package
from scorer.demo import DEMO_PACKAGE, ensure_demo, enter_demo_marks
from scorer.store import Store
from tests.lockhelp import lock_demo_cnc, lock_demo_cnc_edited

EDITED_BY = Decimal("5")  # added to the first-ranked contestant's total in an edited venue result


def lock_cnc(store: Store, edit: bool = False) -> str:
    """Close the demo's CNC event (statuses for the missing, conflicts accepted, every judge signs)
    and lock it; with `edit`, the venue's figures for the first-ranked contestant are changed before
    the lock (its total raised by EDITED_BY). The edited contestant's code ("" without `edit`)."""
    if edit:
        return lock_demo_cnc_edited(store, EDITED_BY)
    lock_demo_cnc(store)
    return ""


def demo_file(path: Path, edit: bool = False, competition: str = "") -> tuple[Path, str]:
    """A fresh demo competition file at `path` with CNC locked (see lock_cnc): (path, edited code).
    `competition`: another competition id for it (a district round of its own: the same contestant
    codes then make other certificate codes, as two venues' contestants would)."""
    if not competition:
        ensure_demo(path)
    else:  # the demo's package under another id, with marks of another draw
        comp = dataclasses.replace(package.load(DEMO_PACKAGE), id=competition)
        path.parent.mkdir(parents=True, exist_ok=True)
        with Store.create(path, "演示 / demo") as store:
            store.set_competition(comp, "coordinator", "import")
            enter_demo_marks(store, comp, seed=2027)
    with Store.open(path) as store:
        code = lock_cnc(store, edit)
        # names revealed: the certificates are final (and verified by name at headquarters)
        locking.decrypt_event(store, "CNC", "CNC-E")
    return path, code
