"""Shared fixtures: paths of the repository, the built site and the thesis text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "book" / "_build" / "html"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def html() -> Path:
    index = HTML / "index.html"
    if not index.exists():
        pytest.fail(f"the book is not built ({index} missing): run `make book` (make test does it first)")
    return HTML


def thesis_path() -> Path:
    """The thesis text, from THESIS_TXT or shared/ beside the repository."""
    candidates = [Path(os.environ["THESIS_TXT"])] if os.environ.get("THESIS_TXT") else []
    candidates += [ROOT.parent / "shared" / "thesis" / "thesis.txt", ROOT / "shared" / "thesis" / "thesis.txt"]
    for c in candidates:
        if c.exists():
            return c
    raise FileNotFoundError("thesis.txt not found; set THESIS_TXT or place shared/ beside the repository: "
                            + ", ".join(map(str, candidates)))


@pytest.fixture(scope="session")
def thesis_text() -> str:
    return thesis_path().read_text(encoding="utf-8")
