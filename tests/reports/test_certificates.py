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


def _decoded_qr(pdf: bytes, tmp: Path) -> str:
    """The first page's QR code, read off the printed page by zbar (as a phone would)."""
    from PIL import Image
    from pyzbar import pyzbar

    path = tmp / "scan.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-f", "1", "-l", "1", str(path), str(tmp / "scan")],
                   check=True)  # fmt: skip
    (png,) = tmp.glob("scan-*.png")
    (found,) = pyzbar.decode(Image.open(png))
    png.unlink()
    return found.data.decode("utf-8")


def test_the_qr_code_carries_the_verification_address_at_headquarters(tmp_path):
    """No headquarters known: the SCORER-CERT payload. Enrolled: the headquarters' address +
    /verify/<code>. The package's verify_url: that address, whatever the enrolment says. The short
    address is printed under the QR code; the code is the one headquarters re-computes."""
    import dataclasses

    from scorer.store.log import now
    from scorer.sync import state

    with Store.open(ensure_demo(tmp_path / "qr.scorer")) as store:
        data = event_data(store, "CNC")
        first = winners(data)[0]
        check = verification_code(data.competition.id, "CNC", first.code, first.award, first.total)
        assert data.verify_base == ""
        pdf = certificates_pdf(data)
        assert _decoded_qr(pdf, tmp_path) == qr_payload(
            data.competition.id, "CNC", first.code, first.award, check
        )
        assert "/verify/" not in _text(pdf, tmp_path)

        enrolment = state.Enrolment(
            store.station.id, "http://10.1.2.3:8750", "HQ-1", "00" * 32, "V-1", "浦东赛场", now()
        )
        state.save_enrolment(store, enrolment)
        data = event_data(store, "CNC")
        assert data.verify_base == "http://10.1.2.3:8750"
        pdf = certificates_pdf(data)
        assert _decoded_qr(pdf, tmp_path) == f"http://10.1.2.3:8750/verify/{check}"
        assert f"10.1.2.3:8750/verify/{check}" in _text(pdf, tmp_path)

        comp = dataclasses.replace(store.competition, verify_url="https://zs.example.org/scorer/")
        store.set_competition(comp, "COORD")
        data = event_data(store, "CNC")
        pdf = certificates_pdf(data)
        assert _decoded_qr(pdf, tmp_path) == f"https://zs.example.org/scorer/verify/{check}"
        text = _text(pdf, tmp_path)
        assert f"zs.example.org/scorer/verify/{check}" in text and "https://" not in text
        assert f"验证码：{check}" in text
        for r in winners(data)[1:3]:  # every page its own address
            other = verification_code(data.competition.id, "CNC", r.code, r.award, r.total)
            assert f"zs.example.org/scorer/verify/{other}" in text
        assert pdf == certificates_pdf(event_data(store, "CNC"))  # same input, same bytes


def test_verify_url_in_the_package(tmp_path):
    """verify_url travels through the package (JSON and XLSX), and only an http(s) address is taken."""
    import json

    from scorer import package
    from scorer.errors import ScorerError
    from scorer.package import codec, xlsx
    from tests.conftest import MINI

    raw = json.loads(MINI.read_text("utf-8"))
    raw["competition"]["verify_url"] = "https://hq.example.org"
    path = tmp_path / "with-url.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    comp = package.load(path)
    assert comp.verify_url == "https://hq.example.org"
    assert codec.to_dict(comp)["competition"]["verify_url"] == "https://hq.example.org"
    assert "verify_url" not in codec.to_dict(package.load(MINI))["competition"]  # absent stays absent
    book = tmp_path / "with-url.xlsx"
    book.write_bytes(xlsx.dump_bytes(comp))
    assert package.load(book).verify_url == "https://hq.example.org"
    for bad in ("javascript:alert(1)", "hq.example.org", "https://hq.example.org/a b", "ftp://x.org"):
        raw["competition"]["verify_url"] = bad
        path.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
        with pytest.raises(ScorerError):
            package.load(path)
