"""Tensor parallel: the all-reduces between the accelerators of one model copy (infertrends/model/interconnect.py) and
the default split into copies, against hand calculations from the printed sources."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

import infertrends.model.accelerators as accelerators
import infertrends.model.estimate as estimate
import infertrends.model.interconnect as interconnect
import infertrends.model.workloads as workloads
from conftest import run_estimate

#: A Llama-2-70B-like model: 80 layers, hidden width 8,192, 8 KV heads of 128.
LLAMA70 = workloads.LLM(params_billions=70, n_layers=80, kv_elements_per_layer=2 * 8 * 128, attention_width=8192)


def allreduces_by_hand(tokens: int) -> float:
    """Seconds of one step's all-reduces on 8 H100 SXM: 2 per layer (Megatron-LM, arXiv:1909.08053 section 3), each
    5.56 us (NCCL, 128 B, nccl issue #1259) + 2 x 7/8 x tokens x 8,192 x 2 bytes / 480 GB/s (NVIDIA's expected
    8-GPU bus bandwidth, nccl-tests issue #212)."""
    return 2 * 80 * (5.56e-6 + 2 * 7 / 8 * tokens * 8192 * 2 / 480e9)


def test_allreduce_time_of_a_decode_step_by_hand():
    seconds, source = interconnect.seconds_per_step(LLAMA70, 256, 8, "NVIDIA H100 SXM")
    assert seconds == pytest.approx(allreduces_by_hand(256), rel=1e-12)
    assert seconds == pytest.approx(3.336e-3, rel=1e-3)  # 160 x (5.56 + 15.29) us
    assert "Megatron" in source and "allreduce_busbw_h100_sxm_8gpu" in source
    # A100 SXM: 16.96 us and 231.45 GB/s (mscclpp's NDmv4 table), 4 accelerators
    a100, _ = interconnect.seconds_per_step(LLAMA70, 64, 4, "NVIDIA A100 SXM 80GB")
    assert a100 == pytest.approx(160 * (16.96e-6 + 2 * 3 / 4 * 64 * 8192 * 2 / 231.45e9), rel=1e-12)
    assert interconnect.seconds_per_step(LLAMA70, 256, 1, "NVIDIA H100 SXM")[0] == 0.0


def test_the_all_reduces_lengthen_the_step_by_their_time():
    """8 H100 SXM holding one copy, decode at batch 256, against the same accelerator described as a custom one
    (no measured all-reduce): the seconds of a token differ by the step's all-reduces over the 256 tokens."""
    r = estimate.Request(workload="llm-decode", accelerator="NVIDIA H100 SXM", count=8, precision="fp8", batch=256,
                         boundary="accelerator", params_billions=70, input_tokens=1000, output_tokens=300,
                         tensor_parallel=8)
    named = estimate.estimate(r, LLAMA70, spread=False)
    hw = accelerators.hardware("NVIDIA H100 SXM", "fp8")
    custom = estimate.estimate(replace(r, accelerator="custom", peak_tflops=hw.peak_tflops,
                                       bandwidth_gb_s=hw.bandwidth_gb_s, memory_gb=hw.memory_gb,
                                       tdp_watts=hw.tdp_watts, idle_watts=hw.idle_watts), LLAMA70, spread=False)
    assert (named["seconds_per_unit"] - custom["seconds_per_unit"]) * 256 == pytest.approx(allreduces_by_hand(256),
                                                                                            rel=1e-9)
    assert named["joules_per_unit"] > custom["joules_per_unit"]
    assert custom["communication"].startswith("not counted")


def cli(*args: str) -> dict:
    proc = run_estimate(*args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


LLAMA70_ARGS = ["--workload", "llm-decode", "--params-billions", "70", "--layers", "80", "--kv-heads", "8",
                "--head-dim", "128", "--input-tokens", "1000", "--output-tokens", "300", "--precision", "fp8",
                "--boundary", "accelerator", "--method", "sourced"]


def test_by_default_a_copy_takes_the_fewest_accelerators_that_hold_it():
    """70 GB of FP8 weights and 80 x 2 x 8 x 128 = 163,840 bytes of KV cache per token, each sequence holding
    1,000 + 300 / 2 = 1,150 tokens on average, in 0.9 of 80 GB per H100 (vLLM's default share): one H100 holds
    72 - 70 = 2 GB of cache, not the 128 x 1,150 x 163,840 = 24 GB of an eighth of batch 1,024; two hold
    144 - 70 = 74 GB, more than the 48 GB of a quarter.  So 4 copies on 2 H100 each."""
    o = cli(*LLAMA70_ARGS, "--accelerator", "NVIDIA H100 SXM", "--count", "8", "--batch", "1024")
    assert (o["tensor_parallel"], o["replicas"]) == (2, 4)
    assert 72e9 - 70e9 < 128 * 1150 * 163840 and 48e9 < 144e9 - 70e9
    assert "all-reduces" in o["communication"]
    # given explicitly, one copy on all eight
    assert cli(*LLAMA70_ARGS, "--accelerator", "NVIDIA H100 SXM", "--count", "8", "--batch", "1024",
               "--tensor-parallel", "8")["tensor_parallel"] == 8


def test_an_accelerator_without_a_measured_all_reduce_says_so():
    o = cli(*LLAMA70_ARGS, "--accelerator", "NVIDIA H100 PCIe", "--count", "4", "--batch", "64",
            "--tensor-parallel", "4")
    assert o["communication"].startswith("not counted: no measured all-reduce for NVIDIA H100 PCIe")


def test_the_printed_line_says_when_no_all_reduce_is_counted():
    proc = run_estimate(*LLAMA70_ARGS, "--accelerator", "NVIDIA H100 PCIe", "--count", "4", "--batch", "64",
                        "--tensor-parallel", "4")
    assert proc.returncode == 0, proc.stderr
    assert "(all-reduces not counted: no measured all-reduce for NVIDIA H100 PCIe)" in proc.stdout
