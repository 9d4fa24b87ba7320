"""The work of one step, as the chain's :class:`~infertrends.model.chain.Step`: a batch through a dense network,
and the prefill and decode of transformer language models (architecture, KV cache, the weights a step touches),
with the book's default architecture for a model known only by its size and the largest batch that fits."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
import pandas as pd

import infertrends.data as data
from infertrends.model.chain import BYTES_PER_ELEMENT, FLOPS_PER_PARAM, ChainError, Hardware, Step


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


__all__ = ["LLM", "default_architecture", "llm", "llm_architectures", "max_batch", "step_decode", "step_dense",
           "step_prefill"]
