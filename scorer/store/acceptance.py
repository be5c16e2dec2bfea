"""A chief judge's acceptance of a checkpoint problem: who may accept, and the decision as logged.

The `checkpoint.accept` row keeps the state, the problems, the old checkpoint's heads and the
reason; `verify` shows it as a note ever after. With no competition in the file there are no chief
judges to check: the named actor is recorded with `chief_checked: false`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from scorer.errors import MarkRefused, ScorerError
from scorer.model import Judge, Role
from scorer.store import checkpoint, files
from scorer.store.health import Health


def decision(
    h: Health, path: Path, actor: str, reason: str, judges: dict[str, Judge] | None
) -> tuple[str, dict[str, Any]]:
    """(actor, payload) of the `checkpoint.accept` row, or the reason it cannot be accepted.
    `judges`: the competition's, None when the file has none."""
    reason = (reason or "").strip()
    if not reason:
        raise MarkRefused("接受检查点必须写明原因", "accepting the checkpoint needs a reason")
    actor = (actor or "").strip()
    checked = judges is not None
    if judges is not None:
        j = judges.get(actor)
        if j is None or j.role is not Role.CHIEF:
            raise MarkRefused(
                f"只有裁判长可以接受检查点问题；“{actor}”不是本竞赛的裁判长",
                f"only a chief judge may accept a checkpoint problem; '{actor}' is not a chief judge "
                "of this competition",
            )
    elif not actor:
        raise MarkRefused("请写明由谁接受", "name who accepts")
    cp = checkpoint.checkpoint_path(path)
    if cp.is_dir():
        raise ScorerError(
            f"{cp} 是一个文件夹：请先把它移走或改名，再接受检查点",
            f"{cp} is a folder: move or rename it first, then accept the checkpoint",
        )
    if not os.access(cp.parent, os.W_OK | os.X_OK):
        raise files.read_only_error(path)
    payload = {
        "state": h.checkpoint,
        "problems": [i.message("en") for i in h.issues if i.code.startswith("checkpoint.")],
        "found": None if h.found is None else {k: list(v) for k, v in sorted(h.found.items())},
        "reason": reason,
        "chief_checked": checked,
    }
    return actor, payload
