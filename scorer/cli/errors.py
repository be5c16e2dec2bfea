"""How the CLI fails: every user error is one line on stderr in the user's language (Chinese by
default, English with --lang en anywhere on the line, or SCORER_LANG=en) and a non-zero exit: 1 for
a refused or failed action, 2 for bad usage. A bug is one line too, its traceback in a log file.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from scorer import __version__
from scorer.cli.output import t
from scorer.errors import ScorerError

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]  # what each verb module adds to


class UsageParser(argparse.ArgumentParser):
    """Bad usage is one line and exit code 2, in the user's language."""

    def error(self, message: str) -> None:  # one line, exit 2: no usage dump for a typo
        self.exit(2, f"{self.prog}: {t('用法错误', 'usage error')}: {message} ({t('见', 'see')} --help)\n")


def take_lang(argv: Sequence[str]) -> tuple[list[str], str | None]:
    """`--lang en` may stand anywhere (`scorer mark … --lang en` as well as before the verb):
    take it out before argparse sees the verb's arguments. Arguments after `--` are left alone."""
    rest: list[str] = []
    lang = None
    items = list(argv)
    i = 0
    while i < len(items):
        item = items[i]
        if item == "--":
            rest += items[i:]
            break
        if item == "--lang" and i + 1 < len(items):
            lang = items[i + 1]
            i += 2
            continue
        if item.startswith("--lang="):
            lang = item.split("=", 1)[1]
        else:
            rest.append(item)
        i += 1
    return rest, lang


def run(verb: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a verb; whatever goes wrong is one line on stderr (a list of problems for a refused
    import) and exit code 1 — never a traceback (130 after Ctrl-C, 141 when a pipe's reader left)."""
    try:
        return int(verb(args))
    except ScorerError as exc:
        sys.stderr.write(t("错误：", "error: ") + exc.message() + "\n")
        for problem in exc.problems[:50]:
            sys.stderr.write("  " + problem.message() + "\n")
        if len(exc.problems) > 50:
            sys.stderr.write(
                t(f"  ……还有 {len(exc.problems) - 50} 个问题\n", f"  … {len(exc.problems) - 50} more\n")
            )
        return 1
    except sqlite3.Error as exc:
        from scorer.store import files

        err = files.sqlite_error(Path(getattr(args, "db", None) or "."), exc, writing=False)
        sys.stderr.write(t("错误：", "error: ") + err.message() + "\n")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `scorer … | head`: the reader left; not an error worth a traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as exc:
        from scorer.store import files

        err = files.os_error(Path(exc.filename or getattr(args, "db", None) or "."), exc, writing=False)
        sys.stderr.write(t("错误：", "error: ") + err.message() + "\n")
        return 1
    except Exception as exc:  # the last resort: a bug; one line for the user, details in a log file
        where = log_crash(exc)
        sys.stderr.write(
            t(
                f"错误：程序内部错误（{type(exc).__name__}: {exc}），操作未完成；详细信息已记录到 {where}，"
                "请把它交给技术支持",
                f"error: an internal error ({type(exc).__name__}: {exc}); the action was not completed; "
                f"details were written to {where} — please pass it on to support",
            )
            + "\n"
        )
        return 1


def log_crash(exc: BaseException) -> str:
    """Append the traceback of an unexpected error to scorer-errors.log in the user's data folder
    (or the temporary folder); where it went, for the one-line message."""
    import time
    import traceback

    from scorer.resources import data_dir

    text = f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} scorer {__version__} argv={sys.argv!r}\n" + "".join(
        traceback.format_exception(exc)
    )
    folders = [data_dir()]
    import tempfile

    folders.append(Path(tempfile.gettempdir()))
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "scorer-errors.log"
            with open(path, "a", encoding="utf-8") as f:
                f.write(text)
            return str(path)
        except OSError:
            continue
    return t("（无法写入日志）", "(nowhere: no folder could be written)")
