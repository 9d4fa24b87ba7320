"""The in-page calculator of the sensitivity chapter, driven in a real browser (Playwright + Debian's
Chromium, offline): moving a slider changes the shown Joules exactly as the Python chain says."""

from __future__ import annotations

import os
import re

import pandas as pd
import pytest

import infertrends.model.chain as chain


SLIDERS = ["fc", "fm", "idle", "k", "host", "pue"]
BOUNDARY = {"accelerator": ("accelerator", 0), "node": ("node", 1), "facility": ("facility", 2)}


def shown_joules(page, rows: pd.DataFrame) -> dict[str, float]:
    """The calculator's value labels ("0.01374 J per image", "1,407 J = 0.391 Wh per query"), read from the SVG in
    data order; a query's Wh must be its Joules / 3,600."""
    texts = page.locator("#fig-calculator svg text").all_text_contents()
    values = [re.fullmatch(r"([0-9.,]+) J(?: = ([0-9.,]+) Wh)? per (.+)", t.strip()) for t in texts]
    values = [m for m in values if m]
    units = [u.split(" (")[0] for u in rows["unit"]]  # a query's tokens are in the question chosen
    assert [m.group(3) for m in values] == units, "labels not in the calculator's data order"
    out = {}
    for ref, m in zip(rows["reference"], values):
        out[ref] = float(m.group(1).replace(",", ""))
        if m.group(2):
            assert float(m.group(2).replace(",", "")) == pytest.approx(out[ref] / 3600, rel=6e-3), ref  # 3 digits
    return out


def _step(r, prefix: str = "") -> chain.Step:
    f1, b1, f2, b2 = (getattr(r, f"{prefix}{c}") for c in ("f1", "b1", "f2", "b2"))
    parts = ((f1, b1), (f2, b2)) if f2 or b2 else ()
    return chain.Step(flops=f1 + f2, bytes=b1 + b2, units=getattr(r, f"{prefix}units"), parts=parts,
                      comm_seconds=getattr(r, f"{prefix}comm"))


def expected(rows: pd.DataFrame, v: dict[str, float], boundary: str) -> dict[str, float]:
    """The Python chain (infertrends.model.chain.energy, each operator its own roofline) for each calculator row:
    a query's prefill plus its decode steps (``s2_``)."""
    out = {}
    for r in rows.itertuples():
        hw = chain.Hardware("calc", "bf16", r.peak / 1e12, r.watts, "dense tensor peak", bandwidth_gb_s=r.bandwidth / 1e9)
        steps = [_step(r)] + ([_step(r, "s2_")] if r.s2_units > 0 else [])
        out[r.reference] = sum(float(chain.energy(s, hw, v["fc"], v["fm"], v["idle"], v["k"], v["host"], v["pue"])
                                     [boundary]) for s in steps)
    return out


def chosen(rows: pd.DataFrame, acc: str, precision: str, batch: int, question: str = "short-chat") -> pd.DataFrame:
    keep = rows["question"].isna() | (rows["question"] == question)
    return rows[(rows["accelerator"] == acc) & (rows["precision"] == precision) & (rows["batch"] == batch) & keep]


def open_calculator(tabs, server: str, query: str = ""):
    page = tabs(1400, 1100).visit(f"{server}/chapters/sensitivity.html{query}")
    page.wait_for_selector("#fig-calculator svg text")
    return page


def sliders(page) -> dict[str, float]:
    inputs = page.locator("#fig-calculator input[type=range]")
    assert inputs.count() == len(SLIDERS)
    return {n: float(inputs.nth(i).input_value()) for i, n in enumerate(SLIDERS)}


