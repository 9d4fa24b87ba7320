"""Energy per inference: units, explicit assumptions and the scenarios."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import infertrends.data as data
import infertrends.energy as energy
import infertrends.hardware as hardware
import infertrends.params as params
import infertrends.scaling as scaling
import infertrends.scenarios as scenarios


@pytest.fixture(scope="module")
def cv():
    return scaling.vision_models()


def test_default_assumptions_are_the_thesis_method(cv):
    trend = hardware.fit_hardware(hardware.HardwareModel("CV"))
    thesis = energy.models_with_joules("CV", trend)["joules"].to_numpy()
    book = energy.joules_under("CV", cv["gflops"], cv["release_date"], energy.Assumptions())
    assert np.allclose(book, thesis, rtol=1e-12)
    # and that is GFLOPs / (GFLOPS/W at the release date), by hand for AlexNet
    alex = cv[cv["model"] == "AlexNet"].iloc[0]
    assert book[alex.name] == pytest.approx(alex["gflops"] / trend.predict([alex["release_date"]])[0])


@settings(max_examples=25, deadline=None)
@given(st.floats(0.05, 1.0), st.floats(0.1, 1.5), st.floats(1.0, 3.0), st.floats(1.0, 2.5))
def test_operating_assumptions_scale_linearly(util, power, host, pue):
    dates = pd.to_datetime(["2015-01-01", "2020-06-01"])
    gflops = pd.Series([10.0, 100.0])
    base = energy.joules_under("CV", gflops, dates, energy.Assumptions())
    a = energy.Assumptions(utilisation=util, power_fraction=power, host_overhead=host, pue=pue)
    assert np.allclose(energy.joules_under("CV", gflops, dates, a), base * power / util * host * pue)


@pytest.mark.parametrize("kwargs, message", [
    (dict(utilisation=0.0), "utilisation must be in"),
    (dict(utilisation=1.5), "utilisation must be in"),
    (dict(pue=0.9), "pue must be in"),
    (dict(host_overhead=0.5), "host_overhead must be in"),
    (dict(hardware="cloud"), "hardware must be one of"),
])
def test_bad_assumptions_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        energy.Assumptions(**kwargs)


def test_named_gpu_must_exist_in_the_precision():
    a = energy.Assumptions(hardware="named-gpu", gpu="GeForce GTX 580", precision="adapted")
    j = energy.joules_under("CV", pd.Series([1.0]), pd.to_datetime(["2015-01-01"]), a)
    assert j[0] == pytest.approx(1.0 / (1.58e3 / 244))
    with pytest.raises(ValueError, match="has no adapted point"):
        energy.joules_under("CV", pd.Series([1.0]), pd.to_datetime(["2015-01-01"]),
                            energy.Assumptions(hardware="named-gpu", gpu="Tesla P100"))


def test_best_available_gpu_respects_launch_dates():
    pts = pd.DataFrame({"gpu": ["a", "b", "c"], "precision": "FP32",
                        "launch_date": pd.to_datetime(["2012-01-01", "2014-01-01", "2016-01-01"]),
                        "gflops_per_watt": [10.0, 5.0, 50.0]})
    best = hardware.best_available(pts, pd.Series(pd.to_datetime(["2013-06-01", "2015-01-01", "2017-01-01"])))
    assert list(best["gpu"]) == ["a", "a", "c"]
    with pytest.raises(ValueError, match="no GPU in the data was launched by 2011-01-01"):
        hardware.best_available(pts, pd.Series(pd.to_datetime(["2011-01-01"])))


def test_tensor_peak_takes_each_gpus_best_precision():
    pts = hardware.efficiency_points("CV", "tensor-peak")
    assert pts["gpu"].is_unique
    a100 = pts.set_index("gpu").loc["A100"]
    assert a100["precision"] == "FP16/FP32 Tensor" and a100["gflops_per_watt"] == pytest.approx(312e3 / 400)


def test_human_references():
    w = energy.human_watts()
    assert w["internal"] == pytest.approx(2000 * 4184 / 86400)
    assert w["external"] == pytest.approx(79_897 * 3.6e6 / (365.25 * 86400))
