"""Headquarters' pages: Jinja2 templates (scorer/hq/templates), the reader's language, forms.

Pages are server-rendered, Chinese first: English when the address says `?lang=en`, or when the
browser's Accept-Language prefers English to Chinese. Templates get `t(zh, en)` for their text,
`lang`, `staff` (who is signed in, when a page required it) and `csrf` (the session's token, for
every form that changes something: `<input type="hidden" name="csrf" value="{{ csrf }}">`).
Everything is autoescaped.

Forms are read here, not by a multipart library: `application/x-www-form-urlencoded` only, at most
64 KiB, UTF-8, no NUL (PostgreSQL's text cannot hold it) — anything else is a `BadForm` (400).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse

from scorer.hq.users import ROLE_NAMES

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_FORM = 64 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"

# No script, no frame, no outside resource: the pages are plain HTML and inline CSS.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class BadForm(Exception):
    """A form body that cannot be read (wrong type, too large, not UTF-8, NUL, too many fields)."""


@functools.cache
def environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def language(request: Request) -> str:
    """ "en" or "zh" for this reader: ?lang=, else Accept-Language (English only when preferred to
    Chinese), else Chinese."""
    asked = request.query_params.get("lang", "")
    if asked in ("en", "zh"):
        return asked
    seen: dict[str, tuple[float, int]] = {}  # tag → (q, minus its position: earlier wins a tie)
    for n, part in enumerate(request.headers.get("accept-language", "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()[:2]
        if tag not in ("en", "zh") or tag in seen:
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        seen[tag] = (q, -n)
    en, zh = seen.get("en", (0.0, 0)), seen.get("zh", (0.0, 0))
    return "en" if en[0] > 0 and en > zh else "zh"


def lang_query(request: Request) -> str:
    """ "?lang=…" to carry an explicit language choice over to the next address ("" when none)."""
    asked = request.query_params.get("lang", "")
    return f"lang={asked}" if asked in ("en", "zh") else ""


def with_query(path: str, **params: str) -> str:
    params = {k: v for k, v in params.items() if v}
    if not params:
        return path
    return path + ("&" if "?" in path else "?") + urlencode(params)


def render(
    request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> HTMLResponse:
    """A page from `template` in the reader's language, with the page headers (see PAGE_HEADERS)."""
    lang = language(request)
    staff = getattr(request.state, "staff", None)
    html = (
        environment()
        .get_template(template)
        .render(
            lang=lang,
            t=lambda zh, en: en if lang == "en" else zh,
            staff=staff,
            csrf=staff.csrf if staff is not None and staff.csrf else "",
            lang_query=lang_query(request),
            role_names=ROLE_NAMES,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status, headers={**PAGE_HEADERS, **(headers or {})})


def message(
    request: Request, status: int, zh: str, en: str, headers: dict[str, str] | None = None
) -> HTMLResponse:
    """A page that only says something (refused, not found, too many tries…)."""
    return render(request, "message.html", status, headers, zh=zh, en=en)


async def read_form(request: Request) -> dict[str, str]:
    """The request's form fields (the first value of each), read once and kept on the request."""
    kept = getattr(request.state, "form", None)
    if kept is not None:
        return dict(kept)
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM_TYPE:
        raise BadForm("not a form")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_FORM:
        raise BadForm("too large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FORM:
            raise BadForm("too large")
        chunks.append(chunk)
    try:
        text = b"".join(chunks).decode("ascii")  # a urlencoded body is ASCII; its escapes are UTF-8
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=100)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadForm(str(exc)) from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if "\x00" in key or "\x00" in value:
            raise BadForm("NUL")
        form.setdefault(key, value)
    request.state.form = form
    return dict(form)


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this site only ("/…", never "//host" or "/\\host"),
    else the home page."""
    if (
        not target
        or len(target) > 2000
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(ord(ch) < 32 or ch == "\\" for ch in target)
    ):
        return "/"
    return target
