"""`make report-samples`: the sample pages in docs/reports/, printed the way a venue reaches them.

The demo's CNC event goes through the chief judge's real path (scorer.session, as the lock tab
drives it): contestants still missing marks get a status, conflicts of interest are accepted with a
reason, every judge signs with their own PIN, the chief judge locks, the encryption judge decrypts;
then the first page of each document is rendered with pdftoppm. A refusal anywhere stops the script.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PINS = {"CNC-K": "1000", "CNC-J1": "1001", "CNC-J2": "1002", "CNC-J3": "1003", "CNC-J4": "1004"}
PAGES = {  # document kind → sample file
    "results": "results-zh",
    "awards": "awards-zh",
    "notice": "notice-zh",
    "sheets": "score-sheet-zh",
    "forms": "marking-form-zh",
    "certificates": "certificate-zh",
    "progress": "progress-zh",
}


def main(out: Path) -> int:
    work = Path(tempfile.mkdtemp(prefix="scorer-samples-"))
    os.environ["SCORER_DATA_DIR"] = str(work)
    from scorer import access, signoff
    from scorer.demo import ensure_demo
    from scorer.reports import registry
    from scorer.reports.data import event_data
    from scorer.session import Session
    from scorer.store import Store

    with Store.open(ensure_demo(work / "demo.scorer")) as store:
        chief = Session(store, access.login(store, "CNC-K", PINS["CNC-K"]))
        progress = registry.render("progress", event_data(store, "CNC"))  # before the lock: what was open
        for item in chief.open_items("CNC"):
            if item.kind == signoff.MISSING:
                chief.set_status(item.contestant, "absent", "未到场")
            elif item.kind == signoff.CONFLICT:
                chief.accept("CNC", item.key, "已由另一名裁判复核，评分无误")
        for judge, pin in PINS.items():
            chief.sign("CNC", judge, pin)
        chief.lock("CNC")
        Session(store, access.login(store, "CNC-E", "1009")).decrypt("CNC")
        data = event_data(store, "CNC")
        out.mkdir(parents=True, exist_ok=True)
        for kind, name in PAGES.items():
            pdf = progress if kind == "progress" else registry.render(kind, data)
            path = work / f"{kind}.pdf"
            path.write_bytes(pdf)
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "60",
                    "-png",
                    "-singlefile",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    str(path),
                    str(out / name),
                ],
                check=True,
            )
    print(f"sample pages written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "reports"))
