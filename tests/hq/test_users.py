"""Headquarters' staff accounts (scorer.hq.users), their record (scorer.hq.audit) and `scorer hq user …`
as real processes — on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import re
import select
import signal
import time
from pathlib import Path

import pytest

from scorer.errors import ScorerError
from scorer.hq import audit, quarantine, users
from scorer.hq.db import Database
from scorer.station import Identity
from tests.hq.conftest import Feed, cli_env, scorer
from tests.hq.test_ingest import feed
from tests.hq.test_release import _forked

__all__ = ["feed"]  # the fixture: a station enrolled, with rows

PASSWORD = "correct horse battery"
NASTY = [
    "Robert'); DROP TABLE users; --",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    '"; DELETE FROM staff_actions; --',
    "admin\x00",
    "a b",
    "cli:root",
    "",
    "x" * 65,
]


def dump(database: Database) -> str:
    """Every text cell of the staff tables, to look for secrets that must not be there."""
    out = []
    with database.read() as tx:
        for table in ("users", "api_tokens", "sessions", "login_attempts", "staff_actions"):
            out += [repr(r) for r in tx.all(f"SELECT * FROM {table}")]
    return "\n".join(out)


# ------------------------------------------------------------ accounts


def test_accounts_are_added_with_a_role_and_an_argon2id_hash_and_listed(hq_db: Database) -> None:
    admin = users.add(hq_db, "王工", "administrator", PASSWORD, "cli:test")
    users.add(hq_db, "li.si", "reviewer", "another good password", "王工", "10.0.0.9")
    users.add(hq_db, "Zhao", "read-only", "a third good password", "王工")
    assert admin.username == "王工" and admin.role == "administrator" and admin.active
    listed = users.listing(hq_db)
    assert [(u["username"], u["role"], u["tokens"], u["disabled"]) for u in listed] == [
        ("li.si", "reviewer", 0, None),
        ("Zhao", "read-only", 0, None),
        ("王工", "administrator", 0, None),
    ]
    with hq_db.read() as tx:
        found = users.find(tx, "ZHAO")  # any case finds it
        assert found is not None and found[0].username == "Zhao"
        stored = found[1]
    assert stored.startswith("$argon2id$") and "third" not in stored
    assert users.verify_password(stored, "a third good password")
    assert not users.verify_password(stored, "a third good passworD")
    assert not users.verify_password("not a hash", "anything at all")
    assert PASSWORD not in dump(hq_db)
    actions = audit.actions(hq_db)
    assert [(a["who"], a["action"], a["details"], a["address"]) for a in reversed(actions)] == [
        ("cli:test", "user.add", {"username": "王工", "role": "administrator"}, None),
        ("王工", "user.add", {"username": "li.si", "role": "reviewer"}, "10.0.0.9"),
        ("王工", "user.add", {"username": "Zhao", "role": "read-only"}, None),
    ]


def test_names_roles_and_passwords_are_checked_and_a_refusal_changes_nothing(hq_db: Database) -> None:
    users.add(hq_db, "wang", "administrator", PASSWORD, "cli:test")
    before = dump(hq_db)
    cases = [
        (("WANG", "reviewer", "another good password"), "已经存在", "already exists"),
        (("ｗａｎｇ", "reviewer", "another good password"), "已经存在", "already exists"),  # full-width: NFKC
        (("li", "boss", "another good password"), "没有角色", "no role"),
        (("li", "reviewer", "short"), "太短", "too short"),
        (("li", "reviewer", "x" * 1025), "太长", "too long"),
        (("Li.Si-2026", "reviewer", "li.si-2026"), "不能与用户名相同", "cannot be the user name"),
        (("li", "reviewer", "ten chars\x00!"), "NUL", "NUL"),
    ]
    for name in NASTY:
        cases.append(((name, "reviewer", "another good password"), "用户名须为", "a user name is"))
    for (name, role, password), zh, en in cases:
        with pytest.raises(ScorerError) as caught:
            users.add(hq_db, name, role, password, "cli:test")
        assert zh in caught.value.zh and en in caught.value.en, (name, caught.value.en)
    assert dump(hq_db) == before
    assert [u["username"] for u in users.listing(hq_db)] == ["wang"]


def test_a_new_password_ends_every_session_and_disabling_ends_sessions_and_tokens(hq_db: Database) -> None:
    users.add(hq_db, "wang", "reviewer", PASSWORD, "cli:test")
    token = users.new_token(hq_db, "wang", "nightly export", "cli:test")
    with hq_db.write() as tx:
        for sid in ("s1", "s2"):
            tx.run(
                "INSERT INTO sessions (id, user_id, csrf, created, last_seen, expires, address) "
                "SELECT ?, id, 'c', 'a', 'b', 'z', '' FROM users",
                (sid,),
            )
    users.set_password(hq_db, "WANG", "a brand new password", "admin")
    with hq_db.read() as tx:
        assert tx.all("SELECT id, ended_why FROM sessions ORDER BY id") == [
            ("s1", "password"),
            ("s2", "password"),
        ]
        stored = users.find(tx, "wang")[1]  # type: ignore[index]
    assert users.verify_password(stored, "a brand new password") and not users.verify_password(
        stored, PASSWORD
    )
    assert users.token_user(hq_db, token.token) is not None  # tokens outlive a password change
    with pytest.raises(ScorerError) as caught:
        users.set_password(hq_db, "wang", "wang", "admin")
    assert "太短" in caught.value.zh
    with pytest.raises(ScorerError) as caught:
        users.set_password(hq_db, "nobody", "a brand new password", "admin")
    assert "没有用户 nobody" in caught.value.zh

    with hq_db.write() as tx:
        tx.run(
            "INSERT INTO sessions (id, user_id, csrf, created, last_seen, expires, address) "
            "SELECT 's3', id, 'c', 'a', 'b', 'z', '' FROM users"
        )
    users.disable(hq_db, "wang", "admin", "10.1.1.1")
    assert users.get(hq_db, "wang").disabled_at is not None
    assert users.token_user(hq_db, token.token) is None
    with hq_db.read() as tx:
        assert tx.one("SELECT ended_why FROM sessions WHERE id = 's3'") == ("disabled",)
    with pytest.raises(ScorerError) as caught:
        users.disable(hq_db, "wang", "admin")
    assert "已被停用" in caught.value.zh and "already disabled" in caught.value.en
    with pytest.raises(ScorerError):
        users.new_token(hq_db, "wang", "", "admin")
    assert [a["action"] for a in audit.actions(hq_db)] == [
        "user.disable",
        "user.passwd",
        "token.create",
        "user.add",
    ]
    assert audit.actions(hq_db, action="user.disable")[0]["details"] == {
        "username": "wang",
        "sessions_ended": 1,
    }
    assert audit.actions(hq_db, action="user.passwd")[0]["details"]["sessions_ended"] == 2


# ------------------------------------------------------------ API tokens


def test_a_token_is_shown_once_kept_hashed_acts_for_its_user_and_is_revoked(hq_db: Database) -> None:
    users.add(hq_db, "wang", "reviewer", PASSWORD, "cli:test")
    new = users.new_token(hq_db, "wang", "rankings <script>'; DROP TABLE api_tokens;--", "cli:test")
    assert re.fullmatch(r"TK-[0-9A-F]{12}\.[A-Za-z0-9_-]{43}", new.token) and new.token.startswith(
        new.id + "."
    )
    secret = new.token.split(".", 1)[1]
    stored = dump(hq_db)
    assert secret not in stored and hashlib.sha256(secret.encode()).hexdigest() in stored
    user, token_id = users.token_user(hq_db, new.token)  # type: ignore[misc]
    assert (user.username, user.role, token_id) == ("wang", "reviewer", new.id)
    (listed,) = users.tokens(hq_db, "wang")
    assert listed["name"] == "rankings <script>'; DROP TABLE api_tokens;--" and listed["revoked"] is None
    assert listed["last_used"] is not None and "secret" not in json.dumps(listed)
    assert users.listing(hq_db)[0]["tokens"] == 1

    wrong_secret = new.id + "." + ("A" if secret[0] != "A" else "B") + secret[1:]
    for presented in (wrong_secret, new.id, secret, new.token + "x", "TK-000000000000." + secret, "",
                      "' OR 1=1 --", new.token.lower(), "TK-" + "\x00" * 12 + "." + secret):  # fmt: skip
        assert users.token_user(hq_db, presented) is None, presented
    done = users.revoke_token(hq_db, new.id.lower(), "admin")
    assert done == {"token": new.id, "username": "wang", "name": listed["name"]}
    assert users.token_user(hq_db, new.token) is None
    for token_id, zh in (
        (new.id, "已被撤销"),
        ("TK-000000000000", "没有令牌"),
        ("1; DROP TABLE users", "不对"),
    ):
        with pytest.raises(ScorerError) as caught:
            users.revoke_token(hq_db, token_id, "admin")
        assert zh in caught.value.zh
    assert users.tokens(hq_db)[0]["revoked"] is not None
    actions = audit.actions(hq_db)
    assert [a["action"] for a in actions[:2]] == ["token.revoke", "token.create"]
    assert secret not in json.dumps(actions)


# ------------------------------------------------------------ the record


def test_the_record_reads_newest_first_by_page_and_filter(hq_db: Database) -> None:
    with hq_db.write() as tx:
        for n in range(7):
            audit.record(tx, f"user{n % 2}", "thing.done", {"n": n, "名": "值"}, "10.0.0.1")
    everything = audit.actions(hq_db)
    assert [a["details"]["n"] for a in everything] == [6, 5, 4, 3, 2, 1, 0]
    page = audit.actions(hq_db, limit=3)
    assert [a["details"]["n"] for a in page] == [6, 5, 4]
    assert [a["details"]["n"] for a in audit.actions(hq_db, limit=3, before=page[-1]["id"])] == [3, 2, 1]
    assert [a["details"]["n"] for a in audit.actions(hq_db, who="user1")] == [5, 3, 1]
    assert audit.actions(hq_db, action="nothing") == []
    with pytest.raises(RuntimeError), hq_db.write() as tx:  # the action failed: its record goes with it
        audit.record(tx, "user0", "thing.failed")
        raise RuntimeError("the action failed")
    assert audit.actions(hq_db, action="thing.failed") == []


def test_releasing_a_station_is_on_record_with_who_and_the_name_given(
    hq_db: Database, hq_key: Identity, feed: Feed
) -> None:
    _forked(hq_db, hq_key, feed)
    quarantine.release(hq_db, feed.identity.id, "场地确认", "王工", actor="cli:ops")
    (done,) = audit.actions(hq_db, action="station.release")
    assert done["who"] == "cli:ops" and done["details"] == {
        "station": feed.identity.id,
        "reason": "场地确认",
        "by": "王工",
    }


# ------------------------------------------------------------ the command line


def _hq(db_url: str, tmp_path: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None):
    import subprocess
    import sys

    from tests.hq.conftest import ROOT

    return subprocess.run(
        [sys.executable, "-m", "scorer.cli", "hq", *args, "--db", db_url, "--data", str(tmp_path / "hq")],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env or cli_env(),
        timeout=120,
    )


def test_user_verbs_as_real_processes(db_url: str, tmp_path: Path) -> None:
    secret_password = "Ssh-do-not-print-me-42"
    done = _hq(db_url, tmp_path, "user", "add", "王工", "--role", "administrator", "--password-stdin",
               stdin=secret_password + "\n")  # fmt: skip
    assert done.returncode == 0 and "已添加用户 王工（管理员）" in done.stdout, done.stderr
    done = _hq(db_url, tmp_path, "user", "add", "li", "--role", "reviewer", "--password-stdin", "--json",
               stdin="another good password\r\n")  # fmt: skip
    assert json.loads(done.stdout)["role"] == "reviewer"
    made = _hq(db_url, tmp_path, "user", "token", "li", "--name", "nightly", "--json")
    token = json.loads(made.stdout)
    text = _hq(db_url, tmp_path, "user", "token", "li", "--lang", "en")
    assert "shown this once only" in text.stdout and "Authorization: Bearer" in text.stdout
    listed = json.loads(_hq(db_url, tmp_path, "user", "list", "--json").stdout)
    assert [(u["username"], u["role"], u["tokens"]) for u in listed] == [
        ("li", "reviewer", 2),
        ("王工", "administrator", 0),
    ]
    table = _hq(db_url, tmp_path, "user", "list")
    assert "审核员" in table.stdout and "在用" in table.stdout
    revoked = _hq(db_url, tmp_path, "user", "revoke", token["id"])
    assert revoked.returncode == 0 and token["id"] in revoked.stdout
    again = _hq(db_url, tmp_path, "user", "revoke", token["id"], "--lang", "en")
    assert again.returncode == 1 and "already revoked" in again.stderr and "Traceback" not in again.stderr
    changed = _hq(db_url, tmp_path, "user", "passwd", "LI", "--password-stdin", stdin="the newest password\n")
    assert changed.returncode == 0 and "会话已结束" in changed.stdout, changed.stderr
    short = _hq(db_url, tmp_path, "user", "passwd", "li", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "密码太短" in short.stderr
    off = _hq(db_url, tmp_path, "user", "disable", "li", "--json")
    assert json.loads(off.stdout) == {"username": "li", "disabled": True}
    for args, words in (
        (("user", "add", "bad name", "--role", "reviewer", "--password-stdin"), "用户名须为"),
        (("user", "add", "x", "--role", "boss", "--password-stdin"), "invalid choice"),
        (("user", "passwd", "nobody", "--password-stdin"), "没有用户 nobody"),
        (("user", "token", "nobody"), "没有用户 nobody"),
        (("user", "add", "zhang", "--role", "reviewer"), "--password-stdin"),  # no terminal, no flag
    ):
        refused = _hq(db_url, tmp_path, *args, stdin="a good long password\n")
        assert refused.returncode in (1, 2) and words in refused.stderr, (args, refused.stderr)
        assert "Traceback" not in refused.stderr
    everything = [
        _hq(db_url, tmp_path, "user", "list", "--json"),
        _hq(db_url, tmp_path, "status", "--json"),
    ]
    assert all(secret_password not in p.stdout + p.stderr for p in everything)
    from scorer.hq.db import open_database

    database = open_database(db_url)
    try:
        actions = audit.actions(database)
        assert secret_password not in dump(database) and token["token"].split(".")[1] not in dump(database)
    finally:
        database.close()
    who = {a["who"] for a in actions}
    assert len(who) == 1 and who.pop().startswith("cli:")
    assert [a["action"] for a in reversed(actions)] == [
        "user.add", "user.add", "token.create", "token.create", "token.revoke", "user.passwd", "user.disable",
    ]  # fmt: skip


def _typed(db_url: str, tmp_path: Path, args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run `scorer hq …` on a terminal of its own (a pty), typing `answers` at its prompts;
    (exit code, everything the terminal showed)."""
    import sys

    from tests.hq.conftest import ROOT

    argv = [sys.executable, "-m", "scorer.cli", "hq", *args, "--db", db_url, "--data", str(tmp_path / "hq")]
    env = cli_env()
    pid, fd = pty.fork()
    if pid == 0:  # the child: its controlling terminal is the pty
        os.chdir(ROOT)
        os.execve(sys.executable, argv, env)
    shown = b""
    pending = list(answers)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break  # the child closed the terminal
                if not chunk:
                    break
                shown += chunk
                if pending and shown.endswith((b"\xef\xbc\x9a", b": ")):  # a prompt waits ("：" or ": ")
                    os.write(fd, pending.pop(0).encode() + b"\n")
    finally:
        for _ in range(100):  # it ends by itself, or is killed (a test that hangs tells nothing)
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode("utf-8", "replace")


