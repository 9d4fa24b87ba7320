"""Tests of a difference in growth: two fits, one regression with an interaction, or the state of the art
against subsets drawn at random, each at significance 1 - the level of the intervals beside it."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from infertrends.core.fits import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, Trend, decimal_year, fit_exponential


def _slopes(t: np.ndarray, ly: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """OLS slopes of ``ly`` on ``t`` for each row of indices ``idx`` (resamples x points)."""
    T, Y = t[idx], ly[idx]
    dt = T - T.mean(axis=1, keepdims=True)
    den = np.einsum("ij,ij->i", dt, dt)
    num = np.einsum("ij,ij->i", dt, Y - Y.mean(axis=1, keepdims=True))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 1e-12, num / den, np.nan)


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


def growth_difference_test(df: pd.DataFrame, sota: pd.DataFrame, value: str, rule: str,
                           resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED) -> dict:
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
