"""Printing the book: a PDF whose contents give the page each chapter starts on.

:func:`pdf` opens jupyter-book's single-page HTML in Chromium and calls
:func:`print_with_contents`, which prints twice: once with placeholder page numbers in the contents, then
with the pages read from the first print's named destinations (:func:`destinations`, no PDF library needed).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any, Callable

from infertrends.book.site import jupyter_book
from infertrends.book.sources import BUILD, HTML, SITE, BuildError, log


class PrintError(RuntimeError):
    """The printed PDF cannot be read or its contents' page numbers do not settle."""


#: How many times :func:`pdf` prints before the contents' page numbers must have settled.
PDF_PASSES = 3

#: The printed contents (jupyter-book's print-only ``#jb-print-toc``) as a book's: one entry a line with a dotted
#: leader and its page number, on pages of its own; every chapter (and the back matter) starts a new page.
CONTENTS_CSS = """
#jb-print-docs-body { break-after: page; }
span[id^="document-"] + section { break-before: page; }
#jb-print-toc nav ul { display: block; margin: 0 0 0.2em 0; padding-left: 1.2em; }
#jb-print-toc nav li { list-style: none; }
#jb-print-toc nav p.caption { font-weight: 600; margin: 0.6em 0 0.1em 0; }
#jb-print-toc a.pdf-contents-entry { display: flex; align-items: baseline; padding: 0.05em 0; color: inherit;
                                     text-decoration: none; }
.pdf-contents-leader { flex: 1 1 auto; min-width: 1em; margin: 0 0.4em; border-bottom: 1px dotted #777; }
.pdf-contents-page { flex: none; min-width: 2.5em; text-align: right; font-variant-numeric: tabular-nums; }
"""

#: Turns every entry of the printed contents into "title ..... page" (``placeholder`` for the page) linking to
#: the first printed element of its page (a chapter's heading), adds the landing page first, and returns the
#: ids linked to: Chromium writes a named destination (its page) for every element a link points at.
CONTENTS_JS = """placeholder => {
  const nav = document.querySelector('#jb-print-toc nav');
  const landing = document.querySelector('article.bd-article > section');
  if (!nav || !landing) return null;
  const printed = s => s && [...s.children].find(e => e.tagName !== 'SPAN' && e.getClientRects().length > 0);
  const front = document.createElement('ul');
  front.className = 'nav section-nav flex-column';  // as the entries of the parts below
  front.innerHTML = '<li class="toctree-l1 nav-item toc-entry"><a class="reference internal nav-link"></a></li>';
  const title = landing.querySelector('h1').cloneNode(true);
  title.querySelectorAll('.headerlink').forEach(e => e.remove());
  front.querySelector('a').textContent = title.textContent.trim();
  nav.prepend(front);
  const entries = [[front.querySelector('a'), landing]];
  nav.querySelectorAll('a[href^="#document-"]').forEach(a => {
    const anchor = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
    entries.push([a, anchor && anchor.nextElementSibling]);
  });
  return entries.map(([a, section], i) => {
    const start = printed(section);
    if (!start) throw new Error(`contents entry '${a.textContent}' points at nothing printed`);
    start.id = start.id || `pdf-contents-${i}`;
    if (document.querySelectorAll('#' + CSS.escape(start.id)).length !== 1)
      throw new Error(`contents entry '${a.textContent}' points at an id used twice: ${start.id}`);
    a.href = '#' + start.id;
    a.classList.add('pdf-contents-entry');
    a.innerHTML = `<span class="pdf-contents-title">${a.innerHTML}</span><span class="pdf-contents-leader">` +
      `</span><span class="pdf-contents-page" data-target="${start.id}">${placeholder}</span>`;
    return start.id;
  });
}"""

#: The page number, centred in every page's footer (Chromium's header and footer templates).
FOOTER = '<div style="width: 100%; font-size: 10px; text-align: center; color: #444;"><span class="pageNumber">'\
              '</span></div>'


def destinations(data: bytes) -> tuple[int, dict[str, int]]:
    """The page count of a PDF that Chromium printed and the page (1 = first) of each of its named destinations.

    Chromium (Skia) writes PDF 1.4: a classic cross-reference table, no object streams, and a catalog whose
    ``/Dests`` dictionary maps the id of every element a link points at to ``[page-object /XYZ x y zoom]``.
    The page objects are numbered by their order in the page tree."""
    def fail(what: str) -> PrintError:
        return PrintError(f"cannot read the printed PDF's {what} (Chromium's PDF layout changed?)")

    offsets: dict[int, int] = {}  # object number -> where it starts, from the cross-reference table
    try:
        xref = int(data[data.rindex(b"startxref"):].split()[1])
        trailer = data.index(b"trailer", xref)
        tokens = data[xref:trailer].split()[1:]
        while tokens:  # subsections: first object number, count, then "offset generation n|f" per object
            first, count = int(tokens[0]), int(tokens[1])
            rows, tokens = tokens[2:2 + 3 * count], tokens[2 + 3 * count:]
            offsets.update({first + k: int(rows[3 * k]) for k in range(count) if rows[3 * k + 2] == b"n"})
    except (ValueError, IndexError):
        raise fail("cross-reference table") from None

    def body(num: int) -> bytes:
        end = re.compile(rb"\sendobj").search(data, offsets[num]) if num in offsets else None
        if end is None:
            raise fail(f"object {num}")
        return data[offsets[num]:end.start()]

    def ref(key: bytes, text: bytes) -> int:
        m = re.search(rb"/" + key + rb"\s+(\d+)\s+\d+\s+R", text)
        if m is None:
            raise fail(f"/{key.decode()} entry")
        return int(m.group(1))

    def leaves(num: int) -> list[int]:
        text = body(num)
        if re.search(rb"/Type\s*/Pages\b", text) is None:
            return [num]
        kids = re.search(rb"/Kids\s*\[([^\]]*)\]", text)
        return [leaf for kid in re.findall(rb"(\d+)\s+\d+\s+R", kids.group(1) if kids else b"")
                for leaf in leaves(int(kid))]

    def name(escaped: bytes) -> str:  # a PDF name writes other bytes than letters and digits as #xx
        return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), escaped).decode()

    catalog = body(ref(b"Root", data[trailer:]))
    page_of = {num: i + 1 for i, num in enumerate(leaves(ref(b"Pages", catalog)))}
    entries = re.findall(rb"/((?:[^\s/\[\]<>(){}%#]|#[0-9A-Fa-f]{2})+)\s*\[\s*(\d+)\s+\d+\s+R",
                         body(ref(b"Dests", catalog)))
    return len(page_of), {name(key): page_of[int(num)] for key, num in entries if int(num) in page_of}


