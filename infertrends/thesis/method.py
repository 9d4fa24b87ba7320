"""Energy per inference (thesis §5.2) and the human references it is compared with (§5.3).

Energy [J] = FLOPs per forward pass / efficiency [FLOPs/J], where the efficiency is the
hardware trend's GFLOPS/W (= GFLOPs/J) at the model's release date (Eq. 5.1, 5.2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import infertrends.core.fits as fits
import infertrends.core.units as units
import infertrends.data as data
import infertrends.thesis.constants as C
import infertrends.thesis.hardware as hardware
import infertrends.thesis.scaling as scaling
from infertrends.thesis.bounds import BOUNDS


def joules(gflops: pd.Series | np.ndarray, gflops_per_watt: pd.Series | np.ndarray) -> np.ndarray:
    """Joules of forward passes of ``gflops`` on hardware of ``gflops_per_watt`` (Eq. 5.2).

    The thesis's estimate, which is the special case of the book's one chain
    (:func:`infertrends.model.chain.thesis_factors`: compute only, full use of the peak, power at TDP,
    the accelerator alone); a test checks that the two agree.  It is written out here in the
    thesis's own arithmetic, FLOPs / (FLOPs per Joule), so that every reproduced number keeps its
    last digit.  Units are carried explicitly: GFLOPs -> FLOPs, GFLOPS/W -> FLOPs/J.
    """
    flops = units.to_base(np.asarray(gflops, dtype=float), "G")
    flops_per_joule = units.to_base(np.asarray(gflops_per_watt, dtype=float), "G")
    return np.array([units.joules_per_inference(f, e) for f, e in zip(flops, flops_per_joule)])


def human_watts(kcal_per_day: float = C.HUMAN_KCAL_PER_DAY,
                kwh_per_year: float = C.USA_KWH_PER_PERSON_YEAR_2019) -> dict[str, float]:
    """The thesis's two references in J/s: body (food) energy and total per-capita energy use."""
    return {
        "internal": units.kcal_per_day_to_watts(kcal_per_day),
        "external": units.kwh_per_year_to_watts(kwh_per_year),
    }


def models_with_joules(task: str, hardware_trend: fits.Trend, estimates: str = "recomputed") -> pd.DataFrame:
    """Table A.3 (``task="CV"``) or A.4 (``"NLP"``) with hardware efficiency and Joules at release."""
    if task == "CV":
        df = scaling.vision_models(estimates)
    elif task == "NLP":
        df = data.language()
    else:
        raise ValueError(f"task must be 'CV' or 'NLP', got {task!r}")
    df["gflops_per_watt"] = hardware_trend.predict(df["release_date"])
    df["joules"] = joules(df["gflops"], df["gflops_per_watt"])
    return df


HARDWARE_MODELS = ("trend", "best-gpu", "named-gpu")


@dataclass(frozen=True)
class Assumptions:
    """Every assumption of the energy estimate; the defaults are the thesis's.

    Energy per forward pass = FLOPs / (peak FLOPs per Joule at TDP)
                              x power_fraction / utilisation x host_overhead x pue,
    the compute side of the book's chain (:mod:`infertrends.model.chain`) with a fixed power (a test
    checks that they agree).  The
    utilisation is a fraction of the peak chosen by ``precision``: published model-FLOPs
    utilisations are fractions of dense tensor peaks, so they belong with ``tensor-peak``, not with
    the adapted or FP32 peaks; power fractions of a whole node already include the host.
    """

    hardware: str = "trend"  # trend at the release date | best GPU available then | one named GPU
    precision: str = "adapted"  # adapted (thesis) | fp32 | tensor-peak
    gpu: str = "Tesla V100"  # used by hardware="named-gpu"
    utilisation: float = 1.0  # fraction of peak FLOPS achieved (thesis: 1)
    power_fraction: float = 1.0  # average power as a fraction of TDP (thesis: 1)
    host_overhead: float = 1.0  # server power / accelerator power (thesis: 1, GPU only)
    pue: float = 1.0  # data-centre power usage effectiveness (thesis: 1, none)
    segments: tuple[str, ...] = ("Desktop", "Server")  # GPU segments considered
    exclude_fp32: bool = True  # leave out the FP32 rows Table B.3 leaves out (P100, A100, A30)

    def __post_init__(self) -> None:
        BOUNDS["hardware_model"].coerce(self.hardware)
        for name in ("utilisation", "power_fraction", "host_overhead", "pue"):
            BOUNDS[name].coerce(getattr(self, name))

    @property
    def multiplier(self) -> float:
        """Factor on the thesis's Joules from the operating assumptions."""
        return self.power_fraction / self.utilisation * self.host_overhead * self.pue


def _points(task: str, a: Assumptions) -> pd.DataFrame:
    """The GPU efficiency points ``a`` draws on."""
    excluded = hardware.THESIS_B3_EXCLUDED if a.exclude_fp32 else ()
    return hardware.efficiency_points(task, a.precision, excluded=excluded, segments=a.segments)


def peak_efficiency(task: str, dates: pd.Series, a: Assumptions) -> pd.DataFrame:
    """Peak GFLOPs per Joule (at TDP) of the hardware each model is assumed to run on."""
    points = _points(task, a)
    if a.hardware == "trend":
        trend = fits.fit_exponential(points["launch_date"], points["gflops_per_watt"], resamples=0)
        return pd.DataFrame({"gpu": "trend", "gflops_per_watt": trend.predict(dates)}, index=getattr(dates, "index", None))
    if a.hardware == "best-gpu":
        return hardware.best_available(points, dates)
    hit = points[points["gpu"] == a.gpu]
    if hit.empty:
        raise ValueError(f"GPU {a.gpu!r} has no {a.precision} point for {task}; available: "
                         + ", ".join(sorted(points["gpu"].unique())))
    value = float(hit["gflops_per_watt"].max())
    return pd.DataFrame({"gpu": a.gpu, "gflops_per_watt": value}, index=getattr(dates, "index", range(len(dates))))


@data.per_data_version
def hardware_trend(task: str, a: Assumptions, level: float = 0.9) -> fits.Trend:
    """The exponential trend of the GPU points of ``a``'s precision (thesis Fig. 5.2 for the defaults)."""
    points = _points(task, a)
    return fits.fit_exponential(points["launch_date"], points["gflops_per_watt"], level=level)


def efficiency_and_joules(task: str, gflops: pd.Series, dates: pd.Series, a: Assumptions) -> pd.DataFrame:
    """Hardware assumed (``gpu``), its peak ``gflops_per_watt`` and the ``joules`` under ``a``."""
    out = peak_efficiency(task, dates, a)
    out["joules"] = joules(gflops, out["gflops_per_watt"]) * a.multiplier
    return out
