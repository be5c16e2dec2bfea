"""Load the bundled CJK font at start-up: venue laptops and CI machines may have none."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from scorer.resources import resource_path

UI_FONT = "DroidSansFallbackFull.ttf"


def load_fonts(app: QApplication) -> str | None:
    """Register the bundled font and make it the application font's fallback; its family name."""
    font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", UI_FONT)))
    if font_id < 0:
        return None
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    font = QFont(app.font())
    font.setFamilies([app.font().family(), family])
    app.setFont(font)
    return family