def test_moving_a_slider_recomputes_the_chain_in_the_browser(html, server, tabs):
    rows = pd.read_csv(html / "data" / "calculator.csv")
    start_rows = chosen(rows, "NVIDIA H100 SXM", "bf16", 64)
    page = open_calculator(tabs, server)
    start = sliders(page)
    before = shown_joules(page, start_rows)
    for ref, value in expected(start_rows, start, "facility").items():
        assert before[ref] == pytest.approx(value, rel=1e-3), ref  # labels show 4 significant digits
    # the ghost tick of each case is the central sourced estimate: at the start, where the bar ends
    for ref, value in start_rows.set_index("reference")["central_facility"].items():
        assert before[ref] == pytest.approx(value, rel=2e-3), ref
    inputs = page.locator("#fig-calculator input[type=range]")
    inputs.nth(0).fill("0.8")
    inputs.nth(5).fill("1.2")
    page.wait_for_timeout(300)
    after = shown_joules(page, start_rows)
    moved = {**start, "fc": 0.8, "pue": 1.2}
    for ref, value in expected(start_rows, moved, "facility").items():
        assert after[ref] == pytest.approx(value, rel=1e-3), ref
    vision = start_rows[start_rows["unit"] == "image"]["reference"]
    assert all(after[r] < before[r] for r in vision)  # more of the peak and a better building: less energy
    # another accelerator, precision, batch, boundary and question: the rows of that case, at the node
    selects = page.locator("#fig-calculator select")
    selects.nth(0).select_option("NVIDIA B200 (HGX B200)")
    selects.nth(1).select_option("fp8")
    selects.nth(2).select_option("8")
    selects.nth(3).select_option("node")
    page.wait_for_timeout(300)
    case = chosen(rows, "NVIDIA B200 (HGX B200)", "fp8", 8)
    shown = shown_joules(page, case)
    for ref, value in expected(case, moved, "node").items():
        assert shown[ref] == pytest.approx(value, rel=1e-3), ref
    # the question presets: their names and tokens as the assistants chapter states them (written here by hand)
    assert selects.nth(4).locator("option").all_text_contents() == [
        "a short chat answer (500 in, 400 out)", "a long-context question (10,000 in, 500 out)",
        "a reasoning answer (500 in, 5,000 out)"]
    selects.nth(4).select_option("reasoning")
    page.wait_for_timeout(300)
    reasoning = chosen(rows, "NVIDIA B200 (HGX B200)", "fp8", 8, "reasoning")
    assert set(reasoning["unit"]) >= {"query (500 in, 5,000 out)"}
    long = shown_joules(page, reasoning)
    for ref, value in expected(reasoning, moved, "node").items():
        assert long[ref] == pytest.approx(value, rel=1e-3), ref
    for ref in reasoning[reasoning["question"] == "reasoning"]["reference"]:
        assert long[ref] > 10 * shown[ref]  # 5,000 output tokens instead of 400: more than 10x the energy
    # the address keeps the case ...
    query = page.evaluate("window.location.search")
    assert "acc=NVIDIA" in query and "bat=8" in query and "boundary=node" in query and "fc=0.8" in query
    assert "q=reasoning" in query
    if os.environ.get("INFERTRENDS_SCREENSHOTS") == "1":
        page.screenshot(path=str(html.parent / "calculator-test.png"))
    # ... and the reset button restores every control
    page.locator("button.calculator-reset").click()
    page.wait_for_timeout(300)
    assert sliders(page) == start and page.evaluate("window.location.search") == ""
    assert shown_joules(page, start_rows) == before


def test_a_shared_link_opens_the_calculator_on_its_case(html, server, tabs):
    rows = pd.read_csv(html / "data" / "calculator.csv")
    case = chosen(rows, "NVIDIA H200 SXM", "int8", 1, "long-context")
    page = open_calculator(tabs, server, "?acc=NVIDIA+H200+SXM&pre=int8&bat=1&boundary=accelerator&fm=0.5&pue=9"
                                         "&q=long-context")
    values = sliders(page)
    assert values["fm"] == 0.5 and values["pue"] != 9  # a PUE of 9 is out of the slider's range: ignored
    shown = shown_joules(page, case)
    for ref, value in expected(case, values, "accelerator").items():
        assert shown[ref] == pytest.approx(value, rel=1e-3), ref


def test_ledger_page_summary_and_verdict_filter(html, server, tabs):
    """The ledger page opens with counts by chapter and verdict, and its filter narrows the rows."""
    import infertrends.thesis.ledger as ledger

    df = ledger.read(html / "data" / "reproduction.csv")
    page = tabs(1400).visit(f"{server}/reproduction.html")
    rows = "Array.from(document.querySelectorAll('table.ledger-table tbody tr'))"
    assert page.evaluate(f"{rows}.length") == len(df)
    page.select_option("#verdict-filter", "discrepancy")
    shown = page.evaluate(f"{rows}.filter(r => r.style.display !== 'none').length")
    assert shown == int((df["verdict"] == "discrepancy").sum()) > 0
    assert "e+" not in page.inner_text("main") and "e-0" not in page.inner_text("main")


