"""`scorer`: the command line, a thin front over the core.

One module per group of verbs (file, marks, results, device), each adding its own sub-parsers;
what they print goes through output.py, and how they fail through errors.py: every user error is
one line on stderr (Chinese by default, English with --lang en or SCORER_LANG=en) and a non-zero
exit: 1 for a refused or failed action, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from scorer import __version__
from scorer.cli import device, file, hq, marks, results, sync
from scorer.cli.device import cmd_device_list, cmd_device_listen, cmd_device_simulate
from scorer.cli.errors import UsageParser, run, take_lang
from scorer.cli.file import (
    cmd_accept_checkpoint,
    cmd_demo,
    cmd_export,
    cmd_import,
    cmd_info,
    cmd_init,
    cmd_verify,
)
from scorer.cli.marks import cmd_correct, cmd_mark, cmd_marks, cmd_status, cmd_void
from scorer.cli.output import table
from scorer.cli.results import cmd_explain, cmd_report, cmd_results

__all__ = [
    "build_parser",
    "cmd_accept_checkpoint",
    "cmd_correct",
    "cmd_demo",
    "cmd_device_list",
    "cmd_device_listen",
    "cmd_device_simulate",
    "cmd_explain",
    "cmd_export",
    "cmd_import",
    "cmd_info",
    "cmd_init",
    "cmd_mark",
    "cmd_marks",
    "cmd_report",
    "cmd_results",
    "cmd_status",
    "cmd_verify",
    "cmd_void",
    "main",
    "table",
]

# The verbs in the order `scorer --help` and a usage error's "choose from" list have always shown.
ORDER = (
    "init",
    "import",
    "export",
    "mark",
    "correct",
    "void",
    "marks",
    "verify",
    "accept-checkpoint",
    "info",
    "results",
    "explain",
    "status",
    "report",
    "demo",
    "device",
    "sync",
    "hq",
)


def build_parser() -> argparse.ArgumentParser:
    """The whole `scorer` parser: the global options, then each module's verbs in ORDER."""
    p = UsageParser(prog="scorer", description="Scorer — 职业技能竞赛评分 / skills competition scoring")
    p.add_argument("--version", action="version", version=f"scorer {__version__}")
    p.add_argument("--lang", choices=["zh", "en"], help="message language (default: zh, or SCORER_LANG)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=UsageParser)
    verbs = file.VERBS | marks.VERBS | results.VERBS | device.VERBS | hq.VERBS | sync.VERBS
    assert sorted(verbs) == sorted(ORDER), "a verb module and ORDER disagree"
    for name in ORDER:
        verbs[name](sub)
    return p


def _verb(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """The verb as this package names it now (`scorer.cli.cmd_info`…): a test or a debugging
    session may replace it here, as it could when the CLI was one module."""
    return globals().get(func.__name__, func)


def main(argv: Sequence[str] | None = None) -> int:
    """The `scorer` console script; `argv` without the program name (default: sys.argv[1:])."""
    parser = build_parser()
    rest, lang = take_lang(sys.argv[1:] if argv is None else argv)
    if lang is not None:
        rest = ["--lang", lang, *rest]  # argparse still checks the choice
    args = parser.parse_args(rest)
    if args.lang:
        os.environ["SCORER_LANG"] = args.lang
    return run(_verb(args.func), args)
