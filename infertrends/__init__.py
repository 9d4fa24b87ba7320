"""Helpers for the book *Compute and energy trends of deep-learning inference*.

One module per concern: :mod:`~infertrends.core.units` (FLOP conventions),
:mod:`~infertrends.data.schema` and :mod:`~infertrends.data` (validated inputs),
:mod:`~infertrends.thesis.scaling` (FLOP scaling and Appendix A estimates),
:mod:`~infertrends.core.fits` (exponential trends), :mod:`~infertrends.present.charts`
(the Altair theme), :mod:`~infertrends.present.export` (published tables),
:mod:`~infertrends.thesis.ledger` (thesis vs recomputed numbers),
:mod:`~infertrends.book.params` (chapter parameters) and :mod:`~infertrends.book.build`
(execution and the HTML build).
"""

__version__ = "0.1.0"
