"""FP32/TF32 compute fractions from inference throughputs and the eager runtime's framework floor
(infertrends/achieved.py), against hand calculations from the printed sources."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "infertrends", "estimate", *args], capture_output=True, text=True)


def out(*args: str) -> dict:
    proc = cli(*args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_fp32_runs_at_the_fraction_resnet50_reaches_in_fp32_inference():
    # DeepLearningExamples, batch 256: V100 PyTorch 1261 and TF1 1348.52 img/s (FP32 peak 15.7 TFLOPS), T4 PyTorch
    # 415 and TF1 425.72 img/s (8.1 TFLOPS); ResNet-50 = 7.6 GFLOPs (thesis Table A.3); central = geometric mean
    f = [1261 * 7.6e9 / 15.7e12, 1348.52 * 7.6e9 / 15.7e12, 415 * 7.6e9 / 8.1e12, 425.72 * 7.6e9 / 8.1e12]
    central = math.exp(sum(math.log(x) for x in f) / 4)
    o = out("--workload", "vision", "--accelerator", "Tesla V100", "--precision", "fp32", "--batch", "256",
            "--gflops", "7.6", "--boundary", "accelerator", "--method", "sourced")
    assert o["factors"]["compute_fraction"] == pytest.approx(central, rel=1e-9)
    assert o["seconds_per_unit"] == pytest.approx(7.6e9 / (central * 15.7e12), rel=1e-9)
    assert o["bound"] == "compute"


def test_tf32_uses_inference_not_training_fractions():
    # A100: TF1 1911.96 img/s (40 GB), PaddlePaddle 3283.94 img/s (80 GB), dense TF32 peak 156 TFLOPS
    f = [1911.96 * 7.6e9 / 156e12, 3283.94 * 7.6e9 / 156e12]
    o = out("--workload", "vision", "--accelerator", "A100", "--precision", "tf32", "--batch", "256", "--gflops", "7.6",
            "--boundary", "accelerator", "--method", "sourced")
    assert o["factors"]["compute_fraction"] == pytest.approx(math.sqrt(f[0] * f[1]), rel=1e-9)
    assert o["factors"]["compute_fraction"] < 0.2  # far below the 0.47 of H100 training


def test_eager_llama7b_decode_reproduces_the_measured_25_tokens_per_second():
    # "Starting Point (25.5 tok/s)": Llama-7B (32 layers) at batch 1 in eager PyTorch on an A100 80GB
    o = out("--workload", "llm-decode", "--accelerator", "NVIDIA A100 SXM 80GB", "--precision", "bf16", "--batch", "1",
            "--params-billions", "6.74", "--layers", "32", "--input-tokens", "10", "--output-tokens", "200",
            "--boundary", "accelerator", "--runtime", "eager", "--method", "sourced")
    assert o["seconds_per_unit"] == pytest.approx(1 / 25.5, rel=1e-9)
    assert o["bound"] == "framework" and o["runtime"] == "eager"
    optimized = out("--workload", "llm-decode", "--accelerator", "NVIDIA A100 SXM 80GB", "--precision", "bf16",
                    "--batch", "1", "--params-billions", "6.74", "--layers", "32", "--input-tokens", "10",
                    "--output-tokens", "200", "--boundary", "accelerator", "--method", "sourced")
    assert optimized["bound"] == "memory" and optimized["seconds_per_unit"] < o["seconds_per_unit"]


def test_eager_resnet50_at_batch_1_takes_the_measured_latency():
    # PyTorch ResNet-50 at batch 1: 10.37 ms (V100), 10.7 ms (T4); their mean over 50 layers, times 50 layers
    o = out("--workload", "vision", "--accelerator", "NVIDIA L4", "--precision", "fp16", "--batch", "1", "--gflops",
            "7.6", "--layers", "50", "--boundary", "node", "--runtime", "eager")
    assert o["seconds_per_unit"] == pytest.approx((10.37 + 10.7) / 2 / 1e3, rel=1e-9)
    assert o["bound"] == "framework" and o["calibration"]["speed_factor"] == 1.0


def test_eager_vision_needs_its_layers():
    proc = cli("--workload", "vision", "--accelerator", "NVIDIA L4", "--precision", "fp16", "--batch", "1",
               "--gflops", "7.6", "--boundary", "node", "--runtime", "eager")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--runtime eager needs --layers" in proc.stderr
