"""Certificates for 1,000 winners: seconds and pages/s of certificates_pdf, against reportlab's
bare canvas drawing the same strings with the same fonts on the same number of pages."""

from __future__ import annotations

import dataclasses
import io
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from scorer.demo import ensure_demo  # noqa: E402
from scorer.model import Contestant  # noqa: E402
from scorer.reports import fonts  # noqa: E402
from scorer.reports.certificates import CertificateTemplate, certificates_pdf, field_texts  # noqa: E402
from scorer.reports.data import EventData, event_data  # noqa: E402
from scorer.reports.printlog import page_count  # noqa: E402
from scorer.rules.compute import EventResult  # noqa: E402
from scorer.store import Store  # noqa: E402

N = 1000
AWARDS = ("一等奖", "二等奖", "三等奖")


def winners_data(n: int = N) -> EventData:
    """The demo's CNC event with `n` ranked award holders (named, locked)."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(ensure_demo(Path(tmp) / "demo.scorer"))
        try:
            base = event_data(store, "CNC")
        finally:
            store.close()
    template = base.result.results[0]
    people = [
        Contestant(f"R{i:05d}", f"选手{i:04d}", f"上海第{i % 97}机械厂", "CNC", f"CNC-{i:04d}")
        for i in range(n)
    ]
    results = tuple(
        dataclasses.replace(
            template,
            code=p.code,
            rank=i + 1,
            award=AWARDS[min(2, i * 3 // n)],
            title="上海市技术能手" if i < 10 else "",
            total=Decimal("95.00") - Decimal(i) / 100,
        )
        for i, p in enumerate(people)
    )
    comp = dataclasses.replace(base.competition, contestants=tuple(people))
    result = EventResult(event="CNC", results=results)
    return dataclasses.replace(base, competition=comp, result=result, locked=True, names=True)


def bare(data: EventData) -> tuple[bytes, int]:
    """Baseline: the same field strings, same fonts (fonts.draw), same page count, nothing else."""
    t = CertificateTemplate()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=t.pagesize)
    pages = 0
    for r in data.result.results:
        texts = field_texts(data, r, t.heading)
        for f in t.fields:
            if texts.get(f.name):
                fonts.draw(canvas, f.x_mm * mm, f.y_mm * mm, texts[f.name], f.size, f.align, f.bold)
        fonts.draw(canvas, t.qr_x_mm * mm, 13 * mm, texts["qr"], 6)
        canvas.showPage()
        pages += 1
    canvas.save()
    return buf.getvalue(), pages


def bench_certificates(runs: int = 3) -> dict[str, Any]:
    fonts.register()
    data = winners_data()
    certificates_pdf(data)  # warm caches (fonts, glyph maps)
    ours, base = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        pdf = certificates_pdf(data)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        _, pages = bare(data)
        base.append(time.perf_counter() - t0)
    value, baseline = min(ours), min(base)
    assert pages == N == page_count(pdf)
    return {
        "pdf_certificates_1000": {
            "value": round(value, 4),
            "unit": "s",
            "baseline": round(baseline, 4),
            "ratio": round(value / baseline, 3),
            "target": 3.0,
            "target_on": "ratio",
            "pages_per_s": round(N / value, 1),
        }
    }


if __name__ == "__main__":
    for name, figure in bench_certificates().items():
        print(name, figure)
