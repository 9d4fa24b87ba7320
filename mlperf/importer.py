"""Import every MLPerf Inference power result from local snapshots of MLCommons' result repositories.

``make import-mlperf SRC=<folder>`` runs this script; it writes ``data/mlperf/`` (committed), so
``make book`` and ``make test`` never need the snapshots:

- ``power.csv``: one row per power result (round, suite, division, submitter, system, accelerator,
  benchmark, scenario, the performance and power results, and the Joules per unit the script computes
  from those two numbers), with the repository, commit and file it was read from and how it was checked;
- ``counts.csv``: power results per round, suite and benchmark, beside the power runs in the round's
  own submission tree where a snapshot of that tree was read;
- ``provenance.json``: each source's repository and commit (with its date), the SHA-256 of this
  script, and every check made on the import.

SRC is a folder holding local snapshots (git directories, bare or with a work tree) of the public
repositories named below, each as ``SRC/<name>``, ``SRC/<owner>+<name>/repo`` or ``SRC/<owner>+<name>``.
Files are read at pinned commits with git, so the same snapshots always give the same bytes.

Two kinds of source, each checked against the other wherever both exist:

- **Published tables** (MLCommons' numbers as printed): ``mlcommons/cm4mlperf-results``, MLCommons'
  machine-readable copy of its results tables, for v2.1 to v4.1
  (``experiment/mlperf-inference--vX.Y--<suite>--closed-power--<task>--<scenario>/*/cm-result.json``; up to
  v3.1 a row holds both results, from v4.0 the performance and power results of one run are two rows
  with one ``Location``, paired here), and each round's own ``summary_results.json`` for v4.1 and v5.1.
- **Submission logs** (``mlcommons/inference_results_vX.Y``, closed division): every power run
  (``closed/<submitter>/results/<system>/<model>/<scenario>/performance/run_1/``), its power recomputed
  as MLCommons' submission checker does: the mean of the analyzer's samples (``spl.txt``) strictly between
  LoadGen's ``power_begin`` and ``power_end``; for SingleStream and MultiStream, that mean times the run's
  duration over its queries (mJ per query; before v2.0 LoadGen logs no query count and the queries are
  ``result_qps_with_loadgen_overhead`` x duration). A result inferred from a SingleStream run is scaled as
  MLCommons scales it (Offline: 1 / mean latency; MultiStream: a query of 8 samples, so 8 x the energy
  and the latency of one). Where a table has the result, the table's numbers are kept and the
  recomputation must equal them; where no table read here has it (v1.0, v1.1, v2.0, and runs a table
  leaves out), the recomputed numbers are imported and checked against MLCommons' results table as
  exported from its website by the MLPerf Power paper's authors (``aryatschand/MLPerf-Power-HPCA-2025``,
  a secondary copy).

Not covered (said in ``data/README.md``): v3.1 and v4.0 have no submission tree here (their
repositories are too large to snapshot), so their rows are the table's alone; v5.0 (no table and no
tree here); the open division (counted in provenance.json, not imported); v6.0 and v6.1 (no power
results).

Joules per unit: for Offline and Server, average wall power (W) / throughput (samples, queries or
tokens per second); for SingleStream and MultiStream the energy per query (mJ) / 1,000, and a
MultiStream query is 8 samples (from v2.0 on).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "mlperf"
SCRIPTS = ("mlperf/importer.py",)


@dataclass(frozen=True)
class Source:
    """One published table of power results: which rounds, where, at which commit, in which format."""

    repo: str
    commit: str
    kind: str  # "cm4mlperf" (experiment/*/cm-result.json), "summary" (summary_results.json) or "logs" (a tree)
    rounds: tuple[str, ...]


SOURCES: tuple[Source, ...] = (
    Source("mlcommons/cm4mlperf-results", "84d8b84c6d6e3d646e27d511e438fd12d144ade9", "cm4mlperf",
           ("v2.1", "v3.0", "v3.1", "v4.0", "v4.1")),
    # summary_results.json was added to v4.1's repository in 2024 and removed in 2025: read at the last
    # commit that has it ("Fixed links in summary_results", 2024-11-05).
    Source("mlcommons/inference_results_v4.1", "4a0c87411066bd697db46fa44cf6f04fd458f627", "summary", ("v4.1",)),
    Source("mlcommons/inference_results_v5.1", "965182b03376a00fcae415c54e560e1c83937932", "summary", ("v5.1",)),
)
#: For a round in two tables, the one the row is taken from (the other is a check).
PREFERRED = {"v4.1": "mlcommons/inference_results_v4.1"}
#: Each round's submission tree (repository, commit): its power runs are recomputed from their logs.
TREES: dict[str, tuple[str, str]] = {
    "v1.0": ("mlcommons/inference_results_v1.0", "f7759baf2fdb9e17d97f07326db6d461d6dc1ef2"),
    "v1.1": ("mlcommons/inference_results_v1.1", "7fc43356c4d71ed6ec97af9d035a34ed146587b8"),
    "v2.0": ("mlcommons/inference_results_v2.0", "425a0d30c6e0cb9b65595881572cbba5f18572eb"),
    "v2.1": ("mlcommons/inference_results_v2.1", "91f7859b8b5847b7c5fdf95ce65699ad6477093b"),
    "v3.0": ("mlcommons/inference_results_v3.0", "1948f9b5b93c5b4dcafe15de0faa08cdf1439fca"),
    "v4.1": ("mlcommons/inference_results_v4.1", "198fc46799b3328b36ee4bcbdebfa2db5a8e6183"),
    "v5.1": ("mlcommons/inference_results_v5.1", "965182b03376a00fcae415c54e560e1c83937932"),
}
#: MLCommons' results tables as exported from its website (aggregated for the MLPerf Power paper,
#: HPCA 2025; README: 'no data processing beyond a simple aggregation'): the check of rows read from logs.
WEBSITE = ("aryatschand/MLPerf-Power-HPCA-2025", "49b63de68875ca1d5d0b3fc306d20e0d8ca5e948",
           ("code/data_cleaned_inference_datacenter.csv", "code/data_cleaned_inference_edge.csv"))

#: Accelerator names as MLCommons publishes them -> the name in data/extension/accelerator_specs.csv,
#: only where the published name identifies that exact part (memory size and form factor included).
ACCELERATORS: dict[str, str] = {
    "NVIDIA A100-SXM-80GB": "NVIDIA A100 SXM 80GB",
    "NVIDIA A100-SXM-80GB CTS": "NVIDIA A100 SXM 80GB",
    "NVIDIA H100-SXM-80GB": "NVIDIA H100 SXM",
    "NVIDIA H100-PCIe-80GB": "NVIDIA H100 PCIe",
    "NVIDIA A100-PCIe-80GB": "NVIDIA A100 PCIe 80GB",
    "NVIDIA H200-SXM-141GB": "NVIDIA H200 SXM",
    "NVIDIA B200-SXM-180GB": "NVIDIA B200 (HGX B200)",
    "NVIDIA L4": "NVIDIA L4",
    "NVIDIA L40S": "NVIDIA L40S",
    "NVIDIA A30": "A30",
    "NVIDIA A10": "NVIDIA A10",
    "NVIDIA T4": "T4",
    "NVIDIA A100-SXM4-40GB": "A100",  # the thesis's A100: SXM4, 40 GB, 400 W
    "NVIDIA Jetson AGX Orin 64G": "NVIDIA Jetson AGX Orin 64GB",
    # Qualcomm's SKUs as its Cloud AI SDK documentation names them (the original "PCIe HHHL" card of v1.0 and
    # v1.1, the Lite and the DM.2/DM.2e modules are none of them: left unmapped)
    "QUALCOMM Cloud AI 100 PCIe/HHHL Pro": "Qualcomm Cloud AI 100 Pro",
    "QUALCOMM Cloud AI 100 Pro": "Qualcomm Cloud AI 100 Pro",
    "QUALCOMM Cloud AI 100 PCIe/HHHL Standard": "Qualcomm Cloud AI 100 Standard",
    "QUALCOMM Cloud AI 100 Ultra": "Qualcomm Cloud AI 100 Ultra",
}

FIELDS = ["round", "release_date", "suite", "division", "availability", "submitter", "system", "platform",
          "accelerator", "accelerator_published", "accelerators_per_node", "nodes", "host_cpu",
          "host_cpus_per_node", "software", "benchmark", "accuracy_target", "model_published", "scenario",
          "performance_value", "performance_units", "power_value", "power_units", "joules_per_unit", "unit",
          "samples_per_unit", "joules_per_sample", "precision", "same_run_as", "notes_published", "result_path",
          "value_source", "check", "source_repo", "source_commit", "source_file"]
COUNT_FIELDS = ["round", "suite", "benchmark", "power_results", "submission_tree_runs", "tree_commit"]


class ImportProblem(RuntimeError):
    """The snapshots are missing, incomplete or say something this script does not understand."""


def script_hash(root: Path = ROOT) -> str:
    """SHA-256 over the importer's scripts (their paths and bytes), as recorded in ``provenance.json``."""
    h = hashlib.sha256()
    for rel in SCRIPTS:
        h.update(rel.encode() + b"\0" + (root / rel).read_bytes() + b"\0")
    return h.hexdigest()


