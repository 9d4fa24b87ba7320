"""The 2021-2026 extension: separate, sourced, validated, and kept out of the reproduction."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import infertrends.book.sources as sources
import infertrends.data as data
import infertrends.model.measurements as measurements
import infertrends.thesis.extension as ext

REPRODUCTION = ["flop-conventions", "cv-compute", "nlp-compute", "hardware", "energy", "context"]


@pytest.mark.parametrize("name", list(data.EXTENSION_SPECS))
def test_every_extension_row_is_sourced(name):
    df = data.load_extension(name)
    assert len(df) > 0
    assert df["source_url"].str.match(r"https?://").all()
    assert (df["origin"] == "extension").all()


def test_reproduction_chapters_never_read_the_extension():
    for chapter in REPRODUCTION:
        text = sources.source(chapter).read_text(encoding="utf-8")
        assert "infertrends.thesis.extension" not in text and "load_extension" not in text, chapter
        assert "import infertrends.model.measurements" not in text, chapter


def test_combined_tables_keep_their_origin():
    v = ext.vision()
    assert set(v["origin"]) == {"thesis", "extension"}
    assert (v["origin"] == "thesis").sum() == len(data.vision())
    assert (ext.vision(include_extension=False)["origin"] == "thesis").all()
    lm = ext.language()
    thesis = lm[lm["origin"] == "thesis"].set_index("model")
    assert thesis.loc["BERT-Base", "gflops_per_token"] == pytest.approx(29 / 128)
    llm = lm[lm["origin"] == "extension"].set_index("model")
    assert llm.loc["Mixtral 8x7B", "gflops_per_token"] == pytest.approx(2 * 12.9)


def test_dense_peaks_only():
    acc = ext.accelerators("tensor").set_index("accelerator")
    raw = data.load_extension("accelerators_extension").set_index("accelerator")
    h100 = raw.loc["NVIDIA H100 SXM"]
    assert h100["sparse_printed"] == "yes"
    assert acc.loc["NVIDIA H100 SXM", "gflops_per_watt"] == pytest.approx(1000 * h100["fp16_tensor_tflops_dense"] / 700)
    assert "Google TPU v4" not in acc.index  # no published TDP


def test_chapter_title_names_the_newest_year():
    """The continued chapter's title ends in the year of the newest model or accelerator of the data."""
    text = sources.source("continued").read_text(encoding="utf-8")
    title = re.search(r"^# From 2021 to (\d{4}): has the trend continued\?$", text, re.M)
    newest = max(data.load_extension(t)[c].max() for t, c in ext.DATED.items())
    assert title and int(title.group(1)) == newest.year == ext.newest_year()


def test_accelerators_left_out_name_what_they_lack():
    """TPUs and Trainium3 publish no TDP; Maia 200 publishes a TDP (750 W) but only an FP8 peak."""
    out = ext.accelerators_left_out("tensor")
    assert {"Google TPU v4", "AWS Trainium3"} <= set(out["no TDP"])
    assert out["no peak"] == ["Microsoft Maia 200"]
    assert not set(out["no TDP"] + out["no peak"]) & set(ext.accelerators("tensor")["accelerator"])


def test_a_run_in_fp4_is_not_estimated_by_the_chain():
    """MLPerf v5.1's B200 runs use FP4 weights; the energy model has no FP4 peaks, so the chain refuses them
    while the thesis's method (FLOPs over an efficiency) still applies: 2 x 70 GFLOPs per token of Llama 2 70B."""
    c = measurements.comparison()
    row = c[c["study"].str.contains("v5.1") & c["model"].str.startswith("Llama 2 70B")].iloc[0]
    assert row["precision_used"] == "fp4" and np.isnan(row["chain_joules"])
    assert "fp4, a precision without peaks" in row["work_note"]
    assert row["measured_joules"] == pytest.approx(10400.9988793425 / 102909, rel=1e-5)


def test_one_benchmark_over_rounds_by_hand():
    """MLPerf's Llama 2 70B Offline runs: per round the run with the least energy per token, oldest first;
    v5.1's best is Lenovo's 8 x B200 at 10,400.999 W for 102,909 tokens/s (summary_results.json, 5.1-0061)."""
    rounds = measurements.benchmark_over_rounds("Llama 2 70B", "Offline")
    assert list(rounds["study"].str.extract(r"(v\d\.\d)")[0]) == ["v4.0", "v4.1", "v5.1"]
    assert rounds["measured_joules_per_inference"].iloc[-1] == pytest.approx(10400.9988793425 / 102909, rel=1e-5)
    m = data.load_extension("measurements")
    for _, r in rounds.iterrows():
        same = m[(m["study"] == r["study"]) & m["model"].str.startswith("Llama 2 70B")
                 & m["batch_or_scenario"].str.startswith("Offline")]
        assert r["measured_joules_per_inference"] == same["measured_joules_per_inference"].min()
        row = same.loc[same["measured_joules_per_inference"].idxmin()]
        assert r["measured_joules_per_inference"] == pytest.approx(row["power_watts"] / row["throughput_per_second"],
                                                                   rel=1e-5)
    with pytest.raises(ValueError, match="no MLPerf Offline measurement"):
        measurements.benchmark_over_rounds("GPT-9")


