"""Shared fixtures: paths of the repository, the built site and the thesis text; the site served, and one
headless Chromium per test process for the browser tests."""

from __future__ import annotations

import contextlib
import csv
import functools
import http.server
import io
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "book" / "_build" / "html"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def html() -> Path:
    index = HTML / "index.html"
    if not index.exists():
        pytest.fail(f"the book is not built ({index} missing): run `make book` (make test does it first)")
    return HTML


def _origin() -> Path | None:
    """The repository this checkout was cloned from, when that is a local folder."""
    try:
        url = subprocess.run(["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"],
                             capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return None
    path = Path(url.removeprefix("file://")) if url else None
    return path.resolve() if path is not None and path.is_dir() else None


def thesis_path() -> Path:
    """The thesis text, from THESIS_TXT or shared/ beside the repository (or beside the local
    repository it was cloned from, for a throw-away clone in a temporary folder)."""
    candidates = [Path(os.environ["THESIS_TXT"])] if os.environ.get("THESIS_TXT") else []
    candidates += [ROOT.parent / "shared" / "thesis" / "thesis.txt", ROOT / "shared" / "thesis" / "thesis.txt"]
    origin = _origin()
    if origin is not None:
        candidates.append(origin.parent / "shared" / "thesis" / "thesis.txt")
    for c in candidates:
        if c.exists():
            return c
    raise FileNotFoundError("thesis.txt not found; set THESIS_TXT or place shared/ beside the repository: "
                            + ", ".join(map(str, candidates)))


@pytest.fixture(scope="session")
def thesis_text() -> str:
    """The thesis text. It is not in the repository: where it is absent (a CI runner elsewhere), the
    transcription tests fail, unless INFERTRENDS_ALLOW_MISSING_THESIS=1 says to skip them knowingly."""
    try:
        return thesis_path().read_text(encoding="utf-8")
    except FileNotFoundError as err:
        if os.environ.get("INFERTRENDS_ALLOW_MISSING_THESIS") == "1":
            pytest.skip(f"{err} (skipped: INFERTRENDS_ALLOW_MISSING_THESIS=1)")
        raise


def data_copy_with(tmp_path: Path, filename: str, edit) -> Path:
    """A copy of the data folder under ``tmp_path`` whose ``filename`` (e.g. ``extension/disclosures.csv``) has its
    rows (dicts, in file order) changed by ``edit``; the copy's path (for ``INFERTRENDS_DATA_DIR``)."""
    import shutil

    from infertrends.data import data_dir

    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    path = copy / filename
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    edit(rows)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return copy


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(html):
    """The built site served on 127.0.0.1 (a free port), for browser tests."""
    handler = functools.partial(QuietHandler, directory=str(html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's, driven by Playwright) for every browser test of this test process (its
    tabs: :func:`tabs`)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium"),
                              args=["--no-sandbox", "--disable-background-networking"])
        yield b
        b.close()


#: Every address but the local server's: refused, so that a page that needs the network fails its checks.
REMOTE = re.compile(r"^(?!http://127\.0\.0\.1[:/]).*")


class Tab:
    """A browser tab kept open at one width, offline: each :meth:`visit` navigates it to a new page (a fresh
    document, as a reader following a link, with the browser's cache) and records that page's requests; any
    request for another host is recorded in :attr:`remote` and refused. Navigating one tab costs about half the
    time and 40 % of the processor of opening a new one per page (a new renderer process each)."""

    def __init__(self, browser, width: int, height: int = 900) -> None:
        self.page = browser.new_context(viewport={"width": width, "height": height}).new_page()
        self.remote: list[str] = []
        self.requests: list[str] = []
        self.page.route(REMOTE, self._refuse)
        self.page.on("request", lambda request: self.requests.append(request.url))

    def _refuse(self, route) -> None:
        self.remote.append(route.request.url)
        route.abort()

    def visit(self, url: str):
        """The tab's page, navigated to ``url`` (the lists of requests start empty)."""
        self.remote.clear()
        self.requests.clear()
        self.page.goto(url)
        return self.page


@pytest.fixture(scope="session")
def tabs(browser):
    """``tabs(width, height=900)``: this test process's :class:`Tab` of that size, opened on first use."""
    opened: dict[tuple[int, int], Tab] = {}

    def tab(width: int, height: int = 900) -> Tab:
        if (width, height) not in opened:
            opened[width, height] = Tab(browser, width, height)
        return opened[width, height]

    return tab


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m infertrends ARGS`` run in this process (from ``cwd``): its exit code, stdout and stderr, as
    :func:`subprocess.run` returns them, without starting an interpreter and importing the package again for
    each call. An exception the command does not turn into a one-line error propagates (the test fails).
    Tests of what only a process shows (the exit code seen by a shell, stray output of kernels, signals, make)
    still run the command as a process."""
    from infertrends.book.cli import main

    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            os.chdir(cwd or here)
            code = main(list(args))
        except SystemExit as exit_:  # argparse's usage errors
            code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
        finally:
            os.chdir(here)
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def run_estimate(*args: str) -> subprocess.CompletedProcess:
    """``python -m infertrends estimate ARGS`` run in this process (:func:`run_cli`)."""
    return run_cli("estimate", *args)
