"""What every process of the build does first: leave out optional modules that cost seconds to import and
that nothing in the book uses.

``jsonschema`` (imported by altair, nbformat and jupyter-book) looks for the optional ``rfc3987_syntax``,
installed for ``jupyter_events`` (JupyterLab's server, ``make lab``); importing it compiles a grammar, about
1 s of CPU time in every process, only to check strings of JSON Schema's "iri" format, which no schema the
book validates uses. ``None`` in ``sys.modules`` makes importing a module fail at once, as if it were not
installed, and jsonschema then goes without that one format check.
"""

from __future__ import annotations

import sys

#: Optional modules the build's processes do without.
LEFT_OUT = ("rfc3987_syntax",)


def leave_out() -> None:
    """Make importing each module of :data:`LEFT_OUT` fail at once in this process (unless already imported)."""
    for name in LEFT_OUT:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
