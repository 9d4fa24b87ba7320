"""Well-typed but absurd values are refused with their bound and its reason; structural faults are named once."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest

import infertrends.data as data
import infertrends.data.plausibility as plausible
import infertrends.data.schema as schema
from infertrends.data.schema import DataError, read_table

SOURCE = data.data_dir()


def rewrite(path: Path, edit) -> None:
    """Apply ``edit`` to the rows of the CSV at ``path`` (header included) and write them back."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows = edit(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def corrupt(tmp_path: Path, spec, cells: dict[tuple[int, str], str]) -> Path:
    """A copy of ``spec``'s file with ``cells`` ((1-based line, column) -> text) replaced."""
    path = tmp_path / spec.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SOURCE / spec.filename, path)

    def edit(rows):
        for (line, column), text in cells.items():
            rows[line - 1][rows[0].index(column)] = text
        return rows

    rewrite(path, edit)
    return path


def problems(spec, path: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        read_table(spec, path)
    return [str(p) for p in info.value.problems]


def line_of(spec, **match: str) -> int:
    """The file line of the first row of ``spec`` whose cells equal ``match``."""
    with (SOURCE / spec.filename).open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            if all(row[k] == v for k, v in match.items()):
                return i + 2
    raise LookupError(match)


# --- Task 1: plausibility bounds ------------------------------------------------------------------

def test_real_data_is_within_every_bound():
    for spec in data.ALL_SPECS.values():
        read_table(spec, SOURCE / spec.filename)


def test_a_date_after_the_build_date_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(schema, "today", lambda: dt.date(2026, 12, 7))
    path = corrupt(tmp_path, data.VISION, {(2, "release_date"): "2099-06-01"})
    assert problems(data.VISION, path) == [
        f"{path}:2: column 'release_date': value '2099-06-01': is after the build date 2026-12-07: a date in the "
        "data cannot be in the future"]


def test_the_build_date_can_be_overridden(tmp_path, monkeypatch):
    """The latest date is today's, read when the file is: a test (or a rebuild of an old state) can set it."""
    monkeypatch.setattr(schema, "today", lambda: dt.date(2021, 6, 1))
    found = problems(data.VISION, SOURCE / data.VISION.filename)
    assert len(found) == 1 and "value '2021-06-08': is after the build date 2021-06-01" in found[0]


@pytest.mark.parametrize("spec, column, bound", [
    (data.VISION, "release_date", plausible.IMAGENET),
    (data.VISION_EXT, "release_date", plausible.IMAGENET),
    (data.LANGUAGE, "release_date", plausible.WORD2VEC),
    (data.LLM_EXT, "release_date", plausible.WORD2VEC),
    (data.GPUS, "launch_date", plausible.CUDA),
    (data.ACCELERATORS_EXT, "launch_date", plausible.CUDA),
    (data.MEASUREMENTS, "release_date", plausible.MEASURED),
    (data.MLPERF_ROUNDS, "release_date", plausible.MLPERF),
    (data.MLPERF_POWER, "release_date", plausible.MLPERF),
    (data.EXTERNAL, "accessed", plausible.WEB),
    (data.VISION_EXT, "accessed", plausible.WEB),
    (data.ACCELERATOR_SPECS, "accessed", plausible.WEB),
    (data.MLPERF_ROUNDS, "accessed", plausible.WEB),
])
def test_a_date_before_the_column_can_be_is_refused_with_the_reason(tmp_path, spec, column, bound):
    earliest = dt.date.fromisoformat(bound[0])
    before = (earliest - dt.timedelta(days=1)).isoformat()
    path = corrupt(tmp_path, spec, {(2, column): before})
    assert problems(spec, path) == [f"{path}:2: column '{column}': value '{before}': is before {bound[0]}: {bound[1]}"]
    read_table(spec, corrupt(tmp_path, spec, {(2, column): bound[0]}))  # the bound itself is allowed


def test_every_date_column_has_its_bounds_in_the_data_dictionary():
    for spec in data.ALL_SPECS.values():
        for col in spec.columns:
            if col.kind == "date":
                assert col.earliest, f"{spec.filename}: {col.name} has no earliest date"
                assert col.allowed_text().endswith(f"not before {col.earliest[0]} ({col.earliest[1]}), not after the "
                                                   "build date")


def test_gflops_beyond_any_vision_model(tmp_path):
    path = corrupt(tmp_path, data.VISION, {(2, "gflops"): "1e21"})
    assert problems(data.VISION, path) == [
        f"{path}:2: column 'gflops': value '1e21': must be <= 100000 GFLOPs (100 TFLOPs) per image: the largest "
        "vision model, ViT-22B, needs about 1e4 at 224 px"]


def test_parameters_beyond_any_vision_model(tmp_path):
    path = corrupt(tmp_path, data.VISION, {(2, "params_millions"): "2e6"})
    assert problems(data.VISION, path) == [
        f"{path}:2: column 'params_millions': value '2e6': must be <= 100000 million (100 billion) parameters: the "
        "largest vision model, ViT-22B, has 22 billion"]


def test_fewer_flops_than_two_per_parameter(tmp_path):
    path = corrupt(tmp_path, data.VISION, {(2, "gflops"): "0.1"})  # AlexNet: 61 M parameters
    assert problems(data.VISION, path) == [
        f"{path}:2: column 'gflops': value '0.1': gives 1.64 FLOPs per parameter (gflops x 1e3 / params_millions), "
        "below 2: a dense forward pass uses every weight at least once (multiply-add = 2)"]


def test_more_flops_per_parameter_than_pixels(tmp_path):
    # Table A.3: 30,000 GFLOPs on 10 M parameters = 3e6 FLOPs per parameter > 2 x 1000^2
    path = corrupt(tmp_path, data.VISION, {(2, "gflops"): "30000", (2, "params_millions"): "10"})
    assert problems(data.VISION, path) == [
        f"{path}:2: column 'gflops': value '30000': gives 3e+06 FLOPs per parameter (gflops x 1e3 / "
        "params_millions), above 2 x 1,000,000 pixels (1000 px square: Table A.3 has no resolution column and no "
        "test resolution above 1000 px): a weight is used at most once per input pixel"]
    # the extension: the row's own resolution (line 2: 384 px, so at most 2 x 147,456 FLOPs per parameter)
    path = corrupt(tmp_path, data.VISION_EXT, {(2, "gflops"): "9000", (2, "params_millions"): "29"})
    assert problems(data.VISION_EXT, path) == [
        f"{path}:2: column 'gflops': value '9000': gives 3.1e+05 FLOPs per parameter (gflops x 1e3 / "
        "params_millions), above 2 x 147,456 pixels (the row's resolution squared): a weight is used at most once "
        "per input pixel"]


def test_vision_extension_without_parameters_checks_only_the_flops(tmp_path):
    read_table(data.VISION_EXT, corrupt(tmp_path, data.VISION_EXT, {(2, "params_millions"): ""}))


def test_language_flops_per_parameter_per_token(tmp_path):
    line = line_of(data.LANGUAGE, model="BERT-Base")  # 110 M parameters, 128 tokens
    path = corrupt(tmp_path, data.LANGUAGE, {(line, "gflops"): "290"})
    assert problems(data.LANGUAGE, path) == [
        f"{path}:{line}: column 'gflops': value '290': gives 20.6 FLOPs per parameter per input token (gflops x 1e3 "
        "/ (params_millions x input_tokens)), above 4: each weight does about one multiply and one add per token "
        "(single operations, thesis 3.2), below 1 only where most parameters are embedding lookups; a row that "
        "truly breaks this says why in plausibility_exception"]
    path = corrupt(tmp_path, data.LANGUAGE, {(line, "gflops"): "2.9"})
    assert "gives 0.206 FLOPs per parameter per input token" in problems(data.LANGUAGE, path)[0]
    assert "below 0.5: each weight" in problems(data.LANGUAGE, path)[0]


def test_albert_breaks_the_bound_only_with_its_sourced_exception(tmp_path):
    albert = data.load("language").set_index("model").loc[["ALBERT-xxl", "ALBERT-base"]]
    assert (albert["plausibility_exception"].str.contains("arXiv:1909.11942")).all()
    assert (data.load("language")["plausibility_exception"] != "").sum() == 2
    line = line_of(data.LANGUAGE, model="ALBERT-xxl")
    path = corrupt(tmp_path, data.LANGUAGE, {(line, "plausibility_exception"): ""})
    found = problems(data.LANGUAGE, path)
    assert len(found) == 1 and found[0].startswith(f"{path}:{line}: column 'gflops': value '2500': gives 20.8 FLOPs")


def test_language_exception_is_just_before_the_notes():
    names = data.LANGUAGE.column_names
    assert names[-2:] == ["plausibility_exception", "notes"]


@pytest.mark.parametrize("value, message", [
    ("1e5", "must be <= 10000 billion (10 trillion) parameters: no language model so far has more than about 2 "
            "trillion"),
    ("0.001", "must be >= 0.01 billion (10 million) parameters: a smaller model is no large language model (the "
              "unit is billions)"),
])
def test_llm_parameters(tmp_path, value, message):
    path = corrupt(tmp_path, data.LLM_EXT, {(2, "params_billions"): value, (2, "active_params_billions"): value})
    assert problems(data.LLM_EXT, path) == [f"{path}:2: column 'params_billions': value '{value}': {message}"]


PUE = line_of(data.EXTERNAL, key="pue_industry_average")  # 1.58, low 1.55, high 1.59
MFU = line_of(data.EXTERNAL, key="mfu_training_h100")  # 0.47 of peak, low 0.41, high 0.48


@pytest.mark.parametrize("cells, column, value, message", [
    ({(PUE, "value"): "1580", (PUE, "high"): "2"}, "value", "1580",
     "must be in [1, 3] for unit 'ratio': the chain reads a ratio as a PUE (facility / IT power): at least 1 by "
     "definition; the worst fleet averages reported are about 2.5 (Uptime Institute, 2007)"),
    ({(PUE, "value"): "1580"}, "value", "1580", "must be in [1, 3] for unit 'ratio'"),  # once, not twice
    ({(PUE, "low"): "0.9", (PUE, "value"): "1.58"}, "low", "0.9", "must be in [1, 3] for unit 'ratio'"),
    ({(PUE, "low"): "1.7", (PUE, "high"): "1.6"}, "low", "1.7",
     "is above high (1.6): a range's low end cannot exceed its high end"),
    ({(PUE, "value"): "1.5"}, "value", "1.5",
     "is below its own low end 1.55: the value must lie in the range its source gives"),
    ({(MFU, "value"): "0.49"}, "value", "0.49",
     "is above its own high end 0.48: the value must lie in the range its source gives"),
    ({(MFU, "value"): "1.5", (MFU, "high"): ""}, "value", "1.5",
     "must be in (0, 1] for unit 'fraction of peak FLOPS': a share of a peak rate, a capacity or a rated power is "
     "above 0 and cannot exceed the whole; the chain's fractions (compute, memory, idle, power) take no other"),
    ({(PUE, "unit"): "percent"}, "unit", "percent",
     "has no plausible range: declare the unit, its range and the reason in EXTERNAL_UNITS (or "
     "EXTERNAL_UNIT_PREFIXES) in infertrends/data/plausibility.py"),
])
def test_external_values_within_their_range_and_their_unit(tmp_path, cells, column, value, message):
    path = corrupt(tmp_path, data.EXTERNAL, cells)
    found = problems(data.EXTERNAL, path)
    assert len(found) == 1, found
    line = next(iter(cells))[0]
    assert found[0].startswith(f"{path}:{line}: column '{column}': value '{value}': {message}")


def test_every_external_unit_is_declared():
    for unit in data.load("external_values")["unit"]:
        assert plausible.unit_range(unit) is not None, unit


# --- Task 2: validate_all names each structural fault once, exactly --------------------------------

@pytest.fixture
def copy(tmp_path, monkeypatch) -> Path:
    """A copy of ``data/`` that ``data.data_dir()`` points at."""
    target = tmp_path / "data"
    shutil.copytree(SOURCE, target)
    monkeypatch.setenv("INFERTRENDS_DATA_DIR", str(target))
    return target


def validate_all() -> tuple[list[str], str]:
    with pytest.raises(DataError) as info:
        data.validate_all()
    return [str(p) for p in info.value.problems], str(info.value)


def vision_lines(copy: Path) -> list[str]:
    return (copy / "vision.csv").read_text(encoding="utf-8").splitlines()


def write_vision(copy: Path, lines: list[str]) -> Path:
    path = copy / "vision.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_removed_middle_column_is_one_line_naming_it(copy):
    path = copy / "vision.csv"
    rewrite(path, lambda rows: [r[:8] + r[9:] for r in rows])  # column 9 is gflops
    found, _ = validate_all()
    header = ",".join(c for c in data.VISION.column_names if c != "gflops")
    assert found == [f"{path}:1: column '<header>': value '{header}': missing columns gflops"]


def test_a_header_only_file_is_one_line_without_foreign_key_errors(copy):
    path = write_vision(copy, vision_lines(copy)[:1])
    found, _ = validate_all()
    assert found == [f"{path}:2: column '<row>': value '': the file has a header but no data rows"]


def test_an_extra_column_is_one_line_naming_it(copy):
    path = write_vision(copy, [line + (",source" if i == 0 else ",x") for i, line in enumerate(vision_lines(copy))])
    found, _ = validate_all()
    header = ",".join(data.VISION.column_names) + ",source"
    assert found == [f"{path}:1: column '<header>': value '{header}': unknown columns source"]


def test_a_duplicated_key_is_one_line_naming_both(copy):
    lines = vision_lines(copy)
    path = write_vision(copy, lines[:10] + [lines[3]] + lines[10:])  # line 4's row again as line 11
    found, _ = validate_all()
    model, extra = next(csv.reader([lines[3]]))[0], next(csv.reader([lines[3]]))[11]
    assert found == [f"{path}:11: column 'model+extra_data': value '{model} | {extra}': duplicates the key of line 4"]


def test_an_unterminated_quote_is_one_line_where_it_opens(copy):
    lines = vision_lines(copy)
    assert '"' not in lines[20]
    lines[20] = lines[20].replace(",", ',"', 1)  # line 21: a quote opens in its second cell
    path = write_vision(copy, lines)
    found, _ = validate_all()
    assert len(lines[20]) <= 60  # a longer line is cut to 60 characters and "..."
    assert found == [f"{path}:21: column '<row>': value '{lines[20]}': a quoted cell opens on this line and is never "
                     'closed (a `"` inside a quoted cell is written `""`)']


def test_an_unterminated_quote_on_the_last_line(copy):
    lines = vision_lines(copy)
    lines[-1] = lines[-1].replace(",", ',"', 1)
    path = write_vision(copy, lines)
    found, _ = validate_all()
    assert len(found) == 1 and found[0].startswith(f"{path}:{len(lines)}: column '<row>'")
    assert found[0].endswith("a quoted cell opens on this line and is never closed (a `\"` inside a quoted cell is "
                             "written `\"\"`)")


def test_text_after_a_closing_quote_is_one_line(copy):
    lines = vision_lines(copy)
    lines[20] = lines[20].replace(",", ',"59"x', 1).replace('"x59,', '"x,', 1)
    path = write_vision(copy, lines)
    found, _ = validate_all()
    assert len(found) == 1 and found[0].startswith(f"{path}:21: column '<row>'")
    assert "has text after the closing quote of a cell" in found[0]


def test_a_quoted_line_break_in_a_cell_is_allowed(tmp_path):
    path = corrupt(tmp_path, data.VISION, {(3, "notes"): "two\nlines"})
    df = read_table(data.VISION, path)
    assert df.loc[1, "notes"] == "two\nlines" and df.attrs["source_lines"][2] == 5  # the next row starts on line 5


def test_the_count_of_problems_is_exact_and_fast(copy):
    """10,000 rows with 10 bad cells each: 100,000 problems, counted exactly (frictionless would stop at 1,000)."""
    import time

    lines = vision_lines(copy)
    bad = "m{},x,x,x,x,x,x,x,x,x,x,No,2019-01-01,CNN,"
    write_vision(copy, lines[:1] + [bad.format(i) for i in range(10_000)])
    start = time.monotonic()
    found, text = validate_all()
    assert time.monotonic() - start < 10
    assert len(found) == 100_000
    assert text.splitlines()[-1] == f"  ... and {100_000 - schema.MAX_REPORTED} more problems"


def test_problems_of_several_files_are_all_reported_and_foreign_keys_wait(copy):
    """Each file is read completely; frictionless (foreign keys) runs only once every file is clean."""
    rewrite(copy / "gpus.csv", lambda rows: rows[:3] + [rows[3][:4] + ["2006-11-07"] + rows[3][5:]] + rows[4:])
    rewrite(copy / "vision.csv", lambda rows: [rows[0]] + [r for r in rows[1:] if r[0] != "ViT-G/14"])
    found, _ = validate_all()
    assert found == [f"{copy / 'gpus.csv'}:4: column 'launch_date': value '2006-11-07': is before 2006-11-08: "
                     f"{plausible.CUDA[1]}"]
    shutil.copy(SOURCE / "gpus.csv", copy / "gpus.csv")
    found, _ = validate_all()
    assert len(found) == 2 and all("vit_g_gflops.csv" in p and "foreign" in p for p in found)
