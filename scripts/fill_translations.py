"""Fill English translations into resources/translations/scorer_en.ts from a {source: English} table
(for strings lupdate marked unfinished), then `make translations` compiles them. Usage:
    python scripts/fill_translations.py table.json"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TS = Path(__file__).resolve().parent.parent / "resources" / "translations" / "scorer_en.ts"


def main(table_path: str) -> int:
    table: dict[str, str] = json.loads(Path(table_path).read_text(encoding="utf-8"))
    tree = ET.parse(TS)
    filled = missing = 0
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        tr = message.find("translation")
        if tr is None:
            continue
        if source in table and (tr.get("type") == "unfinished" or tr.text != table[source]):
            tr.text = table[source]
            tr.attrib.pop("type", None)
            filled += 1
        elif tr.get("type") == "unfinished":
            missing += 1
            print("untranslated:", source)
    ET.indent(tree, space="    ")
    body = ET.tostring(tree.getroot(), encoding="unicode")
    TS.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")
    print(f"filled {filled}, still untranslated {missing}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
