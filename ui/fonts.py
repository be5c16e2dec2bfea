"""Load the bundled CJK font at start-up: venue laptops and CI machines may have none."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from scorer.resources import resource_path

UI_FONT = "DroidSansFallbackFull.ttf"
RARE_FONT = "HanaMinA-supplementary.ttf"  # 𠮷 and other characters outside the BMP


def load_fonts(app: QApplication) -> str | None:
    """Register the bundled fonts as fallbacks of the application font; the main CJK family."""
    families = []
    for name in (UI_FONT, RARE_FONT):
        font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)[:1]
    if not families:
        return None
    font = QFont(app.font())
    font.setFamilies([app.font().family(), *families])
    app.setFont(font)
    return families[0]
