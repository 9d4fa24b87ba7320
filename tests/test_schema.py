"""Every input goes through the schema: bad rows name file, line, column and value."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import infertrends.data as data
from infertrends.data.schema import DataError, read_table


def corrupt(tmp_path: Path, spec, line: int, column: str, value: str) -> Path:
    """Copy a data file, replacing one cell (``line`` is the 1-based file line)."""
    import csv

    src = data.data_dir() / spec.filename
    rows = list(csv.reader(src.open(encoding="utf-8", newline="")))
    rows[line - 1][rows[0].index(column)] = value
    path = tmp_path / spec.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def error_for(spec, path: Path) -> str:
    with pytest.raises(DataError) as info:
        read_table(spec, path)
    return str(info.value)


@pytest.mark.parametrize(
    "spec, line, column, value, problem",
    [
        (data.VISION, 5, "gflops", "", "is missing"),
        (data.VISION, 7, "gflops", "0", "must be > 0"),
        (data.VISION, 9, "gflops", "-3.1", "must be > 0"),
        (data.VISION, 12, "gflops", "lots", "is not a number"),
        (data.VISION, 3, "release_date", "11/11/2013", "is not an ISO date"),
        (data.VISION, 3, "release_date", "2013-02-30", "is not a valid calendar date"),
        (data.VISION, 20, "architecture", "RNN", "is not allowed"),
        (data.VISION, 20, "top1_accuracy", "101", "must be <= 100"),
        (data.GPUS, 4, "precision", "FP8", "is not allowed"),
        (data.GPUS, 6, "tdp_watts", "0", "must be > 0"),
        (data.LANGUAGE, 2, "input_tokens", "12.5", "is not an integer"),
        (data.NGC, 10, "throughput", "-1", "must be > 0"),
        (data.VISION, 4, "gflops_citation", "33a", "does not match the pattern"),
        (data.VISION_EXT, 3, "gflops", "0", "must be > 0"),
        (data.VISION_EXT, 4, "source_url", "", "is missing"),
        (data.ACCELERATORS_EXT, 2, "sparse_printed", "maybe", "is not allowed"),
        (data.LLM_EXT, 5, "release_date", "2024", "is not an ISO date"),
        (data.MEASUREMENTS, 2, "measured_joules_per_inference", "-1", "must be > 0"),
        # line 126: Google TPU v4's memory_gb, printed '32 GiB'
        (data.ACCELERATOR_SPECS, 126, "unit", "W", "is not a unit of the row's quantity"),
        (data.ACCELERATOR_SPECS, 126, "unit", "MB", "is not allowed"),
    ],
)
def test_bad_cell_names_file_line_column_value(tmp_path, spec, line, column, value, problem):
    path = corrupt(tmp_path, spec, line, column, value)
    message = error_for(spec, path)
    assert f"{path}:{line}: column '{column}': value '{value}': {problem}" in message


def test_unknown_precision_lists_allowed_values(tmp_path):
    path = corrupt(tmp_path, data.GPUS, 4, "precision", "FP8")
    assert "one of `FP32`, `FP16`, `FP16/FP32 Tensor`" in error_for(data.GPUS, path)


def test_duplicated_key_names_both_lines(tmp_path):
    src = data.data_dir() / data.LANGUAGE.filename
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / data.LANGUAGE.filename
    path.write_text("".join(lines + [lines[4]]), encoding="utf-8")
    message = error_for(data.LANGUAGE, path)
    assert f"{path}:{len(lines) + 1}: column 'model'" in message
    assert "duplicates the key of line 5" in message


def test_every_problem_is_reported(tmp_path):
    path = corrupt(tmp_path, data.VISION, 5, "gflops", "0")
    text = path.read_text(encoding="utf-8").replace("2012-06-01", "2012-6-1")
    path.write_text(text, encoding="utf-8")
    message = error_for(data.VISION, path)
    assert ":2: column 'release_date'" in message and ":5: column 'gflops'" in message


def test_header_problems(tmp_path):
    src = data.data_dir() / data.GPUS.filename
    path = tmp_path / data.GPUS.filename
    path.write_text(src.read_text(encoding="utf-8").replace("tdp_watts", "watts", 1), encoding="utf-8")
    message = error_for(data.GPUS, path)
    assert f"{path}:1: column '<header>'" in message
    assert "missing columns tdp_watts" in message and "unknown columns watts" in message


def test_ragged_row(tmp_path):
    src = data.data_dir() / data.NGC.filename
    path = tmp_path / data.NGC.filename
    path.write_text(src.read_text(encoding="utf-8") + "CV,extra,PyTorch\n", encoding="utf-8")
    assert "has 3 cells, expected 8" in error_for(data.NGC, path)


def test_loader_uses_schema_for_data_dir(tmp_path, monkeypatch):
    for spec in data.SPECS.values():
        shutil.copy(data.data_dir() / spec.filename, tmp_path / spec.filename)
    corrupt(tmp_path, data.VISION, 2, "gflops", "0")
    monkeypatch.setenv("INFERTRENDS_DATA_DIR", str(tmp_path))
    with pytest.raises(DataError, match=r"vision.csv:2: column 'gflops': value '0'"):
        data.vision()


def test_real_data_loads_with_the_thesis_row_counts():
    # counts stated in the foundation issue: 94 vision models, 19 language models, 48 GPU rows, 58 NGC rows
    assert len(data.vision()) == 94
    assert len(data.language()) == 19
    assert len(data.gpus()) == 48
    assert len(data.ngc()) == 58
    assert len(data.load("crop_accuracy")) == 6
    assert len(data.load("efficientnet_scaling")) == 2
    assert len(data.load("vit_g_gflops")) == 2


def test_data_dictionary_in_readme_is_current():
    from infertrends.data.schema import data_dictionary

    readme = (data.data_dir() / "README.md").read_text(encoding="utf-8")
    for spec in data.ALL_SPECS.values():
        assert data_dictionary(spec) in readme, f"data/README.md is missing the current dictionary of {spec.filename}"


def test_external_values_need_a_source_url(tmp_path):
    path = corrupt(tmp_path, data.EXTERNAL, 2, "source_url", "Uptime report")
    assert f"{path}:2: column 'source_url': value 'Uptime report': does not match the pattern" in error_for(
        data.EXTERNAL, path)


def test_byte_order_mark_and_crlf_are_read(tmp_path):
    src = (data.data_dir() / data.GPUS.filename).read_bytes()
    path = tmp_path / "gpus.csv"
    path.write_bytes(b"\xef\xbb\xbf" + src.replace(b"\n", b"\r\n"))
    df = read_table(data.GPUS, path)
    assert list(df.columns)[0] == "gpu" and len(df) == 48


def test_non_utf8_names_the_file_and_line(tmp_path):
    lines = (data.data_dir() / data.GPUS.filename).read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b"GTX", b"GT\xe9X")  # Latin-1 e-acute on the file's line 4
    path = tmp_path / "gpus.csv"
    path.write_bytes(b"\n".join(lines))
    assert f"{path}:4: column '<file>': value '0xe9': is not UTF-8 text" in error_for(data.GPUS, path)


def test_header_only_file_names_the_file(tmp_path):
    path = tmp_path / "gpus.csv"
    path.write_text((data.data_dir() / data.GPUS.filename).read_text(encoding="utf-8").splitlines()[0] + "\n",
                    encoding="utf-8")
    assert f"{path}:2: column '<row>': value '': the file has a header but no data rows" in error_for(data.GPUS, path)


def test_a_bad_row_fails_the_build_once_and_leaves_the_site(tmp_path):
    """One damaged cell: the build stops before any chapter, reports the cell once, and the site stays."""
    import os
    import subprocess
    import sys

    root = data.ROOT
    copy = tmp_path / "data"
    shutil.copytree(data.data_dir(), copy)
    path = corrupt(copy, data.VISION, 7, "gflops", "-1")
    index = root / "book" / "_build" / "html" / "index.html"
    before = index.stat().st_mtime_ns if index.exists() else None
    env = {**os.environ, "INFERTRENDS_DATA_DIR": str(copy)}
    proc = subprocess.run([sys.executable, "-m", "infertrends", "build"], capture_output=True, text=True, env=env,
                          cwd=root)
    assert proc.returncode == 2
    expected = f"{path}:7: column 'gflops': value '-1': must be > 0"
    assert (proc.stdout + proc.stderr).count(expected) == 1, proc.stderr[-2000:]
    assert "executing" not in proc.stdout  # no chapter started
    assert (index.stat().st_mtime_ns if index.exists() else None) == before


def test_params_reads_the_gpu_names_through_the_schema(tmp_path):
    import os
    import subprocess
    import sys

    copy = tmp_path / "data"
    shutil.copytree(data.data_dir(), copy)
    gpus = copy / data.GPUS.filename
    gpus.write_bytes(b"\xef\xbb\xbf" + gpus.read_bytes())
    proc = subprocess.run([sys.executable, "-m", "infertrends", "params", "energy"], capture_output=True, text=True,
                          env={**os.environ, "INFERTRENDS_DATA_DIR": str(copy)})
    assert proc.returncode == 0 and "Tesla V100" in proc.stdout and "Traceback" not in proc.stderr


def test_published_data_package_validates_with_frictionless(html):
    """The site's data folder is a data package that the standard tool validates."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    package = html / "data" / "datapackage.json"
    names = {r["path"] for r in json.loads(package.read_text(encoding="utf-8"))["resources"]}
    assert names == {f"input-{s.name}.csv" for s in data.ALL_SPECS.values()}
    exe = Path(sys.executable).parent / "frictionless"
    proc = subprocess.run([str(exe), "validate", "datapackage.json"], cwd=package.parent, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_frictionless_reports_a_duplicated_key_once(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(data.data_dir(), copy)
    lines = (copy / "gpus.csv").read_text(encoding="utf-8").splitlines()
    (copy / "gpus.csv").write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")
    import infertrends.data.package as package

    with pytest.raises(DataError) as info:
        package.validate(copy, data.ALL_SPECS)
    text = str(info.value)
    assert text.count("gpus.csv") == 1 and f"{copy / 'gpus.csv'}:{len(lines) + 1}:" in text


def test_a_rule_between_columns_names_the_cell(tmp_path, monkeypatch):
    """An architecture with more attention layers than layers is refused at its line, not computed."""
    from conftest import data_copy_with

    lines = []

    def too_many(rows):
        lines.append(next(i for i, r in enumerate(rows) if r["model"] == "Qwen3.5-35B-A3B") + 2)
        rows[lines[0] - 2]["n_attention_layers"] = "41"  # of 40 layers

    copy = data_copy_with(tmp_path, "extension/llm_architecture.csv", too_many)
    line = lines[0]
    monkeypatch.setenv("INFERTRENDS_DATA_DIR", str(copy))
    with pytest.raises(DataError, match=rf"llm_architecture.csv:{line}: column 'n_attention_layers': value '41': "
                                         "must not exceed n_layers"):
        data.load_extension("llm_architecture")


def test_frictionless_is_told_the_dialect(tmp_path):
    """The descriptor states the CSV dialect, so long notes full of other separators never make a reader guess."""
    import infertrends.data.package as package

    copy = tmp_path / "data"
    shutil.copytree(data.data_dir(), copy)
    path = copy / "extension" / "accelerators_extension.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1:] = [line[:-1] + "; a: b; c: d; e; f" * 40 + '"' if line.endswith('"') else line for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert all(r["dialect"]["delimiter"] == "," for r in package.descriptor(data.ALL_SPECS)["resources"])
    package.validate(copy, data.ALL_SPECS)
