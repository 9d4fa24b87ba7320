"""Publishing and citing: the GitHub Pages workflow runs exactly the README's commands, CITATION.cff is valid
CFF 1.2.0 and feeds the intro's "How to cite", every page shows its version, the CSV folder carries a
manifest, and `make pdf` printed the whole book (checked with poppler's pdftotext and pdfinfo)."""

from __future__ import annotations

import copy
import functools
import csv
import hashlib
import json
import re
import shutil
import subprocess

import pytest
import yaml

import infertrends.book.printing as printing
import infertrends.book.sources as sources

WORKFLOW = ".github/workflows/book.yml"


def readme_commands(root) -> list[str]:
    """The commands of the README's "Two commands" block, in order."""
    text = (root / "README.md").read_text(encoding="utf-8")
    block = text.split("## Two commands", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip().startswith("make ")]


def test_workflow_runs_the_readme_commands_and_deploys_the_built_site(root):
    wf = yaml.safe_load((root / WORKFLOW).read_text(encoding="utf-8"))
    triggers = wf.get("on", wf.get(True))  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and "pull_request" in triggers
    steps = wf["jobs"]["build"]["steps"]
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"] and "actions/upload-pages-artifact" in uses
    make_runs = [s["run"].strip() for s in steps if "run" in s and s["run"].strip().startswith("make ")]
    assert make_runs == readme_commands(root) == ["make book", "make test"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == sources.HTML.relative_to(root).as_posix()  # the folder the build writes
    assert "push" in upload["if"] and "refs/heads/main" in upload["if"]  # a pull request only builds and tests
    deploy = wf["jobs"]["deploy"]
    assert deploy["needs"] == "build" and "push" in deploy["if"] and "refs/heads/main" in deploy["if"]
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}


def cff_errors(doc) -> list[str]:
    import jsonschema

    # The CFF 1.2.0 schema (https://citation-file-format.github.io/1.2.0/schema.json), vendored from the
    # cffconvert 2.0.0 wheel on PyPI (cffconvert/schemas/1.2.0/schema.json), so the test runs offline.
    schema = json.loads((sources.ROOT / "tests" / "cff-1.2.0-schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return [e.message for e in validator.iter_errors(doc)]


def test_citation_cff_is_valid_cff_1_2_0_with_the_thesis_and_its_journal_version(root):
    doc = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff_errors(doc) == []
    assert doc["cff-version"] == "1.2.0"
    kinds = {(r["type"], r.get("doi", "")) for r in doc["references"]}
    assert ("thesis", "") in kinds and ("article", "10.1016/j.suscom.2023.100857") in kinds
    broken = copy.deepcopy(doc)
    del broken["authors"]
    assert cff_errors(broken), "the schema check must be able to fail"


def test_how_to_cite_and_bibtex_come_from_citation_cff(root, html):
    doc = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    intro = (html / "intro.html").read_text(encoding="utf-8")
    assert "How to cite" in intro and doc["title"] in intro and str(doc["version"]) in intro
    assert "10.1016/j.suscom.2023.100857" in intro
    bib = (html / "infertrends-book.bib").read_text(encoding="utf-8")
    assert bib.startswith("@software{") and f"version = {{{doc['version']}}}" in bib
    assert 'href="infertrends-book.bib"' in intro


def _git(root, *args) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()


def newest_release_date(root) -> str:
    """Independently of the book's code: the latest value of any *_date column of data/ (not `accessed`)."""
    latest = ""
    for path in (root / "data").rglob("*.csv"):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                for k, v in row.items():
                    if k.endswith("date") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v or ""):
                        latest = max(latest, v)
    return latest


def test_every_page_shows_its_version(root, html):
    short = _git(root, "rev-parse", "--short=7", "HEAD")
    date = _git(root, "show", "-s", "--format=%cs", "HEAD")
    newest = newest_release_date(root)
    pages = [html / "intro.html", html / "reproduction.html", html / "bibliography.html"] + [
        html / "chapters" / f"{c}.html" for c in sources.chapters()]
    for page in pages:
        footer = re.search(r'<p class="book-version">(.*?)</p>', page.read_text(encoding="utf-8"), re.S)
        assert footer, f"{page.name} has no version line"
        assert short in footer.group(1) and date in footer.group(1) and newest in footer.group(1), footer.group(1)


def test_data_folder_manifest_lists_every_csv_with_rows_and_hash(root, html):
    with open(html / "data" / "manifest.csv", encoding="utf-8", newline="") as fh:
        listed = {r["file"]: r for r in csv.DictReader(fh)}
    published = {p.name for p in (html / "data").glob("*.csv")} - {"manifest.csv"}
    assert set(listed) == published
    head = _git(root, "rev-parse", "HEAD")
    for name, r in listed.items():
        raw = (html / "data" / name).read_bytes()
        assert r["sha256"] == hashlib.sha256(raw).hexdigest(), name
        assert int(r["rows"]) == len(list(csv.reader(raw.decode("utf-8-sig").splitlines(keepends=True)))) - 1, name
        assert r["commit"] == head


def _pdf(html):
    path = html / printing.PDF_NAME
    if not path.exists():
        pytest.fail(f"{path} missing: run `make pdf` (make test does it)")
    for tool in ("pdftotext", "pdfinfo", "pdfimages"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} missing: `make chromium` installs Debian's poppler-utils")
    return path


def test_pdf_holds_every_chapter_and_vector_charts(html):
    path = _pdf(html)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    chapters = sources.chapters()
    assert pages >= 3 * len(chapters), f"only {pages} pages for {len(chapters)} chapters"
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.replace("\u2019", "'").split())  # Sphinx prints apostrophes typographically
    for c in chapters:
        title = sources.chapter_title(c)
        assert " ".join(title.split()) in flat, f"chapter title {title!r} not in the PDF"
    # charts are drawn as vector graphics: their axis titles are text in the PDF, and the PDF holds
    # no large raster image in their place
    assert flat.count("Release date") >= 5
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    # (grey full-width images are Chromium's rasterised box shadows of cells and tables, not charts)
    big = [line for line in images.splitlines()[2:]
           if int(line.split()[3]) > 300 and int(line.split()[4]) > 200 and line.split()[5] != "gray"]
    assert len(big) <= 2, f"raster images where charts should be: {big[:3]}"


