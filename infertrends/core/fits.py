"""Exponential trends: ordinary least squares of log10(value) on the date in years.

A trend ``log10(y) = a + b * t`` (``t`` in decimal years) grows ``10**b`` times
per year and doubles every ``log10(2) / b`` years.  Every trend carries two
intervals of its slope, side by side: the analytic OLS (Student-t) interval and
a percentile interval from a seeded, vectorised bootstrap over the points
(:data:`BOOTSTRAP_RESAMPLES` resamples with replacement), which does not assume
normal, equal-variance residuals.

Tests of a difference between trends are in :mod:`infertrends.core.compare`; how a trend reads in a sentence, a
headline or a table is in :mod:`infertrends.present.trendtext`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final, Sequence

import numpy as np
import pandas as pd
from scipy import stats

#: Bootstrap resamples per trend (issue 4 asks for at least 10,000).
BOOTSTRAP_RESAMPLES: Final[int] = 10_000
#: Seed of every bootstrap, so the same inputs give the same intervals.
BOOTSTRAP_SEED: Final[int] = 20210912  # arXiv v1 date of the thesis's paper

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
                    resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED,
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
                 scale: float = 1.0, level: float | None = None, seed: int = BOOTSTRAP_SEED + 1) -> Trend:
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
