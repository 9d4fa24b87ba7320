"""``python -m infertrends``: see :mod:`infertrends.book.cli`."""

import os
import sys

from infertrends.book.startup import leave_out

leave_out()
from infertrends.book.cli import main  # noqa: E402 - after leave_out, so that no import compiles what is left out

try:
    sys.exit(main())
except BrokenPipeError:  # output piped into a reader that stopped early (`| head`): not an error of ours
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(1)
