"""`make lab`: the chapters open in Jupyter as notebooks, their kernel runs this repository's helper package, and
opening one changes no source.

What this proves, on a Jupyter server started headless as `make lab` starts JupyterLab (this environment's
interpreter, the repository as root folder, `.jupyter/` on JUPYTER_CONFIG_PATH and JUPYTER_PATH):

- jupytext's contents manager (its server extension, installed with jupytext) serves every chapter's MyST source
  `book/chapters/*.md` through the contents API as a notebook, with as many code cells as the source has
  `{code-cell}` blocks, the first one tagged `parameters`, and code that imports `infertrends`;
- a kernel started the way JupyterLab starts one for a chapter (a session on that path, kernel spec `python3`) runs
  in `book/chapters/` (where papermill runs chapters) with the server's interpreter, and imports `infertrends` from
  this repository's `infertrends/__init__.py` on disk; the kernel is gone once its session is deleted;
- saving an unchanged chapter with the metadata the kernel gives it (what JupyterLab's autosave does to a chapter
  just opened) writes the same bytes: no `jupytext_version` line (`jupytext.toml`), the same kernel display name;
- the shipped JupyterLab setting names the viewer that jupytext's JupyterLab extension registers, and, where
  JupyterLab is installed (requirements-lab.txt), the server serves it as the default viewer of Markdown files and
  fetches no news.

Each server listens on 127.0.0.1 (a free port, a token), runs in its own process group and is stopped at teardown;
Jupyter's config, data and runtime folders and IPython's are temporary, and the save writes into a temporary copy,
so the tests write nothing in the repository.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "book" / "chapters"
SETTINGS = ROOT / ".jupyter"
OVERRIDES = SETTINGS / "labconfig" / "default_setting_overrides.json"
DOCMANAGER = "@jupyterlab/docmanager-extension:plugin"
START_TIMEOUT = 30.0  # seconds for the server to answer /api/status


@dataclass
class Server:
    """A running Jupyter server: its address, token, process and the kernel processes a test started."""

    url: str
    token: str
    process: subprocess.Popen
    log: Path
    kernel_pids: list[int] = field(default_factory=list)

    def request(self, method: str, path: str, body: dict | None = None) -> Any:
        """Send one authenticated request to the REST API and return the decoded JSON answer (None if empty)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as answer:
            raw = answer.read()
        return json.loads(raw) if raw else None


def free_port() -> int:
    """A TCP port free on 127.0.0.1 at the time of asking."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alive(pid: int) -> bool:
    """Whether a process of that id still exists (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def jupyter_env(tmp: Path) -> dict[str, str]:
    """The environment `make lab` gives Jupyter, with every folder Jupyter or IPython writes to made temporary."""
    env = dict(os.environ)
    env["JUPYTER_CONFIG_PATH"] = env["JUPYTER_PATH"] = str(SETTINGS)
    for name, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                      ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"), ("XDG_CONFIG_HOME", "xdg")]:
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(tmp / sub)
    env.pop("JUPYTER_TOKEN", None)
    return env


def wait_until_up(server: Server) -> None:
    """Poll /api/status until the server answers; fail with its log if it exits or never answers."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"the Jupyter server exited ({server.process.returncode}):\n{server.log.read_text()}")
        try:
            server.request("GET", "/api/status")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"the Jupyter server did not answer within {START_TIMEOUT:.0f} s:\n{server.log.read_text()}")


def stop(server: Server) -> None:
    """Stop the server's process group (TERM, then KILL) and any kernel it left running."""
    for sig, wait in [(signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)]:
        if server.process.poll() is not None:
            break
        try:
            os.killpg(server.process.pid, sig)
        except ProcessLookupError:
            break
        try:
            server.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
    for pid in server.kernel_pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


@contextmanager
def running_server(root: Path, tmp: Path) -> Iterator[Server]:
    """A headless Jupyter server rooted at `root`, configured as `make lab` configures JupyterLab; stopped on exit."""
    if importlib.util.find_spec("jupyter_server") is None:
        pytest.fail("jupyter_server is not installed in this environment: it is pinned in requirements.txt "
                    "(`make .venv/.installed-stamp`, or `.venv/bin/pip install -r requirements.txt`)")
    tmp.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), uuid.uuid4().hex
    log = tmp / "server.log"
    cmd = [sys.executable, "-m", "jupyter_server", "--ServerApp.open_browser=False", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root}", "--ServerApp.allow_root=True"]
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, cwd=tmp, env=jupyter_env(tmp), stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    running = Server(f"http://127.0.0.1:{port}", token, process, log)
    try:
        wait_until_up(running)
        yield running
    finally:
        stop(running)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server rooted at the repository for the module's read-only tests."""
    with running_server(ROOT, tmp_path_factory.mktemp("jupyter")) as running:
        yield running


