"""Named scenarios of the energy assumptions, defined in one place.

Each scenario is a set of parameters of the energy chapter; every value that is not the thesis's
comes from ``data/external_values.csv`` (with its source) and is named here by its key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

import infertrends.data as data
import infertrends.energy as energy
import infertrends.measurements as measurements
import infertrends.scaling as scaling

#: Reference models of the sensitivity analysis: (task, model name in Table A.3 / A.4).
REFERENCE_MODELS: tuple[tuple[str, str], ...] = (
    ("CV", "AlexNet"), ("CV", "ResNet-50"), ("CV", "EfficientNet-B0"), ("CV", "ViT-L/16"),
    ("NLP", "BERT-Base"), ("NLP", "GPT-3"),
)


@dataclass(frozen=True)
class Scenario:
    """A named set of energy-chapter parameters, each with where its value comes from."""

    name: str
    description: str
    settings: dict[str, tuple[Any, str]] = field(default_factory=dict)  # parameter -> (value, source)

    @property
    def params(self) -> dict[str, Any]:
        """The energy-chapter parameters of this scenario."""
        return {k: value for k, (value, _) in self.settings.items()}

    @property
    def sources(self) -> dict[str, str]:
        """Where each parameter's value comes from (an external_values key, or a note)."""
        return {k: source for k, (_, source) in self.settings.items()}

    def assumptions(self) -> energy.Assumptions:
        """The :class:`~infertrends.energy.Assumptions` of this scenario."""
        return energy.assumptions_from_params(self.params)


def _sourced(key: str, which: str = "value") -> tuple[float, str]:
    """A value of ``data/external_values.csv`` and its key (``which``: value, low or high)."""
    return float(data.external(key)[which]), key if which == "value" else f"{key} ({which})"


TENSOR_PEAKS = ("tensor-peak", "assumption: dense tensor peaks, as in the measurements chapter")


def _implied(name: str, study: str, description: str) -> Scenario:
    """A scenario whose utilisation is the median one implied by the measurements of ``study``."""
    value = round(measurements.implied_utilisation(study), 4)
    return Scenario(name, description, dict(
        precision=TENSOR_PEAKS,
        utilisation=(value, f"measurements: median implied utilisation, {study} rows")))


def scenarios() -> dict[str, Scenario]:
    """All scenarios, by name (values read from the sourced data file)."""
    items = [
        Scenario("thesis", "The thesis: the GPU efficiency trend at the release date, peak FLOPS at TDP, the GPU "
                 "alone, no data-centre overhead."),
        Scenario(
            "datacenter-realistic",
            "A typical data centre: large-model utilisation at the low end of the Megatron-LM range, a busy node's "
            "power draw, Gemini-serving host overhead and the industry-average PUE.",
            dict(utilisation=_sourced("mfu_training_h100", "low"), power_fraction=_sourced("power_fraction_node_h100"),
                 host_overhead=_sourced("host_overhead_gemini"), pue=_sourced("pue_industry_average")),
        ),
        Scenario(
            "hyperscale-efficient",
            "A well-run hyperscale data centre: the best published large-model utilisation, a busy node's power "
            "draw, Gemini-serving host overhead and Google's fleet PUE.",
            dict(utilisation=_sourced("mfu_training_a100_best"), power_fraction=_sourced("power_fraction_node_h100"),
                 host_overhead=_sourced("host_overhead_gemini"), pue=_sourced("pue_hyperscale")),
        ),
        Scenario(
            "edge-device",
            "One low-power inference card for every model (the 70 W T4, the closest device to an edge "
            "accelerator in the thesis's data), poorly utilised at the power a memory-bound decode draws, no "
            "server or data centre around it.",
            dict(hardware_model=("named-gpu", "assumption: one GPU for all models"),
                 gpu=("T4", "assumption: the T4 stands in for an edge accelerator"),
                 utilisation=_sourced("mfu_training_v100_gpt3"),
                 power_fraction=_sourced("power_fraction_decode_h200")),
        ),
        _implied("mlperf-implied", "MLPerf",
                 "Each GPU's dense FP16 tensor peak at TDP, scaled by the utilisation that MLPerf Inference's "
                 "measured energy implies (median over the matched datacenter results; it absorbs host power and "
                 "the INT8 speed-up, see the measurements chapter)."),
        _implied("llm-serving-implied", "ML.ENERGY",
                 "Each GPU's dense FP16 tensor peak at TDP, scaled by the utilisation that the ML.ENERGY "
                 "leaderboard's measured energy per generated token implies (median over its matched rows)."),
    ]
    return {s.name: s for s in items}


def reference_joules(a: energy.Assumptions, estimates: str = "recomputed") -> pd.DataFrame:
    """The reference models (task, model, gflops, release_date) with their Joules under ``a``."""
    tables = {"CV": scaling.vision_models(estimates), "NLP": data.language()}
    refs = pd.DataFrame([dict(task=t, model=m, **tables[t][tables[t]["model"] == m].iloc[0][["gflops", "release_date"]])
                         for t, m in REFERENCE_MODELS])
    refs["joules"] = np.nan
    for task in ("CV", "NLP"):
        mask = refs["task"] == task
        refs.loc[mask, "joules"] = energy.joules_under(task, refs.loc[mask, "gflops"], refs.loc[mask, "release_date"], a)
    return refs