def test_a_password_typed_at_the_terminal_twice_is_never_shown(db_url: str, tmp_path: Path) -> None:
    password = "Typed-at-a-terminal-77"
    code, shown = _typed(
        db_url, tmp_path, ["user", "add", "zhao", "--role", "read-only"], [password, password]
    )
    assert code == 0 and "已添加用户 zhao" in shown, shown
    assert "zhao 的新密码" in shown and "再输入一次" in shown and password not in shown
    code, shown = _typed(
        db_url, tmp_path, ["user", "passwd", "zhao"], ["First-new-password", "Second-differs"]
    )
    assert code == 1 and "两次输入的密码不一样" in shown and "Second-differs" not in shown
    code, shown = _typed(db_url, tmp_path, ["user", "passwd", "zhao"], ["zhao"])
    assert code == 1 and "密码太短" in shown and "再输入一次" not in shown  # refused before the second typing
    from scorer.hq.db import open_database

    database = open_database(db_url)
    try:
        with database.read() as tx:
            stored = users.find(tx, "zhao")[1]  # type: ignore[index]
    finally:
        database.close()
    assert users.verify_password(stored, password)  # the refused changes changed nothing


def test_venue_add_code_and_release_from_the_command_line_are_on_record(
    db_url: str, hq_db: Database, hq_key: Identity, feed: Feed, tmp_path: Path
) -> None:
    env = cli_env(USER="ops-wang", LOGNAME="ops-wang")
    added = scorer("hq", "venue", "add", "浦东赛场", "--db", db_url, "--data", str(tmp_path / "hq"), "--json",
                   "--png", str(tmp_path / "v.png"), env=env)  # fmt: skip
    venue = json.loads(added.stdout)
    scorer("hq", "venue", "code", venue["venue"], "--db", db_url, "--data", str(tmp_path / "hq"),
           "--png", str(tmp_path / "w.png"), env=env)  # fmt: skip
    _forked(hq_db, hq_key, feed)
    released = scorer("hq", "station", "release", feed.identity.id, "--reason", "已核实", "--by", "王工",
                      "--db", db_url, "--data", str(tmp_path / "hq"), env=env)  # fmt: skip
    assert released.returncode == 0, released.stderr
    actions = list(reversed(audit.actions(hq_db)))
    assert [(a["who"], a["action"]) for a in actions] == [
        ("cli:ops-wang", "venue.add"), ("cli:ops-wang", "venue.code"), ("cli:ops-wang", "station.release"),
    ]  # fmt: skip
    assert actions[0]["details"]["name"] == "浦东赛场" and actions[1]["details"]["venue"] == venue["venue"]
    assert actions[2]["details"] == {"station": feed.identity.id, "reason": "已核实", "by": "王工"}
    assert venue["code"].replace("-", "") not in json.dumps(actions)  # never the code itself
