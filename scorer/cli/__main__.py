"""`python -m scorer.cli`: the same as the `scorer` console script (tests run it as a real process)."""

import sys

from scorer.cli import main

sys.exit(main())
