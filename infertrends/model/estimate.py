"""Joules for a reader's own case: a workload on named accelerators, through the one chain.

:func:`estimate` is what ``python -m infertrends estimate`` prints.  The central estimate uses
the central sourced factors (:func:`~infertrends.model.factors.default_factors`); ``low`` and ``high``
are the least and most energy over every corner of the sourced ranges, with the accelerator's power
following its activity in each corner (so a busier corner also draws more power).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

import infertrends.data as data
import infertrends.model.accelerators as accelerators
import infertrends.model.achieved as achieved
import infertrends.model.chain as chain
import infertrends.model.interconnect as interconnect
import infertrends.model.workloads as workloads
from infertrends.model.accelerators import CUSTOM
from infertrends.model.factors import corners, default_factors, value_of


@dataclass(frozen=True)
class Request:
    """One estimate request (the ``estimate`` command's options)."""

    workload: str
    accelerator: str
    count: int
    precision: str
    batch: int
    boundary: str
    gflops: float | None = None
    params_billions: float | None = None
    active_params_billions: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cap_batch: bool = False
    n_layers: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    # an accelerator not in the data (``accelerator="custom"``): its dense peak at ``precision``, memory
    # bandwidth and capacity, TDP and idle power
    peak_tflops: float | None = None
    bandwidth_gb_s: float | None = None
    memory_gb: float | None = None
    tdp_watts: float | None = None
    idle_watts: float | None = None
    # accelerators per copy of the model (tensor parallel); the other count / tensor_parallel copies are
    # replicas, each serving batch / replicas. None: all ``count`` accelerators hold one copy
    tensor_parallel: int | None = None
    # "optimized" (a serving engine: no framework floor) or "eager" (plain PyTorch: a step takes at least its
    # layers x the measured seconds per layer, :func:`achieved.eager_seconds_per_layer`)
    runtime: str = "optimized"
    # a power limit per accelerator (W), at most its TDP (``nvidia-smi -pl``; MLPerf's MaxQ runs)
    power_cap_watts: float | None = None


#: The options that describe an accelerator on the command line (``--accelerator custom``).
CUSTOM_OPTIONS = ("peak_tflops", "bandwidth_gb_s", "memory_gb", "tdp_watts", "idle_watts")


def _option(name: str) -> str:
    """The command-line option of a request field."""
    return "--" + {"bandwidth_gb_s": "bandwidth-gbs", "n_layers": "layers"}.get(name, name.replace("_", "-"))


#: Workloads whose accelerators share the batch (one image or sequence is not split across accelerators).
BATCH_SPLIT_WORKLOADS = ("vision", "encoder")


def hardware_for(r: Request) -> chain.Hardware:
    """The accelerator of ``r`` (one of the data, or one described by the custom options), under its power limit
    where ``r`` sets one.  Images or sequences split by batch: with fewer in the batch than accelerators, each
    busy accelerator takes one and the others idle (``idle_count``)."""
    hw = _hardware(r)
    if r.workload in BATCH_SPLIT_WORKLOADS and r.batch < r.count:
        hw = replace(hw, count=int(r.batch), idle_count=int(r.count - r.batch))
    if r.power_cap_watts is None:
        return hw
    if r.power_cap_watts > hw.tdp_watts:
        raise chain.ChainError(f"--power-cap-watts ({r.power_cap_watts:g} W) is above the TDP of {hw.name} "
                               f"({hw.tdp_watts:g} W), its default limit: omit it or lower it")
    idle = (hw.idle_watts if hw.idle_watts is not None
            else value_of("idle_fraction", "value", r.precision)[0] * hw.tdp_watts)
    if r.power_cap_watts <= idle:
        raise chain.ChainError(f"--power-cap-watts ({r.power_cap_watts:g} W) must be above the idle power of "
                               f"{hw.name} ({idle:g} W)")
    return replace(hw, power_cap_watts=float(r.power_cap_watts), cap_exponent=achieved.cap_exponent())


def _hardware(r: Request) -> chain.Hardware:
    given = [n for n in CUSTOM_OPTIONS if getattr(r, n) is not None]
    if r.accelerator != CUSTOM:
        if given:
            raise chain.ChainError(f"{_option(given[0])} describes a custom accelerator: it goes with --accelerator "
                                   f"{CUSTOM}, not with a named one")
        return accelerators.hardware(r.accelerator, r.precision, r.count)
    need = ["peak_tflops", "bandwidth_gb_s", "tdp_watts"] + (["memory_gb"] if r.workload.startswith("llm") else [])
    missing = [n for n in need if getattr(r, n) is None]
    if missing:
        raise chain.ChainError(f"--accelerator {CUSTOM} needs {_option(missing[0])}")
    if r.idle_watts is not None and r.idle_watts >= r.tdp_watts:  # type: ignore[operator]
        raise chain.ChainError("--idle-watts must be below --tdp-watts")
    return chain.Hardware(name=CUSTOM, precision=r.precision, peak_tflops=float(r.peak_tflops),  # type: ignore[arg-type]
                          tdp_watts=float(r.tdp_watts), baseline=chain.PEAK_BASELINE[r.precision],  # type: ignore[arg-type]
                          bandwidth_gb_s=r.bandwidth_gb_s, memory_gb=r.memory_gb, idle_watts=r.idle_watts,
                          count=int(r.count))


class BatchTooLarge(chain.ChainError):
    """The batch's KV cache does not fit beside the weights."""

    def __init__(self, batch: int, largest: int, weights_fit: bool = False, context: float = 0.0):
        self.largest = largest
        if largest > 0:
            text = (f"a batch of {batch} does not fit in memory beside the weights; the largest that fits is "
                    f"{largest} (use --cap-batch to run at it)")
        elif weights_fit:
            text = (f"the KV cache of one sequence of {context:,.0f} tokens does not fit in memory beside the "
                    "weights: shorten --input-tokens/--output-tokens or add accelerators (--count)")
        else:
            text = "the weights alone do not fit in the accelerators' memory: add accelerators (--count)"
        super().__init__(text)


def _model(r: Request) -> workloads.LLM:
    kv = 2.0 * r.kv_heads * r.head_dim if r.kv_heads and r.head_dim else None
    return workloads.LLM(params_billions=r.params_billions, active_params_billions=r.active_params_billions,
                     n_layers=r.n_layers, kv_elements_per_layer=kv).with_defaults()


#: The runtimes of ``--runtime``.
RUNTIMES: tuple[str, ...] = ("optimized", "eager")


def eager_overhead(m: workloads.LLM | None, r: Request) -> float:
    """Seconds the eager runtime takes at least per step: layers x the measured seconds per layer (a CNN's for
    vision, a transformer's otherwise); 0 for the optimized runtime."""
    if r.runtime == "optimized":
        return 0.0
    layers = r.n_layers if r.n_layers is not None else (m.n_layers if m is not None else None)
    if layers is None:
        raise chain.ChainError(f"--runtime eager needs --layers for --workload {r.workload} (the network's weight "
                               "layers, e.g. 50 for ResNet-50, 24 for BERT-Large)")
    return float(layers) * achieved.eager_seconds_per_layer("cnn" if r.workload == "vision" else "transformer")


def steps_for(m: workloads.LLM | None, r: Request, batch: int) -> list[tuple[chain.Step, float]]:
    """The steps of one unit of ``r``'s work with the language model ``m`` (None for vision and for an
    encoder given by its FLOPs), and how many of each step's units one unit of work needs (each with the
    eager runtime's least seconds per step, :func:`eager_overhead`)."""
    over = eager_overhead(m, r)
    return [(replace(s, overhead_seconds=over, comm_seconds=communication(m, r, s.units)[0]), n)
            for s, n in _steps(m, r, batch)]


#: Workloads whose model is split over the accelerators of one copy (tensor parallel); vision and encoder work
#: is split by batch (each accelerator its own images or sequences), which needs no communication.
TENSOR_PARALLEL_WORKLOADS = ("llm-prefill", "llm-decode", "llm-query")


def default_tensor_parallel(r: Request, model: workloads.LLM | None = None) -> int:
    """Accelerators per copy of the model when ``--tensor-parallel`` is not given.

    A language model: the fewest accelerators (a divisor of ``--count`` whose copies share ``--batch`` equally)
    whose memory holds the weights and the KV cache of their share of the batch, the rest replicas: what a
    serving deployment does, since every accelerator added to a copy adds all-reduces to each step.  All
    ``--count`` where no smaller group holds it, and for vision and encoders (split by batch)."""
    m = _llm_or_none(r, model)
    if m is None or r.workload not in TENSOR_PARALLEL_WORKLOADS:
        return r.count
    for d in range(1, r.count):
        replicas = r.count // d
        if r.count % d or r.batch % replicas:
            continue
        one = replace(r, count=d, batch=r.batch // replicas, tensor_parallel=d, cap_batch=False)
        hw = hardware_for(one)
        if hw.memory_gb is None:
            return r.count
        if largest_batch(m, hw, r.precision, r.workload, r.input_tokens, r.output_tokens, r.runtime) >= one.batch:
            return d
    return r.count


#: What the estimate says of communication for work split by batch.
SPLIT_BY_BATCH = "the work is split by batch: no communication"


def communication(m: workloads.LLM | None, r: Request, tokens_in_step: float) -> tuple[float, str]:
    """Seconds of the all-reduces of one step of ``tokens_in_step`` tokens on ``r.count`` accelerators holding
    one copy of the model (:mod:`infertrends.model.interconnect`), and where they come from."""
    if m is None or r.workload not in TENSOR_PARALLEL_WORKLOADS:
        return 0.0, SPLIT_BY_BATCH
    return interconnect.seconds_per_step(m, tokens_in_step, r.count, r.accelerator)


def communication_source(m: workloads.LLM | None, r: Request) -> str:
    """Where the estimate's all-reduce time comes from, or why there is none (:func:`communication`'s sentence)."""
    if m is None or r.workload not in TENSOR_PARALLEL_WORKLOADS:
        return SPLIT_BY_BATCH
    return interconnect.source(r.count, r.accelerator)


def _steps(m: workloads.LLM | None, r: Request, batch: int) -> list[tuple[chain.Step, float]]:
    if r.workload == "vision" or (r.workload == "encoder" and r.gflops is not None):
        params = (r.params_billions or 0.0) * 1e3
        return [(workloads.step_dense(r.gflops, params, r.precision, batch), 1.0)]
    if r.workload == "encoder":
        s = workloads.step_prefill(m, r.precision, batch, r.input_tokens)
        return [(replace(s, units=batch), 1.0)]
    i, o = r.input_tokens, r.output_tokens or 1
    if r.workload == "llm-prefill":
        return [(workloads.step_prefill(m, r.precision, batch, i), 1.0)]
    decode = workloads.step_decode(m, r.precision, batch, context=i + o / 2, max_context=i + o)
    if r.workload == "llm-decode":
        return [(decode, 1.0)]
    # one query: its input tokens through prefill, then its output tokens one decode step each
    return [(workloads.step_prefill(m, r.precision, batch, i), float(i)), (decode, float(o))]


#: The share of accelerator memory a serving engine takes (key of external_values.csv): vLLM's default.
SERVING_MEMORY_KEY = "serving_memory_fraction_vllm"


def kv_context(workload: str, input_tokens: float | None, output_tokens: float | None,
               runtime: str = "optimized") -> tuple[float, float]:
    """Tokens a sequence holds in the KV cache on average while its batch is served, and at its longest.

    A serving engine (``optimized``: continuous batching, paged KV cache) holds sequences at every stage of their
    generation: on average the input plus half the output.  A plain pipeline (``eager``) runs a static batch whose
    sequences all grow to input + output together.  Prefill holds the input."""
    i, o = float(input_tokens or 0), float(output_tokens or 0) if workload != "llm-prefill" else 0.0
    longest = max(i + o, 1.0)
    return (max(i + o / 2, 1.0) if runtime == "optimized" else longest), longest


def largest_batch(m: workloads.LLM, hw: chain.Hardware, precision: str, workload: str, input_tokens: float | None,
                  output_tokens: float | None, runtime: str = "optimized") -> int:
    """The most sequences whose KV cache (:func:`kv_context`) fits beside the weights in the share of memory a
    serving engine takes (vLLM's default, ``serving_memory_fraction_vllm``; all of it for ``eager``)."""
    mean, longest = kv_context(workload, input_tokens, output_tokens, runtime)
    usable = float(data.external(SERVING_MEMORY_KEY)["value"]) if runtime == "optimized" else 1.0
    return workloads.max_batch(m, hw, precision, mean, usable, longest)


def fitting_batch_for(m: workloads.LLM, r: Request, hw: chain.Hardware) -> int:
    """The batch ``r`` runs at with model ``m`` after the memory check (``BatchTooLarge`` unless ``cap_batch``)."""
    if hw.memory_gb is None:
        return r.batch
    largest = largest_batch(m, hw, r.precision, r.workload, r.input_tokens, r.output_tokens, r.runtime)
    if r.batch <= largest:
        return r.batch
    if r.cap_batch and largest > 0:
        return largest
    weights_fit = hw.memory_gb * 1e9 * hw.count > m.params_billions * 1e9 * chain.BYTES_PER_ELEMENT[r.precision]
    raise BatchTooLarge(r.batch, largest, weights_fit, kv_context(r.workload, r.input_tokens, r.output_tokens)[1])


def _llm_or_none(r: Request, model: workloads.LLM | None = None) -> workloads.LLM | None:
    if r.workload == "vision" or (r.workload == "encoder" and r.gflops is not None):
        return None
    return model or _model(r)


def fitting_batch(r: Request, hw: chain.Hardware, model: workloads.LLM | None = None) -> int:
    """The batch the request runs at, after the memory check for language models."""
    m = _llm_or_none(r, model)
    return r.batch if m is None else fitting_batch_for(m, r, hw)


def _joules(r: Request, hw: chain.Hardware, batch: int, f: chain.Factors,
            model: workloads.LLM | None = None) -> tuple[float, list[chain.Result], float]:
    """Joules and seconds of one unit of ``r``'s work (each step's per-unit value times the step's units in
    one unit of work: a query's input tokens of prefill and output tokens of decode), and the steps' results."""
    results, total, seconds = [], 0.0, 0.0
    for step, n in steps_for(_llm_or_none(r, model), r, batch):
        res = chain.run(step, hw, f)
        results.append(res)
        total += n * res.joules[r.boundary]
        seconds += n * res.seconds_per_unit
    return total, results, seconds


def check(r: Request) -> None:
    """Refuse an impossible request with a one-line message naming the option."""
    if r.workload not in chain.WORKLOADS:
        raise chain.ChainError(f"--workload must be one of {', '.join(chain.WORKLOADS)}")
    if r.boundary not in chain.BOUNDARIES:
        raise chain.ChainError(f"--boundary must be one of {', '.join(chain.BOUNDARIES)}")
    if r.runtime not in RUNTIMES:
        raise chain.ChainError(f"--runtime must be one of {', '.join(RUNTIMES)}")
    for name in ("count", "batch", "gflops", "params_billions", "active_params_billions", "input_tokens",
                 "output_tokens", "n_layers", "kv_heads", "head_dim", "power_cap_watts", *CUSTOM_OPTIONS):
        v = getattr(r, name)
        if v is not None and (not math.isfinite(v) or v <= 0):
            raise chain.ChainError(f"{_option(name)} must be a positive number, got {v!r}")
    need = {"vision": ["gflops"], "llm-prefill": ["params_billions", "input_tokens"],
            "llm-decode": ["params_billions", "input_tokens", "output_tokens"],
            "llm-query": ["params_billions", "input_tokens", "output_tokens"]}.get(r.workload, [])
    if r.workload == "encoder" and r.gflops is None and not (r.params_billions and r.input_tokens):
        raise chain.ChainError("--workload encoder needs --gflops (per sequence) or --params-billions with "
                               "--input-tokens")
    for name in need:
        if getattr(r, name) is None:
            raise chain.ChainError(f"--workload {r.workload} needs --{name.replace('_', '-')}")
    if r.tensor_parallel is not None:
        if r.tensor_parallel <= 0 or r.count % r.tensor_parallel:
            raise chain.ChainError(f"--tensor-parallel must divide --count ({r.count}), got {r.tensor_parallel}")
        if r.batch % (r.count // r.tensor_parallel):
            raise chain.ChainError(f"--batch must be a multiple of the {r.count // r.tensor_parallel} copies of the "
                                   "model (--count / --tensor-parallel), so that each serves an equal share")
    if (r.kv_heads is None) != (r.head_dim is None):
        raise chain.ChainError("--kv-heads and --head-dim go together (a layer caches 2 x kv-heads x head-dim "
                               "elements per token); give both or neither")
    if r.active_params_billions and r.params_billions and r.active_params_billions > r.params_billions:
        raise chain.ChainError("--active-params-billions must not exceed --params-billions")


def estimate(r: Request, model: workloads.LLM | None = None, spread: bool = True) -> dict[str, Any]:
    """Joules per unit of ``r`` at its boundary, with the range over the sourced factors (``spread``; without
    it, ``low`` and ``high`` are the central estimate: sixty-four times faster).

    ``model``: a language model's full architecture (:func:`workloads.llm`) instead of the one the request's
    options describe (the validation's named models).

    With ``tensor_parallel`` below ``count``, the accelerators hold ``count / tensor_parallel`` copies of
    the model, each serving an equal share of the batch: the Joules per unit are one copy's (the copies
    are alike), the seconds per unit the system's. The accelerators of one copy all-reduce each layer's
    output (:func:`communication`)."""
    check(r)
    tp = r.tensor_parallel or default_tensor_parallel(r, model)
    if tp != r.count:
        replicas = r.count // tp
        try:
            one = estimate(replace(r, count=tp, batch=r.batch // replicas, tensor_parallel=tp), model, spread)
        except BatchTooLarge as err:
            raise chain.ChainError(f"in one copy of the model on {tp} accelerator{'s' if tp > 1 else ''}: {err}; "
                                   "or raise --tensor-parallel") from None
        return {**one, "count": r.count, "tensor_parallel": tp, "replicas": replicas,
                "batch_used": one["batch_used"] * replicas, "batch_requested": r.batch,
                "seconds_per_unit": one["seconds_per_unit"] / replicas}
    hw = hardware_for(r)
    batch = fitting_batch(r, hw, model)
    central = default_factors(r.precision, r.boundary, hw=hw)
    free = replace(hw, idle_watts=None)  # in the corners the idle power spans its sourced range
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # an overflow is refused just below
        j, results, seconds = _joules(r, hw, batch, central, model)
        ends = [_joules(r, free, batch, f, model)[0] for f in corners(r.precision, r.boundary)] if spread else [j]
    if not all(math.isfinite(x) for x in (j, seconds, *ends)):
        raise chain.ChainError("the estimate is not a finite number: an input is out of range (FLOPs, parameters "
                               "or tokens too large for floating point)")
    binding = max(results, key=lambda x: x.seconds_per_unit)
    return dict(
        joules_per_unit=j, unit=chain.UNITS[r.workload], low=min(ends), high=max(ends),
        bound=binding.bound, batch_used=batch, batch_requested=r.batch, boundary=r.boundary,
        accelerator=r.accelerator, count=r.count, precision=r.precision, tensor_parallel=r.count, replicas=1,
        runtime=r.runtime, power_cap_watts=r.power_cap_watts, idle_accelerators=hw.idle_count,
        seconds_per_unit=seconds, communication=communication_source(_llm_or_none(r, model), r),
        accelerator_power_fraction_of_tdp=binding.power_fraction,
        factors={**{k: v for k, v in vars(central).items() if k in chain.SLOTS},
                 "sources": dict(central.sources)},
    )
