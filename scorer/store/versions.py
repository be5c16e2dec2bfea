"""The schema versions this program knows, by migration name (scorer/store/schema.py defines them).

Kept apart so that opening an up-to-date file needs no migration machinery at start-up.
"""

SCHEMA = (
    "m001_initial",
    "m002_mark_lookup",
    "m003_contestant_status",
    "m004_venue",
    "m005_sync",
    "m006_status_locked",
)
