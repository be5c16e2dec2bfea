"""A competition file with a big log, for the sync benchmarks: the synthetic package, then marks
recorded through the store's real path in chunks (one transaction each) until the file's station
holds `entries` rows."""

from __future__ import annotations

from pathlib import Path

from bench.synth import package as synth_package
from scorer import package
from scorer.store import Store

_VALUES = {0: "24.015", 1: "2", 2: "1.6", 3: "pass"}


def big_file(path: Path, entries: int, chunk: int = 5000) -> Path:
    """`path` holding about `entries` log rows of this laptop's station (marks of judge J1)."""
    aspects = 40
    contestants = max(1, entries // aspects + 1)
    src = path.with_suffix(".json")
    import json

    src.write_text(json.dumps(synth_package(contestants, aspects), ensure_ascii=False), "utf-8")
    comp = package.load(src)
    with Store.create(path) as store:
        store.set_competition(comp, "bench")
        todo = entries - store.count()
        rows: list[dict[str, str]] = []
        for i in range(todo):
            c, a = divmod(i, aspects)
            rows.append(
                {"judge": "J1", "contestant": f"K{c:05d}", "aspect": f"A{a}", "value": _VALUES[a % 4]}
            )
            if len(rows) == chunk:
                store.record_marks(rows, "bench")
                rows = []
        if rows:
            store.record_marks(rows, "bench")
    return path
