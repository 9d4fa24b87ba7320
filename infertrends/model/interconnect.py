"""Communication between the accelerators that hold one copy of a language model (tensor parallel).

Megatron-LM's tensor parallelism splits every transformer layer's GEMMs over the accelerators and needs
**two all-reduces per layer in the forward pass** (Shoeybi et al. 2019, arXiv:1909.08053, section 3: "all
GEMMs in a simple transformer layer using only two all-reduces in the forward path"), each over the layer's
output activations: tokens in the step x hidden width x 2 bytes (activations stay 16-bit when weights are
quantized).  The hidden width is taken as the attention width (query heads x head size), equal to it in
Llama-style models.

One all-reduce of S bytes on n accelerators takes ``latency + 2(n-1)/n x S / busbw`` (nccl-tests,
doc/PERFORMANCE.md: time is "roughly equal to overhead + size / bw"; bus bandwidth = algorithm bandwidth x
2(n-1)/n), with the latency and bus bandwidth NCCL measured on the accelerator's own NVLink servers
(``allreduce_*`` keys of external_values.csv).  The all-reduces run after the step's compute (not overlapped),
so their time adds to the step; the accelerators' activity, averaged over the longer step, sets the power.
This is a lower bound: mid-sized messages reach less than the large-message bandwidth, and the latency of
H100 and H200 was measured on 2 GPUs.  Accelerators without a measured all-reduce (PCIe cards, other
vendors, B200, a custom accelerator) count none, and the estimate says so.
"""

from __future__ import annotations

import infertrends.data as data
import infertrends.model.workloads as workloads

#: All-reduces per transformer layer in one forward pass (Megatron-LM, arXiv:1909.08053, section 3).
ALLREDUCES_PER_LAYER = 2

#: Bytes per activation element all-reduced (16-bit activations).
ACTIVATION_BYTES = 2

_A100 = ("allreduce_busbw_a100_sxm_8gpu", "allreduce_latency_a100_sxm_8gpu")
_H100 = ("allreduce_busbw_h100_sxm_8gpu", "allreduce_latency_h100_sxm_2gpu")

#: The accelerators with a measured NCCL all-reduce on their NVLink servers: (bus bandwidth key, latency key).
#: The A100 SXM 40GB (``A100``) has the same third-generation NVLink as the 80GB card; the H200 SXM the same
#: fourth-generation NVLink (900 GB/s) as the H100 SXM (8 H200 measured 475 GB/s, nccl-tests issue #272).
ALLREDUCE: dict[str, tuple[str, str]] = {
    "A100": _A100,
    "NVIDIA A100 SXM 80GB": _A100,
    "NVIDIA H100 SXM": _H100,
    "NVIDIA H200 SXM": _H100,
}


def allreduce_seconds(size_bytes: float, n: int, latency_seconds: float, busbw_bytes_per_second: float) -> float:
    """Seconds of one all-reduce of ``size_bytes`` on ``n`` accelerators: latency + 2(n-1)/n x size / busbw."""
    if n <= 1:
        return 0.0
    return latency_seconds + 2.0 * (n - 1) / n * size_bytes / busbw_bytes_per_second


def link(accelerator: str) -> tuple[float, float] | None:
    """(latency in s, bus bandwidth in B/s) of ``accelerator``'s all-reduce, or None where none is sourced."""
    keys = ALLREDUCE.get(accelerator)
    if keys is None:
        return None
    busbw, latency = (float(data.external(k)["value"]) for k in keys)
    return latency * 1e-6, busbw * 1e9


def source(n: int, accelerator: str) -> str:
    """Where the all-reduce time of ``n`` accelerators holding one copy comes from, or why there is none."""
    if n <= 1:
        return "one accelerator per copy of the model: no communication"
    if accelerator not in ALLREDUCE:
        return (f"not counted: no measured all-reduce for {accelerator} (the time of {n}-way tensor "
                "parallelism is a lower bound)")
    return (f"{ALLREDUCES_PER_LAYER} all-reduces per layer (Megatron-LM) at NCCL's measured latency and bus "
            f"bandwidth ({', '.join(ALLREDUCE[accelerator])}); a lower bound")


def seconds_per_step(m: workloads.LLM, tokens_in_step: float, n: int, accelerator: str) -> tuple[float, str]:
    """Seconds of a step's all-reduces when ``n`` accelerators hold one copy of ``m`` (0 s on one accelerator, or
    where no all-reduce is measured), and where they come from (:func:`source`)."""
    got = link(accelerator) if n > 1 else None
    if got is None:
        return 0.0, source(n, accelerator)
    latency, busbw = got
    m = m.with_defaults()
    size = tokens_in_step * float(m.attention_width) * ACTIVATION_BYTES
    return ALLREDUCES_PER_LAYER * float(m.n_layers) * allreduce_seconds(size, n, latency, busbw), source(n, accelerator)
