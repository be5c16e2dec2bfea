"""`scorer device …` from the field trial: machine-readable `listen --json`, timer times as the timer
shows them, a cancel that names its reading, and no traceback for any fault — a bilingual error and
an exit code instead (through scorer.cli.main: what a user's shell sees)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scorer.cli import main
from scorer.devices.profiles import BUILTIN
from scorer.devices.simulator import Simulator
from scorer.devices.transport import HOST_ATTEMPTS, PortState, Transport
from tests.devices.test_transport import FAST, Harness

ROOT = Path(__file__).resolve().parents[2]
LINUX = sys.platform.startswith("linux")

START = b" 0035 C0  21:46:36.3910 00\r"
RUN = b" 0035 RT  00:00:24.8290 00\r"
CANCEL = b"c0035 C0  21:46:36.3910 00\r"


def listen(port: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "scorer.cli", "--lang", "en", "device", "listen", port, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def lines_until(proc: subprocess.Popen[str], count: int) -> list[str]:
    assert proc.stdout is not None
    out = [proc.stdout.readline() for _ in range(count)]
    assert all(out), out
    return out


def test_listen_json_one_object_per_event() -> None:
    with Simulator("pty") as sim:
        proc = listen(sim.path, "--profile", "alge-timy", "--json", "--seconds", "20")
        try:
            (first,) = lines_until(proc, 1)
            state = json.loads(first)
            assert state["type"] == "state" and state["state"] == "connected", first
            sim.send(START + RUN + CANCEL + b" 0035 kmh 21:46:36.3910 00\r\x80\xfe\r")
            events = [json.loads(line) for line in lines_until(proc, 5)]
        finally:
            proc.terminate()
            proc.wait(10)
    start, run, cancel, unsupported, garbage = events
    assert start["type"] == "reading" and start["kind"] == "start" and start["bib"] == "0035"
    assert start["time_of_day"] == "21:46:36.3910" and start["run_time"] == ""
    assert start["value"] == "78396.3910" and start["unit"] == "s"
    assert start["raw"] == " 0035 C0  21:46:36.3910 00" and bytes.fromhex(start["raw_hex"]) == START[:-1]
    assert run["run_time"] == "0:24.829" and run["time_of_day"] == ""
    assert cancel["type"] == "control" and cancel["kind"] == "cancel"
    assert cancel["cancels"]["channel"] == "C0" and cancel["cancels"]["time_of_day"] == "21:46:36.3910"
    assert unsupported["type"] == "fault" and unsupported["kind"] == "unsupported"
    assert "unsupported record" in unsupported["message"] and "不支持的记录" in unsupported["zh"]
    assert garbage["kind"] == "garbage" and garbage["raw"] == "\\x80\\xfe"  # escaped, never raw bytes
    assert all({"time", "unix"} <= set(e) for e in events)


def test_listen_text_shows_clock_time_run_time_and_what_a_cancel_withdraws() -> None:
    with Simulator("pty") as sim:
        proc = listen(sim.path, "--profile", "alge-timy", "--seconds", "20")
        try:
            (first,) = lines_until(proc, 1)
            assert "state  connected" in first, first
            sim.send(START + RUN + CANCEL)
            start, run, cancel = lines_until(proc, 3)
        finally:
            proc.terminate()
            proc.wait(10)
    assert re.search(r"reading  21:46:36\.3910 kind=start channel=C0 bib=0035", start), start
    assert "78396" not in start
    assert re.search(r"reading  0:24\.829 kind=run_time", run), run
    assert re.search(r"control  cancel cancels C0 21:46:36\.3910 bib 0035", cancel), cancel


def test_unknown_host_is_a_clear_error_after_bounded_retries() -> None:
    h = Harness()
    t = Transport("socket://nohost.invalid:1", BUILTIN["mitutoyo"], h.on_event, h.on_state, backoff=FAST)
    t.start()
    try:
        h.wait(lambda: PortState.STOPPED in h.states, "gave up", timeout=30)
    finally:
        t.stop()
    assert t.error is not None
    assert "host not found" in t.error.en and "nohost.invalid" in t.error.en and "找不到主机" in t.error.zh
    assert h.states.count(PortState.WAITING) <= HOST_ATTEMPTS
    assert h.events == []


# (arguments, exit code, what stderr must say) — every one a message, never a traceback
CASES = [
    (
        ["device", "listen", "socket://nohost.invalid:1", "-p", "mitutoyo", "--seconds", "20"],
        1,
        "host not found",
    ),
    (["device", "listen", "nosuch://x", "-p", "mitutoyo", "--seconds", "5"], 1, "nosuch://x"),
    (["device", "listen", "/dev/null", "-p", "sylvac", "--query-every", "0"], 1, "--query-every"),
    (["device", "listen", "/dev/null", "-p", "mitutoyo", "--query-every", "1"], 1, "query devices"),
    (["device", "listen", "/dev/null", "-p", "nosuch"], 1, "no device profile"),
    (["device", "listen", "/dev/null", "-p", "missing.json"], 1, "missing.json"),
    (
        ["device", "simulate", "-p", "alge-timy", "--replay", "missing.dump", "--seconds", "1"],
        1,
        "missing.dump",
    ),
    (["device", "simulate", "-p", "nosuch", "--seconds", "1"], 1, "no device profile"),
]


@pytest.mark.parametrize(
    ("argv", "code", "says"), CASES, ids=[" ".join(c[0][:3]) + f" {i}" for i, c in enumerate(CASES)]
)
def test_device_verbs_fail_with_a_message_not_a_traceback(
    argv: list[str], code: int, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--lang", "en", *argv]) == code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert err.startswith("error: ") and says in err, err


def test_listen_on_a_missing_port_waits_and_ends_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "--lang",
                "en",
                "device",
                "listen",
                str(tmp_path / "ttyUSB9"),
                "-p",
                "mitutoyo",
                "--seconds",
                "0.5",
            ]
        )
        == 0
    )
    out, err = capsys.readouterr()
    assert "waiting for port" in out and "not found" in out and err == ""


def test_docs_simulate_example_uses_a_shipped_capture() -> None:
    """The docs' replay example must work from an installed copy, not only from a test checkout."""
    docs = (ROOT / "docs" / "devices.md").read_text(encoding="utf-8")
    paths = re.findall(r"--replay (\S+)", docs)
    assert paths
    for path in paths:
        assert not path.startswith("tests/"), path
        assert (ROOT / path).is_file(), path


def test_docs_document_every_listen_option() -> None:
    docs = (ROOT / "docs" / "devices.md").read_text(encoding="utf-8")
    for option in ("--query-every", "--json", "--capture", "--seconds"):
        assert option in docs, option
