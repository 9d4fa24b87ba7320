"""Benchmark the book: clean build, no-change rebuild, one-chapter rerun, test suite.

Usage: python bench/bench.py [--readme]   (make bench passes --readme)
Prints a table, writes bench/results.json and, with --readme, the table into README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
TARGETS = {"clean build": 60.0, "no-change rebuild": 10.0, "one-chapter rerun (notebook + tables)": 5.0}


def timed(label: str, cmd: list[str]) -> float:
    print(f"== {label}: {' '.join(cmd)}", flush=True)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout[-4000:])
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"benchmark step failed: {label}")
    print(f"   {seconds:.1f} s", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readme", action="store_true", help="write the results table into README.md")
    parser.add_argument("--skip-tests", action="store_true")
    args = parser.parse_args()
    results: dict[str, float] = {}
    for path in (ROOT / "build", ROOT / "book" / "_build"):
        shutil.rmtree(path, ignore_errors=True)
    results["clean build"] = timed("clean build", [PY, "-m", "infertrends", "build"])
    results["no-change rebuild"] = timed("no-change rebuild", [PY, "-m", "infertrends", "build"])
    with tempfile.TemporaryDirectory() as tmp:
        results["one-chapter rerun (notebook + tables)"] = timed(
            "one-chapter rerun", [PY, "-m", "infertrends", "run", "flop-conventions", "-p", "crops", "10",
                                  "--out", str(Path(tmp) / "a"), "--no-html"])
        results["one-chapter rerun with its HTML page"] = timed(
            "one-chapter rerun + HTML", [PY, "-m", "infertrends", "run", "flop-conventions", "-p", "crops", "10",
                                         "-p", "ratio_decimals", "4", "--out", str(Path(tmp) / "b")])
    if not args.skip_tests:
        results["test suite"] = timed("test suite", [PY, "-m", "pytest", "tests", "--nbval", "--nbval-current-env",
                                                     "--nbval-sanitize-with", "tests/sanitize.cfg", "-q",
                                                     "-p", "no:cacheprovider"])
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"
    rows = ["| step | seconds | target |", "|---|---:|---:|"]
    for label, seconds in results.items():
        target = TARGETS.get(label)
        verdict = "" if target is None else (f"≤ {target:g} s ✓" if seconds <= target else f"≤ {target:g} s ✗")
        rows.append(f"| {label} | {seconds:.1f} | {verdict} |")
    table = "\n".join(rows)
    print("\n" + table + f"\n\n({machine})")
    (ROOT / "bench" / "results.json").write_text(
        json.dumps({"machine": machine, "date": time.strftime("%Y-%m-%d"), "seconds": results}, indent=2) + "\n")
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
