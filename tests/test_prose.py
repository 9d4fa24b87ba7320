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


def test_zero_growth_phrase_stands_on_its_own():
    # two intervals that disagree must read as a sentence, never "disagree on (only the ... excludes) no growth"
    import math

    import infertrends.fits as fits

    base = dict(intercept=0.0, slope=0.1, slope_se=0.05, n=10, r2=0.5, level=0.9)
    agree = fits.Trend(slope_low=0.02, slope_high=0.18, boot_low=0.03, boot_high=0.17, n_boot=100, **base)
    split = fits.Trend(slope_low=0.02, slope_high=0.18, boot_low=-0.01, boot_high=0.2, n_boot=100, **base)
    none = fits.Trend(slope_low=-0.02, slope_high=0.18, boot_low=math.nan, boot_high=math.nan, n_boot=0, **base)
    assert fits.zero_growth_phrase(agree) == "both intervals exclude no growth"
    assert fits.zero_growth_phrase(split) == "the OLS interval excludes no growth, the bootstrap interval does not"
    assert fits.zero_growth_phrase(none) == "the interval includes no growth"
    for t in (agree, split, none):
        assert "(" not in fits.zero_growth_phrase(t) and "disagree" not in fits.zero_growth_phrase(t)


def test_a_change_that_is_none_at_the_printed_digits_is_said_so():
    import infertrends.prose as prose

    assert prose.change("the growth", 2.351, 2.349, suffix=" a year") == "leaves the growth at ×2.35 a year"
    assert prose.change("the growth", 2.35, 2.40) == "moves the growth from ×2.35 to ×2.40"


def test_printed_numbers_get_separators_and_keep_every_digit():
    import infertrends.numbers as numbers
    from infertrends.export import markdown_table

    assert numbers.printed("1039.7991") == "1,039.7991"
    assert numbers.printed("740000") == "740,000"
    assert numbers.printed("0.71") == "0.71"
    assert numbers.printed("Eq. A.12") == "Eq. A.12"
    # tables: a fixed-decimals format gains separators, a count or a year ("d") does not
    import pandas as pd
    table = markdown_table(pd.DataFrame({"x": [1039.79911], "year": [2021]}), {"x": ".4f", "year": "d"})
    assert table.splitlines()[-1] == "| 1,039.7991 | 2021 |"
