"""``python -m infertrends``: see :mod:`infertrends.cli`."""

import sys

from infertrends.cli import main

sys.exit(main())
