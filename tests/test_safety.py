"""Nothing lost, nothing wrong published: each probe of a fault-injection session is a test here.

Output folders (reruns, scenario tables) are claimed before anything is written; a damaged cached
execution is executed again; a site linking to a missing file is not published; pool workers die
with the build; ``make chapter`` never hands NAME or PARAMS to a shell; ``estimate`` never prints a
non-finite number.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import run_cli

import infertrends.book.build as build
import infertrends.book.execute as execute
import infertrends.book.outputs as outputs
import infertrends.book.sitecheck as sitecheck
import infertrends.book.sources as sources


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "infertrends", *args], capture_output=True, text=True, cwd=cwd)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- 1, 2, 7: output folders -------------------------------------------------------------------------------


def test_a_symlink_planted_in_the_output_folder_cannot_redirect_a_rerun(tmp_path):
    """Probe 1: ``--out DIR`` where ``DIR/site`` is a symlink to another folder (there: the published site)."""
    decoy = tmp_path / "someone-elses"
    decoy.mkdir()
    (decoy / "index.html").write_text("keep me")
    out = tmp_path / "r"
    out.mkdir()
    (out / "site").symlink_to(decoy, target_is_directory=True)
    proc = cli("run", "flop-conventions", "-p", "crops", "10", "--out", str(out))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.count("\n") == 1 and "refusing to write" in proc.stderr and str(out) in proc.stderr
    assert snapshot(decoy) == {"index.html": b"keep me"}
    assert sorted(p.name for p in out.iterdir()) == ["site"]


def test_a_symlink_to_the_site_is_refused_as_the_site(tmp_path, html):
    link = tmp_path / "site-link"
    link.symlink_to(html, target_is_directory=True)
    with pytest.raises(outputs.OutputError, match=r"leads to .*: it is inside the published site"):
        outputs.claim(link, "a rerun")
    with pytest.raises(outputs.OutputError, match="inside the data"):
        outputs.claim(Path(os.path.relpath(sources.ROOT / "data" / "new-folder")), "a rerun")


def test_a_folder_holding_other_files_is_refused_and_kept(tmp_path):
    """Probe 2: files already in DIR/site/ or DIR/execution/data/ are never deleted."""
    out = tmp_path / "r"
    for rel in ("site/notes.txt", "execution/data/mine.csv"):
        (out / rel).parent.mkdir(parents=True)
        (out / rel).write_text(rel)
    before = snapshot(out)
    proc = cli("run", "flop-conventions", "--out", str(out), "--no-html")
    assert proc.returncode == 2 and "did not write" in proc.stderr, proc.stderr
    assert snapshot(out) == before


def test_a_folder_this_package_wrote_may_be_written_again_but_not_with_new_files_in_it(tmp_path):
    owned = outputs.claim(tmp_path / "r", "a rerun")
    (owned.sub("site") / "page.html").parent.mkdir()
    (owned.path / "site" / "page.html").write_text("ours")
    owned.seal()
    assert outputs.claim(tmp_path / "r", "a rerun").path == owned.path  # our own files: accepted
    (owned.path / "site" / "added-by-hand.txt").write_text("theirs")
    with pytest.raises(outputs.OutputError, match=r"added-by-hand.txt were not written by this command"):
        outputs.claim(tmp_path / "r", "a rerun")
    assert (owned.path / "site" / "added-by-hand.txt").read_text() == "theirs"


def test_a_symlink_inside_an_owned_folder_is_refused(tmp_path):
    owned = outputs.claim(tmp_path / "r", "a rerun")
    (owned.path / "site").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(outputs.OutputError, match="outside the output folder"):
        owned.sub("site")
    with pytest.raises(outputs.OutputError, match="were not written by this command"):
        outputs.claim(tmp_path / "r", "a rerun")


@pytest.mark.parametrize("where", ["book/_static/sweep", "book", "data/extension", "build/cache"])
def test_scenarios_refuse_the_books_folders(root, where):
    """Probe 7: ``scenarios --out book/_static`` would have been published with the next build."""
    before = sorted(p.name for p in (root / where).iterdir()) if (root / where).is_dir() else None
    proc = run_cli("scenarios", "--out", where, cwd=root)
    assert proc.returncode == 2 and proc.stderr.startswith("error: refusing to write the scenario tables"), proc.stderr
    assert proc.stderr.count("\n") == 1
    assert (sorted(p.name for p in (root / where).iterdir()) if (root / where).is_dir() else None) == before


def test_unwritable_and_non_folder_outputs_are_one_line_errors(tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    for out, why in ((a_file, "is a file, not a folder"), (a_file / "below", "cannot write"),
                     (Path("/proc/infertrends-cannot-be-here"), "cannot write")):
        proc = run_cli("scenarios", "--out", str(out))
        assert proc.returncode == 2 and why in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
        assert "Traceback" not in proc.stderr
    assert a_file.read_text() == "x"


# --- 6: a cache that heals, a publication that checks its links ----------------------------------------------


def fake_execution(folder: Path, chapter: str, digest: str) -> Path:
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "table.csv").write_text("a,b\n1,2\n")
    nb = folder / f"{chapter}.ipynb"
    nb.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    (folder / "hash.txt").write_text(digest + "\n" + execute.outputs_hash(nb, folder / "data"))
    return nb


def test_an_intact_cached_execution_is_reused(tmp_path):
    fake_execution(tmp_path, "trends", "abc")
    assert execute._cached("trends", tmp_path, "abc").cached
    assert execute._cached("trends", tmp_path, "other inputs") is None


@pytest.mark.parametrize("damage, why", [
    (lambda nb: nb.write_bytes(nb.read_bytes()[:20]), "its files changed after it was written"),
    (lambda nb: (nb.parent / "data" / "table.csv").write_text("a,b\n1,3\n"), "its files changed"),
    (lambda nb: nb.unlink(), "its notebook or its tables are missing"),
    (lambda nb: (nb.parent / "hash.txt").write_text("abc"), "no record of its outputs' hash"),
])
def test_a_damaged_cached_execution_is_executed_again_with_one_note(tmp_path, capsys, damage, why):
    """Probe 6: a truncated cached notebook used to stop every build with a Sphinx traceback."""
    damage(fake_execution(tmp_path, "trends", "abc"))
    assert execute._cached("trends", tmp_path, "abc") is None
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith(f"[cache] trends: the cached execution in {tmp_path}") and why in out


def test_a_notebook_that_hashes_right_but_does_not_parse_is_not_reused(tmp_path, capsys):
    nb = fake_execution(tmp_path, "trends", "abc")
    nb.write_text("{not json")
    (tmp_path / "hash.txt").write_text("abc\n" + execute.outputs_hash(nb, tmp_path / "data"))
    assert execute._cached("trends", tmp_path, "abc") is None
    assert "does not parse" in capsys.readouterr().out


def site_with(tmp_path: Path, links: str) -> Path:
    built = tmp_path / "built"
    (built / "chapters").mkdir(parents=True)
    (built / "_static").mkdir()
    (built / "_static" / "style.css").write_text("")
    (built / "index.html").write_text('<a href="chapters/a.html#x">a</a><link href="_static/style.css">'
                                      '<a href="https://example.org/">out</a><a href="#top">top</a>')
    (built / "chapters" / "a.html").write_text(links)
    return built


def test_sitecheck_finds_exactly_the_missing_files(tmp_path):
    built = site_with(tmp_path, '<a href="../data/t.csv" download>t</a><img src="../_static/style.css">'
                                '<script>var u = "<a href=\'gone.html\'>";</script><a href="../index.html?q=1">i</a>')
    assert sitecheck.missing(built) == ["chapters/a.html: ../data/t.csv"]
    assert sitecheck.missing(built, later=("data/t.csv",)) == []  # a file a later step adds (the PDF)


def test_a_site_linking_to_a_missing_file_is_not_published(tmp_path):
    built = site_with(tmp_path, '<a href="../data/t.csv" download>t</a>')
    target = tmp_path / "published"
    target.mkdir()
    (target / "index.html").write_text("the published site")
    broken = r"links to 1 file\(s\) it does not hold.*chapters/a.html: ../data/t.csv"
    with pytest.raises(sources.BuildError, match=broken):
        build.publish_site(built, target, tmp_path / "staged-data")
    assert snapshot(target) == {"index.html": b"the published site"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["built", "published"]


def test_publishing_over_a_symlink_is_refused(tmp_path):
    built = site_with(tmp_path, "")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "mine.txt").write_text("keep")
    (tmp_path / "published").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(sources.BuildError, match="is a symlink"):
        build.publish_site(built, tmp_path / "published", tmp_path / "staged-data")
    assert snapshot(elsewhere) == {"mine.txt": b"keep"}


def test_the_published_site_links_only_to_files_it_holds(html):
    assert sitecheck.missing(html) == []


# --- 9: no orphans ------------------------------------------------------------------------------------------

POOL_SCRIPT = textwrap.dedent("""
    import sys, time
    import infertrends.book.execute as execute
    pool = execute.worker_pool(2)
    futures = [pool.submit(time.sleep, 120) for _ in range(2)]
    while len(pool._processes) < 2:
        time.sleep(0.05)
    print(" ".join(map(str, pool._processes)), flush=True)
    time.sleep(120)
