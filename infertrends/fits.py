"""Exponential trends: ordinary least squares of log10(value) on the date in years.

A trend ``log10(y) = a + b * t`` (``t`` in decimal years) grows ``10**b`` times
per year and doubles every ``log10(2) / b`` years.  Intervals are the analytic
OLS (Student-t) interval of the slope.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats


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

    @property
    def growth_per_year(self) -> float:
        """Multiplicative change per year (``10**slope``)."""
        return 10.0**self.slope

    @property
    def growth_interval(self) -> tuple[float, float]:
        """Interval of :attr:`growth_per_year` at :attr:`level`."""
        return 10.0**self.slope_low, 10.0**self.slope_high

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


def fit_exponential(dates: Sequence | pd.Series, values: Sequence[float] | pd.Series, level: float = 0.9) -> Trend:
    """Fit ``log10(values) = a + b * year`` by OLS and return the :class:`Trend`."""
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
    return Trend(
        intercept=float(res.intercept),
        slope=float(res.slope),
        slope_se=float(res.stderr),
        n=n,
        r2=float(res.rvalue**2),
        level=level,
        slope_low=float(res.slope - tq * res.stderr),
        slope_high=float(res.slope + tq * res.stderr),
    )


def trend_line(trend: Trend, start: float, end: float, label: str, points: int = 50) -> pd.DataFrame:
    """Points along a trend between decimal years ``start`` and ``end``, for charts."""
    years = np.linspace(start, end, points)
    dates = pd.to_datetime((years - 1970) * 365.2425 * 86400, unit="s").normalize()
    return pd.DataFrame({"release_date": dates, "year": years, "value": trend.predict_years(years), "trend": label})


def describe(trend: Trend) -> str:
    """"x1.30/year (90% CI 1.2-1.4), doubling every 2.6 years" for prose and tables."""
    lo, hi = trend.growth_interval
    d = trend.doubling_years
    dbl = (f"doubling every {d:.1f} years" if d > 0 else f"halving every {-d:.1f} years") if math.isfinite(d) else "flat"
    return f"×{trend.growth_per_year:.2f}/year ({int(trend.level * 100)}% CI ×{lo:.2f}–×{hi:.2f}), {dbl}"


def summary(trends: dict[str, Trend]) -> pd.DataFrame:
    """One row per trend: points, growth per year with its interval, doubling time, R²."""
    rows = []
    for label, t in trends.items():
        lo, hi = t.growth_interval
        rows.append(dict(trend=label, n=t.n, growth_per_year=t.growth_per_year, growth_low=lo, growth_high=hi,
                         doubling_years=t.doubling_years, slope_log10_per_year=t.slope, r2=t.r2, level=t.level))
    return pd.DataFrame(rows)


def display_summary(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The :func:`summary` table with readable headers for a page, and its formats."""
    level = int(round(100 * float(table["level"].iloc[0]))) if len(table) else 90
    shown = table[["trend", "n", "growth_per_year", "growth_low", "growth_high", "doubling_years", "r2"]].copy()
    shown.columns = ["Trend", "Points", "×/year", f"{level}% CI low", f"{level}% CI high", "Doubling (years)", "R²"]
    formats = {"×/year": ".2f", f"{level}% CI low": ".2f", f"{level}% CI high": ".2f", "Doubling (years)": ".2f",
               "R²": ".2f"}
    return shown, formats
