"""Numbers in prose: glue pre-formatted values so MyST shows them without quotes."""

from __future__ import annotations

from typing import Any

from myst_nb import glue

import infertrends.numbers as numbers


class Formatted(str):
    """A pre-formatted string for ``{glue:text}``.

    Its ``repr`` is a quoted Python literal, which ``{glue:text}`` turns back into exactly this
    text (it evaluates the literal), on the same page or across pages (``page.ipynb::key:s``).
    Without the quotes, "5,270.0" would be read back as the tuple (5, 270.0).
    """

    def __repr__(self) -> str:
        return repr(str(self))


def glue_text(name: str, text: str) -> None:
    """Glue ``text`` under ``name`` (use ``{glue:text}`name``` in the page).

    Returns nothing, so a cell that ends with a glue shows no stray output."""
    glue(name, Formatted(text), display=False)


def glue_number(name: str, value: float, fmt: str = ".3g") -> None:
    """Glue ``value`` formatted with ``fmt`` (a format spec such as ``".2f"`` or ``",.0f"``)."""
    glue_text(name, numbers.fmt(value, fmt))


def glue_figure(name: str, chart: Any, finding: str | None = None) -> None:
    """Glue an Altair chart for a ``{glue:figure}`` directive, with human labels and a width following the page
    (:func:`infertrends.charts.finish`). Its title is ``finding`` (a computed sentence stating what the chart
    shows: a chapter's key chart) or else what it shows, from :data:`infertrends.charts.TITLES`."""
    from infertrends.charts import TITLES, finish

    if finding is None and name not in TITLES:
        raise KeyError(f"figure {name!r} has no title: add one to infertrends.charts.TITLES")
    glue(name, finish(chart, finding or TITLES[name]), display=False)


def glue_trends(trends: dict[str, Any]) -> None:
    """Glue the one-line description of each trend (:func:`infertrends.fits.describe`) under its key."""
    from infertrends.fits import describe

    for name, trend in trends.items():
        glue_text(name, describe(trend))


def glue_count(name: str, value: float, singular: str, plural: str, fmt: str = "g") -> None:
    """Glue a count with its noun in the right number: "1 forward pass", "10 forward passes"."""
    glue_text(name, count_phrase(value, singular, plural, fmt))


def count_phrase(value: float, singular: str, plural: str, fmt: str = "g") -> str:
    """``value`` formatted with ``fmt`` and followed by ``singular`` only when it is exactly one."""
    return f"{numbers.fmt(value, fmt)} {singular if value == 1 else plural}"


def series(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c': a list as a sentence writes it."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def tally(counts: list[tuple[int, str, str]]) -> str:
    """Counts as a sentence writes them: each ``(n, singular, plural)`` as "none <singular>", "1 <singular>" or
    "n <plural>", joined by :func:`series`: ``[(28, "matches", "match"), (1, "agrees within rounding", "agree
    within rounding"), (0, "differs more", "differ more")]`` -> "28 match, 1 agrees within rounding and none
    differs more"."""
    return series([f"{'none' if n == 0 else numbers.fmt(n, ',d')} {one if n <= 1 else many}"
                   for n, one, many in counts])


def change(what: str, before: float, after: float, fmt: str = ".2f", prefix: str = "×", suffix: str = "") -> str:
    """A change as a verb phrase that says when nothing changed at the printed digits: "moves <what> from ×2.35
    to ×2.40 a year" or "leaves <what> at ×2.35 a year"."""
    a, b = (f"{prefix}{numbers.fmt(v, fmt)}" for v in (before, after))
    return f"leaves {what} at {a}{suffix}" if a == b else f"moves {what} from {a} to {b}{suffix}"

