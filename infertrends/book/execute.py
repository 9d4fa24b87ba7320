"""Executing chapters with papermill, in parallel worker processes, each execution cached under the hash of
everything it depends on.

A chapter is executed again only when the hash of its source, the helper
package, the data and its parameters changes, or when its cached execution is damaged.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import infertrends.book.params as params_mod
import infertrends.data as data_mod
from infertrends.book.sources import CACHE, CHAPTERS, ROOT, BuildError, chapters, log, source
from infertrends.data import data_dir

#: The helper package, every subpackage's sources included in each chapter's hash.
PACKAGE = Path(__file__).resolve().parents[1]

#: Kernel papermill runs chapters with (ipykernel's default spec in the active environment).
KERNEL = "python3"


def content_hash(chapter: str, parameters: Mapping[str, Any]) -> str:
    """Hash of everything a chapter's execution depends on."""
    h = hashlib.sha256()
    files = [(f.name, f) for f in (source(chapter), ROOT / "requirements.txt")]
    # every module of every subpackage, named by its path in the package (core/fits.py), in that order
    files += sorted((f.relative_to(PACKAGE).as_posix(), f) for f in PACKAGE.rglob("*.py"))
    files += [(f.name, f) for f in sorted(p for p in data_dir().rglob("*") if p.is_file())]
    for name, f in files:
        h.update(name.encode())
        h.update(b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    h.update(json.dumps(dict(parameters), sort_keys=True, default=str).encode())
    return h.hexdigest()


@dataclass
class Result:
    chapter: str
    notebook: Path
    data: Path
    seconds: float
    cached: bool


#: Kernel messages that say nothing about the book (ipykernel 7 warns about its local TCP transport).
NOISE = ("Kernel is running over TCP without encryption",  # jupyter_client on a local kernel
         "KeyboardInterrupt caught in kernel")  # ipykernel when papermill shuts a finished kernel down


@contextlib.contextmanager
def _filtered_stderr():
    """Capture the kernel's stderr (fd 2, and a warm kernel's output) and replay it without :data:`NOISE`
    lines."""
    from infertrends.book.warm import kernel_log

    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.NamedTemporaryFile(mode="w+b", prefix="infertrends-kernel-") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            with kernel_log(Path(tmp.name)):
                yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            for line in tmp.read().decode("utf-8", "replace").splitlines():
                if line.strip() and not any(n in line for n in NOISE):
                    print(line, file=sys.stderr)


#: How often a chapter's kernel is started before the build gives up. Kernels started in parallel can
#: race for a port (ZMQ "Address already in use"); the kernel then dies before it answers, no cell has
#: run, and starting another is safe.
KERNEL_START_ATTEMPTS = 3
KERNEL_DID_NOT_START = ("Kernel died before replying to kernel_info", "Kernel didn't respond in")


def _execute(chapter: str, out_dir: Path, parameters: dict[str, Any]) -> float:
    """Run one chapter with papermill into ``out_dir`` (in a worker process)."""
    import jupytext
    import papermill as pm

    from infertrends.book.warm import WarmKernelManager

    start = time.perf_counter()
    data = out_dir / "data"
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    os.environ["INFERTRENDS_EXPORT_DIR"] = str(data)
    nb = jupytext.read(source(chapter))
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    try:
        for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
            try:
                with _filtered_stderr():
                    pm.execute_notebook(nb, str(out_dir / f"{chapter}.ipynb"), parameters=parameters or None,
                                        kernel_name=KERNEL, cwd=str(CHAPTERS), progress_bar=False, log_output=False,
                                        kernel_manager_class=WarmKernelManager)
                break
            except RuntimeError as err:  # before any cell ran: the kernel never answered
                if not str(err).startswith(KERNEL_DID_NOT_START) or attempt == KERNEL_START_ATTEMPTS:
                    raise
                log(f"[retry] {chapter}: the kernel did not start ({err}); starting another "
                    f"({attempt + 1}/{KERNEL_START_ATTEMPTS})")
    except pm.PapermillExecutionError as err:
        raise BuildError(
            f"chapter '{chapter}' failed in cell {err.exec_count}: {err.ename}: {err.evalue}\n"
            f"  executed notebook with the traceback: {out_dir / (chapter + '.ipynb')}"
        ) from None
    return time.perf_counter() - start


def outputs_hash(notebook: Path, data: Path) -> str:
    """Hash of an execution's outputs (the notebook and every table), recorded beside the inputs' hash."""
    h = hashlib.sha256()
    for f in [notebook, *sorted(data.glob("*"))]:
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _damage(notebook: Path, data: Path, recorded: str) -> str | None:
    """Why a cached execution made from the right inputs cannot be reused, or ``None`` if it can."""
    if not notebook.is_file() or not data.is_dir():
        return "its notebook or its tables are missing"
    if outputs_hash(notebook, data) != recorded:
        return "its files changed after it was written" if recorded else "it has no record of its outputs' hash"
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (ValueError, KeyError, TypeError) as err:
        return f"its notebook does not parse ({type(err).__name__})"
    return None if isinstance(cells, list) else "its notebook has no list of cells"


def _cached(chapter: str, out_dir: Path, digest: str) -> Result | None:
    """The previous execution in ``out_dir`` if it was made from the same inputs (``digest``) and is intact
    (its outputs hash as recorded, its notebook parses); a damaged one is reported in one line."""
    stamp, nb = out_dir / "hash.txt", out_dir / f"{chapter}.ipynb"
    lines = stamp.read_text(encoding="utf-8", errors="replace").split("\n") if stamp.is_file() else [""]
    if lines[0] != digest:
        return None
    damage = _damage(nb, out_dir / "data", lines[1] if len(lines) > 1 else "")
    if damage is None:
        return Result(chapter, nb, out_dir / "data", 0.0, True)
    log(f"[cache] {chapter}: the cached execution in {out_dir} cannot be reused ({damage}); executing it again")
    return None


def execute(chapter: str, parameters: Mapping[str, Any] | None = None, out_dir: Path | None = None,
            force: bool = False) -> Result:
    """Execute ``chapter`` (if its hash changed or its cached execution is damaged) and return where its outputs
    are."""
    parameters = params_mod.validate(chapter, dict(parameters or {}))
    out_dir = out_dir or CACHE / chapter
    digest = content_hash(chapter, parameters)
    cached = None if force else _cached(chapter, out_dir, digest)
    if cached:
        return cached
    stamp = out_dir / "hash.txt"
    nb = out_dir / f"{chapter}.ipynb"
    out_dir.mkdir(parents=True, exist_ok=True)
    if stamp.exists():
        stamp.unlink()
    seconds = _execute(chapter, out_dir, parameters)
    stamp.write_text(f"{digest}\n{outputs_hash(nb, out_dir / 'data')}\n{seconds:.1f}", encoding="utf-8")
    return Result(chapter, nb, out_dir / "data", seconds, False)


def validate_data() -> None:
    """Validate every data file once, in this process, before any chapter runs (each problem reported once)."""
    from infertrends.data.schema import DataError

    try:
        data_mod.validate_all()
    except DataError as err:
        raise BuildError(str(err)) from None


def _die_with(parent: int, warm: bool = True) -> None:
    """Initializer of a pool worker: die when the build process dies, even by SIGKILL (which runs no clean-up),
    so no worker is left running; a worker's kernel then exits too (ipykernel polls its parent, JPY_PARENT_PID).
    With ``warm``, start the worker's warm kernel process (:mod:`infertrends.book.warm`)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    else:  # elsewhere: a watcher thread polls the parent
        import threading

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the build died before the signal was armed
        os._exit(1)
    if warm:
        from infertrends.book.warm import start_zygote

        start_zygote()


def worker_pool(jobs: int, warm: bool = True) -> ProcessPoolExecutor:
    """``jobs`` worker processes that die with this process (:func:`_die_with`), each forking its chapters'
    kernels from a warm process unless ``warm`` is false."""
    return ProcessPoolExecutor(max_workers=max(1, jobs), initializer=_die_with, initargs=(os.getpid(), warm))


#: Each chapter's seconds in the last ``make bench`` (bench/bench.py writes it): the order of a clean build, whose
#: cache holds no timings yet (in the table of contents' order the longest chapters ran last, one worker idle).
MEASURED_SECONDS = ROOT / "bench" / "chapter-seconds.json"


def cached_seconds(chapter: str) -> float | None:
    """How long the chapter's last execution in the build took (its cache's record), or None."""
    try:
        return float((CACHE / chapter / "hash.txt").read_text(encoding="utf-8").split("\n")[2])
    except (OSError, IndexError, ValueError):
        return None


def _last_seconds(chapter: str) -> float:
    """How long the chapter's last execution in the build took; else how long it took in the last ``make bench``
    (0 if neither is known)."""
    cached = cached_seconds(chapter)
    if cached is not None:
        return cached
    try:
        return float(json.loads(MEASURED_SECONDS.read_text(encoding="utf-8")).get(chapter, 0.0))
    except (OSError, ValueError, TypeError, AttributeError):
        return 0.0


def execute_all(names: list[str] | None = None, jobs: int = 2, force: bool = False, warm: bool = True) -> list[Result]:
    """Validate the data once, then execute chapters in parallel (``jobs`` processes), printing progress; with
    ``warm``, each chapter's kernel is forked from its worker's warm process (:mod:`infertrends.book.warm`).
    The workers start first, so their warm processes import while this process validates the data."""
    names = names or chapters()
    results: dict[str, Result] = {}
    todo: list[str] = []
    for name in names:
        cached = None if force else _cached(name, CACHE / name, content_hash(name, {}))
        if cached:
            results[name] = cached
            log(f"[{len(results)}/{len(names)}] {name}: unchanged, using cached execution")
        else:
            todo.append(name)
    todo.sort(key=_last_seconds, reverse=True)  # the longest first, so no worker is left with one at the end
    if not todo:
        validate_data()
    else:
        failures: list[str] = []
        with worker_pool(min(jobs, len(todo)), warm=warm) as pool:
            pool.submit(os.getpid)  # starts the workers, whose warm processes import while the data is validated
            validate_data()
            log(f"executing {len(todo)} chapter(s) with papermill ({min(jobs, len(todo))} in parallel): "
                + ", ".join(todo))
            futures = {pool.submit(execute, name, None, None, True): name for name in todo}  # not cached
            for fut in as_completed(futures):
                name = futures[fut]
                try:
                    results[name] = fut.result()
                    log(f"[{len(results)}/{len(names)}] {name}: executed in {results[name].seconds:.1f} s")
                except Exception as err:  # report every failing chapter, then stop
                    failures.append(f"{name}: {err}")
                    log(f"[failed] {name}: {err}")
        if failures:
            raise BuildError("chapter execution failed:\n  " + "\n  ".join(failures))
    return [results[n] for n in names]
