"""`make screenshots`: each main screen of the venue application, in zh_CN (and a few in en),
rendered from the demo competition on a virtual display and saved as PNG for the README.

Run under xvfb-run (the Makefile does). Uses a fresh demo file in a temporary data folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHOTS = [
    # (file, judge code, PIN, tab index or None for the login dialog)
    ("login", None, None, None),
    ("score-entry", "CNC-J2", "1002", 0),
    ("double-entry", "CNC-L", "1008", 0),
    ("devices", "CNC-J2", "1002", 1),
    ("progress", "CNC-K", "1000", 2),  # the chief judge: score entry, devices, progress, ranking, lock, audit
    ("ranking", "CNC-K", "1000", 3),
    ("lock", "CNC-K", "1000", 4),
    ("audit", "CNC-K", "1000", 5),
    ("overview", "COORD", "8888", 0),
    ("print-centre", "COORD", "8888", 1),
    ("sync", "COORD", "8888", 5),  # the demo file is not enrolled: the enrolment form
]


def main(out: Path) -> int:
    os.environ["SCORER_DATA_DIR"] = tempfile.mkdtemp(prefix="scorer-shots-")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from scorer import access
    from scorer.demo import ensure_demo
    from scorer.errors import ImportRejected
    from scorer.store import Store
    from ui import i18n
    from ui.context import AppContext
    from ui.fonts import load_fonts
    from ui.windows.login import LoginDialog
    from ui.windows.main_window import MainWindow
    from ui.windows.start import ImportErrorsDialog

    app = QApplication(sys.argv[:1])
    app.setOrganizationName("Scorer-screenshots")
    QSettings().clear()
    load_fonts(app)
    out.mkdir(parents=True, exist_ok=True)
    store = Store.open(ensure_demo())

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    for lang in ("zh_CN", "en"):
        i18n.install(app, lang)
        os.environ["SCORER_LANG"] = "en" if lang == "en" else "zh"
        suffix = "zh" if lang == "zh_CN" else "en"
        for name, code, pin, tab in SHOTS:
            if lang == "en" and name not in ("score-entry", "ranking"):
                continue
            if code is None:
                dialog = LoginDialog(store)
                dialog.show()
                settle()
                dialog.grab().save(str(out / f"{name}-{suffix}.png"))
                dialog.close()
                continue
            judge = access.login(store, code, pin)
            window = MainWindow(AppContext(store, judge))
            window.resize(1360, 820)
            window.show()
            window.tabs.setCurrentIndex(tab)
            settle()
            view = getattr(window.tabs.currentWidget(), "view", None) or window.tabs.currentWidget()
            if name == "print-centre" and hasattr(view, "show_preview"):
                view.show_preview()
                settle()
            if name == "sync":  # the page reads the file's sync state on its own thread
                import time

                deadline = time.monotonic() + 10
                while view.service.snapshot is None and time.monotonic() < deadline:
                    app.processEvents()
                    time.sleep(0.01)
                settle()
            window.grab().save(str(out / f"{name}-{suffix}.png"))
            window.close()
    # the import problems table, from a package with mistakes
    import json

    data = json.loads((ROOT / "tests" / "data" / "mini.json").read_text(encoding="utf-8"))
    data["contestants"][1]["reg_no"] = "R001"
    data["contestants"][2]["event"] = "WELD"
    data["events"][0]["components"][1]["max_mark"] = "90"
    from scorer import package

    try:
        package.from_data(data, "报名表.json")
    except ImportRejected as exc:
        i18n.install(app, "zh_CN")
        os.environ["SCORER_LANG"] = "zh"
        dialog = ImportErrorsDialog(exc)
        dialog.show()
        settle()
        dialog.grab().save(str(out / "import-errors-zh.png"))
    store.close()
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
