"""Reference workloads and named scenarios, all computed with the one chain (:mod:`infertrends.model.chain`).

A scenario says which hardware, precision and batch a workload runs at and where each factor of
the chain sits in its sourced range; every value comes from ``data/external_values.csv``
through :func:`infertrends.model.factors.factors`, which refuses a value at the wrong boundary or
baseline.  Each scenario applies to the workloads it makes sense for (no LLM-decode figure for a
CNN: the factors are the same, but the roofline decides what binds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

import infertrends.data as data
import infertrends.model.chain as chain
import infertrends.model.estimate as estimate
import infertrends.model.factors as factors
import infertrends.model.workloads as workloads
import infertrends.thesis.method as energy
import infertrends.thesis.scaling as scaling
from infertrends.model.accelerators import efficiency_point, hardware

#: Reference models of the thesis's energy chapter: (task, model name in Table A.3 / A.4).
REFERENCE_MODELS: tuple[tuple[str, str], ...] = (
    ("CV", "AlexNet"), ("CV", "ResNet-50"), ("CV", "EfficientNet-B0"), ("CV", "ViT-L/16"),
    ("NLP", "BERT-Base"), ("NLP", "GPT-3"),
)

#: A chat query: input and output tokens.  Assumption: ML.ENERGY's ShareGPT chat responses average
#: 380-420 output tokens (data/extension/measurements.csv); the input is taken of the same order.
QUERY_INPUT_TOKENS = 500
QUERY_OUTPUT_TOKENS = 400


def in_and_out(input_tokens: int, output_tokens: int) -> str:
    """A query's tokens as the pages name them: "10,000 in, 500 out"."""
    return f"{input_tokens:,} in, {output_tokens:,} out"


@dataclass(frozen=True)
class Question:
    """A named kind of question: its input and output tokens, and where the numbers come from."""

    name: str
    input_tokens: int
    output_tokens: int
    why: str
    key: str  # the preset's name on the command line (``estimate --question KEY``; ``q`` of the calculator's address)

    @property
    def tokens(self) -> str:
        """Its tokens as the pages name them ("500 in, 5,000 out")."""
        return in_and_out(self.input_tokens, self.output_tokens)


#: The named questions. Reasoning: an assumption (the chart of output tokens shows 100 to 20,000).
QUESTIONS = (
    Question("a short chat answer", QUERY_INPUT_TOKENS, QUERY_OUTPUT_TOKENS,
             "the book's chat query: ML.ENERGY's ShareGPT chat answers average 380-420 output tokens", "short-chat"),
    Question("a long-context question", 10_000, 500, "Epoch AI's long-input example: 10,000 tokens in, 500 out",
             "long-context"),
    Question("a reasoning answer", QUERY_INPUT_TOKENS, 5_000,
             "an assumption: a reasoning model writes thousands of tokens before and in its answer", "reasoning"),
)


@dataclass(frozen=True)
class Reference:
    """One reference workload: a model, the kind of work and one unit of it."""

    label: str
    workload: str  # a kind of chain.WORKLOADS
    task: str  # CV or NLP: which of the thesis's hardware trends applies to it
    model: str
    release_date: pd.Timestamp
    gflops: float | None = None  # per image or sequence (vision, encoder)
    params_millions: float | None = None
    llm_name: str | None = None  # model in data/extension/llm_architecture.csv (LLM workloads)
    input_tokens: int | None = None
    output_tokens: int | None = None

    @property
    def unit(self) -> str:
        if self.workload == "encoder":
            return f"sequence of {self.input_tokens} tokens"
        if self.workload == "llm-query":
            return f"query ({in_and_out(self.input_tokens, self.output_tokens)})"
        return chain.UNITS[self.workload]

    def llm(self) -> workloads.LLM:
        return workloads.llm(self.llm_name)

    def thesis_gflops(self) -> float:
        """FLOPs per unit as the thesis counts them: the forward pass, or 2 x parameters per token."""
        if self.workload in ("vision", "encoder"):
            return float(self.gflops)
        per_token = chain.FLOPS_PER_PARAM * self.llm().active
        tokens = 1 if self.workload == "llm-decode" else self.input_tokens + self.output_tokens
        return per_token * tokens


