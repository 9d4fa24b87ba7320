"""MLPerf Inference power results (``data/mlperf/``, imported by ``mlperf/importer.py``): the measured
frontier of energy per unit of work, round by round, and its trend beside the thesis's estimated one.

Every value here is a whole-system measurement at the wall (AC power of the system under test,
host included, SPEC PTDaemon analyzer), divided by the published throughput; a frontier is the
lowest Joules per unit of one benchmark, scenario and suite among the results of one round.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

import infertrends.data as data
import infertrends.fits as fits
import infertrends.hardware as hardware

#: Human names of the benchmarks (MLCommons' reference models).
BENCHMARKS = {
    "resnet50": "ResNet-50", "retinanet": "RetinaNet", "bert": "BERT-Large", "3d-unet-brats19": "3D U-Net (BraTS 2019)",
    "3d-unet-kits19": "3D U-Net (KiTS 2019)", "rnnt": "RNN-T",
    "dlrm": "DLRM", "dlrm-v2": "DLRM v2", "gptj": "GPT-J 6B", "llama2-70b": "Llama 2 70B", "mixtral-8x7b": "Mixtral 8x7B",
    "stable-diffusion-xl": "Stable Diffusion XL", "llama3.1-405b": "Llama 3.1 405B", "llama3.1-8b": "Llama 3.1 8B",
    "rgat": "R-GAT", "whisper": "Whisper", "ssd-resnet34": "SSD-ResNet34", "ssd-mobilenet": "SSD-MobileNet",
}
#: Fewest rounds a frontier must span before a trend is fitted to it.
MIN_ROUNDS = 3


def power_results() -> pd.DataFrame:
    """Every imported power result, with the benchmark's human name and the accelerators in the system."""
    df = data.load_mlperf("mlperf_power")
    df["benchmark_name"] = df["benchmark"].map(BENCHMARKS).fillna(df["benchmark"])
    df["accelerators"] = df["accelerators_per_node"] * df["nodes"].fillna(1)
    return df


def frontier(df: pd.DataFrame) -> pd.DataFrame:
    """The lowest Joules per unit of each round, per suite, benchmark, scenario and unit.

    A 99.9 result that repeats a 99 result (``same_run_as``) is the same run and is not counted
    twice; the accuracy targets are otherwise pooled (the 99.9 target is the harder one).
    """
    runs = df[df["same_run_as"] == ""]
    keys = ["suite", "benchmark", "scenario", "unit", "round"]
    idx = runs.groupby(keys)["joules_per_unit"].idxmin()
    best = runs.loc[idx].copy()
    best["results_in_round"] = runs.groupby(keys)["joules_per_unit"].size().reindex(
        pd.MultiIndex.from_frame(best[keys])).to_numpy()
    return best.sort_values(keys).reset_index(drop=True)


def frontier_trends(best: pd.DataFrame, level: float = 0.9) -> pd.DataFrame:
    """Exponential trend of each frontier spanning at least :data:`MIN_ROUNDS` rounds: change per year
    of the lowest Joules per unit, its interval at ``level`` (OLS; too few rounds for a bootstrap)."""
    rows = []
    for (suite, bench, scenario, unit), g in best.groupby(["suite", "benchmark", "scenario", "unit"]):
        if len(g) < MIN_ROUNDS:
            continue
        t = fits.fit_exponential(g["release_date"], g["joules_per_unit"], level=level, resamples=0)
        lo, hi = t.growth_interval
        rows.append(dict(suite=suite, benchmark=bench, benchmark_name=BENCHMARKS.get(bench, bench),
                         scenario=scenario, unit=unit, rounds=len(g), first_round=g["round"].iloc[0],
                         last_round=g["round"].iloc[-1], first=g["joules_per_unit"].iloc[0],
                         last=g["joules_per_unit"].iloc[-1], change_per_year=t.growth_per_year, low=lo, high=hi,
                         efficiency_per_year=1 / t.growth_per_year))
    return pd.DataFrame(rows)


def thesis_hardware_trend(level: float = 0.9) -> fits.Trend:
    """The thesis's estimated hardware trend: GFLOPS/W of its adapted peaks (Table B.3, vision, its
    GPU choices), fitted 2010-2021 — the rate at which it expects energy per inference of a fixed
    model to fall."""
    return hardware.fit_hardware(hardware.HardwareModel(), level=level)


def compare_with_thesis(trends: pd.DataFrame, hw: fits.Trend) -> pd.DataFrame:
    """Each measured frontier's yearly gain in efficiency (1 / change of J per unit) beside the thesis's
    GFLOPS/W gain, and which is faster where the intervals do not overlap."""
    lo, hi = hw.growth_interval
    out = trends.copy()
    out["thesis_per_year"] = hw.growth_per_year
    eff_lo, eff_hi = 1 / out["high"], 1 / out["low"]
    out["verdict"] = np.where(eff_lo > hi, "faster than the thesis's trend",
                              np.where(eff_hi < lo, "slower than the thesis's trend", "cannot tell apart"))
    return out


def factor_text(x: float) -> str:
    """'×3.2' for a factor; the book's one way of writing a yearly change."""
    if not math.isfinite(x):
        return "–"
    return f"×{x:.2g}" if x < 10 else f"×{x:.0f}"
