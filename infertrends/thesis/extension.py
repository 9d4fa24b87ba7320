"""The 2021-2026 extension beside the thesis's data, with an ``origin`` column on every row.

The extension lives in separate files (``data/extension/``) and is only combined here, where
each row keeps ``origin`` = ``thesis`` or ``extension`` so every chart and fit can show, hide
or separate it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import infertrends.core.fits as fits
import infertrends.core.units as units
import infertrends.data as data
import infertrends.thesis.hardware as hardware
import infertrends.thesis.scaling as scaling

#: Where the thesis's data end; trends are compared before and after this date.
THESIS_END = pd.Timestamp("2021-07-01")

#: FLOPs per token of a decoder-only transformer ≈ 2 x active parameters (one multiply-add per
#: weight per token; attention over the context is left out). Kaplan et al. 2020, "Scaling Laws
#: for Neural Language Models" (arXiv:2001.08361), section 2.1.
FLOPS_PER_PARAMETER_PER_TOKEN = 2


#: The extension's tables of dated models and hardware, with their date column.
DATED = {"vision_extension": "release_date", "llm_extension": "release_date", "accelerators_extension": "launch_date"}


def newest_year() -> int:
    """The year of the newest model or accelerator in the extension (the end of its period)."""
    return int(max(data.load_extension(t)[c].max() for t, c in DATED.items()).year)


def period() -> str:
    """The extension's period as the book writes it, from mid-2021 to :func:`newest_year`."""
    return f"2021–{newest_year()}"


def accelerators_left_out(precision: str = "tensor") -> dict[str, list[str]]:
    """Extension accelerators outside the efficiency trend, by what they lack: a TDP or the peak."""
    e = data.load_extension("accelerators_extension")
    peak = _peak(e, precision)
    return {"no TDP": list(e.loc[e["tdp_watts"].isna(), "accelerator"]),
            "no peak": list(e.loc[e["tdp_watts"].notna() & peak.isna(), "accelerator"])}


def vision(estimates: str = "recomputed", include_extension: bool = True) -> pd.DataFrame:
    """Table A.3 and the vision extension in one frame (``origin``, ``extra`` yes/no, ``source``)."""
    t = scaling.vision_models(estimates)
    t = t.assign(origin="thesis", extra=np.where(t["extra_data"] == "No", "no", "yes"), accuracy_kind="",
                 source="Table A.3 [" + t["model_citation"].str.replace(";", ", ") + "]")
    cols = ["model", "top1_accuracy", "params_millions", "gflops", "extra_data", "extra", "release_date",
            "architecture", "accuracy_kind", "origin", "source"]
    frames = [t[cols]]
    if include_extension:
        e = data.load_extension("vision_extension")
        e = e.assign(extra=np.where(e["extra_data"] == "No", "no", "yes"), source=e["source_url"])
        frames.append(e[cols])
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["release_date"].dt.year
    return out


def _peak(e: pd.DataFrame, precision: str) -> pd.Series:
    """The extension accelerators' peak of the trend: FP32, or the dense FP16 tensor peak (BF16 where no FP16)."""
    return e["fp32_tflops"] if precision == "fp32" else e["fp16_tensor_tflops_dense"].fillna(
        e["bf16_tensor_tflops_dense"])


def accelerators(precision: str = "tensor", include_extension: bool = True) -> pd.DataFrame:
    """Peak GFLOPS/W of the thesis's GPUs (Table B.1) and the extension's accelerators.

    ``precision``: ``fp32`` (FP32 peaks) or ``tensor`` (dense FP16 tensor peaks; BF16 where a part
    has no FP16 figure).  Extension rows without a published TDP or that peak are left out
    (:func:`accelerators_left_out`).
    """
    if precision not in ("fp32", "tensor"):
        raise ValueError(f"precision must be 'fp32' or 'tensor', got {precision!r}")
    b1 = hardware.table_b1()
    b1 = b1[b1["precision"] == ("FP32" if precision == "fp32" else "FP16/FP32 Tensor")]
    t = pd.DataFrame({"accelerator": b1["gpu"], "vendor": "NVIDIA", "launch_date": b1["launch_date"],
                      "tflops": b1["tflops"], "tdp_watts": b1["tdp_watts"], "origin": "thesis",
                      "source": "Table B.1"})
    frames = [t]
    if include_extension:
        e = data.load_extension("accelerators_extension")
        tf = _peak(e, precision)
        frames.append(pd.DataFrame({"accelerator": e["accelerator"], "vendor": e["vendor"],
                                    "launch_date": e["launch_date"], "tflops": tf, "tdp_watts": e["tdp_watts"],
                                    "origin": "extension", "source": e["source_url"]}))
    out = pd.concat(frames, ignore_index=True).dropna(subset=["tflops", "tdp_watts"])
    out["gflops_per_watt"] = hardware.gflops_per_watt(out["tflops"], out["tdp_watts"])
    return out.reset_index(drop=True)


#: Decoder-only (generative) language models of Table A.4.  Their FLOPs per generated token are
#: counted like the extension's, 2 x parameters, so that one definition runs from 2018 to the newest model.
THESIS_DECODERS = ("GPT-1", "GPT-2", "Megatron", "Microsoft T-NLG", "GPT-3")

