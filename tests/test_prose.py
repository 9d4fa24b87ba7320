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
    import infertrends.present.prose as prose

    text = prose.tally(counts)
    assert text == want
    assert not re.search(r"\b1 (are|match|differ|agree)\b|\b0 \w|: none", text)


def test_zero_growth_phrase_stands_on_its_own():
    # two intervals that disagree must read as a sentence, never "disagree on (only the ... excludes) no growth"
    import math

    import infertrends.core.fits as fits
    import infertrends.present.trendtext as trendtext

    base = dict(intercept=0.0, slope=0.1, slope_se=0.05, n=10, r2=0.5, level=0.9)
    agree = fits.Trend(slope_low=0.02, slope_high=0.18, boot_low=0.03, boot_high=0.17, n_boot=100, **base)
    split = fits.Trend(slope_low=0.02, slope_high=0.18, boot_low=-0.01, boot_high=0.2, n_boot=100, **base)
    none = fits.Trend(slope_low=-0.02, slope_high=0.18, boot_low=math.nan, boot_high=math.nan, n_boot=0, **base)
    assert trendtext.zero_growth_phrase(agree) == "both intervals exclude no growth"
    assert trendtext.zero_growth_phrase(split) == "the OLS interval excludes no growth, the bootstrap interval does not"
    assert trendtext.zero_growth_phrase(none) == "the interval includes no growth"
    for t in (agree, split, none):
        assert "(" not in trendtext.zero_growth_phrase(t) and "disagree" not in trendtext.zero_growth_phrase(t)


def test_a_change_that_is_none_at_the_printed_digits_is_said_so():
    import infertrends.present.prose as prose

    assert prose.change("the growth", 2.351, 2.349, suffix=" a year") == "leaves the growth at ×2.35 a year"
    assert prose.change("the growth", 2.35, 2.40) == "moves the growth from ×2.35 to ×2.40"


def test_printed_numbers_get_separators_and_keep_every_digit():
    import infertrends.core.numbers as numbers
    from infertrends.present.export import markdown_table

    assert numbers.printed("1039.7991") == "1,039.7991"
    assert numbers.printed("740000") == "740,000"
    assert numbers.printed("0.71") == "0.71"
    assert numbers.printed("Eq. A.12") == "Eq. A.12"
    # tables: a fixed-decimals format gains separators, a count or a year ("d") does not
    import pandas as pd
    table = markdown_table(pd.DataFrame({"x": [1039.79911], "year": [2021]}), {"x": ".4f", "year": "d"})
    assert table.splitlines()[-1] == "| 1,039.7991 | 2021 |"


@pytest.mark.parametrize("part, whole, kwargs, want", [
    (6, 7, {}, "6 of the 7"),
    (8, 8, {}, "all 8"),
    (2, 2, {}, "both"),
    (1, 1, {}, "the one"),
    (0, 7, {}, "none of the 7"),
    (0, 2, {}, "neither of the 2"),
    (7, 10, {"the": False}, "7 of 10"),
    (1, 2, {"one": "reaches it", "many": "reach it"}, "1 of the 2 reaches it"),
    (2, 2, {"one": "reaches it", "many": "reach it"}, "both reach it"),
    (0, 1, {"one": "reaches it", "many": "reach it", "noun": "hybrid"}, "no hybrid reaches it"),
    (27, 56, {"one": "is a mixture of experts", "many": "are mixtures of experts"},
     "27 of the 56 are mixtures of experts"),
    (4, 10, {"noun": "trend", "nouns": "trends"}, "4 of the 10 trends"),
    (1234, 5000, {}, "1,234 of the 5,000"),
])
def test_share_says_part_of_a_whole_as_an_editor_does(part, whole, kwargs, want):
    import infertrends.present.prose as prose

    assert prose.share(part, whole, **kwargs) == want


def test_listing_aside_and_a_zero_count_read_well():
    import infertrends.present.prose as prose

    one, many = "{n} decoder set a new maximum ({items})", "{n} decoders set a new maximum ({items})"
    assert prose.listing([], one, many, "no decoder set a new maximum") == "no decoder set a new maximum"
    assert prose.listing(["Gopher"], one, many) == "1 decoder set a new maximum (Gopher)"
    assert (prose.listing(["Gopher", "PaLM", " "], one, many, join=", ".join)
            == "2 decoders set a new maximum (Gopher, PaLM)")
    assert prose.aside("ShuffleNet x1.0 (g=8)", 2017) == "ShuffleNet x1.0 (g=8; 2017)"
    assert prose.aside("L4", "MLPerf v3.1 Edge (closed, power)") == "L4 (MLPerf v3.1 Edge [closed, power])"
    assert prose.aside("MobileNetV2", "") == "MobileNetV2"
    assert prose.count_phrase(0, "is off", "are off", zero="none is off") == "none is off"
    assert prose.count_phrase(1, "is off", "are off", zero="none is off") == "1 is off"
    assert prose.series(["a", "", "b"]) == "a and b"


