"""Plausibility bounds: well-typed values that are physically absurd stop the book at their line.

A release date in 2099, 1e21 GFLOPs per image or a PUE of 1580 parse as a date and as numbers, yet
each would turn a chart or a chain of factors upside down.  Each bound is declared here once, with
its reason, and attached to a schema in :mod:`infertrends.data`: the earliest plausible dates as
``Column.earliest``, the rest as :class:`~infertrends.data.schema.RowRule` s.
:func:`infertrends.data.schema.read_table` checks them, so every loader and ``validate_all`` report a broken bound as
``file:line: column 'c': value 'v': the bound: its reason``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from infertrends.data.schema import RowRule

# --- earliest plausible dates: (ISO date, why); every date is also at most the build's date ----------

IMAGENET = ("2009-01-01", "no ImageNet model predates ImageNet, published at CVPR 2009 by Deng et al.")
WORD2VEC = ("2013-01-01", "the neural language representations these models build on start with word2vec, "
            "Mikolov et al. 2013, arXiv:1301.3781")
CUDA = ("2006-11-08", "no programmable accelerator of these tables predates the first CUDA GPU, the GeForce 8800, "
        "launched on 2006-11-08")
MEASURED = ("2009-01-01", "the networks measured are ImageNet models or later language models: none predates "
            "ImageNet, 2009")
MLPERF = ("2019-11-06", "MLPerf Inference published its first results, v0.5, on 2019-11-06")
WEB = ("1991-08-06", "no URL was read before the web's first page went online on 1991-08-06")


def _number(value: Any) -> float:
    """A cell as a float (NaN where empty)."""
    return math.nan if value is None or pd.isna(value) else float(value)


def _at_most(column: str, bound: float, why: str) -> RowRule:
    """``column`` <= ``bound`` where given."""
    return RowRule(column, lambda r: not _number(r[column]) > bound, f"must be <= {bound:g} {why}")


def _at_least(column: str, bound: float, why: str) -> RowRule:
    """``column`` >= ``bound`` where given."""
    return RowRule(column, lambda r: not _number(r[column]) < bound, f"must be >= {bound:g} {why}")


# --- ImageNet models: FLOPs and parameters -----------------------------------------------------------

VISION_MAX_GFLOPS = 1e5
VISION_MAX_PARAMS_MILLIONS = 1e5
#: FLOPs per parameter of a dense forward pass, at least: every weight used once, multiply-add = 2 FLOPs.
MIN_FLOPS_PER_PARAM = 2.0
#: Table A.3 has no resolution column: no ImageNet model of it is tested above this side (px).
TABLE_A3_MAX_RESOLUTION = 1000


def flops_per_param(r: pd.Series) -> float:
    """FLOPs per parameter of a vision row (NaN where a count is missing or already out of its own bound)."""
    gflops, params = _number(r["gflops"]), _number(r["params_millions"])
    if not (gflops <= VISION_MAX_GFLOPS and 0 < params <= VISION_MAX_PARAMS_MILLIONS):
        return math.nan
    return gflops * 1e3 / params


def vision_rules(resolution: Callable[[pd.Series], float], where: str) -> tuple[RowRule, ...]:
    """The bounds of an ImageNet table whose inputs are at most ``resolution(row)`` px square (``where``: why)."""

    def pixels(r: pd.Series) -> float:
        return float(resolution(r)) ** 2

    def low(r: pd.Series) -> str:
        return (f"gives {flops_per_param(r):.3g} FLOPs per parameter (gflops x 1e3 / params_millions), below "
                f"{MIN_FLOPS_PER_PARAM:g}: a dense forward pass uses every weight at least once (multiply-add = 2)")

    def high(r: pd.Series) -> str:
        return (f"gives {flops_per_param(r):.3g} FLOPs per parameter (gflops x 1e3 / params_millions), above "
                f"2 x {pixels(r):,.0f} pixels ({where}): a weight is used at most once per input pixel")

    return (
        _at_most("gflops", VISION_MAX_GFLOPS, "GFLOPs (100 TFLOPs) per image: the largest vision model, ViT-22B, "
                 "needs about 1e4 at 224 px"),
        _at_most("params_millions", VISION_MAX_PARAMS_MILLIONS, "million (100 billion) parameters: the largest "
                 "vision model, ViT-22B, has 22 billion"),
        RowRule("gflops", lambda r: not flops_per_param(r) < MIN_FLOPS_PER_PARAM, low),
        RowRule("gflops", lambda r: not flops_per_param(r) > 2 * pixels(r), high),
    )


VISION_RULES = vision_rules(lambda r: TABLE_A3_MAX_RESOLUTION,
                            f"{TABLE_A3_MAX_RESOLUTION} px square: Table A.3 has no resolution column and no "
                            f"test resolution above {TABLE_A3_MAX_RESOLUTION} px")
VISION_EXT_RULES = vision_rules(lambda r: r["resolution"], "the row's resolution squared")

# --- language models ------------------------------------------------------------------------------

#: FLOPs per parameter per input token of Table A.4 (single operations, thesis 3.2): about 2, one
#: multiply and one add per weight per token; attention adds some; below 1 only where most
#: parameters are embedding lookups (used once per token, not multiplied).
LANGUAGE_FLOPS_PER_PARAM_TOKEN = (0.5, 4.0)


def flops_per_param_token(r: pd.Series) -> float:
    """FLOPs per parameter per input token of a Table A.4 row."""
    return _number(r["gflops"]) * 1e3 / (_number(r["params_millions"]) * _number(r["input_tokens"]))


def _language_holds(r: pd.Series) -> bool:
    """Within the bounds, or excepted with a reason."""
    low, high = LANGUAGE_FLOPS_PER_PARAM_TOKEN
    return bool(r["plausibility_exception"]) or not (flops_per_param_token(r) < low
                                                     or flops_per_param_token(r) > high)


def _language_why(r: pd.Series) -> str:
    """Which bound the row breaks, and why it holds."""
    low, high = LANGUAGE_FLOPS_PER_PARAM_TOKEN
    x = flops_per_param_token(r)
    side = f"below {low:g}" if x < low else f"above {high:g}"
    return (f"gives {x:.3g} FLOPs per parameter per input token (gflops x 1e3 / (params_millions x input_tokens)), "
            f"{side}: each weight does about one multiply and one add per token (single operations, thesis 3.2), "
            "below 1 only where most parameters are embedding lookups; a row that truly breaks this says why in "
            "plausibility_exception")


LANGUAGE_RULES = (RowRule("gflops", _language_holds, _language_why),)

LLM_EXT_RULES = (
    _at_most("params_billions", 1e4, "billion (10 trillion) parameters: no language model so far has more than "
             "about 2 trillion"),
    _at_least("params_billions", 0.01, "billion (10 million) parameters: a smaller model is no large language "
              "model (the unit is billions)"),
)

# --- external_values.csv: each value, low and high within the range its unit allows ---------------


@dataclass(frozen=True)
class UnitRange:
    """The values a unit of ``external_values.csv`` allows, and why."""

    low: float
    high: float
    low_open: bool
    why: str

    def holds(self, value: float) -> bool:
        """Whether ``value`` (NaN: not given) is in the range."""
        return math.isnan(value) or ((self.low < value if self.low_open else self.low <= value)
                                     and value <= self.high)

    def text(self) -> str:
        """The range in interval notation (``> 0`` when it has no upper end)."""
        if math.isinf(self.high):
            return f"{'>' if self.low_open else '>='} {self.low:g}"
        return f"{'(' if self.low_open else '['}{self.low:g}, {self.high:g}]"


FRACTION = UnitRange(0, 1, True, "a share of a peak rate, a capacity or a rated power is above 0 and cannot exceed "
                     "the whole; the chain's fractions (compute, memory, idle, power) take no other")
POSITIVE = UnitRange(0, math.inf, True, "a count, rate, duration, bandwidth or power: positive")

#: Units starting with one of these take its range.
EXTERNAL_UNIT_PREFIXES: dict[str, UnitRange] = {"fraction of": FRACTION}

#: Every other unit of ``external_values.csv``, with its range (a new unit is declared here first).
EXTERNAL_UNITS: dict[str, UnitRange] = {
    "ratio": UnitRange(1, 3, False, "the chain reads a ratio as a PUE (facility / IT power): at least 1 by "
                       "definition; the worst fleet averages reported are about 2.5 (Uptime Institute, 2007)"),
    "ratio (accelerator + host) / accelerator": UnitRange(
        1, 4, False, "node power includes the accelerators' (so at least 1); a host drawing over 3 times its "
        "accelerators is no accelerator server (DGX H100: 10.2 kW rated for 8 x 700 W GPUs, 1.8)"),
    **{unit: POSITIVE for unit in ("TWh/year", "people", "W per GPU", "images per second", "tokens per second",
                                   "milliseconds", "ms per batch", "microseconds", "GB/s")},
}


def unit_range(unit: str) -> UnitRange | None:
    """The range ``unit`` allows, or None where it is not declared."""
    for prefix, rng in EXTERNAL_UNIT_PREFIXES.items():
        if unit.startswith(prefix):
            return rng
    return EXTERNAL_UNITS.get(unit)


def _in_unit_range(column: str) -> RowRule:
    """``column`` (value, low or high) inside its unit's range."""

    def holds(r: pd.Series) -> bool:
        rng = unit_range(r["unit"])
        return rng is None or rng.holds(_number(r[column]))

    def why(r: pd.Series) -> str:
        rng = unit_range(r["unit"])
        assert rng is not None
        return f"must be in {rng.text()} for unit '{r['unit']}': {rng.why}"

    return RowRule(column, holds, why)


def _within_own_range(r: pd.Series) -> bool:
    """The value inside its row's low-high (where the range itself is sound: a low above high is named once)."""
    value, low, high = _number(r["value"]), _number(r["low"]), _number(r["high"])
    return low > high or not (value < low or value > high)


def _outside_own_range(r: pd.Series) -> str:
    """Which end of its own range the value is beyond."""
    value, low, high = _number(r["value"]), _number(r["low"]), _number(r["high"])
    return (f"is below its own low end {low:g}" if value < low else f"is above its own high end {high:g}") + (
        ": the value must lie in the range its source gives")


EXTERNAL_RULES = (
    RowRule("unit", lambda r: unit_range(r["unit"]) is not None,
            "has no plausible range: declare the unit, its range and the reason in EXTERNAL_UNITS (or "
            "EXTERNAL_UNIT_PREFIXES) in infertrends/data/plausibility.py"),
    *(_in_unit_range(c) for c in ("value", "low", "high")),
    RowRule("low", lambda r: not _number(r["low"]) > _number(r["high"]),
            lambda r: f"is above high ({_number(r['high']):g}): a range's low end cannot exceed its high end"),
    RowRule("value", _within_own_range, _outside_own_range),
)
