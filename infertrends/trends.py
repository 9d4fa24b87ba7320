"""Every exponential trend of the book, fitted with the thesis's choices, in one table."""

from __future__ import annotations

import pandas as pd

import infertrends.energy as energy
import infertrends.fits as fits
import infertrends.hardware as hardware
import infertrends.selection as selection

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


def thesis_claims(fitted: dict[tuple[str, str, str], fits.Trend]) -> pd.DataFrame:
    """For each quantity and domain: does the state of the art grow faster than all models?"""
    rows = []
    for quantity in ("GFLOPs per forward pass", "Joules per forward pass"):
        for domain in ("CV", "NLP"):
            label = SOTA[domain][2]
            top, every = fitted[(quantity, domain, label)], fitted[(quantity, domain, "all models")]
            rows.append(dict(quantity=quantity, domain=domain, sota_per_year=top.growth_per_year,
                             all_per_year=every.growth_per_year,
                             ols_separate=not fits.intervals_overlap(top, every),
                             bootstrap_separate=not fits.intervals_overlap(top, every, bootstrap=True),
                             sentence=fits.overlap_sentence(top, every)))
    return pd.DataFrame(rows)
