"""A long table of plain text, written straight to HTML: ``{html-table}``.

The book's longest table (every MLPerf power result, about 1,400 rows of a dozen columns) cost a third of the
site's HTML build when MyST parsed it: each cell became a paragraph node that every Sphinx transform walked and
every doctree pickle carried. This directive takes the same pipe table as MyST's ``{table}`` (same caption,
``:name:``, ``:class:`` and ``:align:``, so the table keeps its number, its ``{numref}`` and the page's table
scripts) but turns the rows into one HTML node. Its cells must be plain text: the book's export
(``infertrends.present.export``) chooses it only for tables whose every cell renders in Markdown as itself,
and here each cell is HTML-escaped. Sphinx still indexes the rows for the site's search (it reads a raw HTML
node's text).
"""

from __future__ import annotations

import html
import re
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.tables import Table

#: A pipe table's cell separator: a ``|`` not escaped as ``\|``.
_SEPARATOR = re.compile(r"(?<!\\)\|")


def cells(line: str) -> list[str]:
    """The cells of one pipe-table line, unescaped (``\\|`` is a ``|`` in a cell)."""
    inner = line.strip()
    if not (inner.startswith("|") and inner.endswith("|")) or len(inner) < 2:
        raise ValueError(f"not a pipe-table row: {line!r}")
    return [c.strip().replace("\\|", "|") for c in _SEPARATOR.split(inner[1:-1])]


def to_html(lines: list[str]) -> str:
    """``<thead>`` and ``<tbody>`` of a pipe table (header, alignment row, body), every cell HTML-escaped, with
    the classes Sphinx gives a MyST table's rows and cells."""
    head, align, *body = lines
    sides = ["text-right" if a.strip().endswith(":") and not a.strip().startswith(":") else "text-left"
             for a in cells(align)]
    width = len(sides)

    def row(texts: list[str], tag: str, index: int) -> str:
        if len(texts) != width:
            raise ValueError(f"row {index} has {len(texts)} cells, the header {width}")
        extra = "head " if tag == "th" else ""
        out = "".join(f'<{tag} class="{extra}{side}">{html.escape(t)}</{tag}>' for t, side in zip(texts, sides))
        return f'<tr class="row-{"odd" if index % 2 else "even"}">{out}</tr>'

    rows = "\n".join(row(cells(line), "td", i) for i, line in enumerate(body))
    return f"<thead>\n{row(cells(head), 'th', 1)}\n</thead>\n<tbody>\n{rows}\n</tbody>\n"


class HTMLTable(Table):
    """``{html-table} caption`` with a pipe table as its content: a numbered table whose rows are raw HTML."""

    option_spec = {"name": directives.unchanged, "class": directives.class_option,
                   "align": lambda a: directives.choice(a, ("left", "center", "right"))}
    has_content = True

    def run(self) -> list[nodes.Node]:
        lines = [line for line in self.content if line.strip()]
        if len(lines) < 2:
            raise self.error("html-table: a header and an alignment row are needed")
        try:
            body = to_html(lines)
        except ValueError as e:
            raise self.error(f"html-table: {e}") from e
        table = nodes.table(classes=list(self.options.get("class", [])))
        if "align" in self.options:
            table["align"] = self.options["align"]
        title, messages = self.make_title()
        if title:
            table += title
        table += nodes.raw("", body, format="html")
        self.add_name(table)
        return [table] + messages


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("html-table", HTMLTable)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
