"""Published measurements of inference energy beside three estimates of the same work.

For each measurement of ``data/extension/measurements.csv`` with its configuration (accelerator
and count, precision, batch, tokens, boundary), three estimates of one measured unit:

* (a) **thesis** - the thesis's real method: FLOPs over the *adapted* peak per Watt of TDP (FP32
  peak x NGC mixed-precision speed-up, Table B.3; the best adapted point of the GPU for the task),
  or, for an accelerator the thesis did not see, its hardware trend at the accelerator's launch.
* (b) **peak-tensor** - FLOPs over the dense FP16 tensor peak per Watt of TDP (what the book used
  before the chain; it ignores the precision the run used).
* (c) **chain** - :mod:`infertrends.model.chain` with the run's precision, batch and tokens, the sourced
  central factors, at the measurement's boundary (accelerator or node).

The ratio measured / estimated says how far each method is from the meter.  A single factor
fitted to the ratios is a *calibration*; :func:`leave_one_study_out` tests whether it transfers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

import infertrends.data as data
import infertrends.model.accelerators as accelerators
import infertrends.model.chain as chain
import infertrends.model.estimate as estimate
import infertrends.model.factors as factors
import infertrends.model.workloads as workloads
import infertrends.thesis.hardware as hardware
import infertrends.thesis.method as energy

METHODS: dict[str, str] = {
    "thesis": "thesis's method (adapted peak at TDP)",
    "peak_tensor": "dense FP16 tensor peak at TDP",
    "chain": "the chain (roofline, activity power, boundary)",
}

#: Input tokens assumed for chat rows whose source does not state the prompt length.
ASSUMED_INPUT_TOKENS = 500


@dataclass(frozen=True)
class Work:
    """What was measured, in the chain's terms."""

    workload: str
    task: str  # CV or NLP, for the thesis's adapted peak or trend
    gflops: float | None = None  # vision, encoder: per image or sequence
    params_millions: float | None = None
    llm_name: str | None = None
    per: str = "unit"  # "query": the measurement is per response; "token": per output token
    note: str = ""


#: MLPerf's BERT benchmark: SQuAD v1.1, sequences of at most 384 tokens (mlcommons/inference language/bert).
SQUAD = "SQuAD v1.1"
SQUAD_MAX_TOKENS = 384


@data.per_data_version
def mean_tokens(dataset: str, max_tokens: int) -> tuple[float, str]:
    """The mean tokens per sequence of ``dataset`` cut at ``max_tokens`` (data/extension/sequence_lengths.csv),
    and the split the histogram counts."""
    h = data.load_extension("sequence_lengths")
    h = h[(h["dataset"] == dataset) & (h["max_tokens"] == max_tokens)]
    if h.empty:
        raise ValueError(f"no histogram of {dataset} at {max_tokens} tokens in data/extension/sequence_lengths.csv")
    n = h["sequences"].astype(float)
    return float((h["tokens"].astype(float) * n).sum() / n.sum()), str(h["split"].iloc[0])


@data.per_data_version
def _by_model() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tables A.3 and A.4 indexed by model (asked for once per measurement)."""
    return data.vision().set_index("model"), data.language().set_index("model")


def _work(model: str, row: pd.Series) -> Work | None:
    """The measured work, matched explicitly by the model's name (None: no FLOP count for it)."""
    vision, language = _by_model()
    if model.startswith("ResNet-50"):
        r = vision.loc["ResNet-50"]
        return Work("vision", "CV", float(r["gflops"]), float(r["params_millions"]),
                    note="Table A.3 ResNet-50 (v1; MLPerf runs v1.5, slightly more)")
    if model.startswith("BERT-Large"):
        r = language.loc["BERT Large"]
        longest = float(row["input_tokens"])
        if longest == SQUAD_MAX_TOKENS:  # MLPerf's BERT: SQuAD v1.1 cut at 384 tokens, sequences not padded
            tokens, split = mean_tokens(SQUAD, SQUAD_MAX_TOKENS)
            what = (f"the mean {tokens:.1f} tokens of a {SQUAD} sequence at MLPerf's {longest:g}-token maximum "
                    f"({split} split, Graphcore's histogram; MLPerf runs the dev split), since shorter sequences "
                    "are not padded")
        else:
            tokens, what = longest, f"{longest:g} tokens"
        return Work("encoder", "NLP", float(r["gflops"]) * tokens / r["input_tokens"], float(r["params_millions"]),
                    note=f"Table A.4 BERT Large, {r['gflops']:g} GFLOPs per {int(r['input_tokens'])} tokens, scaled "
                         f"linearly to {what}")
    names = {r"^Llama-2-7b": "Llama 2 7B", r"^Llama-2-13b": "Llama 2 13B", r"^Llama 2 70B": "Llama 2 70B",
             r"^Llama 3.1 8B": "Llama 3.1 8B", r"^Llama 3.1 70B": "Llama 3.1 70B",
             r"^Llama 3.1 405B": "Llama 3.1 405B", r"^Mixtral 8x7B": "Mixtral 8x7B"}
    for pattern, name in names.items():
        if re.search(pattern, model):
            per = "token" if row["unit_of_inference"].startswith("output token") else "query"
            return Work("llm-query", "NLP", llm_name=name, per=per,
                        note=f"{name} architecture (data/extension/llm_architecture.csv)")
    return None


