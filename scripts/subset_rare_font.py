"""How resources/fonts/HanaMinA-supplementary.ttf was made (kept for the record and for updates).

    apt-get download fonts-hanazono && dpkg-deb -x fonts-hanazono_*.deb /tmp/hana
    pip install fonttools
    python scripts/subset_rare_font.py /tmp/hana/usr/share/fonts/truetype/hanazono/HanaMinA.ttf

Keeps only the characters outside the BMP (CJK Extension B and beyond: 𠮷 U+20BB7 …), which the main
CJK font lacks; TrueType outlines stay, so reportlab can embed the subset.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parents[1] / "resources" / "fonts" / "HanaMinA-supplementary.ttf"


def main(source: str) -> None:
    font = TTFont(source)
    supplementary = [c for c in font.getBestCmap() if c > 0xFFFF]
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=supplementary)
    subsetter.subset(font)
    font.save(str(OUT))
    print(f"{len(supplementary)} characters → {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
