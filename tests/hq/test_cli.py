"""`scorer hq …` as real processes: venues and codes with their QR codes, status, and the clear
one-line errors of `serve` (a bad --db, an unreachable PostgreSQL, a port in use)."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

from PIL import Image
from pyzbar import pyzbar

from scorer.hq import enrol, qr
from scorer.hq.db import hide_password, open_database
from tests.hq.conftest import Server, scorer


def test_venue_add_prints_the_code_and_its_qr_and_writes_a_png(db_url: str, tmp_path: Path) -> None:
    png = tmp_path / "enrol.png"
    done = scorer("hq", "venue", "add", "浦东赛场", "--db", db_url, "--data", str(tmp_path / "hq"),
                  "--url", "http://hq.example:8750", "--png", str(png))  # fmt: skip
    assert done.returncode == 0, done.stderr
    code = next(w for w in done.stdout.split() if len(w) == 11 and w[5] == "-")
    assert enrol.normalise(code) is not None
    assert "▀" in done.stdout or "▄" in done.stdout  # the QR code drawn in the terminal
    assert f"scorer-enrol:{code}@http://hq.example:8750" in done.stdout
    (decoded,) = pyzbar.decode(Image.open(png))
    assert decoded.data.decode() == f"scorer-enrol:{code}@http://hq.example:8750"
    venue = re.search(r"V-[0-9A-F]{6}", done.stdout).group(0)  # type: ignore[union-attr]
    again = scorer("hq", "venue", "code", venue, "--db", db_url, "--data", str(tmp_path / "hq"), "--json",
                   "--png", str(tmp_path / "two.png"), "--valid-hours", "2")  # fmt: skip
    assert again.returncode == 0, again.stderr
    facts = json.loads(again.stdout)
    assert (
        facts["venue"] == venue and facts["code"] != code and facts["qr"].endswith("@http://hq.example:8750")
    )
    (decoded,) = pyzbar.decode(Image.open(tmp_path / "two.png"))
    assert decoded.data.decode() == facts["qr"]
    listed = scorer("hq", "venue", "list", "--db", db_url, "--data", str(tmp_path / "hq"), "--json")
    (v,) = json.loads(listed.stdout)
    assert (v["venue"], v["name"], v["codes"]["open"]) == (venue, "浦东赛场", 2)
    text = scorer("hq", "venue", "list", "--db", db_url, "--data", str(tmp_path / "hq"), "--lang", "en")
    assert venue in text.stdout and "open codes" in text.stdout
    unknown = scorer("hq", "venue", "code", "V-NOPE", "--db", db_url, "--data", str(tmp_path / "hq"))
    assert (
        unknown.returncode == 1 and "没有场地 V-NOPE" in unknown.stderr and "Traceback" not in unknown.stderr
    )


def test_the_terminal_qr_code_is_the_same_code_as_the_png() -> None:
    text = "scorer-enrol:7K3QF-9XD2M"
    grid = qr.matrix(text)
    drawn = qr.terminal(text).splitlines()
    assert len(drawn) == (len(grid) + 1) // 2 and all(len(line) == len(grid) for line in drawn)
    for y, line in enumerate(drawn):
        for x, ch in enumerate(line):
            top = grid[2 * y][x]
            bottom = grid[2 * y + 1][x] if 2 * y + 1 < len(grid) else False
            assert (
                ch
                == {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}[
                    (top, bottom)
                ]
            )


def test_status_with_nothing_held(db_url: str, tmp_path: Path) -> None:
    done = scorer("hq", "status", "--db", db_url, "--data", str(tmp_path / "hq"), "--json")
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout)
    assert facts["hq"].startswith("HQ-") and facts["feeds"] == facts["forks"] == facts["venues"] == []
    assert facts["database"] in (hide_password(db_url), f"sqlite://{Path(db_url).resolve()}")
    text = scorer("hq", "status", "--db", db_url, "--data", str(tmp_path / "hq"))
    assert "还没有收到任何记录" in text.stdout


def test_serve_explains_a_bad_database_address_in_one_line(tmp_path: Path) -> None:
    for url, zh, en in (
        ("mysql://hq:s3cret@db/hq", "不支持 mysql://", "mysql:// is not supported"),
        ("postgresql://hq:s3cret@db.example:port/hq", "无法解析", "cannot be parsed"),
    ):
        done = scorer("hq", "serve", "--db", url, "--data", str(tmp_path), "--port", "0")
        assert done.returncode == 1 and zh in done.stderr and "s3cret" not in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
        done = scorer("hq", "serve", "--db", url, "--data", str(tmp_path), "--port", "0", "--lang", "en")
        assert en in done.stderr


def test_serve_explains_an_unreachable_postgresql(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://hq:s3cret@127.0.0.1:{port}/hq"
    done = scorer("hq", "serve", "--db", url, "--data", str(tmp_path), "--port", "0")
    assert done.returncode == 1, done.stderr
    assert (
        "无法连接 PostgreSQL" in done.stderr
        and "hq:***@127.0.0.1" in done.stderr
        and "s3cret" not in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_serve_explains_a_port_in_use_and_prints_where_it_serves(db_url: str, tmp_path: Path) -> None:
    server = Server(db_url, tmp_path / "hq", log=tmp_path / "server.log")
    try:
        assert "总部已启动" in server.line and "HQ-" in server.line
        shown = open_database(db_url)
        assert shown.shown in server.line  # the database, its password hidden
        shown.close()
        port = server.url.rsplit(":", 1)[1]
        done = scorer("hq", "serve", "--db", db_url, "--data", str(tmp_path / "hq"), "--port", port)
        assert (
            done.returncode == 1 and f"端口 {port} 已被占用" in done.stderr and "Traceback" not in done.stderr
        )
        done = scorer(
            "hq", "serve", "--db", db_url, "--data", str(tmp_path / "hq"), "--port", port, "--lang", "en"
        )
        assert f"port {port} is already in use" in done.stderr
    finally:
        server.stop()
    assert server.proc.returncode == 0, server.errors()
