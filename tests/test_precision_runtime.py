"""Compute fractions at every precision from inference measurements and the eager runtime's framework floor
(infertrends/model/achieved.py), against hand calculations from the printed sources."""

from __future__ import annotations

import json
import math
import subprocess

import pytest
from conftest import run_estimate


def cli(*args: str) -> subprocess.CompletedProcess:
    return run_estimate(*args)


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


def test_int8_and_fp16_use_tensorrt_inference_rates_not_training_mfu():
    # Paddle-TRT ResNet-50 v1.5, batch 256 (DeepLearningExamples): INT8 A100 80GB 27,935.10, A30 14,443.15,
    # A10 9,598.97 img/s; dense INT8 peaks 624, 330, 250 TOPS; 7.6 GFLOPs per image (thesis Table A.3)
    f = [27935.10 * 7.6e9 / 624e12, 14443.15 * 7.6e9 / 330e12, 9598.97 * 7.6e9 / 250e12]
    o = out("--workload", "vision", "--accelerator", "NVIDIA A100 SXM 80GB", "--precision", "int8", "--batch", "256",
            "--gflops", "7.6", "--boundary", "accelerator", "--method", "sourced")
    assert o["factors"]["compute_fraction"] == pytest.approx(math.prod(f) ** (1 / 3), rel=1e-9)
    assert 0.29 < o["factors"]["compute_fraction"] < 0.34  # the issue: ResNet-50 on H200 reaches about 0.29
    assert "throughput_resnet50_a10_int8_trt" in o["factors"]["sources"]["compute_fraction"]
    # FP16: the same three GPUs at 17,363.79, 8,393.37, 5,397.53 img/s (peaks 312, 165, 125 TFLOPS) and Llama 2 7B
    # prefill on an A100: 2,048 tokens in 133 ms, each token 2 x 7e9 (the book's parameter count) plus attention
    # over 1,024 earlier tokens on average, 4 x 32 layers x 1,024 x 4,096
    prefill = 2048 * (2 * 7e9 + 4 * 32 * 1024 * 4096) / 0.133 / 312e12
    f16 = [17363.79 * 7.6e9 / 312e12, 8393.37 * 7.6e9 / 165e12, 5397.53 * 7.6e9 / 125e12, prefill]
    for precision in ("fp16", "bf16"):  # BF16 takes FP16's rows: same tensor cores, same peak
        o = out("--workload", "vision", "--accelerator", "NVIDIA A100 SXM 80GB", "--precision", precision, "--batch",
                "256", "--gflops", "7.6", "--boundary", "accelerator", "--method", "sourced")
        assert o["factors"]["compute_fraction"] == pytest.approx(math.prod(f16) ** (1 / 4), rel=1e-9)


def test_fp8_uses_the_prefill_measured_on_h100_and_l40s():
    # Llama 2 7B, 2,048 tokens at batch 1 in TensorRT-LLM: 36 ms on H100 SXM (dense FP8 1,979 TFLOPS), 73 ms on
    # L40S (733 TFLOPS)
    flops = 2048 * (2 * 7e9 + 4 * 32 * 1024 * 4096)
    f = [flops / 0.036 / 1979e12, flops / 0.073 / 733e12]
    o = out("--workload", "vision", "--accelerator", "NVIDIA H100 SXM", "--precision", "fp8", "--batch", "256",
            "--gflops", "7.6", "--boundary", "accelerator", "--method", "sourced")
    assert o["factors"]["compute_fraction"] == pytest.approx(math.sqrt(f[0] * f[1]), rel=1e-9)


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


# --- power limit -------------------------------------------------------------------------------------------

#: MLPerf Inference v4.1, NVIDIA 8x H200-SXM-141GB (700 W), Offline "Samples per second" at default power and
#: MaxQ, and the MaxQ configuration's power_limit (closed/NVIDIA/results/..., configs/<benchmark>/Offline)
H200_PAIRS = {"resnet50": (756960, 556234, 350), "retinanet": (14439, 10802.5, 350), "bert-99": (73309.5, 54063.2, 400),
              "3d-unet-99": (54.7136, 41.664, 350), "gptj-99": (291.103, 189.806, 350),
              "llama2-70b-99": (107.477, 86.7369, 500), "mixtral-8x7b": (404.431, 335.674, 500),
              "stable-diffusion-xl": (17.4186, 13.202, 450)}


def hand_exponent() -> float:
    a = sorted(math.log(q / p) / math.log(w / 700) for p, q, w in H200_PAIRS.values())
    return (a[3] + a[4]) / 2  # the median of eight


