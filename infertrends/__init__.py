"""Helpers for the book *Compute and energy trends of deep-learning inference*.

One module per concern: :mod:`~infertrends.units` (FLOP conventions),
:mod:`~infertrends.schema` and :mod:`~infertrends.data` (validated inputs),
:mod:`~infertrends.scaling` (FLOP scaling and Appendix A estimates),
:mod:`~infertrends.fits` (exponential trends), :mod:`~infertrends.charts`
(the Altair theme), :mod:`~infertrends.export` (published tables),
:mod:`~infertrends.ledger` (thesis vs recomputed numbers),
:mod:`~infertrends.params` (chapter parameters) and :mod:`~infertrends.build`
(execution and the HTML build).
"""

__version__ = "0.1.0"