def references(estimates: str = "recomputed") -> list[Reference]:
    """The reference workloads: four vision models, BERT-Base, and two LLMs per token and per query."""
    cv = scaling.vision_models(estimates).drop_duplicates("model", keep="first").set_index("model")  # first row, as Table A.3 lists it
    nlp = data.language().set_index("model")
    llms = data.load_extension("llm_extension").set_index("model")
    out = [Reference(m, "vision", "CV", m, cv.loc[m, "release_date"], float(cv.loc[m, "gflops"]),
                     float(cv.loc[m, "params_millions"])) for m in ("AlexNet", "ResNet-50", "EfficientNet-B0", "ViT-L/16")]
    b = nlp.loc["BERT-Base"]
    out.append(Reference("BERT-Base", "encoder", "NLP", "BERT-Base", b["release_date"], float(b["gflops"]),
                         float(b["params_millions"]), input_tokens=int(b["input_tokens"])))
    for name, label in (("GPT-3 175B", "GPT-3"), ("Llama 3.1 70B", "Llama 3.1 70B")):
        date = llms.loc[name, "release_date"]
        out.append(Reference(f"{label}, per output token", "llm-decode", "NLP", name, date, llm_name=name,
                             input_tokens=QUERY_INPUT_TOKENS, output_tokens=QUERY_OUTPUT_TOKENS))
        out.append(Reference(f"{label}, per query", "llm-query", "NLP", name, date, llm_name=name,
                             input_tokens=QUERY_INPUT_TOKENS, output_tokens=QUERY_OUTPUT_TOKENS))
    return out


@dataclass(frozen=True)
class Scenario:
    """Hardware, precision, batch and factor settings for a set of workloads."""

    name: str
    description: str
    accelerator: str | None = None  # None: the thesis's efficiency trend at each model's release date
    precision: str = "bf16"
    count: dict[str, int] = field(default_factory=dict)  # accelerators per workload kind (default 1)
    batch: dict[str, int] = field(default_factory=dict)  # per workload kind
    ends: dict[str, str] = field(default_factory=dict)  # factor -> low | high (else the central value)
    boundary: str = "facility"
    workloads: tuple[str, ...] = chain.WORKLOADS

    def factors(self) -> chain.Factors:
        """The chain's factors of this scenario (the thesis's special case for the thesis)."""
        if self.accelerator is None:
            return chain.thesis_factors()
        return factors.factors(self.precision, self.boundary, self.ends, self.accelerator)

    def settings(self) -> str:
        """A one-line statement of what the scenario assumes."""
        if self.accelerator is None:
            return "thesis's trend at release (adapted peak), compute only, full use of the peak, TDP, GPU alone"
        f = self.factors()
        batches = ", ".join(f"{k} {v}" for k, v in self.batch.items())
        servers = (f"; language models on the fewest of {', '.join(map(str, SERVER_SIZES))} accelerators that "
                   "hold them" if FIT in self.count.values() else "")
        return (f"{self.accelerator} at {self.precision}; batch: {batches}{servers}; f_c {f.compute_fraction:.3g}, "
                f"f_m {f.memory_fraction:.3g}, idle {f.idle_fraction:.3g} of TDP, k {f.memory_power:.2f}, "
                f"host ×{f.host_overhead:.3g}, PUE {f.pue:.3g}; boundary: {self.boundary}")


#: Accelerators per server for language models: the fewest of 1, 2, 4 or 8 that hold the weights and
#: the batch's KV cache (tensor parallel within one server), as a serving operator would choose.
SERVER_SIZES = (1, 2, 4, 8)
FIT = 0  # a count of FIT means "the fewest of SERVER_SIZES that fit"
LLM_COUNT = {"llm-decode": FIT, "llm-query": FIT, "llm-prefill": FIT}


def scenarios() -> dict[str, Scenario]:
    """All named scenarios, by name."""
    items = [
        Scenario("thesis", "The thesis's method: FLOPs over the peak GFLOPS per Watt of the GPU trend at the "
                 "model's release date, full use of the peak at TDP, the GPU alone (accelerator boundary).",
                 accelerator=None, precision="adapted", boundary="accelerator"),
        Scenario("datacenter-typical", "An H100 server in a typical data centre: BF16, moderate batches, every "
                 "factor at its sourced central value, industry-average PUE.",
                 accelerator="NVIDIA H100 SXM", precision="bf16", count=LLM_COUNT,
                 batch={"vision": 64, "encoder": 64, "llm-decode": 32, "llm-query": 32}),
        Scenario("hyperscale-efficient", "An H100 server run as well as published figures allow: FP8, large "
                 "batches (capped by memory), every factor at its low-energy end, hyperscale PUE.",
                 accelerator="NVIDIA H100 SXM", precision="fp8", count=LLM_COUNT,
                 batch={"vision": 256, "encoder": 256, "llm-decode": 128, "llm-query": 128},
                 ends=dict(factors.LOW_ENERGY_END)),
        Scenario("one-at-a-time", "The same H100 server serving one request at a time (batch 1), central "
                 "factors: what low traffic or strict latency costs.",
                 accelerator="NVIDIA H100 SXM", precision="bf16", count=LLM_COUNT,
                 batch={"vision": 1, "encoder": 1, "llm-decode": 1, "llm-query": 1}),
        Scenario("small-card", "One 72 W inference card (NVIDIA L4) at INT8 and batch 1 in a server, central "
                 "factors; for vision and encoder models only (an LLM of this size does not fit on it).",
                 accelerator="NVIDIA L4", precision="int8", batch={"vision": 1, "encoder": 1},
                 workloads=("vision", "encoder")),
    ]
    return {s.name: s for s in items}


