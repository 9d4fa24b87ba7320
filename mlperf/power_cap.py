"""Import the same MLPerf Inference system run at its default power and under a power cap.

``make import-power-cap SRC=<folder>`` runs this script; it writes ``data/mlperf/power_cap.csv``
(committed), so builds and tests never need the snapshot.

NVIDIA's closed-division submission to MLPerf Inference v4.1 ran one server, 8x H200-SXM-141GB, twice
on each datacenter benchmark: at the GPUs' default power (``H200-SXM-141GBx8_TRT``, "MaxP") and with a
power limit (``H200-SXM-141GBx8_TRT_MaxQ``). Per benchmark this script reads, from the submission tree at
a pinned commit:

- the Offline throughput of each run: ``Samples per second`` of
  ``closed/NVIDIA/results/<system>/<model>/Offline/performance/run_1/mlperf_log_summary.txt``;
- the power limit the MaxQ run set: ``power_limit`` of the class ``H200_SXM_141GBx8_MaxQ`` (or, where that
  class does not set it, of the class it derives from) in ``closed/NVIDIA/configs/<benchmark>/Offline/__init__.py``.

The MaxQ configurations may also change other settings (batch sizes); the pairs are a tuned capped system
against a tuned uncapped one, as MLPerf publishes them, not a pure cap experiment.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from importer import ImportProblem, git, git_dir  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "mlperf" / "power_cap.csv"
REPO, COMMIT = "mlcommons/inference_results_v4.1", "198fc46799b3328b36ee4bcbdebfa2db5a8e6183"
MAXP, MAXQ = "H200-SXM-141GBx8_TRT", "H200-SXM-141GBx8_TRT_MaxQ"
CONFIG_CLASS = "H200_SXM_141GBx8_MaxQ"
#: results folder (model) -> configs folder (benchmark)
BENCHMARKS = {"resnet50": "resnet50", "retinanet": "retinanet", "bert-99": "bert", "3d-unet-99": "3d-unet",
              "gptj-99": "gptj", "llama2-70b-99": "llama2-70b", "mixtral-8x7b": "mixtral-8x7b",
              "stable-diffusion-xl": "stable-diffusion-xl"}
FIELDS = ["round", "submitter", "accelerator", "accelerators", "model", "scenario", "default_system",
          "capped_system", "default_samples_per_second", "capped_samples_per_second", "power_limit_watts",
          "source_repo", "source_commit", "default_log", "capped_log", "config_file", "script_sha256"]


def script_hash() -> str:
    """SHA-256 of this script's bytes."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def samples_per_second(gd: Path, path: str) -> str:
    """The ``Samples per second`` LoadGen printed in a summary log, as printed."""
    m = re.search(r"^Samples per second\s*:\s*([0-9.]+)\s*$", git(gd, "show", f"{COMMIT}:{path}"), re.M)
    if not m:
        raise ImportProblem(f"{REPO}@{COMMIT[:8]}:{path}: no 'Samples per second' line")
    return m.group(1)


def power_limit(gd: Path, path: str) -> str:
    """The ``power_limit`` of :data:`CONFIG_CLASS` in a config file (or of the class it derives from)."""
    text = git(gd, "show", f"{COMMIT}:{path}")
    classes = {m.group(1): (m.group(2), m.end()) for m in re.finditer(r"^class (\w+)\((\w+)\):", text, re.M)}
    name = CONFIG_CLASS
    while name in classes:
        parent, start = classes[name]
        nxt = re.search(r"^class ", text[start:], re.M)
        body = text[start:start + nxt.start()] if nxt else text[start:]
        m = re.search(r"^\s+power_limit\s*=\s*(\d+)\s*$", body, re.M)
        if m:
            return m.group(1)
        name = parent
    raise ImportProblem(f"{REPO}@{COMMIT[:8]}:{path}: no power_limit for {CONFIG_CLASS}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("src", type=Path, help="folder holding a snapshot of mlcommons/inference_results_v4.1")
    args = p.parse_args(argv)
    try:
        gd = git_dir(args.src, REPO)
        rows = []
        for model, bench in BENCHMARKS.items():
            log = "closed/NVIDIA/results/{}/" + model + "/Offline/performance/run_1/mlperf_log_summary.txt"
            config = f"closed/NVIDIA/configs/{bench}/Offline/__init__.py"
            print(f"reading {model}", file=sys.stderr)
            rows.append(dict(round="v4.1", submitter="NVIDIA", accelerator="NVIDIA H200 SXM", accelerators=8,
                             model=model, scenario="Offline", default_system=MAXP, capped_system=MAXQ,
                             default_samples_per_second=samples_per_second(gd, log.format(MAXP)),
                             capped_samples_per_second=samples_per_second(gd, log.format(MAXQ)),
                             power_limit_watts=power_limit(gd, config), source_repo=REPO, source_commit=COMMIT,
                             default_log=log.format(MAXP), capped_log=log.format(MAXQ), config_file=config,
                             script_sha256=script_hash()))
    except ImportProblem as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    tmp = OUT.with_suffix(".csv.tmp")
    with tmp.open("w", newline="") as f:
        w = csv.DictWriter(f, FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    tmp.replace(OUT)
    print(f"wrote {len(rows)} pairs to {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
