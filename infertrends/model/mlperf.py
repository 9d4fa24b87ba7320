"""MLPerf Inference power results (``data/mlperf/``, imported by ``mlperf/importer.py``): the measured
frontier of energy per unit of work, round by round, and its trend beside the thesis's estimated one.

Every value here is a whole-system measurement at the wall (AC power of the system under test,
host included, SPEC PTDaemon analyzer), divided by the published throughput; a frontier is the
lowest Joules per unit of one benchmark, scenario and suite among the results of one round.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

import infertrends.core.fits as fits
import infertrends.core.numbers as numbers
import infertrends.data as data
import infertrends.thesis.extension as extension
import infertrends.thesis.hardware as hardware

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
    out["verdict"] = [VERDICT_TEXT[verdict(1 / h, 1 / l, lo, hi)] for l, h in zip(out["low"], out["high"])]
    return out


VERDICT_TEXT = {"faster": "faster than the thesis's trend", "slower": "slower than the thesis's trend",
                "cannot tell apart": "cannot tell apart"}


def factor_text(x: float) -> str:
    """'×1.30' for a factor, as the rest of the book writes one (:func:`infertrends.core.numbers.growth`: two
    decimals, at most three significant figures); '–' where there is none."""
    if not math.isfinite(x):
        return "–"
    return "×" + numbers.growth(x)


def pooled_trend(best: pd.DataFrame, suite: str, level: float = 0.9, resamples: int = 2000,
                 seed: int = fits.BOOTSTRAP_SEED) -> dict[str, Any]:
    """One yearly change of the lowest Joules per unit over every frontier of ``suite`` that spans
    :data:`MIN_ROUNDS` rounds: OLS of log10(J) on the release date with one level per frontier (benchmark,
    scenario, unit) and a common slope. Its interval resamples whole benchmarks (a benchmark's Offline and
    Server frontiers share their systems, so they are not independent), seeded."""
    g = best[best["suite"] == suite]
    sizes = g.groupby(["benchmark", "scenario", "unit"])["round"].transform("size")
    g = g[sizes >= MIN_ROUNDS].copy()
    g["frontier"] = g["benchmark"] + "|" + g["scenario"] + "|" + g["unit"]
    g["t"] = fits.decimal_year(g["release_date"])
    g["ly"] = np.log10(g["joules_per_unit"].to_numpy())
    # within-frontier OLS: centre t and log J on each frontier's means; the slope is the ratio of sums,
    # which add up per benchmark, so a resample of benchmarks is a weighted ratio of their sums
    tc = g["t"] - g.groupby("frontier")["t"].transform("mean")
    yc = g["ly"] - g.groupby("frontier")["ly"].transform("mean")
    sums = pd.DataFrame({"xy": tc * yc, "xx": tc * tc, "benchmark": g["benchmark"]}).groupby("benchmark").sum()
    b = float(sums["xy"].sum() / sums["xx"].sum())
    benches = sums.index.to_numpy()
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(benches), size=(resamples, len(benches)))
    weights = np.stack([np.bincount(row, minlength=len(benches)) for row in picks])
    den = weights @ sums["xx"].to_numpy()
    boots = (weights @ sums["xy"].to_numpy())[den > 0] / den[den > 0]
    lo, hi = np.percentile(boots, [(1 - level) / 2 * 100, (1 + level) / 2 * 100])
    return dict(change_per_year=10.0**b, low=10.0**lo, high=10.0**hi, efficiency_per_year=10.0**-b,
                efficiency_low=10.0**-hi, efficiency_high=10.0**-lo, frontiers=int(g["frontier"].nunique()),
                benchmarks=len(benches), points=len(g), first=g["release_date"].min(), last=g["release_date"].max())


def peak_trend_after(level: float = 0.9) -> fits.Trend:
    """The book's trend of dense FP16 (BF16) tensor peak per Watt of TDP for accelerators launched after
    the thesis (:data:`infertrends.thesis.extension.THESIS_END`): what peak-FLOPS-per-Watt says for the same years."""
    acc = extension.accelerators("tensor")
    after = acc[acc["launch_date"] > extension.THESIS_END]
    return fits.fit_exponential(after["launch_date"], after["gflops_per_watt"], level=level)


def verdict(low: float, high: float, ref_low: float, ref_high: float) -> str:
    """'faster', 'slower' or 'cannot tell apart' for an efficiency interval against a reference interval."""
    if low > ref_high:
        return "faster"
    if high < ref_low:
        return "slower"
    return "cannot tell apart"


# --- The import as a validation set for the estimates ------------------------------------------------

#: Benchmarks the book can count the work of (Table A.3's ResNet-50, Table A.4's BERT Large scaled to
#: MLPerf's 384 tokens; measurements._work says how), by the name measurements._work matches.
ESTIMATED_BENCHMARKS = {"resnet50": "ResNet-50 v1.5", "bert": "BERT-Large (MLPerf)"}
#: Batch per accelerator the chain is given for an Offline run (the import does not read the runs' own):
#: large, as Offline runs are; :func:`estimates` also reports how much the answer moves from a quarter to
#: four times this batch.
ASSUMED_OFFLINE_BATCH = 1024
#: The precisions MLCommons' tables and the submissions write, in the chain's names.
PRECISION_NAMES = {"int8": "int8", "fp16": "fp16", "fp8": "fp8", "float8": "fp8", "bf16": "bf16", "fp32": "fp32",
                   "fp4": "fp4"}


def _precision(declared: str) -> str:
    """The precision of the run's matrix work: the lowest of those declared ('int8,fp16' -> int8)."""
    order = ["fp4", "int8", "fp8", "fp16", "bf16", "tf32", "fp32"]
    names = [PRECISION_NAMES.get(p.strip().lower(), p.strip().lower()) for p in declared.split(",") if p.strip()]
    return min(names, key=lambda p: order.index(p) if p in order else len(order)) if names else ""


