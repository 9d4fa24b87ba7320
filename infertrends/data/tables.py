"""The thesis's input tables: where they live (``data/``) and their schemas, one :class:`TableSpec` each.

Every table is read through :func:`infertrends.data.schema.read_table` (by :mod:`infertrends.data.loaders`), so a
bad value stops the book with the file, line, column and value to fix.
"""

from __future__ import annotations

import os
from pathlib import Path

import infertrends.data.plausibility as plausible
from infertrends.data.schema import Column, TableSpec

#: Repository root (the package is installed in editable mode from it).
ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """Folder holding the CSV inputs (override with ``INFERTRENDS_DATA_DIR``)."""
    return Path(os.environ.get("INFERTRENDS_DATA_DIR", ROOT / "data"))


CITATIONS = r"\d+(;\d+)*"


def _cite(name: str, what: str) -> Column:
    return Column(name, "str", f"thesis citation number(s) for {what}, `;`-separated", required=False,
                  pattern=CITATIONS)


def _marker(name: str, what: str) -> Column:
    return Column(name, "enum", f"thesis marker on {what}: † = `measured` (ptflops or a model "
                  "implementation), ∗ = `estimated` by the thesis", allowed=("", "measured", "estimated"),
                  required=False)


NOTES = Column("notes", "str", "free-text provenance notes", required=False)

VISION = TableSpec(
    name="vision",
    filename="vision.csv",
    title="Table A.3: ImageNet (computer-vision) models",
    key=("model", "extra_data"),
    columns=(
        Column("model", "str", "model name as printed"),
        _cite("model_citation", "the model's paper (source of every uncited value)"),
        Column("top1_accuracy", "float", "ImageNet top-1 accuracy, 1-crop", "%", maximum=100,
               positive=True),
        _cite("top1_accuracy_citation", "the accuracy"),
        _marker("top1_accuracy_marker", "the accuracy"),
        Column("params_millions", "float", "number of parameters", "millions", positive=True),
        _cite("params_millions_citation", "the parameter count"),
        _marker("params_millions_marker", "the parameter count"),
        Column("gflops", "float", "FLOPs of one forward pass at the inference resolution (multiply-add = 2)",
               "GFLOPs", positive=True),
        _cite("gflops_citation", "the FLOPs"),
        _marker("gflops_marker", "the FLOPs"),
        Column("extra_data", "enum", "training data beyond ImageNet-1k", allowed=(
            "No", "Imagenet 21k", "JFT 300M", "JFT 3B", "Instagram 940M", "Custom 940M")),
        Column("release_date", "date", "release date of the paper", "date", earliest=plausible.IMAGENET),
        Column("architecture", "enum", "architecture family", allowed=("CNN", "Transformer", "Hybrid")),
        NOTES,
    ),
    rules=plausible.VISION_RULES,
)

LANGUAGE = TableSpec(
    name="language",
    filename="language.csv",
    title="Table A.4: GLUE (language) models",
    key=("model",),
    columns=(
        Column("model", "str", "model name as printed"),
        _cite("model_citation", "the model's paper (source of every uncited value)"),
        Column("input_tokens", "int", "input sequence length the GFLOPs are counted for", "tokens",
               positive=True),
        Column("gflops", "float", "FLOPs of one forward pass (single operations, thesis 3.2)", "GFLOPs",
               positive=True),
        _cite("gflops_citation", "the GFLOPs and input tokens"),
        Column("params_millions", "float", "number of parameters", "millions", positive=True),
        _marker("params_millions_marker", "the parameter count"),
        Column("release_date", "date", "release date of the paper", "date", earliest=plausible.WORD2VEC),
        Column("glue_score", "float", "GLUE score (test set unless `glue_dev_set`); empty where printed `-`",
               "points", required=False, minimum=0, maximum=100),
        _cite("glue_score_citation", "the GLUE score"),
        Column("glue_without_wnli", "enum", "♠: score computed without the WNLI task", allowed=("yes", "no")),
        Column("glue_dev_set", "enum", "♣: score on the GLUE dev set instead of the test set",
               allowed=("yes", "no")),
        Column("plausibility_exception", "str", "why this row may break a plausibility bound (empty: every bound "
               "applies)", required=False),
        NOTES,
    ),
    rules=plausible.LANGUAGE_RULES,
)

#: How Table B.1 names the precision of a peak (FP16/FP32 Tensor: FP16 multiply, FP32 accumulate).
B1_PRECISIONS = ("FP32", "FP16", "FP16/FP32 Tensor")

GPUS = TableSpec(
    name="gpus",
    filename="gpus.csv",
    title="Table B.1: Nvidia GPU specifications",
    key=("gpu", "precision"),
    columns=(
        Column("gpu", "str", "GPU name as printed"),
        Column("precision", "enum", "number format of the peak rate (`FP16/FP32 Tensor` = tensor cores, "
               "FP16 multiply with FP32 accumulate)", allowed=B1_PRECISIONS),
        Column("tflops", "float", "vendor peak rate", "TFLOPS", positive=True),
        Column("tdp_watts", "float", "thermal design power", "W", positive=True),
        Column("launch_date", "date", "launch date", "date", earliest=plausible.CUDA),
        Column("segment", "enum", "market segment", allowed=("Desktop", "Server")),
        NOTES,
    ),
)

