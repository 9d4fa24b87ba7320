"""FLOP scaling laws and the thesis's Appendix A estimates.

EfficientNet (thesis Eq. 4.1, after [12]): for a CNN, FLOPs grow as
``d * w**2 * r**2`` with depth ``d``, width ``w`` and input resolution ``r``.
"""

from __future__ import annotations

import pandas as pd

import infertrends.data as data
import infertrends.thesis.constants as C


def cnn_flops_factor(d_ratio: float = 1.0, w_ratio: float = 1.0, r_ratio: float = 1.0) -> float:
    """Multiplier on FLOPs when depth, width and resolution scale by the given ratios (Eq. 4.1)."""
    for name, value in (("d_ratio", d_ratio), ("w_ratio", w_ratio), ("r_ratio", r_ratio)):
        if value <= 0:
            raise ValueError(f"{name} must be > 0, got {value!r}")
    return d_ratio * w_ratio**2 * r_ratio**2


def _ratio(a: float, b: float, decimals: int | None) -> float:
    r = a / b
    return r if decimals is None else round(r, decimals)


def appendix_a_estimates(
    ratio_decimals: int | None = None,
    vit_g_resolution: int = C.VIT_G_TEST_RESOLUTION,
    fix_b7_resolution: int = C.FIX_EFFICIENTNET_B7_RESOLUTION,
    fix_b0_resolution: int = C.FIX_EFFICIENTNET_B0_RESOLUTION,
) -> pd.DataFrame:
    """Recompute the GFLOPs estimates of thesis Appendix A from Tables A.1, A.2 and A.3.

    ``ratio_decimals`` rounds every scale ratio before use (``None`` keeps exact
    ratios; the thesis prints its ratios with 4 decimals).  Returns one row per
    estimated model with the factors used and the recomputed GFLOPs.
    """
    vision = data.load("vision")
    scale = data.load("efficientnet_scaling").set_index("model")
    vit = data.load("vit_g_gflops").set_index("resolution")["gflops"]
    base = vision[vision["extra_data"] == "No"].set_index("model")["gflops"]
    b7, b0 = float(base["EfficientNet-B7"]), float(base["EfficientNet-B0"])
    small, large = scale.loc["EfficientNet-B7"], scale.loc["EfficientNet-L2"]

    d = _ratio(large["depth"], small["depth"], ratio_decimals)
    w = _ratio(large["width"], small["width"], ratio_decimals)
    r_l2 = _ratio(large["test_resolution"], small["test_resolution"], ratio_decimals)
    r_b7 = _ratio(fix_b7_resolution, small["test_resolution"], ratio_decimals)
    r_b0 = _ratio(fix_b0_resolution, C.EFFICIENTNET_B0_RESOLUTION, ratio_decimals)
    res = sorted(vit.index)
    if len(res) < 2:
        raise ValueError("Table A.2 needs ViT-G/14 GFLOPs at two resolutions")
    lo, hi = res[0], res[-1]
    r_vit = _ratio(vit_g_resolution, hi, ratio_decimals)

    rows = [
        dict(model="NoisyStudent-L2", equation="Eq. A.1-A.3", base_model="EfficientNet-B7", base_gflops=b7,
             d_scaling=d, w_scaling=w, r_scaling=r_l2),
        dict(model="Meta Pseudo Labels L2", equation="Appendix A.1.1 (as NoisyStudent-L2)",
             base_model="EfficientNet-B7", base_gflops=b7, d_scaling=d, w_scaling=w, r_scaling=r_l2),
        dict(model="FixEfficientNet-L2", equation="Eq. A.4", base_model="EfficientNet-B7", base_gflops=b7,
             d_scaling=d, w_scaling=w, r_scaling=1.0),
        dict(model="FixEfficientNet-B7", equation="Eq. A.5-A.6", base_model="EfficientNet-B7", base_gflops=b7,
             d_scaling=1.0, w_scaling=1.0, r_scaling=r_b7),
        dict(model="FixEfficientNet-B0", equation="Eq. A.7-A.8", base_model="EfficientNet-B0", base_gflops=b0,
             d_scaling=1.0, w_scaling=1.0, r_scaling=r_b0),
        dict(model="ViT-G/14", equation="Eq. A.9-A.12", base_model=f"ViT-G/14 at {hi}x{hi}",
             base_gflops=float(vit[hi]), d_scaling=1.0, w_scaling=1.0, r_scaling=r_vit),
    ]
    out = pd.DataFrame(rows)
    out["gflops"] = [
        row.base_gflops * cnn_flops_factor(row.d_scaling, row.w_scaling, row.r_scaling) for row in out.itertuples()
    ]
    out.attrs["vit_g_observed_ratio"] = float(vit[hi] / vit[lo])
    out.attrs["vit_g_quadratic_ratio"] = (hi / lo) ** 2
    return out


