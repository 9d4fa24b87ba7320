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
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cache
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


SPEC_QUANTITIES: tuple[str, ...] = tuple(PEAK_QUANTITY.values()) + (
    "tdp_watts", "memory_bandwidth_gb_s", "memory_gb", "idle_watts")


@cache
def _specs_cached() -> pd.DataFrame:
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


def spec_table() -> pd.DataFrame:
    """Every accelerator's energy-model values, one row per accelerator (wide), with launch dates."""
    df = _specs_cached()
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
    """The accelerator ``name`` at ``precision`` (dense peak), or :class:`ChainError` naming what is missing."""
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


@dataclass(frozen=True)
class LLM:
    """What the chain needs of a transformer language model."""

    params_billions: float
    active_params_billions: float | None = None
    n_layers: int | None = None
    kv_elements_per_layer: float | None = None  # cached elements per token per layer (K and V together)
    attention_width: float | None = None  # query heads x head size
    n_attention_layers: int | None = None  # layers with a per-token KV cache (None: all); the rest keep a fixed state

    @property
    def active(self) -> float:
        return self.active_params_billions or self.params_billions

    def with_defaults(self) -> "LLM":
        """Fill a missing architecture with the book's default (:func:`default_architecture`)."""
        if self.n_layers and self.kv_elements_per_layer and self.attention_width:
            return self
        d = default_architecture(self.params_billions)  # each missing value from the default, the rest kept
        return replace(self, n_layers=self.n_layers or d.n_layers,
                       kv_elements_per_layer=self.kv_elements_per_layer or d.kv_elements_per_layer,
                       attention_width=self.attention_width or d.attention_width)

    @property
    def kv_layers(self) -> float:
        """Layers that attend over every earlier token and cache its keys and values.

        A sliding-window layer counts as one: exact while the context is shorter than its window, an upper
        bound beyond. Recurrent layers (Mamba-2, Gated DeltaNet) are left out: their state does not grow
        with the context."""
        m = self.with_defaults()
        return float(m.n_attention_layers or m.n_layers)

    def kv_bytes_per_token(self, precision: str) -> float:
        """KV-cache bytes one token adds: attention layers x cached elements per layer x bytes per element."""
        return self.kv_layers * float(self.with_defaults().kv_elements_per_layer) * BYTES_PER_ELEMENT[precision]

    def attention_flops(self, context: float) -> float:
        """FLOPs of attention over ``context`` earlier tokens for one new token: scores and weighted sum,
        2 x 2 x attention layers x context x attention width (query heads x head size)."""
        return 4.0 * self.kv_layers * float(context) * float(self.with_defaults().attention_width)

    def weight_bytes_touched(self, precision: str, tokens_in_step: float) -> float:
        """Bytes of weights read in one step that processes ``tokens_in_step`` tokens.

        Dense: every weight.  Mixture of experts: the active share of the weights each token uses,
        with tokens routed independently, touches on average ``P x (1 - (1 - A/P)^n)`` of the
        ``P`` parameters for ``n`` tokens (``A`` active); at one token that is ``A``, at many ``P``.
        """
        p, a = self.params_billions * 1e9, self.active * 1e9
        touched = p * (1.0 - (1.0 - a / p) ** max(tokens_in_step, 1.0)) if a < p else p
        return touched * BYTES_PER_ELEMENT[precision]


@cache
def _architecture_fit() -> tuple[float, float, float, float]:
    """Log-log fits of layers and attention width on parameters, and the median KV elements per layer."""
    arch = llm_architectures().dropna(subset=["n_layers", "params_billions", "attention_width"])
    arch = arch[arch["n_attention_layers"].isna()]  # transformers only: a hybrid's layers are not all attention
    x = np.log(arch["params_billions"].astype(float))
    layers = np.polyfit(x, np.log(arch["n_layers"].astype(float)), 1)
    width = np.polyfit(x, np.log(arch["attention_width"].astype(float)), 1)
    kv = float(np.median(arch["kv_elements_per_layer"].dropna()))
    return float(layers[0]), float(layers[1]), float(width[0]), float(width[1]), kv


def default_architecture(params_billions: float) -> LLM:
    """The book's default architecture for a model of ``params_billions`` when none is given.

    Layers and attention width from log-log fits on parameters over the transformers of
    ``data/extension/llm_architecture.csv`` (hybrids with recurrent layers left out); KV elements per
    token and layer, the median of those models (grouped-query attention makes it small and nearly
    independent of size).
    """
    ls, li, ws, wi, kv = _architecture_fit()
    lp = math.log(params_billions)
    return LLM(params_billions=params_billions, n_layers=max(1, int(round(math.exp(li + ls * lp)))),
               kv_elements_per_layer=kv, attention_width=float(round(math.exp(wi + ws * lp))))