def code_cells(model: dict) -> list[dict]:
    """The code cells of a notebook model from the contents API."""
    return [c for c in model["content"]["cells"] if c["cell_type"] == "code"]


def test_server_uses_jupytext_contents_manager(server: Server) -> None:
    """Without this, `.md` files come back as plain files: the shipped set-up relies on jupytext's server extension."""
    model = server.request("GET", "/api/contents/book/chapters/trends.md?type=notebook&content=1")
    assert model["type"] == "notebook" and model["format"] == "json", model.get("type")
    assert model["path"] == "book/chapters/trends.md"


@pytest.mark.parametrize("chapter", sorted(p.stem for p in CHAPTERS.glob("*.md")))
def test_every_chapter_opens_as_a_notebook_with_parameters_first(server: Server, chapter: str) -> None:
    """Each chapter's source, read by the server as a notebook: the cells of the source, `parameters` first."""
    model = server.request("GET", f"/api/contents/book/chapters/{chapter}.md?type=notebook&content=1")
    assert model["type"] == "notebook", f"{chapter}.md opens as {model['type']}, not as a notebook"
    cells = code_cells(model)
    source = (CHAPTERS / f"{chapter}.md").read_text(encoding="utf-8")
    assert len(cells) == len(re.findall(r"^```\{code-cell\}", source, flags=re.M)), "code cells lost or invented"
    assert "parameters" in cells[0]["metadata"].get("tags", []), f"{chapter}: the first code cell is not `parameters`"
    assert any(re.search(r"^\s*(import|from) infertrends\b", c["source"], flags=re.M) for c in cells), \
        f"{chapter}: no code cell imports infertrends"


def execute(server: Server, kernel_id: str, code: str, timeout: float = 30.0) -> str:
    """Run code in a kernel through the server's websocket, as JupyterLab does; return its stdout (fail on error)."""
    import websocket  # websocket-client, a dependency of jupyter_server
    from jupyter_client.jsonutil import json_default
    from jupyter_client.session import Session

    session = Session(username="test_lab")
    ws_url = server.url.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels?session_id={session.session}"
    ws = websocket.create_connection(ws_url, header=[f"Authorization: token {server.token}"], timeout=timeout)
    try:
        msg = session.msg("execute_request", content={"code": code, "silent": False, "store_history": False,
                                                       "user_expressions": {}, "allow_stdin": False,
                                                       "stop_on_error": True})
        msg["channel"] = "shell"
        ws.send(json.dumps(msg, default=json_default))
        out: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = json.loads(ws.recv())
            if reply.get("parent_header", {}).get("msg_id") != msg["header"]["msg_id"]:
                continue
            kind, content = reply["msg_type"], reply["content"]
            if kind == "stream" and content["name"] == "stdout":
                out.append(content["text"])
            elif kind == "error":
                pytest.fail(f"the kernel raised {content['ename']}: {content['evalue']}")
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(out)
        pytest.fail(f"the kernel did not finish within {timeout:.0f} s")
    finally:
        ws.close()


