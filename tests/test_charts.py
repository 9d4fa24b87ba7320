"""The book's one chart style: widths that follow the page, fixed colour roles, plain axis numbers."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import infertrends.present.charts as charts
from infertrends.present.prose import glue_figure

DF = pd.DataFrame({"x": [1.0, 10.0], "y": [2.0, 3.0], "k": ["a", "b"]})


def test_single_and_layered_charts_follow_the_container():
    for chart in (alt.Chart(DF).mark_point().encode(x="x", y="y"),
                  alt.layer(alt.Chart(DF).mark_point().encode(x="x", y="y"), alt.Chart(DF).mark_line().encode(x="x", y="y"))):
        spec = charts.responsive(chart).to_dict()
        assert spec["width"] == "container"
        assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}


def test_facets_and_concatenations_keep_their_panel_widths():
    base = alt.Chart(DF).mark_point().encode(x="x", y="y").properties(width=200)
    for chart in (base.facet(column="k:N"), alt.hconcat(base, base)):
        spec = charts.responsive(chart).to_dict()
        assert "width" not in spec and "autosize" not in spec


def test_role_colours_are_not_data_colours():
    # a data series must never look like a trend or a reference line
    assert charts.TREND_COLOR.lower() not in {c.lower() for c in charts.PALETTE}
    assert charts.REFERENCE_COLOR.lower() not in {c.lower() for c in charts.PALETTE}
    assert len(set(charts.PALETTE)) == len(charts.PALETTE) >= 9  # the scale chapter shows nine model classes


def test_theme_axes_avoid_e_notation_and_label_collisions():
    config = charts.responsive(alt.Chart(DF).mark_point().encode(x="x", y="y")).to_dict()["config"]
    # d3's "r" type never switches to exponent notation (unlike the default "~g"/"s" of log axes)
    assert config["axisQuantitative"]["format"].endswith("r")
    assert config["axis"].get("labelOverlap", True) is not False and config["axis"]["labelSeparation"] > 0
    assert config["axisTemporal"]["format"] == "%Y"


def test_glue_figure_titles_the_chart_and_makes_it_responsive(monkeypatch):
    import pytest

    glued = {}
    monkeypatch.setattr("infertrends.present.prose.glue", lambda name, value, display: glued.setdefault(name, value))
    glue_figure("fig-scale", alt.Chart(DF).mark_point().encode(x="x", y="y"))
    spec = glued["fig-scale"].to_dict()
    assert spec["width"] == "container" and " ".join(spec["title"]["text"]) == charts.TITLES["fig-scale"]
    assert max(len(line) for line in spec["title"]["text"]) <= 40
    with pytest.raises(KeyError, match="has no title"):
        glue_figure("fig-untitled", alt.Chart(DF).mark_point().encode(x="x", y="y"))


def test_every_figure_of_the_book_has_a_title():
    import glob
    import re

    glued = set(re.findall(r'glue_figure\("([^"]+)"', "".join(open(f, encoding="utf-8").read()
                                                              for f in glob.glob("book/chapters/*.md"))))
    assert glued == set(charts.TITLES), (glued ^ set(charts.TITLES))


def test_every_field_gets_a_human_label_unless_the_chart_sets_one():
    df = pd.DataFrame({"extra_data": ["a"], "gflops_per_token": [1.0], "top1_accuracy": [80.0]})
    chart = alt.layer(alt.Chart(df).mark_point().encode(
        x="gflops_per_token:Q", y=alt.Y("extra_data:N", title=None), color=alt.Color("top1_accuracy:Q", title="Top-1"),
        size="gflops_per_token:Q", tooltip=[alt.Tooltip("extra_data:N"), "top1_accuracy:Q"]))
    enc = charts.finish(chart).to_dict()["layer"][0]["encoding"]
    assert enc["size"]["title"] == "GFLOPs per token"  # by rule: words, with the book's spelling of units
    assert "title" not in enc["x"]  # axes are the chapters' (a layer's added title would join the axis title)
    assert enc["y"]["title"] is None and enc["color"]["title"] == "Top-1"  # a chart's own choice is kept
    assert [t["title"] for t in enc["tooltip"]] == ["Training data", "Top-1 accuracy (%)"]  # from LABELS


def test_tooltips_show_three_significant_figures_with_separators():
    """A fixed-digit tooltip becomes d3's ',.3~r' (740000 -> '740,000', 0.0123456 -> '0.0123', never 7.4e+5);
    counts, percentages and unformatted fields (years, pixels) keep theirs."""
    import altair as alt
    import pandas as pd

    import infertrends.present.charts as charts

    df = pd.DataFrame({"a": [740000.0, 0.0123456], "n": [1, 2], "year": [2020, 2021]})
    c = alt.Chart(df).mark_point().encode(x="a:Q", tooltip=[
        alt.Tooltip("a:Q", format=".4f"), alt.Tooltip("a:Q", title="b", format=",.2f"), alt.Tooltip("n:Q", format="d"),
        alt.Tooltip("a:Q", title="p", format=".0%"), alt.Tooltip("year:Q")])
    tips = charts.finish(c).to_dict()["encoding"]["tooltip"]
    assert [t.get("format") for t in tips] == [",.3~r", ",.3~r", "d", ".0%", None]


@pytest.mark.parametrize("values, step, log, want", [
    ([1.0, 5.0, 10.0], 1.0, False, [1.0, 5.0, 10.0]),          # far apart: nothing moves
    ([1.0, 1.01, 1.02, 5, 10], 0.9, False, [0.11, 1.01, 1.91, 5.0, 10.0]),  # a pile spreads around its mean
    ([2.0, 1.0], 1.0, False, [2.0, 1.0]),                        # exactly one step apart: unchanged, order kept
    ([1.0, 1.0], 0.2, True, [10 ** -0.1, 10 ** 0.1]),            # log axis: a step in decades
])
def test_direct_labels_are_nudged_apart_as_little_as_needed(values, step, log, want):
    # hand-worked positions: no two labels closer than the step, each pile centred where its labels want to be
    got = charts.label_positions(pd.Series(values), step, log)
    assert got.round(6).tolist() == pytest.approx(want, abs=1e-6)


@given(st.lists(st.floats(min_value=-50, max_value=50), min_size=1, max_size=12), st.floats(min_value=0.1, max_value=5))
def test_direct_labels_never_overlap_and_keep_their_order(values, step):
    got = charts.label_positions(pd.Series(values), step).tolist()
    order = sorted(range(len(values)), key=lambda i: (values[i], i))
    placed = [got[i] for i in order]
    assert all(b - a >= step - 1e-9 for a, b in zip(placed, placed[1:]))
    # a label moves no further than the whole pile is long
    assert max(abs(g - v) for g, v in zip(got, values)) <= step * len(values)


def test_direct_labels_follow_their_values_when_the_index_repeats():
    # frames concatenated without ignore_index repeat their index: positions, not labels, must carry the result
    got = charts.label_positions(pd.Series([5.0, 1.0, 3.0], index=[0, 0, 0]), 0.5)
    assert got.tolist() == [5.0, 1.0, 3.0]


def _chart_specs():
    """Every chart of the committed nbval references, as (chapter, glue name, Vega-Lite spec)."""
    import json
    import re
    from pathlib import Path

    for nb in sorted((Path(__file__).parent / "references").glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            for out in cell.get("outputs", []):
                html = out.get("data", {}).get("application/papermill.record/text/html")
                if html:
                    m = re.search(r"\}\)\((\{.*\}), \{\"mode\"", "".join(html), re.S)
                    yield nb.stem, out["metadata"]["scrapbook"]["name"], json.loads(m.group(1))


def _layers(spec, data=None):
    """Every single-view spec inside ``spec`` with the name of the dataset it draws."""
    data = spec.get("data", {}).get("name", data) if isinstance(spec.get("data"), dict) else data
    yield spec, data
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key, []):
            yield from _layers(child, data)
    if isinstance(spec.get("spec"), dict):
        yield from _layers(spec["spec"], data)


def test_charts_with_more_than_four_lines_name_them_at_their_ends():
    # more than four coloured lines: no legend to match by colour, and a text layer naming each line
    checked = 0
    for chapter, name, spec in _chart_specs():
        views = list(_layers(spec))
        for view, data in views:
            mark = view.get("mark", {})
            colour = view.get("encoding", {}).get("color", {})
            if (mark.get("type") if isinstance(mark, dict) else mark) != "line" or "field" not in colour:
                continue
            series = {row.get(colour["field"]) for row in spec["datasets"].get(data, [])}
            if len(series) <= 4:
                continue
            checked += 1
            assert colour.get("legend", {}) is None, f"{chapter} {name}: {len(series)} lines told apart by a legend"
            texts = [v for v, d in views if (v.get("mark", {}).get("type") if isinstance(v.get("mark"), dict)
                                              else v.get("mark")) == "text"
                     and v.get("encoding", {}).get("text", {}).get("field") == colour["field"]]
            named = {row.get(colour["field"]) for v in texts for row in spec["datasets"].get(
                v.get("data", {}).get("name"), [])}
            assert series <= named, f"{chapter} {name}: lines without a label at their end: {series - named}"
    assert checked >= 2  # the MLPerf frontiers and the scale curves


def test_a_finished_chart_is_still_validated_when_it_is_shown(monkeypatch):
    """finish() no longer validates on its way through the spec (it is validated when shown): a property no
    Vega-Lite mark has, slipped in while finishing, must still stop the chart when it is displayed."""
    def broken(spec):
        spec["mark"] = {"type": "point", "not_a_vega_lite_property": 1}
        return spec

    monkeypatch.setattr(charts, "tooltip_numbers", broken)
    # (altair reads the unvalidated spec back as some other chart class, which then refuses it)
    with pytest.raises((alt.utils.schemapi.SchemaValidationError, TypeError)):
        charts.finish(alt.Chart(pd.DataFrame({"a": [1.0]})).mark_point().encode(x="a:Q"), "A title").to_dict()
