"""The one energy chain: hand calculations, boundaries and baselines, and the `estimate` command."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

import infertrends.model.accelerators as accelerators
import infertrends.model.chain as chain
import infertrends.model.factors as factors
import infertrends.model.workloads as workloads
import infertrends.thesis.method as energy
from conftest import run_estimate


def cli(*args: str) -> subprocess.CompletedProcess:
    return run_estimate(*args)


# --- the chain's arithmetic against hand calculations ---------------------------------------------

def test_thesis_is_the_special_case():
    """FLOPs over GFLOPS/W: AlexNet's 1.43 GFLOPs (Table A.3) on 10 GFLOPS/W is 0.143 J."""
    step = chain.Step(flops=1.43e9, bytes=0.0, units=1.0)
    res = chain.run(step, accelerators.efficiency_point(10.0), chain.thesis_factors())
    assert res.joules == {"accelerator": pytest.approx(0.143), "node": pytest.approx(0.143),
                          "facility": pytest.approx(0.143)}
    assert energy.joules(np.array([1.43]), np.array([10.0]))[0] == pytest.approx(0.143)


def test_roofline_and_power_by_hand():
    """A 100 TFLOPS, 1 TB/s, 500 W device with idle 100 W; f_c = 0.5, f_m = 0.8, k = 0.5, host 1.5, PUE 1.2."""
    hw = chain.Hardware("toy", "bf16", 100.0, 500.0, "dense tensor peak", bandwidth_gb_s=1000.0, memory_gb=80.0,
                        idle_watts=100.0)
    f = chain.Factors(compute_fraction=0.5, memory_fraction=0.8, memory_power=0.5, host_overhead=1.5, pue=1.2)
    # compute-bound: 1e15 FLOPs take 1e15 / 5e13 = 20 s; 1e12 bytes would take 1.25 s
    res = chain.run(chain.Step(flops=1e15, bytes=1e12, units=10.0), hw, f)
    assert res.bound == "compute" and res.seconds_per_unit == pytest.approx(2.0)
    u_m = 1e12 / (20 * 1e12)  # 0.05 of the bandwidth
    watts = 500 * (0.2 + 0.8 * (0.5 + 0.5 * u_m))  # idle share 100/500 = 0.2
    assert res.accelerator_watts == pytest.approx(watts)
    assert res.joules["accelerator"] == pytest.approx(watts * 20 / 10)
    assert res.joules["node"] == pytest.approx(watts * 2 * 1.5)
    assert res.joules["facility"] == pytest.approx(watts * 2 * 1.5 * 1.2)
    # memory-bound: 1e13 bytes take 12.5 s, 1e12 FLOPs 0.02 s
    res = chain.run(chain.Step(flops=1e12, bytes=1e13, units=1.0), hw, f)
    assert res.bound == "memory" and res.seconds_per_unit == pytest.approx(12.5)
    assert res.power_fraction == pytest.approx(0.2 + 0.8 * (1e12 / (12.5 * 1e14) + 0.5 * 0.8))


def test_power_follows_activity():
    hw = chain.Hardware("toy", "bf16", 100.0, 500.0, "dense tensor peak", bandwidth_gb_s=1000.0)
    step = chain.Step(flops=1e15, bytes=0.0, units=1.0)
    fracs = [chain.run(step, hw, chain.Factors(compute_fraction=fc, idle_fraction=0.1)).power_fraction
             for fc in (0.2, 0.5, 1.0)]
    assert fracs == pytest.approx([0.1 + 0.9 * 0.2, 0.1 + 0.9 * 0.5, 1.0])


def test_kv_cache_of_known_architectures():
    """Llama 3.1 70B: 80 layers x 8 KV heads x 128 x (K, V) x 2 bytes = 327,680 bytes per token in BF16;
    DeepSeek-V3's latent attention caches 576 elements per layer: 61 x 576 x 2 bytes."""
    assert workloads.llm("Llama 3.1 70B").kv_bytes_per_token("bf16") == 80 * 8 * 128 * 2 * 2
    assert workloads.llm("DeepSeek-V3").kv_bytes_per_token("bf16") == 61 * 576 * 2
    assert workloads.llm("GPT-3 175B").kv_bytes_per_token("fp8") == 96 * 96 * 128 * 2 * 1


