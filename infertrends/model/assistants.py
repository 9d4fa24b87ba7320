"""One question to an assistant, 2022-2026: the calibrated chain (:func:`infertrends.model.calibrated.calibrated`)
for named questions and serving configurations, and every disclosed per-prompt figure
(``data/extension/disclosures.csv``) beside it at the same boundary, converted with the disclosure's own split or PUE
where it states one, never with the book's."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import infertrends.data as data
import infertrends.model.accelerators as accelerators
import infertrends.model.calibrated as calibrated
import infertrends.model.estimate as estimate
import infertrends.model.workloads as workloads
from infertrends.core.units import JOULES_PER_WH
from infertrends.model.chain import BOUNDARIES, BYTES_PER_ELEMENT
from infertrends.model.scenarios import QUERY_INPUT_TOKENS, QUERY_OUTPUT_TOKENS, QUESTIONS, Question, in_and_out


@dataclass(frozen=True)
class Config:
    """A plausible serving configuration: a model of the data (or a size a cited estimate states) on named
    accelerators at one precision."""

    label: str
    year: int
    model: str  # a model of llm_architecture.csv, or a disclosure whose row states the size
    accelerator: str
    count: int
    precision: str
    why: str

    @property
    def what(self) -> str:
        """The label without its year ("DeepSeek-V3, 8 B200")."""
        return self.label.split(" ", 1)[-1]


#: The configurations: a 2022 dense model on A100s, 2025-2026 mixture-of-experts models on H100, H200 and B200.
#: TPUs are absent: accelerator_specs.csv holds no power rating for them (:func:`unpriced`).
CONFIGS = (
    Config("2022 dense 175B, 8 A100", 2022, "GPT-3 175B", "NVIDIA A100 SXM 80GB", 8, "fp16",
           "GPT-3's architecture (ChatGPT's model of 2022, GPT-3.5, is undisclosed) in FP16 on one DGX A100"),
    Config("2025 GPT-4o (Epoch), 8 H100", 2025, "Epoch AI 2025, typical query",
           "NVIDIA H100 SXM", 8, "fp8", "400B parameters, 100B active, as Epoch AI assumes; FP8 on one HGX H100"),
    Config("2025 DeepSeek-V3, 8 H200", 2025, "DeepSeek-V3", "NVIDIA H200 SXM", 8, "fp8",
           "DeepSeek-V3's published architecture (671B parameters, 37B active), FP8 as released, on one HGX H200"),
    Config("2025 gpt-oss-120b, 1 H200", 2025, "gpt-oss-120b", "NVIDIA H200 SXM", 1, "fp8",
           "OpenAI's open-weight model of August 2025 (117B parameters, 5.1B active) in FP8 on one H200"),
    Config("2026 DeepSeek-V3, 8 B200", 2026, "DeepSeek-V3", "NVIDIA B200 (HGX B200)", 8,
           "fp8", "the same model on one HGX B200"),
)


def disclosures() -> pd.DataFrame:
    """The disclosed per-prompt figures, as printed (``data/extension/disclosures.csv``)."""
    return data.load_extension("disclosures")


def model_of(name: str) -> workloads.LLM:
    """A model of the data by name, or the size a disclosure states (its architecture the book's default)."""
    d = disclosures().set_index("disclosure")
    if name in d.index and pd.notna(d.loc[name, "params_billions"]):
        r = d.loc[name]
        return workloads.LLM(float(r["params_billions"]), float(r["active_params_billions"]))
    return workloads.llm(name)


def short_name(accelerator: str) -> str:
    """An accelerator's name for a label ("NVIDIA B200 (HGX B200)" -> "B200")."""
    return accelerator.split(" (")[0].replace("NVIDIA ", "")


def _request(config: Config, input_tokens: int, output_tokens: int, boundary: str, batch: int) -> estimate.Request:
    """The ``estimate`` request of one question on ``config`` (a batch that does not fit runs at the largest that
    does)."""
    m = model_of(config.model)
    return estimate.Request(workload="llm-query", accelerator=config.accelerator, count=config.count,
                            precision=config.precision, batch=batch, boundary=boundary,
                            params_billions=m.params_billions, active_params_billions=m.active,
                            input_tokens=input_tokens, output_tokens=output_tokens, cap_batch=True)


@data.per_data_version
def chain(config: Config, input_tokens: int, output_tokens: int, boundary: str, batch: int) -> dict[str, float]:
    """The calibrated chain's Wh per question of ``config`` at ``boundary``: central, low and high (its central 80 %
    interval), the batch that fits (the requested one, or the largest whose KV cache fits beside the weights)."""
    out = calibrated.calibrated(_request(config, input_tokens, output_tokens, boundary, batch), model_of(config.model))
    return {"wh": out["joules_per_unit"] / JOULES_PER_WH, "low": out["low"] / JOULES_PER_WH,
            "high": out["high"] / JOULES_PER_WH, "batch": int(out["batch_used"]), "interval": float(out["interval"])}


def unpriced() -> list[str]:
    """Accelerators of the data the chain cannot price: no power rating (TDP) is in accelerator_specs.csv."""
    specs = accelerators.spec_table()
    return sorted(specs.loc[specs["tdp_watts"].isna(), "accelerator"])


def facts(config: Config) -> dict[str, float]:
    """What sets a configuration's energy per token: its active parameters (2 FLOPs each per token), bytes per
    weight, and the accelerator's dense peak and memory bandwidth per Watt of TDP at that precision."""
    m = model_of(config.model)
    hw = estimate.hardware_for(_request(config, QUERY_INPUT_TOKENS, QUERY_OUTPUT_TOKENS, "node", 1))
    return {"active_billions": m.active, "params_billions": m.params_billions,
            "bytes_per_weight": BYTES_PER_ELEMENT[config.precision], "gflops_per_watt": hw.gflops_per_watt,
            "gb_per_joule": float(hw.bandwidth_gb_s) / hw.tdp_watts}


def estimates(batch: int) -> pd.DataFrame:
    """Every configuration x question x boundary through the calibrated chain."""
    rows = []
    for c in CONFIGS:
        for q in QUESTIONS:
            for b in BOUNDARIES:
                rows.append({"configuration": c.label, "year": c.year, "question": q.name, "boundary": b,
                             "input_tokens": q.input_tokens, "output_tokens": q.output_tokens,
                             **chain(c, q.input_tokens, q.output_tokens, b, batch)})
    return pd.DataFrame(rows)


# --- Side by side: each disclosure at the boundary it can be converted to ---------------------------------------

#: The configurations each disclosure is compared with: the one its source states, or (model and hardware not
#: disclosed) every configuration of the disclosure's year, whose intervals together make the range compared.
STATED = {"Epoch AI 2025": "2025 GPT-4o (Epoch), 8 H100", "Jegham et al. 2025": "2025 GPT-4o (Epoch), 8 H100"}


def converted(row: pd.Series) -> list[tuple[str, float, str]]:
    """``(boundary, Wh, how)`` for each boundary the disclosure can be compared at, converted with its own split or
    PUE (never the book's): a facility figure with a PUE to the node by dividing by it; Google's comprehensive
    figure to the accelerators (their share) and the node (accelerators and host), leaving out the idle reserve
    machines the chain has no term for; a figure whose boundary is unstated at all three, as printed."""
    wh, boundary = float(row["wh_per_prompt"]), row["boundary"]
    if boundary == "unstated":
        return [(b, wh, "as printed: boundary not stated") for b in BOUNDARIES]
    if boundary == "accelerator":
        return [("accelerator", wh, "as printed")]
    shares = [row.get(k) for k in ("share_accelerator", "share_host", "share_idle", "share_overhead")]
    if all(pd.notna(s) for s in shares):
        acc, host, idle, over = (float(s) for s in shares)
        total = acc + host + idle + over
        return [("accelerator", wh * acc / total, f"its accelerators' share, {acc:.0f} % of {total:.0f} %"),
                ("node", wh * (acc + host) / total,
                 f"accelerators and host, {acc:.0f} % + {host:.0f} % of {total:.0f} % (no idle reserve, no overhead)")]
    if pd.notna(row.get("pue")):
        return [("node", wh / float(row["pue"]), f"divided by its PUE of {float(row['pue']):g}")]
    return []


def verdict(value: float, low: float, high: float) -> tuple[str, float]:
    """'inside', 'above' or 'below' the interval, and by what factor (1 inside)."""
    if value > high:
        return "above", value / high
    if value < low:
        return "below", low / value
    return "inside", 1.0


def tokens_of(row: pd.Series) -> tuple[int, int, str]:
    """The disclosure's input and output tokens where it states them, else the short chat answer's."""
    short = QUESTIONS[0]
    i, o = row.get("input_tokens"), row.get("output_tokens")
    if pd.notna(i) and pd.notna(o):
        return int(i), int(o), "as stated"
    if pd.notna(o):
        return short.input_tokens, int(o), f"{int(o):,} output tokens as stated; input as the short chat answer"
    return short.input_tokens, short.output_tokens, "not stated: the short chat answer's"


def side_by_side(batch: int) -> pd.DataFrame:
    """Each disclosure beside the chain's interval at the same boundary, with the verdict."""
    rows = []
    for _, d in disclosures().iterrows():
        year = int(str(d["published"])[:4])
        stated = next((c for k, c in STATED.items() if d["disclosure"].startswith(k)), None)
        configs = [c for c in CONFIGS if c.label == stated] if stated else [c for c in CONFIGS if c.year == year]
        i, o, tokens = tokens_of(d)
        b_used = int(d["batch"]) if pd.notna(d.get("batch")) else batch
        for boundary, value, how in converted(d):
            runs = [chain(c, i, o, boundary, b_used) for c in configs]
            low, high = min(r["low"] for r in runs), max(r["high"] for r in runs)
            word, factor = verdict(value, low, high)
            rows.append({"disclosure": d["disclosure"], "boundary": boundary, "disclosed_wh": float(d["wh_per_prompt"]),
                         "compared_wh": value, "conversion": how, "tokens": f"{in_and_out(i, o)} ({tokens})",
                         "configurations": "; ".join(c.label for c in configs), "batch": b_used,
                         "chain_low": low, "chain_central": float(np.median([r["wh"] for r in runs])),
                         "chain_high": high, "verdict": word, "factor": factor})
    return pd.DataFrame(rows)


def then_and_now(batch: int, boundary: str = "node") -> pd.DataFrame:
    """Each question in 2026 (the last configuration) against a short chat answer and the same question in 2022 (the
    first): the central ratio and its bounds if each estimate lies anywhere in its own interval."""
    first, last = CONFIGS[0], CONFIGS[-1]
    rows = []
    base = {q.name: chain(first, q.input_tokens, q.output_tokens, boundary, batch) for q in QUESTIONS}
    for q in QUESTIONS:
        now = chain(last, q.input_tokens, q.output_tokens, boundary, batch)
        for against in (q.name, QUESTIONS[0].name):
            then = base[against]
            rows.append({"question_2026": q.name, "against_2022": against, "wh_2022": then["wh"], "wh_2026": now["wh"],
                         "ratio": now["wh"] / then["wh"], "ratio_low": now["low"] / then["high"],
                         "ratio_high": now["high"] / then["low"]})
    return pd.DataFrame(rows).drop_duplicates(["question_2026", "against_2022"]).reset_index(drop=True)


def sweep(what: str, values: list[float], batch: int, boundary: str = "node") -> pd.DataFrame:
    """The chain's Wh per question of every configuration as one setting moves: ``output_tokens`` (the short chat
    answer's input) or ``batch`` (the short chat answer)."""
    short = QUESTIONS[0]
    rows = []
    for c in CONFIGS:
        for v in values:
            o = int(v) if what == "output_tokens" else short.output_tokens
            b = int(v) if what == "batch" else batch
            r = chain(c, short.input_tokens, o, boundary, b)
            rows.append({"configuration": c.label, "year": c.year, "requested": v, what: v, **r})
    # a batch beyond what fits runs at the largest that fits: one point per batch used
    return pd.DataFrame(rows).drop_duplicates(["configuration", what]).reset_index(drop=True)


#: One dense model on eight accelerators of each generation, at the precisions they serve it in: the hardware and
#: the precision alone (Llama 3.1 70B: its architecture is published).
GENERATIONS = (("NVIDIA A100 SXM 80GB", "fp16"), ("NVIDIA H100 SXM", "fp16"), ("NVIDIA H100 SXM", "fp8"),
               ("NVIDIA H200 SXM", "fp8"), ("NVIDIA B200 (HGX B200)", "fp16"), ("NVIDIA B200 (HGX B200)", "fp8"))
GENERATION_MODEL = "Llama 3.1 70B"


def generations(batch: int, boundary: str = "node") -> pd.DataFrame:
    """The short chat answer of :data:`GENERATION_MODEL` on 8 accelerators of each of :data:`GENERATIONS`."""
    short = QUESTIONS[0]
    rows = []
    for acc, precision in GENERATIONS:
        c = Config(f"{short_name(acc)} {precision.upper()}", 0, GENERATION_MODEL, acc, 8, precision, "")
        rows.append({"accelerator": acc, "precision": precision, "label": c.label,
                     **chain(c, short.input_tokens, short.output_tokens, boundary, batch)})
    return pd.DataFrame(rows)


__all__ = ["BOUNDARIES", "CONFIGS", "Config", "GENERATION_MODEL", "GENERATIONS", "QUESTIONS", "Question", "chain",
           "converted", "disclosures", "estimates", "facts", "generations", "model_of", "short_name", "side_by_side",
           "sweep", "then_and_now", "tokens_of", "unpriced", "verdict"]