#: How the FLOPs the thesis estimated (∗ in Table A.3) enter the analysis.
ESTIMATE_POLICIES = ("recomputed", "as printed")


#: Where the GFLOPs of Table A.3 come from: the thesis's table, or the recount from model definitions.
FLOPS_SOURCES = ("thesis", "recounted")


def _as_printed(df: pd.DataFrame, table: str, flops_source: str) -> pd.DataFrame:
    """``df`` with ``gflops_printed`` and ``gflops_source`` (= ``table``) added, after checking ``flops_source``."""
    if flops_source not in FLOPS_SOURCES:
        raise ValueError(f"flops_source must be one of {FLOPS_SOURCES}, got {flops_source!r}")
    return df.assign(gflops_printed=df["gflops"], gflops_source=table)


def vision_models(estimates: str = "recomputed", flops_source: str = "thesis") -> pd.DataFrame:
    """Table A.3 for analysis: with ``estimates="recomputed"`` the ∗ GFLOPs are replaced by the
    book's recomputation of Appendix A (thesis method, exact ratios); ``"as printed"`` keeps
    Table A.3. With ``flops_source="recounted"`` every row that the recount matched takes the GFLOPs
    counted from its model definition (``data/recount``), whatever its marker; the others keep the
    thesis's. Adds ``gflops_printed`` and ``gflops_source`` columns either way."""
    if estimates not in ESTIMATE_POLICIES:
        raise ValueError(f"estimates must be one of {ESTIMATE_POLICIES}, got {estimates!r}")
    df = _as_printed(data.vision(), "Table A.3", flops_source)
    if estimates == "recomputed":
        est = appendix_a_estimates().set_index("model")["gflops"]
        mask = (df["gflops_marker"] == "estimated") & df["model"].isin(est.index)
        df.loc[mask, "gflops"] = df.loc[mask, "model"].map(est)
        df.loc[mask, "gflops_source"] = "recomputed (Appendix A method)"
    if flops_source == "recounted":
        rc = data.load_recount().dropna(subset=["gflops"]).set_index(["model", "extra_data"])
        keys = pd.MultiIndex.from_frame(df[["model", "extra_data"]])
        hit = keys.isin(rc.index)
        df.loc[hit, "gflops"] = rc.loc[keys[hit], "gflops"].to_numpy()
        df.loc[hit, "gflops_source"] = ("recounted: " + rc.loc[keys[hit], "package"] + " "
                                        + rc.loc[keys[hit], "package_model"] + " at "
                                        + rc.loc[keys[hit], "resolution"].astype(int).astype(str) + " px").to_numpy()
    return df


def language_models(flops_source: str = "thesis") -> pd.DataFrame:
    """Table A.4 for analysis: with ``flops_source="recounted"`` every row the recount matched takes the
    GFLOPs counted from its configuration (``data/recount/recount_language.csv``); the others keep the
    thesis's. Adds ``gflops_printed`` and ``gflops_source`` columns either way."""
    df = _as_printed(data.language(), "Table A.4", flops_source)
    if flops_source == "recounted":
        rc = data.load_recount("recount_language").dropna(subset=["gflops"]).set_index("model")
        hit = df["model"].isin(rc.index)
        df.loc[hit, "gflops"] = df.loc[hit, "model"].map(rc["gflops"])
        df.loc[hit, "gflops_source"] = "recounted: transformers " + df.loc[hit, "model"].map(rc["family"])
    return df