def test_kv_cache_of_hybrid_architectures():
    """Only attention layers cache: Qwen3.5-35B-A3B has 10 gated-attention layers of 40 (the other 30 are
    Gated DeltaNet), 2 KV heads x 256: 10 x 2 x 256 x (K, V) x 2 bytes per token in BF16; Nemotron 3 Nano,
    6 GQA layers of 52 with 2 KV heads x 128. Attention FLOPs count the same layers: 4 x 10 x context x 16 x 256.
    DeepSeek-V3.2-Exp caches its latent (512 + 64) and the indexer's 128-element key: 61 x 704 elements."""
    assert workloads.llm("Qwen3.5-35B-A3B").kv_bytes_per_token("bf16") == 10 * 2 * 256 * 2 * 2
    assert workloads.llm("Nemotron 3 Nano 30B-A3B").kv_bytes_per_token("bf16") == 6 * 2 * 128 * 2 * 2
    assert workloads.llm("Qwen3.5-35B-A3B").attention_flops(1000) == 4 * 10 * 1000 * 16 * 256
    assert workloads.llm("DeepSeek-V3.2-Exp").kv_bytes_per_token("fp8") == 61 * (512 + 64 + 128)


def test_default_architecture_ignores_hybrids():
    """The layer fit for models without an architecture uses transformers only: adding a hybrid's 88 layers
    (Nemotron 3 Super, 8 of them attention) must not change it."""
    arch = workloads.llm_architectures()
    assert "Nemotron 3 Super 120B-A12B" in set(arch["model"])
    full = arch.dropna(subset=["n_layers", "params_billions", "attention_width"])
    plain = full[full["n_attention_layers"].isna()]
    x = np.log(plain["params_billions"].astype(float))
    slope, _ = np.polyfit(x, np.log(plain["n_layers"].astype(float)), 1)
    assert workloads._architecture_fit()[0] == pytest.approx(slope)


def test_mixture_of_experts_weights_touched():
    m = workloads.LLM(params_billions=46.7, active_params_billions=12.9)
    assert m.weight_bytes_touched("bf16", 1) == pytest.approx(12.9e9 * 2)
    assert m.weight_bytes_touched("bf16", 10_000) == pytest.approx(46.7e9 * 2)
    two = 46.7e9 * (1 - (1 - 12.9 / 46.7) ** 2) * 2
    assert m.weight_bytes_touched("bf16", 2) == pytest.approx(two)


