"""Verdicts of the reproduction ledger."""

from __future__ import annotations

import pandas as pd
import pytest

import infertrends.thesis.ledger as ledger


def test_decimals_and_units():
    assert ledger.decimals("1.3490") == 4
    assert ledger.decimals("1040") == 0
    assert ledger.unit_in_last_place("1.60") == pytest.approx(0.01)


def test_match_when_rounding_to_printed_digits_agrees():
    assert ledger.verdict("1.7097", 5.3 / 3.1, ledger.tolerance("1.7097")) == "match"
    assert ledger.verdict("1040", 1039.68, ledger.tolerance("1040")) == "match"
    assert ledger.verdict("1040", 1041.2, ledger.tolerance("1040")) != "match"


def test_rounding_within_unit_of_last_digit():
    # 800/600 printed as 1.3334: off by 0.67 units of the last digit
    tol = ledger.tolerance("1.3334")
    assert ledger.verdict("1.3334", 800 / 600, tol) == "rounding"


def test_rounded_intermediates_widen_the_tolerance():
    # 74 * 1.0534**2 = 82.1142 (thesis) vs exact 74 * (632/600)**2
    exact = 74 * (632 / 600) ** 2
    assert ledger.verdict("82.1142", exact, ledger.tolerance("82.1142")) == "discrepancy"
    assert ledger.verdict("82.1142", exact, ledger.tolerance("82.1142", [("1.0534", 2)])) == "rounding"


def test_discrepancy_beyond_rounding():
    assert ledger.verdict("5269.9617", 2859.9 * (518 / 384) ** 2, ledger.tolerance("5269.9617", [("1.3490", 2)])) == "discrepancy"


def test_ledger_rows_and_columns():
    book = ledger.Ledger()
    assert book.add("Eq. X", "m", "q", "2.00", 2.0) == "match"
    assert book.add("Eq. Y", "m", "q", "2.00", 3.0) == "discrepancy"
    df = book.frame()
    assert list(df.columns) == ledger.COLUMNS
    assert df.loc[1, "rel_diff"] == pytest.approx(0.5)


def test_thesis_value_must_be_text():
    with pytest.raises(TypeError, match="as printed text"):
        ledger.Ledger().add("s", "k", "q", 1.0, 1.0)


def test_exact_rows_allow_no_tolerance():
    book = ledger.Ledger()
    assert book.add("Table 4.1", "m", "listed", "1", 0.0, exact=True) == "discrepancy"
    assert book.add("Table 4.1", "m", "listed", "1", 1.0, exact=True) == "match"
    assert book.frame()["tolerance"].tolist() == [0.0, 0.0]


def test_approximate_values_use_significant_digits():
    book = ledger.Ledger()
    # "approximately 100 Joules/s" for 2000 kcal/day = 96.9 W: fine to one significant digit
    assert book.add("Section 5.3", "internal", "human_watts", "100", 96.9, significant=1) == "rounding"
    assert book.add("Section 5.3", "internal", "human_watts", "100", 160.0, significant=1) == "discrepancy"
    # judged at the digits printed, "approximately 100" for 96.9 is a discrepancy (3 % > one unit in 100)
    assert book.add("Section 5.3", "internal", "human_watts", "100", 96.9) == "discrepancy"


def test_passthrough_rows_are_inputs_not_matches():
    book = ledger.Ledger()
    assert book.add("Table B.3", "x", "tflops", "15.70", 15.7, passthrough=True) == "input"
    assert book.add("Table B.3", "y", "tflops", "15.70", 15.9, passthrough=True) == "discrepancy"
    counts = ledger.counts(book.frame())
    assert counts == {"match": 0, "rounding": 0, "discrepancy": 1, "input": 1}


def test_thesis_claims_by_hand():
    """The claims of the text, checked on rows of Table A.3 and A.4 read here by hand."""
    import infertrends.core.fits as fits
    import infertrends.data as data
    import infertrends.thesis.claims as claims
    import infertrends.thesis.scaling as scaling

    cv = scaling.vision_models("recomputed")
    # Table A.3 prints ViT-G/14 at 90.45 % and Meta Pseudo Labels L2 at 90.20 %: the text's "best" is not
    value, note = claims.best_model(cv)
    assert value == 90.45 and "ViT-G/14" in note
    # BotNet-T5 (38.6 GFLOPs, 83.5 %) against CaiT-S36 dist (27.8 GFLOPs, 84.0 %), both ImageNet-1k, 2021
    value, note = claims.hybrids_beat_transformers(cv)
    assert value == 0.0 and "BotNet-T5" in note and "CaiT-S36 dist" in note
    # AlexNet 2012, NoisyStudent-B1 2019: "a period of 7 years"
    assert claims.years_between(cv, "AlexNet", "NoisyStudent-B1")[0] == 7.0
    nlp = data.language()
    value, note = claims.low_compute_pocket(nlp, fits.fit_exponential(nlp["release_date"], nlp["gflops"], resamples=0))
    assert "in 2020" in note  # the last year of Table A.4
    # AlexNet 0.1 J against 0.02 and 0.01 J: geometric mean of 5 and 10
    assert claims.energy_ratio(0.1, pd.Series([0.02, 0.01]))[0] == pytest.approx(50 ** 0.5)


def test_kinds_are_counted_apart():
    book = ledger.Ledger()
    book.add("Table B.1", "V100", "gflops_per_watt", "416.67", 125e3 / 300)  # a reproduction
    book.add("Table B.3", "not adapted | V100", "gflops_per_watt", "52.33", 15.7e3 / 300, kind="repeated")
    book.add("Table 5.3", "ResNet-50", "listed", "1", 1.0, exact=True)  # a selection outcome
    book.add("Section 4.2.2", "a claim", "claim_holds", "1", 0.0, exact=True)  # judged by the book: fails
    df = book.frame()
    assert list(df["kind"]) == ["reproduction", "repeated", "selection", "claim"]
    k = ledger.counts_by_kind(df)
    assert k["reproduction"]["match"] == 1 and k["repeated"]["match"] == 1 and k["selection"]["match"] == 1
    assert k["claim"] == {"match": 0, "rounding": 0, "discrepancy": 1, "input": 0}
    with pytest.raises(ValueError, match="kind must be one of"):
        book.add("s", "k", "q", "1", 1.0, kind="tuned")