""")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie has exited (only its exit status waits to be read)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_when_the_build_is_killed(tmp_path):
    """Probe 9: SIGKILL of the build left its two workers running for over a minute."""
    script = tmp_path / "pool.py"
    script.write_text(POOL_SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    workers = [int(p) for p in proc.stdout.readline().split()]
    assert len(workers) == 2 and all(alive(w) for w in workers)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [w for w in workers if alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    assert not left, f"workers {left} outlived the killed build"


# --- 10: make chapter ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, params", [
    ("x; touch {p}", ""), ("$(shell touch {p})", ""), ("`touch {p}`", ""),
    ("flop-conventions", "-p crops 10; touch {p}"), ("flop-conventions", "$(shell touch {p})"),
    ("flop-conventions", "-p crops \"$(touch {p})\""), ("flop-conventions", "-p crops '10"),
])
def test_make_chapter_passes_name_and_params_as_arguments(root, tmp_path, name, params):
    """Probe 10: NAME and PARAMS were interpolated into the recipe's shell unquoted."""
    pwned = tmp_path / "pwned"
    proc = subprocess.run(["make", "-s", "chapter", f"NAME={name.format(p=pwned)}",
                           f"PARAMS={params.format(p=pwned)}"], cwd=root, capture_output=True, text=True)
    assert proc.returncode != 0 and "error:" in proc.stderr, proc.stdout + proc.stderr
    assert not pwned.exists()


# --- 5: estimate --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [["--gflops", "1e300"], ["--gflops", "1e300", "--json"],
                                   ["--gflops", "1e-300", "--json"], ["--gflops", "1e300", "--method", "sourced"]])
def test_estimate_never_prints_a_non_finite_number(extra):
    """Probe 5: ``--gflops 1e300`` printed nan (exit 0) and --json a bare NaN."""
    proc = run_cli("estimate", "--workload", "vision", "--accelerator", "A100", "--precision", "fp16",
               "--boundary", "node", *extra)
    assert not_finite_words(proc.stdout + proc.stderr) == []
    assert proc.returncode in (0, 2) and "Traceback" not in proc.stderr
    if proc.returncode == 0 and "--json" in extra:
        json.loads(proc.stdout, parse_constant=lambda c: pytest.fail(f"--json printed {c}"))


def not_finite_words(text: str) -> list[str]:
    """How Python, NumPy and JSON spell a non-finite number."""
    import re

    return re.findall(r"(?<![\w.])-?(?:nan|inf|infinity)(?![\w])", text, flags=re.I)