# --- Reading a snapshot ------------------------------------------------------------------------


def git_dir(src: Path, repo: str) -> Path:
    """The git directory of ``repo`` (owner/name) in ``src``, or an error saying where it was looked for."""
    owner, name = repo.split("/")
    tried = [src / name, src / f"{owner}+{name}" / "repo", src / f"{owner}+{name}"]
    for base in tried:
        for cand in (base / ".git", base):
            if (cand / "HEAD").is_file() and (cand / "objects").is_dir():
                return cand
    raise ImportProblem(f"no snapshot of {repo} in {src}: looked for a git directory at "
                        + ", ".join(str(t) for t in tried))


def git(gd: Path, *args: str) -> str:
    """Output of ``git --git-dir gd args`` (text), or an error naming the command."""
    out = subprocess.run(["git", "--git-dir", str(gd), *args], capture_output=True)
    if out.returncode:
        raise ImportProblem(f"git --git-dir {gd} {' '.join(args)}: {out.stderr.decode(errors='replace').strip()}")
    return out.stdout.decode("utf-8")


def commit_date(gd: Path, commit: str) -> str:
    """The committer date (ISO) of ``commit``."""
    return git(gd, "show", "-s", "--format=%cI", commit).strip()


# --- Parsing the two table formats -------------------------------------------------------------