def test_the_cap_exponent_is_the_median_over_mlperfs_capped_runs():
    import infertrends.model.achieved as achieved

    assert achieved.cap_exponent() == pytest.approx(hand_exponent(), rel=1e-9)
    assert 0.3 < achieved.cap_exponent() < 0.8


H200 = ["--workload", "vision", "--accelerator", "NVIDIA H200 SXM", "--precision", "int8", "--gflops", "7.6"]


def test_a_cap_below_the_chains_draw_runs_at_the_cap_and_slower_by_hand():
    # sourced chain at the accelerator: power falls from p to the limit c, time grows by (p / c) ** a, so the
    # Joules scale by (c / p) ** (1 - a)
    free = out(*H200, "--batch", "4096", "--boundary", "accelerator", "--method", "sourced")
    capped = out(*H200, "--batch", "4096", "--boundary", "accelerator", "--method", "sourced",
                 "--power-cap-watts", "200")
    p, c, a = free["accelerator_power_fraction_of_tdp"], 200 / 700, hand_exponent()
    assert p > c and capped["accelerator_power_fraction_of_tdp"] == pytest.approx(c)
    assert capped["seconds_per_unit"] == pytest.approx(free["seconds_per_unit"] * (p / c) ** a, rel=1e-9)
    assert capped["joules_per_unit"] == pytest.approx(free["joules_per_unit"] * (c / p) ** (1 - a), rel=1e-9)


def test_the_calibrated_node_under_a_cap_by_hand():
    # MaxQ-like: 8 H200 at 350 W. Node power: host + W/W x 8 x 350 instead of x 8 x 700; compute-bound seconds
    # x (700 / 350) ** a
    args = [*H200, "--count", "8", "--batch", "8192", "--boundary", "node"]
    free, capped = out(*args), out(*args, "--power-cap-watts", "350")
    cal = free["calibration"]
    watts = lambda w: cal["host_watts_per_server"] + cal["watts_per_watt_of_tdp"] * 8 * w  # noqa: E731
    want = free["joules_per_unit"] * watts(350) / watts(700) * 2 ** hand_exponent()
    assert capped["joules_per_unit"] == pytest.approx(want, rel=1e-9)
    assert capped["joules_per_unit"] < free["joules_per_unit"]


@pytest.mark.parametrize("cap, message", [("800", "above the TDP"), ("50", "above the idle power"),
                                          ("nan", "--power-cap-watts")])
def test_an_impossible_cap_is_refused_in_one_line(cap, message):
    proc = cli(*H200, "--batch", "8", "--boundary", "node", "--power-cap-watts", cap)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and message in proc.stderr


A100_VISION = ["--workload", "vision", "--gflops", "4.1", "--accelerator", "NVIDIA A100 SXM 80GB", "--precision",
               "int8", "--batch", "1"]


def test_accelerators_without_an_image_draw_their_idle_power():
    # One image on 8 A100s: one works, seven idle for as long, at the A100's sourced idle power, 63 W
    # (accelerator_specs.csv, SplitwiseSim). Hand: J(8) = J(1) + 7 x 63 W x the seconds of one image on one A100.
    one = out(*A100_VISION, "--count", "1", "--boundary", "accelerator", "--method", "sourced")
    eight = out(*A100_VISION, "--count", "8", "--boundary", "accelerator", "--method", "sourced")
    assert eight["idle_accelerators"] == 7 and one["idle_accelerators"] == 0
    assert eight["seconds_per_unit"] == pytest.approx(one["seconds_per_unit"], rel=1e-12)
    assert eight["joules_per_unit"] == pytest.approx(one["joules_per_unit"] + 7 * 63 * one["seconds_per_unit"],
                                                     rel=1e-9)
    # at the node (calibrated): the fitted server for the one busy A100, plus the seven idle ones' 63 W each
    one_n = out(*A100_VISION, "--count", "1", "--boundary", "node")
    eight_n = out(*A100_VISION, "--count", "8", "--boundary", "node")
    assert eight_n["joules_per_unit"] == pytest.approx(
        one_n["joules_per_unit"] + 7 * 63 * one_n["seconds_per_unit"], rel=1e-9)
    # with a full batch nobody idles, and the printed line says when some do
    assert out(*A100_VISION[:-1], "8", "--count", "8", "--boundary", "node")["idle_accelerators"] == 0
    assert "7 of the 8 accelerators idle" in cli(*A100_VISION, "--count", "8", "--boundary", "node").stdout
