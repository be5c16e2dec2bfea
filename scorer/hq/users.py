"""Headquarters' staff accounts: user names, roles, passwords (argon2id) and API tokens.

Roles, from least to most power: "read-only" (sees), "reviewer" (also decides what staff decide),
"administrator" (also manages accounts). A role includes every role below it (`allows`).

Passwords are hashed with argon2id by argon2-cffi (its defaults: RFC 9106's low-memory choice,
64 MiB, 3 passes); a hash made with weaker parameters is replaced at the next good log-in. A password
is at least 10 characters and not the user name. Hashing runs before the write transaction (it takes
tens of milliseconds), never inside it.

An API token is "TK-<12 hex>.<secret>": the id names it (shown in lists, used to revoke it), the
secret is 256 random bits. Headquarters keeps only the secret's SHA-256, shows the token once, and
compares with `hmac.compare_digest`. A token acts as its user, with the user's role, until revoked or
the user is disabled.

Every change is recorded in staff_actions (scorer.hq.audit) in its own transaction, with `by` (who did
it) and `address` (where from, for the web).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scorer.errors import ScorerError
from scorer.hq import audit
from scorer.hq.db import Conflict, Database, Tx
from scorer.store.log import now

ROLES = ("read-only", "reviewer", "administrator")  # least power first
ROLE_NAMES = {"read-only": ("只读", "read-only"), "reviewer": ("审核员", "reviewer"),
              "administrator": ("管理员", "administrator")}  # fmt: skip
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # hashing cost is per byte too: an endless "password" is refused, not hashed
MAX_USERNAME = 64
MAX_TOKEN_NAME = 100
TOKEN_ID = re.compile(r"TK-[0-9A-F]{12}")
TOKEN = re.compile(r"(TK-[0-9A-F]{12})\.([A-Za-z0-9_-]{43})")
_USERNAME_PUNCT = "._-@"


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    created: str
    password_changed: str
    last_login: str | None
    disabled_at: str | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def public(self) -> dict[str, Any]:
        """The account as shown to staff and scripts (no hash)."""
        return {"username": self.username, "role": self.role, "created": self.created,
                "password_changed": self.password_changed, "last_login": self.last_login,
                "disabled": self.disabled_at}  # fmt: skip


@dataclass(frozen=True)
class NewToken:
    id: str
    token: str  # the whole token: shown once, never stored
    name: str
    username: str


def allows(role: str, needed: str) -> bool:
    """Does `role` include `needed` (an administrator may do what a reviewer may, …)?"""
    return ROLES.index(role) >= ROLES.index(needed)


# ------------------------------------------------------------ names and passwords


def name_key(username: str) -> str:
    """The form user names are compared in: NFKC, case-folded (Wang and wang are one account)."""
    return unicodedata.normalize("NFKC", username).casefold()


def check_username(username: str) -> str:
    """The user name as kept (NFKC, surrounding spaces removed); ScorerError when it is empty, too
    long, or holds anything but letters (any script), digits and . _ - @."""
    name = unicodedata.normalize("NFKC", username or "").strip()
    if not 1 <= len(name) <= MAX_USERNAME or not all(ch.isalnum() or ch in _USERNAME_PUNCT for ch in name):
        raise ScorerError(
            f"用户名须为 1–{MAX_USERNAME} 个字符，只能包含字母、汉字、数字和 . _ - @",
            f"a user name is 1–{MAX_USERNAME} characters: letters (any script), digits and . _ - @ only",
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ScorerError(
            f"没有角色「{role}」：可选 administrator（管理员）、reviewer（审核员）、read-only（只读）",
            f"there is no role {role!r}: choose administrator, reviewer or read-only",
        )
    return role


def check_password(password: str, username: str) -> None:
    """ScorerError unless `password` may be used by `username`: 10–1024 characters, not the user name."""
    if len(password) < MIN_PASSWORD:
        raise ScorerError(
            f"密码太短：至少 {MIN_PASSWORD} 个字符",
            f"the password is too short: at least {MIN_PASSWORD} characters",
        )
    if len(password) > MAX_PASSWORD:
        raise ScorerError(
            f"密码太长：最多 {MAX_PASSWORD} 个字符",
            f"the password is too long: at most {MAX_PASSWORD} characters",
        )
    if name_key(password.strip()) == name_key(username):
        raise ScorerError("密码不能与用户名相同", "the password cannot be the user name")
    if "\x00" in password:
        raise ScorerError("密码不能含有 NUL 字符", "a password cannot hold a NUL character")


@functools.cache
def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id, RFC 9106 low-memory parameters


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def verify_password(stored: str, password: str) -> bool:
    """Is `password` the one `stored` was made from? (False for a damaged hash, never an exception.)"""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(stored, password))
    except (VerificationError, InvalidHashError, ValueError):
        return False


def needs_rehash(stored: str) -> bool:
    try:
        return bool(_hasher().check_needs_rehash(stored))
    except Exception:  # a hash argon2 cannot read: make a new one
        return True


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def waste_a_check(password: str) -> None:
    """As long as a real check: an unknown user name takes as long to refuse as a wrong password."""
    verify_password(_dummy_hash(), password)


# ------------------------------------------------------------ accounts


_USER_COLUMNS = ("id", "username", "role", "created", "password_changed", "last_login", "disabled_at")


def user_columns(table: str = "") -> str:
    """The columns `user_from_row` reads, in its order (each prefixed by `table.` when given)."""
    return ", ".join(f"{table}.{c}" if table else c for c in _USER_COLUMNS)


def user_from_row(row: Sequence[Any]) -> User:
    return User(int(row[0]), *row[1:])


def find(tx: Tx, username: str) -> tuple[User, str] | None:
    """The account named `username` (any case) and its password hash, or None."""
    row = tx.one(
        f"SELECT {user_columns()}, password_hash FROM users WHERE name_key = ?", (name_key(username),)
    )
    return None if row is None else (user_from_row(row[:-1]), row[-1])


def get(database: Database, username: str) -> User:
    """The account, or ScorerError if there is none."""
    with database.read() as tx:
        found = find(tx, username)
    if found is None:
        raise _no_user(username)
    return found[0]


def _no_user(username: str) -> ScorerError:
    return ScorerError(f"没有用户 {username}", f"there is no user {username}")


def _existing(tx: Tx, username: str) -> User:
    found = find(tx, check_username(username))
    if found is None:
        raise _no_user(username)
    return found[0]


def add(
    database: Database, username: str, role: str, password: str, by: str, address: str | None = None
) -> User:
    """A new staff account. ScorerError for a bad name, role or password, or a name already taken."""
    username = check_username(username)
    check_role(role)
    check_password(password, username)
    hashed = hash_password(password)
    at = now()
    try:
        with database.write() as tx:
            if find(tx, username) is not None:
                raise Conflict(username)
            tx.run(
                "INSERT INTO users (username, name_key, role, password_hash, created, password_changed) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (username, name_key(username), role, hashed, at, at),
            )
            audit.record(tx, by, "user.add", {"username": username, "role": role}, address)
            found = find(tx, username)
    except Conflict:
        raise ScorerError(f"用户 {username} 已经存在", f"the user {username} already exists") from None
    assert found is not None
    return found[0]


def set_password(
    database: Database, username: str, password: str, by: str, address: str | None = None
) -> User:
    """A new password; every session of the account ends (its API tokens stay)."""
    with database.read() as tx:
        user = _existing(tx, username)
    check_password(password, user.username)
    hashed = hash_password(password)
    with database.write() as tx:
        at = now()
        tx.run("UPDATE users SET password_hash = ?, password_changed = ? WHERE id = ?", (hashed, at, user.id))
        ended = end_sessions(tx, user.id, "password")
        audit.record(tx, by, "user.passwd", {"username": user.username, "sessions_ended": ended}, address)
    return user


def rehash(database: Database, user_id: int, old_hash: str, password: str) -> None:
    """Replace a hash made with older parameters (after a good log-in; only if unchanged meanwhile)."""
    hashed = hash_password(password)
    with database.write() as tx:
        tx.run(
            "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?",
            (hashed, user_id, old_hash),
        )


def disable(database: Database, username: str, by: str, address: str | None = None) -> User:
    """Disable an account: it cannot log in, its sessions end, its tokens stop working."""
    with database.write() as tx:
        user = _existing(tx, username)
        if not user.active:
            raise ScorerError(
                f"用户 {user.username} 已被停用", f"the user {user.username} is already disabled"
            )
        tx.run("UPDATE users SET disabled_at = ? WHERE id = ?", (now(), user.id))
        ended = end_sessions(tx, user.id, "disabled")
        audit.record(tx, by, "user.disable", {"username": user.username, "sessions_ended": ended}, address)
    return user


def end_sessions(tx: Tx, user_id: int, why: str) -> int:
    """End every open session of an account (all workers see it: sessions live in the database)."""
    return tx.run(
        "UPDATE sessions SET ended_at = ?, ended_why = ? WHERE user_id = ? AND ended_at IS NULL",
        (now(), why, user_id),
    )


def listing(database: Database) -> list[dict[str, Any]]:
    """Every account (User.public) with how many live API tokens it has, by user name."""
    with database.read() as tx:
        rows = tx.all(f"SELECT {user_columns()} FROM users ORDER BY name_key")
        live = dict(
            tx.all("SELECT user_id, count(*) FROM api_tokens WHERE revoked_at IS NULL GROUP BY user_id")
        )
    return [{**user_from_row(r).public(), "tokens": int(live.get(r[0], 0))} for r in rows]


# ------------------------------------------------------------ API tokens


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def new_token(database: Database, username: str, name: str, by: str, address: str | None = None) -> NewToken:
    """A new API token for an active account; the whole token is in the answer and nowhere else."""
    name = (name or "").strip()
    if len(name) > MAX_TOKEN_NAME or "\x00" in name:
        raise ScorerError(
            f"令牌名称最多 {MAX_TOKEN_NAME} 个字符", f"a token's name is at most {MAX_TOKEN_NAME} characters"
        )
    for _ in range(20):
        token_id = "TK-" + secrets.token_hex(6).upper()
        secret = secrets.token_urlsafe(32)
        try:
            with database.write() as tx:
                user = _existing(tx, username)
                if not user.active:
                    raise ScorerError(
                        f"用户 {user.username} 已被停用，不能发令牌",
                        f"the user {user.username} is disabled: no token can be made for it",
                    )
                tx.run(
                    "INSERT INTO api_tokens (id, user_id, name, secret_hash, created) VALUES (?, ?, ?, ?, ?)",
                    (token_id, user.id, name, _secret_hash(secret), now()),
                )
                audit.record(tx, by, "token.create", {"token": token_id, "username": user.username,
                                                      "name": name}, address)  # fmt: skip
            return NewToken(token_id, f"{token_id}.{secret}", name, user.username)
        except Conflict:
            continue  # the random id was taken: another one
    raise RuntimeError("no free token id after 20 tries")


def revoke_token(database: Database, token_id: str, by: str, address: str | None = None) -> dict[str, Any]:
    """Revoke a token at once (every worker checks the database on each request)."""
    token_id = token_id.strip().upper()
    if not TOKEN_ID.fullmatch(token_id):
        raise ScorerError(f"令牌编号 {token_id} 不对（应为 TK-加 12 位十六进制）",
                          f"the token id {token_id} is wrong (TK- and 12 hex digits)")  # fmt: skip
    with database.write() as tx:
        row = tx.one(
            "SELECT t.revoked_at, u.username, t.name FROM api_tokens t JOIN users u ON u.id = t.user_id "
            "WHERE t.id = ?",
            (token_id,),
        )
        if row is None:
            raise ScorerError(f"没有令牌 {token_id}", f"there is no token {token_id}")
        if row[0] is not None:
            raise ScorerError(f"令牌 {token_id} 已被撤销", f"the token {token_id} is already revoked")
        tx.run("UPDATE api_tokens SET revoked_at = ? WHERE id = ?", (now(), token_id))
        audit.record(tx, by, "token.revoke", {"token": token_id, "username": row[1], "name": row[2]}, address)
    return {"token": token_id, "username": row[1], "name": row[2]}


def tokens(database: Database, username: str | None = None) -> list[dict[str, Any]]:
    """API tokens (never their secrets), newest first: {id, username, name, created, last_used, revoked}."""
    sql = (
        "SELECT t.id, u.username, t.name, t.created, t.last_used, t.revoked_at FROM api_tokens t "
        "JOIN users u ON u.id = t.user_id"
    )
    with database.read() as tx:
        if username is None:
            rows = tx.all(sql + " ORDER BY t.created DESC")
        else:
            rows = tx.all(sql + " WHERE u.name_key = ? ORDER BY t.created DESC", (name_key(username),))
    keys = ("id", "username", "name", "created", "last_used", "revoked")
    return [dict(zip(keys, r, strict=True)) for r in rows]


TOKEN_TOUCH_SECONDS = 60  # last_used is written at most once a minute per token


def token_user(database: Database, token: str) -> tuple[User, str] | None:
    """The active account a presented token acts for, and the token's id; None for anything else
    (malformed, unknown, revoked, its user disabled). The secret is compared in constant time."""
    found = TOKEN.fullmatch(token.strip())
    if not found:
        return None
    token_id, secret = found.groups()
    with database.read() as tx:
        row = tx.one(
            f"SELECT t.secret_hash, t.revoked_at, t.last_used, {user_columns('u')} "
            "FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?",
            (token_id,),
        )
    if row is None or not hmac.compare_digest(row[0], _secret_hash(secret)) or row[1] is not None:
        return None
    user = user_from_row(row[3:])
    if not user.active:
        return None
    at = now()
    if row[2] is None or _seconds_between(row[2], at) > TOKEN_TOUCH_SECONDS:
        with database.write() as tx:
            tx.run("UPDATE api_tokens SET last_used = ? WHERE id = ?", (at, token_id))
    return user, token_id


def _seconds_between(earlier: str, later: str) -> float:
    from datetime import datetime

    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds()
