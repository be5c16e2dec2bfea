"""Write the empty competition workbook coordinators start from: python -m scorer.package.make_template

The template is generated, not edited by hand, so that it always matches what the importer reads; the
output is byte-for-byte stable, so re-running it leaves a clean diff. A test checks it is current.
"""

from __future__ import annotations

import sys
from pathlib import Path

from scorer.package.xlsx import template_bytes
from scorer.resources import resource_path


def main(argv: list[str] | None = None) -> int:
    """Write the template to the given path, or to resources/templates/competition-template.xlsx."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else resource_path("templates", "competition-template.xlsx")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(template_bytes())
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
