"""The 2021-2025 extension: separate, sourced, validated, and kept out of the reproduction."""

from __future__ import annotations

import re

import pytest

import infertrends.build as build
import infertrends.data as data
import infertrends.extension as ext
import infertrends.measurements as measurements

REPRODUCTION = ["flop-conventions", "cv-compute", "nlp-compute", "hardware", "energy", "context"]


@pytest.mark.parametrize("name", list(data.EXTENSION_SPECS))
def test_every_extension_row_is_sourced(name):
    df = data.load_extension(name)
    assert len(df) > 0
    assert df["source_url"].str.match(r"https?://").all()
    assert (df["origin"] == "extension").all()


def test_reproduction_chapters_never_read_the_extension():
    for chapter in REPRODUCTION:
        text = build.source(chapter).read_text(encoding="utf-8")
        assert "infertrends.extension" not in text and "load_extension" not in text, chapter
        assert "import infertrends.measurements" not in text, chapter


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


def test_measurement_estimate_by_hand():
    c = measurements.comparison()
    row = c[c["study"].str.contains("v2.1 Datacenter") & c["model"].str.startswith("ResNet-50")].iloc[0]
    # ResNet-50: 7.6 GFLOPs (Table A.3); A100 tensor peak 312 TFLOPS at 400 W (Table B.1)
    assert row["estimated_joules"] == pytest.approx(7.6e9 / (312e12 / 400))
    assert row["ratio"] == pytest.approx(row["measured_joules"] / row["estimated_joules"])
    unmatched = c[c["matched"] != "yes"]
    assert unmatched["estimated_joules"].isna().all()


def test_extension_charts_can_hide_the_extension(html):
    for chapter in ("continued", "measurements"):
        page = (html / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
        charts = re.findall(r'<script type="text/javascript">(.*?)</script>', page, flags=re.S)
        charts = [c for c in charts if "altair-viz-" in c]
        assert charts, chapter
        for c in charts:
            assert '"input": "checkbox"' in c and "show_extension" in c, f"{chapter}: a chart has no show/hide toggle"
