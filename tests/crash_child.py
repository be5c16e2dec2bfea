"""Child process of the crash-safety test: records marks in a loop, printing each log id only
after the store has returned (so a printed id is a promise that the mark is durable)."""

from __future__ import annotations

import sys

from scorer.store import Store


def main(path: str) -> None:
    store = Store.open(path)
    assert store.competition is not None
    marked = {m.contestant: m for m in store.marks()}
    n = 0
    for contestant in store.competition.contestants:
        if contestant.code in marked:
            continue
        log_id = store.record_mark(judge="J1", contestant=contestant.code, aspect="X1", value=str(n % 100))
        print(f"mark {log_id}", flush=True)
        n += 1
        if n % 3 == 0:
            fixed = store.correct_mark(replaces=log_id, value=str((n + 7) % 100), reason="复核", actor="J1")
            print(f"correct {fixed}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
