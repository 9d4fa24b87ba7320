"""The in-page calculator of the sensitivity chapter, driven in a real browser (Playwright + Debian's
Chromium, offline): moving a slider changes the shown Joules exactly as the Python chain says."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

import infertrends.chain as chain

playwright = pytest.importorskip("playwright.sync_api")


def shown_joules(page, rows: pd.DataFrame) -> dict[str, float]:
    """The calculator's value labels ("0.01374 J per image"), read from the SVG in data order."""
    texts = page.locator("#fig-calculator svg text").all_text_contents()
    values = [re.fullmatch(r"([0-9.e+-]+) J per (.+)", t.strip()) for t in texts]
    values = [m for m in values if m]
    assert [m.group(2) for m in values] == list(rows["unit"]), "labels not in the calculator's data order"
    return {ref: float(m.group(1)) for ref, m in zip(rows["reference"], values)}


def expected(rows: pd.DataFrame, v: dict[str, float]) -> dict[str, float]:
    """The Python chain (infertrends.chain.energy) for each calculator row."""
    out = {}
    for r in rows.itertuples():
        hw = chain.Hardware("calc", "bf16", r.peak / 1e12, r.watts, "dense tensor peak", bandwidth_gb_s=r.bandwidth / 1e9)
        step = chain.Step(flops=r.flops, bytes=r.bytes, units=r.units)
        e = chain.energy(step, hw, v["fc"], v["fm"], v["idle"], v["k"], v["host"], v["pue"])
        out[r.reference] = float(e["facility"])
    return out


def test_moving_a_slider_recomputes_the_chain_in_the_browser(html, server):
    rows = pd.read_csv(html / "data" / "calculator.csv")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=["--no-sandbox", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())  # offline
        page.goto(f"{server}/chapters/sensitivity.html")
        page.wait_for_selector("#fig-calculator svg text")
        inputs = page.locator("#fig-calculator input[type=range]")
        names = ["fc", "fm", "idle", "k", "host", "pue"]
        assert inputs.count() == len(names)
        start = {n: float(inputs.nth(i).input_value()) for i, n in enumerate(names)}
        before = shown_joules(page, rows)
        for ref, value in expected(rows, start).items():
            assert before[ref] == pytest.approx(value, rel=1e-3), ref  # labels show 4 significant digits
        # move the achieved fraction of the peak and the PUE
        inputs.nth(0).fill("0.8")
        inputs.nth(5).fill("1.2")
        page.wait_for_timeout(300)
        after = shown_joules(page, rows)
        moved = {**start, "fc": 0.8, "pue": 1.2}
        for ref, value in expected(rows, moved).items():
            assert after[ref] == pytest.approx(value, rel=1e-3), ref
        vision = rows[rows["unit"] == "image"]["reference"]
        assert all(after[r] < before[r] for r in vision)  # more of the peak and a better building: less energy
        page.screenshot(path=str(html.parent / "calculator-test.png"))
        browser.close()


def test_ledger_page_summary_and_verdict_filter(html, server):
    """The ledger page opens with counts by chapter and verdict, and its filter narrows the rows."""
    import infertrends.ledger as ledger

    df = ledger.read(html / "data" / "reproduction.csv")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())
        page.goto(f"{server}/reproduction.html")
        rows = "Array.from(document.querySelectorAll('table.ledger-table tbody tr'))"
        assert page.evaluate(f"{rows}.length") == len(df)
        page.select_option("#verdict-filter", "discrepancy")
        shown = page.evaluate(f"{rows}.filter(r => r.style.display !== 'none').length")
        assert shown == int((df["verdict"] == "discrepancy").sum()) > 0
        assert "e+" not in page.inner_text("main") and "e-0" not in page.inner_text("main")
        browser.close()


def test_long_tables_have_a_filter_that_keeps_matching_rows(html, server):
    """The MLPerf chapter's table of every power result gets a filter box; typing words keeps the rows that
    contain all of them (checked against the published CSV)."""
    power = pd.read_csv(html / "data" / "mlperf-power.csv", dtype=str, keep_default_na=False)
    want = power[(power["system"].str.contains("H200") | power["accelerator_published"].str.contains("H200"))
                 & (power["benchmark"] == "resnet50") & (power["scenario"] == "Offline")]
    assert len(want) > 0
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 420, "height": 900})
        page.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())
        page.goto(f"{server}/chapters/mlperf-power.html")
        box = page.locator(".table-filter input").last
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert box.get_attribute("placeholder").startswith(f"Filter the {len(power)} rows")
        box.fill("H200 ResNet-50 Offline")
        page.wait_for_timeout(200)
        shown = page.evaluate("""(() => { const t = Array.from(document.querySelectorAll('table.table'))
            .find(t => t.querySelectorAll('tbody tr').length === %d);
            return Array.from(t.querySelectorAll('tbody tr')).filter(r => r.style.display !== 'none').length; })()"""
                              % len(power))
        assert shown == len(want)
        assert page.locator(".table-filter-count").last.text_content() == f"{len(want)} of {len(power)} rows"
        browser.close()


def test_table_captions_wrap_within_a_phone_screen(html, server):
    """At 420 px a wide table scrolls sideways, but its caption stays within the screen (it used to run
    off it with the table)."""
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 420, "height": 900})
        page.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())
        page.goto(f"{server}/chapters/mlperf-power.html")
        rights = page.evaluate("Array.from(document.querySelectorAll('table.table > caption'))"
                               ".map(c => c.getBoundingClientRect().right)")
        assert rights and max(rights) <= 420
        browser.close()
