"""Warm kernels: each build worker keeps one process (the *zygote*) that has already imported what every
chapter imports (pandas, altair, scipy, IPython, ipykernel and this package), and forks a fresh kernel from
it for each chapter.

A chapter's kernel is still its own process, started for that chapter alone and gone after it: it starts from
the zygote's state, in which no chapter has run, so nothing one chapter does can reach another (the build's
tests compare a chapter run alone with the same chapter run after the others).  What is saved is the kernel's
start and the imports, about 3 s of CPU time per chapter.  The zygote reaps its kernels and the worker reaps
the zygote, so their CPU time is counted where the build's is (``make bench``).  If the zygote cannot start,
or a kernel spec is not ipykernel's, the kernel is started the usual way.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

from jupyter_client import AsyncKernelManager

from infertrends.book.startup import leave_out

#: The libraries every chapter imports in its first cell, and the chapters' parameters.
WARM_MODULES: tuple[str, ...] = (
    "numpy", "pandas", "altair", "scipy.stats", "IPython", "ipykernel.kernelapp", "ipykernel.ipkernel",
    "myst_nb.ext.glue", "infertrends.book.params")

#: The package's parts below the build, every module of which the zygote imports (the chapters use most).
WARM_PACKAGES: tuple[str, ...] = ("infertrends.core", "infertrends.data", "infertrends.present",
                                  "infertrends.thesis", "infertrends.model")

LAUNCHER = ["-m", "ipykernel_launcher"]


def _die_with_parent() -> None:
    """Be killed (SIGKILL) when the parent process dies (Linux; elsewhere ipykernel's parent poller)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _warm_up() -> None:
    import pkgutil

    for name in WARM_MODULES:
        importlib.import_module(name)
    for package in WARM_PACKAGES:
        for info in pkgutil.iter_modules(importlib.import_module(package).__path__, package + "."):
            importlib.import_module(info.name)


def _reap(signum: int, frame: Any) -> None:
    """Collect every finished kernel (so their CPU time is added to the zygote's children)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def _kernel(request: dict[str, Any]) -> None:
    """In the forked child: become the chapter's kernel, then exit (never returns)."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()  # its own process group, as jupyter_client starts a kernel
        _die_with_parent()
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        if sys.path and sys.path[0] == request["zygote_cwd"]:
            sys.path[0] = request["cwd"]  # as `python -m ipykernel_launcher` started in cwd would have it
        # the parent ipykernel polls (its default was read from JPY_PARENT_PID when the zygote imported it)
        args = [*request["args"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = ["ipykernel_launcher", *args]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=args)
        code = 0
    except SystemExit as err:
        code = err.code if isinstance(err.code, int) else 1
    except BaseException:  # noqa: BLE001 - reported in the kernel's log, then the process ends
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def main() -> None:
    """The zygote: import, say ``ready``, then fork one kernel per request line (JSON) and answer its pid."""
    _die_with_parent()
    leave_out()
    try:
        _warm_up()
    except Exception as err:  # noqa: BLE001 - the worker then starts kernels the usual way
        print(f"failed {type(err).__name__}: {err}", flush=True)
        return
    signal.signal(signal.SIGCHLD, _reap)
    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        request["zygote_cwd"] = os.getcwd()
        pid = os.fork()
        if pid == 0:
            _kernel(request)
        print(pid, flush=True)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    with contextlib.suppress(ChildProcessError):
        while True:
            os.wait()


class Zygote:
    """The worker's handle on its zygote process."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "infertrends.book.warm"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.ready: bool | None = None

    def spawn(self, args: list[str], env: dict[str, str], cwd: str, log: str) -> int:
        """Fork a kernel with ipykernel's ``args`` (``-f connection-file``); its pid."""
        if self.ready is None:
            answer = self.proc.stdout.readline().strip()  # type: ignore[union-attr]
            self.ready = answer == "ready"
            if not self.ready:
                print(f"[warm] the warm kernel process did not start ({answer or 'no answer'}); "
                      "starting kernels the usual way", file=sys.stderr)
        if not self.ready:
            raise OSError("no warm kernel process")
        self.proc.stdin.write(json.dumps(dict(args=args, env=env, cwd=cwd, log=log)) + "\n")  # type: ignore
        self.proc.stdin.flush()  # type: ignore[union-attr]
        return int(self.proc.stdout.readline())  # type: ignore[union-attr]

    def close(self) -> None:
        """End the zygote (it waits for its kernels; one never asked for a kernel is stopped at once) and collect
        it."""
        if self.ready is None:
            self.proc.kill()
        with contextlib.suppress(OSError, ValueError):
            self.proc.stdin.close()  # type: ignore[union-attr]
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


_ZYGOTE: Zygote | None = None
_LOG: str | None = None


def start_zygote() -> None:
    """In a build worker, or a rerun's process: start its zygote (it warms up while the process goes on) and end
    it when the process ends."""
    global _ZYGOTE
    import multiprocessing.util

    if _ZYGOTE is not None:
        return
    _ZYGOTE = Zygote()
    multiprocessing.util.Finalize(None, _ZYGOTE.close, exitpriority=100)


@contextlib.contextmanager
def kernel_log(path: Path) -> Iterator[None]:
    """Send the output of kernels forked meanwhile to ``path`` (the worker replays it, filtered)."""
    global _LOG
    _LOG = str(path)
    try:
        yield
    finally:
        _LOG = None


class ForkedKernel:
    """What jupyter_client needs of a kernel process (a :class:`subprocess.Popen`'s methods) for a kernel the
    zygote forked: it is the zygote's child, so its exit code is not known here (0 once it is gone)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)
        return 0

    def send_signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class WarmKernelManager(AsyncKernelManager):
    """A kernel manager that forks ipykernel from the worker's zygote, or starts it the usual way."""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        args = kernel_cmd[3:] if kernel_cmd[1:3] == LAUNCHER else None
        if _ZYGOTE is None or _LOG is None or args is None:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        cwd = str(kw.get("cwd") or os.getcwd())
        try:
            pid = _ZYGOTE.spawn(args, dict(kw.get("env") or os.environ), cwd, _LOG)
        except (OSError, ValueError):
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        prov = self.provisioner
        prov.process, prov.pid, prov.pgid, prov.cwd = ForkedKernel(pid), pid, pid, cwd  # type: ignore[union-attr]
        self._reconcile_connection_info(prov.connection_info)  # type: ignore[union-attr]


if __name__ == "__main__":
    main()
