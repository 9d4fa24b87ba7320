"""The extension's tables (2021-2026, ``data/extension/``): their schemas, in files of their own, never mixed
silently with the thesis's."""

from __future__ import annotations

import pandas as pd

import infertrends.data.plausibility as plausible
from infertrends.data.schema import Column, RowRule, TableSpec


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

DISCLOSURES = TableSpec(
    name="disclosures",
    filename="extension/disclosures.csv",
    title="Per-prompt energy of assistants as their operators or analysts published it (not in the thesis)",
    key=("disclosure",),
    columns=(
        Column("disclosure", "str", "the figure's short name: who, year, which figure"),
        Column("organisation", "str", "who published it"),
        Column("published", "date", "date of publication", "date", earliest=plausible.MEASURED),
        Column("product", "str", "the product or model the figure is for, as the source names it"),
        Column("statistic", "enum", "what kind of figure: a median or mean over prompts, or a modelled typical case",
               allowed=("median", "mean", "typical", "modelled")),
        Column("prompt", "str", "what one prompt is, as defined by the source"),
        Column("input_tokens", "float", "input tokens per prompt, where stated", "tokens", positive=True,
               required=False),
        Column("output_tokens", "float", "output tokens per prompt, where stated", "tokens", positive=True,
               required=False),
        Column("wh_per_prompt", "float", "the figure as printed", "Wh", positive=True, maximum=1000),
        Column("kind", "enum", "measured on a fleet, modelled from assumptions, or not stated",
               allowed=("measured", "modelled", "unstated")),
        Column("boundary", "enum", "what the figure counts: accelerators only, whole servers (node), servers and "
               "the data centre's overhead (facility), or not stated", allowed=("accelerator", "node", "facility",
                                                                              "unstated")),
        Column("reserve_idle", "enum", "whether idle machines kept in reserve are counted",
               allowed=("included", "excluded", "unstated")),
        Column("share_accelerator", "float", "share of the figure drawn by the active accelerators, where given",
               "%", positive=True, maximum=100, required=False),
        Column("share_host", "float", "share drawn by host processors and memory, where given", "%", minimum=0,
               maximum=100, required=False),
        Column("share_idle", "float", "share drawn by idle reserve machines, where given", "%", minimum=0,
               maximum=100, required=False),
        Column("share_overhead", "float", "share drawn by the data centre's overhead (PUE), where given", "%",
               minimum=0, maximum=100, required=False),
        Column("pue", "float", "the PUE the figure includes, where stated", "ratio", minimum=1, maximum=3,
               required=False),
        Column("hardware", "str", "the hardware as stated or assumed by the source"),
        Column("params_billions", "float", "the model's parameters, where the source states or assumes them",
               "billions", positive=True, required=False),
        Column("active_params_billions", "float", "parameters active per token, where stated or assumed", "billions",
               positive=True, required=False),
        Column("batch", "int", "the batch the source assumes, where stated", "count", positive=True, required=False),
        Column("counts", "str", "what the figure includes, in the source's words or arithmetic"),
        Column("excludes", "str", "what it leaves out"),
        Column("not_stated", "str", "what the source does not say"),
        Column("quote", "str", "the sentence that states the figure"),
        Column("read_in", "str", "whether the figure and its details were read in the primary source or only in a "
               "secondary copy (named in `notes`)"),
        *SOURCE_COLUMNS,
    ),
    rules=(RowRule("share_accelerator", lambda r: pd.isna(r["share_accelerator"]) or 95 <= sum(
        r[k] for k in ("share_accelerator", "share_host", "share_idle", "share_overhead")) <= 105,
                   "the four shares must add up to 100 % (within rounding: 95-105)"),
           RowRule("active_params_billions", lambda r: pd.isna(r["active_params_billions"])
                   or r["active_params_billions"] <= r["params_billions"], "must not exceed params_billions")),
)


EXTENSION_SPECS: dict[str, TableSpec] = {s.name: s for s in (VISION_EXT, ACCELERATORS_EXT, LLM_EXT, MEASUREMENTS,
                                                             ACCELERATOR_SPECS, LLM_ARCH,
                                                             SEQUENCE_LENGTHS, DISCLOSURES)}