def _tokens(row: pd.Series) -> tuple[int, float, str]:
    inp = row["input_tokens"]
    note = ""
    if pd.isna(inp):
        inp, note = ASSUMED_INPUT_TOKENS, f"input tokens not stated: {ASSUMED_INPUT_TOKENS} assumed"
    return int(inp), float(row["output_tokens"]), note


def thesis_gflops_per_watt(accelerator: str, task: str, launch: pd.Timestamp | None) -> tuple[float, str]:
    """Method (a): the best adapted point of Table B.3 for the GPU and task, else the trend at launch."""
    b3 = hardware.table_b3()
    gpu = {"NVIDIA A100 SXM 80GB": "A100"}.get(accelerator, accelerator)  # same chip, peaks and TDP
    pts = b3[(b3["gpu"] == gpu) & (b3["group"] == task)]
    if len(pts):
        best = pts.loc[pts["gflops_per_watt"].idxmax()]
        return float(best["gflops_per_watt"]), f"Table B.3 adapted {gpu} ({best['precision']}, {task})"
    if launch is None or pd.isna(launch):
        return np.nan, "no launch date for the thesis's trend"
    trend = energy.hardware_trend(task, energy.Assumptions())
    return float(trend.predict(pd.Series([launch]))[0]), f"thesis's {task} trend at launch {launch.date()}"


def peak_tensor_joules(flops: float, spec: pd.Series) -> float:
    """Method (b): FLOPs over the dense FP16 tensor peak per Watt of TDP (NaN without that peak)."""
    fp16 = spec["fp16_tensor_tflops_dense"]
    return np.nan if pd.isna(fp16) else flops / (fp16 * 1e12 / spec["tdp_watts"])


def _thesis_flops(w: Work, row: pd.Series) -> float:
    """FLOPs of one measured unit as the thesis counts them (2 x parameters per token for LLMs)."""
    if w.llm_name is None:
        return w.gflops * 1e9
    m = workloads.llm(w.llm_name)
    i, o, _ = _tokens(row)
    tokens = 1.0 if w.per == "token" else i + o
    return chain.FLOPS_PER_PARAM * m.active * 1e9 * tokens


def _chain_joules(w: Work, row: pd.Series, hw: chain.Hardware, boundary: str) -> tuple[float, str, int]:
    """Method (c): the chain at the run's precision, batch and boundary, central factors."""
    precision = row["precision_used"] or "bf16"  # not stated: the model's own (Llama 3.1 ships in BF16)
    # MLPerf's batch is per accelerator (gpu_batch_size); a serving engine's is its maximum over the server
    given = int(row["batch"]) if not pd.isna(row["batch"]) else 1
    batch = given * hw.count if str(row["study"]).startswith("MLPerf") else given
    r = estimate.Request(workload=w.workload, accelerator=hw.name, count=hw.count, precision=precision,
                         batch=batch, boundary=boundary,
                         gflops=w.gflops, params_billions=(w.params_millions or 0) / 1e3 or None,
                         cap_batch=True)
    f = factors.default_factors(precision, boundary, hw.name)
    if w.llm_name is None:
        steps = estimate.steps_for(None, r, r.batch)
        batch = r.batch
    else:
        m = workloads.llm(w.llm_name)
        i, o, _ = _tokens(row)
        r = estimate.Request(**{**r.__dict__, "input_tokens": i, "output_tokens": int(round(o)),
                                "params_billions": m.params_billions})
        batch = estimate.fitting_batch_for(m, r, hw)
        steps = estimate.steps_for(m, r, batch)
    total, bounds = 0.0, []
    for step, n in steps:
        res = chain.run(step, hw, f)
        total += n * res.joules[boundary]
        bounds.append(res.bound)
    if w.per == "token":
        total /= float(row["output_tokens"])
    return total, "/".join(dict.fromkeys(bounds)), batch


