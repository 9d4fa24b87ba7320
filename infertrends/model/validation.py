"""Every measurement the book holds, estimated out of study by the chain and by the methods a user
would pick instead, on the same rows.

The cases (:func:`estimates`) are every MLPerf Inference Offline and Server power result of a benchmark whose work the
book can count (``data/mlperf/power.csv``, imported by script; one study per round) and every other
measurement of ``data/extension/measurements.csv`` that :mod:`infertrends.model.measurements` matches to a
model and an accelerator (one study per leaderboard version).  Each case is estimated at the
boundary its meter reads (:func:`estimates`) by

* **thesis** - the thesis's method: FLOPs over the adapted peak per Watt of TDP;
* **epoch** - the FLOPs-at-utilisation method of Epoch AI's "How much energy does ChatGPT use?":
  FLOPs over (dense 16-bit tensor peak x utilisation) times the power Epoch assumes per accelerator;
* **ecologits** - EcoLogits' LLM energy model (the ``ecologits`` package, called; language models only);
* **chain** - the book's chain (:mod:`infertrends.model.chain`) with its sourced central factors, and
* **chain_calibrated** - the chain times a calibration fitted, for each held-out study, on the *other*
  studies only (:func:`leave_one_study_out`), with a central 80 % interval from their out-of-study errors.

:func:`scores` reports, per method on the same rows, the median factor off, the worst, the bias (geometric
mean of measured / estimated: above 1 the meter reads more) and, where a method gives an interval, its
coverage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

import infertrends.data as data
import infertrends.model.accelerators as accelerators
import infertrends.model.chain as chain
import infertrends.model.estimate as estimate
import infertrends.model.measurements as measurements
import infertrends.model.mlperf as mlperf
import infertrends.model.workloads as workloads

#: Accelerators that are a whole system on one module (CPU, memory and accelerator under one power rating, no
#: separate host server): the node-power fit has no fixed host part for them. Jetson AGX Orin: "system-on-module"
#: with its CPU cores and memory on the module (NVIDIA Jetson AGX Orin series technical brief).
SYSTEM_ON_MODULE = ("NVIDIA Jetson AGX Orin 64GB",)

#: Central probability of the calibrated chain's interval.
INTERVAL = 0.8

#: MLPerf benchmarks whose work the book counts, by the name :func:`measurements._work` matches.
COUNTED = {"resnet50": "ResNet-50 v1.5", "bert": "BERT-Large (MLPerf)", "llama2-70b": "Llama 2 70B",
           "mixtral-8x7b": "Mixtral 8x7B", "llama3.1-8b": "Llama 3.1 8B", "llama3.1-405b": "Llama 3.1 405B"}

#: MLPerf scenarios whose results are cases: Offline (all samples at once) and Server (queries arriving at random,
#: answered within a latency bound, at the highest rate that meets it); both keep the accelerators busy for the
#: whole run, so the meter reads busy power.  SingleStream and MultiStream (one query at a time, edge systems)
#: are not cases: their accelerators wait between queries, which the chain does not model.
SCENARIOS = ("Offline", "Server")
#: MLPerf's language-model benchmarks: a case only where the result is per token (a result per query would need
#: each query's output length, which the import does not read).
LLM_BENCHMARKS = ("llama2-70b", "mixtral-8x7b", "llama3.1-8b", "llama3.1-405b")

METHODS: dict[str, str] = {
    "thesis": "the thesis's method (FLOPs over the adapted peak per Watt of TDP)",
    "epoch": "Epoch AI's FLOPs-at-utilisation method",
    "ecologits": "EcoLogits' LLM model",
    "chain": "the chain, sourced factors only",
    "chain_calibrated": "the chain, calibrated out of study",
}


#: The methods' names in a sentence.
SHORT: dict[str, str] = {"thesis": "the thesis's method", "epoch": "Epoch AI's method", "ecologits": "EcoLogits",
                         "chain": "the chain with sourced factors", "chain_calibrated": "the calibrated chain"}


def _group(study: str) -> str:
    """The study a measurement belongs to, for leave-one-study-out: an MLPerf round, a leaderboard version."""
    if study.startswith("MLPerf"):
        return "MLPerf " + study.split()[2]
    if study.startswith("ML.ENERGY"):
        return "ML.ENERGY " + study.split()[2]
    return study


@cache
def _cases() -> pd.DataFrame:
    specs = accelerators.spec_table().set_index("accelerator")
    meas = data.load_extension("measurements")
    mlp = meas[meas["study"].str.startswith("MLPerf")]
    pr = mlperf.power_results()
    runs = pr[pr["scenario"].isin(SCENARIOS) & (pr["division"] == "closed") & (pr["same_run_as"] == "")
              & pr["benchmark"].isin(COUNTED) & (pr["accelerator"] != "")
              & ((pr["unit"] == "token") | ~pr["benchmark"].isin(LLM_BENCHMARKS))]
    rows = []
    for _, r in runs.iterrows():
        if r["accelerator"] not in specs.index:
            continue
        # the same run typed by hand from its configuration (batch, precision, tokens): a measurement row of
        # the same round and accelerator whose Joules agree to 1 in 10,000
        same = mlp[(mlp["study"].str.split().str[2] == r["round"]) & (mlp["accelerator"] == r["accelerator"])
                   & ((mlp["measured_joules_per_inference"] / r["joules_per_unit"] - 1).abs() < 1e-4)]
        hand = same.iloc[0] if len(same) else None
        precision = (hand["precision_used"] if hand is not None and hand["precision_used"]
                     else mlperf._precision(r["precision"]))
        count = int(r["accelerators"])
        out_tokens = np.nan
        if r["unit"] == "token":
            # output tokens of the benchmark's dataset: the hand-typed rows of the same benchmark
            typed = meas.loc[meas["model"].str.startswith(COUNTED[r["benchmark"]].split(" (")[0]), "output_tokens"]
            out_tokens = float(typed.dropna().median()) if typed.notna().any() else np.nan
        rows.append(dict(
            group=f"MLPerf {r['round']}", source="data/mlperf/power.csv", study=f"MLPerf Inference {r['round']}",
            scenario=r["scenario"],
            model=COUNTED[r["benchmark"]], system=r["system"], accelerator=r["accelerator"], count=count,
            precision=precision, batch=(float(hand["batch"]) if hand is not None and not pd.isna(hand["batch"])
                                        else float(mlperf.ASSUMED_OFFLINE_BATCH)) * count,
            batch_stated=hand is not None and not pd.isna(hand["batch"]),
            input_tokens=384.0 if r["benchmark"] == "bert" else np.nan, output_tokens=out_tokens,
            unit="output token" if r["unit"] == "token" else ("sequence" if r["benchmark"] == "bert" else "image"),
            boundary="node", measured=float(r["joules_per_unit"]), release_date=r["release_date"],
            throughput=float(r["performance_value"]), power_watts=float(r["power_value"]),
            tdp_sum=float(specs.loc[r["accelerator"], "tdp_watts"]) * count))
    for _, r in meas[~meas["study"].str.startswith("MLPerf")].iterrows():
        w = measurements._work(r["model"], r)
        if w is None or not r["accelerator"] or r["accelerator"] not in specs.index:
            continue
        if r["boundary"] not in ("accelerator", "node"):
            continue
        count = int(r["hardware_count"]) if not pd.isna(r["hardware_count"]) else 1
        rows.append(dict(
            group=_group(r["study"]), source="data/extension/measurements.csv", study=r["study"], scenario="",
            model=r["model"],
            system=r["hardware"], accelerator=r["accelerator"], count=count,
            precision=r["precision_used"] or "", batch=float(r["batch"]) if not pd.isna(r["batch"]) else 1.0,
            batch_stated=not pd.isna(r["batch"]), input_tokens=r["input_tokens"], output_tokens=r["output_tokens"],
            unit=r["unit_of_inference"], boundary=r["boundary"], measured=float(r["measured_joules_per_inference"]),
            release_date=r["release_date"], throughput=float(r["throughput_per_second"]),
            power_watts=float(r["power_watts"]), tdp_sum=float(specs.loc[r["accelerator"], "tdp_watts"]) * count))
    return pd.DataFrame(rows)


def _row(c: pd.Series) -> pd.Series:
    """The case as :mod:`infertrends.model.measurements` reads a measurement row."""
    unit = "output token" if c["unit"].startswith("output token") else c["unit"]
    return pd.Series(dict(input_tokens=c["input_tokens"], output_tokens=c["output_tokens"], unit_of_inference=unit,
                          precision_used=c["precision"], batch=c["batch"], study=c["study"]))


def _work(c: pd.Series) -> measurements.Work:
    w = measurements._work(c["model"], _row(c))
    assert w is not None, c["model"]
    return w


def _flops(c: pd.Series, w: measurements.Work) -> float:
    """FLOPs of one measured unit as the thesis counts them (2 x active parameters per token for LLMs)."""
    return measurements._thesis_flops(w, _row(c))


def thesis(c: pd.Series) -> float:
    """The thesis's method: FLOPs over the adapted peak per Watt of TDP (no boundary: the accelerator's)."""
    w = _work(c)
    specs = accelerators.spec_table().set_index("accelerator")
    eff, _ = measurements.thesis_gflops_per_watt(c["accelerator"], w.task, specs.loc[c["accelerator"], "launch_date"])
    return _flops(c, w) / (eff * 1e9) if math.isfinite(eff) else np.nan


def epoch_joules(flops: float, peak_tflops: float, tdp_watts: float, boundary: str) -> float:
    """Epoch AI's method: seconds = FLOPs / (peak x utilisation); Joules = seconds x power x the share drawn.

    The power per accelerator is its TDP at the accelerator; at the node, the DGX H100's rated 1,275 W per GPU
    scaled by the accelerator's TDP over the H100's 700 W; at the facility, that times Epoch's PUE."""
    util = float(data.external("epoch_utilisation")["value"])
    draw = float(data.external("epoch_power_draw")["value"])
    watts = tdp_watts
    if boundary in ("node", "facility"):
        watts *= float(data.external("epoch_node_watts_per_gpu")["value"]) / H100_TDP_WATTS
    if boundary == "facility":
        watts *= float(data.external("epoch_pue")["value"])
    return flops / (peak_tflops * 1e12 * util) * watts * draw


