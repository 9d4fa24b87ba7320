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

from infertrends.data.references import author_year
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting.author_year_title import SortingStyle


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
