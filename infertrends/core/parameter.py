"""One parameter a reader may change: its type, allowed values, range and default, and the error that names it.

The chapters' parameters (:mod:`infertrends.book.params`) and the assumptions of the thesis's energy method
(:data:`infertrends.thesis.bounds.BOUNDS`) are declared with it, so a value is checked the same way wherever it
comes from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable


class ParameterError(ValueError):
    """A parameter is unknown, of the wrong type or out of range."""


@dataclass(frozen=True)
class Param:
    """One parameter a reader may change."""

    name: str
    default: Any
    help: str
    kind: type = float
    choices: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    allow_none: bool = False
    choices_from: Callable[[], tuple[Any, ...]] | None = None  # choices read from the data when needed

    def options(self) -> tuple[Any, ...]:
        """The allowed values, if the parameter has a closed set."""
        return tuple(self.choices_from()) if self.choices_from else self.choices

    def allowed(self) -> str:
        """Human-readable statement of the allowed values."""
        if self.options():
            text = "one of " + ", ".join(repr(c) for c in self.options())
        else:
            kind = {float: "a number", int: "an integer", str: "a string", bool: "true or false"}[self.kind]
            bounds = []
            if self.minimum is not None:
                bounds.append(f">= {self.minimum:g}")
            if self.maximum is not None:
                bounds.append(f"<= {self.maximum:g}")
            text = kind + (" " + " and ".join(bounds) if bounds else "")
        return text + (" or None" if self.allow_none else "")

    def coerce(self, value: Any) -> Any:
        """Return ``value`` as this parameter's type, or raise :class:`ParameterError`."""
        if value is None:
            if self.allow_none:
                return None
            raise ParameterError(f"parameter '{self.name}' must be {self.allowed()}, got None")
        if self.kind is bool:
            ok = isinstance(value, bool)
        elif self.kind is int:
            # an integer in any spelling that is one: 100000, 1e5, 100000.0
            if isinstance(value, float) and math.isfinite(value) and value.is_integer():
                value = int(value)
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif self.kind is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            value = float(value) if ok else value
        else:
            ok = isinstance(value, self.kind)
        if ok and isinstance(value, float) and not math.isfinite(value):
            raise ParameterError(f"parameter '{self.name}' must be a finite number ({self.allowed()}), got {value!r}")
        if not ok:
            raise ParameterError(
                f"parameter '{self.name}' must be {self.allowed()}, got {value!r} ({type(value).__name__})"
            )
        if self.options() and value not in self.options():
            raise ParameterError(f"parameter '{self.name}' must be {self.allowed()}, got {value!r}")
        if self.minimum is not None and value < self.minimum:
            raise ParameterError(f"parameter '{self.name}' must be {self.allowed()}, got {value!r}")
        if self.maximum is not None and value > self.maximum:
            raise ParameterError(f"parameter '{self.name}' must be {self.allowed()}, got {value!r}")
        return value
