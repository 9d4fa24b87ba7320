"""Chapter parameters: what a reader may change, its type, range and default.

Each chapter has one cell tagged ``parameters`` whose assignments must equal the
defaults declared here (a test checks it).  :func:`validate` runs before any
computation: the command-line runner calls it before starting a kernel, and each
chapter calls :func:`check` right after its parameters cell.  The energy chapter's
assumptions are declared with the thesis's method (:data:`infertrends.thesis.bounds.BOUNDS`),
and :func:`assumptions_from_params` turns that chapter's values into the method's
:class:`~infertrends.thesis.method.Assumptions`.
"""

from __future__ import annotations

import difflib
import json
from typing import TYPE_CHECKING, Any, Callable, Mapping

from infertrends.core.parameter import Param, ParameterError
from infertrends.thesis.bounds import BOUNDS

if TYPE_CHECKING:
    from infertrends.thesis.method import Assumptions


def _gpu_names() -> tuple[str, ...]:
    from infertrends.data import gpus  # through the schema, like every other read of the data

    return tuple(dict.fromkeys(gpus()["gpu"]))


def _spec(*params: Param) -> dict[str, Param]:
    return {p.name: p for p in params}


#: Parameters of every chapter, by chapter name (the file name without ``.md``).
CHAPTERS: dict[str, dict[str, Param]] = {
    "flop-conventions": _spec(
        Param("flops_per_multiply_add", 2, "FLOPs counted for one multiply-add (2: hardware convention the "
              "book follows; 1: the convention of most vision papers)", int, choices=(1, 2)),
        Param("crops", 1, "forward passes per prediction (1-crop or 10-crop testing)", int, choices=(1, 10)),
        Param("ratio_decimals", None, "round every Appendix A scale ratio to this many decimals before use "
              "(None: exact ratios; the thesis prints 4)", int, minimum=0, maximum=10, allow_none=True),
        Param("vit_g_resolution", 518, "test resolution assumed for ViT-G/14 (px)", int, minimum=32,
              maximum=2048),
        Param("fix_b7_resolution", 632, "test resolution of FixEfficientNet-B7 (px)", int, minimum=32,
              maximum=2048),
        Param("fix_b0_resolution", 320, "test resolution of FixEfficientNet-B0 (px)", int, minimum=32,
              maximum=2048),
    ),
    "cv-compute": _spec(
        Param("estimates", "recomputed", "FLOPs of the models the thesis estimated (Appendix A): the book's "
              "recomputation or Table A.3 as printed", str, choices=("recomputed", "as printed")),
        Param("flops_source", "thesis", "GFLOPs of Table A.3: as the thesis has them, or recounted from the "
              "model definitions of timm and torchvision (data/recount); rows without one keep the thesis's", str,
              choices=("thesis", "recounted")),
        Param("sota_rule", "best-of-year", "which models the state-of-the-art trend is fitted on: the most "
              "accurate of each year (thesis) or each new accuracy record at its release", str,
              choices=("best-of-year", "records")),
        Param("extra_data", "all", "models included by training data: all, only ImageNet-1k, only extra data",
              str, choices=("all", "imagenet-1k only", "extra data only")),
        Param("similar_flops_ratio", 2.2, "Table 4.1: models within this factor of AlexNet's GFLOPs count as "
              "similar", float, minimum=1.0, maximum=100.0),
        Param("level", 0.9, "confidence level of the trend intervals", float, minimum=0.5, maximum=0.999),
    ),
    "recount": _spec(
        Param("tolerance", 0.05, "thesis and recounted GFLOPs 'agree' when within this fraction of each other",
              float, minimum=0.001, maximum=1.0),
        Param("level", 0.9, "confidence level of the trend intervals", float, minimum=0.5, maximum=0.999),
    ),
    "nlp-compute": _spec(
        Param("flops_source", "thesis", "GFLOPs of Table A.4: as the thesis has them, or recounted from the "
              "papers' hyper-parameters (transformers, data/recount); rows without one keep the thesis's", str,
              choices=("thesis", "recounted")),
        Param("sota_rule", "records", "which models the dashed trend is fitted on: each new GFLOPs maximum at "
              "its release (thesis) or the most demanding of each year", str, choices=("records", "best-of-year")),
        Param("min_year", 2017, "first release year included in the fits", int, minimum=2017, maximum=2020),
        Param("level", 0.9, "confidence level of the trend intervals", float, minimum=0.5, maximum=0.999),
    ),
    "hardware": _spec(
        Param("adapted", True, "include the mixed-precision adapted points (Table B.3) in the fits", bool),
        Param("segments", "all", "GPU segments in the fit", str, choices=("all", "Server", "Desktop")),
        Param("exclude_fp32", "thesis", "FP32 rows left out of the fit: as Table B.3 (P100, A100, A30) or none",
              str, choices=("thesis", "none")),
        Param("start_year", 2010, "first launch year in the fit", int, minimum=2010, maximum=2019),
        Param("end_year", 2021, "last launch year in the fit", int, minimum=2012, maximum=2021),
        Param("speedup_mean", "arithmetic", "how Table 5.1 averages the NGC speed-ups", str,
              choices=("arithmetic", "geometric")),
        Param("level", 0.9, "confidence level of the trend intervals", float, minimum=0.5, maximum=0.999),
    ),
    "energy": _spec(
        BOUNDS["hardware_model"],
        Param("gpu", "Tesla V100", "GPU for hardware_model='named-gpu' (a GPU of Table B.1)", str,
              choices_from=_gpu_names),
        Param("precision", "adapted", "peak rates used: FP32 plus mixed precision adapted with NGC speed-ups "
              "(thesis), FP32 only, or each GPU's theoretical tensor peak", str,
              choices=("adapted", "fp32", "tensor-peak")),
        BOUNDS["utilisation"],
        BOUNDS["power_fraction"],
        BOUNDS["host_overhead"],
        BOUNDS["pue"],
        Param("segments", "all", "hardware trend: GPU segments", str, choices=("all", "Server", "Desktop")),
        Param("exclude_fp32", "thesis", "hardware trend: FP32 rows left out (Table B.3's choice, or none)", str,
              choices=("thesis", "none")),
        Param("estimates", "recomputed", "FLOPs of the models the thesis estimated: recomputed or as printed",
              str, choices=("recomputed", "as printed")),
        Param("flops_source", "thesis", "GFLOPs of Tables A.3 and A.4: as the thesis has them, or recounted from "
              "the model definitions (timm, torchvision) and the papers' hyper-parameters (transformers) in "
              "data/recount; rows without one keep the thesis's", str, choices=("thesis", "recounted")),
        Param("cv_sota_rule", "best-of-year", "CV state of the art: most accurate of each year or accuracy "
              "records", str, choices=("best-of-year", "records")),
        Param("nlp_sota_rule", "records", "NLP state of the art: GFLOPs records at release or most demanding "
              "of each year", str, choices=("records", "best-of-year")),
        Param("yearly_mean", "arithmetic", "the yearly average line of Fig. 5.3/5.4", str,
              choices=("arithmetic", "geometric")),
        Param("similar_flops_ratio", 2.2, "Table 5.2: models within this factor of AlexNet's GFLOPs", float,
              minimum=1.0, maximum=100.0),
        Param("similar_joules_ratio", 1.25, "Table 5.3: models within this factor of AlexNet's Joules", float,
              minimum=1.0, maximum=100.0),
        Param("min_top1", 80.0, "Table 5.3: minimum top-1 accuracy (%)", float, minimum=0.0, maximum=100.0),
        Param("level", 0.9, "confidence level of the trend intervals", float, minimum=0.5, maximum=0.999),
    ),
    "sensitivity": _spec(
        Param("draws", 100000, "Monte Carlo draws", int, minimum=1000, maximum=2_000_000),
        Param("seed", 2021, "seed of the Monte Carlo draws", int, minimum=0, maximum=2**32 - 1),
    ),
    "scale": _spec(
        Param("inferences_per_person_per_day", 86400.0, "forward passes per person per day (thesis's "
              "illustration: one per second = 86,400)", float, minimum=1e-3, maximum=1e7),
        Param("population", "world", "people served: the world's population or its internet users "
              "(data/external_values.csv)", str, choices=("world", "internet")),
        Param("share_served", 1.0, "fraction of that population the model class serves", float, minimum=1e-6,
              maximum=1.0),
    ),
    "continued": _spec(
        Param("show_extension", True, "show the 2021-2026 extension in the charts (each chart also has a "
              "checkbox)", bool),
        Param("hardware_precision", "tensor", "peak rates of the accelerator trend: dense FP16 tensor or FP32",
              str, choices=("tensor", "fp32")),
        Param("level", 0.9, "confidence level of the trend intervals", float, minimum=0.5, maximum=0.999),
    ),
    "measurements": _spec(
        Param("show_extension", True, "no effect: every row here is extension data and always shown (kept so that "
              "reruns that pass it still work)", bool),
    ),
    "mlperf-power": _spec(
        Param("suite", "datacenter", "which MLPerf results table the chart and trends use", str,
              choices=("datacenter", "edge")),
        Param("scenario", "Offline", "LoadGen scenario of the chart", str,
              choices=("Offline", "Server", "SingleStream", "MultiStream")),
        Param("level", 0.9, "confidence level of the trend intervals", float, minimum=0.5, maximum=0.999),
    ),
    "assistants": _spec(
        Param("batch", 64, "questions one copy of the model serves at once (capped to what fits in its memory)", int,
              minimum=1, maximum=1024),
        Param("boundary", "node", "boundary of the 2022-2026 comparison and the charts", str,
              choices=("accelerator", "node", "facility")),
    ),
    "trends": _spec(
        Param("level", 0.9, "confidence level of the intervals", float, minimum=0.5, maximum=0.999),
    ),
    "data-tables": _spec(
        Param("show_provenance", True, "show citation numbers and markers beside the values", bool),
    ),
    "context": _spec(
        Param("inferences_per_second", 1.0, "forward passes per person per second", float, minimum=1e-6,
              maximum=1e6),
        Param("kcal_per_day", 2000.0, "food energy per person per day (kcal)", float, minimum=500.0,
              maximum=10000.0),
        Param("kwh_per_year", 79897.0, "total energy use per person per year (kWh; USA 2019)", float,
              minimum=100.0, maximum=1e6),
        Param("adapted", True, "hardware trend: include the mixed-precision adapted points", bool),
    ),
}


