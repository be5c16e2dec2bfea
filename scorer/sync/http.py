"""Talking to headquarters over HTTP (docs/sync-format.md, "Headquarters API"), standard library only.

Every failure is a bilingual `ScorerError` of one of three kinds, so the user knows whether to check
the network, read headquarters' reason, or call support: headquarters cannot be reached (refused
connection, no route, DNS, timeout, a connection cut mid-answer, or a 502/503/504 while its database
or proxy is away); headquarters refused
(`wire.SyncRefused` with its code, zh/en reason and seq, from a 4xx `{"error": …}` answer); or the
answer is not what the contract says (`BadAnswer`).
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import urllib.parse
from typing import Any

from scorer.errors import ScorerError
from scorer.sync import wire

API = "/api/v1"
TIMEOUT = 60.0  # seconds for one request: a batch of 2,000 entries is stored in well under that


class Unreachable(ScorerError):
    """Headquarters could not be reached, or the connection broke before its answer arrived."""

    code = "unreachable"


class BadAnswer(ScorerError):
    """Headquarters answered, but not as the sync contract says (a proxy's page, a wrong receipt…)."""

    code = "answer"


def normalise_url(url: str) -> str:
    """`http(s)://host[:port][/prefix]` without a trailing slash; a bare host gets http://."""
    url = url.strip()
    if "://" not in url:
        url = "http://" + url
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ScorerError(
            f"总部地址不对：{url}（应为 http://主机:端口）",
            f"not a headquarters address: {url} (expected http://host:port)",
        )
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


class Client:
    """One headquarters at `url`; requests time out after `timeout` seconds."""

    def __init__(self, url: str, timeout: float = TIMEOUT):
        self.url = normalise_url(url)
        parts = urllib.parse.urlsplit(self.url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port
        self._prefix = parts.path
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            if self._https:
                self._conn = http.client.HTTPSConnection(
                    self._host, self._port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                self._conn = http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)
        return self._conn

    def _unreachable(self, exc: BaseException) -> Unreachable:
        reason = str(getattr(exc, "strerror", None) or exc or type(exc).__name__)
        if isinstance(exc, TimeoutError | socket.timeout):
            zh, en = f"{self.timeout:g} 秒内没有回答", f"no answer within {self.timeout:g} s"
        elif isinstance(exc, ConnectionRefusedError):
            zh, en = (
                "连接被拒绝（总部服务没有运行，或端口不对）",
                "connection refused (the server is not running, or the port is wrong)",
            )
        elif isinstance(exc, socket.gaierror):
            zh, en = f"找不到主机 {self._host}", f"host {self._host} not found"
        elif isinstance(exc, ssl.SSLError):
            zh, en = f"加密连接失败（{reason}）", f"the secure connection failed ({reason})"
        else:
            zh, en = f"连接中断（{reason}）", f"the connection broke ({reason})"
        return Unreachable(
            f"无法连接总部 {self.url}：{zh}。请检查网络和地址后再试；已收到的回执都已保存，重试时从中断处继续",
            f"cannot reach headquarters at {self.url}: {en}. Check the network and the address and try "
            "again; every receipt received is saved, and a retry resumes where this stopped",
        )

    def request(self, method: str, path: str, body: bytes | None = None) -> dict[str, Any]:
        """`method` `API + path` → the JSON object answered (2xx); raises as the module doc says.

        One connection per request, as urllib does: a kept-alive connection gains little per batch
        and meets the Nagle/delayed-ACK stall (~40 ms an answer) of servers without TCP_NODELAY."""
        headers = {"Accept": "application/json", "Connection": "close"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        conn = self._connection()
        try:
            conn.request(method, self._prefix + API + path, body=body, headers=headers)
            resp = conn.getresponse()
            status, data = resp.status, resp.read()
        except (OSError, http.client.HTTPException) as exc:
            raise self._unreachable(exc) from None
        finally:
            self.close()
        return self._answer(status, data, method, path)

    def _answer(self, status: int, data: bytes, method: str, path: str) -> dict[str, Any]:
        try:
            obj = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            obj = None
        if 200 <= status < 300 and isinstance(obj, dict):
            return obj
        err = obj.get("error") if isinstance(obj, dict) else None
        if 400 <= status < 500 and isinstance(err, dict) and isinstance(err.get("code"), str):
            seq = err.get("seq")
            raise wire.SyncRefused(
                err["code"],
                str(err.get("zh") or err.get("en") or err["code"]),
                str(err.get("en") or err.get("zh") or err["code"]),
                seq if isinstance(seq, int) and not isinstance(seq, bool) else None,
            )
        if status in (502, 503, 504):  # headquarters (or its proxy) is there but cannot serve now
            zh = str(err.get("zh") or "") if isinstance(err, dict) else ""
            en = str(err.get("en") or "") if isinstance(err, dict) else ""
            raise Unreachable(
                f"总部 {self.url} 暂时无法处理（HTTP {status}{'：' + zh if zh else ''}）；没有改动任何内容，稍后自动重试，"
                "重试时从中断处继续",
                f"headquarters at {self.url} cannot serve right now (HTTP {status}{': ' + en if en else ''}); "
                "nothing was changed, and a retry later resumes where this stopped",
            )
        snippet = data[:120].decode("utf-8", "replace").replace("\n", " ")
        raise BadAnswer(
            f"总部 {self.url} 对 {method} {API}{path} 的回答无效（HTTP {status}：{snippet}）；没有改动任何内容。"
            "请确认地址指向 Scorer 总部服务",
            f"headquarters at {self.url} gave an invalid answer to {method} {API}{path} (HTTP {status}: "
            f"{snippet}); nothing was changed. Check that the address is a Scorer headquarters server",
        )

    # ------------------------------------------------------------ the API

    def enrol(self, request: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", "/enrol", wire.encode(request))

    def feed(self, db: str, station: str) -> dict[str, Any]:
        return self.request("GET", f"/feeds/{urllib.parse.quote(db)}/{urllib.parse.quote(station)}")

    def batch(self, data: bytes) -> dict[str, Any]:
        return self.request("POST", "/batches", data)

    def echo(self, data: bytes) -> dict[str, Any]:
        return self.request("POST", "/echo", data)


def bad_answer(url: str, zh: str, en: str) -> BadAnswer:
    """Headquarters answered something that does not hold together (a receipt for another feed…)."""
    return BadAnswer(
        f"总部 {url} 的回答无效：{zh}；没有改动任何内容",
        f"headquarters at {url} gave an invalid answer: {en}; nothing was changed",
    )
