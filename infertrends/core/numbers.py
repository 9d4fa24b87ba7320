"""One way to write a number for a reader: significant figures, thousands separators, never e-notation.

The CSV files keep full precision; pages and glued prose go through :func:`fmt`.
"""

from __future__ import annotations

import math
import re


def significant(value: float, digits: int = 4) -> str:
    """``value`` to ``digits`` significant figures, with thousands separators and no exponent:
    35044.3 -> "35,040"; 0.00001234 -> "0.00001234"; 2.5 -> "2.5"."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    exponent = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - exponent)
    rounded = round(value, digits - 1 - exponent)
    text = f"{rounded:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def growth(value: float) -> str:
    """A growth factor (×/year) in two decimals and at most three significant figures, trailing zeros kept so
    factors line up: 1.3 -> "1.30", 0.957 -> "0.96", 23.37 -> "23.4", 174.7 -> "175", 1234.5 -> "1,235"."""
    if value == 0 or not math.isfinite(value):
        return "0.00" if value == 0 else str(value)
    decimals = min(2, max(0, 2 - math.floor(math.log10(abs(value)))))
    rounded = round(value, decimals)  # 9.996 rounds to 10.00: one decimal fewer keeps three figures
    if rounded and math.floor(math.log10(abs(rounded))) > math.floor(math.log10(abs(value))):
        decimals = max(0, decimals - 1)
    return f"{value:,.{decimals}f}"


def times(value: float, digits: int = 2) -> str:
    """A factor as a headline writes it: "×" and ``digits`` significant figures ("×1.8", "×0.55", "×23")."""
    return "×" + significant(value, digits)


#: The :func:`fmt` spec for a growth factor (:func:`growth`).
GROWTH = "growth"


def fmt(value: float, spec: str) -> str:
    """``format(value, spec)``, except that a result in e-notation is written out with the same number of
    significant figures (``.4g`` gives at most 4); the spec :data:`GROWTH` formats a growth factor."""
    if spec == GROWTH:
        return growth(value)
    text = format(value, spec)
    if re.search(r"\de[+-]\d", text):
        m = re.search(r"\.(\d+)[gG]", spec)
        return significant(float(value), int(m.group(1)) if m else 6)
    return text


def printed(text: str) -> str:
    """A number as a source printed it, with thousands separators and every printed digit kept:
    "1039.7991" -> "1,039.7991", "740000" -> "740,000", "0.71" -> "0.71"; anything else unchanged."""
    m = re.fullmatch(r"(-?)(\d+)(\.\d+)?", text.strip())
    return f"{m.group(1)}{int(m.group(2)):,}{m.group(3) or ''}" if m else text


def as_printed(value: float) -> str:
    """An input value (GFLOPs as a paper printed them) without padding zeros: up to six significant figures, with
    separators: 740000.0 -> "740,000", 1.42 -> "1.42", 4.089 -> "4.089"."""
    return significant(float(value), 6)
