"""Published measurements of inference energy beside the book's estimate for the same work.

The estimate is the thesis's method applied to the measured hardware: FLOPs of one inference
divided by the accelerator's peak dense FP16 tensor FLOPS per Watt of TDP.  Each measurement is
matched explicitly below to the FLOPs of its model and the peak of its hardware; rows that
cannot be matched (no FLOP count for the model, hardware outside the data) keep no estimate.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

import infertrends.data as data
import infertrends.extension as ext
import infertrends.units as units

#: FLOPs of one inference, by a pattern of the measured model: (GFLOPs, unit, how it is obtained).
MODEL_FLOPS: dict[str, tuple[str, str]] = {
    r"^ResNet-50": ("resnet50", "image"),
    r"^AlexNet": ("alexnet", "image"),
    r"^BERT-Large": ("bert_large_384", "query of 384 tokens"),
    r"^Llama-2-7b": ("llama2_7b", "output token"),
    r"^Llama-2-13b": ("llama2_13b", "output token"),
    r"^Llama 3.1 8B": ("llama31_8b", "output token"),
}

#: Peak hardware, by a pattern of the measured hardware: (accelerator as in the data, note).
HARDWARE: dict[str, tuple[str, str]] = {
    r"A100": ("A100", "Table B.1: A100 FP16/FP32 tensor, 312 TFLOPS at 400 W"),
    r"H100-PCIe": ("NVIDIA H100 PCIe", "extension: H100 PCIe dense FP16 tensor"),
    r"H100-SXM": ("NVIDIA H100 SXM", "extension: H100 SXM dense FP16 tensor"),
    r"^NVIDIA H100 \(variant not stated": ("NVIDIA H100 SXM", "extension: H100 SXM assumed (the source does not "
                                                              "say which H100)"),
    r"^NVIDIA L4": ("NVIDIA L4", "extension: L4 dense FP16 tensor"),
}


def model_gflops(key: str) -> tuple[float, str]:
    """GFLOPs of one inference unit for the measured models, from the book's data."""
    vision = data.vision().set_index("model")
    language = data.language().set_index("model")
    llms = data.load_extension("llm_extension").set_index("model")
    per_param = ext.FLOPS_PER_PARAMETER_PER_TOKEN
    if key == "alexnet":
        return float(vision.loc["AlexNet", "gflops"]), "Table A.3 AlexNet"
    if key == "resnet50":
        return float(vision.loc["ResNet-50", "gflops"]), "Table A.3 ResNet-50 (v1; MLPerf runs v1.5, slightly more)"
    if key == "bert_large_384":
        row = language.loc["BERT Large"]
        return (float(row["gflops"]) * 384 / row["input_tokens"],
                f"Table A.4 BERT Large, {row['gflops']:g} GFLOPs per {int(row['input_tokens'])} tokens, scaled "
                "linearly to MLPerf's 384 (attention's quadratic term left out)")
    if key == "llama31_8b":
        return per_param * float(llms.loc["Llama 3.1 8B", "active_params_billions"]), "2 x 8B parameters"
    if key == "llama2_7b":
        return per_param * 7.0, "2 x 7B parameters (nominal size in the model's name)"
    if key == "llama2_13b":
        return per_param * 13.0, "2 x 13B parameters (nominal size in the model's name)"
    raise KeyError(key)


def peak_gflops_per_watt(accelerator: str) -> float:
    """Peak dense FP16 tensor GFLOPS per Watt of TDP of an accelerator in the data."""
    acc = ext.accelerators("tensor").set_index("accelerator")
    if accelerator not in acc.index:
        raise KeyError(f"accelerator {accelerator!r} not in the data")
    return float(acc.loc[accelerator, "gflops_per_watt"])


def _match(patterns: dict[str, tuple[str, str]], text: str) -> tuple[str, str] | None:
    for pattern, value in patterns.items():
        if re.search(pattern, text):
            return value
    return None


def comparison() -> pd.DataFrame:
    """Every measurement with the book's estimate, the ratio and the utilisation it implies."""
    m = data.load_extension("measurements")
    rows = []
    for _, r in m.iterrows():
        model = _match(MODEL_FLOPS, r["model"])
        hw = _match(HARDWARE, r["hardware"])
        measured = float(r["measured_joules_per_inference"])
        unit = r["unit_of_inference"]
        tokens = re.search(r"mean ([\d.]+) output tokens", unit)
        if tokens and model and model[1] == "output token":
            measured = measured / float(tokens.group(1))  # per response -> per output token
            unit = f"output token (measured per response / {tokens.group(1)} tokens)"
        row = dict(study=r["study"], model=r["model"], hardware=r["hardware"], unit=unit,
                   boundary=r["measurement_boundary"], measured_joules=measured, release_date=r["release_date"],
                   source_url=r["source_url"], gflops=np.nan, gflops_note="", accelerator="", peak_gflops_per_watt=np.nan,
                   estimated_joules=np.nan, ratio=np.nan, implied_utilisation=np.nan,
                   matched="no: " + ("model FLOPs unknown" if not model else "hardware not in the data"))
        if model and hw:
            gflops, note = model_gflops(model[0])
            eff = peak_gflops_per_watt(hw[0])
            est = units.to_base(gflops, "G") / units.to_base(eff, "G")
            row.update(gflops=gflops, gflops_note=note, accelerator=hw[0], peak_gflops_per_watt=eff,
                       estimated_joules=est, ratio=measured / est, implied_utilisation=est / measured,
                       matched="yes")
        rows.append(row)
    return pd.DataFrame(rows)


def implied_utilisation(kind: str = "MLPerf") -> float:
    """Median utilisation implied by the matched measurements whose study starts with ``kind``."""
    c = comparison()
    sel = c[(c["matched"] == "yes") & c["study"].str.startswith(kind)]
    if sel.empty:
        raise ValueError(f"no matched measurement from {kind!r}")
    return float(np.median(sel["implied_utilisation"]))
