"""`scorer sync …` for people and for programs: each verb's --json keys (stable, listed in
scorer/cli/sync.py), sentences in the user's language, and failures as one line on stderr, exit 1
(2 for bad usage), with --json also {"error": {code, zh, en, seq}} on stdout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scorer import cli
from scorer.cli.sync import JSON_KEYS
from scorer.store import Store
from tests.sync.harness import HQ, free_port

FEED_KEYS = {
    "db", "station", "this_laptop", "enrolled", "venue", "hq", "hq_url", "count", "head_hash", "held_count",
    "held_last_seq", "held_head_hash", "held_time", "fingerprint", "own_fingerprint", "state", "zh", "en",
}  # fmt: skip
PUSH_KEYS = {
    "db", "station", "url", "sent", "batches", "count", "held_count", "head_hash", "fingerprint", "state", "zh",
    "en", "receipt",
}  # fmt: skip
EXPORT_KEYS = {"path", "db", "station", "venue", "first", "last", "entries", "batches", "enrol", "bytes"}
IMPORT_KEYS = {"path", "hq", "enrolled", "receipts", "kept", "other_files", "refused", "feeds"}


def documented(verb: str, keys: set[str]) -> bool:
    """Every key a verb's JSON has is named in its --help (scorer.cli.sync.JSON_KEYS)."""
    named = set(
        JSON_KEYS[verb].replace("[", " ").replace("]", " ").replace(":", " ").replace(",", " ").split()
    )
    return keys <= named


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> Any:
    got, out, err = run(capsys, *argv, "--json")
    assert got == code, err
    return json.loads(out)


def test_every_verb_in_json_and_in_sentences(
    hq: HQ, demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = ("--file", str(demo))
    with Store.open(demo, readonly=True) as s:
        rows = s.count()
    status = run_json(capsys, "sync", "status", *f)
    assert status["file"] == str(demo) and [set(x) for x in status["feeds"]] == [FEED_KEYS]
    assert documented("status", {"file", "feeds"} | FEED_KEYS)
    assert status["feeds"][0]["state"] == "not enrolled" and status["feeds"][0]["this_laptop"] is True

    venue = hq.code()
    enrol = run_json(capsys, "sync", "enrol", hq.url + "/", venue["code"].lower(), *f, "--name", "一号机")
    assert set(enrol) == {"station", "hq_url", "hq", "hq_key", "venue", "venue_name", "enrolled"}
    assert documented("enrol", set(enrol))
    assert (
        enrol["hq_url"] == hq.url and enrol["venue"] == venue["venue"] and enrol["venue_name"] == "测试场地"
    )

    push = run_json(capsys, "sync", "push", *f)
    assert set(push) == PUSH_KEYS and push["state"] == "synced" and push["sent"] == rows == push["held_count"]
    assert documented("push", PUSH_KEYS)
    assert push["receipt"]["format"] == "scorer-sync-receipt" and push["receipt"]["count"] == rows

    code, out, err = run(capsys, "sync", "push", *f)
    assert code == 0 and out == f"总部已收到 {rows}/{rows} 条记录，指纹一致（指纹 {push['fingerprint']}）\n"

    exported = run_json(capsys, "sync", "export", str(tmp_path / "all.bundle"), "--all", *f)
    assert set(exported) == EXPORT_KEYS and exported["entries"] == rows
    assert documented("export", EXPORT_KEYS)
    code, out, err = run(capsys, "sync", "export", str(tmp_path / "none.bundle"), *f)
    assert code == 0 and "没有新的记录" in out

    code, out, err = run(capsys, "hq", "import", str(tmp_path / "all.bundle"), "--data", str(hq.data))
    assert code == 0, err
    imported = run_json(capsys, "sync", "import-receipt", str(tmp_path / "all.bundle.receipt"), *f)
    assert set(imported) == IMPORT_KEYS and imported["receipts"] == 1 and imported["refused"] == []
    assert documented("import-receipt", IMPORT_KEYS)
    assert [set(x) for x in imported["feeds"]] == [FEED_KEYS]
    code, out, err = run(capsys, "sync", "import-receipt", str(tmp_path / "all.bundle.receipt"), *f)
    assert code == 0 and "回执文件：1 份回执" in out and "指纹一致" in out

    # in English (--lang sets the language for the rest of this process: last)
    code, out, err = run(capsys, "--lang", "en", "sync", "status", *f)
    assert code == 0 and out.endswith(f"(this laptop): headquarters holds {rows}/{rows} entries, fingerprints match "
                                      f"(fingerprint {push['fingerprint']})\n")  # fmt: skip


def test_failures_are_one_line_exit_1_and_json_errors(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = ("--file", str(demo))
    nowhere = f"http://127.0.0.1:{free_port()}"
    # unreachable
    err_json = run_json(capsys, "sync", "enrol", nowhere, "ABCDE-FGHJK", *f, code=1)
    assert err_json["error"]["code"] == "unreachable" and "无法连接总部" in err_json["error"]["zh"]
    code, out, err = run(capsys, "sync", "enrol", nowhere, "ABCDE-FGHJK", *f)
    assert code == 1 and out == "" and err.startswith(f"错误：无法连接总部 {nowhere}：连接被拒绝")
    assert err.count("\n") == 1
    # not enrolled
    err_json = run_json(capsys, "sync", "push", *f, code=1)
    assert err_json["error"]["code"] == "not_enrolled"
    code, out, err = run(capsys, "sync", "push", *f)
    assert code == 1 and err.startswith("错误：本机（站点 ") and "scorer sync enrol" in err
    # not an address; no such competition file; a bad batch size
    code, out, err = run(capsys, "sync", "enrol", "ftp://x", "ABCDE-FGHJK", *f)
    assert code == 1 and "总部地址不对" in err
    code, out, err = run(capsys, "sync", "status", "--file", str(tmp_path / "missing.scorer"))
    assert code == 1 and "missing.scorer" in err and "Traceback" not in err
    code, out, err = run(capsys, "sync", "push", *f, "--batch-size", "0")
    assert code == 1 and "每批记录数" in err
    # bad usage: exit 2
    with pytest.raises(SystemExit) as usage:
        cli.main(["sync", "push", "--nonsense"])
    assert usage.value.code == 2 and "用法错误" in capsys.readouterr().err
    # in English (--lang sets the language for the rest of this process: last)
    code, out, err = run(capsys, "sync", "enrol", nowhere, "ABCDE-FGHJK", *f, "--lang", "en")
    assert (
        code == 1
        and out == ""
        and err.startswith(f"error: cannot reach headquarters at {nowhere}: connection")
    )
