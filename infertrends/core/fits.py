"""Exponential trends: ordinary least squares of log10(value) on the date in years.

A trend ``log10(y) = a + b * t`` (``t`` in decimal years) grows ``10**b`` times
per year and doubles every ``log10(2) / b`` years.  Every trend carries two
intervals of its slope, side by side: the analytic OLS (Student-t) interval and
a percentile interval from a seeded, vectorised bootstrap over the points
(:data:`BOOTSTRAP_RESAMPLES` resamples with replacement), which does not assume
normal, equal-variance residuals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

import infertrends.thesis.constants as C
import infertrends.core.numbers as numbers

#: Bootstrap resamples per trend (issue: at least 10,000).
BOOTSTRAP_RESAMPLES = C.BOOTSTRAP_RESAMPLES

#: A trend on fewer points, or whose growth interval spans more than this factor per year, is flagged
#: as too thinly supported to read; its band is not drawn.
MIN_POINTS = 5
MAX_SPAN = 10.0
#: A bootstrap resamples clusters (points sharing a date: one paper's models, one accelerator's precisions); with
#: fewer clusters than this its percentiles move with the seed, so none is computed and the trend says so.
MIN_BOOTSTRAP_CLUSTERS = 8


def decimal_year(dates: Sequence | pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Dates as decimal years (2020-07-02 -> about 2020.5), exact to the day."""
    idx = pd.DatetimeIndex(pd.to_datetime(dates))
    year = idx.year.to_numpy()
    start = pd.to_datetime({"year": year, "month": 1, "day": 1}).to_numpy()
    end = pd.to_datetime({"year": year + 1, "month": 1, "day": 1}).to_numpy()
    frac = (idx.to_numpy() - start) / (end - start)
    return year + frac.astype(float)


