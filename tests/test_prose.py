"""Glued prose: counts and lists read as an editor writes them."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("counts, want", [
    ([(28, "matches", "match"), (1, "agrees", "agree"), (0, "differs more", "differ more")],
     "28 match, 1 agrees and none differs more"),
    ([(0, "matches", "match"), (2, "agrees", "agree")], "none matches and 2 agree"),
    ([(1, "matches", "match")], "1 matches"),
    ([(1234, "matches", "match")], "1,234 match"),
])
def test_tally_reads_as_an_editor_writes_it(counts, want):
    # singular and plural by the count, "none" for zero, never "1 are", "0 differ" or ": none"
    import infertrends.prose as prose

    text = prose.tally(counts)
    assert text == want
    assert not re.search(r"\b1 (are|match|differ|agree)\b|\b0 \w|: none", text)
