"""The data functions the energy chain asks for thousands of times are remembered per version of the data: a
changed data file must change their results at once, and a caller changing a result must change nothing."""

from __future__ import annotations

import os
import shutil
import time

import infertrends.model.accelerators as accelerators
import infertrends.thesis.hardware as hardware
from infertrends.data import per_data_version


def test_a_changed_data_file_is_read_again(tmp_path, root, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(root / "data", copy)
    monkeypatch.setenv("INFERTRENDS_DATA_DIR", str(copy))
    before = hardware.table_b3()
    row = before[(before["gpu"] == "GeForce GTX 580") & (before["group"] == "not adapted")].iloc[0]
    # Table B.1 prints the GTX 580 at 1.58 TFLOPS and 244 W: 1580 GFLOPS / 244 W (by hand)
    assert abs(row["gflops_per_watt"] - 1580 / 244) < 1e-9
    path = copy / "gpus.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("GeForce GTX 580,FP32,1.58,244,",
                                                             "GeForce GTX 580,FP32,1.58,488,"), encoding="utf-8")
    later = time.time() + 5  # a modification time the clock's resolution cannot hide
    os.utime(path, (later, later))
    after = hardware.table_b3()
    row = after[(after["gpu"] == "GeForce GTX 580") & (after["group"] == "not adapted")].iloc[0]
    assert abs(row["gflops_per_watt"] - 1580 / 488) < 1e-9


def test_a_caller_changing_a_result_changes_nothing_for_the_next():
    first = accelerators.spec_table()
    tdp = first["tdp_watts"].copy()
    first["tdp_watts"] = -1.0
    assert accelerators.spec_table()["tdp_watts"].equals(tdp)


def test_arguments_are_part_of_the_key_and_unhashable_ones_are_computed_each_time():
    calls: list[object] = []

    @per_data_version
    def double(x):
        calls.append(x)
        return {"v": 2 * (x if isinstance(x, int) else len(x))}

    assert double(2) == {"v": 4} and double(3) == {"v": 6} and double(2) == {"v": 4}
    assert calls == [2, 3]
    double(2)["v"] = 0
    assert double(2) == {"v": 4}
    assert double([1, 2]) == {"v": 4} and double([1, 2]) == {"v": 4}
    assert calls == [2, 3, [1, 2], [1, 2]]
