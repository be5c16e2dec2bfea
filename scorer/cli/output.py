"""What the CLI prints: messages in the user's language, terminal tables, CSV and JSON.

One module so every verb's table, CSV and JSON look alike; the golden outputs
(tests/test_golden_outputs.py) hold these byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

from scorer.errors import language


def t(zh: str, en: str) -> str:
    """The message in the user's language (--lang / SCORER_LANG; Chinese by default)."""
    return en if language() == "en" else zh


def width(text: str) -> int:
    """Terminal cells: a CJK (wide or full-width) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns aligned for terminals, counting CJK characters as two cells."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def echo(text: str) -> None:
    """Print to stdout, ending with exactly the one newline the text may lack."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def emit_json(data: Any) -> None:
    """A JSON document for other programs: characters as they are (not \\u escapes), indented."""
    echo(json.dumps(data, ensure_ascii=False, indent=2))


def emit(rows: list[dict[str, Any]], fmt: str, headers: list[str]) -> None:
    """Rows as `--format` asks: a table (headers as given), CSV with a header line, or JSON."""
    if fmt == "json":
        emit_json(rows)
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=headers, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        echo(buf.getvalue())
    else:
        echo(table(headers, [[r.get(h, "") for h in headers] for r in rows]))


def add_json(parser: argparse.ArgumentParser) -> None:
    """`--json`: the verb prints what it did or found as one JSON document instead of a sentence."""
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON / 输出 JSON")


def add_format(parser: argparse.ArgumentParser, choices: list[str], default: str) -> None:
    """`--format` with `--json` as its synonym for `--format json`, as on every other verb."""
    parser.add_argument("--format", choices=choices, default=default)
    parser.add_argument(
        "--json", dest="format", action="store_const", const="json", help="the same as --format json"
    )


def done(args: argparse.Namespace, text: str, **data: Any) -> None:
    """An action's outcome: its sentence (or log id) for people, or with --json the same facts."""
    if args.json:
        emit_json(data)
    else:
        echo(text)


def issue_json(issue: Any) -> dict[str, str]:
    """A located, bilingual problem or note (store.health.Issue, errors.Problem) in JSON."""
    return {"where": issue.where, "zh": issue.zh, "en": issue.en}
