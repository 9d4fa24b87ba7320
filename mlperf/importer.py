"""Import every MLPerf Inference power result from local snapshots of MLCommons' result repositories.

``make import-mlperf SRC=<folder>`` runs this script; it writes ``data/mlperf/`` (committed), so
``make book`` and ``make test`` never need the snapshots:

- ``power.csv``: one row per power result (round, suite, division, submitter, system, accelerator,
  benchmark, scenario, the performance and power results as published, and the Joules per unit the
  script computes from those two published numbers), with the repository, commit and file it was read
  from;
- ``counts.csv``: power results per round, suite and benchmark, beside an independent count of the
  power runs in the round's own submission tree (``performance/run_1/spl.txt`` under ``closed/``),
  where a snapshot of that tree is in SRC;
- ``provenance.json``: each source's repository and commit (with its date), the SHA-256 of this
  script, and the checks made on the import (results read twice, runs of one measurement under two
  accuracy targets).

SRC is a folder holding local snapshots (git directories, bare or with a work tree) of the public
repositories in ``SOURCES``, each as ``SRC/<name>``, ``SRC/mlcommons+<name>/repo`` or
``SRC/mlcommons+<name>``. Files are read at the pinned commit with ``git show``, so the same snapshots
always give the same bytes, whatever the work tree holds.

Where the numbers come from (MLCommons' own tables, never retyped):

- v2.1 to v4.0: ``mlcommons/cm4mlperf-results``, MLCommons' machine-readable copy of the published
  results tables (``experiment/mlperf-inference--vX.Y--<suite>--closed-power--<task>--<scenario>/*/cm-result.json``).
  Up to v3.1 a row holds both results (``Result``, ``Result_Power``); from v4.0 the performance and
  the power result of one run are two rows with the same ``Location``, paired here.
- v4.1 and v5.1: the round's own ``summary_results.json`` in ``mlcommons/inference_results_vX.Y``
  (``Performance_Result``, ``Power_Result``). v4.1 is also in cm4mlperf-results: both copies are read
  and must agree (checked, recorded in provenance.json).

Not covered (said in ``data/README.md``): v1.0, v1.1 and v2.0 (cm4mlperf-results has no v1.x and lacks
v2.0's image classification and object detection; their raw logs are in the rounds' repositories), v5.0 (its repository is too large to snapshot here), v6.0 and v6.1 (no
power results), and the open division.

Joules per unit: for Offline and Server, average wall power (W) / throughput (samples, queries or
tokens per second); for SingleStream and MultiStream, MLCommons publishes the energy per query (mJ),
and a MultiStream query is 8 samples (from v2.0 on), so J per sample = mJ / 1,000 / 8.
"""

from __future__ import annotations

import argparse
import csv
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
    kind: str  # "cm4mlperf" (experiment/*/cm-result.json) or "summary" (summary_results.json)
    rounds: tuple[str, ...]
    tree_round: str = ""  # the round whose submission tree this repository is (for the independent count)


SOURCES: tuple[Source, ...] = (
    Source("mlcommons/cm4mlperf-results", "84d8b84c6d6e3d646e27d511e438fd12d144ade9", "cm4mlperf",
           ("v2.1", "v3.0", "v3.1", "v4.0", "v4.1")),
    # summary_results.json was added to v4.1's repository in 2024 and removed in 2025: read at the last
    # commit that has it ("Fixed links in summary_results", 2024-11-05).
    Source("mlcommons/inference_results_v4.1", "4a0c87411066bd697db46fa44cf6f04fd458f627", "summary", ("v4.1",),
           tree_round="v4.1"),
    Source("mlcommons/inference_results_v5.1", "965182b03376a00fcae415c54e560e1c83937932", "summary", ("v5.1",),
           tree_round="v5.1"),
)
#: Rounds whose submission trees are counted independently when their snapshot is in SRC (HEAD of the
#: snapshot: results are not changed after publication; the commit counted is recorded).
TREES: dict[str, str] = {"v2.1": "mlcommons/inference_results_v2.1", "v3.0": "mlcommons/inference_results_v3.0",
                         "v4.1": "mlcommons/inference_results_v4.1", "v5.1": "mlcommons/inference_results_v5.1"}
#: For a round in two sources, the one the row is taken from (the other is a check).
PREFERRED = {"v4.1": "mlcommons/inference_results_v4.1"}

