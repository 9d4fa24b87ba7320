"""One accounting chain for the energy of inference, from the accelerator to the facility.

Every chapter beyond the thesis computes energy here, and nowhere else::

    time per step    = max(FLOPs / (f_c x peak at the precision used),       roofline: the larger
                           bytes / (f_m x memory bandwidth))                   of the two binds
    realised use     u_c = FLOPs / (time x peak),  u_m = bytes / (time x bandwidth)
    accelerator W    = TDP x min(1, idle + (1 - idle) x (u_c + k x u_m))      power follows activity
    accelerator J    = accelerator W x time / units in the step
    node J           = accelerator J x host overhead                            (node / accelerator power)
    facility J       = node J x PUE                                             (facility / IT power)

Each factor applies at exactly one boundary and is a fraction of exactly one baseline
(``SLOTS``); a sourced value of ``data/external_values.csv`` measured at another boundary or
relative to another baseline is refused by :func:`sourced`.  The thesis's estimate is the special
case ``thesis_factors()``: the adapted peak, compute-bound (no memory term), f_c = 1 (so u_c = 1
and the power is TDP), no host, no PUE.

Sources of the structure: the roofline (Williams, Waterman & Patterson 2009) and its energy
form, in which energy = FLOPs x e_flop + bytes x e_byte + static power x time (Choi, Bedard,
Fowler & Vuduc 2013, "A roofline model of energy"); here the dynamic part is written as a
fraction of the accelerator's range from idle to TDP. ``../shared/design/energy-boundaries.md``
in the project's shared folder states the boundaries and baselines.

The chain takes a :class:`Hardware` and a :class:`Step`: the accelerators of the data, as hardware, are in
:mod:`infertrends.model.accelerators`; the steps of dense networks and of transformer language models in
:mod:`infertrends.model.workloads`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

import infertrends.data as data

Precision = Literal["fp32", "tf32", "fp16", "bf16", "fp8", "int8"]
PRECISIONS: tuple[str, ...] = ("fp32", "tf32", "fp16", "bf16", "fp8", "int8")

#: Bytes per stored element (weights, KV cache) at each precision. TF32 is a compute format; its
#: operands are stored as FP32.
BYTES_PER_ELEMENT: dict[str, float] = {"fp32": 4, "tf32": 4, "fp16": 2, "bf16": 2, "fp8": 1, "int8": 1}

#: The spec quantity holding each precision's dense peak (TFLOPS, TOPS for int8).
PEAK_QUANTITY: dict[str, str] = {
    "fp32": "fp32_tflops", "tf32": "tf32_tflops_dense", "fp16": "fp16_tensor_tflops_dense",
    "bf16": "bf16_tensor_tflops_dense", "fp8": "fp8_tflops_dense", "int8": "int8_tops_dense",
}

BOUNDARIES: tuple[str, ...] = ("accelerator", "node", "facility")

#: What a compute fraction is a fraction of, by the precision the work runs at.
PEAK_BASELINE: dict[str, str] = {"fp32": "fp32 peak", "adapted": "adapted peak",
                                 **{p: "dense tensor peak" for p in ("tf32", "fp16", "bf16", "fp8", "int8")}}

#: Each factor of the chain: (boundary it applies at, baseline it is a fraction or multiple of).
#: ``compute_fraction``'s baseline depends on the precision (:data:`PEAK_BASELINE`).
SLOTS: dict[str, tuple[str, str]] = {
    "compute_fraction": ("accelerator", "peak at the precision used"),
    "memory_fraction": ("accelerator", "memory bandwidth"),
    "idle_fraction": ("accelerator", "TDP"),
    "power_fraction": ("accelerator", "TDP"),  # a measured accelerator power (calibrates memory_power)
    "memory_power": ("accelerator", "dynamic power range"),
    "host_overhead": ("node", "accelerator power"),
    "pue": ("facility", "node power"),
}

WORKLOADS: tuple[str, ...] = ("vision", "encoder", "llm-prefill", "llm-decode", "llm-query")
UNITS: dict[str, str] = {"vision": "image", "encoder": "sequence", "llm-prefill": "input token",
                         "llm-decode": "output token", "llm-query": "query"}

#: FLOPs per parameter per token of a transformer's weights (one multiply-add per weight; Kaplan et
#: al. 2020, arXiv:2001.08361, section 2.1).
FLOPS_PER_PARAM = 2.0


class ChainError(ValueError):
    """A value used at the wrong boundary or baseline, or a configuration the chain cannot compute."""


# --- sourced values with their boundary and baseline ------------------------------------------

def sourced(key: str, slot: str, precision: str | None = None, which: str = "value") -> float:
    """A value of ``data/external_values.csv`` for one slot of the chain, or :class:`ChainError`.

    The value's declared ``boundary`` and ``baseline`` must be the slot's (for
    ``compute_fraction``, the baseline of the peak at ``precision``).
    """
    if slot not in SLOTS:
        raise ChainError(f"unknown slot {slot!r}; slots: {', '.join(SLOTS)}")
    row = data.external(key)
    boundary, baseline = SLOTS[slot]
    if slot == "compute_fraction":
        if precision is None:
            raise ChainError("a compute fraction needs the precision of the peak it is a fraction of")
        baseline = PEAK_BASELINE[precision]
    if row["boundary"] != boundary or row["baseline"] != baseline:
        raise ChainError(
            f"external value '{key}' is measured at the {row['boundary']} boundary relative to "
            f"{row['baseline']}; the chain's {slot} needs the {boundary} boundary relative to {baseline}")
    value = row[which]
    if pd.isna(value):
        raise ChainError(f"external value '{key}' has no {which}")
    return float(value)


# --- hardware -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hardware:
    """An accelerator (or a thesis efficiency point) at one precision.

    ``peak_tflops`` is the dense peak at ``precision`` (TOPS for int8); ``baseline`` names it.
    ``bandwidth_gb_s`` and ``memory_gb`` are None for points that only know FLOPs per Watt.
    """

    name: str
    precision: str
    peak_tflops: float
    tdp_watts: float
    baseline: str
    bandwidth_gb_s: float | None = None
    memory_gb: float | None = None
    idle_watts: float | None = None
    count: int = 1
    # a power limit per accelerator below TDP (W): a step that would draw more runs at the limit, its time
    # stretched by (uncapped power / limit) ** cap_exponent (see :func:`energy`)
    power_cap_watts: float | None = None
    cap_exponent: float = 0.0
    # accelerators of the system beside ``count`` with nothing to do in the step (a batch smaller than the
    # accelerators): each draws its idle power for the step's duration (see :func:`energy`)
    idle_count: int = 0

    @property
    def gflops_per_watt(self) -> float:
        """Peak GFLOPS per Watt of TDP (the thesis's efficiency) at this precision."""
        return self.peak_tflops * 1e3 / self.tdp_watts


# --- work ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One step of work on the accelerators: FLOPs and bytes moved, shared by ``units`` units of work."""

    flops: float  # FLOPs of the whole step
    bytes: float  # bytes moved from memory in the step
    units: float  # units of work the step completes (images, sequences, tokens)
    memory_needed: float = 0.0  # bytes resident in memory (weights + KV cache) during the step
    overhead_seconds: float = 0.0  # least time the framework takes to issue the step (eager runtime)
    comm_seconds: float = 0.0  # all-reduces between the accelerators of one model copy, after the compute
    # (FLOPs, bytes) of operators that run one after another (their roofline times add up); empty: the step is
    # one roofline over its totals
    parts: tuple[tuple[float, float], ...] = ()


# --- factors and the chain ------------------------------------------------------------------------

@dataclass(frozen=True)
class Factors:
    """The chain's factors; the defaults are neutral (the thesis's except for the roofline and power).

    ``power_fraction`` set (a fraction of TDP) replaces the activity model by a fixed power, as
    the thesis's energy chapter parameterises it.
    """

    compute_fraction: float = 1.0  # f_c: achieved fraction of the dense peak at the precision used
    memory_fraction: float = 1.0  # f_m: achieved fraction of the memory bandwidth
    idle_fraction: float = 0.0  # idle power / TDP when the accelerator has no sourced idle power
    memory_power: float = 1.0  # k: share of the idle-to-TDP range a bandwidth-saturated step draws
    host_overhead: float = 1.0  # node power / accelerator power
    pue: float = 1.0  # facility power / IT power
    roofline: bool = True  # False: compute side only (the thesis)
    power_fraction: float | None = None  # fixed accelerator power / TDP instead of the activity model
    sources: tuple[tuple[str, str], ...] = ()  # (factor, where its value comes from)

    def __post_init__(self) -> None:
        checks = {"compute_fraction": (0, 1, False), "memory_fraction": (0, 1, False), "idle_fraction": (0, 1, True),
                  "memory_power": (0, 1, True), "host_overhead": (1, 10, True), "pue": (1, 5, True)}
        for name, (lo, hi, closed) in checks.items():
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not math.isfinite(v) or not (
                    (lo <= v if closed else lo < v) and v <= hi):
                raise ChainError(f"{name} must be in {'[' if closed else '('}{lo:g}, {hi:g}], got {v!r}")
        if self.power_fraction is not None and not (math.isfinite(self.power_fraction)
                                                    and 0 < self.power_fraction <= 2):
            raise ChainError(f"power_fraction must be in (0, 2], got {self.power_fraction!r}")


def thesis_factors() -> Factors:
    """The thesis's estimate as a case of the chain: compute only, full use of the peak, power at TDP."""
    return Factors(roofline=False, power_fraction=1.0)


@dataclass(frozen=True)
class Result:
    """Energy of one unit of work at each boundary, and how it was obtained."""

    joules: dict[str, float]  # boundary -> J per unit
    seconds_per_unit: float
    bound: str  # "compute" or "memory"
    compute_use: float  # realised fraction of the peak
    memory_use: float | None  # realised fraction of the bandwidth (None: unknown bandwidth)
    accelerator_watts: float  # per accelerator
    power_fraction: float  # of TDP


def energy(step: Step, hw: Hardware, compute_fraction: Any, memory_fraction: Any = 1.0, idle_fraction: Any = 0.0,
           memory_power: Any = 1.0, host_overhead: Any = 1.0, pue: Any = 1.0, roofline: bool = True,
           power_fraction: Any = None) -> dict[str, Any]:
    """The chain's arithmetic on scalars or numpy arrays of factors (one formula for every caller).

    Returns seconds per step, the realised fractions, the power fraction of TDP and the Joules per
    unit at each boundary.  ``hw.idle_watts``, when sourced, replaces ``idle_fraction``.
    """
    peak = hw.peak_tflops * 1e12 * hw.count
    speed = np.asarray(compute_fraction, dtype=float) * peak
    t_compute = step.flops / speed
    if roofline:
        if hw.bandwidth_gb_s is None:
            raise ChainError(f"{hw.name} has no sourced memory bandwidth: the roofline's memory side cannot be "
                             "computed (describe it with --accelerator custom and its --bandwidth-gbs, or use the "
                             "compute side only)")
        feed = np.asarray(memory_fraction, dtype=float) * hw.bandwidth_gb_s * 1e9 * hw.count
        t_memory = step.bytes / feed
        # operators in sequence: each its own roofline, their times added (a step of one operator: the same)
        t_ops = sum((np.maximum(f / speed, b / feed) for f, b in step.parts), np.zeros_like(t_compute))
        t_roof = t_ops if step.parts else np.maximum(t_compute, t_memory)
    else:
        t_memory = np.zeros_like(t_compute)
        t_roof = t_compute
    # the tensor-parallel all-reduces follow the step's compute (infertrends.model.interconnect): their time adds up
    t = np.maximum(t_roof, step.overhead_seconds) + step.comm_seconds
    u_c = step.flops / (t * peak)
    u_m = step.bytes / (t * hw.bandwidth_gb_s * 1e9 * hw.count) if hw.bandwidth_gb_s else np.zeros_like(t)
    idle = hw.idle_watts / hw.tdp_watts if hw.idle_watts is not None else np.asarray(idle_fraction, dtype=float)
    if power_fraction is not None:
        pf = np.asarray(power_fraction, dtype=float) + np.zeros_like(t)
    else:
        pf = np.minimum(1.0, idle + (1.0 - idle) * (u_c + np.asarray(memory_power, dtype=float) * u_m))
        if hw.power_cap_watts is not None:
            # under a power limit the clocks drop: the step draws the limit and takes longer, by the measured
            # throughput-vs-limit exponent (infertrends.model.achieved.cap_exponent)
            cap = hw.power_cap_watts / hw.tdp_watts
            stretch = np.where(pf > cap, (pf / cap) ** hw.cap_exponent, 1.0)
            t, u_c, u_m, pf = t * stretch, u_c / stretch, u_m / stretch, np.minimum(pf, cap)
    acc = (pf * hw.count + idle * hw.idle_count) * hw.tdp_watts * t / step.units
    node = acc * np.asarray(host_overhead, dtype=float)
    return dict(seconds=t, memory_bound=t_memory > t_compute,
                framework_bound=step.overhead_seconds > t_roof, compute_use=u_c, memory_use=u_m, power_fraction=pf,
                accelerator=acc, node=node, facility=node * np.asarray(pue, dtype=float))


def run(step: Step, hw: Hardware, f: Factors) -> Result:
    """Push one step through the chain with the factors ``f`` (see the module docstring)."""
    e = energy(step, hw, f.compute_fraction, f.memory_fraction, f.idle_fraction, f.memory_power, f.host_overhead,
               f.pue, f.roofline, f.power_fraction)
    return Result(joules={b: float(e[b]) for b in BOUNDARIES}, seconds_per_unit=float(e["seconds"]) / step.units,
                  bound=("framework" if bool(e["framework_bound"])
                         else "memory" if bool(e["memory_bound"]) else "compute"),
                  compute_use=float(e["compute_use"]),
                  memory_use=float(e["memory_use"]) if hw.bandwidth_gb_s else None,
                  accelerator_watts=float(e["power_fraction"]) * hw.tdp_watts,
                  power_fraction=float(e["power_fraction"]))


__all__ = ["ChainError", "Factors", "Hardware", "Result", "Step", "energy", "run", "sourced", "thesis_factors"]
