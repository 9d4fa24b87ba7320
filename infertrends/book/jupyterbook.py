"""``jupyter-book build`` as the book runs it: ``python -m infertrends.book.jupyterbook build ...``.

The same command line as ``jupyter-book``, with one import left out: ``jsonschema`` looks for the optional
``rfc3987_syntax`` (installed for ``jupyter_events``), whose grammar takes about 1.5 s to compile on import,
only to check strings of the "iri" format, which nothing in a Sphinx build of the book asks for.
"""

from __future__ import annotations

import sys

#: Optional modules this process does without (``None`` in ``sys.modules`` makes importing them fail at once).
LEFT_OUT = ("rfc3987_syntax",)


def main(argv: list[str]) -> None:
    """Run jupyter-book's command line with ``argv``."""
    for name in LEFT_OUT:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    from jupyter_book.cli.main import main as jupyter_book_main

    jupyter_book_main(argv, prog_name="jupyter-book")


if __name__ == "__main__":
    main(sys.argv[1:])