def test_largest_batch_by_hand():
    """Llama 3.1 70B in BF16 on 2 H100 (160 GB): 140 GB of weights leave 20 GB for 1,000-token contexts
    of 327,680 bytes a token: 61 sequences."""
    hw = accelerators.hardware("NVIDIA H100 SXM", "bf16", count=2)
    assert workloads.max_batch(workloads.llm("Llama 3.1 70B"), hw, "bf16", 1000) == int(20e9 // (1000 * 327_680))


def test_accelerator_peaks_are_dense():
    """NVIDIA prints the H100 SXM's BF16 tensor peak as 1,979 TFLOPS with sparsity; the dense peak is half."""
    assert accelerators.hardware("NVIDIA H100 SXM", "bf16").peak_tflops == pytest.approx(1979 / 2, rel=1e-3)
    assert accelerators.hardware("A100", "fp16").peak_tflops == 312.0  # Table B.1


# --- boundaries and baselines -------------------------------------------------------------------

@pytest.mark.parametrize("key, slot, precision, message", [
    ("power_fraction_node_h100", "idle_fraction", None, "node boundary relative to rated node power"),
    ("mfu_training_h100", "compute_fraction", "fp32", "needs the accelerator boundary relative to fp32 peak"),
    ("pue_hyperscale", "host_overhead", None, "needs the node boundary relative to accelerator power"),
    ("host_overhead_gemini", "pue", None, "needs the facility boundary relative to node power"),
])
def test_values_at_the_wrong_boundary_or_baseline_are_refused(key, slot, precision, message):
    with pytest.raises(chain.ChainError, match=message):
        chain.sourced(key, slot, precision=precision)


def test_matching_values_are_accepted():
    assert chain.sourced("mfu_training_h100", "compute_fraction", precision="bf16") == 0.47
    assert chain.sourced("pue_industry_average", "pue") == 1.58


@pytest.mark.parametrize("bad", [dict(compute_fraction=0.0), dict(memory_fraction=1.5), dict(pue=0.9),
                                 dict(host_overhead=float("nan")), dict(idle_fraction=float("inf"))])
def test_factors_out_of_range_are_refused(bad):
    with pytest.raises(chain.ChainError):
        chain.Factors(**bad)


# --- the estimate command --------------------------------------------------------------------------

def test_estimate_help_documents_the_interface():
    proc = subprocess.run([sys.executable, "-m", "infertrends", "estimate", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    for option in ("--workload", "--accelerator", "--count", "--precision", "--batch", "--gflops", "--params-billions",
                   "--active-params-billions", "--input-tokens", "--output-tokens", "--cap-batch", "--boundary",
                   "--json", "--list-accelerators", "vision,encoder,llm-prefill,llm-decode,llm-query",
                   "--peak-tflops", "--bandwidth-gbs", "--memory-gb", "--tdp-watts", "--idle-watts", "custom",
                   "--tensor-parallel", "--method", "calibrated,sourced", "80 % interval", "--power-cap-watts",
                   "--runtime", "optimized,eager",
                   "fp32,tf32,fp16,bf16,fp8,int8", "accelerator,node,facility"):
        assert option in proc.stdout, option


def test_list_accelerators():
    proc = cli("--list-accelerators")
    assert proc.returncode == 0
    names = proc.stdout.splitlines()
    assert "NVIDIA H100 SXM" in names and "A100" in names and names == sorted(names)


#: The central INT8 compute fraction by hand: Paddle-TRT ResNet-50 v1.5 at batch 256 (DeepLearningExamples) on an
#: A100 80GB (27,935.10 img/s, 624 TOPS), an A30 (14,443.15, 330) and an A10 (9,598.97, 250), 7.6 GFLOPs per image
#: (thesis Table A.3): the geometric mean of the three achieved fractions.
F_C_INT8 = (27935.10 * 7.6e9 / 624e12 * 14443.15 * 7.6e9 / 330e12 * 9598.97 * 7.6e9 / 250e12) ** (1 / 3)


def a100_resnet50_by_hand(images_per_accelerator: int) -> tuple[float, float]:
    """The hand calculation of ResNet-50 (7.6 GFLOPs, 25.6M parameters) at INT8 on one A100 (624 TOPS,
    1,555 GB/s, 400 W) with the central factors (f_c :data:`F_C_INT8`, idle the generic 0.132 of TDP, k calibrated on the
    decode power 0.31 of TDP at f_m 0.60): Joules per image at the accelerator and seconds per step."""
    t = images_per_accelerator * 7.6e9 / (F_C_INT8 * 624e12)
    u_m = 25.6e6 / (t * 1555e9)
    idle = 0.132
    k = (0.31 - idle) / ((1 - idle) * 0.60)
    return 400 * (idle + (1 - idle) * (F_C_INT8 + k * u_m)) * t / images_per_accelerator, t


def test_estimate_json_for_a_vision_model_by_hand():
    """ResNet-50 (7.6 GFLOPs, 25.6M parameters) at INT8, batch 256, on one A100 (624 TOPS, 1,555 GB/s,
    400 W), accelerator boundary, central factors: f_c F_C_INT8 (about 0.32), idle = the generic 0.132 (no sourced A100-40GB idle)."""
    proc = cli("--workload", "vision", "--accelerator", "A100", "--precision", "int8", "--batch", "256",
               "--gflops", "7.6", "--params-billions", "0.0256", "--boundary", "accelerator", "--method", "sourced",
               "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert {"joules_per_unit", "unit", "low", "high", "bound", "batch_used", "factors"} <= set(out)
    assert out["interval"] is None and out["method"] == "sourced"
    joules, _ = a100_resnet50_by_hand(256)
    assert out["joules_per_unit"] == pytest.approx(joules, rel=1e-9)
    assert out["unit"] == "image" and out["bound"] == "compute" and out["batch_used"] == 256
    assert out["low"] < out["joules_per_unit"] < out["high"]


def test_estimate_decode_is_memory_bound_and_caps_the_batch():
    args = ["--workload", "llm-decode", "--accelerator", "NVIDIA H100 SXM", "--count", "2", "--precision", "bf16",
            "--params-billions", "70", "--input-tokens", "900", "--output-tokens", "200", "--boundary", "facility"]
    too_big = cli(*args, "--batch", "500")
    assert too_big.returncode == 2
    assert too_big.stderr.count("\n") == 1 and "largest that fits is" in too_big.stderr
    capped = cli(*args, "--batch", "500", "--cap-batch", "--json")
    assert capped.returncode == 0, capped.stderr
    out = json.loads(capped.stdout)
    largest = int(too_big.stderr.split("largest that fits is ")[1].split()[0])
    assert out["batch_used"] == largest < 500 and out["bound"] == "memory" and out["unit"] == "output token"


@pytest.mark.parametrize("args, option", [
    (["--accelerator", "Nonexistent GPU"], "unknown accelerator"),
    (["--accelerator", "Tesla V100", "--precision", "int8"], "no sourced dense int8 peak"),
    (["--batch", "0"], "--batch"),
    (["--batch", "-3"], "--batch"),
    (["--gflops", "nan"], "--gflops"),
    (["--gflops", "inf"], "--gflops"),
    (["--precision", "fp4"], "--precision"),
    (["--boundary", "rack"], "--boundary"),
])
def test_estimate_errors_are_one_line_with_status_2(args, option):
    base = {"--workload": "vision", "--accelerator": "A100", "--precision": "fp16", "--batch": "8", "--gflops": "4",
            "--boundary": "node"}
    for k, v in zip(args[::2], args[1::2]):
        base[k] = v
    proc = cli(*[x for kv in base.items() for x in kv])
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and option in lines[0], proc.stderr


def test_estimate_needs_the_workloads_inputs():
    proc = cli("--workload", "llm-query", "--accelerator", "NVIDIA H100 SXM", "--precision", "bf16", "--boundary",
               "node", "--params-billions", "8")
    assert proc.returncode == 2 and "--input-tokens" in proc.stderr


def test_default_architecture_is_close_to_a_known_model():
    """Without flags, a 70B model gets layers near Llama 3.1 70B's 80 and a GQA-sized KV cache."""
    d = workloads.default_architecture(70.0)
    assert 50 <= d.n_layers <= 110
    assert d.kv_elements_per_layer == pytest.approx(2 * 8 * 128)  # the median model uses 8 KV heads of 128
    assert math.isfinite(d.attention_width)


def test_scenarios_use_sourced_values_at_their_boundaries():
    import infertrends.model.scenarios as scenarios

    for sc in scenarios.scenarios().values():
        sc.factors()  # raises ChainError on a boundary or baseline mismatch
    c = scenarios.comparison()
    cnn = c[(c["workload"] == "vision") & (c["scenario"] != "thesis")]
    assert (cnn["bound"] != "").all()
    decode = c[(c["workload"] == "llm-decode") & (c["scenario"] == "datacenter-typical")]
    assert (decode["bound"] == "memory").all()
    assert factors.factors("bf16").pue == 1.58


def test_energy_chapter_arithmetic_is_the_chains_compute_side():
    """The thesis chapters keep the thesis's own arithmetic; it must equal the chain's special case."""
    import pandas as pd

    import infertrends.thesis.scaling as scaling

    cv = scaling.vision_models("recomputed")
    a = energy.Assumptions(utilisation=0.4, power_fraction=0.7, host_overhead=1.3, pue=1.2)
    book = energy.efficiency_and_joules("CV", cv["gflops"], cv["release_date"], a)
    for g, eff, j in zip(cv["gflops"], book["gflops_per_watt"], book["joules"]):
        step = chain.Step(flops=g * 1e9, bytes=0.0, units=1.0)
        f = chain.Factors(compute_fraction=0.4, power_fraction=0.7, host_overhead=1.3, pue=1.2, roofline=False)
        assert chain.run(step, accelerators.efficiency_point(eff), f).joules["facility"] == pytest.approx(j, rel=1e-12)
    thesis = energy.joules(cv["gflops"], book["gflops_per_watt"])
    for g, eff, j in zip(cv["gflops"], book["gflops_per_watt"], thesis):
        step = chain.Step(flops=g * 1e9, bytes=0.0, units=1.0)
        assert chain.run(step, accelerators.efficiency_point(eff), chain.thesis_factors()).joules["accelerator"] == \
            pytest.approx(j, rel=1e-12)
    assert isinstance(book, pd.DataFrame)


# --- Bugs reported in issue 20 (each test failed before its fix) ---------------------------------------

LLAMA70 = ["--workload", "llm-decode", "--accelerator", "NVIDIA H100 SXM", "--count", "4", "--precision", "bf16",
           "--params-billions", "70", "--input-tokens", "500", "--output-tokens", "400", "--batch", "32",
           "--boundary", "node"]


def test_layers_kv_heads_and_head_dim_together_are_used():
    """--layers 80 --kv-heads 8 --head-dim 128 (Llama 2 70B) used to crash with a traceback; now the KV cache
    is 80 x 2 x 8 x 128 elements x 2 bytes = 327,680 bytes per token, as the model's own architecture gives."""
    import infertrends.model.estimate as estimate

    proc = cli(*LLAMA70, "--layers", "80", "--kv-heads", "8", "--head-dim", "128", "--json")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    r = estimate.Request(workload="llm-decode", accelerator="NVIDIA H100 SXM", count=4, precision="bf16", batch=32,
                         boundary="node", params_billions=70, input_tokens=500, output_tokens=400, n_layers=80,
                         kv_heads=8, head_dim=128)
    assert estimate._model(r).kv_bytes_per_token("bf16") == 80 * 2 * 8 * 128 * 2


@pytest.mark.parametrize("alone", [["--kv-heads", "8"], ["--head-dim", "128"]])
def test_kv_heads_or_head_dim_alone_is_refused_not_ignored(alone):
    proc = cli(*LLAMA70, *alone)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "--kv-heads and --head-dim go together" in proc.stderr


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_an_estimate_that_overflows_is_refused(json_flag):
    """--gflops 1e300 used to print 'nan J' (and NaN in --json) with exit 0."""
    proc = cli("--workload", "vision", "--accelerator", "NVIDIA H100 SXM", "--precision", "int8", "--batch", "32",
               "--gflops", "1e300", "--boundary", "node", *json_flag)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "not a finite number" in proc.stderr


def test_seconds_of_a_query_add_up_its_tokens():
    """llm-query: the seconds of one query are its input tokens' prefill seconds plus its output tokens'
    decode seconds (they used to add one token of each)."""
    import infertrends.model.accelerators as accelerators
    import infertrends.model.chain as chain
    import infertrends.model.estimate as estimate
    import infertrends.model.factors as factors

    r = estimate.Request(workload="llm-query", accelerator="NVIDIA H100 SXM", count=4, precision="bf16", batch=32,
                         boundary="node", params_billions=70, input_tokens=500, output_tokens=400, tensor_parallel=4)
    out = estimate.estimate(r)
    hw = accelerators.hardware(r.accelerator, r.precision, r.count)
    f = factors.default_factors(r.precision, r.boundary, r.accelerator)
    (pre, n_pre), (dec, n_dec) = estimate.steps_for(estimate._model(r), r, out["batch_used"])
    want = n_pre * chain.run(pre, hw, f).seconds_per_unit + n_dec * chain.run(dec, hw, f).seconds_per_unit
    assert (n_pre, n_dec) == (500.0, 400.0)
    assert out["seconds_per_unit"] == pytest.approx(want, rel=1e-12)


def test_a_kv_cache_too_large_for_one_sequence_is_named_as_such():
    """A 7B model fits on one H100 (80 GB) but one sequence of 2,000,000 tokens' KV cache does not: the
    message used to say the weights do not fit."""
    proc = cli("--workload", "llm-decode", "--accelerator", "NVIDIA H100 SXM", "--precision", "bf16",
               "--params-billions", "7", "--input-tokens", "2000000", "--output-tokens", "10", "--batch", "1",
               "--boundary", "node")
    assert proc.returncode == 2
    assert "weights alone" not in proc.stderr and "KV cache of one sequence" in proc.stderr
    weights = cli("--workload", "llm-decode", "--accelerator", "NVIDIA H100 SXM", "--precision", "bf16",
                  "--params-billions", "70", "--input-tokens", "100", "--output-tokens", "10", "--batch", "1",
                  "--boundary", "node")
    assert weights.returncode == 2 and "the weights alone do not fit" in weights.stderr


def test_a_custom_accelerator_by_hand():
    """--accelerator custom with A100's datasheet numbers (624 TOPS INT8, 1,555 GB/s, 400 W, no idle given:
    the generic 0.132 of TDP) gives the hand-computed Joules of test_estimate_json_for_a_vision_model_by_hand."""
    proc = cli("--workload", "vision", "--accelerator", "custom", "--peak-tflops", "624", "--bandwidth-gbs", "1555",
               "--tdp-watts", "400", "--precision", "int8", "--batch", "256", "--gflops", "7.6",
               "--params-billions", "0.0256", "--boundary", "accelerator", "--method", "sourced", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["joules_per_unit"] == pytest.approx(a100_resnet50_by_hand(256)[0], rel=1e-9)
    assert out["accelerator"] == "custom"


@pytest.mark.parametrize("args, message", [
    (["--accelerator", "custom", "--bandwidth-gbs", "1555", "--tdp-watts", "400"], "needs --peak-tflops"),
    (["--accelerator", "custom", "--peak-tflops", "624", "--bandwidth-gbs", "1555", "--tdp-watts", "400",
      "--idle-watts", "500"], "--idle-watts must be below --tdp-watts"),
    (["--accelerator", "A100", "--peak-tflops", "624"], "goes with --accelerator custom"),
    (["--accelerator", "custom", "--peak-tflops", "nan", "--bandwidth-gbs", "1555", "--tdp-watts", "400"],
     "--peak-tflops"),
])
def test_custom_accelerator_errors_are_one_line(args, message):
    base = ["--workload", "vision", "--precision", "int8", "--batch", "8", "--gflops", "4", "--boundary", "node"]
    proc = cli(*base, *args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and message in proc.stderr


def test_a_custom_accelerator_needs_its_memory_for_a_language_model():
    proc = cli("--workload", "llm-decode", "--accelerator", "custom", "--peak-tflops", "989", "--bandwidth-gbs", "3350",
               "--tdp-watts", "700", "--precision", "bf16", "--params-billions", "8", "--input-tokens", "100",
               "--output-tokens", "100", "--boundary", "node")
    assert proc.returncode == 2 and "needs --memory-gb" in proc.stderr


def test_tensor_parallel_copies_by_hand():
    """8 A100 (624 TOPS INT8, 1,555 GB/s, 400 W) as 8 copies of ResNet-50 (--tensor-parallel 1) serving a batch
    of 256: each copy runs 32 images, so the Joules per image are one A100's at batch 32, by hand, and the
    system's seconds per image are one copy's / 8."""
    proc = cli("--workload", "vision", "--accelerator", "A100", "--count", "8", "--tensor-parallel", "1",
               "--precision", "int8", "--batch", "256", "--gflops", "7.6", "--params-billions", "0.0256",
               "--boundary", "accelerator", "--method", "sourced", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    joules, t = a100_resnet50_by_hand(32)
    assert out["joules_per_unit"] == pytest.approx(joules, rel=1e-9)
    assert out["seconds_per_unit"] == pytest.approx(t / 32 / 8, rel=1e-9)
    assert (out["replicas"], out["tensor_parallel"], out["batch_used"], out["count"]) == (8, 1, 256, 8)


@pytest.mark.parametrize("extra, message", [
    (["--count", "8", "--tensor-parallel", "3"], "--tensor-parallel must divide --count"),
    (["--count", "8", "--tensor-parallel", "2", "--batch", "6"], "--batch must be a multiple of the 4 copies"),
    (["--count", "8", "--tensor-parallel", "1", "--batch", "8"], "in one copy of the model on 1 accelerator"),
])
def test_tensor_parallel_errors(extra, message):
    """A 70B model in BF16 (140 GB) does not fit one 80 GB H100: with one accelerator per copy it is refused."""
    base = ["--workload", "llm-decode", "--accelerator", "NVIDIA H100 SXM", "--precision", "bf16",
            "--params-billions", "70", "--input-tokens", "100", "--output-tokens", "100", "--boundary", "node"]
    args = base + extra + ([] if "--batch" in extra else ["--batch", "8"])
    proc = cli(*args)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and message in proc.stderr, proc.stderr


@pytest.mark.parametrize("runtime, largest", [
    # a serving engine: 0.9 of 2 x 80 GB (vLLM's gpu_memory_utilization) - 140 GB of weights = 4 GB for sequences
    # holding 500 + 400 / 2 = 700 tokens of 80 x 2 x 8 x 128 x 2 = 327,680 bytes: 17
    ("optimized", int(4e9 // (700 * 327680))),
    # a plain pipeline's static batch: all 160 GB, every sequence at 500 + 400 = 900 tokens: 67
    ("eager", int(20e9 // (900 * 327680))),
])
def test_the_kv_cache_holds_the_mean_context_beside_the_engines_reserve(runtime, largest):
    args = [a if a != "4" else "2" for a in LLAMA70]  # two H100: the memory is tight
    proc = cli(*args, "--layers", "80", "--kv-heads", "8", "--head-dim", "128", "--batch", "500",
               "--runtime", runtime)
    assert proc.returncode == 2 and f"the largest that fits is {largest} " in proc.stderr, proc.stderr


def test_decode_adds_the_weight_gemms_and_the_attention_by_hand():
    """A 70B model (80 layers, 8 KV heads of 128, attention width 8,192) at batch 256 and 1,000 tokens of context on
    one H100 SXM (989.5 TFLOPS dense BF16, 3,350 GB/s), f_c 0.47, f_m 0.6: the weight GEMMs (2 x 70e9 FLOPs per
    sequence, 140 GB read) and the attention (4 x 80 x 1,000 x 8,192 FLOPs per sequence, its 1,000 x 80 x 2,048 x 2
    bytes of KV cache) are two kernels, each its own roofline, their times added."""
    hw = accelerators.hardware("NVIDIA H100 SXM", "bf16")
    assert (hw.peak_tflops, hw.bandwidth_gb_s) == (989.5, 3350)
    m = workloads.LLM(params_billions=70, n_layers=80, kv_elements_per_layer=2 * 8 * 128, attention_width=8192)
    compute, feed = 0.47 * 989.5e12, 0.6 * 3350e9
    gemm = max(256 * 2 * 70e9 / compute, 140e9 / feed)
    attention = max(256 * 4 * 80 * 1000 * 8192 / compute, 256 * 1000 * 80 * 2048 * 2 / feed)
    res = chain.run(workloads.step_decode(m, "bf16", 256, 1000), hw, chain.Factors(compute_fraction=0.47,
                                                                                 memory_fraction=0.6))
    assert res.seconds_per_unit * 256 == pytest.approx(gemm + attention, rel=1e-12)
    # one roofline over the whole step would have said less: the GEMMs are compute-bound, the attention is not
    one = max((256 * 2 * 70e9 + 256 * 4 * 80 * 1000 * 8192) / compute, (140e9 + 256 * 1000 * 80 * 2048 * 2) / feed)
    assert gemm + attention > 1.05 * one


def test_capacities_printed_in_gib_are_decimal_gb_in_the_chain():
    # Google's TPU7x page prints 'HBM capacity per chip (GiB) | 192'; AWS prints Trainium3's '144 GiB';
    # NVIDIA's H100 SXM '80GB' stays 80. By hand: 192 x 2^30 / 10^9 = 206.158430208 GB.
    t = accelerators.spec_table().set_index("accelerator")["memory_gb"]
    assert t["Google TPU v7 (Ironwood)"] == pytest.approx(206.158430208, rel=1e-12)
    assert t["AWS Trainium3"] == pytest.approx(154.618822656, rel=1e-12)
    assert t["NVIDIA H100 SXM"] == 80.0