def spec(chapter: str) -> dict[str, Param]:
    """Parameter spec of ``chapter``."""
    if chapter not in CHAPTERS:
        raise ParameterError(f"unknown chapter {chapter!r}; chapters: {', '.join(sorted(CHAPTERS))}")
    return CHAPTERS[chapter]


def defaults(chapter: str) -> dict[str, Any]:
    """The thesis's choices for ``chapter``."""
    return {name: p.default for name, p in spec(chapter).items()}


def validate(chapter: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``values`` against the chapter's spec and its cross-parameter rules; return them coerced.

    Raises :class:`ParameterError` with one line naming the parameter and what it allows."""
    params = spec(chapter)
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name not in params:
            close = difflib.get_close_matches(name, list(params), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ParameterError(
                f"unknown parameter '{name}' for chapter '{chapter}'{hint}; "
                f"allowed: {', '.join(sorted(params))}"
            )
        out[name] = params[name].coerce(value)
    given = {k: v for k, v in out.items() if v != params[k].default}  # what the reader changed
    merged = {**defaults(chapter), **out}
    for rule in RULES.get(chapter, ()):
        problem = rule(merged, given)
        if problem:
            raise ParameterError(problem)
    return out


def _years_in_order(v: Mapping[str, Any], given: Mapping[str, Any]) -> str | None:
    if v["start_year"] > v["end_year"]:
        return (f"parameter 'start_year' ({v['start_year']}) must not be after 'end_year' ({v['end_year']}): "
                "the fit needs at least one year")
    return None


def _gpu_needs_named_gpu(v: Mapping[str, Any], given: Mapping[str, Any]) -> str | None:
    if "gpu" in given and v["hardware_model"] != "named-gpu":
        return (f"parameter 'gpu' only applies with hardware_model 'named-gpu' (got hardware_model "
                f"{v['hardware_model']!r}); add -p hardware_model named-gpu")
    return None


def _named_gpu_has_a_point(v: Mapping[str, Any], given: Mapping[str, Any]) -> str | None:
    if v["hardware_model"] != "named-gpu":
        return None
    import infertrends.thesis.method as method  # the data, loaded only for this rule

    a = assumptions_from_params(v)
    for task in ("CV", "NLP"):
        gpus = set(method._points(task, a)["gpu"])
        if a.gpu not in gpus:
            return (f"parameter 'gpu' ({a.gpu!r}) has no {a.precision} point for {task} models with these "
                    f"segments and exclusions; GPUs that do: {', '.join(sorted(gpus))}")
    return None


#: Energy-chapter parameters that are fields of :class:`Assumptions` under another name.
PARAM_FIELDS = {"hardware_model": "hardware"}


def assumptions_from_params(params: Mapping[str, Any]) -> Assumptions:
    """:class:`Assumptions` from energy-chapter parameter values (the others keep the thesis's)."""
    import infertrends.thesis.hardware as hardware  # the method and its data, loaded only when asked for
    from infertrends.thesis.method import Assumptions

    fields = {f for f in Assumptions.__dataclass_fields__}
    kwargs: dict[str, Any] = {}
    for name, value in params.items():
        field = PARAM_FIELDS.get(name, name)
        if name == "segments":
            kwargs["segments"] = hardware.segments_param(value)
        elif name == "exclude_fp32":
            kwargs["exclude_fp32"] = bool(hardware.excluded_param(value))
        elif field in fields:
            kwargs[field] = value
    return Assumptions(**kwargs)



#: Rules across parameters, checked before any kernel starts: each returns a one-line problem or None.
RULES: dict[str, tuple[Callable[[Mapping[str, Any], Mapping[str, Any]], str | None], ...]] = {
    "hardware": (_years_in_order,),
    "energy": (_gpu_needs_named_gpu, _named_gpu_has_a_point),
}


def check(chapter: str, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the chapter's parameters as they stand in ``namespace`` (a notebook's ``globals()``)."""
    return validate(chapter, {name: namespace[name] for name in spec(chapter) if name in namespace})


def parse_cli(chapter: str, pairs: list[list[str]] | list[tuple[str, str]]) -> dict[str, Any]:
    """Parse ``-p NAME VALUE`` pairs: text parameters stay text (so ``none`` is the choice
    ``'none'``), the others go through :func:`parse_value`."""
    params = CHAPTERS.get(chapter, {})
    out: dict[str, Any] = {}
    for name, text in pairs:
        p = params.get(name)
        out[name] = text if (p is not None and p.kind is str) else parse_value(text)
    return out


def parse_value(text: str) -> Any:
    """Parse a command-line value: JSON literals (numbers, true/false, null) or else a string."""
    lowered = text.strip()
    if lowered in ("None", "none", "null"):
        return None
    if lowered in ("True", "true"):
        return True
    if lowered in ("False", "false"):
        return False
    try:
        value = json.loads(lowered)
    except json.JSONDecodeError:
        return text
    return value if isinstance(value, (int, float)) else text


def describe(chapter: str) -> str:
    """A help text listing the chapter's parameters."""
    lines = [f"parameters of chapter '{chapter}':"]
    for p in spec(chapter).values():
        lines.append(f"  {p.name} (default {p.default!r}; {p.allowed()}): {p.help}")
    return "\n".join(lines)
