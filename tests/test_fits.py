"""Exponential trend fits."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import infertrends.core.compare as compare
import infertrends.core.fits as fits
import infertrends.present.trendtext as trendtext


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


def noisy(n=40, slope=0.2, sigma=0.1, seed=1):
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2012-01-01", periods=n, freq="60D")
    t = fits.decimal_year(dates)
    return dates, 10 ** (slope * (t - 2012) + rng.normal(0, sigma, n))


def test_bootstrap_is_seeded_and_reproducible():
    dates, values = noisy()
    a = fits.fit_exponential(dates, values)
    b = fits.fit_exponential(dates, values)
    c = fits.fit_exponential(dates, values, seed=123)
    assert (a.boot_low, a.boot_high) == (b.boot_low, b.boot_high)
    assert (a.boot_low, a.boot_high) != (c.boot_low, c.boot_high)
    assert a.n_boot == fits.BOOTSTRAP_RESAMPLES >= 10_000


def test_bootstrap_agrees_with_ols_for_well_behaved_data():
    # normal, equal-variance residuals: the two 90% intervals should be close
    dates, values = noisy(n=200, sigma=0.1)
    t = fits.fit_exponential(dates, values)
    width_ols, width_boot = t.slope_high - t.slope_low, t.boot_high - t.boot_low
    assert abs(width_boot / width_ols - 1) < 0.25
    assert t.boot_low < t.slope < t.boot_high


@pytest.mark.parametrize("n", [10, 30])
def test_intervals_cover_the_true_slope_at_their_nominal_level(n):
    # 1,000 samples of n points with normal noise around a known slope: a 90 % interval must cover it in
    # 90 % of them, within 3 points (binomial sd 0.95 points); the OLS interval is exact here, the
    # studentized bootstrap close (a plain percentile bootstrap covers about 83 % at n = 10 and fails this)
    ols = boot = 0
    runs = 1000
    for seed in range(runs):
        dates, values = noisy(n=n, sigma=0.2, seed=seed)
        t = fits.fit_exponential(dates, values, resamples=1000)
        ols += t.slope_low < 0.2 < t.slope_high
        boot += t.boot_low < 0.2 < t.boot_high
    assert 0.87 <= ols / runs <= 0.93
    assert 0.87 <= boot / runs <= 0.93


def test_band_contains_the_line_and_widens_away_from_the_data():
    dates, values = noisy()
    t = fits.fit_exponential(dates, values)
    years = np.array([2013.0, 2017.0, 2030.0])
    lo, hi = t.band(years)
    mid = t.predict_years(years)
    assert np.all(lo < mid) and np.all(mid < hi)
    assert (hi[2] / lo[2]) > (hi[1] / lo[1])


def test_bootstrap_can_be_skipped():
    dates, values = noisy()
    t = fits.fit_exponential(dates, values, resamples=0)
    assert t.n_boot == 0 and math.isnan(t.boot_low)
    with pytest.raises(ValueError, match="without a bootstrap"):
        t.band(np.array([2015.0]))


def test_interaction_test_by_hand():
    """Two groups with known slopes: the regression's product term is their difference."""
    t = np.array([0.0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
    g = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    noise = np.array([0.01, -0.02, 0.0, 0.02, -0.01, -0.01, 0.02, 0.0, -0.02, 0.01])
    ly = np.where(g == 1, 1.0 + 0.5 * t, 0.2 * t) + noise
    diff, p = compare.interaction_test(t, ly, g)
    assert diff == pytest.approx(0.3, abs=0.02) and p < 1e-6
    diff, p = compare.interaction_test(t, 0.2 * t + noise, g)  # same slope in both groups
    assert abs(diff) < 0.02 and p > 0.05


def test_growth_difference_test_finds_a_faster_subset():
    years = np.repeat(np.arange(2012, 2020), 5)
    dates = pd.to_datetime([f"{y}-06-01" for y in years])
    rng = np.random.default_rng(0)
    values = 10 ** (0.05 * (years - 2012) + rng.normal(0, 0.3, len(years)))
    df = pd.DataFrame({"release_date": dates, "gflops": values})
    top = df.loc[df.groupby(years)["gflops"].idxmax()]  # the largest of each year: selected on the outcome
    r = compare.growth_difference_test(df, top, "gflops", "best-of-year", resamples=2000, seed=1)
    assert r["n_sota"] == 8 and r["n_other"] == 32 and r["n_random"] == 2000
    assert "selection" in trendtext.test_sentence(r, 0.9)
    # every model grows at the same rate: neither test may find the yearly best faster (the truth here)
    assert not compare.significant(r["interaction_p"], 0.9) and not compare.significant(r["selection_p"], 0.9)
    assert "not supported" in trendtext.test_sentence(r, 0.9)
    # now the yearly best really grows x10**0.3 = x2.0 a year faster: both tests must find it, and the
    # interaction's difference must be about that factor
    faster = df.copy()
    faster.loc[top.index, "gflops"] *= 10 ** (0.3 * (years[top.index] - 2012))
    r = compare.growth_difference_test(faster, faster.loc[top.index], "gflops", "best-of-year", resamples=2000, seed=1)
    assert r["slope_difference_per_year"] == pytest.approx(10 ** 0.3, rel=0.1)
    assert compare.significant(r["interaction_p"], 0.9) and compare.significant(r["selection_p"], 0.9)
    assert trendtext.test_sentence(r, 0.9).startswith("supported")


def test_joules_trend_carries_the_hardware_uncertainty():
    """Joules = FLOPs / hardware trend: same line as fitting the Joules, wider intervals than either fit."""
    import infertrends.core.fits as fits

    # nine release dates each (a bootstrap needs at least fits.MIN_BOOTSTRAP_CLUSTERS = 8)
    dates = pd.to_datetime(["2012-06-01", "2013-02-01", "2014-03-01", "2015-09-01", "2016-04-01", "2017-01-01",
                            "2018-06-01", "2019-03-01", "2020-02-01"])
    gflops = np.array([1.4, 2.5, 4.0, 7.6, 9.0, 20.0, 40.0, 60.0, 150.0])
    gpu_dates = pd.to_datetime(["2011-01-01", "2012-03-01", "2013-01-01", "2014-06-01", "2015-05-01", "2016-01-01",
                                "2018-01-01", "2019-01-01", "2020-06-01"])
    eff = np.array([6.0, 9.0, 15.0, 20.0, 33.0, 40.0, 90.0, 110.0, 200.0])
    hw = fits.fit_exponential(gpu_dates, eff)
    j = fits.joules_trend(dates, gflops, hw, scale=2.0)
    direct = fits.fit_exponential(dates, 2.0 * gflops / hw.predict(dates))
    assert j.slope == pytest.approx(direct.slope) and j.intercept == pytest.approx(direct.intercept)
    flops = fits.fit_exponential(dates, gflops)
    # standard errors add in quadrature (hand formula), so the interval is wider than the FLOPs one
    assert j.slope_se == pytest.approx((flops.slope_se ** 2 + hw.slope_se ** 2) ** 0.5)
    assert (j.slope_high - j.slope_low) > (flops.slope_high - flops.slope_low)
    assert (j.boot_high - j.boot_low) > (direct.boot_high - direct.boot_low)


def test_one_level_for_intervals_and_tests():
    # a two-sided p of 0.07 rejects at the 90 % level and not at 95 %; the book's default level is 0.9
    assert compare.significant(0.07, 0.9) and not compare.significant(0.07, 0.95)
    assert not compare.significant(float("nan"), 0.9)
    for bad in (0.0, 1.0, 1.5, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="level"):
            compare.significant(0.01, bad)
    # by hand: slopes 0.3 +- 0.1 and 0.0 +- 0.1 (log10/yr): z = 0.3 / sqrt(0.02) = 2.1213, p = 0.0339
    a = fits.Trend.__new__(fits.Trend)
    b = fits.Trend.__new__(fits.Trend)
    object.__setattr__(a, "slope", 0.3), object.__setattr__(a, "slope_se", 0.1)
    object.__setattr__(b, "slope", 0.0), object.__setattr__(b, "slope_se", 0.1)
    diff, p = compare.difference_p(a, b)
    assert diff == pytest.approx(0.3) and p == pytest.approx(0.03389, abs=1e-4)


def test_doubling_time_only_where_the_interval_excludes_no_growth():
    dates = pd.to_datetime([f"{y}-01-01" for y in range(2015, 2021)])
    # values that wobble around a constant: the interval includes x1.00, so no doubling time is printed
    flat = fits.fit_exponential(dates, np.array([1, 1.3, 0.8, 1.1, 0.9, 1.05]), level=0.9, resamples=0)
    lo, hi = flat.growth_interval
    assert lo < 1 < hi
    assert "doubling" not in trendtext.describe(flat) and "halving" not in trendtext.describe(flat)
    row = fits.summary({"flat": flat})
    assert math.isnan(row["doubling_years"].iloc[0])
    assert trendtext.doubling_cells(row) == ["none: includes no growth"]
    # exact halving each year, by hand: halving every 1.0 years, interval 1.0-1.0
    half = fits.fit_exponential(dates, 0.5 ** np.arange(6), level=0.9, resamples=0)
    assert "halving every 1.0 years (1.0–1.0)" in trendtext.describe(half)
    assert trendtext.doubling_cells(fits.summary({"half": half})) == ["halving 1.0 years (1.0–1.0)"]


def test_a_thin_trend_never_answers_the_energy_question():
    # four points growing x10 a year, exactly: both intervals exclude no growth, but four points are too few
    # to read (fits.MIN_POINTS), so the verdict is "unclear", not "no: Joules grow"
    dates = pd.to_datetime([f"{y}-01-01" for y in range(2017, 2021)])
    thin = fits.fit_exponential(dates, 10.0 ** np.arange(4) * np.array([1, 1.01, 0.99, 1]), level=0.9)
    assert thin.thin and thin.slope_low > 0
    assert trendtext.energy_verdict(thin).startswith("unclear")
    many = pd.to_datetime([f"{y}-01-01" for y in range(2010, 2020)])
    grows = fits.fit_exponential(many, 2.0 ** np.arange(10) * np.tile([1, 1.01], 5), level=0.9)
    assert trendtext.energy_verdict(grows) == "no: Joules grow"


def test_bootstrap_resamples_release_dates_not_rows():
    # ten release dates; every model entered twice (two rows of one paper) carries no new information, so a
    # bootstrap over release dates keeps its width, while one over rows narrows by about sqrt(2)
    dates = pd.to_datetime([f"{y}-03-01" for y in range(2010, 2020)])
    values = 2.0 ** np.arange(10) * np.array([1, 1.5, 0.7, 1.2, 0.8, 1.4, 0.9, 1.1, 0.6, 1.3])
    once = fits.fit_exponential(dates, values, level=0.9)
    twice = fits.fit_exponential(dates.append(dates), np.r_[values, values], level=0.9)
    assert once.clusters == twice.clusters == 10
    width = lambda t: t.boot_high - t.boot_low  # noqa: E731
    assert width(twice) == pytest.approx(width(once), rel=0.05)
    naive = fits.fit_exponential(dates.append(dates), np.r_[values, values], level=0.9,
                                 clusters=np.arange(20))
    assert width(naive) < 0.85 * width(once)
    # seven release dates: no bootstrap, and the description says why
    few = fits.fit_exponential(dates[:7], values[:7], level=0.9)
    assert few.n_boot == 0 and few.clusters == 7 and "no bootstrap: 7 release dates" in trendtext.describe(few)


def test_prediction_band_by_hand():
    # y = 0.1 t + e with residuals +-0.1 alternating on years 0..5: OLS slope 0.1 +- small; by hand at the mean
    # year the prediction half-width is t(0.95, n-2) x s x sqrt(1 + 1/n), s the residual sd
    dates = pd.to_datetime([f"{y}-01-01" for y in range(2010, 2016)])
    e = np.array([0.1, -0.1, 0.1, -0.1, 0.1, -0.1])
    values = 10 ** (0.1 * np.arange(6) + e)
    t = fits.fit_exponential(dates, values, level=0.9, resamples=0)
    years = fits.decimal_year(dates)
    s = math.sqrt(np.sum((np.log10(values) - t.intercept - t.slope * years) ** 2) / 4)
    from scipy import stats
    half = stats.t.ppf(0.95, 4) * s * math.sqrt(1 + 1 / 6)
    lo, hi = t.prediction_band(np.array([years.mean()]))
    mid = t.intercept + t.slope * years.mean()
    assert math.log10(hi[0]) - mid == pytest.approx(half, rel=1e-9)
    assert mid - math.log10(lo[0]) == pytest.approx(half, rel=1e-9)
    # wider than the line's own interval there (t x s x sqrt(1/n)), and every point inside it
    assert half > stats.t.ppf(0.95, 4) * s * math.sqrt(1 / 6)
    plo, phi = t.prediction_band(years)
    assert np.all((values >= plo) & (values <= phi))


def test_interaction_p_value_is_the_pooled_two_slope_t_test():
    # the product term of y ~ t + g + t x g is the difference of two separately fitted slopes, tested against
    # the pooled residual variance: t = (b1 - b0) / sqrt(s2 (1/Sxx0 + 1/Sxx1)), df = n - 4 (by hand below)
    from scipy import stats
    t0 = np.array([0.0, 1, 2, 3, 4, 5]); y0 = np.array([0.1, 0.25, 0.38, 0.62, 0.8, 0.97])
    t1 = np.array([0.5, 1.5, 2.5, 3.5, 4.5]); y1 = np.array([1.0, 1.4, 1.65, 2.15, 2.4])
    def line(t, y):
        sxx = np.sum((t - t.mean()) ** 2)
        b = np.sum((t - t.mean()) * (y - y.mean())) / sxx
        return b, sxx, np.sum((y - y.mean() - b * (t - t.mean())) ** 2)
    (b0, sxx0, sse0), (b1, sxx1, sse1) = line(t0, y0), line(t1, y1)
    df = len(t0) + len(t1) - 4
    s2 = (sse0 + sse1) / df
    t_stat = (b1 - b0) / math.sqrt(s2 * (1 / sxx0 + 1 / sxx1))
    p_hand = 2 * stats.t.sf(abs(t_stat), df)
    diff, p = compare.interaction_test(np.r_[t0, t1], np.r_[y0, y1], np.r_[np.zeros(6), np.ones(5)])
    assert diff == pytest.approx(b1 - b0, rel=1e-9) and p == pytest.approx(p_hand, rel=1e-9)


def test_joules_interval_uses_welch_satterthwaite_degrees_of_freedom():
    # Joules = FLOPs / hardware: slope = b_F - b_H, se = sqrt(se_F^2 + se_H^2), and the t quantile at the
    # Welch-Satterthwaite df = (v_F + v_H)^2 / (v_F^2 / (n_F - 2) + v_H^2 / (n_H - 2)), all by hand here
    from scipy import stats
    def hand(t, y):
        sxx = np.sum((t - t.mean()) ** 2)
        b = np.sum((t - t.mean()) * (y - y.mean())) / sxx
        sse = np.sum((y - y.mean() - b * (t - t.mean())) ** 2)
        return b, sse / (len(t) - 2) / sxx
    fd = pd.to_datetime([f"{y}-01-01" for y in range(2012, 2019)])  # 7 models, whole years
    fv = 10 ** np.array([0.0, 0.35, 0.5, 0.95, 1.1, 1.6, 1.7])
    hd = pd.to_datetime([f"{y}-01-01" for y in range(2011, 2021, 2)])  # 5 GPUs
    hv = 10 ** np.array([1.0, 1.3, 1.5, 1.95, 2.1])
    bf, vf = hand(fits.decimal_year(fd), np.log10(fv))
    bh, vh = hand(fits.decimal_year(hd), np.log10(hv))
    df = (vf + vh) ** 2 / (vf ** 2 / 5 + vh ** 2 / 3)
    half = stats.t.ppf(0.95, df) * math.sqrt(vf + vh)
    hw = fits.fit_exponential(hd, hv, level=0.9, resamples=0)
    j = fits.joules_trend(fd, fv, hw, level=0.9)
    assert j.slope == pytest.approx(bf - bh, rel=1e-9)
    assert j.slope_high - j.slope == pytest.approx(half, rel=1e-9)
    assert j.slope - j.slope_low == pytest.approx(half, rel=1e-9)


def test_headline_says_the_rate_in_two_figures_and_only_what_the_intervals_allow():
    """Hand-made series: values doubling every year (×2.0), halving (×0.50), flat with noise, and three points."""
    dates = pd.date_range("2010-01-01", periods=12, freq="365D")
    wiggle = np.array([1.02, 0.98] * 6)
    up = fits.fit_exponential(dates, 2.0 ** np.arange(12) * wiggle)
    assert trendtext.headline(up) == "grew ×2 a year"
    assert trendtext.headline(up, verb="grow") == "grow ×2 a year"
    down = fits.fit_exponential(dates, 0.5 ** np.arange(12) * wiggle)
    assert trendtext.headline(down) == "fell ×0.5 a year"
    flat = fits.fit_exponential(dates, 10 * np.array([1, 3, 0.4, 2, 0.5, 1, 2.5, 0.3, 1, 3, 0.5, 1]))
    assert trendtext.headline(flat).startswith("showed no clear change (×")
    few = fits.fit_exponential(dates[:3], [1.0, 2.1, 3.9])
    assert trendtext.headline(few) == "showed no readable trend (3 points, too few or too scattered)"
