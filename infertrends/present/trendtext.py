"""How a fitted trend reads: the sentence with its intervals, the headline, the cells of a trend table, the
verdicts and test outcomes as clauses, and the glue that puts them on a page."""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

import infertrends.core.numbers as numbers
from infertrends.core.compare import interaction_test, significant
from infertrends.core.fits import MIN_BOOTSTRAP_CLUSTERS, Trend, decimal_year
from infertrends.present.prose import count_phrase, glue_text, share


def describe(trend: Trend) -> str:
    """"×1.30/year (90% CI ×1.25–×1.35; bootstrap ×1.24–×1.36), doubling every 2.6 years (2.3–3.0)": a
    doubling (or halving) time only where the interval excludes no growth, with its own interval. Counts agree
    with their nouns ("1 release date", "6 points")."""
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


def p_text(p: float) -> str:
    """A p-value for prose, never in e-notation: "p = 0.017", "p < 0.001"."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


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


#: What selecting the state of the art does to the test, by rule.
SELECTION_NOTE = {
    "best-of-year": "the most accurate model of each year is also often a large one, so part of its growth comes "
                    "from the selection itself",
    "records": "records of the FLOPs are chosen on the FLOPs themselves and can only rise, so their growth is "
               "guaranteed by the selection and no test on them can support the claim on its own",
}


def test_sentence(r: dict, level: float) -> str:
    """The outcome of :func:`~infertrends.core.compare.growth_difference_test` as a clause for prose, at
    significance 1 - ``level``."""
    inter = ("supported" if significant(r["interaction_p"], level) else "not supported") + \
        f" by one regression with an interaction (×{numbers.growth(r['slope_difference_per_year'])} a year faster, " \
        f"{p_text(r['interaction_p'])})"
    sel = (share(r["random_at_least"], r["n_random"], "grows as fast", "grow as fast", the=False,
                 nouns="subsets chosen at random the same way")
           + f" ({p_text(r['selection_p'])}; their median ×{numbers.growth(r['random_median_per_year'])} a year)")
    return f"{inter}; {sel}; but {SELECTION_NOTE[r['rule']]}"


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
    """The :func:`~infertrends.core.fits.summary` table with readable headers for a page, and its formats."""
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


def glue_trends(trends: dict[str, Any]) -> None:
    """Glue the one-line description of each trend (:func:`describe`) under its key."""
    for name, trend in trends.items():
        glue_text(name, describe(trend))