def test_missing_thesis_fails_unless_skipping_is_asked(monkeypatch, tmp_path):
    import tests.conftest as conftest

    monkeypatch.setattr(conftest, "thesis_path", lambda: tmp_path / "absent" / "thesis.txt")  # no such file
    fixture = conftest.thesis_text.__wrapped__ if hasattr(conftest.thesis_text, "__wrapped__") else None
    if fixture is None:
        pytest.skip("pytest does not expose the fixture function")
    monkeypatch.delenv("INFERTRENDS_ALLOW_MISSING_THESIS", raising=False)
    with pytest.raises(FileNotFoundError):
        fixture()
    monkeypatch.setenv("INFERTRENDS_ALLOW_MISSING_THESIS", "1")
    with pytest.raises(pytest.skip.Exception):
        fixture()


def test_pdf_prints_what_a_reader_needs_and_no_screen_instructions(html):
    """The PDF holds every chapter's method section opened (its text and the rerun command), and none of the
    screen's buttons or instructions (the words below appear in the HTML, so the check can fail)."""
    path = _pdf(html)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.replace("\u2019", "'").split())
    for words in ("Show code cell source", "Hover a point", "Scroll to zoom"):
        assert words not in flat, f"the PDF prints the screen's {words!r}"
    assert flat.count("Method and rerun") >= len(sources.chapters())
    assert flat.count("make chapter NAME=") >= len(sources.chapters()), "the folded method sections were not opened"
    assert "level = 0.9" in flat, "the parameters cells (folded on the page) were not printed"
    # the BibTeX's long title line is printed whole, not cut at the page's edge (compared without white space)
    title = yaml.safe_load((sources.ROOT / "CITATION.cff").read_text(encoding="utf-8"))["title"]
    assert "".join(f"title = {{{title}}},".split()) in "".join(flat.split()), "the BibTeX title is cut in the PDF"


def _page_text(path, n: int, layout: bool = False) -> str:
    """Page ``n`` (1 = first) of the PDF as pdftotext reads it, typographic apostrophes made plain."""
    return _pages(str(path), path.stat().st_mtime_ns, layout)[n - 1]


@functools.cache
def _pages(path: str, mtime: int, layout: bool) -> list[str]:
    """Every page's text, from one pdftotext run (it ends each page with a form feed), instead of one run,
    each parsing the whole PDF, per page."""
    cmd = ["pdftotext"] + (["-layout"] if layout else []) + [path, "-"]
    text = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.replace("\u2019", "'")
    return text.split("\f")


def test_pdf_contents_give_the_page_each_chapter_starts_on(html):
    """The PDF opens with contents that list every chapter with a page number; the chapter's numbered heading is
    printed on exactly that page (whose footer prints that number), and on none of the pages between the
    contents and it. Read with pdftotext page by page, apart from how the build found the numbers."""
    path = _pdf(html)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    entries: dict[str, int] = {}  # "title ..... page" lines, read up to the first page an entry points at
    contents_end = 0
    for n in range(1, pages + 1):
        if entries and n >= min(entries.values()):
            break
        text = _page_text(path, n, layout=True)
        assert n > 1 or "Contents" in text, "the first page has no contents"
        lines = [re.fullmatch(r"\s*(\S.*?\S)[\s.]{2,}(\d+)\s*", line) for line in text.splitlines()]
        if not any(lines):
            break
        entries.update({" ".join(m.group(1).split()): int(m.group(2)) for m in lines if m})
        contents_end = n
    assert entries, "no 'title .... page' lines in the contents on the first page"
    numbers = list(entries.values())
    assert numbers == sorted(numbers) and contents_end < numbers[0] and numbers[-1] <= pages, entries

    texts = {}
    for c in sources.chapters():
        title = " ".join(sources.chapter_title(c).replace("\u2019", "'").split())
        listed = [e for e in entries if re.fullmatch(r"(\d+\.\s)?" + re.escape(title), e)]
        assert len(listed) == 1, f"chapter {title!r} is not listed once in the contents: {list(entries)}"
        heading, page = listed[0], entries[listed[0]]
        for n in range(contents_end + 1, page + 1):
            if n not in texts:
                texts[n] = " ".join(_page_text(path, n).split())
        assert heading in texts[page], f"{heading!r} is not on page {page}, where the contents say it starts"
        early = [n for n in range(contents_end + 1, page) if heading in texts[n]]
        assert not early, f"{heading!r} is printed on page(s) {early}, before page {page} the contents give"
    for page in sorted(set(numbers)) + [1, pages]:  # the footer prints the page's number
        assert _page_text(path, page, layout=True).split()[-1] == str(page), f"page {page}'s footer"