NGC = TableSpec(
    name="ngc",
    filename="ngc.csv",
    title="Table B.2: NGC inference throughputs",
    key=("task", "model", "framework", "gpu", "precision"),
    columns=(
        Column("task", "enum", "domain of the benchmark", allowed=("CV", "NLP")),
        Column("model", "str", "benchmark model as printed"),
        Column("framework", "enum", "framework", allowed=("PyTorch", "TensorFlow")),
        Column("batch_size", "int", "inference batch size", "items", positive=True),
        Column("gpu", "enum", "GPU and memory", allowed=("V100 16GB", "A100 40GB", "A100 80GB", "T4 16GB")),
        Column("precision", "enum", "number format of the run", allowed=("FP32", "TF32", "Mixed")),
        Column("throughput", "float", "inference throughput (units as NGC reports them)", "items/s",
               positive=True),
        NOTES,
    ),
)

CROP_ACCURACY = TableSpec(
    name="crop_accuracy",
    filename="crop_accuracy.csv",
    title="Table 3.1: 1-crop vs 10-crop top-1 accuracy",
    key=("model",),
    columns=(
        Column("model", "str", "model name as printed"),
        _cite("model_citation", "the accuracies"),
        Column("top1_1crop", "float", "top-1 accuracy with one centre crop", "%", positive=True, maximum=100),
        Column("top1_10crop", "float", "top-1 accuracy averaged over 10 crops", "%", positive=True,
               maximum=100),
        NOTES,
    ),
)

EFFICIENTNET_SCALING = TableSpec(
    name="efficientnet_scaling",
    filename="efficientnet_scaling.csv",
    title="Table A.1: EfficientNet scale factors",
    key=("model",),
    columns=(
        Column("model", "str", "model name as printed"),
        Column("width", "float", "width multiplier w", "x", positive=True),
        Column("depth", "float", "depth multiplier d", "x", positive=True),
        Column("test_resolution", "int", "test input resolution r", "px", positive=True),
        _cite("citation", "the scale factors"),
        NOTES,
    ),
)

VIT_G_GFLOPS = TableSpec(
    name="vit_g_gflops",
    filename="vit_g_gflops.csv",
    title="Table A.2: ViT-G/14 GFLOPs by resolution",
    key=("model", "resolution"),
    columns=(
        Column("model", "str", "model name as printed"),
        Column("resolution", "int", "input resolution (square)", "px", positive=True),
        Column("gflops", "float", "FLOPs of one forward pass", "GFLOPs", positive=True),
        _cite("citation", "the GFLOPs"),
        NOTES,
    ),
)

THESIS_PRINTED = TableSpec(
    name="thesis_printed",
    filename="thesis_printed.csv",
    title="Derived numbers as the thesis prints them (used only to compare)",
    key=("source", "key", "quantity"),
    columns=(
        Column("source", "str", "where the thesis prints it (equation, table or section)"),
        Column("key", "str", "the row as the thesis names it (model, GPU, ...)"),
        Column("quantity", "str", "what the number is", pattern=r"[a-z0-9_A-Z]+"),
        Column("thesis", "str", "the number exactly as printed (kept as text to keep its digits)",
               pattern=r"-?\d+(\.\d+)?"),
        NOTES,
    ),
)

EXTERNAL = TableSpec(
    name="external_values",
    filename="external_values.csv",
    title="Values from outside the thesis (energy assumptions and reference points), each sourced",
    key=("key",),
    columns=(
        Column("key", "str", "name the book uses for the value", pattern=r"[a-z0-9_]+"),
        Column("value", "float", "the value (see `unit`)", positive=True),
        Column("unit", "str", "unit of `value`, `low` and `high`"),
        Column("low", "float", "low end of the range the source gives", required=False, positive=True),
        Column("high", "float", "high end of the range the source gives", required=False, positive=True),
        Column("year", "int", "year the value refers to", minimum=1990, maximum=2030),
        Column("scope", "str", "what exactly was measured or reported"),
        Column("boundary", "enum", "where the value applies in the energy chain: inside the accelerator board, "
               "the node (server) or the facility; `none` for reference points outside the chain",
               allowed=("accelerator", "node", "facility", "none")),
        Column("baseline", "str", "what the value is a fraction or multiple of (which peak, TDP, accelerator "
               "power, node power); `none` for reference points"),
        Column("source_title", "str", "the source"),
        Column("source_url", "str", "where the value can be checked", pattern=r"https?://\S+"),
        Column("accessed", "date", "date the source was read", "date", earliest=plausible.WEB),
        NOTES,
    ),
    rules=plausible.EXTERNAL_RULES,
)

#: Every input table, in the order the data dictionary lists them.
SPECS: dict[str, TableSpec] = {
    s.name: s for s in (VISION, LANGUAGE, GPUS, NGC, CROP_ACCURACY, EFFICIENTNET_SCALING, VIT_G_GFLOPS,
                        THESIS_PRINTED, EXTERNAL)
}
