"""Benchmark the book: clean build against its peer, no-change rebuild, one-chapter rerun, test suite.

The peer is jupyter-book's own execution (``execute_notebooks: force``) of the same sources: the notebooks
the last clean build laid out in ``build/site``. Clean builds of the book and of the peer alternate
(``--rounds``, default 3); the medians of wall and CPU time (this process's children, kernels included)
and their ratios are printed. The test suite's slowest tests are listed (pytest ``--durations``).

Usage: python bench/bench.py [--readme] [--rounds N] [--skip-tests]   (make bench passes --readme)
Prints a table, writes bench/results.json and, with --readme, the table into README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
TARGETS = {"clean build": 60.0, "no-change rebuild": 10.0, "one-chapter rerun (notebook + tables)": 5.0,
           "test suite": 120.0}


#: Start a kernel the usual way (jupyter_client) and shut it down.
KERNEL_START = ("from jupyter_client.manager import start_new_kernel; "
                "km, kc = start_new_kernel(kernel_name='python3'); kc.stop_channels(); km.shutdown_kernel(now=True)")


def timed(label: str, cmd: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT,
          keep_output: bool = False) -> tuple[float, float, str]:
    """Run ``cmd``; return its wall seconds, the CPU seconds of it and its children, and (``keep_output``) stdout."""
    print(f"== {label}: {' '.join(cmd)}", flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout[-4000:])
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"benchmark step failed: {label}")
    print(f"   {seconds:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    return seconds, cpu, proc.stdout if keep_output else ""


#: The clean build's own account of its phases (infertrends.book.build): (label here, its words there).
PHASES = (("clean build: data validated and chapters executed", "data validated and chapters executed"),
          ("clean build: site laid out", "site laid out"), ("clean build: Sphinx's HTML", "HTML"),
          ("clean build: published", "published"))


def phases(output: str) -> dict[str, float]:
    """Wall seconds of each phase of a build, read from its summary line ("book built in ... (... HTML 12.7 s,
    ...)"); a phase the line does not name is left out."""
    line = next((x for x in output.splitlines() if x.startswith("book built in")), "")
    out = {}
    for label, words in PHASES:
        m = re.search(r"(?:\(|, )" + re.escape(words) + r" ([0-9.]+) s", line)
        if m:
            out[label] = float(m.group(1))
    return out


def clean_build() -> tuple[float, float, dict[str, float]]:
    """A clean build of the book (its execution cache and site removed first): wall, CPU and its phases."""
    for path in (ROOT / "build", ROOT / "book" / "_build"):
        shutil.rmtree(path, ignore_errors=True)
    wall, cpu, output = timed("clean build", [PY, "-m", "infertrends", "build"], keep_output=True)
    return wall, cpu, phases(output)


