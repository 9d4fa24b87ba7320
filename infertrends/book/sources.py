"""The book's sources and the build's folders: the chapters in book order, where each one's source is, its
title, and the build's error and progress log.

Layout (all generated folders are git-ignored):

* ``book/`` - sources: ``_config.yml``, ``_toc.yml``, ``intro.md``, ``chapters/*.md`` (jupytext MyST).
* ``build/cache/<chapter>/`` - the executed notebook, its CSV tables and the content hash they came from.
* ``build/site/`` - what jupyter-book builds: the sources with executed ``.ipynb`` chapters.
* ``book/_build/html/`` - the site; ``book/_build/html/data/`` holds every published CSV.

The build runs in steps, each its own module: :mod:`~infertrends.book.execute` (papermill and the cache),
:mod:`~infertrends.book.site` (laying out the site, with the ledger page and the landing chart, and
jupyter-book), :mod:`~infertrends.book.build` (the whole build, publishing, reruns, references, the scenario
sweep) and :mod:`~infertrends.book.printing` (the PDF).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from infertrends.data import ROOT

BOOK = ROOT / "book"
CHAPTERS = BOOK / "chapters"
BUILD = ROOT / "build"
CACHE = BUILD / "cache"
SITE = BUILD / "site"
HTML = BOOK / "_build" / "html"
#: Where jupyter-book writes (with its incremental caches) before the site is published to HTML.
JB_OUT = BUILD / "jupyter-book"
REFERENCES = ROOT / "tests" / "references"


class BuildError(RuntimeError):
    """A chapter failed to execute or the book failed to build."""


def log(message: str) -> None:
    """Progress output (flushed, so it shows up live under make)."""
    print(message, flush=True)


def chapters() -> list[str]:
    """Chapter names in the order of ``book/_toc.yml``."""
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))
    names: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            f = node.get("file")
            if isinstance(f, str) and f.startswith("chapters/"):
                names.append(f.split("/", 1)[1])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(toc)
    return names


def source(chapter: str) -> Path:
    """Path of a chapter's jupytext source."""
    path = CHAPTERS / f"{chapter}.md"
    if not path.exists():
        raise BuildError(f"chapter '{chapter}' has no source {path}; chapters: {', '.join(chapters())}")
    return path


def chapter_title(chapter: str) -> str:
    """The chapter's title, from the first heading of its source."""
    for line in source(chapter).read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return chapter
