"""Resolve ``{numref}`` without unpickling the target page again for every reference.

Sphinx 7.4 resolves each ``{numref}`` by loading the whole doctree of the page the label is on
(``env.get_doctree``: read from disk and unpickled each time) to find the labelled node's number.
The book's pages hold large tables, and about sixty references made this the largest single cost of
writing the site (3 s of about 20). Here each page's doctree is loaded once per build for that lookup
only: by then every page has been read, and the lookup only reads the node (its type and number), so
one copy serves every reference. Everything else still gets a fresh doctree from Sphinx.
"""

from __future__ import annotations

from typing import Any

from sphinx.domains.std import StandardDomain

_ORIGINAL = StandardDomain._resolve_numref_xref


def _resolve_numref_xref(self: StandardDomain, env: Any, *args: Any, **kwargs: Any) -> Any:
    cache = env.__dict__.setdefault("_infertrends_numref_doctrees", {})
    load = env.get_doctree

    def cached(docname: str) -> Any:
        if docname not in cache:
            cache[docname] = load(docname)
        return cache[docname]

    env.get_doctree = cached  # only while this one reference is resolved
    try:
        return _ORIGINAL(self, env, *args, **kwargs)
    finally:
        del env.get_doctree


def _forget(app: Any, env: Any, *args: Any) -> None:
    env.__dict__.pop("_infertrends_numref_doctrees", None)


def setup(app: Any) -> dict[str, Any]:
    StandardDomain._resolve_numref_xref = _resolve_numref_xref
    app.connect("env-updated", _forget)  # a page read again: its doctree may have changed
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
