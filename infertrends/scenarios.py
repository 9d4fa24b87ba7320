"""Named scenarios of the energy assumptions, defined in one place.

Each scenario is a set of parameters of the energy chapter; every value that is not the thesis's
comes from ``data/external_values.csv`` (with its source) and is named here by its key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import infertrends.data as data
import infertrends.energy as energy
import infertrends.measurements as measurements

#: Reference models of the sensitivity analysis: (task, model name in Table A.3 / A.4).
REFERENCE_MODELS: tuple[tuple[str, str], ...] = (
    ("CV", "AlexNet"), ("CV", "ResNet-50"), ("CV", "EfficientNet-B0"), ("CV", "ViT-L/16"),
    ("NLP", "BERT-Base"), ("NLP", "GPT-3"),
)


@dataclass(frozen=True)
class Scenario:
    """A named set of energy-chapter parameters and where each value comes from."""

    name: str
    description: str
    params: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # parameter -> external_values key (or a note)

    def assumptions(self) -> energy.Assumptions:
        """The :class:`~infertrends.energy.Assumptions` of this scenario."""
        keys = {"hardware_model": "hardware", "precision": "precision", "gpu": "gpu", "utilisation": "utilisation",
                "power_fraction": "power_fraction", "host_overhead": "host_overhead", "pue": "pue"}
        return energy.Assumptions(**{keys[k]: v for k, v in self.params.items() if k in keys})


def _v(key: str, which: str = "value") -> float:
    return float(data.external(key)[which])


def scenarios() -> dict[str, Scenario]:
    """All scenarios, by name (values read from the sourced data file)."""
    items = [
        Scenario("thesis", "The thesis: the GPU efficiency trend at the release date, peak FLOPS at TDP, the GPU "
                 "alone, no data-centre overhead."),
        Scenario(
            "datacenter-realistic",
            "A typical data centre: large-model utilisation at the low end of the Megatron-LM range, a busy node's "
            "power draw, Gemini-serving host overhead and the industry-average PUE.",
            dict(utilisation=_v("mfu_training_h100", "low"), power_fraction=_v("power_fraction_node_h100"),
                 host_overhead=_v("host_overhead_gemini"), pue=_v("pue_industry_average")),
            dict(utilisation="mfu_training_h100 (low)", power_fraction="power_fraction_node_h100",
                 host_overhead="host_overhead_gemini", pue="pue_industry_average"),
        ),
        Scenario(
            "hyperscale-efficient",
            "A well-run hyperscale data centre: the best published large-model utilisation, a busy node's power "
            "draw, Gemini-serving host overhead and Google's fleet PUE.",
            dict(utilisation=_v("mfu_training_a100_best"), power_fraction=_v("power_fraction_node_h100"),
                 host_overhead=_v("host_overhead_gemini"), pue=_v("pue_hyperscale")),
            dict(utilisation="mfu_training_a100_best", power_fraction="power_fraction_node_h100",
                 host_overhead="host_overhead_gemini", pue="pue_hyperscale"),
        ),
        Scenario(
            "edge-device",
            "One low-power inference card for every model (the 70 W T4, the closest device to an edge "
            "accelerator in the thesis's data), poorly utilised at the power a memory-bound decode draws, no "
            "server or data centre around it.",
            dict(hardware_model="named-gpu", gpu="T4", utilisation=_v("mfu_training_v100_gpt3"),
                 power_fraction=_v("power_fraction_decode_h200")),
            dict(hardware_model="assumption: one GPU for all models", gpu="assumption: the T4 stands in for an edge "
                 "accelerator",
                 utilisation="mfu_training_v100_gpt3", power_fraction="power_fraction_decode_h200"),
        ),
        Scenario(
            "mlperf-implied",
            "Each GPU's dense FP16 tensor peak at TDP, scaled by the utilisation that MLPerf Inference's measured "
            "energy implies (median over the matched datacenter results; it absorbs host power and the INT8 "
            "speed-up, see the measurements chapter).",
            dict(precision="tensor-peak", utilisation=round(measurements.implied_utilisation("MLPerf"), 4)),
            dict(precision="assumption: dense tensor peaks, as in the measurements chapter",
                 utilisation="measurements: median implied utilisation, MLPerf rows"),
        ),
        Scenario(
            "llm-serving-implied",
            "Each GPU's dense FP16 tensor peak at TDP, scaled by the utilisation that the ML.ENERGY leaderboard's "
            "measured energy per generated token implies (median over its matched rows).",
            dict(precision="tensor-peak", utilisation=round(measurements.implied_utilisation("ML.ENERGY"), 4)),
            dict(precision="assumption: dense tensor peaks, as in the measurements chapter",
                 utilisation="measurements: median implied utilisation, ML.ENERGY rows"),
        ),
    ]
    return {s.name: s for s in items}
