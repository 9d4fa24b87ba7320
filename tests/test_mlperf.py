"""The committed MLPerf import (data/mlperf, written by `make import-mlperf` from snapshots of MLCommons'
result repositories) checked without the snapshots: written by the current script, large and sourced,
its Joules computed from the published numbers (hand calculations here), its rows equal to the
measurements typed by hand from the submissions' logs, and the importer's parsing and errors on small
repositories made in the test."""

from __future__ import annotations

import csv
import json
import re
import subprocess
from pathlib import Path

import pytest

import infertrends.data as data
from mlperf import importer


def rows() -> list[dict[str, str]]:
    with open(data.data_dir() / "mlperf" / "power.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def provenance() -> dict:
    return json.loads((data.data_dir() / "mlperf" / "provenance.json").read_text(encoding="utf-8"))


def test_committed_import_was_written_by_the_current_script():
    assert provenance()["script_sha256"] == importer.script_hash(), (
        "mlperf/importer.py changed since data/mlperf was written: run `make import-mlperf SRC=<snapshots>`")


def test_import_is_large_sourced_and_validated():
    rs = rows()
    assert len(rs) >= 500
    assert len({r["round"] for r in rs}) >= 5
    assert {"v1.0", "v1.1", "v2.0", "v2.1", "v3.0", "v3.1", "v4.0", "v4.1", "v5.1"} <= {r["round"] for r in rs}
    sources = {(s["repo"], s["commit"]) for s in provenance()["sources"]}
    sources |= {(t["repo"], t["commit"]) for t in provenance()["submission_trees"].values()}
    for r in rs:
        assert (r["source_repo"], r["source_commit"]) in sources
        assert r["result_path"].startswith("closed/") and r["source_file"]
    assert provenance()["rows"] == len(rs)
    data.load_mlperf("mlperf_power")  # the schema, and the rule that Joules = published power / throughput


def test_hand_checked_rows():
    """Values as MLCommons publishes them, and the Joules worked out by hand."""
    by = {(r["round"], r["suite"], r["result_path"]): r for r in rows()}
    # NVIDIA 8 x H200 MaxQ, ResNet-50 Offline, v4.1: 4,954.03 W at 556,234 samples/s.
    r = by[("v4.1", "datacenter", "closed/NVIDIA/results/H200-SXM-141GBx8_TRT_MaxQ/resnet50/Offline")]
    assert (r["performance_value"], r["performance_units"]) == ("556234", "Samples/s")
    assert float(r["power_value"]) == pytest.approx(4954.03, abs=0.005)
    assert float(r["joules_per_unit"]) == pytest.approx(0.0089064, rel=1e-5)  # 4954.03 / 556234
    assert (r["unit"], r["accelerator"], r["precision"]) == ("sample", "NVIDIA H200 SXM", "int8")
    # Dell XR12 with one A2, ResNet-50 MultiStream, v2.1 (in the datacenter table): 894.428 mJ per query of 8 images.
    r = by[("v2.1", "datacenter", "closed/Dell/results/XR12_A2x1_TRT_MaxQ/resnet50/MultiStream")]
    assert (r["power_units"], r["unit"], r["samples_per_unit"]) == ("millijoules", "query", "8")
    assert float(r["joules_per_unit"]) == pytest.approx(0.894428, rel=1e-5)  # 894.428 mJ / 1,000
    assert float(r["joules_per_sample"]) == pytest.approx(0.1118035, rel=1e-5)  # / 8 images
    # NVIDIA DGX H100 MaxQ, Llama 2 70B Offline, v4.0: 5,888.19 W at 17,561.6 tokens/s (the table says
    # samples/s; the submission's summary log says tokens per second, beside 60.2129 samples per second).
    r = by[("v4.0", "datacenter", "closed/NVIDIA/results/DGX-H100_H100-SXM-80GBx8_TRT_MaxQ/llama2-70b-99.9/Offline")]
    assert (r["performance_units"], r["unit"]) == ("Tokens/s", "token")
    assert float(r["joules_per_unit"]) == pytest.approx(0.335288, rel=1e-5)  # 5888.19 / 17561.6
    assert f"v4.0 {r['result_path']}" in provenance()["units_corrected"]
    # Lenovo 8 x B200, Llama 2 70B Offline, v5.1: 10,401.0 W at 102,909 tokens/s.
    r = by[("v5.1", "datacenter", "closed/Lenovo/results/SR680a_V3_B200SXMx8_TRT/llama2-70b-99/Offline")]
    assert (r["unit"], r["joules_per_sample"]) == ("token", "")
    assert float(r["joules_per_unit"]) == pytest.approx(0.101070, rel=1e-5)  # 10400.9989 / 102909


def test_import_equals_the_measurements_typed_from_the_submissions():
    """Every MLPerf row of measurements.csv (typed by hand, re-read against the submissions' logs) of a
    round the import covers is in the import with the same throughput and power, to the printed digits."""
    covered = {r["round"] for r in rows()}
    imported = rows()
    checked = 0
    with open(data.data_dir() / "extension" / "measurements.csv", encoding="utf-8", newline="") as fh:
        for m in csv.DictReader(fh):
            found = re.match(r"MLPerf Inference (v\d+\.\d+)", m["study"])
            if not found or found.group(1) not in covered:
                continue
            digits = len(m["power_watts"].replace(".", "").lstrip("0"))
            same = [r for r in imported if r["round"] == found.group(1) and r["scenario"] == "Offline"
                    and float(r["performance_value"]) == pytest.approx(float(m["throughput_per_second"]), rel=5e-6)
                    and float(r["power_value"]) == pytest.approx(float(m["power_watts"]), rel=10 ** (1 - digits))]
            assert same, f"{m['study']} {m['model']} on {m['hardware']}: not in data/mlperf/power.csv"
            checked += 1
    assert checked >= 15


def test_every_power_run_of_a_submission_tree_is_imported_and_every_table_value_recomputed():
    """Where a round's submission tree was read, every power run in it is a row, and the power MLCommons'
    table prints was recomputed from the logs and found equal (a log too large for the snapshot is named)."""
    meta = provenance()["submission_trees"]
    assert set(meta) >= {"v1.0", "v1.1", "v2.0", "v2.1", "v3.0", "v4.1", "v5.1"}
    imported: dict[str, set[str]] = {}
    for r in rows():
        imported.setdefault(r["round"], set()).add(r["result_path"])
    for rnd, t in meta.items():
        assert t["table_values_differing_from_logs"] == [], rnd
        assert t["table_results_not_in_tree"] == [], rnd
        assert len(imported[rnd]) == t["power_runs"], rnd
        assert t["imported_from_logs"] == t["imported_from_logs_in_website_table"], rnd
    rs = rows()
    assert sum(r["check"] == "logs equal" for r in rs) >= 450
    assert {r["check"] for r in rs} <= {"logs equal", "logs unreadable", "no logs", "website table equal"}
    assert {r["round"] for r in rs if r["check"] == "no logs"} == {"v3.1", "v4.0"}


def test_a_round_read_from_logs_alone_by_hand():
    """v1.0's Dell EMC R7525 with three A100-PCIe, ResNet-50 Offline: the mean of its analyzer's samples
    inside the timed window is 1,101.28 W (MLCommons' table: 1101.282834 W) at 93,371.4 samples/s."""
    r = {x["result_path"]: x for x in rows() if x["round"] == "v1.0"}[
        "closed/DellEMC/results/R7525_A100_PCIe-40GBx3_TRT/resnet50/Offline"]
    assert (r["value_source"], r["check"]) == ("logs", "website table equal")
    assert float(r["power_value"]) == pytest.approx(1101.282834, rel=1e-9)
    assert float(r["performance_value"]) == 93371.4
    assert float(r["joules_per_unit"]) == pytest.approx(1101.282834 / 93371.4, rel=1e-5)
    assert (r["system"], r["accelerators_per_node"]) == ("Dell EMC PowerEdge R7525 (3x A100-PCIe-40GB)", "3")


def test_same_run_under_two_targets_is_marked_once():
    rs = rows()
    marked = [r for r in rs if r["same_run_as"]]
    assert len(marked) == provenance()["same_run_under_two_targets"] > 0
    paths = {(r["round"], r["result_path"]): r for r in rs}
    for r in marked:
        twin = paths[(r["round"], r["same_run_as"])]
        assert r["accuracy_target"] == "99.9" and twin["accuracy_target"] == "99"
        assert (twin["performance_value"], twin["power_value"]) == (r["performance_value"], r["power_value"])


@pytest.mark.parametrize("scenario,performance,power,want", [
    ("Offline", (200.0, "Samples/s"), (500.0, "Watts"), (2.5, "sample", 1)),
    ("Server", (50.0, "Queries/s"), (400.0, "Watts"), (8.0, "query", 1)),
    ("Offline", (1000.0, "Tokens/s"), (5000.0, "Watts"), (5.0, "token", 0)),
    ("SingleStream", (1.2, "Latency (ms)"), (30.0, "millijoules"), (0.03, "query", 1)),
    ("MultiStream", (3.4, "Latency (ms)"), (800.0, "millijoules"), (0.8, "query", 8)),
])
def test_joules_from_the_published_pair(scenario, performance, power, want):
    j, unit, per = importer.joules(scenario, performance, power, "test")
    assert (round(j, 12), unit, per) == want


def test_joules_refuses_what_it_does_not_understand():
    with pytest.raises(importer.ImportProblem, match="unknown power units"):
        importer.joules("Offline", (1.0, "Samples/s"), (1.0, "kWh"), "here")
    with pytest.raises(importer.ImportProblem, match="energy per query published for scenario 'Offline'"):
        importer.joules("Offline", (1.0, "Samples/s"), (1.0, "millijoules"), "here")


def _repo(tmp: Path, name: str, files: dict[str, str]) -> str:
    """A git repository ``tmp/name`` with ``files`` in one commit; returns the commit."""
    root = tmp / name
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    run = lambda *a: subprocess.run(["git", "-C", str(root), *a], check=True, capture_output=True, text=True)  # noqa: E731
    run("init", "-q")
    run("add", "-A")
    run("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "results")
    return run("rev-parse", "HEAD").stdout.strip()


def test_cm4mlperf_pairs_rows_and_names_a_missing_power_result(tmp_path):
    path = "experiment/mlperf-inference--v4.0--edge--closed-power--image-classification--offline/t/cm-result.json"
    base = dict(version="v4.0", Division="closed", Location="closed/X/results/S/resnet50/Offline", Model="resnet50",
                Scenario="Offline", Organization="X", SystemName="S", accelerator_model_name="NVIDIA L4",
                accelerators_per_node=1, number_of_nodes=1)
    perf = dict(base, Result=1000.0, Result_Units="Samples/s", Units="Samples/s")
    power = dict(base, Result=None, Result_Power=70.0, Result_Units="Watts", Units="Watts")
    commit = _repo(tmp_path, "good", {path: json.dumps([perf, power])})
    (got,) = importer.cm4mlperf_results(tmp_path / "good" / ".git", commit, ("v4.0",))
    assert got["performance"] == (1000.0, "Samples/s") and got["power"] == (70.0, "Watts")
    assert got["suite"] == "edge" and got["accelerator_published"] == "NVIDIA L4"
    commit = _repo(tmp_path, "bad", {path: json.dumps([perf])})
    with pytest.raises(importer.ImportProblem, match=r"resnet50/Offline has no power result"):
        importer.cm4mlperf_results(tmp_path / "bad" / ".git", commit, ("v4.0",))


def test_missing_snapshot_is_named(tmp_path):
    with pytest.raises(importer.ImportProblem, match="no snapshot of mlcommons/cm4mlperf-results"):
        importer.git_dir(tmp_path, "mlcommons/cm4mlperf-results")


def test_round_totals_agree_with_what_mlcommons_announced():
    """MLCommons announces how many power results a round has (closed and open divisions): v2.1 'nearly
    5,300 performance results and 2,400 power measures' (press release of 2022-09-08, reprinted at
    insidehpc.com/2022/09/mlcommoncs-latest-mlperf-ai-benchmark-results-show-machine-learning-inference-advances/);
    v3.0 'more than 2,400 power measurement results' (xda-developers.com/mlperf-3-performance-results/).
    The source read here must count about as many."""
    (cm,) = [s for s in provenance()["sources"] if s["repo"] == "mlcommons/cm4mlperf-results"]
    totals = cm["power_results_closed_and_open"]
    assert totals["v2.1"] == pytest.approx(2400, rel=0.05)
    assert totals["v3.0"] >= 2400


def _detail(**values) -> str:
    return "".join(f':::MLLOG {{"key": "{k}", "value": {json.dumps(v)}, "time_ms": 0}}\n' for k, v in values.items())


def _spl(samples: list[tuple[str, float]]) -> str:
    return "".join(f"Time,{t},Watts,{w:.6f},Volts,230.0,Amps,1.0,PF,0.95,Mark,test\n" for t, w in samples)


def test_power_recomputed_from_logs_by_hand(tmp_path):
    """The mean of the analyzer's samples strictly inside [power_begin, power_end] (the edges and the
    samples outside are left out), and for SingleStream that mean x duration / queries, in mJ."""
    samples = [("01-02-2022 10:00:00.000", 999.0),  # equal to power_begin: left out
               ("01-02-2022 10:00:01.000", 100.0), ("01-02-2022 10:00:02.000", 110.0),
               ("01-02-2022 10:00:03.000", 120.0),
               ("01-02-2022 10:00:10.000", 999.0)]  # equal to power_end: left out
    window = dict(power_begin="01-02-2022 10:00:00.000", power_end="01-02-2022 10:00:10.000")
    base = "closed/Sub/results/Sys/resnet50"
    files = {
        f"{base}/Offline/performance/run_1/mlperf_log_detail.txt": _detail(
            effective_scenario="Offline", result_samples_per_second=2200.0, **window),
        f"{base}/Offline/performance/run_1/spl.txt": _spl(samples),
        f"{base}/SingleStream/performance/run_1/mlperf_log_detail.txt": _detail(
            effective_scenario="SingleStream", result_query_count=4000, early_stopping_latency_ss=2_500_000,
            **window),
        f"{base}/SingleStream/performance/run_1/spl.txt": _spl(samples),
    }
    commit = _repo(tmp_path, "tree", files)
    tree = importer.Tree(tmp_path / "tree" / ".git", commit)
    try:
        assert tree.power_runs() == [f"{base}/Offline", f"{base}/SingleStream"]
        off = importer.log_result(tree, f"{base}/Offline", "v2.0")
        assert off["power"] == (pytest.approx(110.0), "Watts")  # (100 + 110 + 120) / 3
        assert off["performance"] == (2200.0, "Samples/s")
        ss = importer.log_result(tree, f"{base}/SingleStream", "v2.0")
        assert ss["power"] == (pytest.approx(110.0 * 10.0 * 1000 / 4000), "millijoules")  # 275 mJ per query
        assert ss["performance"] == (2.5, "Latency (ms)")
    finally:
        tree.close()


def _frontier_rows(series: dict[tuple[str, str], list[float]], dates: list[str]) -> "pd.DataFrame":
    import pandas as pd

    rows = []
    for (bench, scenario), values in series.items():
        for d, v in zip(dates, values):
            rows.append(dict(suite="datacenter", benchmark=bench, scenario=scenario, unit="sample", round=d,
                             release_date=pd.Timestamp(d), joules_per_unit=v))
    return pd.DataFrame(rows)


def test_pooled_trend_by_hand():
    """Two frontiers each falling by exactly x0.5 a year (one of them 10 x higher): the common change is
    x0.5 a year, efficiency x2, whatever the levels; with both benchmarks alike every resample agrees."""
    from infertrends.model import mlperf

    dates = ["2021-01-01", "2022-01-01", "2023-01-01", "2024-01-01"]
    best = _frontier_rows({("a", "Offline"): [1.0, 0.5, 0.25, 0.125], ("b", "Offline"): [10.0, 5.0, 2.5, 1.25]},
                          dates)
    t = mlperf.pooled_trend(best, "datacenter", resamples=200)
    assert t["change_per_year"] == pytest.approx(0.5, rel=2e-3)  # 2024 is a leap year: 365 vs 366 days
    assert t["efficiency_per_year"] == pytest.approx(2.0, rel=2e-3)
    assert t["low"] == pytest.approx(t["high"]) and (t["frontiers"], t["benchmarks"], t["points"]) == (2, 2, 8)


def test_frontier_takes_each_rounds_lowest_and_counts_a_twin_run_once():
    import pandas as pd
    from infertrends.model import mlperf

    base = dict(suite="edge", benchmark="resnet50", scenario="Offline", unit="sample", round="v1.0",
                release_date=pd.Timestamp("2021-04-21"))
    df = pd.DataFrame([dict(base, joules_per_unit=0.5, same_run_as="", system="A"),
                       dict(base, joules_per_unit=0.2, same_run_as="", system="B"),
                       dict(base, joules_per_unit=0.2, same_run_as="closed/x", system="B twin")])
    (row,) = mlperf.frontier(df).to_dict("records")
    assert (row["system"], row["joules_per_unit"], row["results_in_round"]) == ("B", 0.2, 2)
    assert mlperf.verdict(1.4, 1.6, 1.25, 1.35) == "faster"
    assert mlperf.verdict(1.0, 1.2, 1.25, 1.35) == "slower"
    assert mlperf.verdict(1.2, 1.3, 1.25, 1.35) == "cannot tell apart"


def test_estimates_of_an_import_row_by_hand():
    """v1.0's DGX Station A100 (4 x A100-SXM-80GB), ResNet-50 Offline in INT8: the dense FP16 tensor peak at
    TDP estimates 7.6 GFLOPs (Table A.3) / (312 TFLOPS / 400 W, NVIDIA's A100 datasheet) = 9.744 mJ per image;
    the chain's answer hardly depends on the batch it is given (compute-bound)."""
    from infertrends.model import mlperf

    e = mlperf.estimates(mlperf.power_results())
    row = e[(e["round"] == "v1.0") & (e["benchmark"] == "resnet50") & (e["accelerators"] == 4)
            & (e["accelerator"] == "NVIDIA A100 SXM 80GB")].iloc[0]
    assert (row["accelerator"], row["precision"]) == ("NVIDIA A100 SXM 80GB", "int8")
    assert row["peak_tensor"] == pytest.approx(7.6e9 / (312e12 / 400), rel=1e-9)
    assert row["peak_tensor_ratio"] == pytest.approx(row["measured"] / row["peak_tensor"])
    assert row["chain_batch_spread"] < 1.01
    assert mlperf._precision("int8,fp16") == "int8" and mlperf._precision("float8") == "fp8"
    assert len(e) >= 40 and e["thesis_ratio"].notna().all()


def test_power_cap_pairs_are_written_by_the_current_script_and_read_as_printed():
    import hashlib

    pc = data.load_mlperf("mlperf_power_cap")
    script = Path(__file__).resolve().parents[1] / "mlperf" / "power_cap.py"
    assert (pc["script_sha256"] == hashlib.sha256(script.read_bytes()).hexdigest()).all(), (
        "mlperf/power_cap.py changed since data/mlperf/power_cap.csv was written: run `make import-power-cap`")
    # typed here from the v4.1 logs (Samples per second) and configurations (power_limit)
    by = pc.set_index("model")
    for model, (default, capped, limit) in {"resnet50": (756960, 556234, 350), "llama2-70b-99": (107.477, 86.7369, 500),
                                            "stable-diffusion-xl": (17.4186, 13.202, 450)}.items():
        row = by.loc[model]
        assert (row["default_samples_per_second"], row["capped_samples_per_second"], row["power_limit_watts"]) == (
            default, capped, limit)
    assert len(pc) == 8 and (pc["capped_samples_per_second"] < pc["default_samples_per_second"]).all()