def comparison() -> pd.DataFrame:
    """Every measurement with the three estimates, their ratios and how each was matched."""
    m = data.load_extension("measurements")
    specs = accelerators.spec_table().set_index("accelerator")
    rows = []
    for _, r in m.iterrows():
        w = _work(r["model"], r)
        out = dict(study=r["study"], model=r["model"], hardware=r["hardware"], accelerator=r["accelerator"],
                   count=r["hardware_count"], precision_used=r["precision_used"], batch=r["batch"],
                   unit=r["unit_of_inference"], boundary=r["boundary"],
                   measured_joules=float(r["measured_joules_per_inference"]), release_date=r["release_date"],
                   source_url=r["source_url"], work_note="", bound="", batch_used=np.nan,
                   **{f"{k}_joules": np.nan for k in METHODS}, thesis_basis="")
        if w is None:
            out["matched"] = ("no: the model is not in the book's data (an average over models, an undisclosed mix, "
                              "or a model without FLOPs or architecture here)")
        elif not r["accelerator"] or r["accelerator"] not in specs.index:
            out["matched"] = "no: the accelerator is not in the energy model's data"
        elif r["boundary"] not in ("accelerator", "node"):
            out["matched"] = f"no: the meter's boundary ({r['boundary']}) is not one the chain computes"
        else:
            acc = r["accelerator"]
            count = int(r["hardware_count"]) if not pd.isna(r["hardware_count"]) else 1
            flops = _thesis_flops(w, r)
            eff_a, basis = thesis_gflops_per_watt(acc, w.task, specs.loc[acc, "launch_date"])
            out["thesis_joules"] = flops / (eff_a * 1e9) if not np.isnan(eff_a) else np.nan
            out["thesis_basis"] = basis
            out["peak_tensor_joules"] = peak_tensor_joules(flops, specs.loc[acc])
            try:
                if r["precision_used"] and r["precision_used"] not in chain.PRECISIONS:
                    raise chain.ChainError(f"the run computes in {r['precision_used']}, a precision without "
                                           "peaks in the energy model's data, so it is not estimated")
                hw = accelerators.hardware(acc, r["precision_used"] or "bf16", count)
                out["chain_joules"], out["bound"], out["batch_used"] = _chain_joules(w, r, hw, r["boundary"])
            except chain.ChainError as err:
                out["work_note"] = f"chain: {err}; "
            out["work_note"] += w.note + ("; " + _tokens(r)[2] if w.llm_name and _tokens(r)[2] else "")
            out["matched"] = "yes"
        rows.append(out)
    c = pd.DataFrame(rows)
    for k in METHODS:
        c[f"{k}_ratio"] = c["measured_joules"] / c[f"{k}_joules"]
    c["family"] = np.select([c["study"].str.startswith("MLPerf"), c["study"].str.startswith("ML.ENERGY")],
                            ["MLPerf Inference", "ML.ENERGY leaderboard"], "other")
    return c


def factor(ratio: pd.Series | np.ndarray) -> np.ndarray:
    """How far off, either way: max(ratio, 1/ratio)."""
    r = np.asarray(ratio, dtype=float)
    return np.maximum(r, 1.0 / r)


def common_rows(c: pd.DataFrame) -> pd.Series:
    """The measurements every method of :data:`METHODS` estimates (the rows a comparison may use)."""
    return c[[f"{k}_ratio" for k in METHODS]].notna().all(axis=1)


def summary(c: pd.DataFrame) -> pd.DataFrame:
    """Per method, on the same rows (those every method estimates, :func:`common_rows`): rows, median
    measured/estimated, median and worst factor off, and the share the method underestimates."""
    rows = []
    common = c[common_rows(c)]
    for k, label in METHODS.items():
        r = common[f"{k}_ratio"]
        rows.append(dict(method=k, label=label, n=len(r), share_under=float((r > 1).mean()),
                         median_ratio=float(np.median(r)),
                         median_factor=float(np.median(factor(r))), worst_factor=float(factor(r).max()),
                         lowest_ratio=float(r.min()), highest_ratio=float(r.max())))
    return pd.DataFrame(rows)


def leave_one_study_out(c: pd.DataFrame) -> pd.DataFrame:
    """For each method, fit one multiplicative calibration (geometric mean of measured/estimated) on
    every study but one and predict the held-out study's rows; one row per method and held-out study."""
    rows = []
    for k in METHODS:
        sub = c.dropna(subset=[f"{k}_ratio"])
        for study, held in sub.groupby("study", sort=True):
            train = sub[sub["study"] != study]
            if train.empty:
                continue
            cal = float(np.exp(np.log(train[f"{k}_ratio"]).mean()))
            after = held[f"{k}_ratio"] / cal
            rows.append(dict(method=k, held_out=study, n_held=len(held), calibration=cal,
                             factor_before=float(factor(held[f"{k}_ratio"]).max()),
                             factor_after=float(factor(after).max())))
    return pd.DataFrame(rows)


def benchmark_over_rounds(model_prefix: str = "Llama 2 70B", scenario: str = "Offline") -> pd.DataFrame:
    """The lowest measured energy per unit of one MLPerf benchmark in each round of the data (one row a
    round, oldest first), with the hardware and precision that reached it: the same work, measured at the
    same boundary (the node's wall power), across hardware generations."""
    m = data.load_extension("measurements")
    runs = m[m["study"].str.startswith("MLPerf") & m["model"].str.startswith(model_prefix)
             & m["batch_or_scenario"].str.startswith(scenario)]
    if runs.empty:
        raise ValueError(f"no MLPerf {scenario} measurement of a model named {model_prefix!r} in the data")
    best = runs.loc[runs.groupby("study")["measured_joules_per_inference"].idxmin()]
    cols = ["study", "release_date", "hardware", "accelerator", "hardware_count", "precision_used", "batch",
            "power_limit_watts", "boundary", "measured_joules_per_inference", "unit_of_inference", "source_url"]
    return best.sort_values("release_date")[cols].reset_index(drop=True)
