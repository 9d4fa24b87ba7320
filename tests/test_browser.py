"""The built pages render in headless Chromium with the network blocked, and fetch nothing remote.

Chromium runs with every host name mapped to NOTFOUND except 127.0.0.1, and writes a net log
of every request it makes; the test asserts that all charts rendered (Vega adds
``role="graphics-document"``), the maths was typeset, and every request went to the local server.

This is the independent check of the browser's own record (its net log, no interception) for two pages: the
front page and a chapter with charts and maths. Every page is also visited in tests/test_pages.py, where
Playwright records and refuses any request leaving 127.0.0.1 and checks charts and maths in the same visit.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import infertrends.book.sources as sources

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.fail("chromium is not installed: `make test` installs Debian's chromium")
    return exe


def render(url: str, tmp: Path) -> tuple[str, list[tuple[str, str]]]:
    """DOM after scripts ran, and ``(initiator, url)`` of every request the browser started.

    Requests the page makes carry the page's origin as initiator; the browser's own
    background services (update checks, account lookups) carry "not an origin".
    """
    netlog = tmp / "netlog.json"
    cmd = [chromium(), *FLAGS, f"--user-data-dir={tmp / 'profile'}", f"--log-net-log={netlog}",
           "--virtual-time-budget=15000", "--dump-dom", url]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = netlog.read_text(encoding="utf-8", errors="replace")
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # chromium may leave the closing bracket off if killed
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    requests = []
    for event in log.get("events", []):
        params = event.get("params") or {}
        if event.get("type") == start_job and isinstance(params.get("url"), str):
            requests.append((str(params.get("initiator", "")), params["url"]))
    return proc.stdout, requests


def page_requests(requests: list[tuple[str, str]], base: str, page_url: str) -> list[str]:
    """URLs the page itself asked for (its own navigation, and anything its HTML or scripts load)."""
    return [url for initiator, url in requests if initiator.startswith(("http", "null", "file")) or url == page_url]


#: The front page and a chapter with charts and typeset maths.
PAGES = ["intro.html", "chapters/sensitivity.html"]


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_offline(html, server, tmp_path, page):
    source = (html / page).read_text(encoding="utf-8")
    expected_charts = len(set(re.findall(r'id="(altair-viz-[0-9a-f]+)"', source)))
    dom, requests = render(f"{server}/{page}", tmp_path)
    urls = page_requests(requests, server, f"{server}/{page}")
    # Altair's template writes a red error div into the chart's place (its script text holds the
    # same tag with a ${err} placeholder, which does not count)
    errors = re.findall(r'<div class="error" style="color:red;">(?!\$\{err\})(.{0,200})', dom)
    assert not errors, f"{page}: a chart failed to load or render: {errors}"
    rendered = dom.count('role="graphics-document"')
    assert rendered == expected_charts, f"{page}: {rendered} of {expected_charts} charts rendered"
    if "\\(" in source or "\\[" in source or 'class="math' in source:
        assert "<mjx-container" in dom, f"{page}: maths was not typeset by the local MathJax"
    assert urls, "the net log recorded no request at all; the check would prove nothing"
    assert any(u.startswith(server) for u in urls)
    remote = sorted({u for u in urls if not u.startswith((server + "/", "data:", "blob:"))})
    assert remote == [], f"{page} requested remote resources"


def test_every_glued_figure_is_on_its_page(html):
    for chapter in sources.chapters():
        source = sources.source(chapter).read_text(encoding="utf-8")
        figures = set(re.findall(r"```\{glue:figure\} (\S+)", source))
        text = (html / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
        charts = len(set(re.findall(r'id="(altair-viz-[0-9a-f]+)"', text)))
        assert charts >= len(figures), f"{chapter}: {len(figures)} figures in the source, {charts} charts on the page"
        for name in figures:
            assert f'id="{name}"' in text, f"{chapter}: figure {name} is missing from the page"