def test_a_chapter_kernel_imports_the_package_of_this_repository(server: Server) -> None:
    """The kernel JupyterLab starts for a chapter: this interpreter, the chapter's folder, the repository's package."""
    session = server.request("POST", "/api/sessions", {"path": "book/chapters/trends.md", "name": "trends.md",
                                                       "type": "notebook", "kernel": {"name": "python3"}})
    code = ("import json, os, sys, infertrends\n"
            "print(json.dumps({'file': infertrends.__file__, 'cwd': os.getcwd(), 'python': sys.executable, "
            "'pid': os.getpid()}))\n")
    try:
        seen = json.loads(execute(server, session["kernel"]["id"], code).strip().splitlines()[-1])
        server.kernel_pids.append(seen["pid"])
    finally:
        server.request("DELETE", f"/api/sessions/{session['id']}")
    package = ROOT / "infertrends" / "__init__.py"
    assert package.is_file() and Path(seen["file"]).is_file()
    assert os.path.samefile(seen["file"], package), f"the kernel imported {seen['file']}, not {package}"
    assert os.path.samefile(seen["cwd"], CHAPTERS), f"the kernel runs in {seen['cwd']}, not in {CHAPTERS}"
    assert seen["python"] == sys.executable, f"the kernel runs {seen['python']}, not {sys.executable}"
    deadline = time.monotonic() + 10
    while alive(seen["pid"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(seen["pid"]), "the kernel outlived its deleted session"


def test_saving_an_unchanged_chapter_writes_the_same_bytes(tmp_path: Path) -> None:
    """JupyterLab autosaves a chapter once its kernel has set the notebook's kernelspec and language_info: with the
    shipped kernel spec (`.jupyter/kernels/python3`) and `jupytext.toml` (copied, as jupytext looks for it from the
    chapter's folder up to the server's root), that save of an unchanged chapter leaves its source byte for byte."""
    original = (CHAPTERS / "trends.md").read_bytes()
    copy = tmp_path / "root" / "book" / "chapters" / "trends.md"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(original)
    shutil.copy(ROOT / "jupytext.toml", tmp_path / "root" / "jupytext.toml")  # read from the root folder up
    path = "/api/contents/book/chapters/trends.md"
    with running_server(tmp_path / "root", tmp_path / "jupyter") as running:
        spec = running.request("GET", "/api/kernelspecs")["kernelspecs"]["python3"]["spec"]
        notebook = running.request("GET", f"{path}?type=notebook&content=1")["content"]
        notebook["metadata"].setdefault("kernelspec", {}).update(
            name="python3", display_name=spec["display_name"], language=spec["language"])
        notebook["metadata"]["language_info"] = {"name": "python", "version": platform.python_version(),
                                                 "file_extension": ".py", "mimetype": "text/x-python"}
        running.request("PUT", path, {"type": "notebook", "format": "json", "content": notebook})
    saved = copy.read_bytes()
    assert saved == original, "saving an unchanged chapter rewrote it:\n" + "\n".join(
        line for line in saved.decode().splitlines()[:14] if line not in original.decode().splitlines())


def jupytext_viewer_names() -> set[str]:
    """Names of the document viewers that jupytext's JupyterLab extension (shipped in its wheel) registers."""
    spec = importlib.util.find_spec("jupyterlab_jupytext")
    assert spec is not None and spec.origin is not None, "jupytext's JupyterLab extension is not installed"
    static = Path(spec.origin).parent / "labextension" / "static"
    return {m for js in static.glob("*.js") for m in re.findall(r'\.FACTORY="([^"]+)"', js.read_text("utf-8"))}


def test_shipped_setting_opens_markdown_with_jupytext_viewer() -> None:
    """The default viewer `.jupyter/` sets for Markdown is one that jupytext's JupyterLab extension registers."""
    viewers = json.loads(OVERRIDES.read_text(encoding="utf-8"))[DOCMANAGER]["defaultViewers"]
    registered = jupytext_viewer_names()
    assert registered, "no viewer name found in jupytext's JupyterLab extension"
    assert viewers["markdown"] in registered, f"{viewers['markdown']!r} is not one of {sorted(registered)}"


def test_jupyterlab_serves_the_setting_and_fetches_no_news(server: Server) -> None:
    """JupyterLab (requirements-lab.txt) reads `.jupyter/`: Markdown opens as a notebook, no news or update check."""
    if importlib.util.find_spec("jupyterlab") is None:
        pytest.skip("JupyterLab is not installed (optional): `make lab` or "
                    "`.venv/bin/pip install -r requirements-lab.txt` installs it")
    settings = server.request("GET", f"/lab/api/settings/{DOCMANAGER}")
    default = settings["schema"]["properties"]["defaultViewers"]["default"]
    assert default.get("markdown") == "Jupytext Notebook", default
    assert server.request("GET", "/lab/api/news") == {"news": []}
    assert server.request("GET", "/lab/api/update") == {"notification": None}
