"""Altair charts: one theme for the whole book, registered once on import.

Chapters build charts with plain Altair; this module only fixes the look
(fonts, sizes, colours) and offers a few small helpers for repeated encodings.
Charts render through Altair's ``html`` renderer; the book's Sphinx extension
``vega_offline`` serves the Vega libraries from the site itself.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

THEME_NAME = "infertrends"

#: Colour roles, fixed across the book: data categories take the palette, fitted lines (trends,
#: frontiers, medians) are dark grey, reference values (human energy, data centres, a parameter's
#: central value) are vermillion. The palette is Okabe-Ito's colour-blind-safe set without the two
#: role colours, so a data series never looks like a trend or a reference, extended with Paul Tol's
#: wine, olive and indigo so that up to ten categories keep distinct colours (pale yellow last).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#882255", "#999933", "#8C8C8C", "#332288",
           "#F0E442"]
TREND_COLOR = "#333333"
REFERENCE_COLOR = "#D55E00"
#: Connectors and annotations that are none of the three roles (a line joining two values of one model).
NEUTRAL_COLOR = "#999999"

WIDTH = 500
HEIGHT = 340


@alt.theme.register(THEME_NAME, enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "view": {"continuousWidth": WIDTH, "continuousHeight": HEIGHT, "stroke": None},
            "font": "sans-serif",
            # labels never collide: with Vega-Lite's default overlap rules (every other label on a linear
            # axis, greedy on a log axis) a label closer than 6 px to its neighbour is dropped
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "gridColor": "#e6e6e6", "labelSeparation": 6,
                     "labelFlush": True},
            # an x axis's title ends where the plot ends (centred, a title longer than a phone's plot ran off it)
            "axisX": {"titleAnchor": "end"},
            # numbers on axes in plain notation with thousands separators (no e-notation, as in the text)
            "axisQuantitative": {"format": ",~r"},
            # dates: one tick a year at most, labelled by the year alone
            "axisTemporal": {"format": "%Y", "tickCount": {"interval": "year", "step": 1}},
            # legends under the plot, one below the other, so the plot keeps the page's width and no
            # legend runs past a phone's screen (Vega's legend layout per orient)
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "orient": "bottom", "direction": "vertical",
                       "labelLimit": 260, "layout": {"bottom": {"direction": "vertical", "anchor": "start"}}},
            # marks at the ends of a continuous axis are drawn whole (the domain is padded by 10 px)
            "scale": {"continuousPadding": 10},
            "title": {"fontSize": 15, "anchor": "start"},
            "range": {"category": PALETTE},
            "point": {"size": 70, "filled": True, "opacity": 0.85},
            "circle": {"size": 70, "opacity": 0.85},
        }
    }


alt.renderers.enable("html")


def responsive(chart: Any) -> Any:
    """``chart`` with a width that follows its container (the page column), so it reads at phone
    widths; legends and axes count inside that width. Faceted and concatenated charts keep their
    panel widths (Vega-Lite cannot fit them to a container) and are scaled down by the page's CSS."""
    if isinstance(chart, (alt.FacetChart, alt.HConcatChart, alt.VConcatChart, alt.ConcatChart, alt.RepeatChart)):
        return chart
    return chart.properties(width="container", autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


#: Human labels of the data columns charts encode (axis, legend and tooltip titles), used wherever a chart
#: does not set its own title; other columns get :func:`human_label`.
LABELS = {
    "model": "Model", "gflops": "GFLOPs", "top1_accuracy": "Top-1 accuracy (%)", "extra_data": "Training data",
    "extra": "Training data", "release_date": "Release date", "launch_date": "Launch date", "date": "Released",
    "source": "Source", "joules": "Joules", "params_millions": "Parameters (millions)",
    "input_tokens": "Input tokens", "glue_score": "GLUE score", "year": "Year", "architecture": "Architecture",
    "trend": "Trend", "reference": "Reference", "scenario": "Scenario", "unit": "Per", "value": "Value",
    "low": "Band low", "high": "Band high", "origin": "Data", "accelerator": "Accelerator", "precision": "Precision",
    "gpu": "GPU", "gflops_per_watt": "GFLOPS per Watt", "study": "Study", "kind": "Kind", "task": "Task",
    "ratio": "Ratio", "segment": "Segment", "vendor": "Vendor", "package": "Package", "resolution": "Resolution (px)",
}
_WORDS = {"gflops": "GFLOPs", "tflops": "TFLOPS", "tdp": "TDP", "mmlu": "MMLU", "llm": "LLM", "gpu": "GPU",
          "pct": "%", "cv": "CV", "nlp": "NLP", "kv": "KV", "id": "ID", "mfu": "MFU", "pue": "PUE"}


POSITION_CHANNELS = {"x", "y", "x2", "y2", "xOffset", "yOffset", "theta", "theta2", "radius", "radius2",
                     "latitude", "longitude", "latitude2", "longitude2"}


def human_label(field: str) -> str:
    """A reader's label for a column name: "gflops_per_token" -> "GFLOPs per token"."""
    if field in LABELS:
        return LABELS[field]
    words = [_WORDS.get(w, w) for w in field.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _encodings(spec: Any, visit: Any) -> Any:
    """Call ``visit(encoding)`` on every encoding of a chart ``spec`` (layers, facets, concatenations), in place."""
    if isinstance(spec, dict):
        if isinstance(spec.get("encoding"), dict):
            visit(spec["encoding"])
        for key, value in spec.items():
            if key not in ("encoding", "datasets", "data", "config"):
                _encodings(value, visit)
    elif isinstance(spec, list):
        for item in spec:
            _encodings(item, visit)
    return spec


def _label(enc: dict) -> None:
    for name, channel in enc.items():
        if name in POSITION_CHANNELS:
            continue
        for item in channel if isinstance(channel, list) else [channel]:
            if isinstance(item, dict) and isinstance(item.get("field"), str) and "title" not in item:
                item["title"] = human_label(item["field"])


def label_fields(spec: Any) -> Any:
    """Give every encoded field without a title (legends, tooltips) its human label, in place. Position
    channels are left alone: the chapters title their axes, and in a layered chart Vega-Lite would join an
    added title (a band's ``low``) to the axis title."""
    return _encodings(spec, _label)


#: The title every figure shows above its plot (what it shows; the caption below says more and the text
#: gives the finding), by the name it is glued under. A figure glued without an entry stops the build.
TITLES = {
    "fig-mlperf-frontier": "Lowest measured energy per unit of work in each MLPerf round, relative to the "
                           "benchmark's first round, beside the thesis's hardware trend",
    "fig-crop-accuracy": "Top-1 accuracy with 1-crop and 10-crop testing",
    "fig-vit-g-resolution": "ViT-G/14's GFLOPs against input resolution",
    "fig-estimates-ratio": "The book's recomputed estimates against Table A.3's",
    "fig-params-flops": "Parameters against GFLOPs of ImageNet models",
    "fig-accuracy-time": "Top-1 accuracy of ImageNet models by release date",
    "fig-flops-time": "GFLOPs per forward pass of ImageNet models by release date",
    "fig-t41-sweep": "Table 4.1's selection as its GFLOPs band changes",
    "fig-accuracy-flops": "Top-1 accuracy against GFLOPs, with the Pareto frontier",
    "fig-vit-cnn": "Vision transformers and CNNs since 2019: accuracy against GFLOPs",
    "fig-glue-time": "GLUE score of language models by release date",
    "fig-glue-flops": "GLUE score against GFLOPs per forward pass",
    "fig-nlp-flops-time": "GFLOPs per forward pass of language models by release date",
    "fig-gpu-theoretical": "Peak GFLOPS per Watt of Nvidia GPUs by launch date",
    "fig-gpu-adapted": "GFLOPS per Watt with mixed precision adapted to measured speed-ups",
    "fig-cv-joules": "Estimated Joules per forward pass of ImageNet models by release date",
    "fig-nlp-joules": "Estimated Joules per forward pass of language models by release date",
    "fig-cv-accuracy-joules": "Top-1 accuracy against estimated Joules per forward pass",
    "fig-nlp-glue-joules": "GLUE score against estimated Joules per forward pass",
    "fig-t53-sweep": "Table 5.3's selection as its Joules band changes",
    "fig-cv-context": "Watts per person of ImageNet models, by release date",
    "fig-nlp-context": "Watts per person of language models, by release date",
    "fig-recount-ratio": "Thesis GFLOPs over recounted GFLOPs, model by model",
    "fig-all-trends": "Growth per year of every trend of the book, with its intervals",
    "fig-scenarios": "Joules per unit of each workload under the named scenarios",
    "fig-tornado": "How far each factor moves the Joules, one at a time",
    "fig-monte-carlo": "Spread of the Joules when every factor is drawn at once",
    "fig-calculator": "Joules per unit with your settings",
    "fig-scale": "TWh per year if everyone used each model at the chosen rate",
    "fig-scale-usage": "TWh per year against inferences per person per day",
    "fig-ext-cv-flops": "GFLOPs per forward pass of ImageNet models, thesis and extension",
    "fig-ext-cv-accuracy": "Top-1 accuracy against GFLOPs, thesis and extension",
    "fig-ext-hw": "Peak GFLOPS per Watt of accelerators, thesis and extension",
    "fig-ext-lm": "GFLOPs per token of language models, thesis and extension",
    "fig-ext-mmlu": "MMLU (5-shot, base models) against GFLOPs per generated token",
    "fig-measured-estimated": "Measured against estimated Joules, by method",
    "fig-assistant-disclosures": "Published per-prompt figures beside the chain's interval, at matching boundaries",
    "fig-assistant-tokens": "Energy of one question against its output tokens",
    "fig-assistant-batch": "Energy of one question against the batch",
    "fig-assistant-generations": "Energy of one short answer of one model on four accelerator generations",
}


#: Every number a tooltip shows: three significant figures, thousands separators, trailing zeros dropped, never
#: e-notation (d3's "r" type; "g" would write 740000 as 7.4e+5). Counts and percentages keep their own format.
TOOLTIP_FORMAT = ",.3~r"
_FIXED_DIGITS = re.compile(r"^,?\.\d+[fgr]$")


def _tooltip_format(enc: dict) -> None:
    tips = enc.get("tooltip")
    for item in tips if isinstance(tips, list) else [tips] if isinstance(tips, dict) else []:
        if isinstance(item, dict) and item.get("type") == "quantitative":
            fmt = item.get("format")
            if isinstance(fmt, str) and _FIXED_DIGITS.match(fmt):  # a count or a year has no such format
                item["format"] = TOOLTIP_FORMAT


def tooltip_numbers(spec: Any) -> Any:
    """Give every quantitative tooltip of ``spec`` that asks for a fixed number of digits (".4f", ",.2f", ".4g")
    the book's one tooltip format (:data:`TOOLTIP_FORMAT`), in place; counts (``d``), percentages (``%``), kept
    significant figures (``~``) and unformatted values (years, pixels, tokens) stay as they are."""
    return _encodings(spec, _tooltip_format)


def finish(chart: Any, title: str | None = None) -> Any:
    """The book's last step for every figure: its title, human labels on every encoded field, one number format
    in every tooltip (:func:`tooltip_numbers`), then a width that follows the page (:func:`responsive`)."""
    if title is not None:  # in lines of at most 40 characters, so that a phone's screen shows it whole
        chart = chart.properties(title=alt.TitleParams(textwrap.wrap(title, 40), anchor="start"))
    # validated once, when the finished chart is displayed (altair's to_dict): validating the Vega-Lite schema
    # here too, on the way out and back in, took about two thirds of each chart's time
    spec = tooltip_numbers(label_fields(chart.to_dict(validate=False)))
    spec.pop("config", None)  # the theme adds it again (its Vega legend layout is not in Vega-Lite's schema)
    labelled = any(layer.get("name") == END_LABELS for layer in spec.get("layer", []))
    spec["padding"] = {"left": 5, "top": 5, "bottom": 5, "right": END_LABEL_ROOM if labelled else EDGE_ROOM}
    return responsive(type(chart).from_dict(spec, validate=False))


#: Room (px) kept right of every chart, and of a chart with :func:`end_labels` (the name of their layer): Vega's
#: fit-to-width layout counts text beyond the plot only in part, and clipped the last pixels of a centred axis
#: title or the last tick label (1-10 px at 420 px) and the end labels' last 10-25 px.
EDGE_ROOM = 20
END_LABELS = "end-labels"
END_LABEL_ROOM = 36


def tooltip(*fields: str | alt.Tooltip) -> list[alt.Tooltip]:
    """Tooltips for ``fields`` (strings become plain tooltips; give ``alt.Tooltip`` for formats)."""
    return [f if isinstance(f, alt.Tooltip) else alt.Tooltip(f) for f in fields]


#: Least distance between two direct labels, in pixels (their font is 11 px).
LABEL_GAP_PX = 13


def label_positions(values: pd.Series, step: float, log: bool = False) -> pd.Series:
    """Vertical positions for labels at ``values`` nudged apart so that no two are closer than ``step`` (in
    log10 units where ``log``), each moved as little as that allows (labels that would pile up are spread
    evenly around their mean), returned in the order of ``values`` (by position: the index may repeat)."""
    v = np.log10(values.to_numpy(dtype=float)) if log else values.to_numpy(dtype=float)
    order = np.argsort(v, kind="stable")
    blocks: list[list[float]] = []  # each block of touching labels: [first position, count, sum of wanted]
    for want in v[order]:
        blocks.append([want, 1, want])
        while len(blocks) > 1 and blocks[-2][0] + blocks[-2][1] * step > blocks[-1][0]:
            _, n, total = blocks.pop()
            prev = blocks[-1]
            prev[1] += n
            prev[2] += total
            prev[0] = prev[2] / prev[1] - (prev[1] - 1) * step / 2
    placed = np.empty(len(v))
    placed[order] = [b[0] + k * step for b in blocks for k in range(b[1])]
    return pd.Series(10 ** placed if log else placed, index=values.index)


def end_labels(data: pd.DataFrame, x: str, y: str | alt.Y, series: str, domain: tuple[float, float],
               log: bool = False, **encode: Any) -> alt.Chart:
    """Direct labels instead of a legend the reader matches by colour (for charts of more than four lines): the
    name of each series in a column right of the latest ``x``, at the height of its last point, nudged apart
    (:func:`label_positions`) on a y axis spanning ``domain`` over :data:`HEIGHT` pixels. ``x`` and ``y`` are
    encoding shorthands ("release_date:T", or ``alt.Y`` with the lines' scale); ``encode`` adds channels (the
    lines' colour, without a legend). The chart's width fits the labels (Vega's autosize counts them)."""
    xf = x.split(":")[0]
    yf = (y.shorthand if isinstance(y, alt.Y) else y).split(":")[0]
    last = data.sort_values(xf).groupby(series, sort=False).tail(1).copy()
    span = np.log10(domain[1] / domain[0]) if log else domain[1] - domain[0]
    last[yf] = label_positions(last[yf], LABEL_GAP_PX / HEIGHT * span, log)
    last[xf] = data[xf].max()
    return alt.Chart(last, name=END_LABELS).mark_text(align="left", baseline="middle", dx=8, fontSize=11).encode(
        x=alt.X(x), y=y if isinstance(y, alt.Y) else alt.Y(y), text=alt.Text(f"{series}:N"), **encode)


def band_note(level: float, prediction: bool = False) -> str:
    """What the shaded band around a trend line is (and, with ``prediction``, the dotted lines), for a caption
    (one wording for every chart)."""
    return (f"Shaded: the {100 * level:.0f} % confidence band of each trend line (bootstrap over release dates), "
            "where the line lies, not where individual models fall."
            + (f" Dotted: the {100 * level:.0f} % prediction band, where a new part would fall if the trend and "
               "its scatter hold." if prediction else ""))


def trend_lines(lines, y_title: str, log: bool = True, x: str = "release_date",
                prediction: bool = False) -> alt.LayerChart | alt.Chart:
    """Trend lines (dash by ``trend``) from :func:`infertrends.core.fits.trend_line` frames, with their
    bootstrap bands (shaded) where the frame has ``low``/``high`` columns and, with ``prediction``, the
    prediction band (dotted lines) where it has ``pred_low``/``pred_high``."""
    scale = alt.Scale(type="log") if log else alt.Undefined
    line = alt.Chart(lines).mark_line(color=TREND_COLOR, strokeWidth=2).encode(
        x=alt.X(f"{x}:T", title="Release date" if x == "release_date" else "Launch date"),
        y=alt.Y("value:Q", title=y_title, scale=scale),
        strokeDash=alt.StrokeDash("trend:N", title="Trend", legend=alt.Legend(orient="bottom", columns=1)),
        detail="trend:N",
        tooltip=[alt.Tooltip("trend:N")],
    )
    layers = []
    if "low" in lines.columns:
        layers.append(alt.Chart(lines.dropna(subset=["low", "high"])).mark_area(
            opacity=0.12, color=TREND_COLOR).encode(
            x=f"{x}:T", y=alt.Y("low:Q", scale=scale), y2="high:Q", detail="trend:N",
            tooltip=[alt.Tooltip("trend:N"),
                     alt.Tooltip("low:Q", title="confidence band of the line, low", format=",.3g"),
                     alt.Tooltip("high:Q", title="confidence band of the line, high", format=",.3g")]))
    if prediction and "pred_low" in lines.columns:
        for end in ("pred_low", "pred_high"):
            layers.append(alt.Chart(lines.dropna(subset=[end])).mark_line(
                color=TREND_COLOR, strokeWidth=1, strokeDash=[2, 3], opacity=0.8).encode(
                x=f"{x}:T", y=alt.Y(f"{end}:Q", scale=scale), detail="trend:N",
                tooltip=[alt.Tooltip("trend:N"), alt.Tooltip(f"{end}:Q", format=",.3g",
                                                            title=f"prediction band, {end.split('_')[1]}")]))
    return alt.layer(*layers, line) if layers else line


def band_sweep_chart(sweep, ratio_title: str, current: float) -> alt.LayerChart:
    """How many of the thesis's listed models, and how many others, a band selects as it moves
    (from :func:`infertrends.thesis.selection.band_sweep`); a rule marks this run's band."""
    long = sweep.melt(id_vars=["ratio", "equals_thesis", "missing", "others"],
                      value_vars=["thesis_selected", "others_selected"], var_name="what", value_name="models")
    long["what"] = long["what"].map({"thesis_selected": "of the thesis's list", "others_selected": "not in it"})
    lines = alt.Chart(long).mark_line(strokeWidth=2.5, interpolate="step-after").encode(
        x=alt.X("ratio:Q", title=ratio_title,
                scale=alt.Scale(type="log", domain=[float(sweep["ratio"].min()), float(sweep["ratio"].max())],
                                nice=False)),
        y=alt.Y("models:Q", title="Models selected"),
        color=alt.Color("what:N", title="Selected models", sort=["of the thesis's list", "not in it"]),
        tooltip=[alt.Tooltip("ratio:Q", format=".2f"), alt.Tooltip("what:N"), alt.Tooltip("models:Q"),
                 alt.Tooltip("equals_thesis:N", title="exactly the thesis's list"),
                 alt.Tooltip("missing:N", title="thesis's models left out"), alt.Tooltip("others:N")])
    rule = alt.Chart(sweep.head(1).assign(current=current)).mark_rule(color=TREND_COLOR, strokeDash=[4, 3]).encode(
        x="current:Q")
    return alt.layer(lines, rule).properties(height=220)


def extension_toggle(chart: alt.Chart, show: bool, label: str = "Show the extension (after mid-2021) ") -> alt.Chart:
    """Add the show/hide-extension checkbox to a chart whose data has an ``origin`` column
    (``thesis`` rows always shown, ``extension`` rows while the box is ticked; ``show`` is its start)."""
    param = alt.param(name="show_extension", value=show, bind=alt.binding_checkbox(name=label))
    return chart.add_params(param).transform_filter("datum.origin == 'thesis' || show_extension")


#: The calculator's axis: Joules from 10 µJ to 1 MJ (an image on a large batch to a long reasoning answer on one
#: request at a time), its ticks named in the unit that keeps them short.
CALC_DOMAIN = (1e-5, 1e6)
_CALC_TICKS = {1e-4: "0.1 mJ", 1e-2: "10 mJ", 1.0: "1 J", 1e2: "100 J", 1e4: "10 kJ", 1e6: "1 MJ"}
#: A calculator bar's value: Joules in the book's format (4 significant digits, thousands separators, never
#: e-notation: d3's "r") per unit; a query's also in Wh, to 3 digits (its tokens are in the question chosen).
_CALC_SHOWN = ("format(datum.joules, ',.4r') + ' J' + (datum.question ? ' = ' + format(datum.joules / 3600, ',.3r')"
               " + ' Wh per query' : ' per ' + datum.unit)")


def calculator(calc, sliders: dict[str, tuple[str, float, float, float, float, float]], order: list[str],
               joules: str, central: str, choices: dict[str, tuple[str, list, Any]],
               questions: dict[str, str] | None = None) -> alt.LayerChart:
    """The in-page calculator: bars of ``joules`` (a Vega expression of the sliders and choices) per reference of
    the rows of ``calc`` that match the choices, with ghost ticks at the central sourced estimate (``central``) and
    at the thesis's method (column ``thesis``).  Each reference's name stands above its bar and its value at the bar's
    end (inside it when the bar is long), so the bars keep the page's width on a phone.

    ``sliders``: name -> (label, start, min, max, sourced low, sourced high); the label shows the sourced range.
    ``choices``: name -> (label, options, start) for ``acc``, ``pre`` and ``bat`` (the rows' ``accelerator``,
    ``precision`` and ``batch``) and the ``boundary``.  ``questions``: the presets of the rows' ``question``
    (key -> name; the first to start), bound to ``q``."""
    prm = [alt.param(name=n, value=round(v, 3), bind=alt.binding_range(
        min=lo, max=hi, step=0.001, name=f"{label} (sourced {s_lo:.3g}–{s_hi:.3g}) "))
        for n, (label, v, lo, hi, s_lo, s_hi) in sliders.items()]
    prm += [alt.param(name=n, value=v, bind=alt.binding_select(options=opts, name=label))
            for n, (label, opts, v) in choices.items()]
    keep = "datum.accelerator == acc && datum.precision == pre && datum.batch == bat"
    if questions:
        prm.append(alt.param(name="q", value=next(iter(questions)), bind=alt.binding_select(
            options=list(questions), labels=list(questions.values()), name="Question (the per-query bars) ")))
        keep += " && (!datum.question || datum.question == q)"
    lo, hi = CALC_DOMAIN
    base = (alt.Chart(calc).transform_filter(keep).transform_calculate(joules=joules, central=central)
            .transform_calculate(shown=_CALC_SHOWN, floor=str(lo),
                                 long=f"log(datum.joules / {lo}) / log({hi / lo}) > 0.55"))
    y = alt.Y("reference:N", sort=order, title=None, axis=None, scale=alt.Scale(paddingInner=0.5, paddingOuter=0.6))
    ticks = "".join(f"datum.value < {3 * v:g} ? '{t}' : " for v, t in _CALC_TICKS.items()) + "''"
    x = alt.X("joules:Q", title="Joules per unit at the boundary chosen (log scale)",
              scale=alt.Scale(type="log", domain=[lo, hi]),
              axis=alt.Axis(values=list(_CALC_TICKS), labelExpr=ticks))
    tips = [alt.Tooltip("reference:N"), alt.Tooltip("joules:Q", format=",.4g", title="this setting (J)"),
            alt.Tooltip("central:Q", format=",.4g", title="central sourced (J)"),
            alt.Tooltip("thesis:Q", format=",.4g", title="thesis's method (J)"), alt.Tooltip("batch_used:Q")]
    bars = base.mark_bar(color=PALETTE[0], opacity=0.7).encode(y=y, x=x, x2="floor:Q", tooltip=tips)
    ghost = base.mark_tick(color="#333333", thickness=2, size=22).encode(y=y, x="central:Q", tooltip=tips)
    thesis = base.mark_point(shape="diamond", color=PALETTE[1], filled=True, size=70).encode(y=y, x="thesis:Q",
                                                                                            tooltip=tips)
    names = base.mark_text(align="left", baseline="bottom", dy=-13, fontSize=12, fontWeight="bold").encode(
        y=y, x="floor:Q", text="reference:N")
    values = base.mark_text(fontSize=12, align=alt.expr("datum.long ? 'right' : 'left'"),
                            dx=alt.expr("datum.long ? -4 : 4")).encode(
        y=y, x=x, text="shown:N", color=alt.condition("datum.long", alt.value("white"), alt.value("black")))
    return alt.layer(bars, ghost, thesis, names, values).add_params(*prm).properties(height=alt.Step(46))
