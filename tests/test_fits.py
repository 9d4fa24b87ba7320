"""Exponential trend fits."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import infertrends.fits as fits


def test_decimal_year():
    years = fits.decimal_year(pd.to_datetime(["2020-01-01", "2020-07-02", "2021-01-01"]))
    assert years[0] == 2020.0
    assert years[1] == pytest.approx(2020 + 183 / 366)
    assert years[2] == 2021.0


@given(st.floats(min_value=-1.0, max_value=1.0).filter(lambda b: abs(b) > 1e-3),
       st.floats(min_value=-3, max_value=3))
@settings(max_examples=50, deadline=None)
def test_exact_exponential_is_recovered(slope, offset):
    dates = pd.date_range("2012-01-01", "2021-01-01", freq="180D")
    t = fits.decimal_year(dates)
    values = 10 ** (offset + slope * (t - 2012))
    trend = fits.fit_exponential(dates, values)
    assert trend.slope == pytest.approx(slope, rel=1e-6, abs=1e-9)
    assert trend.growth_per_year == pytest.approx(10**slope, rel=1e-6)
    assert trend.doubling_years == pytest.approx(math.log10(2) / slope, rel=1e-6)
    assert trend.predict(dates) == pytest.approx(values, rel=1e-6)


def test_interval_covers_slope_and_narrows_with_more_points():
    rng = np.random.default_rng(0)
    def fit(n):
        dates = pd.date_range("2012-01-01", periods=n, freq="30D")
        t = fits.decimal_year(dates)
        return fits.fit_exponential(dates, 10 ** (0.3 * t - 600 + rng.normal(0, 0.2, n)))
    small, large = fit(20), fit(200)
    assert small.slope_low < 0.3 < small.slope_high
    assert (large.slope_high - large.slope_low) < (small.slope_high - small.slope_low)
    lo, hi = small.growth_interval
    assert lo < small.growth_per_year < hi


@pytest.mark.parametrize("values, message", [
    ([1, 2, 0], "must be finite and > 0"),
    ([1, 2], "at least 3 points"),
])
def test_bad_inputs(values, message):
    dates = pd.date_range("2015-01-01", periods=len(values), freq="365D")
    with pytest.raises(ValueError, match=message):
        fits.fit_exponential(dates, values)


def test_same_date_cannot_be_fitted():
    with pytest.raises(ValueError, match="same date"):
        fits.fit_exponential(pd.to_datetime(["2020-01-01"] * 3), [1, 2, 3])
