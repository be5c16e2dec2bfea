"""Languages: Simplified Chinese by default (the source strings are Chinese), English second.

`install(app, lang)` loads Qt's own translations (standard buttons, dialogs) and, for English,
resources/translations/scorer_en.qm built by `make translations` from scorer_en.ts.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtWidgets import QApplication

from scorer.resources import resource_path

LANGUAGES = ("zh_CN", "en")
_installed: list[QTranslator] = []


def preferred(cli: str | None = None) -> str:
    if cli:
        return "en" if cli.startswith("en") else "zh_CN"
    value = str(QSettings().value("ui/language", "zh_CN"))
    return value if value in LANGUAGES else "zh_CN"


def current() -> str:
    """ "en" or "zh": the language the UI speaks now (core messages follow SCORER_LANG, set here)."""
    return "en" if os.environ.get("SCORER_LANG", "zh").startswith("en") else "zh"


def named(name: str, name_en: str = "") -> str:
    """A package name in the UI's language: its English name in English mode when the package gives one."""
    return name_en if name_en and current() == "en" else name


def install(app: QApplication, lang: str) -> None:
    os.environ["SCORER_LANG"] = "en" if lang == "en" else "zh"
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{lang}", qt_dir):
        app.installTranslator(qt)
        _installed.append(qt)
    ours = QTranslator(app)
    if ours.load(str(resource_path("translations", f"scorer_{lang}.qm"))):
        app.installTranslator(ours)
        _installed.append(ours)
    QLocale.setDefault(QLocale(QLocale.Language.English if lang == "en" else QLocale.Language.Chinese))
