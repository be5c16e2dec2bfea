"""Printed documents: how long a 2,000-row results list takes, against the floor.

    .venv/bin/python -m bench.pdfs

The event: 2,000 contestants × 10 aspects (bench/synth.py), some marks so totals, awards and
"未完成" vary. `results_pdf` (platypus: table layout, repeated header rows, page x of y, draft
watermark) is timed against reportlab's bare canvas drawing the same cell texts, one line each,
with the same fonts (scorer.reports.fonts.draw) on the same number of pages: the ratio is what
the layout costs on top of writing the text. Target: ratio ≤ 3.
"""

from __future__ import annotations

import io
import json
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def synth_data(n: int = 2000, aspects: int = 10) -> Any:
    """EventData for a synthetic event of `n` contestants (no store: rules on in-memory marks)."""
    from bench.synth import package as synth_package
    from scorer import package
    from scorer.model import AspectType
    from scorer.reports.data import EventData
    from scorer.rules import EventRules

    comp = package.from_data(synth_package(n, aspects), "pdfs.json")
    event = comp.events[0]
    rng = random.Random(7)
    marks: dict[str, dict[str, dict[str, str]]] = {}
    for x in comp.contestants[: n * 9 // 10]:
        per: dict[str, dict[str, str]] = {}
        for a in event.aspects().values():
            if a.type is AspectType.JUDGEMENT:
                per[a.code] = {f"J{j}": str(rng.randint(1, 3)) for j in (1, 2, 3)}
            elif a.code.endswith(("2", "6")):
                per[a.code] = {"": rng.choice(["1.6", "3.2"])}
            elif a.code.endswith(("3", "7")):
                per[a.code] = {"": rng.choice(["pass", "fail"])}
            else:
                per[a.code] = {"": f"24.0{rng.randint(0, 3)}"}
        marks[x.code] = per
    result = EventRules(event).compute(comp.contestants, marks, {}, comp.judges)
    return EventData(competition=comp, event=event, result=result, marks=(), locked=False, names=False)


def _cell_texts(data: Any) -> list[list[str]]:
    from scorer.reports.results import fmt

    e = data.event
    rows = [["名次", "加密号"] + [c.name for c in e.components] + ["总分", "奖项", "称号", "备注"]]
    for r in data.result.results:
        row = [str(r.rank or "—"), r.code] + [fmt(r.components.get(c.code), e) for c in e.components]
        rows.append([*row, fmt(r.total, e), r.award, r.title, "" if r.complete else "未完成"])
    return rows


def bare(rows: list[list[str]], pages: int) -> bytes:
    """The floor: every cell text drawn once with font runs, header repeated, on `pages` pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from scorer.reports import fonts

    fonts.register()
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4)
    body = rows[1:]
    per = -(-len(body) // pages)
    for p in range(pages):
        y = A4[1] - 80
        for row in [rows[0], *body[p * per : (p + 1) * per]]:
            x = 40.0
            for text in row:
                fonts.draw(c, x, y, text, 8.5)
                x += 60
            y -= 14
        c.showPage()
    c.save()
    return out.getvalue()


def pages_of(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def bench_results_list() -> dict[str, Any]:
    """results_pdf on 2,000 rows vs the bare canvas (best of 2 each, same process)."""
    from scorer.reports.results import results_pdf

    data = synth_data(2000, 10)
    results_pdf(synth_data(50, 10))  # fonts registered and caches warm, as in a running app
    best, pdf = float("inf"), b""
    for _ in range(2):
        t = time.perf_counter()
        pdf = results_pdf(data)
        best = min(best, time.perf_counter() - t)
    pages = pages_of(pdf)
    rows = _cell_texts(data)
    base = float("inf")
    for _ in range(2):
        t = time.perf_counter()
        floor = bare(rows, pages)
        base = min(base, time.perf_counter() - t)
    assert pages_of(floor) == pages
    return {
        "pdf_results_list_2000": {
            "value": round(best, 3),
            "unit": "s",
            "baseline": round(base, 3),
            "ratio": round(best / base, 2),
            "target": 3.0,
            "target_on": "ratio",
            "pages": pages,
            "pages_per_s": round(pages / best, 1),
        }
    }


def main() -> int:
    print(json.dumps(bench_results_list(), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
