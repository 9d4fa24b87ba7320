"""The thesis's input tables: where they live, their schemas and validated loaders.

Every table is read through :func:`infertrends.data.schema.read_table`, so a bad
value stops the book with the file, line, column and value to fix.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pandas as pd

import infertrends.data.plausibility as plausible
from infertrends.data.schema import Column, RowRule, TableSpec, read_table

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


def load(name: str, directory: Path | None = None) -> pd.DataFrame:
    """Load and validate the input table ``name`` (see :data:`SPECS`)."""
    if name not in SPECS:
        raise KeyError(f"unknown table {name!r}; known tables: {', '.join(SPECS)}")
    spec = SPECS[name]
    return _load_cached(name, str(directory or data_dir()), _mtime(spec, directory)).copy()


def _mtime(spec: TableSpec, directory: Path | None) -> float:
    path = Path(directory or data_dir()) / spec.filename
    return path.stat().st_mtime_ns if path.exists() else 0


@cache
def _load_cached(name: str, directory: str, mtime: float) -> pd.DataFrame:
    spec = SPECS[name]
    return read_table(spec, Path(directory) / spec.filename)


def vision() -> pd.DataFrame:
    """Table A.3 with a ``year`` column added."""
    df = load("vision")
    df["year"] = df["release_date"].dt.year
    return df


def language() -> pd.DataFrame:
    """Table A.4 with a ``year`` column added (without ``plausibility_exception``, a note for the schema's bounds)."""
    df = load("language").drop(columns=["plausibility_exception"])
    df["year"] = df["release_date"].dt.year
    return df


def gpus() -> pd.DataFrame:
    """Table B.1."""
    return load("gpus")


def ngc() -> pd.DataFrame:
    """Table B.2."""
    return load("ngc")


#: Names the thesis's result tables (4.1, 5.2, 5.3) print differently from Table A.3.
TABLE_A3_NAMES = {"GoogleLeNet": "Inception V1/GoogleLeNet"}


def table_a3_name(printed_name: str) -> str:
    """The Table A.3 name of a model as a later thesis table prints it."""
    return TABLE_A3_NAMES.get(printed_name, printed_name)


def printed(source: str | None = None) -> pd.DataFrame:
    """The thesis's printed derived numbers, optionally for one ``source`` (e.g. ``"Eq. A.3"``)."""
    df = load("thesis_printed")
    if source is not None:
        df = df[df["source"] == source]
    return df.reset_index(drop=True)


def printed_value(source: str, key: str, quantity: str) -> str:
    """One printed number, as text (to keep its printed digits)."""
    df = load("thesis_printed")
    hit = df[(df["source"] == source) & (df["key"] == key) & (df["quantity"] == quantity)]
    if len(hit) != 1:
        raise KeyError(f"no printed value for source={source!r} key={key!r} quantity={quantity!r}")
    return str(hit["thesis"].iloc[0])


def external(key: str) -> pd.Series:
    """One sourced value from outside the thesis (``value``, ``low``, ``high``, ``source_url``, ...)."""
    df = load("external_values").set_index("key")
    if key not in df.index:
        raise KeyError(f"no external value {key!r}; known: {', '.join(df.index)}")
    return df.loc[key]


# --- Extension 2021-2026: separate files, never mixed silently with the thesis's -------------
SOURCE_COLUMNS = (
    Column("source_url", "str", "the paper, datasheet or results page the values are printed in",
           pattern=r"https?://\S+"),
    Column("accessed", "date", "date the source was read", "date", earliest=plausible.WEB),
    Column("notes", "str", "where in the source, and every conversion (multiply-adds x2, sparse -> dense, ...)",
           required=False),
)

VISION_EXT = TableSpec(
    name="vision_extension",
    filename="extension/vision_extension.csv",
    title="Extension: ImageNet models from mid-2021 to 2026 (not in the thesis)",
    key=("model", "resolution", "extra_data"),
    columns=(
        Column("model", "str", "model name as in its source"),
        Column("top1_accuracy", "float", "ImageNet-1k top-1 accuracy, 1-crop, at `resolution`", "%",
               positive=True, maximum=100),
        Column("params_millions", "float", "number of parameters", "millions", positive=True, required=False),
        Column("gflops", "float", "FLOPs of one forward pass at `resolution` (multiply-add = 2)", "GFLOPs",
               positive=True),
        Column("resolution", "int", "inference resolution (square side)", "px", positive=True),
        Column("extra_data", "str", "training data beyond ImageNet-1k (`No` if none)"),
        Column("release_date", "date", "first public release of the model (weights, code or paper, whichever came "
               "first)", "date", earliest=plausible.IMAGENET),
        Column("release_kind", "enum", "what the first public release was; empty where not yet re-read",
               allowed=("", "weights", "code", "paper", "api"), required=False),
        Column("architecture", "enum", "architecture family (`State-space`: a Mamba-style token mixer)",
               allowed=("CNN", "Transformer", "Hybrid", "State-space")),
        Column("accuracy_kind", "enum", "how the top-1 was obtained: `fine-tuned` (the paper's own), `probe` (a "
               "linear or attentive classifier trained on frozen features), `re-evaluation` (a third party); empty where not yet re-read",
               allowed=("", "fine-tuned", "probe", "re-evaluation"), required=False),
        Column("flops_kind", "enum", "`published` FLOPs, or `estimated` from the paper's architecture by the "
               "standard count; empty where not yet re-read", allowed=("", "published", "estimated"),
               required=False),
        *SOURCE_COLUMNS,
    ),
    rules=plausible.VISION_EXT_RULES,
)

ACCELERATORS_EXT = TableSpec(
    name="accelerators_extension",
    filename="extension/accelerators_extension.csv",
    title="Extension: accelerators launched 2021-2026 (not in the thesis)",
    key=("accelerator",),
    columns=(
        Column("accelerator", "str", "product name"),
        Column("vendor", "enum", "vendor", allowed=("NVIDIA", "AMD", "Google", "Intel", "AWS", "Microsoft", "Qualcomm")),
        Column("fp32_tflops", "float", "dense FP32 (non-tensor) peak", "TFLOPS", positive=True, required=False),
        Column("fp16_tensor_tflops_dense", "float", "dense FP16 tensor/matrix peak", "TFLOPS", positive=True,
               required=False),
        Column("bf16_tensor_tflops_dense", "float", "dense BF16 tensor/matrix peak", "TFLOPS", positive=True,
               required=False),
        Column("tdp_watts", "float", "maximum TDP / board power", "W", positive=True, required=False),
        Column("launch_date", "date", "first public announcement of the part with its specifications; where none "
               "was found, the first availability (said in the notes: an upper bound)", "date",
               earliest=plausible.CUDA),
        Column("segment", "enum", "market segment", allowed=("Server", "Desktop", "Cloud")),
        Column("sparse_printed", "enum", "`yes` if the source printed only sparse peaks (halved here)",
               allowed=("yes", "no")),
        *SOURCE_COLUMNS,
    ),
)

LLM_EXT = TableSpec(
    name="llm_extension",
    filename="extension/llm_extension.csv",
    title="Extension: large language models 2020-2026 with MMLU (not in the thesis)",
    key=("model",),
    columns=(
        Column("model", "str", "model name"),
        Column("params_billions", "float", "total parameters", "billions", positive=True),
        Column("active_params_billions", "float", "parameters active per token (= total for dense models)",
               "billions", positive=True),
        Column("mixture_of_experts", "enum", "mixture-of-experts model", allowed=("yes", "no")),
        Column("mmlu", "float", "MMLU accuracy as reported by the model's own paper or card", "%",
               required=False, positive=True, maximum=100),
        Column("mmlu_shots", "int", "shots of the MMLU evaluation", "shots", required=False, minimum=0),
        Column("model_kind", "enum", "the model the MMLU score is for: `base` (pre-trained) or `instruct` (tuned to "
               "follow instructions or to reason); empty where not yet re-read", allowed=("", "base", "instruct"),
               required=False),
        Column("mmlu_source_kind", "enum", "who measured the MMLU score: `paper` (the developer's own report) or "
               "`re-evaluation` (a third party); empty where not yet re-read", allowed=("", "paper", "re-evaluation"),
               required=False),
        Column("release_date", "date", "first public release of the model (weights, API or paper, whichever came "
               "first)", "date", earliest=plausible.WORD2VEC),
        Column("release_kind", "enum", "what the first public release was; empty where not yet re-read",
               allowed=("", "weights", "api", "paper"), required=False),
        *SOURCE_COLUMNS,
    ),
    rules=(*plausible.LLM_EXT_RULES,
           RowRule("active_params_billions", lambda r: r["active_params_billions"] <= r["params_billions"],
                   "must not exceed params_billions")),
)

MEASUREMENTS = TableSpec(
    name="measurements",
    filename="extension/measurements.csv",
    title="Published measurements of inference energy (not in the thesis)",
    key=("study", "model", "hardware", "batch_or_scenario"),
    columns=(
        Column("study", "str", "the study or benchmark"),
        Column("model", "str", "model measured"),
        Column("task", "str", "task"),
        Column("hardware", "str", "hardware measured"),
        Column("hardware_count", "int", "number of accelerators", "count", positive=True, required=False),
        Column("precision", "str", "number format", required=False),
        Column("batch_or_scenario", "str", "batch size or benchmark scenario"),
        Column("measured_joules_per_inference", "float", "measured energy of one inference", "J", positive=True),
        Column("throughput_per_second", "float", "throughput, where printed", "inferences/s", positive=True,
               required=False),
        Column("power_watts", "float", "average power, where printed", "W", positive=True, required=False),
        Column("unit_of_inference", "str", "what one inference is (image, query of n tokens, token)"),
        Column("measurement_boundary", "str", "what the power covers (GPU only, node, wall)"),
        Column("accelerator", "str", "the measured accelerator as named in the energy model's data "
               "(`accelerator_specs.csv`); empty if it is not there", required=False),
        Column("precision_used", "enum", "precision of the run's matrix work, from its code or configuration",
               allowed=("", "fp32", "tf32", "fp16", "bf16", "fp8", "int8", "fp4"), required=False),
        Column("batch", "int", "batch size of the run (per accelerator for MLPerf's gpu_batch_size; the maximum for serving "
               "engines)", "count", positive=True, required=False),
        Column("input_tokens", "float", "input tokens per query (mean, language rows)", "tokens", positive=True,
               required=False),
        Column("output_tokens", "float", "output tokens per query (mean, language rows)", "tokens", positive=True,
               required=False),
        Column("power_limit_watts", "float", "power limit set per accelerator (MLPerf MaxQ), if any", "W",
               positive=True, required=False),
        Column("boundary", "enum", "what the measured energy contains: the accelerator board (NVML), the node "
               "(wall power of the server), part of the node (a software estimate), the facility",
               allowed=("accelerator", "node", "partial-node", "facility", "unknown")),
        Column("config_source_url", "str", "where the configuration (precision, batch, tokens, power limit) was "
               "read", pattern=r"https?://\S+"),
        Column("config_notes", "str", "what was read where, and what was not found", required=False),
        Column("release_date", "date", "date of the results or paper", "date", earliest=plausible.MEASURED),
        *SOURCE_COLUMNS,
    ),
)

SPEC_QUANTITIES = ("fp32_tflops", "tf32_tflops_dense", "fp16_tensor_tflops_dense", "bf16_tensor_tflops_dense",
                   "fp8_tflops_dense", "int8_tops_dense", "tdp_watts", "memory_bandwidth_gb_s", "memory_gb",
                   "idle_watts", "unsupported_precisions")

#: The units a quantity of accelerator_specs.csv may be printed in (a capacity in GiB is converted when loaded).
SPEC_UNITS = {"memory_gb": ("GB", "GiB"), "memory_bandwidth_gb_s": ("GB/s",), "tdp_watts": ("W",),
              "idle_watts": ("W",)}

ACCELERATOR_SPECS = TableSpec(
    name="accelerator_specs",
    filename="extension/accelerator_specs.csv",
    title="Energy-model values of accelerators, one sourced value per row (not in the thesis)",
    key=("accelerator", "quantity"),
    columns=(
        Column("accelerator", "str", "accelerator, named as in `gpus.csv` (thesis) or `accelerators_extension.csv`"),
        Column("quantity", "enum", "what the value is: a dense peak per precision (sparse figures halved), TDP, "
               "memory bandwidth or capacity, idle power; `unsupported_precisions` lists precisions checked and "
               "absent (value empty)", allowed=SPEC_QUANTITIES),
        Column("value", "float", "the value (see `unit`)", positive=True, required=False),
        Column("unit", "enum", "unit of `value` as the source prints it; a capacity printed in GiB (2^30 bytes) is "
               "converted to decimal GB (10^9 bytes) when loaded", required=False,
               allowed=("TFLOPS", "TOPS", "W", "GB/s", "GB", "GiB")),
        Column("source_url", "str", "datasheet, whitepaper or paper the value is printed in", pattern=r"https?://\S+"),
        Column("accessed", "date", "date the source was read", "date", earliest=plausible.WEB),
        Column("primary", "enum", "`yes` if the source is the vendor's or paper's own document", allowed=("yes", "no")),
        Column("notes", "str", "the passage read and every conversion", required=False),
    ),
    rules=(RowRule("unit", lambda r: r["unit"] in SPEC_UNITS.get(r["quantity"], (r["unit"],)),
                   "is not a unit of the row's quantity (memory_gb: GB or GiB; memory_bandwidth_gb_s: GB/s; "
                   "tdp_watts, idle_watts: W)"),),
)

LLM_ARCH = TableSpec(
    name="llm_architecture",
    filename="extension/llm_architecture.csv",
    title="Architecture of language models for the KV cache (not in the thesis)",
    key=("model",),
    columns=(
        Column("model", "str", "model name, as in `llm_extension.csv` where it is there"),
        Column("params_billions_declared", "float", "total parameters, for models not in `llm_extension.csv`",
               "billions", positive=True, required=False),
        Column("n_layers", "int", "transformer layers", "count", positive=True, required=False),
        Column("n_attention_layers", "int", "layers that cache keys and values for every token (softmax attention, full or sliding-window); empty = all `n_layers`. The others (Mamba-2, Gated DeltaNet) keep a state of fixed size",
               "count", positive=True, required=False),
        Column("n_heads", "int", "query attention heads", "count", positive=True, required=False),
        Column("n_kv_heads", "int", "key/value heads (= heads for multi-head attention)", "count", positive=True,
               required=False),
        Column("head_dim", "int", "size of one attention head", "elements", positive=True, required=False),
        Column("hidden_size", "int", "model width", "elements", positive=True, required=False),
        Column("n_experts", "int", "routed experts per MoE layer (empty for dense models)", "count", positive=True,
               required=False),
        Column("n_experts_active", "int", "routed experts used per token", "count", positive=True, required=False),
        Column("kv_cached_elements_per_layer", "float", "cached elements per token per layer when not 2 x KV heads "
               "x head size (multi-head latent attention)", "elements", positive=True, required=False),
        *SOURCE_COLUMNS,
    ),
    rules=(RowRule("n_attention_layers", lambda r: pd.isna(r["n_attention_layers"]) or pd.isna(r["n_layers"])
                   or r["n_attention_layers"] <= r["n_layers"], "must not exceed n_layers"),),
)

# --- The recount: written by `make recount` (recount/count.py), read here without PyTorch -----------


def _counter_columns(package: str) -> tuple[Column, ...]:
    """The columns every recount file has: the counter, its version, the version of ``package``, the device."""
    return (
        Column("tool", "str", "the counter", required=False),
        Column("tool_version", "str", "PyTorch version of the counter", required=False),
        Column("package_version", "str", f"version of {package}", required=False),
        Column("device", "enum", "where the model was built: `meta` (shapes only, no weights) or `cpu`",
               allowed=("", "meta", "cpu"), required=False),
    )

RECOUNT = TableSpec(
    name="recount",
    filename="recount/recount.csv",
    title="FLOPs of Table A.3's models recounted from their definitions (written by `make recount`)",
    key=("model", "extra_data"),
    columns=(
        Column("model", "str", "model name as in Table A.3 (`vision.csv`)"),
        Column("extra_data", "str", "the row's training data as in `vision.csv` (tells rows of one name apart)"),
        Column("package", "enum", "package whose model definition was counted (empty: not matched)",
               allowed=("", "timm", "torchvision"), required=False),
        Column("package_model", "str", "the package's model name", required=False),
        Column("resolution", "int", "square input size counted (the row's test resolution)", "px", positive=True,
               required=False),
        Column("gflops", "float", "FLOPs of one forward pass of one image, 2 per multiply-add", "GFLOPs",
               positive=True, required=False),
        *_counter_columns("the package counted"),
        Column("how_matched", "str", "how the definition matches the row (`not matched` and why in notes)"),
        Column("resolution_source", "str", "where the resolution and architecture are stated", required=False),
        Column("operations_counted", "str", "share of the FLOPs by operation", required=False),
        NOTES,
    ),
)

RECOUNT_LANGUAGE = TableSpec(
    name="recount_language",
    filename="recount/recount_language.csv",
    title="FLOPs of Table A.4's transformers recounted from the papers' hyper-parameters (written by `make recount`)",
    key=("model",),
    columns=(
        Column("model", "str", "model name as in Table A.4 (`language.csv`)"),
        Column("input_tokens", "int", "tokens of the one sequence counted (Table A.4's input length)", "tokens",
               positive=True),
        Column("family", "str", "the Hugging Face transformers model class built (empty: not matched)",
               required=False),
        Column("config", "str", "the hyper-parameters typed from the source (JSON)", required=False),
        Column("gflops", "float", "FLOPs of one forward pass of the sequence, 2 per multiply-add", "GFLOPs",
               positive=True, required=False),
        *_counter_columns("transformers"),
        Column("source", "str", "where the hyper-parameters are stated", required=False),
        NOTES,
    ),
)

RECOUNT_TOOLS = TableSpec(
    name="recount_tools",
    filename="recount/tools.csv",
    title="Two FLOP counters on the same models (written by `make recount`)",
    key=("model",),
    columns=(
        Column("model", "str", "model name as in Table A.3"),
        Column("resolution", "int", "square input size counted", "px", positive=True),
        Column("flop_counter_gflops", "float", "PyTorch FlopCounterMode, 2 per multiply-add", "GFLOPs", positive=True),
        Column("fvcore_gflops", "float", "fvcore's count (multiply-adds) x 2", "GFLOPs", positive=True),
        Column("fvcore_over_flop_counter", "float", "ratio of the two counts", "x", positive=True),
        Column("fvcore_operations_counted", "str", "share of fvcore's count by operation", required=False),
        Column("fvcore_operations_skipped", "str", "operations fvcore has no formula for (counted as 0)",
               required=False),
    ),
)

# --- MLPerf Inference power results: written by `make import-mlperf` (mlperf/importer.py) ------------

MLPERF_ROUND = Column("round", "str", "MLPerf Inference round", pattern=r"v\d+\.\d+")
MLPERF_SUITE = Column("suite", "enum", "results table: datacenter or edge", allowed=("datacenter", "edge"))

MLPERF_ROUNDS = TableSpec(
    name="mlperf_rounds",
    filename="mlperf/rounds.csv",
    title="Release date of each MLPerf Inference round the import covers (typed, sourced)",
    key=("round",),
    columns=(
        MLPERF_ROUND,
        Column("release_date", "date", "date MLCommons published the round's results", "date",
               earliest=plausible.MLPERF),
        Column("source_url", "str", "where the date is printed", pattern=r"https?://\S+"),
        Column("accessed", "date", "date the source was read", "date", earliest=plausible.WEB),
        Column("primary", "enum", "`yes` if the source is MLCommons' own", allowed=("yes", "no")),
        Column("notes", "str", "the passage read, and other evidence", required=False),
    ),
)


def _joules_match(r: pd.Series) -> bool:
    """The row's Joules per unit is W / throughput, or mJ per query / 1,000, to the 6 figures written."""
    want = (r["power_value"] / r["performance_value"] if r["power_units"] == "Watts"
            else r["power_value"] / 1000.0)
    return abs(r["joules_per_unit"] / want - 1) < 1e-5


MLPERF_POWER = TableSpec(
    name="mlperf_power",
    filename="mlperf/power.csv",
    title="Every MLPerf Inference power result of the rounds imported (closed division; written by "
          "`make import-mlperf`)",
    key=("round", "suite", "result_path"),
    columns=(
        MLPERF_ROUND,
        Column("release_date", "date", "date the round's results were published (`rounds.csv`)", "date",
               earliest=plausible.MLPERF),
        MLPERF_SUITE,
        Column("division", "enum", "division (closed: the reference model and accuracy target)", allowed=("closed",)),
        Column("availability", "enum", "whether the system could be bought when published",
               allowed=("available", "preview", "rdi")),
        Column("submitter", "str", "organisation that submitted the result"),
        Column("system", "str", "system name as published"),
        Column("platform", "str", "the submission's system identifier"),
        Column("accelerator", "str", "the accelerator as named in `accelerator_specs.csv`, where the published name "
               "identifies that part; empty otherwise", required=False),
        Column("accelerator_published", "str", "accelerator as published (empty: CPU-only systems)", required=False),
        Column("accelerators_per_node", "int", "accelerators in one node", "count", minimum=0, required=False),
        Column("nodes", "int", "nodes in the system", "count", positive=True, required=False),
        Column("host_cpu", "str", "host processor as published", required=False),
        Column("host_cpus_per_node", "int", "host processors in one node", "count", minimum=0, required=False),
        Column("software", "str", "framework and software stack as published", required=False),
        Column("benchmark", "str", "benchmark (reference model), without its accuracy target; 3D U-Net with its "
               "dataset (`3d-unet-brats19` to v1.1, `3d-unet-kits19` from v2.0: another task under one name)"),
        Column("accuracy_target", "enum", "accuracy target, % of the reference model's (empty: the benchmark has one)",
               allowed=("", "99", "99.9"), required=False),
        Column("model_published", "str", "benchmark as published (with its accuracy target)"),
        Column("scenario", "enum", "LoadGen scenario", allowed=("Offline", "Server", "SingleStream", "MultiStream",
                                                                "Interactive")),
        Column("performance_value", "float", "performance result as published", positive=True),
        Column("performance_units", "enum", "its unit", allowed=("Samples/s", "Queries/s", "Tokens/s", "Latency (ms)")),
        Column("power_value", "float", "power result as published: average wall power, or energy per query",
               positive=True),
        Column("power_units", "enum", "its unit", allowed=("Watts", "millijoules")),
        Column("joules_per_unit", "float", "energy of one unit of work, computed by the importer from the two published "
               "results (W / throughput, or mJ per query / 1,000), 6 significant figures", "J", positive=True),
        Column("unit", "enum", "the unit of work: a sample, a query (Server and SingleStream: 1 sample; MultiStream: "
               "8) or an output token", allowed=("sample", "query", "token")),
        Column("samples_per_unit", "int", "samples in one unit (empty for tokens)", "count", positive=True,
               required=False),
        Column("joules_per_sample", "float", "joules_per_unit / samples_per_unit (empty for tokens)", "J",
               positive=True, required=False),
        Column("precision", "str", "weight data types as published (v4.1 on) or as the submission declares them "
               "(its measurements file; rounds whose tree was read); empty where neither was read",
               required=False),
        Column("same_run_as", "str", "for a 99.9 result with the same performance and power as the 99 result of the "
               "same system and scenario: that result's path (one run published under two targets)", required=False),
        Column("notes_published", "str", "the submitter's notes as published", required=False),
        Column("result_path", "str", "the result's folder in the round's repository"),
        Column("value_source", "enum", "`table`: the performance and power as MLCommons' results table prints them; "
               "`logs`: recomputed from the submission's logs as MLCommons' checker does (rounds or results no "
               "table read here has)", allowed=("table", "logs")),
        Column("check", "enum", "how the row was checked: `logs equal` (the logs' recomputation equals the table), "
               "`logs unreadable` (a log too large for the snapshot), `no logs` (no submission tree read: v3.1, "
               "v4.0), `website table equal` (a row from logs found in MLCommons' website table, secondary copy), "
               "`logs differ`, `not in website table`",
               allowed=("logs equal", "logs differ", "logs unreadable", "no logs", "website table equal",
                        "not in website table")),
        Column("source_repo", "str", "repository the row was read from"),
        Column("source_commit", "str", "its commit", pattern=r"[0-9a-f]{40}"),
        Column("source_file", "str", "the file read at that commit"),
    ),
    rules=(RowRule("joules_per_unit", _joules_match, "is not the published power over the published throughput "
                   "(or energy per query / 1,000)"),),
)

MLPERF_COUNTS = TableSpec(
    name="mlperf_counts",
    filename="mlperf/counts.csv",
    title="MLPerf power results per round, suite and benchmark, beside the power runs in the round's submission "
          "tree (written by `make import-mlperf`)",
    key=("round", "suite", "benchmark"),
    columns=(
        MLPERF_ROUND,
        MLPERF_SUITE,
        Column("benchmark", "str", "benchmark"),
        Column("power_results", "int", "power results imported", "count", positive=True),
        Column("submission_tree_runs", "int", "power runs (`performance/run_1/spl.txt`) of this benchmark in the "
               "round's closed submission tree, all suites (empty: no snapshot of the tree)", "count", minimum=0,
               required=False),
        Column("tree_commit", "str", "commit of the tree counted", required=False),
    ),
)

MLPERF_POWER_CAP = TableSpec(
    name="mlperf_power_cap",
    filename="mlperf/power_cap.csv",
    title="One MLPerf server run at its GPUs' default power and under a power limit, per benchmark (written by "
          "`make import-power-cap`)",
    key=("round", "capped_system", "model", "scenario"),
    columns=(
        MLPERF_ROUND,
        Column("submitter", "str", "submitter"),
        Column("accelerator", "str", "the accelerator as `accelerator_specs.csv` names it"),
        Column("accelerators", "int", "accelerators in the server", "count", positive=True),
        Column("model", "str", "MLPerf model (results folder)"),
        Column("scenario", "enum", "LoadGen scenario", allowed=("Offline",)),
        Column("default_system", "str", "the run at the default power limit (MaxP)"),
        Column("capped_system", "str", "the run under a power limit (MaxQ)"),
        Column("default_samples_per_second", "float", "Offline throughput at the default power limit, as LoadGen "
               "printed it", "samples/s", positive=True),
        Column("capped_samples_per_second", "float", "Offline throughput under the power limit, as printed",
               "samples/s", positive=True),
        Column("power_limit_watts", "float", "power limit per GPU the capped run set (its configuration's "
               "`power_limit`)", "W", positive=True),
        Column("source_repo", "str", "repository read"),
        Column("source_commit", "str", "commit read", pattern=r"[0-9a-f]{40}"),
        Column("default_log", "str", "summary log of the default run"),
        Column("capped_log", "str", "summary log of the capped run"),
        Column("config_file", "str", "configuration file holding the power limit"),
        Column("script_sha256", "str", "SHA-256 of `mlperf/power_cap.py` that wrote the row", pattern=r"[0-9a-f]{64}"),
    ),
)

#: Files written by `make import-mlperf` from MLCommons' published tables (committed; read without them).
MLPERF_SPECS: dict[str, TableSpec] = {s.name: s for s in (MLPERF_ROUNDS, MLPERF_POWER, MLPERF_COUNTS,
                                                          MLPERF_POWER_CAP)}

SEQUENCE_LENGTHS = TableSpec(
    name="sequence_lengths",
    filename="extension/sequence_lengths.csv",
    title="Histograms of tokens per sequence of benchmark datasets (not in the thesis)",
    key=("dataset", "split", "max_tokens", "tokens"),
    columns=(
        Column("dataset", "str", "the dataset"),
        Column("split", "enum", "which part of the dataset was counted", allowed=("train", "dev", "test")),
        Column("max_tokens", "int", "the longest sequence the pipeline makes (longer inputs are split)", "tokens",
               positive=True),
        Column("tokens", "int", "tokens in one sequence (the histogram's bin)", "tokens", positive=True),
        Column("sequences", "int", "sequences of that length", "count", minimum=0),
        *SOURCE_COLUMNS,
    ),
)

EXTENSION_SPECS: dict[str, TableSpec] = {s.name: s for s in (VISION_EXT, ACCELERATORS_EXT, LLM_EXT, MEASUREMENTS,
                                                             ACCELERATOR_SPECS, LLM_ARCH,
                                                             SEQUENCE_LENGTHS)}

#: Files written by `make recount` from the model definitions (committed; read without PyTorch).
RECOUNT_SPECS: dict[str, TableSpec] = {s.name: s for s in (RECOUNT, RECOUNT_LANGUAGE, RECOUNT_TOOLS)}

#: Every data file: the thesis's tables, the extension's, the recount, then the MLPerf import.
ALL_SPECS: dict[str, TableSpec] = {**SPECS, **EXTENSION_SPECS, **RECOUNT_SPECS, **MLPERF_SPECS}


def validate_all() -> None:
    """Validate every data file once, before any chapter runs; raise one :class:`DataError` listing each
    problem once as ``file:line: column 'c': value 'v': problem``.

    First the book's own reader, :func:`infertrends.data.schema.read_table`, reads every file completely: UTF-8
    text, the exact header, the CSV structure, each cell's type, range, pattern and plausibility bound,
    unique keys and the rules between the cells of a row (:mod:`infertrends.data.plausibility`).  A structural
    fault is one line, never a flood, and the count of problems is exact.  Only when every file is clean
    does ``frictionless`` check the data package (:mod:`infertrends.data.package`), adding what needs several
    files (foreign keys) and anything its standard reading finds beside.
    """
    import infertrends.data.package as package
    from infertrends.data.schema import DataError, Problem

    root = data_dir()
    missing = [root / s.filename for s in ALL_SPECS.values() if not (root / s.filename).exists()]
    if missing:
        raise DataError(root, [Problem(p, 1, "<file>", "", "file not found") for p in missing])
    problems = []
    for spec in ALL_SPECS.values():
        try:
            read_table(spec, root / spec.filename)
        except DataError as err:
            problems.extend(err.problems)
    if problems:
        raise DataError(root, problems)
    package.validate(root, ALL_SPECS)


def load_extension(name: str) -> pd.DataFrame:
    """Load and validate an extension table, with ``origin = "extension"``."""
    if name not in EXTENSION_SPECS:
        raise KeyError(f"unknown extension table {name!r}; known: {', '.join(EXTENSION_SPECS)}")
    spec = EXTENSION_SPECS[name]
    df = read_table(spec, data_dir() / spec.filename)
    df["origin"] = "extension"
    return df


def load_recount(name: str = "recount") -> pd.DataFrame:
    """Load and validate a file of the committed recount (``data/recount/``; no PyTorch needed)."""
    if name not in RECOUNT_SPECS:
        raise KeyError(f"unknown recount table {name!r}; known: {', '.join(RECOUNT_SPECS)}")
    spec = RECOUNT_SPECS[name]
    return read_table(spec, data_dir() / spec.filename)


def load_mlperf(name: str = "mlperf_power") -> pd.DataFrame:
    """Load and validate a file of the committed MLPerf import (``data/mlperf/``; no snapshot needed)."""
    if name not in MLPERF_SPECS:
        raise KeyError(f"unknown MLPerf table {name!r}; known: {', '.join(MLPERF_SPECS)}")
    spec = MLPERF_SPECS[name]
    return read_table(spec, data_dir() / spec.filename)


def load_any(name: str) -> pd.DataFrame:
    """Load and validate any data file by its table name (thesis, extension, recount or MLPerf import)."""
    if name in SPECS:
        return load(name)
    if name in EXTENSION_SPECS:
        return load_extension(name)
    if name not in ALL_SPECS:
        raise KeyError(f"unknown table {name!r}; known: {', '.join(ALL_SPECS)}")
    spec = ALL_SPECS[name]
    return read_table(spec, data_dir() / spec.filename)
