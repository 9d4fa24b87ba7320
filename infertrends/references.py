"""The thesis's numbered citations that the book can resolve to its own bibliography.

The thesis's reference list is not in the copy the book has, so a number resolves only where the
book identified the work; each identification is written once, as ``Thesis citation [N]`` in the
entry's ``note`` in ``book/references.bib``.
"""

from __future__ import annotations

import re
from pathlib import Path

from infertrends.data import ROOT

BIB = ROOT / "book" / "references.bib"


def thesis_citations(bib: Path = BIB) -> dict[int, str]:
    """Thesis citation number -> BibTeX key, from the ``Thesis citation [N]`` notes of ``bib``."""
    out: dict[int, str] = {}
    for entry in re.split(r"\n(?=@)", bib.read_text(encoding="utf-8")):
        key = re.match(r"@\w+\{([^,]+),", entry.strip())
        for n in re.findall(r"Thesis citation \[(\d+)\]", entry):
            if key:
                if int(n) in out and out[int(n)] != key.group(1):
                    raise ValueError(f"{bib}: thesis citation [{n}] is noted on two entries")
                out[int(n)] = key.group(1)
    return out
