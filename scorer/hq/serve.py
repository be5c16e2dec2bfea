"""`scorer hq serve`: headquarters' API under uvicorn, one or several worker processes.

Before serving, the database is opened and migrated and headquarters' key made, once, in this
process (so a wrong --db or an unreachable PostgreSQL is one clear line, not a traceback per
worker), and the listening socket is bound here (a port in use is one clear line too; port 0
picks a free one, printed). The workers are uvicorn's: each builds its own app and database pool
through `scorer.hq.app:create_app`, configured by the environment set here.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
from collections.abc import Callable
from pathlib import Path

from scorer.errors import ScorerError
from scorer.hq.app import ENV_DATA, ENV_DB, ENV_NAME
from scorer.hq.db import migrate, open_database
from scorer.hq.keys import data_folder, default_db, default_name, hq_id, hq_identity


def bind(host: str, port: int) -> socket.socket:
    """The listening socket; ScorerError (bilingual) when the port is taken or the address wrong."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ScorerError(
                f"端口 {port} 已被占用（{host}）：另一个程序（或另一个总部）正在使用它；请用 --port 换一个端口",
                f"port {port} is already in use ({host}): another program (or another headquarters) "
                "is using it; choose another with --port",
            ) from None
        raise ScorerError(
            f"不能在 {host}:{port} 上监听（{exc.strerror or exc}）：请检查 --host 和 --port",
            f"cannot listen on {host}:{port} ({exc.strerror or exc}): check --host and --port",
        ) from None
    except (socket.gaierror, OverflowError, UnicodeError) as exc:
        sock.close()
        raise ScorerError(
            f"不能在 {host}:{port} 上监听（{exc}）：请检查 --host 和 --port",
            f"cannot listen on {host}:{port} ({exc}): check --host and --port",
        ) from None
    sock.set_inheritable(True)
    return sock


def trusted_proxies(text: str) -> list[str]:
    """--trust-proxy's addresses and networks, each checked; ScorerError (bilingual) for a wrong one."""
    out = []
    for item in (part.strip() for part in text.split(",")):
        try:
            out.append(
                str(ipaddress.ip_network(item, strict=False) if "/" in item else ipaddress.ip_address(item))
            )
        except ValueError:
            raise ScorerError(
                f"--trust-proxy 的地址 {item!r} 不对：应为反向代理的 IP 地址或网段，用逗号分隔（如 127.0.0.1 或 10.0.0.0/8）",
                f"the --trust-proxy address {item!r} is wrong: give the reverse proxy's IP addresses or "
                "networks, separated by commas (as 127.0.0.1 or 10.0.0.0/8)",
            ) from None
    return out


def serve(
    db: str | None,
    host: str,
    port: int,
    workers: int,
    data: str | None,
    name: str | None,
    say: Callable[[str, str, dict[str, object]], None],
    trust_proxy: str | None = None,
) -> None:
    """Serve until interrupted. `say(zh, en, facts)` prints the start line (address, database,
    HQ id; `facts` for --json: with --port 0 it is how a script learns the port). `trust_proxy`:
    the reverse proxy's addresses or networks ("127.0.0.1", "10.0.0.0/8,::1"), whose
    X-Forwarded-Proto and X-Forwarded-For are believed (the client is the right-most address in
    X-Forwarded-For that is not one of them); without it both headers are ignored."""
    proxies = trusted_proxies(trust_proxy) if trust_proxy else None
    if workers < 1:
        raise ScorerError("--workers 至少为 1", "--workers must be at least 1")
    folder = data_folder(data)
    url = db or default_db(folder)
    database = open_database(url)
    try:
        migrate(database)
        shown = database.shown
    finally:
        database.close()
    hq = hq_identity(folder)
    sock = bind(host, port)
    address = sock.getsockname()
    shown_host = f"[{address[0]}]" if ":" in address[0] else address[0]
    where = f"http://{shown_host}:{address[1]}"
    os.environ[ENV_DB] = url
    os.environ[ENV_DATA] = str(Path(folder).resolve())
    os.environ[ENV_NAME] = name or default_name()
    say(
        f"总部已启动：{where}  数据库 {shown}  总部编号 {hq_id(hq)}  工作进程 {workers}（按 Ctrl-C 停止）",
        f"headquarters is serving at {where}  database {shown}  HQ id {hq_id(hq)}  workers {workers} "
        "(Ctrl-C stops it)",
        {"url": where, "database": shown, "hq": hq_id(hq), "workers": workers},
    )
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        "scorer.hq.app:create_app",
        factory=True,
        host=host,
        port=address[1],
        workers=workers,
        access_log=False,
        proxy_headers=proxies is not None,  # uvicorn's default would trust them from 127.0.0.1
        forwarded_allow_ips=proxies,
        log_level="warning",
        timeout_graceful_shutdown=10,
    )
    try:
        if workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            server = uvicorn.Server(config)
            server.run(sockets=[sock])
            if not server.started:
                raise ScorerError(
                    "总部没能启动（见上面的信息）", "headquarters did not start (see the messages above)"
                )
    finally:
        sock.close()
