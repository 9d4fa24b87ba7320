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
    out = _beside(data.vision(), data.load_recount(), ["model", "extra_data"], "recount.csv")
    out.insert(len(out.columns) - 2, "marker", out["gflops_marker"].map(MARKERS))  # before matched, ratio
    return out


def _beside(table: pd.DataFrame, rc: pd.DataFrame, keys: list[str], name: str) -> pd.DataFrame:
    """``table``'s rows with their recount row (suffix ``_recount``), ``thesis_gflops``, ``recounted_gflops``,
    ``matched`` and ``ratio``; a row without a recount row (an unmatched row has one, with its reason) means
    the committed recount is stale."""
    out = table.merge(rc, on=keys, how="left", suffixes=("", "_recount"), validate="one_to_one", indicator=True)
    missing = out.loc[out.pop("_merge") == "left_only", "model"].tolist()
    if missing:
        raise ValueError(f"data/recount/{name} has no row for {missing}: run `make recount`")
    out = out.rename(columns={"gflops": "thesis_gflops", "gflops_recount": "recounted_gflops"})
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
    rc = data.load_recount("recount_language").drop(columns=["input_tokens"])
    return _beside(data.language(), rc, ["model"], "recount_language.csv")
