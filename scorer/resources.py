"""Where the shipped resources (schema, demo, fonts, translations) live.

`resources/` sits beside the packages in a checkout and inside the bundle of a PyInstaller build.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resource_path(*parts: str) -> Path:
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) if base else Path(__file__).resolve().parents[1]
    return root.joinpath("resources", *parts)


def data_dir() -> Path:
    """The user data folder: competition files, the station key, the error log (SCORER_DATA_DIR
    overrides it: tests, portable installs)."""
    override = os.environ.get("SCORER_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("Scorer", appauthor=False))
