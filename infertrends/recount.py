"""The recount of Table A.3's FLOPs beside the thesis's values (reads the committed ``data/recount``).

The counting itself runs in its own environment (``make recount``: ``recount/count.py`` with PyTorch);
this module only compares, and needs no PyTorch.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

import infertrends.data as data

MARKERS = {"measured": "measured by a tool (†)", "estimated": "estimated by the thesis (∗)", "": "from the paper"}


def metadata() -> dict[str, str]:
    """What ``make recount`` recorded: the scripts' SHA-256 and the versions of the tools."""
    return json.loads((data.data_dir() / "recount" / "recount.json").read_text(encoding="utf-8"))


def comparison() -> pd.DataFrame:
    """Every row of Table A.3 with its printed GFLOPs, the recounted GFLOPs (NaN where no definition
    matched) and ``ratio`` = thesis / recounted."""
    a3 = data.vision()
    rc = data.load_recount()
    out = a3.merge(rc, on=["model", "extra_data"], how="left", suffixes=("", "_recount"), validate="one_to_one")
    if out["how_matched"].isna().any():
        missing = out.loc[out["how_matched"].isna(), "model"].tolist()
        raise ValueError(f"data/recount/recount.csv has no row for {missing}: run `make recount`")
    out = out.rename(columns={"gflops": "thesis_gflops", "gflops_recount": "recounted_gflops"})
    out["marker"] = out["gflops_marker"].map(MARKERS)
    out["matched"] = np.where(out["recounted_gflops"].notna(), "yes", "no")
    out["ratio"] = out["thesis_gflops"] / out["recounted_gflops"]
    return out


def within(ratio: pd.Series, tolerance: float) -> pd.Series:
    """Rows whose thesis value is within ``tolerance`` (a fraction, 0.05 = 5 %) of the recount, either way."""
    return np.maximum(ratio, 1 / ratio) <= 1 + tolerance


def near_factor(ratio: pd.Series, factor: float, tolerance: float) -> pd.Series:
    """Rows whose ratio is within ``tolerance`` of ``factor`` or of its inverse (e.g. x2 or x1/2: the
    multiply-add convention)."""
    r = np.maximum(ratio, 1 / ratio)
    return (r >= factor / (1 + tolerance)) & (r <= factor * (1 + tolerance))


def tolerance_sweep(ratio: pd.Series, tolerances=(0.01, 0.02, 0.05, 0.1, 0.2, 0.5)) -> pd.DataFrame:
    """How many matched rows agree with the recount at each tolerance."""
    r = ratio.dropna()
    return pd.DataFrame([dict(tolerance_pct=100 * t, rows_within=int(within(r, t).sum()), rows=len(r))
                         for t in tolerances])


def language_comparison() -> pd.DataFrame:
    """Every row of Table A.4 with its printed GFLOPs, the recounted GFLOPs (NaN where not matched) and
    ``ratio`` = thesis / recounted."""
    a4 = data.language()
    rc = data.load_recount("recount_language").drop(columns=["input_tokens"])
    out = a4.merge(rc, on="model", how="left", suffixes=("", "_recount"), validate="one_to_one")
    if out["notes_recount"].isna().all() and out["gflops_recount"].isna().all():
        raise ValueError("data/recount/recount_language.csv matches no row of Table A.4: run `make recount`")
    out = out.rename(columns={"gflops": "thesis_gflops", "gflops_recount": "recounted_gflops"})
    out["matched"] = np.where(out["recounted_gflops"].notna(), "yes", "no")
    out["ratio"] = out["thesis_gflops"] / out["recounted_gflops"]
    return out
