"""Full-width forms (what a Chinese input method types) turned into ASCII where that is safe.

Not blanket NFKC: NFKC also rewrites CJK compatibility ideographs, circled digits, ligatures and
superscripts, which would silently change a name or read ① as 1. Only the full-width block
U+FF01–U+FF5E (０-９, Ａ-Ｚ, ａ-ｚ, －．：／ …) maps one-to-one onto ASCII, and only that is done.
"""

from __future__ import annotations

# The whole full-width ASCII block, for codes, numbers, PINs, dates and labels at import. The mark
# entry fields use it too (scorer.values.ascii_digits), then refuse digits of other scripts.
FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}


def ascii_width(text: str) -> str:
    """Full-width letters, digits and punctuation as ASCII; every other character unchanged."""
    return text.translate(FULL_WIDTH)
