"""The thesis's prose claims, each tested against the book's data by a stated criterion.

Each function returns ``(value, note)``: for a yes/no claim the value is 1 if it holds and 0 if it
does not, and the note states the criterion and what was found.  The chapters put them in the
reproduction ledger beside the printed claim (``data/thesis_printed.csv``).  The criteria are the
book's reading of the sentence, written before looking at the outcome; the notes print enough of
the outcome to judge another reading.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import infertrends.core.fits as fits
import infertrends.thesis.selection as selection


def best_model(cv: pd.DataFrame) -> tuple[float, str]:
    """The highest top-1 accuracy in Table A.3 and the model that has it."""
    top = cv.loc[cv["top1_accuracy"].idxmax()]
    return float(top["top1_accuracy"]), (f"the most accurate model of Table A.3 is {top['model']} "
                                         f"({top['top1_accuracy']:.2f} %, released {top['release_date'].date()})")


def years_between(cv: pd.DataFrame, first: str, last: str) -> tuple[float, str]:
    """Calendar years between the release of two models."""
    a = cv[cv["model"] == first]["release_date"].min()
    b = cv[cv["model"] == last]["release_date"].max()
    return float(b.year - a.year), f"{first} {a.date()}, {last} {b.date()}"


def cnn_fewer_flops(cv: pd.DataFrame, groups: dict[str, str], years: tuple[int, int] = (2019, 2021)) -> tuple[float, str]:
    """Claim: CNNs need fewer FLOPs than vision transformers, in each training-data group.

    Criterion: in each group (models of ``years``), most transformers are dominated by a CNN (a CNN at
    least as accurate with fewer FLOPs)."""
    notes, holds = [], True
    for name, extra in groups.items():
        d = cv[cv["release_date"].dt.year.between(*years) & (cv["extra_data"] == extra)]
        cnn, tr = d[d["architecture"] == "CNN"], d[d["architecture"] == "Transformer"]
        dominated = [any((cnn["gflops"] < t.gflops) & (cnn["top1_accuracy"] >= t.top1_accuracy))
                     for t in tr.itertuples()]
        share = float(np.mean(dominated)) if dominated else np.nan
        holds &= bool(share > 0.5)
        notes.append(f"{name}: {sum(dominated)} of {len(dominated)} transformers have a CNN at least as accurate "
                     "with fewer FLOPs")
    return float(holds), "criterion: most transformers of each group dominated by a CNN; " + "; ".join(notes)


def hybrids_beat_transformers(cv: pd.DataFrame, years: tuple[int, int] = (2019, 2021)) -> tuple[float, str]:
    """Claim: hybrid designs are more efficient than vision transformers.

    Criterion: on ImageNet-1k (the hybrids' data, models of ``years``), no transformer is at least as
    accurate as a hybrid with fewer FLOPs."""
    d = cv[cv["release_date"].dt.year.between(*years) & (cv["extra_data"] == "No")]
    hyb, tr = d[d["architecture"] == "Hybrid"], d[d["architecture"] == "Transformer"]
    beaten = []
    for h in hyb.itertuples():
        better = tr[(tr["gflops"] < h.gflops) & (tr["top1_accuracy"] >= h.top1_accuracy)]
        if len(better):
            beaten.append(f"{h.model} ({h.gflops:g} GFLOPs, {h.top1_accuracy:g} %) by {better.iloc[0]['model']} "
                          f"({better.iloc[0]['gflops']:g} GFLOPs, {better.iloc[0]['top1_accuracy']:g} %)")
    return float(not beaten and len(hyb) > 0), ("criterion: no ImageNet-1k transformer of 2019-2021 at least as "
                                                "accurate as a hybrid with fewer FLOPs; "
                                                + ("dominated: " + "; ".join(beaten) if beaten else
                                                   f"none of {len(hyb)} hybrids dominated"))


def sota_becomes_cheap(cv: pd.DataFrame, years: float = 2.0, points: float = 1.0,
                       factor: float = 2.0) -> tuple[float, str]:
    """Claim: within a couple of years of a state-of-the-art model there is one about as accurate with
    much fewer FLOPs.

    Criterion: for most best-of-year models released at least ``years`` before the last date of the
    data, a model released within ``years`` after it reaches its accuracy less ``points`` with at most
    1/``factor`` of its FLOPs."""
    sota = selection.best_per_year(cv, "top1_accuracy")
    last = cv["release_date"].max()
    checked, found = 0, []
    for s in sota.itertuples():
        if (last - s.release_date).days < years * 365.25:
            continue
        checked += 1
        later = cv[(cv["release_date"] > s.release_date)
                   & (cv["release_date"] <= s.release_date + pd.Timedelta(days=years * 365.25))
                   & (cv["top1_accuracy"] >= s.top1_accuracy - points) & (cv["gflops"] <= s.gflops / factor)]
        if len(later):
            found.append(f"{s.model} by {later.sort_values('release_date').iloc[0]['model']}")
    holds = checked > 0 and len(found) > checked / 2
    return float(holds), (f"criterion: for most best-of-year models, within {years:g} years a model at most "
                          f"{points:g} point less accurate with 1/{factor:g} of the FLOPs; found for {len(found)} of "
                          f"{checked}" + (f" ({'; '.join(found)})" if found else ""))


def low_compute_pocket(nlp: pd.DataFrame, trend: fits.Trend) -> tuple[float, str]:
    """Claim: a good pocket of low-compute NLP models in the last year.

    Criterion: in the last year of Table A.4, at least half of the models lie below the all-models
    FLOPs trend, and at least three do."""
    year = int(nlp["release_date"].dt.year.max())
    last = nlp[nlp["release_date"].dt.year == year]
    below = last[last["gflops"] < trend.predict(last["release_date"])]
    holds = len(below) >= 3 and len(below) >= len(last) / 2
    return float(holds), (f"criterion: in {year}, at least 3 and at least half of the models below the all-models "
                          f"trend; {len(below)} of {len(last)} ({', '.join(below['model']) or 'none'})")


def energy_ratio(alexnet_joules: float, joules: pd.Series) -> tuple[float, str]:
    """How many times less energy than AlexNet, as the geometric mean over the models compared."""
    ratios = alexnet_joules / joules.astype(float)
    return float(np.exp(np.log(ratios).mean())), (f"geometric mean over {len(ratios)} models; range "
                                                   f"{ratios.min():.1f} to {ratios.max():.1f}")
