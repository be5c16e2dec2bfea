"""获奖证书: one page per winner, codes until decryption, QR payload and verification code printed,
fonts embedded, deterministic bytes."""

from __future__ import annotations

import base64
import hashlib
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from scorer import locking
from scorer.demo import ensure_demo
from scorer.reports.certificates import (
    certificates_pdf,
    qr_payload,
    verification_code,
    winners,
)
from scorer.reports.data import event_data
from scorer.store import Store
from tests.lockhelp import force_lock


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store.open(ensure_demo(tmp_path_factory.mktemp("cert") / "demo.scorer"))
    yield store
    store.close()


def _text(pdf: bytes, tmp: Path) -> str:
    path = tmp / "c.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pages(pdf: bytes, tmp: Path) -> int:
    path = tmp / "p.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_verification_code_is_stable_and_documented():
    code = verification_code("2026-sh", "CNC", "CNC-898", "一等奖", Decimal("88.15"))
    expected = (
        base64.b32encode(hashlib.sha256("2026-sh|CNC|CNC-898|一等奖|88.15".encode()).digest())
        .decode()
        .rstrip("=")[:10]
    )
    assert code == expected and len(code) == 10
    assert code == verification_code("2026-sh", "CNC", "CNC-898", "一等奖", "88.15")
    assert code != verification_code("2026-sh", "CNC", "CNC-898", "二等奖", "88.15")
    doc = verification_code.__doc__ or ""
    assert "sha256" in doc and "base32" in doc and "sync" in doc


def test_draft_certificates_one_page_per_winner_with_codes(demo, tmp_path):
    data = event_data(demo, "CNC")
    assert not data.locked and not data.names
    won = winners(data)
    assert won and all(r.award or r.title for r in won)
    pdf = certificates_pdf(data)
    assert _pages(pdf, tmp_path) == len(won)
    text = _text(pdf, tmp_path)
    comp = data.competition
    for r in won:
        check = verification_code(comp.id, "CNC", r.code, r.award, r.total)
        assert check in text and r.code in text
        assert qr_payload(comp.id, "CNC", r.code, r.award, check) not in text  # in the QR only
        if r.award:
            assert r.award in text
    assert "待解密" in text and "未锁定 草稿" in text and "SCORER-CERT" not in text
    names = [c.name for c in comp.contestants if c.event == "CNC"]
    assert not any(n in text for n in names)
    assert pdf == certificates_pdf(event_data(demo, "CNC"))


def test_names_after_decryption_and_fonts_embedded(demo, tmp_path):
    force_lock(demo, "CNC", "CNC-K", ["CNC-J1"])
    locking.decrypt_event(demo, "CNC", "CNC-E")
    data = event_data(demo, "CNC")
    assert data.locked and data.names
    pdf = certificates_pdf(data)
    text = _text(pdf, tmp_path)
    people = data.contestants
    for r in winners(data):
        assert people[r.code].name in text
    assert "待解密" not in text and "未锁定" not in text
    path = tmp_path / "f.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)
    assert pdf == certificates_pdf(event_data(demo, "CNC"))


def test_qr_code_on_the_page_matches_its_payload(demo, tmp_path):
    """Sample each module's centre on the rendered page: the printed QR is the payload's matrix."""
    from PIL import Image

    from scorer.reports.certificates import CertificateTemplate, field_texts, qr_modules

    data = event_data(demo, "CNC")
    first = winners(data)[0]
    path = tmp_path / "q.pdf"
    path.write_bytes(certificates_pdf(data))
    dpi = 300
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "q")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("q-*.png"))).convert("L")
    t = CertificateTemplate()
    modules = qr_modules(field_texts(data, first)["qr"])
    n = len(modules)
    px = dpi / 25.4
    box = t.qr_size_mm / n
    top = image.height - (t.qr_y_mm + t.qr_size_mm) * px
    for r in range(n):
        for c in range(n):
            x = (t.qr_x_mm + (c + 0.5) * box) * px
            y = top + (r + 0.5) * box * px
            assert (image.getpixel((int(x), int(y))) < 128) == modules[r][c], (r, c)