def _num(value: Any, where: str) -> float:
    """A published number as a float, or an error naming where it was read."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ImportProblem(f"{where}: expected a number, found {value!r}")
    return float(value)


def _text(value: Any) -> str:
    """A published cell as text, blanks for '-' , 'N/A' and None; numbers without a spurious '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    return "" if text in ("-", "N/A", "n/a", "nan") else text


def _published(x: float) -> str:
    """A published number written back as it reads (shortest repr; integers without '.0')."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def cm4mlperf_results(gd: Path, commit: str, rounds: Iterable[str]) -> list[dict[str, Any]]:
    """Every closed-division power result of ``rounds`` in cm4mlperf-results at ``commit``."""
    pattern = re.compile(r"experiment/mlperf-inference--(v[\d.]+)--(datacenter|edge)--closed-power--([\w-]+)--(\w+)/"
                         r"[^/]+/cm-result\.json$")
    files = [f for f in git(gd, "ls-tree", "-r", "--name-only", commit, "experiment").splitlines()
             if (m := pattern.match(f)) and m.group(1) in rounds]
    if not files:
        raise ImportProblem(f"{gd}: no power result tables of {', '.join(rounds)} at {commit}")
    out: list[dict[str, Any]] = []
    for f in sorted(files):
        rnd, suite = pattern.match(f).group(1), pattern.match(f).group(2)  # type: ignore[union-attr]
        text = git(gd, "show", f"{commit}:{f}")
        if not text.strip():
            raise ImportProblem(f"{f} at {commit} is empty in the snapshot (a file of 4 MiB or more is left out)")
        pairs: dict[str, dict[str, Any]] = {}
        for i, r in enumerate(json.loads(text)):
            where = f"{f} row {i}"
            if r.get("version") != rnd or r.get("Division") != "closed":
                raise ImportProblem(f"{where}: version {r.get('version')!r}, division {r.get('Division')!r} in a table "
                                    f"of {rnd} closed")
            loc = r["Location"]
            p = pairs.setdefault(loc, {"raw": r, "file": f, "suite": suite, "round": rnd})
            units = r.get("Units")
            if "Result_Power" in r and "Result_Power_Units" in r:  # up to v3.1: one row, both results
                p["performance"] = (_num(r["Result"], where), r["Result_Units"])
                p["power"] = (_num(r["Result_Power"], where), r["Result_Power_Units"])
            elif units in ("Watts", "millijoules"):  # from v4.0: the power row of the pair (the value in
                # Result, or in Result_Power with Result empty)
                value = r["Result"] if r.get("Result") is not None else r.get("Result_Power")
                p["power"] = (_num(value, where), units)
            else:
                p["performance"] = (_num(r["Result"], where), r["Result_Units"])
        for loc, p in pairs.items():
            missing = [k for k in ("performance", "power") if k not in p]
            if missing:
                raise ImportProblem(f"{f}: {loc} has no {' and no '.join(missing)} result")
            r = p["raw"]
            bench = benchmark(_text(r.get("Model")), rnd)[0]
            if (bench, rnd, _text(r.get("Scenario"))) in TOKENS_MISLABELLED and p["performance"][1] == "Samples/s":
                p["performance"] = (p["performance"][0], "Tokens/s")
                UNITS_CORRECTED.append(f"{rnd} {loc}")
            out.append(dict(
                round=rnd, suite=suite, division="closed", availability=_text(r.get("Availability")),
                submitter=_text(r.get("Organization")), system=_text(r.get("SystemName")),
                platform=_text(r.get("Platform")), accelerator_published=_text(r.get("accelerator_model_name")),
                accelerators_per_node=r.get("accelerators_per_node"), nodes=r.get("number_of_nodes"),
                host_cpu=_text(r.get("host_processor_model_name")),
                host_cpus_per_node=r.get("host_processors_per_node"), software=_text(r.get("framework")),
                model_published=_text(r.get("Model")), scenario=_text(r.get("Scenario")),
                performance=p["performance"], power=p["power"], precision="",
                notes_published=_text(r.get("notes")), result_path=loc, source_file=f))
    return out


#: (benchmark, round, scenario) whose performance cm4mlperf-results labels samples per second where the
#: published metric is output tokens per second: Llama 2 70B Offline in v4.0 (its result 17,561.6 is
#: 'Tokens per second' in NVIDIA's closed/NVIDIA/results/DGX-H100_H100-SXM-80GBx8_TRT_MaxQ/llama2-70b-99.9/
#: Offline/performance/run_1/mlperf_log_summary.txt, beside 60.2129 samples per second; see
#: data/extension/measurements.csv). Its Server results (about 50 a second) are queries, as labelled.
#: Relabelled here, each one listed in provenance.json.
TOKENS_MISLABELLED: set[tuple[str, str, str]] = {("llama2-70b", "v4.0", "Offline")}
UNITS_CORRECTED: list[str] = []


def power_results_all_divisions(gd: Path, commit: str) -> dict[str, int]:
    """Power results per round in cm4mlperf-results, closed and open divisions (distinct result folders):
    compared with the totals MLCommons announces, which count both divisions."""
    pattern = re.compile(r"experiment/mlperf-inference--(v[\d.]+)--(?:datacenter|edge)--(?:closed|open)-power--")
    locations: dict[str, set[str]] = defaultdict(set)
    for f in git(gd, "ls-tree", "-r", "--name-only", commit, "experiment").splitlines():
        m = pattern.match(f)
        if m and f.endswith("/cm-result.json"):
            text = git(gd, "show", f"{commit}:{f}")
            if not text.strip():
                raise ImportProblem(f"{f} at {commit} is empty in the snapshot (a file of 4 MiB or more is left out)")
            locations[m.group(1)].update(r["Location"] for r in json.loads(text))
    return {rnd: len(v) for rnd, v in sorted(locations.items())}


def summary_results(gd: Path, commit: str, rnd: str) -> list[dict[str, Any]]:
    """Every closed-division power result in a round's ``summary_results.json`` at ``commit``."""
    f = "summary_results.json"
    out: list[dict[str, Any]] = []
    for i, r in enumerate(json.loads(git(gd, "show", f"{commit}:{f}"))):
        where = f"{f} row {i}"
        if r.get("version") != rnd:
            raise ImportProblem(f"{where}: version {r.get('version')!r} in the table of {rnd}")
        if not r.get("has_power") or r.get("Category") != "closed":
            continue
        for suite in r["Suite"].split(","):
            out.append(dict(
                round=rnd, suite=suite.strip(), division="closed", availability=_text(r.get("Availability")),
                submitter=_text(r.get("Submitter")), system=_text(r.get("System")), platform=_text(r.get("Platform")),
                accelerator_published=_text(r.get("Accelerator")), accelerators_per_node=r.get("a#"),
                nodes=r.get("Nodes"), host_cpu=_text(r.get("Processor")),
                host_cpus_per_node=r.get("host_processors_per_node"), software=_text(r.get("Software")),
                model_published=_text(r.get("UsedModel")), scenario=_text(r.get("Scenario")),
                performance=(_num(r["Performance_Result"], where), r["Performance_Units"]),
                power=(_num(r["Power_Result"], where), r["Power_Units"]),
                precision=_text(r.get("weight_data_types")), notes_published=_text(r.get("Notes")),
                result_path=r["Location"], source_file=f))
    return out


