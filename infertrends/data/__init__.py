"""Where the inputs live and how they are read and checked: ``import infertrends.data as data`` gives every
table's schema and its validated loader.

The package's modules, from the bottom: :mod:`~infertrends.data.schema` (the book's own CSV reader and the
data dictionary), :mod:`~infertrends.data.plausibility` (bounds between the cells of a row),
:mod:`~infertrends.data.package` (the frictionless data package), the tables' schemas
(:mod:`~infertrends.data.tables` for the thesis's, :mod:`~infertrends.data.extension_tables` for the extension's,
:mod:`~infertrends.data.generated` for what the recount and the MLPerf import write),
:mod:`~infertrends.data.loaders` (loading, and validating every file once) and
:mod:`~infertrends.data.references` (the labels of sources).  This module only gathers the schemas and loaders
under one name; no module of this package imports it.
"""

from __future__ import annotations

from infertrends.data.tables import (
    B1_PRECISIONS, CITATIONS, CROP_ACCURACY, data_dir, EFFICIENTNET_SCALING, EXTERNAL, GPUS, LANGUAGE, NGC, NOTES,
    ROOT, SPECS, THESIS_PRINTED, VISION, VIT_G_GFLOPS)
from infertrends.data.extension_tables import (
    ACCELERATOR_SPECS, ACCELERATORS_EXT, DISCLOSURES, EXTENSION_SPECS, LLM_ARCH, LLM_EXT, MEASUREMENTS, SEQUENCE_LENGTHS,
    SOURCE_COLUMNS, SPEC_QUANTITIES, SPEC_UNITS, VISION_EXT)
from infertrends.data.generated import (
    MLPERF_COUNTS, MLPERF_POWER, MLPERF_POWER_CAP, MLPERF_ROUND, MLPERF_ROUNDS, MLPERF_SPECS, MLPERF_SUITE, RECOUNT,
    RECOUNT_LANGUAGE, RECOUNT_SPECS, RECOUNT_TOOLS)
from infertrends.data.loaders import (
    ALL_SPECS, external, gpus, language, load, load_any, load_extension, load_mlperf, load_recount, ngc, printed,
    per_data_version, printed_value, table_a3_name, TABLE_A3_NAMES, validate_all, version, vision)

#: The schemas and loaders, gathered under one name (each defined in the module it is imported from).
__all__ = [
    "B1_PRECISIONS", "CITATIONS", "CROP_ACCURACY", "data_dir", "EFFICIENTNET_SCALING", "EXTERNAL", "GPUS",
    "LANGUAGE", "NGC", "NOTES", "ROOT", "SPECS", "THESIS_PRINTED", "VISION", "VIT_G_GFLOPS", "ACCELERATOR_SPECS",
    "ACCELERATORS_EXT", "DISCLOSURES", "EXTENSION_SPECS", "LLM_ARCH", "LLM_EXT", "MEASUREMENTS", "SEQUENCE_LENGTHS",
    "SOURCE_COLUMNS", "SPEC_QUANTITIES", "SPEC_UNITS", "VISION_EXT", "MLPERF_COUNTS", "MLPERF_POWER",
    "MLPERF_POWER_CAP", "MLPERF_ROUND", "MLPERF_ROUNDS", "MLPERF_SPECS", "MLPERF_SUITE", "RECOUNT",
    "RECOUNT_LANGUAGE", "RECOUNT_SPECS", "RECOUNT_TOOLS", "ALL_SPECS", "external", "gpus", "language", "load",
    "load_any", "load_extension", "load_mlperf", "load_recount", "ngc", "per_data_version", "printed", "printed_value",
    "table_a3_name", "TABLE_A3_NAMES", "validate_all", "version", "vision",
]