#: The H100 SXM's TDP, the GPU of Epoch's calculation (its 1,275 W per GPU is scaled by TDP / this).
H100_TDP_WATTS = 700.0


def epoch(c: pd.Series) -> float:
    """Epoch AI's method (:func:`epoch_joules`) for a case, with the accelerator's dense 16-bit tensor peak."""
    spec = accelerators.spec_table().set_index("accelerator").loc[c["accelerator"]]
    peak = spec["fp16_tensor_tflops_dense"]
    if pd.isna(peak):
        peak = spec["bf16_tensor_tflops_dense"]
    if pd.isna(peak):
        return np.nan
    return epoch_joules(_flops(c, _work(c)), float(peak), float(spec["tdp_watts"]), c["boundary"])


def ecologits(c: pd.Series) -> float:
    """EcoLogits' LLM model (``ecologits.impacts.llm``, its default constants), per output token or query, at
    the case's boundary: the GPUs' energy (accelerator) or the server's IT energy (node); NaN for other work."""
    from ecologits.impacts.llm import compute_llm_impacts_dag

    w = _work(c)
    if w.llm_name is None:
        return np.nan
    m = workloads.llm(w.llm_name)
    out = float(c["output_tokens"])
    r = compute_llm_impacts_dag(model_active_parameter_count=m.active, model_total_parameter_count=m.params_billions,
                                output_token_count=out, request_latency=math.inf, if_electricity_mix_adpe=0.0,
                                if_electricity_mix_pe=0.0, if_electricity_mix_gwp=0.0, if_electricity_mix_wue=0.0,
                                datacenter_pue=1.0, datacenter_wue=0.0)
    kwh = r["request_it_energy"] if c["boundary"] == "node" else r["gpu_required_count"] * r["gpu_energy"]
    joules = float(kwh) * 3.6e6
    return joules / out if w.per == "token" else joules