#: Accelerator names as MLCommons publishes them -> the name in data/extension/accelerator_specs.csv,
#: only where the published name identifies that exact part (memory size and form factor included).
ACCELERATORS: dict[str, str] = {
    "NVIDIA A100-SXM-80GB": "NVIDIA A100 SXM 80GB",
    "NVIDIA A100-SXM-80GB CTS": "NVIDIA A100 SXM 80GB",
    "NVIDIA H100-SXM-80GB": "NVIDIA H100 SXM",
    "NVIDIA H100-PCIe-80GB": "NVIDIA H100 PCIe",
    "NVIDIA H200-SXM-141GB": "NVIDIA H200 SXM",
    "NVIDIA B200-SXM-180GB": "NVIDIA B200 (HGX B200)",
    "NVIDIA L4": "NVIDIA L4",
    "NVIDIA L40S": "NVIDIA L40S",
    "NVIDIA A30": "A30",
    "NVIDIA Jetson AGX Orin 64G": "NVIDIA Jetson AGX Orin 64GB",
}

FIELDS = ["round", "release_date", "suite", "division", "availability", "submitter", "system", "platform",
          "accelerator", "accelerator_published", "accelerators_per_node", "nodes", "host_cpu",
          "host_cpus_per_node", "software", "benchmark", "accuracy_target", "model_published", "scenario",
          "performance_value", "performance_units", "power_value", "power_units", "joules_per_unit", "unit",
          "samples_per_unit", "joules_per_sample", "precision", "same_run_as", "notes_published", "result_path",
          "source_repo", "source_commit", "source_file"]
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

BENCHMARK = re.compile(r"^(?P<bench>.+?)(?:-(?P<target>99(?:\.9)?))?$")
PERFORMANCE_UNIT = {"Samples/s": "sample", "Queries/s": "query", "Tokens/s": "token"}


def benchmark(model: str) -> tuple[str, str]:
    """('bert', '99.9') from 'bert-99.9'; the accuracy target is empty where the name carries none."""
    m = BENCHMARK.match(model)
    assert m is not None
    bench = {"resnet": "resnet50"}.get(m.group("bench"), m.group("bench"))
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
        bench, target = benchmark(r["model_published"])
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
            result_path=r["result_path"], source_repo=source.repo, source_commit=source.commit,
            source_file=r["source_file"]))
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


def tree_runs(gd: Path) -> tuple[set[str], str]:
    """Result folders of the power runs in a round's submission tree (closed division) and the commit read:
    every ``closed/<submitter>/results/<system>/<model>/<scenario>`` with ``performance/run_1/spl.txt``."""
    commit = git(gd, "rev-parse", "HEAD").strip()
    runs = set()
    for f in git(gd, "ls-tree", "-r", "--name-only", commit, "closed").splitlines():
        parts = f.split("/")
        if len(parts) == 9 and parts[2] == "results" and parts[6:] == ["performance", "run_1", "spl.txt"]:
            runs.add("/".join(parts[:6]))
    return runs, commit


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


def run(src: Path) -> dict[str, Any]:
    """Read every source in ``src`` and write ``data/mlperf/``; return the provenance record."""
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
    trees: dict[str, tuple[Counter, str]] = {}
    for rnd, repo in TREES.items():
        try:
            trees[rnd] = tree_runs(git_dir(src, repo))
        except ImportProblem as err:
            print(f"  no independent count for {rnd}: {err}", flush=True)
    count_rows = []
    for (rnd, suite, bench), n in sorted(counts.items()):
        tree, commit = trees.get(rnd, (None, ""))
        in_tree = sum(1 for p in tree if benchmark(p.split("/")[4])[0] == bench) if tree is not None else None
        count_rows.append(dict(round=rnd, suite=suite, benchmark=bench, power_results=str(n),
                               submission_tree_runs="" if in_tree is None else str(in_tree), tree_commit=commit))
    unpublished = {rnd: sorted(tree - {r["result_path"] for r in rows if r["round"] == rnd})
                   for rnd, (tree, _) in trees.items()}
    not_in_tree = {rnd: sorted({r["result_path"] for r in rows if r["round"] == rnd} - tree)
                   for rnd, (tree, _) in trees.items()}
    for rnd in trees:
        print(f"  {rnd}: {len(unpublished[rnd])} power runs in the submission tree are not in the published table; "
              f"{len(not_in_tree[rnd])} published results have no power run in the tree", flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    write_csv(OUT / "power.csv", FIELDS, rows)
    write_csv(OUT / "counts.csv", COUNT_FIELDS, count_rows)
    meta = dict(script_sha256=script_hash(), scripts=list(SCRIPTS), sources=meta_sources, cross_checks=checks,
                rows=len(rows), same_run_under_two_targets=same,
                submission_trees={rnd: dict(repo=TREES[rnd], commit=c, power_runs=len(t),
                                            runs_not_in_published_table=unpublished[rnd],
                                            published_results_not_in_tree=not_in_tree[rnd])
                                  for rnd, (t, c) in trees.items()},
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