#: Models in both Table A.4 and the extension: one observation per model (the extension's row,
#: which carries the MMLU score).
SAME_MODEL = {"GPT-3": "GPT-3 175B"}

KINDS = {"decoder": "decoder LLMs, per generated token (2 × active parameters)",
         "encoder": "encoders and encoder-decoders of Table A.4, per input token (forward pass / input tokens)"}


def language(include_extension: bool = True) -> pd.DataFrame:
    """Language models with GFLOPs per token, each model once, with ``kind`` keeping the two kinds of
    token apart: ``decoder`` (FLOPs per generated token = 2 x active parameters: the extension's LLMs
    and Table A.4's GPT-style models) and ``encoder`` (Table A.4's other models: a forward pass over
    ``input_tokens`` divided by them)."""
    t = data.language()
    decoder = t["model"].isin(THESIS_DECODERS)
    per_input = t["gflops"] / t["input_tokens"]
    per_generated = units.from_base(FLOPS_PER_PARAMETER_PER_TOKEN * units.to_base(t["params_millions"], "M"), "G")
    t = t.assign(kind=np.where(decoder, "decoder", "encoder"), model_kind="", mmlu_shots=np.nan,
                 mmlu_source_kind="",
                 gflops_per_token=np.where(decoder, per_generated, per_input), origin="thesis", benchmark="GLUE",
                 score=t["glue_score"], params_billions=t["params_millions"] / 1e3,
                 active_params_billions=t["params_millions"] / 1e3, mixture_of_experts="no",
                 source="Table A.4 [" + t["model_citation"] + "]")
    cols = ["model", "kind", "model_kind", "mmlu_shots", "mmlu_source_kind", "params_billions",
            "active_params_billions", "mixture_of_experts",
            "gflops_per_token", "benchmark", "score", "release_date", "origin", "source"]
    frames = [t[cols]]
    if include_extension:
        e = data.load_extension("llm_extension")
        frames[0] = t[~t["model"].isin([k for k, v in SAME_MODEL.items() if v in set(e["model"])])][cols]
        e = e.assign(kind="decoder", gflops_per_token=units.from_base(
            FLOPS_PER_PARAMETER_PER_TOKEN * units.to_base(e["active_params_billions"], "G"), "G"),
            benchmark="MMLU", score=e["mmlu"], origin="extension", source=e["source_url"])
        frames.append(e[cols])
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["release_date"].dt.year
    return out


def split(df: pd.DataFrame, date: str = "release_date", end: pd.Timestamp = THESIS_END) -> dict[str, pd.DataFrame]:
    """Rows before and from ``end`` (the thesis's period and after it), and all rows."""
    return {"before": df[df[date] < end], "after": df[df[date] >= end], "all": df}


def fit_rows(df: pd.DataFrame, value: str, label: str, sota: pd.DataFrame | None = None,
             hw_trend: fits.Trend | dict[str, fits.Trend] | None = None, flops: str | None = None,
             level: float = 0.9) -> list[dict]:
    """Trends before/after the thesis's end (and overall), for all models and the state of the art.

    With ``hw_trend`` (one trend, or one per period: ``before``, ``after``, ``all``), ``value`` is ``flops`` over
    that period's hardware trend (Joules), fitted only on the models released within the dates the hardware
    trend was fitted on (never extrapolated); each fit carries the uncertainty of both trends."""
    rows = []
    groups = {"all models": df} if sota is None else {"all models": df, "state of the art": sota}
    for group, d in groups.items():
        for period, part in split(d).items():
            hw = hw_trend.get(period) if isinstance(hw_trend, dict) else hw_trend
            if hw_trend is not None:
                if hw is None:
                    continue
                part = part[fits.within_span(hw, part["release_date"])]
            if len(part) < 3 or part["release_date"].nunique() < 2:
                continue
            t = (fits.joules_trend(part["release_date"], part[flops], hw, level=level) if hw is not None
                 else fits.fit_exponential(part["release_date"], part[value], level=level))
            # the change test uses the FLOPs for Joules: both periods divide by the same hardware trend,
            # so the difference in slope is the same
            rows.append(dict(quantity=label, models=group, period=period, trend=t,
                             data=(part["release_date"], part[flops if hw_trend is not None else value]),
                             **fits.summary({label: t}).iloc[0].drop(["trend"]).to_dict()))
    return rows


def rows_table(rows: list[dict]) -> pd.DataFrame:
    """The rows of :func:`fit_rows` as a table, without the fitted objects."""
    return pd.DataFrame([{k: v for k, v in r.items() if k not in ("trend", "data")} for r in rows])


def trend_chart_lines(rows: list[dict], quantity: str, models: str) -> pd.DataFrame:
    """Lines of the before/after trends of one quantity and model group, over their own periods."""
    out = []
    for r in rows:
        if r["quantity"] == quantity and r["models"] == models and r["period"] in ("before", "after"):
            t = r["trend"]  # drawn over the dates of the points it was fitted on, no further
            line = fits.trend_line(t, t.t_min, t.t_max, f"{models}, {r['period']} {THESIS_END:%b %Y}")
            line["origin"] = "thesis" if r["period"] == "before" else "extension"
            out.append(line)
    return pd.concat(out)
