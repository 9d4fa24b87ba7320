"""Tables the repository's own importers write and commit: the recount (``make recount``) and the MLPerf
Inference power results (``make import-mlperf``); their schemas, read here without PyTorch or the snapshots."""

from __future__ import annotations

import pandas as pd

import infertrends.data.plausibility as plausible
from infertrends.data.schema import Column, RowRule, TableSpec
from infertrends.data.tables import NOTES


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

#: Files written by `make recount` from the model definitions (committed; read without PyTorch).
RECOUNT_SPECS: dict[str, TableSpec] = {s.name: s for s in (RECOUNT, RECOUNT_LANGUAGE, RECOUNT_TOOLS)}
