"""GPU efficiency: peak GFLOPS per Watt, mixed-precision speed-ups and the hardware trend.

Thesis §3.3 and §5.1, Appendix B:

* Table B.1: efficiency = peak FLOPS / TDP, i.e. FLOPs per Joule at full utilisation.
* Table B.2: NGC inference throughputs; the speed-up of a run is its throughput over the FP32
  throughput of the same model and framework on the same GPU, except for the A100, which has
  no FP32 run and is compared with the V100's FP32 throughput.
* Table 5.1: the mean speed-up per GPU and precision, for CV and NLP separately.
* Table B.3: "adapted" peak rates, the FP32 peak (the V100's for the A100) times the speed-up,
  beside the FP32 rows of Table B.1; the hardware trend (Fig. 5.2) is fitted on these points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np
import pandas as pd

import infertrends.core.fits as fits
import infertrends.core.units as units
import infertrends.data as data

#: FP32 rows of Table B.1 that the thesis's Table B.3 leaves out (P100, A100 and A30; the thesis
#: does not say why; for the A100 its TF32 and mixed-precision adaptations stand in).
THESIS_B3_EXCLUDED: tuple[str, ...] = ("Tesla P100", "A100", "A30")

#: The GPUs the NGC benchmarks of Table B.2 ran on, named as in Table B.1, and the GPU whose FP32
#: throughput each one's speed-up is relative to (Table B.2 caption).
NGC_GPU = {"V100": "Tesla V100", "T4": "T4", "A100": "A100"}
SPEEDUP_BASELINE = {"V100": "V100", "T4": "T4", "A100": "V100"}

Task = Literal["CV", "NLP"]
Mean = Literal["arithmetic", "geometric"]


def gflops_per_watt(tflops: float | np.ndarray | pd.Series, watts: float | np.ndarray | pd.Series):
    """Peak efficiency in GFLOPS/W (= GFLOPs per Joule) from TFLOPS and Watts."""
    return units.convert(1.0, "T", "G") * np.asarray(tflops, dtype=float) / np.asarray(watts, dtype=float)


def table_b1() -> pd.DataFrame:
    """Table B.1 with its GFLOPS/W column computed."""
    g = data.gpus()
    g["gflops_per_watt"] = gflops_per_watt(g["tflops"], g["tdp_watts"])
    return g


def gpu_family(name: str) -> str:
    """``"V100 16GB"`` -> ``"V100"``."""
    return name.split()[0]


def speedups() -> pd.DataFrame:
    """Table B.2 with the speed-up column computed (see module docstring)."""
    n = data.ngc()
    n["gpu_family"] = n["gpu"].map(gpu_family)
    unknown = sorted(set(n["gpu_family"]) - set(SPEEDUP_BASELINE))
    if unknown:
        raise ValueError(f"ngc.csv: no speed-up baseline for GPU(s) {unknown}")
    n["baseline_gpu"] = n["gpu_family"].map(SPEEDUP_BASELINE)
    fp32 = n[n["precision"] == "FP32"].set_index(["task", "model", "framework", "gpu_family"])["throughput"]
    keys = list(zip(n["task"], n["model"], n["framework"], n["baseline_gpu"]))
    missing = [k for k in keys if k not in fp32.index]
    if missing:
        raise ValueError(f"ngc.csv: no FP32 baseline throughput for {missing[:3]}")
    n["baseline_throughput"] = [fp32[k] for k in keys]
    n["speed_up"] = n["throughput"] / n["baseline_throughput"]
    return n


def _mean(values: pd.Series, how: Mean) -> float:
    if how == "geometric":
        return float(np.exp(np.log(values).mean()))
    return float(values.mean())


def table_5_1(mean: Mean = "arithmetic") -> pd.DataFrame:
    """Mean speed-up per task, GPU and precision over the NGC models (thesis Table 5.1)."""
    s = speedups()
    s = s[s["precision"] != "FP32"]
    rows = []
    for (task, gpu, precision), grp in s.groupby(["task", "gpu_family", "precision"], sort=True):
        rows.append(dict(task=task, gpu=gpu, precision=precision, baseline=f"{SPEEDUP_BASELINE[gpu]} FP32",
                         speed_up=_mean(grp["speed_up"], mean), n_models=len(grp),
                         models=", ".join(f"{m} ({f})" for m, f in zip(grp["model"], grp["framework"]))))
    return pd.DataFrame(rows)


@data.per_data_version
def table_b3(mean: Mean = "arithmetic", excluded: Sequence[str] = THESIS_B3_EXCLUDED) -> pd.DataFrame:
    """Table B.3: FP32 rows of B.1 (minus ``excluded``) and the adapted rows for CV and NLP."""
    b1 = table_b1()
    fp32 = b1[(b1["precision"] == "FP32") & ~b1["gpu"].isin(excluded)].copy()
    fp32["group"] = "not adapted"
    fp32["base_tflops"] = fp32["tflops"]
    t51 = table_5_1(mean)
    rows = [fp32]
    for _, r in t51.iterrows():
        gpu = b1[(b1["gpu"] == NGC_GPU[r["gpu"]]) & (b1["precision"] == "FP32")].iloc[0]
        base = b1[(b1["gpu"] == NGC_GPU[SPEEDUP_BASELINE[r["gpu"]]]) & (b1["precision"] == "FP32")].iloc[0]
        rows.append(pd.DataFrame([dict(
            gpu=gpu["gpu"], precision=r["precision"], tflops=base["tflops"] * r["speed_up"],
            tdp_watts=gpu["tdp_watts"], launch_date=gpu["launch_date"], segment=gpu["segment"],
            notes=f"{base['gpu']} FP32 peak x mean {r['task']} speed-up {r['speed_up']:.4f}",
            group=r["task"], base_tflops=base["tflops"])]))
    out = pd.concat(rows, ignore_index=True)
    out["gflops_per_watt"] = gflops_per_watt(out["tflops"], out["tdp_watts"])
    return out[["group", "gpu", "precision", "tflops", "tdp_watts", "launch_date", "segment", "gflops_per_watt",
                "base_tflops", "notes"]]


@dataclass(frozen=True)
class HardwareModel:
    """Which GPU points the hardware trend is fitted on (the thesis's choices by default)."""

    task: Task = "CV"
    adapted: bool = True
    segments: tuple[str, ...] = ("Desktop", "Server")
    excluded: tuple[str, ...] = THESIS_B3_EXCLUDED
    start_year: int = 2010
    end_year: int = 2021
    mean: Mean = "arithmetic"


def hardware_points(model: HardwareModel) -> pd.DataFrame:
    """The GPU points of ``model``: FP32 rows and, if ``adapted``, the task's adapted rows."""
    if model.task not in ("CV", "NLP"):
        raise ValueError(f"task must be 'CV' or 'NLP', got {model.task!r}")
    b3 = table_b3(model.mean, model.excluded)
    groups = ["not adapted"] + ([model.task] if model.adapted else [])
    pts = b3[b3["group"].isin(groups) & b3["segment"].isin(model.segments)]
    year = pts["launch_date"].dt.year
    pts = pts[(year >= model.start_year) & (year <= model.end_year)]
    if len(pts) < 3:
        raise ValueError(f"only {len(pts)} GPU points left for the hardware fit: widen the selection")
    return pts.reset_index(drop=True)


def fit_hardware(model: HardwareModel, level: float = 0.9) -> fits.Trend:
    """Exponential trend of GFLOPS/W over launch date (thesis Fig. 5.2)."""
    pts = hardware_points(model)
    return fits.fit_exponential(pts["launch_date"], pts["gflops_per_watt"], level=level)


def segments_param(segments: str) -> tuple[str, ...]:
    """The chapters' ``segments`` parameter (``"all"``, ``"Server"`` or ``"Desktop"``) as a tuple."""
    return ("Desktop", "Server") if segments == "all" else (segments,)


def excluded_param(exclude_fp32: str) -> tuple[str, ...]:
    """The chapters' ``exclude_fp32`` parameter (``"thesis"`` or ``"none"``) as GPU names."""
    return THESIS_B3_EXCLUDED if exclude_fp32 == "thesis" else ()


def model_from_params(task: Task, adapted: bool = True, segments: str = "all", exclude_fp32: str = "thesis",
                      start_year: int = 2010, end_year: int = 2021, speedup_mean: Mean = "arithmetic") -> HardwareModel:
    """A :class:`HardwareModel` from the chapters' parameter values."""
    if start_year > end_year:
        raise ValueError(f"start_year ({start_year}) must not be after end_year ({end_year})")
    return HardwareModel(task=task, adapted=adapted, segments=segments_param(segments),
                         excluded=excluded_param(exclude_fp32), start_year=start_year, end_year=end_year,
                         mean=speedup_mean)


#: Which peaks the thesis-method chapters use (not a numeric precision: see :data:`infertrends.model.chain.PRECISIONS`).
PEAK_POLICIES = ("adapted", "fp32", "tensor-peak")


def efficiency_points(task: Task, precision: str = "adapted", excluded: Sequence[str] = THESIS_B3_EXCLUDED,
                      segments: Sequence[str] = ("Desktop", "Server")) -> pd.DataFrame:
    """GPU efficiency points (``gpu``, ``launch_date``, ``gflops_per_watt``) for one precision policy.

    * ``adapted`` (thesis): FP32 rows of Table B.3 and the task's mixed-precision adapted rows;
    * ``fp32``: the FP32 rows only;
    * ``tensor-peak``: every GPU at its best theoretical peak in Table B.1 (tensor cores where it has them).
    """
    if precision == "tensor-peak":
        b1 = table_b1()
        b1 = b1[b1["segment"].isin(segments)]
        best = b1.sort_values("gflops_per_watt").groupby("gpu", sort=True).tail(1)
        return best[["gpu", "precision", "launch_date", "segment", "gflops_per_watt"]].reset_index(drop=True)
    if precision not in ("adapted", "fp32"):
        raise ValueError(f"precision must be one of {PEAK_POLICIES}, got {precision!r}")
    model = HardwareModel(task=task, adapted=precision == "adapted", segments=tuple(segments), excluded=tuple(excluded))
    pts = hardware_points(model)
    return pts[["gpu", "precision", "launch_date", "segment", "gflops_per_watt"]]


def best_available(points: pd.DataFrame, dates: pd.Series) -> pd.DataFrame:
    """For each date, the most efficient GPU point launched on or before it (``gpu``, ``gflops_per_watt``)."""
    pts = points.sort_values("launch_date")
    out = []
    for d in pd.to_datetime(dates):
        avail = pts[pts["launch_date"] <= d]
        if avail.empty:
            raise ValueError(f"no GPU in the data was launched by {d.date()}")
        best = avail.loc[avail["gflops_per_watt"].idxmax()]
        out.append(dict(gpu=best["gpu"], gpu_precision=best["precision"], gflops_per_watt=best["gflops_per_watt"]))
    return pd.DataFrame(out, index=getattr(dates, "index", None))
