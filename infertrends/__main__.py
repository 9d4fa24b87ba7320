"""``python -m infertrends``: see :mod:`infertrends.book.cli`."""

import os
import sys

from infertrends.book.cli import main

try:
    sys.exit(main())
except BrokenPipeError:  # output piped into a reader that stopped early (`| head`): not an error of ours
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(1)
