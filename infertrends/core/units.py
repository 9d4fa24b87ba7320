"""Units and FLOP conventions (thesis section 2.1.1).

Vocabulary used throughout the book:

* **FLOP** - one floating-point operation.
* **FLOPs** - the plural: an *amount* of compute (e.g. per forward pass).
* **FLOPS** - FLOPs per second: a *rate*, used only for hardware.
* **multiply-add (MAC)** - one fused multiply-add.  Hardware vendors count it as
  two FLOPs; most computer-vision papers count it as one "FLOP".  The book counts
  it as :data:`FLOPS_PER_MULTIPLY_ADD` = 2 FLOPs, so multiply-add counts are
  doubled.

All conversions go through plain SI prefixes so that a quantity can always be
brought back to FLOPs, FLOPS, Joules or Watts.
"""

from __future__ import annotations

from typing import Final

#: SI prefixes used in the thesis's tables (GFLOPs, TFLOPS, ...).
SI_PREFIXES: Final[dict[str, float]] = {
    "": 1.0,
    "k": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "P": 1e15,
    "E": 1e18,
}

#: One fused multiply-add is two floating-point operations (thesis 2.1.1,
#: following hardware vendors' convention [20]).
FLOPS_PER_MULTIPLY_ADD: Final[int] = 2

#: Seconds per (Julian) year, used to turn per-second rates into per-year ones.
SECONDS_PER_YEAR: Final[float] = 365.25 * 24 * 3600

#: Joules in one (thermochemical) kilocalorie.
JOULES_PER_KCAL: Final[float] = 4184.0

#: Joules in one kilowatt-hour.
JOULES_PER_KWH: Final[float] = 3.6e6

#: Joules in one watt-hour.
JOULES_PER_WH: Final[float] = JOULES_PER_KWH / 1000


def prefix_factor(prefix: str) -> float:
    """Return the multiplier of an SI ``prefix`` (``"G"`` -> ``1e9``)."""
    try:
        return SI_PREFIXES[prefix]
    except KeyError:
        allowed = ", ".join(repr(p) for p in SI_PREFIXES)
        raise ValueError(f"unknown SI prefix {prefix!r}; allowed: {allowed}") from None


def to_base(value: float, prefix: str) -> float:
    """Convert ``value`` expressed with an SI ``prefix`` to base units (e.g. GFLOPs -> FLOPs)."""
    return value * prefix_factor(prefix)


def from_base(value: float, prefix: str) -> float:
    """Express a base-unit ``value`` with an SI ``prefix`` (e.g. FLOPs -> GFLOPs)."""
    return value / prefix_factor(prefix)


def convert(value: float, from_prefix: str, to_prefix: str) -> float:
    """Convert between two SI prefixes of the same unit (e.g. TFLOPS -> GFLOPS)."""
    return value * prefix_factor(from_prefix) / prefix_factor(to_prefix)


def flops_to_multiply_adds(flops: float) -> float:
    """Multiply-adds equivalent to a FLOP count (/2)."""
    return flops / FLOPS_PER_MULTIPLY_ADD


def flops_per_joule(flops_per_second: float, watts: float) -> float:
    """Efficiency in FLOPs per Joule from a rate in FLOPS and a power in Watts (Eq. 5.1).

    FLOPS / W = (FLOPs / s) / (J / s) = FLOPs / J.
    """
    if watts <= 0:
        raise ValueError(f"power must be positive, got {watts!r} W")
    return flops_per_second / watts


def joules_per_inference(flops: float, flops_per_joule_: float) -> float:
    """Energy of one forward pass: FLOPs / (FLOPs per Joule) = Joules (Eq. 5.2)."""
    if flops_per_joule_ <= 0:
        raise ValueError(f"efficiency must be positive, got {flops_per_joule_!r} FLOPs/J")
    return flops / flops_per_joule_


def kcal_per_day_to_watts(kcal_per_day: float) -> float:
    """Average power in Watts (J/s) of an energy intake given in kcal per day."""
    return kcal_per_day * JOULES_PER_KCAL / (24 * 3600)


def kwh_per_year_to_watts(kwh_per_year: float) -> float:
    """Average power in Watts (J/s) of an energy use given in kWh per year."""
    return kwh_per_year * JOULES_PER_KWH / SECONDS_PER_YEAR