def test_describe_and_headline_agree_in_number_and_never_say_x1():
    import math

    import infertrends.core.fits as fits
    import infertrends.present.trendtext as trendtext

    thin = fits.Trend(intercept=0.0, slope=0.1, slope_se=0.5, n=1, r2=0.5, level=0.9, slope_low=-0.8,
                      slope_high=1.0, clusters=1)
    assert "no bootstrap: 1 release date, too few to resample; 1 point, too thin to read" in trendtext.describe(thin)
    assert trendtext.headline(thin) == "showed no readable trend (1 point, too few or too scattered)"
    slope = math.log10(1.004)
    slow = fits.Trend(intercept=0.0, slope=slope, slope_se=slope / 100, n=50, r2=0.9, level=0.9,
                      slope_low=slope * 0.98, slope_high=slope * 1.02)
    assert trendtext.headline(slow) == "grew ×1.004 a year"
    flat = fits.Trend(intercept=0.0, slope=0.0, slope_se=math.nan, n=6, r2=math.nan, level=0.9, slope_low=math.nan,
                      slope_high=math.nan)
    assert trendtext.describe(flat) == "×1.00/year (no 90% CI: the values do not vary)"


@pytest.mark.parametrize("value, want", [
    (1.3, "1.30"), (0.957, "0.96"), (1.8105, "1.81"), (23.37, "23.4"), (174.7, "175"), (1234.6, "1,235"),
    (0.0512, "0.05"), (9.996, "10.0"),
])
def test_a_growth_factor_has_two_decimals_and_at_most_three_significant_figures(value, want):
    # "a 6-point trend as ×23.37/yr" was the complaint: three figures at most, zeros kept so factors line up
    import infertrends.core.numbers as numbers

    assert numbers.growth(value) == want
    assert numbers.fmt(value, numbers.GROWTH) == want


@pytest.mark.parametrize("first, second, want", [
    ("grew ×1.3 a year", "grew ×1.3 a year", "grew ×1.3 a year for both vision and language inference"),
    ("grew ×1.3 a year", "grew ×1.4 a year", "grew ×1.3 a year for vision and ×1.4 a year for language inference"),
    ("grew ×1.3 a year", "showed no clear change (×1.1 a year)",
     "grew ×1.3 a year for vision and showed no clear change (×1.1 a year) for language inference"),
])
def test_two_headlines_share_their_words(first, second, want):
    import infertrends.present.prose as prose

    assert prose.both(first, "vision", second, "language", " inference") == want


def test_citation_numbers_link_to_the_list_and_name_known_works():
    # [19] is the ELECTRA paper (thesis README: "[19] is the ELECTRA paper"); [49] was not identified
    import infertrends.data.references as references

    assert references.linked("12;13") == ("[{ref}`12 <thesis-citation-numbers>`, "
                                         "{ref}`13 <thesis-citation-numbers>`]")
    assert references.linked("") == ""
    assert references.named("19") == "{cite:t}`clark2020electra`"
    assert references.named("49") == "{ref}`thesis [49] <thesis-citation-numbers>`"
    assert references.plain("19") == "Clark et al. 2020" and references.plain("49") == "the thesis's [49]"
    assert references.link_numbers("printed as [63]; x [a]") == ("printed as [{ref}`63 <thesis-citation-numbers>`]"
                                                                 "; x [a]")


def test_external_sources_are_shown_by_label_and_link_not_by_key():
    # the Uptime row of data/external_values.csv: title "Uptime Institute Intelligence Update 221: ...", 2023
    import infertrends.data.references as references

    url = ("https://intelligence.uptimeinstitute.com/resource/"
           "large-data-centers-are-mostly-more-efficient-analysis-confirms")
    want = f"[Uptime Institute Intelligence Update 221, 2023]({url})"
    assert references.cite_external("pue_industry_average") == want
    assert references.cite_external("pue_industry_average (low); pue_industry_average") == want  # each source once
    assert references.cite_external("rates (pue_industry_average)") == f"rates: {want}"
    own = "the H100's own (accelerator_specs.csv)"
    assert references.cite_external(own) == own
