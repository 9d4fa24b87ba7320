"""The accelerators of the data as the chain's :class:`~infertrends.model.chain.Hardware`: every accelerator's
sourced peaks per precision, TDP, memory bandwidth, capacity and idle power (Table B.1, the extension's
accelerators and ``accelerator_specs.csv``), and a point known only by its efficiency (the thesis's trend)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import infertrends.data as data
from infertrends.model.chain import PEAK_BASELINE, PEAK_QUANTITY, PRECISIONS, ChainError, Hardware

#: The ``--accelerator`` value of an accelerator described on the command line.
CUSTOM = "custom"


SPEC_QUANTITIES: tuple[str, ...] = tuple(PEAK_QUANTITY.values()) + (
    "tdp_watts", "memory_bandwidth_gb_s", "memory_gb", "idle_watts")


def _specs() -> pd.DataFrame:
    rows = []
    # Table B.1 (thesis): FP32 and dense FP16 tensor peaks ("FP16/FP32 Tensor"; P100's plain FP16).
    for _, g in data.gpus().iterrows():
        if g["segment"] != "Server":
            continue
        # FP16 rows without tensor cores (P100's packed half2 rate) are not a dense tensor peak: left out
        q = {"FP32": "fp32_tflops", "FP16/FP32 Tensor": "fp16_tensor_tflops_dense"}.get(g["precision"])
        if q:
            rows.append(dict(accelerator=g["gpu"], quantity=q, value=float(g["tflops"]), source="Table B.1"))
        rows.append(dict(accelerator=g["gpu"], quantity="tdp_watts", value=float(g["tdp_watts"]),
                         source="Table B.1"))
        rows.append(dict(accelerator=g["gpu"], quantity="launch", value=g["launch_date"].value, source="Table B.1"))
    ext = data.load_extension("accelerators_extension")
    for _, a in ext.iterrows():
        for q in ("fp32_tflops", "fp16_tensor_tflops_dense", "bf16_tensor_tflops_dense", "tdp_watts"):
            if not pd.isna(a[q]):
                rows.append(dict(accelerator=a["accelerator"], quantity=q, value=float(a[q]), source=a["source_url"]))
        rows.append(dict(accelerator=a["accelerator"], quantity="launch", value=a["launch_date"].value,
                         source=a["source_url"]))
    specs = data.load_extension("accelerator_specs")
    for _, s in specs.iterrows():
        if s["quantity"] in SPEC_QUANTITIES and not pd.isna(s["value"]):
            rows.append(dict(accelerator=s["accelerator"], quantity=s["quantity"],
                             value=float(s["value"]) * UNIT_TO_STORED.get(s["unit"], 1.0), source=s["source_url"]))
    df = pd.DataFrame(rows).drop_duplicates(["accelerator", "quantity"], keep="first")
    return df


#: Units of accelerator_specs.csv converted when loaded: a capacity printed in GiB, in decimal GB (memory_gb).
UNIT_TO_STORED = {"GiB": 2**30 / 1e9}


@data.per_data_version
def spec_table() -> pd.DataFrame:
    """Every accelerator's energy-model values, one row per accelerator (wide), with launch dates."""
    df = _specs()  # remembered with spec_table, per version of the data
    wide = df.pivot(index="accelerator", columns="quantity", values="value")
    if "launch" in wide:
        wide["launch_date"] = pd.to_datetime(wide.pop("launch"), unit="ns")
    for q in SPEC_QUANTITIES:
        if q not in wide:
            wide[q] = np.nan
    return wide.reset_index()


def accelerator_names() -> list[str]:
    """Accelerators with a TDP and at least one peak, as ``--accelerator`` accepts them."""
    t = spec_table()
    ok = t["tdp_watts"].notna() & t[list(PEAK_QUANTITY.values())].notna().any(axis=1)
    return sorted(t.loc[ok, "accelerator"])


def hardware(name: str, precision: str, count: int = 1) -> Hardware:
    """The accelerator ``name`` at ``precision`` (dense peak), or :class:`~infertrends.model.chain.ChainError`
    naming what is missing."""
    if precision not in PRECISIONS:
        raise ChainError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    t = spec_table().set_index("accelerator")
    if name not in t.index:
        raise ChainError(f"unknown accelerator {name!r}; see --list-accelerators")
    r = t.loc[name]
    peak = r[PEAK_QUANTITY[precision]]
    if pd.isna(peak):
        have = [p for p in PRECISIONS if not pd.isna(r[PEAK_QUANTITY[p]])]
        raise ChainError(f"accelerator {name!r} has no sourced dense {precision} peak; it has: {', '.join(have)}")
    if pd.isna(r["tdp_watts"]):
        raise ChainError(f"accelerator {name!r} has no published TDP, so its energy cannot be estimated")
    opt = lambda v: None if pd.isna(v) else float(v)  # noqa: E731
    return Hardware(name=name, precision=precision, peak_tflops=float(peak), tdp_watts=float(r["tdp_watts"]),
                    baseline=PEAK_BASELINE[precision], bandwidth_gb_s=opt(r["memory_bandwidth_gb_s"]),
                    memory_gb=opt(r["memory_gb"]), idle_watts=opt(r["idle_watts"]), count=int(count))


def efficiency_point(gflops_per_watt: float, name: str = "trend", baseline: str = "adapted peak") -> Hardware:
    """A hardware point known only by its peak GFLOPS per Watt of TDP (the thesis's trend).

    Its memory bandwidth is unknown, so only the compute side of the roofline applies.
    """
    return Hardware(name=name, precision="adapted" if baseline == "adapted peak" else "fp32",
                    peak_tflops=float(gflops_per_watt) / 1e3, tdp_watts=1.0, baseline=baseline)


__all__ = ["CUSTOM", "accelerator_names", "efficiency_point", "hardware", "spec_table"]