def peer_build(sources: Path, work: Path) -> tuple[float, float]:
    """jupyter-book's own execution and build of ``sources`` (a copy of build/site) into a fresh ``work`` folder."""
    import yaml

    shutil.rmtree(work, ignore_errors=True)
    site = work / "site"
    shutil.copytree(sources, site)
    config = yaml.safe_load((site / "_config.yml").read_text(encoding="utf-8"))
    config["execute"] = {**config.get("execute", {}), "execute_notebooks": "force", "timeout": 900}
    (site / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    exe = Path(PY).parent / "jupyter-book"
    return timed("jupyter-book's own execution", [str(exe), "build", str(site), "--path-output", str(work / "out"),
                                                   "-n", "--keep-going", "--quiet"],
                 env={"INFERTRENDS_EXPORT_DIR": str(work / "exports")})[:2]


def slowest_tests(output: str, n: int = 10) -> list[tuple[float, str]]:
    """The ``n`` slowest test phases pytest's ``--durations`` printed."""
    rows = []
    for line in output.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[0].endswith("s") and parts[1] in ("call", "setup", "teardown"):
            try:
                rows.append((float(parts[0][:-1]), f"{parts[2]} ({parts[1]})"))
            except ValueError:
                continue
    return sorted(rows, reverse=True)[:n]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readme", action="store_true", help="write the results table into README.md")
    parser.add_argument("--skip-tests", action="store_true")
    parser.add_argument("--rounds", type=int, default=3, help="alternating clean builds of the book and its peer")
    args = parser.parse_args()
    results: dict[str, float] = {}
    ours: list[tuple[float, float, dict[str, float]]] = []
    peer: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        sources = Path(tmp) / "sources"
        for round_ in range(args.rounds):  # alternating, so both see the same machine state
            ours.append(clean_build())
            if round_ == 0:
                shutil.copytree(ROOT / "build" / "site", sources)
            peer.append(peer_build(sources, Path(tmp) / "peer"))
    results["clean build"] = statistics.median(w for w, _, _ in ours)
    results["clean build, CPU"] = statistics.median(c for _, c, _ in ours)
    for label, _ in PHASES:  # where the clean build's wall time goes (medians of the rounds)
        seen = [p[label] for _, _, p in ours if label in p]
        if seen:
            results[label] = statistics.median(seen)
    results["jupyter-book's own execution (peer)"] = statistics.median(w for w, _ in peer)
    results["jupyter-book's own execution (peer), CPU"] = statistics.median(c for _, c in peer)
    # where a clean build's time goes: its phases above (Sphinx's HTML among them); per chapter, a cold kernel's
    # start and the imports (what the warm kernels save), the chapters' own computing (their executions in warm
    # kernels, summed); then a no-change rebuild (validation, staging and Sphinx's HTML of the executed notebooks)
    results["one cold kernel's start and shut-down, CPU"] = timed("cold kernel", [PY, "-c", KERNEL_START])[1]
    warm_up = "import infertrends.book.warm as w; w._warm_up()"
    results["one chapter's imports, CPU"] = timed("imports", [PY, "-c", warm_up])[1]
    from infertrends.book.execute import CACHE, cached_seconds

    seconds = {d.name: s for d in sorted(CACHE.iterdir()) if (s := cached_seconds(d.name)) is not None}
    results["the chapters' own computing (sum, warm kernels)"] = sum(seconds.values())
    # each chapter's seconds, so that a clean build (no timings in its cache) runs the longest first
    (ROOT / "bench" / "chapter-seconds.json").write_text(
        json.dumps({k: round(v, 1) for k, v in seconds.items()}, indent=1) + "\n", encoding="utf-8")
    results["no-change rebuild"] = timed("no-change rebuild", [PY, "-m", "infertrends", "build"])[0]
    with tempfile.TemporaryDirectory() as tmp:
        results["one-chapter rerun (notebook + tables)"] = timed(
            "one-chapter rerun", [PY, "-m", "infertrends", "run", "flop-conventions", "-p", "crops", "10",
                                  "--out", str(Path(tmp) / "a"), "--no-html"])[0]
        results["one-chapter rerun with its HTML page"] = timed(
            "one-chapter rerun + HTML", [PY, "-m", "infertrends", "run", "flop-conventions", "-p", "crops", "10",
                                         "-p", "ratio_decimals", "4", "--out", str(Path(tmp) / "b")])[0]
    slowest: list[tuple[float, str]] = []
    if not args.skip_tests:
        timed("pdf (as make test prints it before the suite)", [PY, "-m", "infertrends", "pdf"])
        wall, _, output = timed("test suite", [PY, "-m", "pytest", "tests", "-n", "2", "--dist", "worksteal", "-q",
                                               "-p", "no:cacheprovider", "--durations=10"], keep_output=True)
        results["test suite"] = wall
        slowest = slowest_tests(output)
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"
    rows = ["| step | seconds | target |", "|---|---:|---:|"]
    for label, seconds in results.items():
        target = TARGETS.get(label)
        verdict = "" if target is None else (f"≤ {target:g} s ✓" if seconds <= target else f"≤ {target:g} s ✗")
        rows.append(f"| {label} | {seconds:.1f} | {verdict} |")
    wall_ratio = results["jupyter-book's own execution (peer)"] / results["clean build"]
    cpu_ratio = results["jupyter-book's own execution (peer), CPU"] / results["clean build, CPU"]
    table = "\n".join(rows) + (f"\n\nAgainst the peer (medians of {args.rounds} alternating clean builds): this "
                               f"book is {wall_ratio:.2f} times as fast in wall time and uses {1 / cpu_ratio:.2f} "
                               "times the CPU time.")
    if slowest:
        table += "\n\nSlowest tests:\n\n" + "\n".join(f"- {sec:.1f} s {name}" for sec, name in slowest)
    print("\n" + table + f"\n\n({machine})")
    (ROOT / "bench" / "results.json").write_text(
        json.dumps({"machine": machine, "date": time.strftime("%Y-%m-%d"), "seconds": results,
                    "peer_ratio": {"wall": wall_ratio, "cpu": cpu_ratio},
                    "slowest_tests": [{"seconds": sec, "test": name} for sec, name in slowest]}, indent=2) + "\n")
    if args.readme:
        readme = ROOT / "README.md"
        text = readme.read_text(encoding="utf-8")
        start, end = "<!-- bench:start -->", "<!-- bench:end -->"
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        body = f"Measured by `make bench` on {time.strftime('%Y-%m-%d')} ({machine}):\n\n{table}\n"
        readme.write_text(head + start + "\n" + body + end + tail, encoding="utf-8")
        print("README.md updated")


if __name__ == "__main__":
    main()