def estimates(df: pd.DataFrame, batch: int = ASSUMED_OFFLINE_BATCH) -> pd.DataFrame:
    """Every Offline power result the book's three methods can estimate (a counted benchmark, an
    accelerator in the energy model's data, a declared precision) with the three estimates at the node
    boundary (the meter's), their ratios measured / estimated, and the chain's change from batch / 4 to
    batch x 4. Rows that cannot be estimated are left out; :func:`estimates_left_out` says why."""
    import infertrends.model.accelerators as accelerators
    import infertrends.model.chain as chain
    import infertrends.model.estimate as estimate
    import infertrends.model.measurements as measurements

    specs = accelerators.spec_table().set_index("accelerator")
    rows = []
    for _, r in df[df["benchmark"].isin(ESTIMATED_BENCHMARKS) & (df["scenario"] == "Offline")
                   & (df["unit"] == "sample")].iterrows():
        acc, prec = r["accelerator"], _precision(r["precision"])
        if not acc or acc not in specs.index or not prec or prec not in chain.PRECISIONS:
            continue
        count = int(r["accelerators"])
        # what measurements._work and _thesis_flops read of a row: the tokens of one sample (MLPerf's BERT
        # sequences are at most 384 tokens) and the unit measured
        pseudo = pd.Series(dict(input_tokens=384.0, output_tokens=np.nan, unit_of_inference="sample"))
        work = measurements._work(ESTIMATED_BENCHMARKS[r["benchmark"]], pseudo)
        assert work is not None
        flops = measurements._thesis_flops(work, pseudo)
        eff, basis = measurements.thesis_gflops_per_watt(acc, work.task, specs.loc[acc, "launch_date"])
        chain_at = {}
        for b in (batch // 4, batch, batch * 4):  # MLPerf's batch is per accelerator; the chain's for all
            chain_at[b] = estimate.estimate(estimate.Request(
                workload=work.workload, accelerator=acc, count=count, precision=prec, batch=b * count,
                boundary="node", gflops=work.gflops, params_billions=(work.params_millions or 0) / 1e3 or None,
                cap_batch=True))
        joules = {b: e["joules_per_unit"] for b, e in chain_at.items()}
        rows.append(dict(round=r["round"], release_date=r["release_date"], suite=r["suite"],
                         benchmark=r["benchmark"], benchmark_name=r["benchmark_name"], system=r["system"],
                         accelerator=acc, accelerators=count, precision=prec, measured=r["joules_per_unit"],
                         thesis=flops / (eff * 1e9) if math.isfinite(eff) else np.nan, thesis_basis=basis,
                         peak_tensor=measurements.peak_tensor_joules(flops, specs.loc[acc]), chain=joules[batch], chain_low=chain_at[batch]["low"],
                         chain_high=chain_at[batch]["high"],
                         chain_batch_spread=max(joules.values()) / min(joules.values())))
    out = pd.DataFrame(rows)
    for k in ("thesis", "peak_tensor", "chain"):
        out[f"{k}_ratio"] = out["measured"] / out[k]
    out["chain_covers"] = (out["chain_low"] <= out["measured"]) & (out["measured"] <= out["chain_high"])
    return out


def estimate_summary(e: pd.DataFrame, level: float = 0.9) -> pd.DataFrame:
    """Per method, on the same rows: how many, the median of measured / estimated (its sign of bias: above 1
    the meter reads more), the median and worst factor off, the share the method underestimates, and the
    yearly drift of measured / estimated over the rounds (x1.00: the method tracks the measured change)."""
    import infertrends.model.measurements as measurements

    rows = []
    for k, label in measurements.METHODS.items():
        r = e[f"{k}_ratio"].dropna()
        d = e.loc[r.index]
        drift = fits.fit_exponential(d["release_date"], r, level=level, resamples=0)
        lo, hi = drift.growth_interval
        rows.append(dict(method=k, label=label, n=len(r), median_ratio=float(np.median(r)),
                         median_factor=float(np.median(measurements.factor(r))),
                         worst_factor=float(np.max(measurements.factor(r))), share_under=float((r > 1).mean()),
                         coverage=float(e.loc[r.index, "chain_covers"].mean()) if k == "chain" else np.nan,
                         drift_per_year=drift.growth_per_year, drift_low=lo, drift_high=hi))
    return pd.DataFrame(rows)
