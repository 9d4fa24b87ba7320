"""The chain's sourced factors: each factor's central value and range from ``data/external_values.csv`` (the
compute fraction from inference measurements, :mod:`infertrends.model.achieved`), the calibrated memory power,
and every corner of the ranges, at a boundary."""

from __future__ import annotations

import itertools
from typing import Mapping

import infertrends.data as data
import infertrends.model.accelerators as accelerators
import infertrends.model.achieved as achieved
import infertrends.model.chain as chain
from infertrends.model.accelerators import CUSTOM


#: Where each factor's central value and range come from (keys of ``data/external_values.csv``).
#: (key, which column is the central value, low key/column, high key/column)
FACTOR_SOURCES: dict[str, dict[str, tuple[str, str]]] = {
    "compute_fraction": {"value": ("mfu_training_h100", "value"), "low": ("mfu_training_v100_gpt3", "value"),
                         "high": ("mfu_inference_prefill_tpu", "value")},
    "memory_fraction": {"value": ("mbu_decode_h100_databricks", "value"),
                        "low": ("mbu_decode_a100_databricks", "value"),
                        "high": ("mbu_decode_a100_gptfast_70b", "value")},
    "idle_fraction": {"value": ("idle_fraction_gpu", "value"), "low": ("idle_fraction_gpu", "low"),
                      "high": ("idle_fraction_gpu", "high")},
    "host_overhead": {"value": ("host_overhead_gemini", "value"), "low": ("host_overhead_gemini", "low"),
                      "high": ("host_overhead_gemini", "high")},
    "pue": {"value": ("pue_industry_average", "value"), "low": ("pue_hyperscale", "value"),
            "high": ("pue_industry_average", "high")},
}


#: The decode power each end of the memory-power calibration uses: (key, column) of external_values.
MEMORY_POWER_SOURCES: dict[str, tuple[str, str]] = {
    "value": ("power_fraction_decode_h200", "value"), "low": ("power_fraction_decode_h200", "low"),
    "high": ("power_fraction_serving_h100_mlenergy", "value")}


def memory_power(idle_fraction: float, memory_fraction: float, which: str = "value") -> float:
    """The calibrated share k of the idle-to-TDP power range that a bandwidth-bound step draws.

    Calibrated on measured decode power p (a fraction of TDP) with negligible compute use:
    p = idle + (1 - idle) x k x f_m, so k = (p - idle) / ((1 - idle) x f_m), clipped to [0, 1].
    Central value and low end: H200 decode (``power_fraction_decode_h200``); high end: H100 serving
    a small model at batch 16 (``power_fraction_serving_h100_mlenergy``).  The two studies disagree
    by a factor of about two; the range keeps both.  A calibration, not a measurement of k.
    """
    key, col = MEMORY_POWER_SOURCES[which]
    p = chain.sourced(key, "power_fraction", which=col)
    k = (p - idle_fraction) / ((1.0 - idle_fraction) * memory_fraction)
    return min(1.0, max(0.0, k))


def value_of(slot: str, end: str, precision: str) -> tuple[float, str]:
    """A factor's value at one end of its sourced range (``value``, ``low``, ``high``) and its source.  The
    compute fraction comes from inference measurements at the precision (:mod:`infertrends.model.achieved`); the
    training MFU of :data:`FACTOR_SOURCES` only where a precision has none."""
    if slot == "compute_fraction" and precision in achieved.PRECISIONS:
        return achieved.compute_fraction(precision, end)
    key, col = FACTOR_SOURCES[slot][end]
    return chain.sourced(key, slot, precision=precision, which=col), f"{key} ({col})" if col != "value" else key


#: Which end of each factor's range gives the least energy (the other gives the most).
LOW_ENERGY_END: dict[str, str] = {"compute_fraction": "high", "memory_fraction": "high", "idle_fraction": "low",
                                  "memory_power": "low", "host_overhead": "low", "pue": "low"}


def factors(precision: str, boundary: str = "facility", ends: Mapping[str, str] | None = None,
            accelerator: str | None = None, hw: chain.Hardware | None = None) -> chain.Factors:
    """The sourced factors, each at its central value or at the end of its range named in ``ends``
    (``value``, ``low`` or ``high``; ``memory_power`` follows the range of the decode power it is
    calibrated on).  The central idle power is ``accelerator``'s own where it is sourced (the chain
    uses it), so that k is calibrated with the idle power the chain applies.  Factors outside
    ``boundary`` are neutral: host 1 at the accelerator, PUE 1 at the node."""
    ends = dict(ends or {})
    values: dict[str, float] = {}
    sources: list[tuple[str, str]] = []
    for slot in FACTOR_SOURCES:
        v, src = value_of(slot, ends.get(slot, "value"), precision)
        if slot == "idle_fraction" and (accelerator or hw) and "idle_fraction" not in ends:
            hw = hw or accelerators.hardware(accelerator, precision)  # type: ignore[arg-type]
            if hw.idle_watts is not None:
                where = "--idle-watts" if hw.name == CUSTOM else f"idle_watts of {hw.name} (accelerator_specs.csv)"
                v, src = hw.idle_watts / hw.tdp_watts, where
        values[slot] = v
        sources.append((slot, src))
    values["memory_power"] = memory_power(values["idle_fraction"], values["memory_fraction"],
                                          ends.get("memory_power", "value"))
    sources.append(("memory_power", "calibrated on power_fraction_decode_h200"))
    if boundary == "accelerator":
        values["host_overhead"], values["pue"] = 1.0, 1.0
    elif boundary == "node":
        values["pue"] = 1.0
    return chain.Factors(**values, sources=tuple(sources))


def default_factors(precision: str, boundary: str = "facility", accelerator: str | None = None,
                    hw: chain.Hardware | None = None) -> chain.Factors:
    """The sourced factors at their central values (idle: the accelerator's own where sourced)."""
    return factors(precision, boundary, accelerator=accelerator, hw=hw)


@data.per_data_version
def corners(precision: str, boundary: str = "facility") -> list[chain.Factors]:
    """Every corner of the sourced ranges (each factor at its low or high end)."""
    slots = list(LOW_ENERGY_END)
    return [factors(precision, boundary, dict(zip(slots, ends)))
            for ends in itertools.product(("low", "high"), repeat=len(slots))]
