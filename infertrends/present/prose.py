"""Numbers in prose: glue pre-formatted values so MyST shows them without quotes."""

from __future__ import annotations

from typing import Any

from myst_nb import glue

import infertrends.core.numbers as numbers


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
    (:func:`infertrends.present.charts.finish`). Its title is ``finding`` (a computed sentence stating what the chart
    shows: a chapter's key chart) or else what it shows, from :data:`infertrends.present.charts.TITLES`."""
    from infertrends.present.charts import TITLES, finish

    if finding is None and name not in TITLES:
        raise KeyError(f"figure {name!r} has no title: add one to infertrends.present.charts.TITLES")
    glue(name, finish(chart, finding or TITLES[name]), display=False)


def glue_count(name: str, value: float, singular: str, plural: str, fmt: str = "g") -> None:
    """Glue a count with its noun in the right number: "1 forward pass", "10 forward passes"."""
    glue_text(name, count_phrase(value, singular, plural, fmt))


def count_phrase(value: float, singular: str, plural: str, fmt: str = "g", zero: str | None = None) -> str:
    """``value`` formatted with ``fmt`` and followed by ``singular`` only when it is exactly one; ``zero``, where
    given, is what a count of none reads as ("no decoder", "every model fits"): a quantity keeps its "0"."""
    if value == 0 and zero is not None:
        return zero
    return f"{numbers.fmt(value, fmt)} {singular if value == 1 else plural}"


def series(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c': a list as a sentence writes it (blank items are left out)."""
    items = [str(i).strip() for i in items if str(i).strip()]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def share(part: int, whole: int, one: str = "", many: str = "", noun: str = "", nouns: str = "",
          the: bool = True) -> str:
    """``part`` of ``whole`` as an editor writes it, followed by the verb phrase that agrees with it (``one`` after
    a single thing or none, ``many`` after several): "6 of the 7", "all 8", "both", "1 of the 2 reaches it",
    "neither of the 2 reaches it", "none of the 14 cases … is". ``noun``/``nouns`` name what is counted
    ("trend", "trends"); ``the=False`` writes "7 of 10" for "7 of the 10"."""
    n, k = numbers.fmt(whole, ",d"), numbers.fmt(part, ",d")
    of = "of the " if the else "of "
    counted = f" {nouns}" if nouns else ""
    if part <= 0 or whole <= 0:
        phrase = (f"no {noun}" if noun else "none") if whole <= 1 else \
            f"{'neither' if whole == 2 else 'none'} {of}{n}{counted}"
        singular = True
    elif part >= whole:
        phrase = ("the one" + (f" {noun}" if noun else "") if whole == 1 else
                  f"both{counted}" if whole == 2 else f"all {n}{counted}")
        singular = whole == 1
    else:
        phrase = f"{k} {of}{n}{counted}"
        singular = part == 1
    verb = one if singular else many
    return f"{phrase} {verb}" if verb else phrase


def listing(items: list[str], one: str, many: str, none: str = "", join=series) -> str:
    """Named things in a clause that agrees with how many there are: ``none`` if there are none, else ``one`` or
    ``many`` with ``{n}`` (the count) and ``{items}`` (the names, joined by ``join``, :func:`series` by default)
    filled in: ``listing(["Gopher"], "{n} decoder set a record ({items})", "{n} decoders set a record
    ({items})", "no decoder set a record")`` -> "1 decoder set a record (Gopher)"."""
    items = [str(i).strip() for i in items if str(i).strip()]
    if not items:
        return none
    return (one if len(items) == 1 else many).format(n=numbers.fmt(len(items), ",d"), items=join(items))


def aside(text: str, note: str) -> str:
    """``text`` with ``note`` in parentheses, never two parentheses back to back or one inside another: a
    ``text`` that already ends in a parenthesis takes the note inside it after a semicolon ("ShuffleNet (g=8)" +
    "2017" -> "ShuffleNet (g=8; 2017)"), and parentheses inside ``note`` become brackets."""
    note = str(note).strip().replace("(", "[").replace(")", "]")
    text = str(text).rstrip()
    if not note:
        return text
    if text.endswith(")"):
        return f"{text[:-1]}; {note})"
    return f"{text} ({note})"


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


def both(first: str, a: str, second: str, b: str, tail: str = "") -> str:
    """Two verb phrases about ``a`` and ``b`` in one clause, the shared words said once: "grew ×1.3 a year for both
    vision and language inference", "grew ×1.3 a year for vision and ×1.4 a year for language inference" (one
    verb where both start with it), else both phrases in full."""
    if first == second:
        return f"{first} for both {a} and {b}{tail}"
    verb, rest = (second.split(" ", 1) + [""])[:2]
    shared = first.split(" ", 1)[0] == verb and rest
    return f"{first} for {a} and {rest if shared else second} for {b}{tail}"
