"""The command line and the Makefile say what they do and refuse bad values."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

import infertrends.book.build as build
import infertrends.book.cli as cli_mod
import infertrends.book.outputs as outputs


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "infertrends", *args], capture_output=True, text=True)


def test_top_level_help_lists_every_command(capsys):
    out = cli("--help").stdout
    commands = re.search(r"\{([a-z,]+)\}", out).group(1).split(",")
    description = out.split("commands:")[1]
    for c in commands:
        assert re.search(rf"^\s+{c}\s+\S", description, flags=re.M), f"'{c}' is not described"
        with pytest.raises(SystemExit) as done:  # each command's own help, in this process (argparse exits 0)
            cli_mod.main([c, "--help"])
        assert done.value.code == 0 and capsys.readouterr().out.startswith("usage:"), c
    assert "``" not in out  # no reStructuredText markup in a terminal


def test_make_help_lists_every_target(root):
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    targets = re.search(r"^\.PHONY:(.*)$", makefile, flags=re.M).group(1).split()
    shown = subprocess.run(["make", "-s", "help"], cwd=root, capture_output=True, text=True).stdout
    for t in targets:
        assert re.search(rf"^make {t}\b", shown, flags=re.M), f"make help omits '{t}'"


@pytest.mark.parametrize("args", [["build", "--jobs", "0"], ["build", "--jobs", "two"], ["references", "--jobs", "-1"]])
def test_bad_option_values_are_refused(args):
    proc = cli(*args)
    assert proc.returncode == 2 and "expected a whole number >= 1" in proc.stderr


def test_rerun_refuses_any_folder_inside_the_book(root):
    with pytest.raises(outputs.OutputError, match="inside the book's sources"):
        build.rerun("flop-conventions", {"crops": 10}, out=root / "book" / "myrun")
