"""Score entry: one judge's aspects × the event's contestants, typed into a grid.

Type a value and press Enter: it is validated, written durably and the cursor moves on to the next
empty cell in the printed form's reading order. A keyboard-wedge instrument (a caliper or scanner
that "types" its reading and Enter) is told apart from a person by the key timing, and its marks are
logged with source "device-wedge".

The parts: `grid` (the view, its editor and keys, wedge detection), `entry` (validation feedback,
saving, corrections, voids), `order` (Enter's reading order), `devices` (device readings into the
focused cell) and `widget` (`ScoreEntryWidget`, assembled from them). The names below are the
package's public face (tests, benches and the main window's tab import them from here).
"""

from ui.windows.score_entry.grid import (
    KEYBOARD,
    WEDGE,
    WEDGE_MAX_GAP_MS,
    WEDGE_MIN_CHARS,
    MarkDelegate,
    MarkEditor,
    Move,
    ScoreGrid,
    looks_like_wedge,
    monotonic_ms,
)
from ui.windows.score_entry.order import SETTING_ADVANCE
from ui.windows.score_entry.widget import ScoreEntryWidget

__all__ = [
    "KEYBOARD",
    "SETTING_ADVANCE",
    "WEDGE",
    "WEDGE_MAX_GAP_MS",
    "WEDGE_MIN_CHARS",
    "MarkDelegate",
    "MarkEditor",
    "Move",
    "ScoreEntryWidget",
    "ScoreGrid",
    "looks_like_wedge",
    "monotonic_ms",
]