def _request_steps(ref: Reference, sc: Scenario, hw: chain.Hardware) -> tuple[list[tuple[chain.Step, float]], int]:
    """The chain's steps for ``ref`` under ``sc`` and the batch used (capped to what fits in memory)."""
    r = estimate.Request(workload=ref.workload, accelerator=hw.name, count=hw.count, precision=sc.precision,
                         batch=sc.batch.get(ref.workload, 1), boundary=sc.boundary, gflops=ref.gflops,
                         params_billions=(ref.params_millions / 1e3 if ref.params_millions else
                                          (ref.llm().params_billions if ref.llm_name else None)),
                         active_params_billions=ref.llm().active if ref.llm_name else None,
                         input_tokens=ref.input_tokens, output_tokens=ref.output_tokens, cap_batch=True)
    if ref.llm_name:
        m = ref.llm()
        batch = estimate.fitting_batch_for(m, r, hw)
        return estimate.steps_for(m, r, batch), batch
    batch = r.batch
    return estimate.steps_for(None, r, batch), batch


def accelerators(ref: Reference, sc: Scenario) -> int:
    """How many accelerators serve ``ref`` in ``sc``: the scenario's count, or for FIT the fewest of
    :data:`SERVER_SIZES` whose memory holds the weights and the batch's KV cache (the largest if none
    does, so that the batch is capped; :class:`~infertrends.model.chain.ChainError` if even the weights do not fit)."""
    count = sc.count.get(ref.workload, 1)
    if count != FIT:
        return count
    m, batch = ref.llm(), sc.batch.get(ref.workload, 1)
    def largest(n: int) -> int:
        return estimate.largest_batch(m, hardware(sc.accelerator, sc.precision, n), sc.precision, ref.workload,
                                      ref.input_tokens, ref.output_tokens)

    for n in SERVER_SIZES:
        if largest(n) >= batch:
            return n
    if largest(SERVER_SIZES[-1]) < 1:
        raise chain.ChainError(f"the weights do not fit in {SERVER_SIZES[-1]} × {sc.accelerator}")
    return SERVER_SIZES[-1]


def thesis_joules(ref: Reference, estimates: str = "recomputed") -> float:
    """The thesis's method for one reference: FLOPs over the task's hardware trend at its release."""
    trend = energy.hardware_trend(ref.task, energy.Assumptions())
    eff = float(trend.predict(pd.Series([ref.release_date]))[0])
    step = chain.Step(flops=ref.thesis_gflops() * 1e9, bytes=0.0, units=1.0)
    return chain.run(step, efficiency_point(eff), chain.thesis_factors()).joules["accelerator"]


def joules(ref: Reference, sc: Scenario, f: chain.Factors | None = None) -> dict[str, Any]:
    """Joules per unit of ``ref`` under ``sc`` (``f`` overrides the scenario's factors)."""
    if ref.workload not in sc.workloads:
        return dict(joules=np.nan, bound="", batch_used=np.nan, accelerators=np.nan,
                    note=f"{sc.name} does not apply to {ref.workload}")
    if sc.accelerator is None:
        return dict(joules=thesis_joules(ref), bound="compute (FLOPs only)", batch_used=1, accelerators=1, note="")
    try:
        hw = hardware(sc.accelerator, sc.precision, accelerators(ref, sc))
        steps, batch = _request_steps(ref, sc, hw)
    except chain.ChainError as err:
        return dict(joules=np.nan, bound="", batch_used=np.nan, accelerators=np.nan, note=str(err))
    f = f or sc.factors()
    total, bounds = 0.0, []
    for step, n in steps:
        res = chain.run(step, hw, f)
        total += n * res.joules[sc.boundary]
        bounds.append(res.bound)
    bound = "/".join(dict.fromkeys(bounds))
    note = f"batch capped to {batch} by memory" if batch < sc.batch.get(ref.workload, 1) else ""
    return dict(joules=total, bound=bound, batch_used=batch, accelerators=hw.count, note=note)


def comparison(estimates: str = "recomputed") -> pd.DataFrame:
    """Every reference workload under every scenario (one row each)."""
    rows = []
    refs = references(estimates)
    for sc in scenarios().values():
        for ref in refs:
            rows.append(dict(scenario=sc.name, reference=ref.label, workload=ref.workload, model=ref.model,
                             unit=ref.unit, boundary=sc.boundary, **joules(ref, sc)))
    return pd.DataFrame(rows)
