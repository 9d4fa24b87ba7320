"""Every exponential trend of the book, fitted with the thesis's choices, in one table."""

from __future__ import annotations

import pandas as pd

import infertrends.core.compare as compare
import infertrends.core.fits as fits
import infertrends.present.trendtext as trendtext
import infertrends.thesis.hardware as hardware
import infertrends.thesis.method as energy
import infertrends.thesis.selection as selection

#: How each domain's state of the art is chosen (thesis §4.1.2 and §4.2.2).
SOTA = {"CV": ("best-of-year", "top1_accuracy", "state of the art (most accurate of each year)"),
        "NLP": ("records", "gflops", "state of the art (new GFLOPs maximum at release)")}


#: The label of the hardware trend in :func:`all_trends`.
GPUS = "GPUs of Table B.3"


def all_trends(level: float = 0.9, adapted: bool = True) -> tuple[pd.DataFrame, dict[tuple[str, str, str], fits.Trend]]:
    """Summary of every trend (FLOPs, GFLOPS/W, Joules; CV and NLP; state of the art and all).

    ``adapted`` includes the mixed-precision adapted GPU points in the hardware trend (thesis).
    Returns the summary table and the fitted trends keyed by (quantity, domain, models).
    """
    hw = {task: hardware.fit_hardware(hardware.HardwareModel(task, adapted=adapted), level=level)
          for task in ("CV", "NLP")}
    models = {"CV": energy.models_with_joules("CV", hw["CV"]), "NLP": energy.models_with_joules("NLP", hw["NLP"])}
    out: dict[tuple[str, str, str], fits.Trend] = {}
    for domain, df in models.items():
        rule, score, label = SOTA[domain]
        sota = selection.state_of_the_art(df, rule, score)
        for group, sub in ((label, sota), ("all models", df)):
            out[("GFLOPs per forward pass", domain, group)] = fits.fit_exponential(sub["release_date"], sub["gflops"],
                                                                                   level=level)
            # Joules = FLOPs / hardware trend: its intervals carry the uncertainty of both fits
            out[("Joules per forward pass", domain, group)] = fits.joules_trend(sub["release_date"], sub["gflops"],
                                                                                hw[domain], level=level)
        out[("GPU GFLOPS per Watt", domain, GPUS)] = hw[domain]
    rows = []
    for (quantity, domain, group), trend in out.items():
        row = fits.summary({group: trend}).iloc[0].to_dict()
        rows.append({"quantity": quantity, "domain": domain, "models": group, **row})
    table = pd.DataFrame(rows).drop(columns=["trend"])
    return table, out


def thesis_claims(level: float = 0.9) -> pd.DataFrame:
    """For each quantity and domain: does the state of the art grow faster than the other models?

    The FLOPs and the Joules give the same difference in slope (the Joules divide both groups by the
    same hardware trend), so each domain is tested once on FLOPs and reported for both quantities."""
    hw = {task: hardware.fit_hardware(hardware.HardwareModel(task), level=level) for task in ("CV", "NLP")}
    rows = []
    for domain in ("CV", "NLP"):
        df = energy.models_with_joules(domain, hw[domain])
        rule, score, label = SOTA[domain]
        sota = selection.state_of_the_art(df, rule, score)
        test = compare.growth_difference_test(df, sota, "gflops", rule)
        for quantity, column in (("GFLOPs per forward pass", "gflops"), ("Joules per forward pass", "joules")):
            top = fits.fit_exponential(sota["release_date"], sota[column], resamples=0)
            every = fits.fit_exponential(df["release_date"], df[column], resamples=0)
            rows.append(dict(quantity=quantity, domain=domain, selection_rule=rule, sota_per_year=top.growth_per_year,
                             all_per_year=every.growth_per_year, **test, sentence=trendtext.test_sentence(test, level)))
    return pd.DataFrame(rows)


def hardware_units(level: float = 0.9) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The hardware trend with the thesis's unit of observation (a GPU at one precision, so a GPU with
    FP32 and adapted rows counts several times) beside one point per GPU (its most efficient row).

    Returns the summary table (``task``, ``unit``) and, per task, the GPUs that count more than once."""
    rows, repeated = [], {}
    for task in ("CV", "NLP"):
        pts = hardware.hardware_points(hardware.HardwareModel(task))
        counts = pts["gpu"].value_counts()
        repeated[task] = [f"{g} ({n}×)" for g, n in counts[counts > 1].sort_index().items()]
        per_gpu = pts.loc[pts.groupby("gpu")["gflops_per_watt"].idxmax()]
        for unit, d in (("a GPU at one precision (thesis)", pts), ("one point per GPU (its most efficient)", per_gpu)):
            t = fits.fit_exponential(d["launch_date"], d["gflops_per_watt"], level=level)
            rows.append({"task": task, "unit": unit, **fits.summary({unit: t}).iloc[0].drop(["trend"]).to_dict()})
    return pd.DataFrame(rows), repeated
