"""``jupyter-book build`` as the book runs it: ``python -m infertrends.book.jupyterbook build ...``.

The same command line as ``jupyter-book``, in a process that leaves out the optional modules of
:mod:`infertrends.book.startup` (about 1.5 s of the HTML build).
"""

from __future__ import annotations

import sys

from infertrends.book.startup import leave_out


def main(argv: list[str]) -> None:
    """Run jupyter-book's command line with ``argv``."""
    leave_out()
    from jupyter_book.cli.main import main as jupyter_book_main

    jupyter_book_main(argv, prog_name="jupyter-book")


if __name__ == "__main__":
    main(sys.argv[1:])