def chain_estimate(c: pd.Series, spread: bool = True) -> tuple[float, float, float, float]:
    """The chain at the case's precision, batch and boundary with the sourced central factors, and its
    low-high over the corners of the sourced ranges (without ``spread``: the central value twice), and its
    seconds per measured unit for the whole system (NaN where the chain refuses the case)."""
    w = _work(c)
    precision = c["precision"] or "bf16"  # not stated: the model's own (Llama 3.1 ships in BF16)
    if precision not in chain.PRECISIONS:
        return np.nan, np.nan, np.nan, np.nan
    req = dict(workload=w.workload, accelerator=c["accelerator"], count=int(c["count"]), precision=precision,
               batch=int(c["batch"]), boundary=c["boundary"], cap_batch=True)
    m = None if w.llm_name is None else workloads.llm(w.llm_name)
    if m is None:
        req.update(gflops=w.gflops, params_billions=(w.params_millions or 0) / 1e3 or None)
    else:
        i, o, _ = measurements._tokens(_row(c))
        req.update(params_billions=m.params_billions, active_params_billions=m.active, input_tokens=i,
                   output_tokens=max(1, int(round(o))))
    try:
        e = estimate.estimate(estimate.Request(**req), m, spread)
    except chain.ChainError:
        return np.nan, np.nan, np.nan, np.nan
    per = float(c["output_tokens"]) if w.per == "token" else 1.0
    return e["joules_per_unit"] / per, e["low"] / per, e["high"] / per, e["seconds_per_unit"] / per