# --- From published results to rows ----------------------------------------------------------

def _round_key(rnd: str) -> tuple[int, ...]:
    """(4, 1) from 'v4.1', to order rounds."""
    return tuple(int(x) for x in rnd.lstrip("v").split("."))


BENCHMARK = re.compile(r"^(?P<bench>.+?)(?:-(?P<target>99(?:\.9)?))?$")
PERFORMANCE_UNIT = {"Samples/s": "sample", "Queries/s": "query", "Tokens/s": "token"}


#: The first round of 3D U-Net on KiTS 2019 (kidney tumours); before it, BraTS 2019 (brain tumours), a
#: different task under the same name. mlcommons/inference, vision/medical_imaging/3d-unet-kits19/README.md:
#: KiTS19 'is proposed to be used in MLPerf-Inference submissions from the year 2022'; BraTS19 'is the valid
#: model for the submissions until the end of year 2021. Please use BraTS19 model for v.1.1'.
KITS19_FROM = "v2.0"


def benchmark(model: str, rnd: str) -> tuple[str, str]:
    """('bert', '99.9') from 'bert-99.9'; the accuracy target is empty where the name carries none.
    3D U-Net is named with its dataset, which changed in v2.0 (:data:`KITS19_FROM`)."""
    m = BENCHMARK.match(model)
    assert m is not None
    bench = {"resnet": "resnet50"}.get(m.group("bench"), m.group("bench"))
    if bench == "3d-unet":
        bench += "-kits19" if _round_key(rnd) >= _round_key(KITS19_FROM) else "-brats19"
    return bench, m.group("target") or ""


def joules(scenario: str, performance: tuple[float, str], power: tuple[float, str], where: str
           ) -> tuple[float, str, int]:
    """(J per unit, unit, samples per unit) from the two published results."""
    (perf, perf_units), (pw, pw_units) = performance, power
    if pw_units == "Watts":
        if perf_units not in PERFORMANCE_UNIT:
            raise ImportProblem(f"{where}: power in W but performance in {perf_units!r}")
        unit = PERFORMANCE_UNIT[perf_units]
        return pw / perf, unit, (0 if unit == "token" else 1)
    if pw_units == "millijoules":
        if scenario not in ("SingleStream", "MultiStream"):
            raise ImportProblem(f"{where}: energy per query published for scenario {scenario!r}")
        return pw / 1000.0, "query", (8 if scenario == "MultiStream" else 1)
    raise ImportProblem(f"{where}: unknown power units {pw_units!r}")


def sig(x: float, digits: int = 6) -> str:
    """``x`` to ``digits`` significant figures, as the CSV writes it."""
    return f"{x:.{digits}g}"


