"""Shared fixtures: paths of the repository, the built site and the thesis text."""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import os
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


def run_estimate(*args: str) -> subprocess.CompletedProcess:
    """``python -m infertrends estimate ARGS`` run in this process: its exit code, stdout and stderr, as
    :func:`subprocess.run` returns them, without starting an interpreter and importing the package again for
    each call. tests/test_cli.py and tests/test_safety.py still run the command as a process (its exit code,
    tracebacks and noise as a user sees them)."""
    from infertrends.book.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["estimate", *args])
        except SystemExit as exit_:  # argparse's usage errors
            code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
    return subprocess.CompletedProcess(["estimate", *args], code, out.getvalue(), err.getvalue())
