"""Scaling law and the Appendix A estimates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import infertrends.thesis.scaling as scaling

ratio = st.floats(min_value=0.1, max_value=10)


@given(ratio, ratio, ratio, ratio)
def test_scaling_composes(d1, d2, r1, r2):
    # scaling twice is scaling by the product of the ratios
    assert scaling.cnn_flops_factor(d1, 1, r1) * scaling.cnn_flops_factor(d2, 1, r2) == pytest.approx(
        scaling.cnn_flops_factor(d1 * d2, 1, r1 * r2), rel=1e-12)


def test_non_positive_ratio_is_named():
    with pytest.raises(ValueError, match="w_ratio must be > 0"):
        scaling.cnn_flops_factor(1, 0, 1)


def test_estimates_follow_the_stated_method():
    # inputs as the thesis states them in Appendix A: B7 = 74 GFLOPs, B0 = 0.78; Table A.1; Table A.2
    est = scaling.appendix_a_estimates().set_index("model")["gflops"]
    assert est["NoisyStudent-L2"] == pytest.approx(74 * (5.3 / 3.1) * (4.3 / 2) ** 2 * (800 / 600) ** 2)
    assert est["Meta Pseudo Labels L2"] == est["NoisyStudent-L2"]
    assert est["FixEfficientNet-L2"] == pytest.approx(74 * (5.3 / 3.1) * (4.3 / 2) ** 2)
    assert est["FixEfficientNet-B7"] == pytest.approx(74 * (632 / 600) ** 2)
    assert est["FixEfficientNet-B0"] == pytest.approx(0.78 * (320 / 224) ** 2)
    assert est["ViT-G/14"] == pytest.approx(2859.9 * (518 / 384) ** 2)


def test_estimates_against_the_printed_equations():
    """Appendix A prints ratios rounded *up* to 4 decimals (Eq. A.2: 800/600 = 1.3334; A.5: 632/600 =
    1.0534; A.7: 320/224 = 1.4286) and results computed from them (A.4: 584.8285, A.6: 82.1142, A.8:
    1.5919). The book's exact estimates differ from those results by no more than the rounding of the
    ratios explains (twice the relative rounding of a squared ratio)."""
    import math

    for exact, printed in ((800 / 600, 1.3334), (632 / 600, 1.0534), (320 / 224, 1.4286), (5.3 / 3.1, 1.7097)):
        assert math.ceil(exact * 1e4) / 1e4 == printed
    assert round(74 * 1.0534**2, 4) == 82.1142 and round(0.78 * 1.4286**2, 4) == 1.5919
    assert round(74 * 1.7097 * 2.15**2, 4) == 584.8285
    est = scaling.appendix_a_estimates().set_index("model")["gflops"]
    for model, printed, ratio in (("FixEfficientNet-B7", 82.1142, 1.0534), ("FixEfficientNet-B0", 1.5919, 1.4286),
                                  ("FixEfficientNet-L2", 584.8285, 1.7097)):
        assert est[model] == pytest.approx(printed, rel=2 * 1e-4 / ratio + 1e-6), model


def test_other_resolutions_change_the_estimate():
    base = scaling.appendix_a_estimates().set_index("model")["gflops"]
    other = scaling.appendix_a_estimates(vit_g_resolution=384).set_index("model")["gflops"]
    assert other["ViT-G/14"] == pytest.approx(2859.9)
    assert other["NoisyStudent-L2"] == base["NoisyStudent-L2"]