def rows_from(results: list[dict[str, Any]], dates: dict[str, str], source: Source) -> list[dict[str, str]]:
    """CSV rows (text) from parsed results of one source."""
    rows = []
    for r in results:
        where = f"{source.repo}@{source.commit[:12]}:{r['source_file']}: {r['result_path']}"
        j, unit, per = joules(r["scenario"], r["performance"], r["power"], where)
        bench, target = benchmark(r["model_published"], r["round"])
        acc = r["accelerator_published"]
        rows.append(dict(
            round=r["round"], release_date=dates[r["round"]], suite=r["suite"], division=r["division"],
            availability=r["availability"], submitter=r["submitter"], system=r["system"], platform=r["platform"],
            accelerator=ACCELERATORS.get(acc, ""), accelerator_published=acc,
            accelerators_per_node=_text(r["accelerators_per_node"]), nodes=_text(r["nodes"]),
            host_cpu=r["host_cpu"], host_cpus_per_node=_text(r["host_cpus_per_node"]), software=r["software"],
            benchmark=bench, accuracy_target=target, model_published=r["model_published"], scenario=r["scenario"],
            performance_value=_published(r["performance"][0]), performance_units=r["performance"][1],
            power_value=_published(r["power"][0]), power_units=r["power"][1], joules_per_unit=sig(j), unit=unit,
            samples_per_unit=str(per) if per else "", joules_per_sample=sig(j / per) if per else "",
            precision=r["precision"], same_run_as="", notes_published=r["notes_published"],
            result_path=r["result_path"], value_source=r.get("value_source", "table"), check="",
            source_repo=source.repo, source_commit=source.commit, source_file=r["source_file"]))
    return rows