def test_long_tables_have_a_filter_that_keeps_matching_rows(html, server, tabs):
    """The MLPerf chapter's table of every power result gets a filter box; typing words keeps the rows that
    contain all of them (checked against the published CSV)."""
    power = pd.read_csv(html / "data" / "mlperf-power.csv", dtype=str, keep_default_na=False)
    want = power[(power["system"].str.contains("H200") | power["accelerator_published"].str.contains("H200"))
                 & (power["benchmark"] == "resnet50") & (power["scenario"] == "Offline")]
    assert len(want) > 0
    page = tabs(420).visit(f"{server}/chapters/mlperf-power.html")
    box = page.locator(".table-filter input").last
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert box.get_attribute("placeholder").startswith(f"Filter the {len(power):,} rows")
    box.fill("H200 ResNet-50 Offline")
    page.wait_for_timeout(200)
    shown = page.evaluate("""(() => { const t = Array.from(document.querySelectorAll('table.table'))
        .find(t => t.querySelectorAll('tbody tr').length === %d);
        return Array.from(t.querySelectorAll('tbody tr')).filter(r => r.style.display !== 'none').length; })()"""
                          % len(power))
    assert shown == len(want)
    assert page.locator(".table-filter-count").last.text_content() == f"{len(want):,} of {len(power):,} rows"


HEADERS = "id => Array.from(document.getElementById(id).querySelectorAll('thead th'))"
BAR = "xpath=preceding-sibling::p[contains(@class, 'key-cols-bar')]"


def test_wide_tables_show_key_columns_on_a_phone_and_all_behind_a_button(html, server, tabs):
    """Table 12.4 (15 columns) shows its key columns at 420 px and all 15 after one click; a table that fits
    whole at 1400 px shows every column and no button. Expected headers come from the published CSV's page
    table, counted here by hand: first column, Model, Measured J and the three ratios."""
    key = ["Study", "Model", "Measured J", "Ratio (a)", "Ratio (b)", "Ratio (c)"]
    page = tabs(420).visit(f"{server}/chapters/measurements.html")
    visible = (f"({HEADERS})('tbl-measured-vs-estimated').filter(th => th.offsetParent !== null)"
               ".map(th => th.textContent.trim())")
    assert page.evaluate(visible) == key
    bar = page.locator("#tbl-measured-vs-estimated").locator(BAR)
    button = bar.locator("button")
    assert button.text_content() == "Show all 15 columns"
    button.click()
    assert len(page.evaluate(visible)) == 15
    button.click()
    assert page.evaluate(visible) == key
    page = tabs(1400).visit(f"{server}/chapters/measurements.html")
    whole = f"({HEADERS})('tbl-validation-scores').filter(th => th.offsetParent !== null).length"
    assert page.evaluate(whole) == 8
    assert not page.locator("#tbl-validation-scores").locator(BAR).is_visible()


def test_long_tables_sort_by_a_clicked_column_as_numbers(html, server, tabs):
    """Clicking "J per unit" of the table of every MLPerf power result sorts its rows by value (as numbers, not
    text: "10.5" after "9.8"), again in reverse; the expected order is the published CSV's, sorted by pandas."""
    power = pd.read_csv(html / "data" / "mlperf-power.csv")
    lowest, highest = power["joules_per_unit"].min(), power["joules_per_unit"].max()
    page = tabs(1400).visit(f"{server}/chapters/mlperf-power.html")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    header = page.locator("#tbl-mlperf-power thead th", has_text="J per unit")
    column = ("(() => { const t = document.getElementById('tbl-mlperf-power');"
              " const i = Array.from(t.querySelectorAll('thead th'))"
              ".findIndex(th => th.textContent.includes('J per unit'));"
              " return Array.from(t.tBodies[0].rows)"
              ".map(r => parseFloat(r.cells[i].textContent.replace(/,/g, ''))); })()")
    header.click()
    up = page.evaluate(column)
    assert header.get_attribute("aria-sort") == "ascending"
    assert up == sorted(up) and up[0] == pytest.approx(lowest, rel=1e-3) and len(up) == len(power)
    header.click()
    down = page.evaluate(column)
    assert down == sorted(down, reverse=True) and down[0] == pytest.approx(highest, rel=1e-3)
