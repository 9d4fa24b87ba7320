"""The thesis's numbered citations that the book can resolve to its own bibliography.

The thesis's reference list is not in the copy the book has, so a number resolves only where the
book identified the work; each identification is written once, as ``Thesis citation [N]`` in the
entry's ``note`` in ``book/references.bib``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from infertrends.data.tables import ROOT

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


#: The label of the data appendix's list of the thesis's citation numbers (what each is cited for, and the work
#: where the book identified it): every number printed on a page links there.
NUMBERS_LABEL = "thesis-citation-numbers"


def _numbers(cell: object) -> list[int]:
    """The citation numbers of a data cell ("12", "12;13" or empty)."""
    return [int(n) for n in str(cell or "").replace(",", ";").split(";") if n.strip()]


def linked(cell: object) -> str:
    """Thesis citation numbers as the thesis prints them, "[12, 13]", each linked to the data appendix's list of
    what it stands for (MyST ``{ref}`` roles); "" for an empty cell."""
    numbers = _numbers(cell)
    if not numbers:
        return ""
    return "[" + ", ".join(f"{{ref}}`{n} <{NUMBERS_LABEL}>`" for n in numbers) + "]"


def named(cell: object, known: dict[int, str] | None = None) -> str:
    """The works behind thesis citation numbers, for a reader: the author-year citation of each work the book
    identified, linked to the bibliography ("Clark et al. (2020)", MyST ``{cite:t}``), and otherwise "thesis [49]"
    linked to the data appendix's list; joined by "; "."""
    known = thesis_citations() if known is None else known
    return "; ".join(f"{{cite:t}}`{known[n]}`" if n in known else f"{{ref}}`thesis [{n}] <{NUMBERS_LABEL}>`"
                     for n in _numbers(cell))


def _last_name(person: Any) -> str:
    """A person's last name as plain text (LaTeX accents and braces resolved)."""
    from pybtex.richtext import Text

    return Text.from_latex(" ".join(person.prelast_names + person.last_names)).render_as("text")


def author_year(entry: Any) -> str:
    """'Name Year', 'Name and Name Year' or 'Name et al. Year' from a pybtex entry's authors (the bibliography's
    labels, ``book/_ext/bib_labels.py``, and the plain names of :func:`plain`)."""
    from pybtex.richtext import Text

    people = entry.persons.get("author") or entry.persons.get("editor") or []
    if not people:
        who = entry.fields.get("organization") or entry.fields.get("howpublished") or entry.key
        who = Text.from_latex(who).render_as("text")
    elif len(people) == 1:
        who = _last_name(people[0])
    elif len(people) == 2:
        who = f"{_last_name(people[0])} and {_last_name(people[1])}"
    else:
        who = f"{_last_name(people[0])} et al."
    return f"{who} {entry.fields.get('year', 'n.d.')}"


@lru_cache(maxsize=None)
def _labels(bib: Path = BIB) -> dict[str, str]:
    from pybtex.database import parse_file

    return {key: author_year(entry) for key, entry in parse_file(str(bib)).entries.items()}


def plain(cell: object) -> str:
    """The works behind thesis citation numbers as plain text, for glued prose (where roles do not render): "Clark
    et al. 2020" for a work the book identified, else "the thesis's [49]"; joined by "; "."""
    known = thesis_citations()
    return "; ".join(_labels()[known[n]] if n in known else f"the thesis's [{n}]" for n in _numbers(cell))


def link_numbers(text: object) -> str:
    """``text`` (a data note such as "model citation printed as [63]") with every bracketed thesis citation
    number linked as :func:`linked` links it."""
    return re.sub(r"\[(\d{1,2}(?:[;,] ?\d{1,2})*)\]", lambda m: linked(m.group(1)), str(text))


#: A key of ``data/external_values.csv`` as it appears inside a text.
_KEY = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


def external_label(key: str) -> str:
    """A reader's label for a row of ``data/external_values.csv`` (its key is for code and the CSV): the source's
    short title and its year, "Uptime Institute Intelligence Update 221, 2023", "Elsworth et al. 2025"."""
    from infertrends.data.loaders import external

    row = external(key)
    title = re.split(r", |: | \(| - ", str(row["source_title"]), maxsplit=1)[0].strip()
    year = "" if pd.isna(row.get("year")) else str(int(row["year"]))
    return title if not year or year in title else f"{title}, {year}"


def cite_external(text: object) -> str:
    """A "sources" text of keys of ``data/external_values.csv`` ("ctx (key_a, key_b); key_c (low)") as a reader
    reads it: each source once, as a Markdown link from its label (:func:`external_label`) to its URL, after the
    context the text gives it; parts without a key are kept as written."""
    from infertrends.data.loaders import load

    table = load("external_values").set_index("key")
    out = []
    for part in str(text).split("; "):
        keys = [k for k in _KEY.findall(part) if k in table.index]
        if not keys:
            out.append(part.strip())
            continue
        context = part[:part.index(keys[0])].rstrip(" (")
        links = ", ".join(dict.fromkeys(f"[{external_label(k)}]({table.at[k, 'source_url']})" for k in keys))
        out.append(f"{context}: {links}" if context else links)
    return "; ".join(dict.fromkeys(out))
