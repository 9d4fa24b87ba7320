"""Which models count: state of the art (best of each year, or records at release), yearly
means, the Pareto frontier and models "similar" to a reference."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd


def best_per_year(df: pd.DataFrame, score: str, date: str = "release_date") -> pd.DataFrame:
    """The row with the highest ``score`` in each calendar year (thesis: "highest accuracy per year")."""
    d = df.dropna(subset=[score]).copy()
    d["_year"] = pd.DatetimeIndex(d[date]).year
    idx = d.sort_values([score, date], ascending=[False, True]).groupby("_year", sort=True).head(1).index
    return df.loc[sorted(idx, key=lambda i: (df.loc[i, date], i))]


def records_at_release(df: pd.DataFrame, value: str, date: str = "release_date") -> pd.DataFrame:
    """Rows whose ``value`` exceeds every earlier row's when released (a new maximum at its date).

    Rows released on the same day are compared with what came before that day only.
    """
    d = df.dropna(subset=[value]).sort_values([date, value], ascending=[True, False])
    keep, best = [], -math.inf
    for day, grp in d.groupby(date, sort=True):
        top = grp[value].max()
        if top > best:
            keep.extend(grp.index[grp[value] > best])
            best = top
    return df.loc[keep]


def state_of_the_art(df: pd.DataFrame, rule: str, score: str, date: str = "release_date") -> pd.DataFrame:
    """Rows counted as state of the art: ``"best-of-year"`` or ``"records"`` of ``score``."""
    if rule == "best-of-year":
        return best_per_year(df, score, date)
    if rule == "records":
        return records_at_release(df, score, date)
    raise ValueError(f"unknown state-of-the-art rule {rule!r}; use 'best-of-year' or 'records'")


def yearly_mean(df: pd.DataFrame, value: str, how: str = "arithmetic", date: str = "release_date") -> pd.DataFrame:
    """Mean of ``value`` per calendar year (``how``: arithmetic or geometric), with the count."""
    d = df.assign(year=pd.DatetimeIndex(df[date]).year)
    if how == "geometric":
        agg = d.groupby("year")[value].agg(lambda s: float(np.exp(np.log(s).mean())))
    elif how == "arithmetic":
        agg = d.groupby("year")[value].mean()
    else:
        raise ValueError(f"unknown mean {how!r}; use 'arithmetic' or 'geometric'")
    return pd.DataFrame({"year": agg.index, value: agg.to_numpy(), "n": d.groupby("year").size().to_numpy()})



def pareto_frontier(df: pd.DataFrame, cost: str, benefit: str) -> pd.DataFrame:
    """Rows no other row beats with both lower-or-equal ``cost`` and higher ``benefit``, by cost."""
    d = df.dropna(subset=[cost, benefit]).sort_values([cost, benefit], ascending=[True, False])
    keep, best = [], -math.inf
    for idx, row in d.iterrows():
        if row[benefit] > best:
            keep.append(idx)
            best = row[benefit]
    return df.loc[keep]


def similar_to(df: pd.DataFrame, value: str, reference: float, max_ratio: float) -> pd.Series:
    """Mask of rows whose ``value`` is within a factor ``max_ratio`` of ``reference`` (either way)."""
    if max_ratio < 1:
        raise ValueError(f"max_ratio must be >= 1, got {max_ratio!r}")
    ratio = df[value] / reference
    return (ratio <= max_ratio) & (ratio >= 1 / max_ratio)


def most_accurate_similar(df: pd.DataFrame, reference: float, max_ratio: float, value: str = "gflops",
                          score: str = "top1_accuracy") -> pd.DataFrame:
    """The book's rule for the thesis's Tables 4.1 and 5.2: among the rows whose ``value`` is within
    ``max_ratio`` of ``reference``, the one with the highest ``score`` in each year, separately with and
    without extra training data (``extra_data`` other than ``No``), ordered by release date."""
    near = df[similar_to(df, value, reference, max_ratio)]
    year = near["release_date"].dt.year  # Series keys align on the index after the sort
    extra = near["extra_data"] != "No"
    picked = near.sort_values([score], ascending=False).groupby([year, extra], sort=False).head(1)
    return picked.sort_values(["release_date", "extra_data"])


def band_sweep(select: Callable[[float], Iterable[str]], listed: Iterable[str],
               ratios: Sequence[float]) -> pd.DataFrame:
    """How a list chosen by a band changes as the band moves.

    ``select(ratio)`` returns the models a band of ``ratio`` selects; ``listed`` is the list the
    thesis prints.  One row per ratio: how many are selected, how many of the thesis's are among
    them, how many others, and whether the selection is exactly the thesis's list.
    """
    thesis = set(listed)
    rows = []
    for r in ratios:
        chosen = set(select(float(r)))
        rows.append(dict(ratio=float(r), selected=len(chosen), thesis_selected=len(chosen & thesis),
                         thesis_listed=len(thesis), others_selected=len(chosen - thesis),
                         equals_thesis=chosen == thesis,
                         missing=", ".join(sorted(thesis - chosen)), others=", ".join(sorted(chosen - thesis))))
    return pd.DataFrame(rows)


def equal_ranges(sweep: pd.DataFrame) -> str:
    """The ratios of a :func:`band_sweep` at which the selection equals the thesis's list, as text."""
    hits = sweep[sweep["equals_thesis"]]["ratio"]
    if hits.empty:
        return "no band on the grid"
    runs, start, prev = [], None, None
    grid = list(sweep["ratio"])
    for r in grid:
        if r in set(hits):
            start = r if start is None else start
            prev = r
        elif start is not None:
            runs.append((start, prev))
            start = None
    if start is not None:
        runs.append((start, prev))
    return ", ".join(f"{a:.2f}" if a == b else f"{a:.2f} to {b:.2f}" for a, b in runs)
