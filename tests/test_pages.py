"""Every page read as a reader would, in a real browser (Playwright driving Debian's Chromium, offline),
at a desktop width and a phone width: no sideways scrolling, no chart wider than the screen, every chart
drawn, every equation typeset by the local MathJax and none wider than its column, no request leaving
127.0.0.1 (recorded, then refused), no wide table without a line saying it scrolls, no table over
1.2 times its box without a key-columns view, no table caption running off the screen (folded ones
unfolded), no chart text under 8 px, no chart label cut with an ellipsis, no 'nan', e-notation or traceback in the text or the charts; and at 1400 px a page leads with
its finding (its first chart within 1.5 screens, no code on the first screen), checked in the same visit.
With INFERTRENDS_SCREENSHOTS=1 (`make screenshots`), full-page screenshots go to
book/_build/screenshots/ (a third of each check's time, so not by default)."""

from __future__ import annotations

import os
import re

import pytest

import infertrends.book.sources as sources

PAGES = ["intro.html"] + [f"chapters/{c}.html" for c in sources.chapters()] + ["reproduction.html", "bibliography.html"]
WIDTHS = (1400, 420)
BAD_TEXT = re.compile(r"\bnan\b|\bNaN\b|\d[eE][+-]\d|Traceback \(most recent call last\)")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_name", PAGES)
def test_page_reads_well(html, server, tabs, page_name, width):
    tab = tabs(width)  # offline: every request for another host is recorded and refused
    page = tab.visit(f"{server}/{page_name}")
    source = (html / page_name).read_text(encoding="utf-8")
    expected = len(set(re.findall(r'id="(altair-viz-[0-9a-f]+)"', source)))
    if expected:
        page.wait_for_function(f"document.querySelectorAll('[role=graphics-document]').length >= {expected}",
                               timeout=20000)
    maths = "\\(" in source or "\\[" in source or 'class="math' in source
    if maths:  # typeset by the local MathJax (a remote copy would have been refused)
        page.wait_for_function("document.querySelectorAll('mjx-container').length > 0", timeout=20000)
    found = page.evaluate("""() => {
        const vw = document.documentElement.clientWidth;
        return {overflow: document.documentElement.scrollWidth - vw,
                wide: Array.from(document.querySelectorAll('.vega-embed'))
                      .filter(e => e.getBoundingClientRect().width > vw + 1).length,
                charts: document.querySelectorAll('[role=graphics-document]').length,
                typeset: document.querySelectorAll('mjx-container').length,
                errors: document.querySelectorAll('.vega-embed .error, div.error').length,
                labels: Array.from(document.querySelectorAll('.vega-embed svg text')).map(t => t.textContent),
                // displayed equations wider than their box (they must fit, not clip or scroll)
                equations: Array.from(document.querySelectorAll('mjx-container[display="true"]'))
                           .filter(e => e.scrollWidth > e.clientWidth + 1).length,
                // tables wider than their box without the line above that says they scroll
                uncued: Array.from(document.querySelectorAll('table.table'))
                        .filter(t => t.scrollWidth > t.clientWidth + 1)
                        .filter(t => !(t.previousElementSibling && t.previousElementSibling.classList.contains('scroll-cue')
                                       && t.previousElementSibling.getBoundingClientRect().height > 0)).length,
                // scroll cues beyond one per wide table (each says so once, right above its table)
                cues: document.querySelectorAll('p.scroll-cue').length - Array.from(document.querySelectorAll('table.table'))
                      .filter(t => t.scrollWidth > t.clientWidth + 1).length,
                // tables much wider than their box (over 1.2 times) without a key-columns view
                unkeyed: Array.from(document.querySelectorAll('table.table'))
                         .filter(t => t.scrollWidth > 1.2 * t.clientWidth && !t.classList.contains('key-cols'))
                         .map(t => t.id),
                // chart text running past its chart's right edge (the SVG clips it)
                clipped: Array.from(document.querySelectorAll('.vega-embed svg.marks')).flatMap(svg => {
                    const right = svg.getBoundingClientRect().right;
                    return Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim()
                        && t.getBoundingClientRect().right > right + 2)  // 2 px: a glyph's side bearing
                        .map(t => t.textContent.slice(0, 40) + ' (' + Math.round(t.getBoundingClientRect().right - right) + ' px)');
                }),
                // chart text as drawn: font size times the factor the page scaled the chart by
                tiny: Array.from(document.querySelectorAll('.vega-embed svg')).flatMap(svg => {
                    const w = parseFloat(svg.getAttribute('width')) || svg.getBoundingClientRect().width;
                    const k = svg.getBoundingClientRect().width / w;
                    return Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim())
                        .map(t => [t.textContent.slice(0, 30), parseFloat(getComputedStyle(t).fontSize) * k])
                        .filter(x => x[1] < 8);
                })};
    }""")
    if os.environ.get("INFERTRENDS_SCREENSHOTS") == "1":
        shots = html.parent / "screenshots"
        shots.mkdir(exist_ok=True)
        page.screenshot(path=str(shots / f"{page_name.replace('/', '-')[:-5]}-{width}.png"), full_page=True)
    text = page.inner_text("main")
    lead = _lead(page, page_name) if width == 1400 and page_name in LEAD_PAGES else None
    # a wide table scrolls sideways, but its caption stays within the screen (folded tables unfolded)
    captions = page.evaluate("""() => {
        document.querySelectorAll('details').forEach(d => d.open = true);
        const vw = document.documentElement.clientWidth;
        return Array.from(document.querySelectorAll('table.table > caption'))
            .filter(c => c.getBoundingClientRect().right > vw + 1).map(c => c.textContent.slice(0, 40));
    }""")
    assert found["overflow"] <= 0, f"{page_name} scrolls sideways at {width} px by {found['overflow']} px"
    assert found["wide"] == 0, f"{page_name}: {found['wide']} charts wider than the screen at {width} px"
    assert found["charts"] == expected and found["errors"] == 0, (
        f"{page_name}: {found['charts']} of {expected} charts drawn, {found['errors']} errors")
    assert tab.remote == [], f"{page_name} requested remote resources: {sorted(set(tab.remote))[:5]}"
    assert any(u.startswith(server + "/") for u in tab.requests), "no request was recorded; the check would prove nothing"
    if maths:
        assert found["typeset"] > 0, f"{page_name}: the maths was not typeset by the local MathJax"
    assert found["equations"] == 0, f"{page_name}: {found['equations']} equations wider than the column at {width} px"
    assert not captions, f"{page_name}: table captions run off the screen at {width} px: {captions}"
    assert found["uncued"] == 0, f"{page_name}: {found['uncued']} wide tables without a scroll cue at {width} px"
    assert found["cues"] == 0, f"{page_name}: {found['cues']} scroll cues more than wide tables at {width} px"
    assert not found["unkeyed"], f"{page_name}: tables over 1.2 times their box without key columns: {found['unkeyed']}"
    assert not found["clipped"], f"{page_name}: chart text cut at the chart's right edge at {width} px: {found['clipped']}"
    assert not found["tiny"], f"{page_name}: chart text under 8 px at {width} px: {found['tiny'][:3]}"
    cut = [label for label in found["labels"] if "\u2026" in label]
    assert not cut, f"{page_name}: chart labels cut with an ellipsis at {width} px: {cut[:5]}"
    bad = [m.group(0) for m in BAD_TEXT.finditer(text + "\n" + "\n".join(found["labels"]))]
    assert not bad, f"{page_name} shows {bad[:5]}"
    if lead is not None:  # the finding first, the method after (checked in the same visit at 1400 px)
        what, where = lead
        assert where["lead"] is not None, f"{page_name}: no {what} on the page"
        assert where["lead"] <= 1.5 * where["screen"], (
            f"{page_name}: the first {what.split()[-1]} starts at {where['lead']:.0f} px, beyond 1.5 screens")
        assert not where["code"], f"{page_name}: code on the first screen: {where['code'][:3]}"


#: Pages without a chart lead with a table instead (the appendix of data tables).
LEADS_WITH_TABLE = {"chapters/data-tables.html"}

#: Pages that lead with their finding: at 1400 x 900 px the page's first chart (a table for an appendix of
#: tables) starts within 1.5 screens, and no code, command or code cell is on the first screen.
LEAD_PAGES = ["intro.html"] + [f"chapters/{c}.html" for c in sources.chapters()]


def _lead(page, page_name: str) -> tuple[str, dict]:
    """Where the page's first chart (or table) starts, the screen's height and any code on the first screen."""
    lead = "article table" if page_name in LEADS_WITH_TABLE else "article .vega-embed"
    return lead, page.evaluate("""(lead) => {
        window.scrollTo(0, 0);
        const top = e => e.getBoundingClientRect().top + window.scrollY;
        const shown = e => e.getBoundingClientRect().height > 0;
        const first = Array.from(document.querySelectorAll(lead)).filter(shown)[0];
        const code = Array.from(document.querySelectorAll('article code, article pre, article .cell_input'))
            .filter(shown).filter(e => top(e) < window.innerHeight).map(e => e.textContent.slice(0, 60));
        return {lead: first ? top(first) : null, code: code, screen: window.innerHeight};
    }""", lead)