def llm_architectures() -> pd.DataFrame:
    """Language models with their architecture: ``kv_elements_per_layer`` (K and V per token and
    layer), ``attention_width`` (query heads x head size) and parameter counts."""
    arch = data.load_extension("llm_architecture")
    sizes = data.load_extension("llm_extension")[["model", "params_billions", "active_params_billions"]]
    out = arch.merge(sizes, on="model", how="left")
    out["params_billions"] = out["params_billions"].fillna(out["params_billions_declared"])
    out["active_params_billions"] = out["active_params_billions"].fillna(out["params_billions"])
    out["kv_elements_per_layer"] = out["kv_cached_elements_per_layer"].fillna(2.0 * out["n_kv_heads"] * out["head_dim"])
    out["attention_width"] = (out["n_heads"] * out["head_dim"]).fillna(out["hidden_size"])
    return out


@cache
def llm(model: str) -> LLM:
    """A language model of the data with its architecture."""
    arch = llm_architectures().set_index("model")
    if model not in arch.index:
        raise ChainError(f"no architecture for {model!r} in data/extension/llm_architecture.csv")
    r = arch.loc[model]
    opt = lambda v: None if pd.isna(v) else float(v)  # noqa: E731
    return LLM(params_billions=float(r["params_billions"]), active_params_billions=float(r["active_params_billions"]),
               n_layers=opt(r["n_layers"]), kv_elements_per_layer=opt(r["kv_elements_per_layer"]),
               attention_width=opt(r["attention_width"]),
               n_attention_layers=None if pd.isna(r["n_attention_layers"]) else int(r["n_attention_layers"]))


def step_dense(gflops_per_unit: float, params_millions: float, precision: str, batch: float,
               bytes_per_unit: float = 0.0) -> Step:
    """A batch of ``batch`` images or sequences through a network of ``params_millions`` weights.

    The weights are read once per batch; ``bytes_per_unit`` adds traffic per unit (activations
    spilled to memory; 0 by default, so the memory term is a lower bound for CNNs).
    """
    weights = params_millions * 1e6 * BYTES_PER_ELEMENT[precision]
    return Step(flops=gflops_per_unit * 1e9 * batch, bytes=weights + bytes_per_unit * batch, units=batch,
                memory_needed=weights)


def step_prefill(m: LLM, precision: str, batch: float, input_tokens: float) -> Step:
    """Prefill of ``batch`` sequences of ``input_tokens``: per input token, 2 x active parameters
    plus attention over the tokens before it (mean context input/2); weights read once, KV cache written."""
    tokens = batch * input_tokens
    flops = tokens * (FLOPS_PER_PARAM * m.active * 1e9 + m.attention_flops(input_tokens / 2))
    kv = m.kv_bytes_per_token(precision) * tokens
    weights = m.weight_bytes_touched(precision, tokens)
    return Step(flops=flops, bytes=weights + kv, units=tokens,
                memory_needed=m.params_billions * 1e9 * BYTES_PER_ELEMENT[precision] + kv)


def step_decode(m: LLM, precision: str, batch: float, context: float, max_context: float | None = None) -> Step:
    """One decode step of ``batch`` sequences at mean ``context`` tokens: each sequence makes one token
    (2 x active parameters + attention over its context), reads the weights the batch touches once and
    its own KV cache (``context`` tokens).  The weight GEMMs and the attention over the KV cache are separate
    kernels, one after the other: two operators, each with its own roofline (``parts``)."""
    kv_token = m.kv_bytes_per_token(precision)
    gemm = (batch * FLOPS_PER_PARAM * m.active * 1e9, m.weight_bytes_touched(precision, batch))
    attention = (batch * m.attention_flops(context), batch * context * kv_token)
    return Step(flops=gemm[0] + attention[0], bytes=gemm[1] + attention[1], units=batch,
                memory_needed=m.params_billions * 1e9 * BYTES_PER_ELEMENT[precision]
                + batch * (max_context or context) * kv_token, parts=(gemm, attention))


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


def max_batch(m: LLM, hw: Hardware, precision: str, context: float, usable: float = 1.0,
              longest: float | None = None) -> int:
    """The largest number of sequences holding ``context`` tokens each in the KV cache that fits beside the
    weights in ``usable`` of the accelerators' memory (0 if not even one sequence of ``longest`` tokens, default
    ``context``, fits)."""
    if hw.memory_gb is None:
        raise ChainError(f"{hw.name} has no sourced memory capacity")
    free = usable * hw.memory_gb * 1e9 * hw.count - m.params_billions * 1e9 * BYTES_PER_ELEMENT[precision]
    per_token = m.kv_bytes_per_token(precision)
    if free <= 0 or free < (longest or context) * per_token:
        return 0
    return int(free // (context * per_token))


__all__ = ["ChainError", "Factors", "Hardware", "LLM", "Result", "Step", "default_architecture", "efficiency_point",
           "energy", "hardware", "llm", "max_batch", "run", "sourced", "step_decode", "step_dense", "step_prefill",
           "thesis_factors"]
