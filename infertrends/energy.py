"""Energy per inference (thesis §5.2) and the human references it is compared with (§5.3).

Energy [J] = FLOPs per forward pass / efficiency [FLOPs/J], where the efficiency is the
hardware trend's GFLOPS/W (= GFLOPs/J) at the model's release date (Eq. 5.1, 5.2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import infertrends.constants as C
import infertrends.fits as fits
import infertrends.units as units


def joules_per_forward_pass(gflops: pd.Series | np.ndarray, release_dates: pd.Series, hardware: fits.Trend) -> np.ndarray:
    """Joules of one forward pass of each model on the hardware trend at its release date.

    Units are carried explicitly: GFLOPs -> FLOPs, GFLOPS/W -> FLOPs/J, FLOPs / (FLOPs/J) -> J.
    """
    flops = units.to_base(np.asarray(gflops, dtype=float), "G")
    flops_per_joule = units.to_base(hardware.predict(release_dates), "G")
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
    import infertrends.data as data
    import infertrends.scaling as scaling

    if task == "CV":
        df = scaling.vision_models(estimates)
    elif task == "NLP":
        df = data.language()
    else:
        raise ValueError(f"task must be 'CV' or 'NLP', got {task!r}")
    df["gflops_per_watt"] = hardware_trend.predict(df["release_date"])
    df["joules"] = joules_per_forward_pass(df["gflops"], df["release_date"], hardware_trend)
    return df