def mark_same_runs(rows: list[dict[str, str]]) -> int:
    """Say where one run is published under two accuracy targets (identical performance and power of one
    system, benchmark and scenario in one round): the 99.9 row names the 99 row. Returns how many."""
    groups: dict[tuple[str, ...], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        groups[(r["round"], r["suite"], r["result_path"].rsplit("/", 2)[0], r["benchmark"], r["scenario"],
                r["performance_value"], r["power_value"])].append(r)
    n = 0
    for g in groups.values():
        targets = {r["accuracy_target"]: r for r in g}
        if len(g) == 2 and set(targets) == {"99", "99.9"}:
            targets["99.9"]["same_run_as"] = targets["99"]["result_path"]
            n += 1
    return n


# --- Submission logs: every power run, recomputed as MLCommons' checker does ------------------------

SCENARIOS = {"offline": "Offline", "server": "Server", "singlestream": "SingleStream", "multistream": "MultiStream"}
SUITE_OF_SCENARIO = {"Server": "datacenter", "SingleStream": "edge", "MultiStream": "edge"}
LOG_TIME = "%m-%d-%Y %H:%M:%S.%f"


class Tree:
    """A round's submission tree at one commit, its files read through one ``git cat-file --batch``."""

    def __init__(self, gd: Path, commit: str):
        self.gd, self.commit = gd, commit
        self.files = git(gd, "ls-tree", "-r", "--name-only", commit, "closed").splitlines()
        self._proc = subprocess.Popen(["git", "--git-dir", str(gd), "cat-file", "--batch"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE)

    def read(self, path: str) -> str | None:
        """The text of ``path`` at the commit, or None where the snapshot lacks it (files of 4 MiB and more)."""
        assert self._proc.stdin and self._proc.stdout
        self._proc.stdin.write(f"{self.commit}:{path}\n".encode())
        self._proc.stdin.flush()
        head = self._proc.stdout.readline().decode().split()
        if not head or head[-1] == "missing":
            return None
        data = self._proc.stdout.read(int(head[2]))
        self._proc.stdout.read(1)
        return data.decode("utf-8", errors="replace")

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.wait()

    def power_runs(self) -> list[str]:
        """Every ``closed/<submitter>/results/<system>/<model>/<scenario>`` with a timed power run."""
        return sorted("/".join(p[:6]) for p in (f.split("/") for f in self.files)
                      if len(p) == 9 and p[2] == "results" and p[6:] == ["performance", "run_1", "spl.txt"])


def mllog(text: str) -> dict[str, Any]:
    """The ``:::MLLOG`` key-value records of a LoadGen detail log (the last value of each key)."""
    out: dict[str, Any] = {}
    for line in text.splitlines():
        if line.startswith(":::MLLOG"):
            rec = json.loads(line[len(":::MLLOG"):])
            out[rec["key"]] = rec["value"]
    return out


def _stamp(text: str, where: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(text, LOG_TIME)
    except ValueError:
        raise ImportProblem(f"{where}: time {text!r} is not MM-DD-YYYY HH:MM:SS.fff") from None


#: The first round whose published Server result is LoadGen's completed (not scheduled) queries per second
#: (checked: the recomputation equals every published Server result of v2.1, v3.0 and v4.1).
SERVER_COMPLETED_FROM = "v4.1"


def log_result(tree: Tree, run: str, rnd: str) -> dict[str, Any]:
    """The performance and power results of one power run of round ``rnd``, recomputed from its logs."""
    perf_dir = f"{run}/performance/run_1"
    texts = {name: tree.read(f"{perf_dir}/{name}") for name in ("mlperf_log_detail.txt", "spl.txt")}
    missing = [n for n, t in texts.items() if t is None]
    if missing:
        raise ImportProblem(f"{perf_dir}: {', '.join(missing)} not in the snapshot (a file of 4 MiB or more is left out)")
    log = mllog(texts["mlperf_log_detail.txt"] or "")
    where = f"{tree.gd}@{tree.commit[:12]}:{perf_dir}"
    begin, end = (_stamp(log[k], f"{where}/mlperf_log_detail.txt {k}") for k in ("power_begin", "power_end"))
    watts = []
    for line in (texts["spl.txt"] or "").splitlines():
        cells = line.split(",")
        if len(cells) > 3 and cells[0] == "Time" and begin < _stamp(cells[1], f"{where}/spl.txt") < end:
            watts.append(float(cells[3]))
    if not watts:
        raise ImportProblem(f"{where}/spl.txt: no power sample between power_begin and power_end")
    mean_w, seconds = sum(watts) / len(watts), (end - begin).total_seconds()
    scenario = SCENARIOS[run.split("/")[5].lower()]
    ran = log.get("effective_scenario", scenario)
    single = ran == "SingleStream" and scenario != "SingleStream"  # a result inferred from a SingleStream run
    if scenario == "Offline":
        if "result_tokens_per_second" in log:  # language-model benchmarks publish tokens per second
            perf = (log["result_tokens_per_second"], "Tokens/s")
        else:
            perf = (1e9 / log["result_mean_latency_ns"] if single else log["result_samples_per_second"], "Samples/s")
        power = (mean_w, "Watts")
    elif scenario == "Server":
        if "result_completed_tokens_per_second" in log:
            perf = (log["result_completed_tokens_per_second"], "Tokens/s")
        elif _round_key(rnd) >= _round_key(SERVER_COMPLETED_FROM):  # completed, no longer scheduled, queries
            perf = (log["result_completed_samples_per_sec"], "Queries/s")
        else:
            perf = (log["result_scheduled_samples_per_sec"], "Queries/s")
        power = (mean_w, "Watts")
    else:
        if "result_query_count" in log:
            queries = float(log["result_query_count"])
        elif scenario == "SingleStream":
            queries = log["result_qps_with_loadgen_overhead"] * seconds  # before v2.0 (no query count logged)
        else:
            raise ImportProblem(f"{where}: a MultiStream run without a query count (MultiStream before v2.0)")
        scale = 8 if (scenario == "MultiStream" and single) else 1
        key = "early_stopping_latency_ss" if scenario == "SingleStream" else "early_stopping_latency_ms"
        latency_ns = log.get(key, log.get("result_90.00_percentile_latency_ns"))
        perf = (scale * latency_ns / 1e6, "Latency (ms)")
        power = (scale * mean_w * seconds * 1000 / queries, "millijoules")
    return dict(scenario=scenario, performance=(float(perf[0]), perf[1]), power=(float(power[0]), power[1]),
                samples=len(watts), seconds=seconds)


def system_description(tree: Tree, run: str) -> dict[str, Any]:
    """The system's description file (``closed/<submitter>/systems/<system>.json``)."""
    sub, system = run.split("/")[1], run.split("/")[3]
    text = tree.read(f"closed/{sub}/systems/{system}.json")
    if text is None:
        raise ImportProblem(f"{tree.gd}@{tree.commit[:12]}: closed/{sub}/systems/{system}.json not found for {run}")
    return json.loads(text)


AVAILABILITY = {"available": "available", "preview": "preview", "rdi": "rdi",
                "research, development, or internal (rdi)": "rdi", "research, development, or internal": "rdi"}


def precision(tree: Tree, run: str) -> str:
    """The weight data types the run declares (``measurements/<system>/<model>/<scenario>/*.json``)."""
    _, sub, _, system, model, scen = run.split("/")
    prefix = f"closed/{sub}/measurements/{system}/{model}/".lower()
    for f in tree.files:
        low = f.lower()
        if low.startswith(prefix) and low.split("/")[5] == scen.lower() and low.endswith(".json"):
            text = tree.read(f)
            if text:
                try:
                    value = json.loads(text).get("weight_data_types", "")
                except json.JSONDecodeError:
                    continue
                if value:
                    return _text(value)
    return ""


def rows_from_logs(tree: Tree, runs: list[str], rnd: str) -> list[dict[str, Any]]:
    """Parsed results (as :func:`cm4mlperf_results` gives) of runs found only in the logs."""
    out = []
    for run in runs:
        res = log_result(tree, run, rnd)
        desc = system_description(tree, run)
        where = f"closed/{run.split('/')[1]}/systems/{run.split('/')[3]}.json"
        suites = [x.strip() for x in str(desc.get("system_type", "")).split(",") if x.strip()]
        if not suites or set(suites) - {"datacenter", "edge"}:
            raise ImportProblem(f"{where}: system_type {desc.get('system_type')!r} is not datacenter and/or edge")
        suite = suites[0] if len(suites) == 1 else SUITE_OF_SCENARIO.get(res["scenario"], suites[0])
        status = _text(desc.get("status")).lower()
        if status not in AVAILABILITY:
            raise ImportProblem(f"{where}: status {desc.get('status')!r} is not available, preview or rdi")
        out.append(dict(
            round=rnd, suite=suite, division="closed", availability=AVAILABILITY[status],
            submitter=_text(desc.get("submitter")) or run.split("/")[1], system=_text(desc.get("system_name")),
            platform=run.split("/")[3], accelerator_published=_text(desc.get("accelerator_model_name")),
            accelerators_per_node=_int_or_blank(desc.get("accelerators_per_node")),
            nodes=_int_or_blank(desc.get("number_of_nodes")), host_cpu=_text(desc.get("host_processor_model_name")),
            host_cpus_per_node=_int_or_blank(desc.get("host_processors_per_node")),
            software=_text(desc.get("framework")), model_published=run.split("/")[4], scenario=res["scenario"],
            performance=res["performance"], power=res["power"], precision=precision(tree, run),
            notes_published=_text(desc.get("hw_notes")), result_path=run,
            source_file=f"{run}/performance/run_1/spl.txt", value_source="logs"))
    return out


def _int_or_blank(value: Any) -> str:
    """A count from a system description ('8', 8, '8.0', '' or 'N/A') as an integer's text, or blank."""
    text = _text(value)
    try:
        return str(int(float(text)))
    except ValueError:
        return ""


def website_table(src: Path) -> dict[str, list[float]]:
    """Power results per round in MLCommons' website export (both suites): the check of log rows."""
    repo, commit, files = WEBSITE
    gd = git_dir(src, repo)
    out: dict[str, list[float]] = defaultdict(list)
    for f in files:
        for r in csv.DictReader(io.StringIO(git(gd, "show", f"{commit}:{f}"))):
            units = r.get("Units", "")
            if "power" in units.lower() or "energy" in units.lower() or units in ("Watts", "millijoules"):
                try:
                    value = float(r["Result"])
                except ValueError:
                    continue
                scale = 1000.0 if "(J)" in units else 1.0  # joules per stream, where the export converted mJ
                out[r["version"]].append(value * scale)
    return out


def in_website(values: list[float], power: float) -> bool:
    """Whether the export has this power result (equal to 1e-6)."""
    return any(v > 0 and abs(v / power - 1) < 1e-6 for v in values)


def read_dates() -> dict[str, str]:
    """Release date of each round, from the hand-typed, sourced ``data/mlperf/rounds.csv``."""
    with open(OUT / "rounds.csv", encoding="utf-8", newline="") as fh:
        return {r["round"]: r["release_date"] for r in csv.DictReader(fh)}


def write_csv(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    """Write ``rows`` with a fixed header and ``\\n`` line ends (byte-identical from the same inputs)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    tmp.replace(path)  # a reader never sees half a file


def check_tree(tree: Tree, rnd: str, rows: list[dict[str, str]], dates: dict[str, str], website: list[float]
               ) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Recompute every power run of ``rnd``'s submission tree: the table's rows of it get their ``check``
    (and their precision, where the table has none); runs no table has become rows of their own, checked
    against the website's table. Returns the record of the checks and the new rows."""
    runs = tree.power_runs()
    table: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        if r["round"] == rnd:
            table[r["result_path"]].append(r)
    equal, other_units, differ, unreadable, log_only = 0, 0, [], [], []
    for run in runs:
        try:
            res = log_result(tree, run, rnd)
        except ImportProblem as err:
            unreadable.append(dict(run=run, problem=str(err)))
            for row in table.get(run, []):
                row["check"] = "logs unreadable"
            continue
        if run not in table:
            log_only.append(run)
            continue
        for row in table[run]:
            d_power = abs(res["power"][0] / float(row["power_value"]) - 1)
            d_perf = abs(res["performance"][0] / float(row["performance_value"]) - 1)
            # GPT-J in v4.1: the table gives tokens/s from the accuracy run's tokens per sample, the
            # timed run's log samples/s; its performance is compared only where the units agree
            same_units = res["performance"][1] == row["performance_units"]
            other_units += not same_units
            ok = res["power"][1] == row["power_units"] and d_power < 1e-6 and (d_perf < 1e-5 or not same_units)
            row["check"] = "logs equal" if ok else "logs differ"
            equal += ok
            if not ok:
                differ.append(dict(run=run, table_power=row["power_value"], logs_power=res["power"][0],
                                   table_performance=row["performance_value"], logs_performance=res["performance"][0]))
            if not row["precision"]:
                row["precision"] = precision(tree, run)
    source = Source(TREES[rnd][0], TREES[rnd][1], "logs", (rnd,))
    new_rows = rows_from(rows_from_logs(tree, log_only, rnd), dates, source)
    for row in new_rows:
        row["check"] = "website table equal" if in_website(website, float(row["power_value"])) else "not in website table"
    record = dict(power_runs=len(runs), table_values_equal_to_logs=equal, table_values_differing_from_logs=differ,
                  performance_in_other_units_than_logs=other_units,
                  unreadable=unreadable, imported_from_logs=len(new_rows),
                  imported_from_logs_in_website_table=sum(r["check"] == "website table equal" for r in new_rows),
                  table_results_not_in_tree=sorted(set(table) - set(runs)), runs=runs)
    return record, new_rows


def run(src: Path) -> dict[str, Any]:
    """Read every source in ``src`` and write ``data/mlperf/``; return the provenance record."""
    UNITS_CORRECTED.clear()
    dates = read_dates()
    by_source: dict[str, list[dict[str, str]]] = {}
    meta_sources = []
    for s in SOURCES:
        gd = git_dir(src, s.repo)
        print(f"reading {s.repo} at {s.commit[:12]} ({', '.join(s.rounds)})", flush=True)
        missing = [r for r in s.rounds if r not in dates]
        if missing:
            raise ImportProblem(f"{OUT / 'rounds.csv'}: no release date for {', '.join(missing)}")
        results = (cm4mlperf_results(gd, s.commit, s.rounds) if s.kind == "cm4mlperf"
                   else [x for rnd in s.rounds for x in summary_results(gd, s.commit, rnd)])
        by_source[s.repo] = rows_from(results, dates, s)
        meta_sources.append(dict(repo=s.repo, commit=s.commit, commit_date=commit_date(gd, s.commit), format=s.kind,
                                 rounds=list(s.rounds), results=len(by_source[s.repo])))
        if s.kind == "cm4mlperf":
            all_divisions = power_results_all_divisions(gd, s.commit)
            meta_sources[-1]["power_results_closed_and_open"] = all_divisions
        print(f"  {len(by_source[s.repo])} power results", flush=True)
    rows: list[dict[str, str]] = []
    checks: list[dict[str, Any]] = []
    for s in SOURCES:
        for rnd in s.rounds:
            owner = PREFERRED.get(rnd, s.repo)
            mine = [r for r in by_source[s.repo] if r["round"] == rnd]
            if owner == s.repo:
                rows.extend(mine)
                continue
            theirs = {(r["suite"], r["result_path"]): r for r in by_source[owner] if r["round"] == rnd}
            ours = {(r["suite"], r["result_path"]): r for r in mine}
            worst = max((abs(float(ours[k][c]) / float(theirs[k][c]) - 1) for k in ours.keys() & theirs.keys()
                         for c in ("performance_value", "power_value")), default=0.0)
            checks.append(dict(round=rnd, taken_from=owner, checked_against=s.repo, results_taken=len(theirs),
                               results_in_check=len(ours), in_both=len(ours.keys() & theirs.keys()),
                               largest_relative_difference=worst))
            print(f"  {rnd}: {len(ours.keys() & theirs.keys())} of {len(theirs)} results also in {s.repo}; "
                  f"largest relative difference {worst:.2g}", flush=True)
            if ours.keys() != theirs.keys() or worst > 1e-9:
                raise ImportProblem(f"{rnd}: {s.repo} and {owner} disagree (results only in one: "
                                    f"{sorted(ours.keys() ^ theirs.keys())[:5]}; largest difference {worst:.3g})")
    website = website_table(src)
    trees: dict[str, dict[str, Any]] = {}
    runs_by_round: dict[str, list[str]] = {}
    for rnd, (repo, commit) in TREES.items():
        if rnd not in dates:
            raise ImportProblem(f"{OUT / 'rounds.csv'}: no release date for {rnd}")
        gd = git_dir(src, repo)
        print(f"reading the power runs of {rnd} in {repo} at {commit[:12]}", flush=True)
        tree = Tree(gd, commit)
        try:
            trees[rnd], new_rows = check_tree(tree, rnd, rows, dates, website.get(rnd, []))
            runs_by_round[rnd] = trees[rnd].pop("runs")
        finally:
            tree.close()
        trees[rnd].update(repo=repo, commit=commit, commit_date=commit_date(gd, commit))
        rows.extend(new_rows)
        t = trees[rnd]
        print(f"  {t['power_runs']} power runs: {t['table_values_equal_to_logs']} equal to the table, "
              f"{len(t['table_values_differing_from_logs'])} differ, {len(t['unreadable'])} unreadable; "
              f"{t['imported_from_logs']} imported from the logs ({t['imported_from_logs_in_website_table']} "
              f"found in the website table)", flush=True)
    for r in rows:
        r["check"] = r["check"] or "no logs"
    seen: dict[tuple[str, str, str], dict[str, str]] = {}
    for r in rows:
        key = (r["round"], r["suite"], r["result_path"])
        if key in seen:
            raise ImportProblem(f"{r['round']} {r['suite']}: {r['result_path']} published twice")
        seen[key] = r
    same = mark_same_runs(rows)
    rows.sort(key=lambda r: (r["round"], r["suite"], r["benchmark"], r["accuracy_target"], r["scenario"],
                             r["submitter"], r["system"], r["result_path"]))
    counts: Counter = Counter((r["round"], r["suite"], r["benchmark"]) for r in rows)
    count_rows = []
    for (rnd, suite, bench), n in sorted(counts.items()):
        runs = runs_by_round.get(rnd)
        in_tree = None if runs is None else sum(1 for p in runs if benchmark(p.split("/")[4], rnd)[0] == bench)
        count_rows.append(dict(round=rnd, suite=suite, benchmark=bench, power_results=str(n),
                               submission_tree_runs="" if in_tree is None else str(in_tree),
                               tree_commit=TREES[rnd][1] if rnd in TREES else ""))
    OUT.mkdir(parents=True, exist_ok=True)
    write_csv(OUT / "power.csv", FIELDS, rows)
    write_csv(OUT / "counts.csv", COUNT_FIELDS, count_rows)
    meta = dict(script_sha256=script_hash(), scripts=list(SCRIPTS), sources=meta_sources, cross_checks=checks,
                rows=len(rows), same_run_under_two_targets=same, submission_trees=trees,
                units_corrected=sorted(set(UNITS_CORRECTED)),
                website_table=dict(repo=WEBSITE[0], commit=WEBSITE[1], files=list(WEBSITE[2])),
                rounds=sorted({r["round"] for r in rows}),
                boundary="whole system under test at the wall (AC), SPEC PTDaemon analyzer")
    tmp = OUT / "provenance.json.tmp"
    tmp.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(OUT / "provenance.json")
    print(f"wrote {OUT / 'power.csv'} ({len(rows)} power results over {len(meta['rounds'])} rounds; "
          f"{same} runs published under two accuracy targets), {OUT / 'counts.csv'} and {OUT / 'provenance.json'}")
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", type=Path, help="folder holding the snapshots (see the module's docstring)")
    args = ap.parse_args(argv)
    if not args.src.is_dir():
        print(f"error: SRC {args.src} is not a folder", file=sys.stderr)
        return 2
    try:
        run(args.src.resolve())
    except ImportProblem as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