@dataclass(frozen=True)
class Trend:
    """A fitted exponential trend."""

    intercept: float
    slope: float  # log10 units per year
    slope_se: float
    n: int
    r2: float
    level: float
    slope_low: float
    slope_high: float
    boot_low: float = math.nan
    boot_high: float = math.nan
    n_boot: int = 0
    boot_intercepts: np.ndarray = field(default_factory=lambda: np.empty(0), compare=False, repr=False)
    boot_slopes: np.ndarray = field(default_factory=lambda: np.empty(0), compare=False, repr=False)
    boot_ses: np.ndarray = field(default_factory=lambda: np.empty(0), compare=False, repr=False)
    clusters: int = 0  # distinct dates the bootstrap resamples (0: not counted)
    resid_sd: float = math.nan  # residual standard deviation (log10), for the prediction band
    t_mean: float = math.nan  # mean decimal year of the fitted points
    sxx: float = math.nan  # sum of squared deviations of the years
    t_min: float = math.nan  # decimal years spanned by the fitted points
    t_max: float = math.nan

    @property
    def thin(self) -> bool:
        """Too thinly supported to read: fewer than :data:`MIN_POINTS` points, or a 90 %-level growth
        interval (bootstrap if there is one) spanning more than a factor :data:`MAX_SPAN` per year."""
        lo, hi = (self.boot_low, self.boot_high) if self.n_boot else (self.slope_low, self.slope_high)
        return self.n < MIN_POINTS or (hi - lo) > math.log10(MAX_SPAN)

    @property
    def growth_per_year(self) -> float:
        """Multiplicative change per year (``10**slope``)."""
        return 10.0**self.slope

    @property
    def growth_interval(self) -> tuple[float, float]:
        """Interval of :attr:`growth_per_year` at :attr:`level`."""
        return 10.0**self.slope_low, 10.0**self.slope_high

    @property
    def bootstrap_growth_interval(self) -> tuple[float, float]:
        """Bootstrap percentile interval of :attr:`growth_per_year` at :attr:`level`."""
        return 10.0**self.boot_low, 10.0**self.boot_high

    def doubling_interval(self, bootstrap: bool = False) -> tuple[float, float]:
        """Interval of the doubling time (years; infinite where the slope interval reaches 0)."""
        lo, hi = (self.boot_low, self.boot_high) if bootstrap else (self.slope_low, self.slope_high)
        ends = [math.log10(2) / b if b != 0 else math.inf for b in (hi, lo)]
        if lo <= 0 <= hi:
            return -math.inf, math.inf
        return min(ends), max(ends)

    def prediction_band(self, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise prediction interval at :attr:`level` for one new point at decimal ``years``: where a new
        model (or accelerator) would fall if the trend and its scatter hold (OLS, normal residuals)."""
        if not math.isfinite(self.resid_sd):
            raise ValueError("this trend has no residual scatter to predict from")
        years = np.asarray(years, dtype=float)
        tq = stats.t.ppf(0.5 + self.level / 2, df=self.n - 2)
        se = self.resid_sd * np.sqrt(1 + 1 / self.n + (years - self.t_mean) ** 2 / self.sxx)
        mid = self.intercept + self.slope * years
        return 10.0 ** (mid - tq * se), 10.0 ** (mid + tq * se)

    def band(self, years: np.ndarray, bootstrap: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise interval of the trend line at decimal ``years`` (bootstrap percentiles)."""
        years = np.asarray(years, dtype=float)
        if not bootstrap or self.boot_slopes.size == 0:
            raise ValueError("this trend was fitted without a bootstrap")
        preds = self.boot_intercepts[:, None] + self.boot_slopes[:, None] * years[None, :]
        q = [(1 - self.level) / 2 * 100, (1 + self.level) / 2 * 100]
        lo, hi = np.percentile(preds, q, axis=0)
        return 10.0**lo, 10.0**hi

    @property
    def doubling_years(self) -> float:
        """Years to double (negative: years to halve; infinite for a flat trend)."""
        return math.log10(2) / self.slope if self.slope != 0 else math.inf

    def predict(self, dates: Sequence | pd.Series) -> np.ndarray:
        """Trend value at ``dates`` (in the units of the fitted values)."""
        return 10.0 ** (self.intercept + self.slope * decimal_year(dates))

    def predict_years(self, years: np.ndarray) -> np.ndarray:
        """Trend value at decimal ``years``."""
        return 10.0 ** (self.intercept + self.slope * np.asarray(years, dtype=float))


def cluster_bootstrap(t: np.ndarray, ly: np.ndarray, groups: np.ndarray, resamples: int,
                      seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """OLS intercepts, slopes and slope standard errors of ``resamples`` resamples of whole clusters
    (``groups``: one label per point; a cluster drawn k times enters with weight k), all at once.  With one
    point per cluster this is the ordinary bootstrap, draw for draw.  Resamples without a spread of dates are
    dropped."""
    codes, uniques = pd.factorize(pd.Series(groups), sort=False)
    k = len(uniques)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, k, size=(resamples, k))
    counts = np.bincount((draws + (np.arange(resamples) * k)[:, None]).ravel(),
                         minlength=resamples * k).reshape(resamples, k).astype(float)
    w = counts[:, codes]
    tc = t - t.mean()
    sw = w.sum(axis=1)
    tm, ym = (w @ tc) / sw, (w @ ly) / sw
    den = w @ (tc * tc) - sw * tm * tm
    num = w @ (tc * ly) - sw * tm * ym
    syy = w @ (ly * ly) - sw * ym * ym
    ok = den > 1e-12 * np.maximum(sw, 1.0)
    slopes = num[ok] / den[ok]
    intercepts = ym[ok] - slopes * tm[ok] - slopes * t.mean()
    sse = np.maximum(syy[ok] - slopes * num[ok], 0.0)
    ses = np.sqrt(sse / np.maximum(sw[ok] - 2.0, 1.0) / den[ok])
    return intercepts, slopes, ses


def _studentized(slopes: np.ndarray, ses: np.ndarray, slope: float, se: float, level: float) -> tuple[float, float]:
    """The bootstrap-t interval of ``slope``: the central ``level`` quantiles of (slope* - slope) / se* over the
    resamples, scaled by the fit's standard error ``se`` (points exactly on a line: the slope itself)."""
    pivot = ses > 0
    if not (pivot.any() and se > 0):
        return float(slope), float(slope)
    t_lo, t_hi = np.percentile((slopes[pivot] - slope) / ses[pivot], [(1 - level) / 2 * 100, (1 + level) / 2 * 100])
    return float(slope - t_hi * se), float(slope - t_lo * se)


def fit_exponential(dates: Sequence | pd.Series, values: Sequence[float] | pd.Series, level: float = 0.9,
                    resamples: int = BOOTSTRAP_RESAMPLES, seed: int = C.BOOTSTRAP_SEED,
                    clusters: Sequence | None = None) -> Trend:
    """Fit ``log10(values) = a + b * year`` by OLS, with analytic and bootstrap intervals.

    The bootstrap resamples clusters, by default the points' dates (the models of one paper share its date, the
    precisions of one accelerator its launch), so that points that are not independent are not counted as if
    they were; ``clusters`` gives other labels.  Its interval of the slope is the studentized (bootstrap-t) one:
    the quantiles of (slope* - slope) / se* over the resamples, scaled by the fit's standard error, which holds
    its nominal coverage down to about ten points where the plain percentile interval runs narrow (tested by
    simulation).  With fewer than :data:`MIN_BOOTSTRAP_CLUSTERS` clusters no
    bootstrap is computed (``n_boot`` 0, ``clusters`` says how many there were).  ``resamples=0`` skips it.
    The same inputs and seed give the same intervals.
    """
    t = decimal_year(dates)
    y = np.asarray(values, dtype=float)
    if t.shape != y.shape:
        raise ValueError(f"dates and values differ in length: {t.shape[0]} vs {y.shape[0]}")
    if np.any(~np.isfinite(y)) or np.any(y <= 0):
        raise ValueError("values must be finite and > 0 to fit an exponential trend")
    if len(y) < 3:
        raise ValueError(f"need at least 3 points to fit a trend with an interval, got {len(y)}")
    if np.ptp(t) == 0:
        raise ValueError("all points have the same date; a trend over time cannot be fitted")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    ly = np.log10(y)
    res = stats.linregress(t, ly)
    n = len(y)
    tq = stats.t.ppf(0.5 + level / 2, df=n - 2)
    groups = t if clusters is None else np.asarray(clusters)
    if len(groups) != n:
        raise ValueError(f"clusters and values differ in length: {len(groups)} vs {n}")
    k = int(pd.Series(groups).nunique())
    boot_a, boot_b, boot_se = (cluster_bootstrap(t, ly, groups, resamples, seed)
                               if resamples and k >= MIN_BOOTSTRAP_CLUSTERS else (np.empty(0),) * 3)
    blo, bhi = _studentized(boot_b, boot_se, res.slope, res.stderr, level) if boot_b.size else (math.nan, math.nan)
    return Trend(
        intercept=float(res.intercept),
        slope=float(res.slope),
        slope_se=float(res.stderr),
        n=n,
        r2=float(res.rvalue**2),
        level=level,
        slope_low=float(res.slope - tq * res.stderr),
        slope_high=float(res.slope + tq * res.stderr),
        boot_low=float(blo),
        boot_high=float(bhi),
        n_boot=int(boot_b.size),
        boot_intercepts=boot_a,
        boot_slopes=boot_b,
        boot_ses=boot_se,
        t_min=float(t.min()),
        t_max=float(t.max()),
        clusters=k,
        resid_sd=float(np.sqrt(np.sum((ly - res.intercept - res.slope * t) ** 2) / (n - 2))) if n > 2 else math.nan,
        t_mean=float(t.mean()),
        sxx=float(np.sum((t - t.mean()) ** 2)),
    )


def joules_trend(dates: Sequence | pd.Series, gflops: Sequence[float] | pd.Series, hardware: Trend,
                 scale: float = 1.0, level: float | None = None, seed: int = C.BOOTSTRAP_SEED + 1) -> Trend:
    """The trend of Joules = ``scale`` x GFLOPs / (the hardware trend's GFLOPS/W at each date), with the
    uncertainty of both fits in its intervals.

    Since log J = log F - (a_h + b_h t) + log scale at every point, the least-squares trend of log J is
    exactly the FLOPs trend minus the hardware trend: the point estimate is the same as a fit of the
    Joules, but the Joules depend on the hardware fit too.  The OLS interval combines the two slopes'
    standard errors (independent samples; Welch-Satterthwaite degrees of freedom); the bootstrap pairs
    each resample of the models with an independent resample of the GPUs (a joint bootstrap, studentized by
    the two resamples' standard errors in quadrature).
    """
    level = hardware.level if level is None else level
    flops = fit_exponential(dates, gflops, level=level)
    t = decimal_year(dates)
    ly = np.log10(np.asarray(gflops, dtype=float) * scale) - (hardware.intercept + hardware.slope * t)
    resid = ly - (flops.intercept - hardware.intercept + np.log10(scale) + (flops.slope - hardware.slope) * t)
    r2 = 1.0 - float(np.sum(resid**2) / np.sum((ly - ly.mean()) ** 2)) if np.ptp(ly) > 0 else math.nan
    se = math.sqrt(flops.slope_se**2 + hardware.slope_se**2)
    v1, v2 = flops.slope_se**2, hardware.slope_se**2
    df = (v1 + v2) ** 2 / (v1**2 / (flops.n - 2) + v2**2 / (hardware.n - 2)) if v1 + v2 > 0 else flops.n - 2
    tq = stats.t.ppf(0.5 + level / 2, df=df)
    slope = flops.slope - hardware.slope
    boot_a = boot_b = np.empty(0)
    blo = bhi = math.nan
    if flops.n_boot and hardware.n_boot:
        k = min(flops.n_boot, hardware.n_boot)
        pick = np.random.default_rng(seed).permutation(hardware.n_boot)[:k]  # independent pairing
        boot_b = flops.boot_slopes[:k] - hardware.boot_slopes[pick]
        boot_a = flops.boot_intercepts[:k] - hardware.boot_intercepts[pick] + np.log10(scale)
        # studentized, as for one fit, se* the two resamples' errors in quadrature
        blo, bhi = _studentized(boot_b, np.sqrt(flops.boot_ses[:k] ** 2 + hardware.boot_ses[pick] ** 2), slope, se,
                                level)
    return Trend(intercept=flops.intercept - hardware.intercept + math.log10(scale), slope=slope, slope_se=se,
                 n=flops.n, r2=r2, level=level, slope_low=slope - tq * se, slope_high=slope + tq * se,
                 boot_low=float(blo), boot_high=float(bhi), n_boot=int(boot_b.size), boot_intercepts=boot_a,
                 boot_slopes=boot_b, t_min=flops.t_min, t_max=flops.t_max, clusters=flops.clusters)


def _inside(trend: Trend, years: np.ndarray) -> np.ndarray:
    return (years >= trend.t_min - 1e-9) & (years <= trend.t_max + 1e-9)


def within_span(trend: Trend, dates: Sequence | pd.Series) -> np.ndarray:
    """Whether each of ``dates`` lies within the dates the trend was fitted on (a trend is never extrapolated)."""
    return _inside(trend, decimal_year(dates))


def predict_within(trend: Trend, dates: Sequence | pd.Series) -> np.ndarray:
    """The trend's value at ``dates`` inside its span, NaN outside it (no extrapolation)."""
    return np.where(within_span(trend, dates), trend.predict(dates), np.nan)


def trend_line(trend: Trend, start: float, end: float, label: str, points: int = 50) -> pd.DataFrame:
    """Points along a trend between decimal years ``start`` and ``end``, for charts."""
    years = np.linspace(start, end, points)
    dates = pd.to_datetime((years - 1970) * 365.2425 * 86400, unit="s").normalize()
    out = pd.DataFrame({"release_date": dates, "year": years, "value": trend.predict_years(years), "trend": label})
    inside = _inside(trend, years)
    if trend.n_boot and not trend.thin:
        # the band only over the dates of the points the trend was fitted on
        low, high = trend.band(years)
        out["low"], out["high"] = np.where(inside, low, np.nan), np.where(inside, high, np.nan)
    if math.isfinite(trend.resid_sd) and not trend.thin:
        plo, phi = trend.prediction_band(years)
        out["pred_low"], out["pred_high"] = np.where(inside, plo, np.nan), np.where(inside, phi, np.nan)
    return out


def describe(trend: Trend) -> str:
    """"×1.30/year (90% CI ×1.25–×1.35; bootstrap ×1.24–×1.36), doubling every 2.6 years (2.3–3.0)": a
    doubling (or halving) time only where the interval excludes no growth, with its own interval. Counts agree
    with their nouns ("1 release date", "6 points")."""
    from infertrends.present.prose import count_phrase

    lo, hi = trend.growth_interval
    dlo, dhi = trend.doubling_interval()
    dbl = ("" if not math.isfinite(dlo) or trend.thin  # no growth excluded, or too thin: no doubling time
           else f", doubling every {doubling_text(trend.doubling_years, dlo, dhi)}"
           if trend.slope > 0 else f", halving every {doubling_text(trend.doubling_years, dlo, dhi)}")
    boot = ""
    if trend.n_boot and math.isfinite(trend.boot_low) and math.isfinite(trend.boot_high):
        blo, bhi = trend.bootstrap_growth_interval
        boot = f"; bootstrap ×{numbers.growth(blo)}–×{numbers.growth(bhi)}"
    elif 0 < trend.clusters < MIN_BOOTSTRAP_CLUSTERS:
        boot = f"; no bootstrap: {count_phrase(trend.clusters, 'release date', 'release dates')}, too few to resample"
    # inside the parentheses: a clause
    thin = f"; {count_phrase(trend.n, 'point', 'points')}, too thin to read" if trend.thin else ""
    level = int(round(trend.level * 100))
    ci = (f"{level}% CI ×{numbers.growth(lo)}–×{numbers.growth(hi)}" if math.isfinite(lo) and math.isfinite(hi) else
          f"no {level}% CI: the values do not vary" if trend.slope == 0 else f"no {level}% CI")
    return f"×{numbers.growth(trend.growth_per_year)}/year ({ci}{boot}{thin}){dbl}"


def headline(trend: Trend, verb: str = "grew") -> str:
    """The trend as a headline says it, in two significant figures and without its intervals (the page's
    method section gives them): "grew ×1.8 a year", "fell ×0.55 a year" (with ``verb`` "grew"), "showed no
    clear change (×1.1 a year)" where the intervals include no growth or disagree, and "showed no readable trend (4
    points, too few or too scattered)" where the trend is too thin (:attr:`Trend.thin`). ``verb``: "grew" or "grow".
    A rate that excludes no growth is never printed as "×1": it gets the figures it needs ("grew ×1.004 a year")."""
    from infertrends.present.prose import count_phrase

    present = verb == "grow"
    showed = f"show{'' if present else 'ed'}"
    if trend.thin:
        return f"{showed} no readable trend ({count_phrase(trend.n, 'point', 'points')}, too few or too scattered)"
    if zero_growth_clause(trend) != "exclude":
        return f"{showed} no clear change (×{numbers.significant(trend.growth_per_year, 2)} a year)"
    digits = 2
    while numbers.significant(trend.growth_per_year, digits) == "1" and digits < 6:
        digits += 1
    rate = f"×{numbers.significant(trend.growth_per_year, digits)} a year"
    if trend.slope > 0:
        return f"{verb} {rate}"
    return f"{'fall' if present else 'fell'} {rate}"


def _slopes(t: np.ndarray, ly: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """OLS slopes of ``ly`` on ``t`` for each row of indices ``idx`` (resamples x points)."""
    T, Y = t[idx], ly[idx]
    dt = T - T.mean(axis=1, keepdims=True)
    den = np.einsum("ij,ij->i", dt, dt)
    num = np.einsum("ij,ij->i", dt, Y - Y.mean(axis=1, keepdims=True))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 1e-12, num / den, np.nan)


def p_text(p: float) -> str:
    """A p-value for prose, never in e-notation: "p = 0.017", "p < 0.001"."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


def interaction_test(t: np.ndarray, ly: np.ndarray, group: np.ndarray) -> tuple[float, float]:
    """Difference in slope between ``group`` and the other points (log10 units per year) and its
    two-sided p-value, from one regression ``ly ~ t + group + t x group`` (each point once)."""
    t, ly, g = np.asarray(t, dtype=float), np.asarray(ly, dtype=float), np.asarray(group, dtype=float)
    tc = t - t.mean()
    X = np.column_stack([np.ones_like(tc), tc, g, tc * g])
    beta, *_ = np.linalg.lstsq(X, ly, rcond=None)
    resid = ly - X @ beta
    dof = len(ly) - X.shape[1]
    if dof < 1:
        return float(beta[3]), math.nan
    cov = np.linalg.inv(X.T @ X) * float(resid @ resid) / dof
    se = float(math.sqrt(cov[3, 3]))
    return float(beta[3]), float(2 * stats.t.sf(abs(beta[3] / se), dof)) if se > 0 else math.nan


def significant(p: float, level: float) -> bool:
    """Whether a two-sided p-value rejects "no difference" at the book's one level: the test at significance
    1 - ``level`` agrees with the ``level`` intervals printed beside it (a difference is significant exactly when
    its ``level`` interval excludes zero)."""
    check_level(level)
    return bool(p == p and p < 1.0 - level)


def check_level(level: float) -> None:
    """Refuse a confidence level outside (0, 1)."""
    if not (isinstance(level, (int, float)) and math.isfinite(level) and 0.0 < level < 1.0):
        raise ValueError(f"level must be a number between 0 and 1 (exclusive), got {level!r}")


def difference_p(a: Trend, b: Trend) -> tuple[float, float]:
    """The difference in slope of two independent fits (log10 units per year) and its two-sided p-value from
    their standard errors (normal approximation)."""
    diff = a.slope - b.slope
    se = math.sqrt(a.slope_se ** 2 + b.slope_se ** 2)
    return diff, float(2 * stats.norm.sf(abs(diff) / se)) if se > 0 else math.nan


def slope_change(after: Trend, dates_before, values_before, dates_after, values_after, level: float) -> str:
    """Whether a trend changed between two periods, by one regression with an interaction, as a clause
    (``after`` is the later period's fit, flagged if too thinly supported to read); tested at significance
    1 - ``level``, the level of the intervals beside it."""
    t = np.concatenate([decimal_year(dates_before), decimal_year(dates_after)])
    ly = np.log10(np.concatenate([np.asarray(values_before, dtype=float), np.asarray(values_after, dtype=float)]))
    g = np.r_[np.zeros(len(dates_before)), np.ones(len(dates_after))]
    diff, p = interaction_test(t, ly, g)
    thin = " (the later trend is too thinly supported to read)" if after.thin else ""
    if not p == p:
        return f"cannot be compared: too few points{thin}"
    verdict = "a change the data support" if significant(p, level) else "no change the data can support"
    return f"×{numbers.growth(10 ** diff)} a year after against before (interaction {p_text(p)}): {verdict}{thin}"


def growth_difference_test(df: pd.DataFrame, sota: pd.DataFrame, value: str, rule: str,
                           resamples: int = C.BOOTSTRAP_RESAMPLES, seed: int = C.BOOTSTRAP_SEED) -> dict:
    """Does the state of the art grow faster in ``value`` than the other models? Two tests.

    * Interaction: one regression of log10(value) on date, an indicator of the state of the art and
      their product, over the state of the art and the other models (each model once); the product's
      coefficient is the difference in slope, with its two-sided p-value.
    * Selection: the state-of-the-art slope against the slopes of subsets drawn at random the same way
      (``best-of-year``: one model of each of the same years; ``records``: as many models at random);
      the one-sided p-value is the share of random subsets that grow at least as fast.  Selecting on
      accuracy favours large models, and selecting records of the value itself guarantees growth, so
      this test measures how much of the growth the selection alone explains.
    """
    t_all = decimal_year(df["release_date"])
    ly_all = np.log10(df[value].to_numpy(dtype=float))
    in_sota = df.index.isin(sota.index)
    diff, p_interaction = interaction_test(t_all, ly_all, in_sota)
    observed = fit_exponential(sota["release_date"], sota[value], resamples=0).slope
    rng = np.random.default_rng(seed)
    if rule == "best-of-year":
        years = df["release_date"].dt.year.to_numpy()
        groups = [np.flatnonzero(years == y) for y in sorted(set(sota["release_date"].dt.year))]
        idx = np.column_stack([g[rng.integers(0, len(g), resamples)] for g in groups])
    else:
        idx = np.argsort(rng.random((resamples, len(df))), axis=1)[:, :len(sota)]
    null = _slopes(t_all, ly_all, idx)
    null = null[np.isfinite(null)]
    at_least = int(np.sum(null >= observed))
    p_selection = float((1 + at_least) / (1 + null.size))
    return dict(slope_difference_per_year=10 ** diff, interaction_p=p_interaction, n_sota=len(sota),
                n_other=int(len(df) - in_sota.sum()), selection_p=p_selection, random_at_least=at_least,
                random_median_per_year=10 ** float(np.median(null)), n_random=int(null.size), rule=rule)


#: What selecting the state of the art does to the test, by rule.
SELECTION_NOTE = {
    "best-of-year": "the most accurate model of each year is also often a large one, so part of its growth comes "
                    "from the selection itself",
    "records": "records of the FLOPs are chosen on the FLOPs themselves and can only rise, so their growth is "
               "guaranteed by the selection and no test on them can support the claim on its own",
}


def test_sentence(r: dict, level: float) -> str:
    """The outcome of :func:`growth_difference_test` as a clause for prose, at significance 1 - ``level``."""
    inter = ("supported" if significant(r["interaction_p"], level) else "not supported") + \
        f" by one regression with an interaction (×{numbers.growth(r['slope_difference_per_year'])} a year faster, " \
        f"{p_text(r['interaction_p'])})"
    from infertrends.present.prose import share

    sel = (share(r["random_at_least"], r["n_random"], "grows as fast", "grow as fast", the=False,
                 nouns="subsets chosen at random the same way")
           + f" ({p_text(r['selection_p'])}; their median ×{numbers.growth(r['random_median_per_year'])} a year)")
    return f"{inter}; {sel}; but {SELECTION_NOTE[r['rule']]}"


def summary(trends: dict[str, Trend]) -> pd.DataFrame:
    """One row per trend: points, growth per year with its interval, doubling time, R²."""
    rows = []
    for label, t in trends.items():
        lo, hi = t.growth_interval
        blo, bhi = t.bootstrap_growth_interval if t.n_boot else (math.nan, math.nan)
        dlo, dhi = t.doubling_interval(bootstrap=False)
        excludes = math.isfinite(dlo) and math.isfinite(dhi)  # a doubling time only where growth is not zero
        rows.append(dict(trend=label, n=t.n, growth_per_year=t.growth_per_year, growth_low=lo, growth_high=hi,
                         boot_low=blo, boot_high=bhi, n_boot=t.n_boot,
                         doubling_years=t.doubling_years if excludes else math.nan,
                         doubling_low=dlo if excludes else math.nan, doubling_high=dhi if excludes else math.nan, slope_log10_per_year=t.slope, r2=t.r2,
                         level=t.level, thin=t.thin, clusters=t.clusters))
    return pd.DataFrame(rows)


def doubling_text(years: float, low: float, high: float) -> str:
    """A doubling (positive) or halving (negative) time with its interval, "2.6 years (2.3–3.0)"; empty where
    the interval includes no growth (``low``/``high`` infinite or missing)."""
    if not (math.isfinite(low) and math.isfinite(high) and math.isfinite(years)):
        return ""
    a, b = sorted((abs(low), abs(high)))
    return f"{abs(years):.1f} years ({a:.1f}–{b:.1f})"


def doubling_cells(table: pd.DataFrame) -> list[str]:
    """The doubling column of a trend table: "doubling 2.6 years (2.3–3.0)", "halving …", or "none: includes no
    growth" (a doubling time is printed only where the interval excludes no growth); empty for a trend too thin
    to read."""
    out = []
    thin = table["thin"] if "thin" in table else pd.Series(False, index=table.index)
    for d, lo, hi, th in zip(table["doubling_years"], table["doubling_low"], table["doubling_high"], thin):
        text = doubling_text(d, lo, hi)
        out.append("" if th else ("doubling " if d > 0 else "halving ") + text if text else "none: includes no growth")
    return out


def support_cells(table: pd.DataFrame) -> list[str]:
    """The support column of a trend table: "too thin to read", and where no bootstrap was computed for want
    of release dates to resample, how many there were."""
    out = []
    for thin, k, nb in zip(table["thin"], table.get("clusters", pd.Series(0, index=table.index)),
                           table.get("n_boot", pd.Series(0, index=table.index))):
        parts = (["too thin to read"] if thin else []) + (
            [f"no bootstrap: {int(k)} release dates"] if 0 < k < MIN_BOOTSTRAP_CLUSTERS and not nb else [])
        out.append("; ".join(parts))
    return out


def interval_text(low: Sequence[float], high: Sequence[float]) -> list[str]:
    """Intervals as "1.25–1.35" cells (empty where there is none)."""
    return [f"{numbers.growth(a)}–{numbers.growth(b)}" if a == a else "" for a, b in zip(low, high)]


def display_summary(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The :func:`summary` table with readable headers for a page, and its formats."""
    level = int(round(100 * float(table["level"].iloc[0]))) if len(table) else 90
    shown = table[["trend", "n", "growth_per_year"]].copy()
    shown["growth_ci"] = interval_text(table["growth_low"], table["growth_high"])
    shown["boot_ci"] = interval_text(table["boot_low"], table["boot_high"])
    shown["doubling"] = doubling_cells(table)
    shown["r2"] = table["r2"]
    shown["support"] = support_cells(table)
    shown.columns = ["Trend", "Points", "×/year", f"{level}% CI (OLS)", f"{level}% CI (bootstrap)",
                     f"Doubling or halving time ({level}% CI)", "R²", "Support"]
    formats = {"×/year": numbers.GROWTH, "R²": ".2f"}
    return shown, formats


def zero_growth_phrase(t: Trend) -> str:
    """Whether the trend's intervals exclude no growth, as a phrase that stands on its own in parentheses:
    "both intervals exclude no growth", "both intervals include no growth", or which one excludes it."""
    clause = zero_growth_clause(t)
    if clause in ("exclude", "include"):
        return f"both intervals {clause} no growth" if t.n_boot else f"the interval {clause}s no growth"
    ols = t.slope_low > 0 or t.slope_high < 0
    return ("the OLS interval excludes no growth, the bootstrap interval does not" if ols else
            "the bootstrap interval excludes no growth, the OLS interval does not")


def zero_growth_clause(t: Trend) -> str:
    """"exclude" / "include" no growth, judged by the OLS and the bootstrap interval together."""
    ols = t.slope_low > 0 or t.slope_high < 0
    boot = (t.boot_low > 0 or t.boot_high < 0) if t.n_boot else ols
    if ols and boot:
        return "exclude"
    if not ols and not boot:
        return "include"
    return "disagree on (only the " + ("OLS" if ols else "bootstrap") + " interval excludes)"


def energy_verdict(e: Trend) -> str:
    """Does hardware progress cancel the growth in FLOPs, read off the Joules trend ``e``: "no" or "yes" only
    where both intervals exclude no growth and the trend is not too thin to read (:attr:`Trend.thin`)."""
    if e.thin:
        return f"unclear: {e.n} points, too thinly supported to read"
    clause = zero_growth_clause(e)
    if clause == "exclude":
        return "no: Joules grow" if e.slope > 0 else "yes: Joules fall"
    if clause == "include":
        return "unclear: the intervals include no growth"
    return "unclear: the OLS and bootstrap intervals disagree"


def state_of_the_art_and_all(sota: pd.DataFrame, every: pd.DataFrame, value: str, label: str,
                             level: float = 0.9, date: str = "release_date") -> tuple[dict[str, Trend], pd.DataFrame]:
    """The trends of ``value`` over the state of the art (named ``label``) and over all models, and their
    lines for a chart, drawn over all models' dates (each band only over its own points)."""
    top = fit_exponential(sota[date], sota[value], level=level)
    every_t = fit_exponential(every[date], every[value], level=level)
    years = decimal_year(every[date])
    lines = pd.concat([trend_line(top, years.min(), years.max(), label),
                       trend_line(every_t, years.min(), years.max(), "all models")])
    return {label: top, "all models": every_t}, lines
