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


def write_whole(path: Path, data: bytes, *, mode: int = 0o644, durable: bool = True) -> None:
    """`data` at `path`, complete or not at all: written to a temporary name beside it (fsynced
    when `durable`), then renamed over it, so a kill leaves the old file or the new one. OSError as
    it comes (the caller names the file to the user)."""
    import threading

    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            os.write(fd, data)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
