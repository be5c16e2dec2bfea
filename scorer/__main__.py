"""`python -m scorer`: the same as the `scorer` console script."""

import sys

from scorer.cli import main

sys.exit(main())
