"""What inference measurements say about achieved speed, where the chain has no other source.

* **Compute fractions at every precision**, the achieved fraction of the accelerator's dense peak at the
  precision (:data:`chain.PEAK_QUANTITY`): a measured inference rate times the book's FLOPs per unit, over the
  peak.  FP32 and TF32: ResNet-50 v1.5 in framework benchmarks (NVIDIA DeepLearningExamples: PyTorch,
  TensorFlow, PaddlePaddle; batch 256, no TensorRT).  FP16 and INT8: ResNet-50 v1.5 compiled with TensorRT
  (Paddle-TRT, batch 256) and, at FP16, the prefill of 2,048 tokens of Llama 2 7B in TensorRT-LLM (batch 1,
  the time to the first token, which also holds the first token's sampling: a lower bound).  FP8: that prefill
  on H100 and L40S.  BF16 runs on the same tensor cores at the same peak as FP16 and no BF16 inference
  measurement was found: it takes FP16's rows.  Central value: the geometric mean of the rows; low and
  high: the least and the most.
* **Throughput under a power limit**: MLPerf Inference v4.1's 8x H200 server at its default power (700 W TDP)
  and capped (MaxQ), per benchmark (``data/mlperf/power_cap.csv``, imported by script): the exponent a of
  throughput ratio = (limit / TDP) ** a.  A calibration on that one server, against the TDP (a lower bound
  where the uncapped run drew less); the MaxQ runs were also retuned (batch sizes), not only capped.
* **Eager framework overhead** (``--runtime eager``): a plain PyTorch pipeline cannot launch kernels faster than
  its host issues them, so a step takes at least its layers x the seconds per layer measured where the
  overhead binds: a transformer layer from eager Llama-7B decode at batch 1 (PyTorch's "GPT, Fast" blog),
  a CNN layer from ResNet-50 at batch 1 in PyTorch (its latency is the same on a V100 and a T4 of half the
  bandwidth and FP32 peak: the framework, not the GPU, sets it).
"""

from __future__ import annotations

import numpy as np

import infertrends.data as data
import infertrends.model.accelerators as accelerators
import infertrends.model.chain as chain
import infertrends.model.workloads as workloads

#: Throughputs of ResNet-50 v1.5 in images per second (keys of external_values.csv): the accelerator
#: (accelerator_specs.csv) and the precision each was measured at.
THROUGHPUTS: dict[str, tuple[str, str]] = {
    "throughput_resnet50_v100_fp32_pytorch": ("Tesla V100", "fp32"),
    "throughput_resnet50_t4_fp32_pytorch": ("T4", "fp32"),
    "throughput_resnet50_v100_fp32_tf1": ("Tesla V100", "fp32"),
    "throughput_resnet50_t4_fp32_tf1": ("T4", "fp32"),
    "throughput_resnet50_a100_tf32_tf1": ("A100", "tf32"),
    "throughput_resnet50_a100_tf32_paddle": ("NVIDIA A100 SXM 80GB", "tf32"),
    "throughput_resnet50_a100_fp16_trt": ("NVIDIA A100 SXM 80GB", "fp16"),
    "throughput_resnet50_a30_fp16_trt": ("A30", "fp16"),
    "throughput_resnet50_a10_fp16_trt": ("NVIDIA A10", "fp16"),
    "throughput_resnet50_a100_int8_trt": ("NVIDIA A100 SXM 80GB", "int8"),
    "throughput_resnet50_a30_int8_trt": ("A30", "int8"),
    "throughput_resnet50_a10_int8_trt": ("NVIDIA A10", "int8"),
}

#: Times to the first token of Llama 2 7B at batch 1 after :data:`PREFILL_TOKENS` input tokens, in ms (keys of
#: external_values.csv): the accelerator and the precision each was measured at.
PREFILL_LATENCIES: dict[str, tuple[str, str]] = {
    "first_token_latency_llama7b_a100_fp16_trtllm": ("NVIDIA A100 SXM 80GB", "fp16"),
    "first_token_latency_llama7b_h100_fp8_trtllm": ("NVIDIA H100 SXM", "fp8"),
    "first_token_latency_llama7b_l40s_fp8_trtllm": ("NVIDIA L40S", "fp8"),
}
PREFILL_TOKENS = 2048

#: ResNet-50's FLOPs per image as the book counts them (data/vision.csv, the thesis's Table A.3: 7.6 GFLOPs;
#: v1.5 has slightly more, so the fractions below are slightly low).
RESNET50 = "ResNet-50"

