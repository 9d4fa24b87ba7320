"""FLOP conventions and unit conversions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import infertrends.core.units as units

finite = st.floats(min_value=1e-12, max_value=1e12, allow_nan=False, allow_infinity=False)
prefixes = st.sampled_from(sorted(units.SI_PREFIXES))


def test_prefixes_are_powers_of_thousand():
    assert units.to_base(1.42, "G") == pytest.approx(1.42e9)
    assert units.convert(19.5, "T", "G") == pytest.approx(19500)
    assert units.from_base(3e15, "P") == pytest.approx(3)


def test_unknown_prefix_is_named():
    with pytest.raises(ValueError, match="unknown SI prefix 'X'"):
        units.to_base(1, "X")


@given(finite, prefixes)
def test_prefix_round_trip(value, prefix):
    assert units.from_base(units.to_base(value, prefix), prefix) == pytest.approx(value, rel=1e-12)


@given(finite, prefixes, prefixes)
def test_convert_is_consistent_with_base(value, a, b):
    assert units.convert(value, a, b) == pytest.approx(units.from_base(units.to_base(value, a), b), rel=1e-12)


def test_multiply_add_is_two_flops():
    # thesis 2.1.1: one fused multiply-add counts as two FLOPs; AlexNet's 1.42 GFLOPs are 0.71 G multiply-adds
    assert units.flops_to_multiply_adds(1.42e9) == pytest.approx(0.71e9)


@given(finite, st.floats(min_value=1e-3, max_value=1e4))
def test_energy_inverts_efficiency(flops, watts):
    # one second at peak rate uses `watts` Joules and performs flops_per_second FLOPs
    eff = units.flops_per_joule(flops, watts)
    assert units.joules_per_inference(flops, eff) == pytest.approx(watts, rel=1e-9)


def test_efficiency_rejects_non_positive_power():
    with pytest.raises(ValueError, match="power must be positive"):
        units.flops_per_joule(1e12, 0)
    with pytest.raises(ValueError, match="efficiency must be positive"):
        units.joules_per_inference(1e9, -1)


def test_human_references_from_stated_inputs():
    # 2000 kcal/day ~ 97 W ("approximately 100 Joules/s"); 79,897 kWh/year ~ 9.1 kW ("approximately 10,000")
    assert units.kcal_per_day_to_watts(2000) == pytest.approx(2000 * 4184 / 86400)
    assert 90 < units.kcal_per_day_to_watts(2000) < 110
    assert units.kwh_per_year_to_watts(79_897) == pytest.approx(79_897 * 3.6e6 / (365.25 * 86400))
    assert math.isclose(units.kwh_per_year_to_watts(8766), 1000, rel_tol=1e-9)


@pytest.mark.parametrize("value, spec, text", [
    (35044.3, ",.4g", "35,040"), (13911.52, ",.4g", "13,910"), (0.00001234, ",.4g", "0.00001234"),
    (2.5, ",.4g", "2.5"), (0.0123, ",.4g", "0.0123"), (1e-05, ".2g", "0.00001"), (1234.5, ",.1f", "1,234.5"),
])
def test_numbers_are_never_in_e_notation(value, spec, text):
    import infertrends.core.numbers as numbers

    assert numbers.fmt(value, spec) == text


def test_count_phrases_agree_in_number():
    """Hand truth: one pass is singular; ten, a half and zero are plural."""
    from infertrends.present.prose import count_phrase

    assert count_phrase(1, "forward pass", "forward passes") == "1 forward pass"
    assert count_phrase(10, "forward pass", "forward passes") == "10 forward passes"
    assert count_phrase(0.5, "forward pass", "forward passes") == "0.5 forward passes"
    assert count_phrase(0, "forward pass", "forward passes") == "0 forward passes"


def test_series_reads_as_a_sentence():
    """Hand truth: one item alone, two joined by 'and', three with a comma before the last 'and'."""
    from infertrends.present.prose import series

    assert series(["FP4"]) == "FP4"
    assert series(["FP4", "INT4"]) == "FP4 and INT4"
    assert series(["a", "b", "c"]) == "a, b and c"
    assert series([]) == ""