def _with_chain(c: pd.DataFrame, spread: bool) -> pd.DataFrame:
    out = c.copy()
    ch = [chain_estimate(r, spread) for _, r in c.iterrows()]
    out["chain"], out["chain_low"], out["chain_high"], out["chain_seconds"] = zip(*ch) if ch else ((), (), (), ())
    out["workload"] = [_work(r).workload for _, r in c.iterrows()]
    return out


@cache
def _estimates() -> pd.DataFrame:
    c = _cases()
    out = _with_chain(c, spread=True)
    out["thesis"] = [thesis(r) for _, r in c.iterrows()]
    out["epoch"] = [epoch(r) for _, r in c.iterrows()]
    out["ecologits"] = [ecologits(r) for _, r in c.iterrows()]
    return out


def estimates() -> pd.DataFrame:
    """Every case with each method's estimate of one measured unit at the case's boundary (J)."""
    return _estimates().copy()


@cache
def _chain_central() -> pd.DataFrame:
    return _with_chain(_cases(), spread=False)


def chain_central() -> pd.DataFrame:
    """Every case with the chain's central estimate and seconds only (what :func:`fit` needs; no corners, no
    other method): the calibration of the ``estimate`` command, in about a second."""
    return _chain_central().copy()


@dataclass(frozen=True)
class Calibration:
    """What the calibrated chain fits on a set of studies (never on the study it predicts).

    ``speed``: per workload, the geometric mean of measured seconds per unit over the chain's (its roofline
    with the sourced fractions), from the cases with a published throughput. ``host_watts`` and
    ``watts_per_tdp``: node power = host_watts + watts_per_tdp x the accelerators' summed TDP, least squares on
    the node-boundary cases' measured wall power (MLPerf's Offline and Server runs: accelerators busy).  ``accelerator``:
    geometric mean of measured / chain over accelerator-boundary cases (1 when there are none)."""

    speed: dict[str, float]
    host_watts: float
    watts_per_tdp: float
    accelerator: float


def fit(e: pd.DataFrame) -> Calibration:
    """The calibration fitted on the cases ``e`` (see :class:`Calibration`)."""
    ok = e[e["chain"].notna()]
    t = ok[ok["throughput"].notna() & (ok["throughput"] > 0)]
    logk = np.log((1.0 / t["throughput"]) / t["chain_seconds"])
    speed = {w: float(np.exp(g.mean())) for w, g in logk.groupby(t["workload"])}
    speed["*"] = float(np.exp(logk.mean())) if len(logk) else 1.0
    node = ok[(ok["boundary"] == "node") & ok["power_watts"].notna() & ~ok["accelerator"].isin(SYSTEM_ON_MODULE)]
    a, b = 0.0, 1.0  # no node measurement: the accelerators' TDP alone
    line = len(node) >= 2 and node["tdp_sum"].nunique() >= 2
    if line:
        a, b = np.linalg.lstsq(np.vstack([np.ones(len(node)), node["tdp_sum"]]).T, node["power_watts"], rcond=None)[0]
    if len(node) and not (line and a >= 0 and b > 0):  # one TDP only, or a negative host: through the origin
        a, b = 0.0, float((node["power_watts"] * node["tdp_sum"]).sum() / (node["tdp_sum"] ** 2).sum())
    acc = ok[ok["boundary"] == "accelerator"]
    cal = float(np.exp(np.log(acc["measured"] / acc["chain"]).mean())) if len(acc) else 1.0
    return Calibration(speed=speed, host_watts=float(a), watts_per_tdp=float(b), accelerator=cal)


