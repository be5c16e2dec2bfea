"""The Qt binding itself: thousands of signal emissions must not corrupt the interpreter.

PySide6 6.12.0 leaked a reference to `True` on every `Signal.emit()` (Python 3.11), aborting the
process with "bool_dealloc" after a few thousand saves; pyproject.toml keeps that version out.
"""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

class O(QObject):
    saved = Signal(str, str, int)

app = QCoreApplication([])
o = O()
seen = []
o.saved.connect(lambda event, contestant, log_id: seen.append(log_id))
before = sys.getrefcount(True)
for i in range(20000):
    o.saved.emit("CNC", "C01", i)
assert len(seen) == 20000
print(sys.getrefcount(True) - before)
"""


def test_twenty_thousand_emits_do_not_leak_or_abort():
    r = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-500:]
    assert abs(int(r.stdout.strip())) < 100
