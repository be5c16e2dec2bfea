"""`scorer-app`: the venue application.

Checks that a display exists before Qt is touched (Qt aborts the process without one), loads the
bundled CJK font so Chinese renders on machines without Chinese fonts, and opens a competition file
(the demo by default).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from scorer.errors import ScorerError, language


def display_problem() -> str | None:
    """Why no window can be shown here, in one line, or None if a display is available."""
    if not sys.platform.startswith("linux"):
        return None
    if os.environ.get("QT_QPA_PLATFORM") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    display = os.environ.get("DISPLAY", "")
    if display.startswith(":"):
        number = display[1:].split(".")[0]
        if number.isdigit() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            display = ""
    if display:
        return None
    if language() == "en":
        return "No display found: Scorer needs a screen. On a server, run it under a virtual one: xvfb-run make run"
    return "没有找到显示器：Scorer 需要图形界面。在没有屏幕的服务器上请用虚拟显示运行：xvfb-run make run"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scorer-app", description="Scorer venue application")
    parser.add_argument("db", nargs="?", help="a competition file (default: the demo competition)")
    parser.add_argument("--lang", choices=["zh", "en"])
    parser.add_argument("--choose", action="store_true", help="start by choosing a file (recent files)")
    parser.add_argument("--judge", help="log in as this judge (with --pin): for kiosks and benchmarks")
    parser.add_argument("--pin", help=argparse.SUPPRESS)
    parser.add_argument("--quit-when-shown", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.lang:
        os.environ["SCORER_LANG"] = args.lang
    problem = display_problem()
    if problem:
        sys.stderr.write(problem + "\n")
        return 1

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from scorer import access
    from scorer.store import Store
    from ui import i18n
    from ui.context import AppContext
    from ui.fonts import load_fonts
    from ui.windows.login import LoginDialog
    from ui.windows.main_window import MainWindow
    from ui.windows.start import StartDialog, remember

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Scorer")
    app.setOrganizationName("Scorer")
    load_fonts(app)
    lang = i18n.preferred(args.lang)
    i18n.install(app, lang)
    os.environ.setdefault("SCORER_LANG", "en" if lang == "en" else "zh")

    if args.db:
        path = Path(args.db)
    elif args.choose:
        start = StartDialog()
        if not start.exec() or start.path is None:
            return 0
        path = start.path
    else:
        from scorer.demo import ensure_demo

        path = ensure_demo()
    try:
        store = Store.open(path)
    except ScorerError as exc:
        QMessageBox.critical(None, "Scorer", exc.message())
        sys.stderr.write(exc.message() + "\n")
        return 1
    remember(path)
    try:
        if args.judge:
            judge = access.login(store, args.judge, args.pin or "")
        else:
            dialog = LoginDialog(store)
            if not dialog.exec() or dialog.judge is None:
                store.close()
                return 0
            judge = dialog.judge
    except ScorerError as exc:
        sys.stderr.write(exc.message() + "\n")
        store.close()
        return 1
    ctx = AppContext(store, judge)
    window = MainWindow(ctx)
    window.show()
    if args.quit_when_shown:
        QTimer.singleShot(0, app.quit)
    code = app.exec()
    for other in [window, *MainWindow.others]:
        other.ctx.store.close()  # idempotent; flushes each file's checkpoint before exit
    return code


if __name__ == "__main__":
    sys.exit(main())