def test_measurement_estimates_by_hand():
    """The three methods for MLPerf v2.1's ResNet-50 on 8 A100-SXM-80GB, recomputed here by hand."""
    c = measurements.comparison()
    row = c[c["study"].str.contains("v2.1 Datacenter") & c["model"].str.startswith("ResNet-50")].iloc[0]
    flops = 7.6e9  # ResNet-50, Table A.3
    # (a) thesis: A100 adapted CV point of Table B.3 = V100 FP32 15.7 TFLOPS x mean CV mixed speed-up, at 400 W;
    #     the speed-up is the ledger's (Table 5.1), so read the adapted efficiency from the thesis's printed B.3
    assert row["thesis_joules"] == pytest.approx(flops / 130.88e9, rel=1e-3)
    # (b) dense FP16 tensor peak: 312 TFLOPS at 400 W (Table B.1)
    assert row["peak_tensor_joules"] == pytest.approx(flops / (312e12 / 400))
    # (c) chain, INT8 (624 TOPS), batch 2048 per GPU on 8 GPUs, weights 26.0M bytes once per step: compute-bound
    #     at f_c = the geometric mean of Paddle-TRT's INT8 ResNet-50 rates (A100 80GB 27,935.10 img/s at 624 TOPS,
    #     A30 14,443.15 at 330, A10 9,598.97 at 250); power = 400 W x (i + (1 - i) x (f_c + k x u_m)),
    #     i = 63/400 (Splitwise idle), host 1.43
    f_c = (27935.10 * 7.6e9 / 624e12 * 14443.15 * 7.6e9 / 330e12 * 9598.97 * 7.6e9 / 250e12) ** (1 / 3)
    t = 8 * 2048 * flops / (f_c * 8 * 624e12)
    u_m = 26.0e6 / (t * 8 * 2039e9)  # Table A.3 prints 26.0 million parameters
    k = (0.31 - 63 / 400) / ((1 - 63 / 400) * 0.60)
    power = 400 * (63 / 400 + (1 - 63 / 400) * (f_c + k * u_m))
    assert row["chain_joules"] == pytest.approx(power * t / 2048 * 1.43, rel=1e-9)
    assert row["precision_used"] == "int8" and row["boundary"] == "node"
    unmatched = c[c["matched"] != "yes"]
    assert unmatched[["thesis_joules", "peak_tensor_joules", "chain_joules"]].isna().all().all()


def test_leave_one_study_out_by_hand():
    c = pd.DataFrame({"study": ["a", "a", "b", "c"], "thesis_ratio": [2.0, 8.0, 4.0, 1.0],
                      "peak_tensor_ratio": np.nan, "chain_ratio": np.nan})
    loso = measurements.leave_one_study_out(c).set_index("held_out")
    # held out "a": calibration = geometric mean of 4 and 1 = 2; held-out ratios 2, 8 -> 1, 4
    assert loso.loc["a", "calibration"] == pytest.approx(2.0)
    assert loso.loc["a", "factor_before"] == pytest.approx(8.0) and loso.loc["a", "factor_after"] == pytest.approx(4.0)
    # held out "c": calibration = (2 * 8 * 4) ** (1/3) = 4; 1 / 4 -> factor 4
    assert loso.loc["c", "calibration"] == pytest.approx(4.0) and loso.loc["c", "factor_after"] == pytest.approx(4.0)


def charts_on(html, chapter: str) -> list[str]:
    page = (html / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
    charts = re.findall(r'<script type="text/javascript">(.*?)</script>', page, flags=re.S)
    return [c for c in charts if "altair-viz-" in c]


def test_extension_charts_can_hide_the_extension(html):
    charts = charts_on(html, "continued")
    assert charts
    for c in charts:
        assert '"input": "checkbox"' in c and "show_extension" in c, "continued: a chart has no show/hide toggle"


def test_a_chart_of_extension_data_only_has_no_box_that_would_empty_it(html):
    """Every measurement is extension data: a show/hide box on that chart would hide every point."""
    charts = charts_on(html, "measurements")
    assert charts
    assert not any('"input": "checkbox"' in c for c in charts), "measurements: a box that hides all the data"


def test_fit_rows_split_at_the_thesis_end_by_hand():
    # values doubling every year up to mid-2021, then tripling: exact exponentials, so each period's fit
    # must give its own factor per year (hand truth: 2 and 3), and the 'all' fit lies between them
    before = pd.date_range("2015-01-01", "2021-01-01", freq="6MS")
    after = pd.date_range("2021-07-01", "2024-07-01", freq="6MS")
    t0 = before[0]
    years_b = (before - t0).days / 365.25
    years_a = (after - t0).days / 365.25
    at_end = 2.0 ** ((ext.THESIS_END - t0).days / 365.25)
    df = pd.DataFrame({"release_date": before.append(after),
                       "v": list(2.0 ** years_b) + list(at_end * 3.0 ** (years_a - (ext.THESIS_END - t0).days / 365.25))})
    rows = {r["period"]: r for r in ext.fit_rows(df, "v", "v", level=0.9)}
    assert set(rows) == {"before", "after", "all"}
    assert rows["before"]["trend"].growth_per_year == pytest.approx(2.0, rel=2e-3)
    assert rows["after"]["trend"].growth_per_year == pytest.approx(3.0, rel=2e-3)
    assert 2.0 < rows["all"]["trend"].growth_per_year < 3.0
    table = ext.rows_table(list(rows.values()))
    assert "trend" not in table.columns and "data" not in table.columns
