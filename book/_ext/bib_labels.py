"""Author-year labels for the bibliography, so that its entries read like the text's citations.

sphinxcontrib-bibtex cites in the text as "Clark et al., 2020" (``bibtex_reference_style:
author_year``) but labels the bibliography with pybtex's alpha keys ("[CLLM20]"); this registers
the formatting style ``book`` (unsrt formatting, sorted by author and year) whose labels are
"Clark et al. 2020", "Tan and Le 2019" or "Desislavov 2021", with a, b suffixes when two coincide.
Select it with ``bibtex_default_style: book``.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Iterator

from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting.author_year_title import SortingStyle


def _last_name(person: Any) -> str:
    """A person's last name as plain text (LaTeX accents and braces resolved)."""
    return Text.from_latex(" ".join(person.prelast_names + person.last_names)).render_as("text")


def author_year(entry: Any) -> str:
    """'Name Year', 'Name and Name Year' or 'Name et al. Year' from an entry's authors."""
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


class AuthorYearLabels(BaseLabelStyle):
    """Labels 'Name et al. Year', suffixed a, b, ... where two entries would share one."""

    def format_labels(self, sorted_entries: Iterable[Any]) -> Iterator[str]:
        labels = [author_year(e) for e in sorted_entries]
        count, seen = Counter(labels), Counter()
        for label in labels:
            if count[label] == 1:
                yield label
            else:
                seen[label] += 1
                yield label + "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]


class BookStyle(UnsrtStyle):
    """unsrt entries, sorted by author, year and title, labelled author-year."""

    default_label_style = AuthorYearLabels
    default_sorting_style = SortingStyle


def setup(app: Any) -> dict:
    register_plugin("pybtex.style.labels", "book_author_year", AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "book", BookStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