#: Precisions whose compute fraction comes from these inference measurements, and the precision of the rows
#: each takes (BF16: FP16's, the same tensor cores at the same peak).
PRECISIONS: tuple[str, ...] = ("fp32", "tf32", "fp16", "bf16", "fp8", "int8")
MEASURED_AT: dict[str, str] = {"bf16": "fp16"}

#: Layers of the networks the overheads were measured on: ResNet-50's 50 weight layers (He et al. 2016,
#: arXiv:1512.03385, Table 1); Llama-7B's 32 transformer layers (gpt-fast's 7B configuration, Llama 2 7B's).
RESNET50_LAYERS = 50
LLAMA7B = "Llama 2 7B"

EAGER_CNN_KEYS = ("latency_resnet50_v100_fp32_pytorch_batch1", "latency_resnet50_t4_fp32_pytorch_batch1")
EAGER_TRANSFORMER_KEY = "tokens_per_second_llama7b_eager_a100"


def _resnet50_gflops() -> float:
    v = data.load("vision")
    return float(v.loc[v["model"] == RESNET50, "gflops"].iloc[0])


@data.per_data_version
def fractions(precision: str) -> dict[str, float]:
    """The achieved fraction of the dense peak at ``precision`` of each inference measurement taken at it (BF16:
    the FP16 rows, over the BF16 peak)."""
    at = MEASURED_AT.get(precision, precision)
    specs = accelerators.spec_table().set_index("accelerator")
    peak = lambda acc: float(specs.loc[acc, chain.PEAK_QUANTITY[precision]]) * 1e12  # noqa: E731
    out = {}
    g = _resnet50_gflops()
    for key, (acc, prec) in THROUGHPUTS.items():
        if prec == at:
            out[key] = float(data.external(key)["value"]) * g * 1e9 / peak(acc)
    for key, (acc, prec) in PREFILL_LATENCIES.items():
        if prec == at:
            flops = workloads.step_prefill(workloads.llm(LLAMA7B), prec, 1, PREFILL_TOKENS).flops
            out[key] = flops / (float(data.external(key)["value"]) / 1e3) / peak(acc)
    return out


def compute_fraction(precision: str, end: str = "value") -> tuple[float, str]:
    """The compute fraction at ``precision`` (``value``: geometric mean; ``low``/``high``: least/most) and
    where it comes from."""
    f = fractions(precision)
    if not f:
        raise chain.ChainError(f"no inference measurement at {precision}")
    v = {"value": float(np.exp(np.mean(np.log(list(f.values()))))), "low": min(f.values()),
         "high": max(f.values())}[end]
    at = MEASURED_AT.get(precision, precision)
    return v, f"inference rates at {at}{f' (for {precision})' if at != precision else ''} ({', '.join(f)})"


def eager_seconds_per_layer(kind: str) -> float:
    """Seconds per layer per step that eager PyTorch takes where its overhead binds: ``transformer`` (one token
    of Llama-7B decode at batch 1) or ``cnn`` (one ResNet-50 image at batch 1, the mean of V100 and T4)."""
    if kind == "transformer":
        layers = workloads.llm(LLAMA7B).n_layers
        return 1.0 / (float(data.external(EAGER_TRANSFORMER_KEY)["value"]) * float(layers))
    if kind == "cnn":
        ms = np.mean([float(data.external(k)["value"]) for k in EAGER_CNN_KEYS])
        return float(ms) / 1e3 / RESNET50_LAYERS
    raise ValueError(kind)


def cap_exponents() -> dict[str, float]:
    """Per benchmark of ``data/mlperf/power_cap.csv``: ln(capped / default throughput) / ln(limit / TDP)."""
    pc = data.load_mlperf("mlperf_power_cap")
    tdp = accelerators.spec_table().set_index("accelerator")["tdp_watts"]
    out = {}
    for _, r in pc.iterrows():
        ratio = r["capped_samples_per_second"] / r["default_samples_per_second"]
        out[r["model"]] = float(np.log(ratio) / np.log(r["power_limit_watts"] / float(tdp[r["accelerator"]])))
    return out


def cap_exponent(end: str = "value") -> float:
    """The throughput-vs-power-limit exponent: the median over the benchmarks (``low``/``high``: least/most)."""
    a = list(cap_exponents().values())
    return {"value": float(np.median(a)), "low": min(a), "high": max(a)}[end]