def print_with_contents(tab: Any, target: Path, options: dict[str, Any], log: Callable[[str], None]) -> int:
    """Print ``tab`` into ``target`` with the contents' page numbers filled in; return the page count.

    The contents are printed first with placeholders as wide as any page number (a fixed-width box), the
    page of each entry is read from that PDF's named destinations and filled in, and the book is printed
    again, until a print has the page count of the one before and its chapters start on the pages its contents
    say (the second print, unless filling in the numbers moved something); :data:`PDF_PASSES` prints at most."""
    targets = tab.evaluate(CONTENTS_JS, "000")
    if not targets:
        raise PrintError("the singlehtml page has no print contents (#jb-print-toc) or no landing section")
    shown: tuple[int, dict[str, int]] | None = None  # the page count and the numbers the contents show
    for n in range(1, PDF_PASSES + 1):
        data = tab.pdf(**options)
        count, dests = destinations(data)
        missing = [t for t in targets if t not in dests]
        if missing:
            raise PrintError(f"the printed PDF has no destination for the contents entries {missing}")
        pages = {t: dests[t] for t in targets}
        if (count, pages) == shown:
            target.write_bytes(data)
            log(f"contents: {len(targets)} entries, pages {', '.join(map(str, pages.values()))} of {count}")
            return count
        log(f"print {n}: {count} pages" + (" (contents with placeholder page numbers)" if shown is None else ""))
        tab.evaluate("pages => document.querySelectorAll('.pdf-contents-page')"
                     ".forEach(s => { s.textContent = pages[s.dataset.target]; })", pages)
        shown = (count, pages)
    raise PrintError(f"the contents' page numbers did not settle in {PDF_PASSES} prints: filling them in moves "
                     "the chapters or changes the page count (see CONTENTS_CSS)")


#: The whole book as one PDF, inside the published site (linked from the intro).
PDF_NAME = "infertrends-book.pdf"


def pdf() -> Path:
    """Print the whole book into one PDF: jupyter-book's singlehtml builder over the sources that
    :func:`infertrends.book.build.build` laid out, opened offline in the system Chromium (Playwright),
    printed once every chart is drawn (vector graphics), written into the published site. It opens with
    a table of contents giving the page each chapter starts on (two prints: :func:`print_with_contents`),
    and every page's footer prints its number."""
    import re as _re

    from playwright.sync_api import sync_playwright

    if not (SITE / "_toc.yml").exists() or not HTML.exists():
        raise BuildError("no built book to print: run `make book` (python -m infertrends build) first")
    chromium = shutil.which("chromium")
    if chromium is None:
        raise BuildError("the system Chromium is missing: `make chromium` installs Debian's")
    out = BUILD / "singlehtml"
    jupyter_book(SITE, out, strict=False, builder="singlehtml")  # the site's build already ran with -W
    page = out / "_build" / "singlehtml" / "intro.html"
    if not page.exists():
        raise BuildError(f"jupyter-book's singlehtml build wrote no {page}")
    charts = len(set(_re.findall(r'id="(altair-viz-[0-9a-f]+)"', page.read_text(encoding="utf-8"))))
    target = HTML / PDF_NAME
    tmp = target.with_suffix(".pdf.part")
    options = dict(format="A4", print_background=True, outline=True, tagged=True, display_header_footer=True,
                   header_template="<span></span>", footer_template=FOOTER,
                   margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"})
    log(f"printing {charts} charts and the text with {chromium}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": 1000, "height": 1400})
            tab.route(_re.compile(r"^(?!file://).*"), lambda route: route.abort())  # offline
            tab.goto(page.as_uri())
            tab.wait_for_function(f"document.querySelectorAll('[role=graphics-document]').length >= {charts}",
                                  timeout=300_000)
            tab.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")  # folds, opened
            tab.emulate_media(media="print")
            tab.add_style_tag(content=CONTENTS_CSS)
            print_with_contents(tab, tmp, options, log)
        except PrintError as e:
            raise BuildError(str(e)) from None
        finally:
            browser.close()
    tmp.replace(target)
    log(f"pdf: {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return target