def predict(cal: Calibration, e: pd.DataFrame) -> pd.Series:
    """The calibrated chain's Joules per measured unit for the cases ``e``: at the node, the fitted node power
    times the chain's seconds per unit times the fitted speed factor of the workload (a host per server: ``nodes``
    where ``e`` has it, else one); at the accelerator, the chain times the fitted accelerator factor."""
    k = e["workload"].map(lambda w: cal.speed.get(w, cal.speed["*"]))
    nodes = e["nodes"] if "nodes" in e else 1.0  # the measured systems are one server each
    host = np.where(e["accelerator"].isin(SYSTEM_ON_MODULE), 0.0, cal.host_watts) * nodes
    node = (host + cal.watts_per_tdp * e["tdp_sum"]) * e["chain_seconds"] * k
    return pd.Series(np.where(e["boundary"] == "node", node, e["chain"] * cal.accelerator), index=e.index)


def leave_one_study_out(e: pd.DataFrame, level: float = INTERVAL) -> pd.DataFrame:
    """The calibrated chain for every case, fitted without the case's study.

    For each study held out, :func:`fit` on the other studies gives the estimate; the interval at ``level``
    spans the central quantiles of the other studies' own out-of-study errors (each of them predicted by a fit
    without it and without the held-out study), so no number of the held-out study enters its estimate or its
    interval.  Adds ``chain_calibrated``, ``calibrated_low`` and ``calibrated_high``."""
    e = e.copy()
    for col in ("chain_calibrated", "calibrated_low", "calibrated_high"):
        e[col] = np.nan
    ok = e["chain"].notna()
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    groups = sorted(e.loc[ok, "group"].unique())
    for g in groups:
        held = ok & (e["group"] == g)
        train = e[ok & (e["group"] != g)]
        est = predict(fit(train), e[held])
        errors = []
        for g2 in sorted(train["group"].unique()):
            inner = train[train["group"] != g2]
            part = train[train["group"] == g2]
            errors.append(np.log(part["measured"] / predict(fit(inner), part)))
        err = pd.concat(errors).dropna() if errors else pd.Series([0.0])
        e.loc[held, "chain_calibrated"] = est
        e.loc[held, "calibrated_low"] = est * float(np.exp(np.quantile(err, lo_q)))
        e.loc[held, "calibrated_high"] = est * float(np.exp(np.quantile(err, hi_q)))
    return e


def scores(e: pd.DataFrame, rows: pd.Series | None = None, methods: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Per method of ``methods`` (default: all), on ``rows`` (default: every case) restricted to the cases every one
    of ``methods`` estimates (the same rows for all): cases, studies, median
    and worst factor off (max(r, 1/r) of r = measured / estimated), bias (geometric mean of r: above 1 the meter
    reads more than the method says) and, for the methods with an interval, the share of cases inside it."""
    if rows is None:
        rows = pd.Series(True, index=e.index)
    methods = methods or tuple(METHODS)
    sub = e[rows & e[list(methods)].notna().all(axis=1)]
    if sub.empty:
        return pd.DataFrame()
    out = []
    for k in methods:
        r = sub["measured"] / sub[k]
        f = measurements.factor(r)
        cover = np.nan
        if k == "chain_calibrated":
            cover = float(((sub["calibrated_low"] <= sub["measured"]) & (sub["measured"] <= sub["calibrated_high"])).mean())
        elif k == "chain":
            cover = float(((sub["chain_low"] <= sub["measured"]) & (sub["measured"] <= sub["chain_high"])).mean())
        out.append(dict(method=k, label=METHODS[k], cases=len(r), studies=sub["group"].nunique(),
                        median_factor=float(np.median(f)), worst_factor=float(f.max()),
                        bias=float(np.exp(np.log(r).mean())), share_under=float((r > 1).mean()), coverage=cover))
    return pd.DataFrame(out)
