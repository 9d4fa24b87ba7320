"""Helpers for the book *Compute and energy trends of deep-learning inference*, in six parts.

Each part is a subpackage; a module imports only from its own part and the parts below it, never from one
above (``tests/test_layout.py`` checks it)::

    book      the making of the book: parameters, execution and cache, the site, publishing, the PDF, the CLI
      |
    model     the book's energy model: the chain, accelerators, workloads, sourced factors, the estimate,
      |       scenarios, sensitivity, measurements, MLPerf, validation, the calibrated estimate
    thesis    the thesis's method and its audit: FLOP scaling, selection, hardware, the energy method, the
      |       extension, the recount, the ledger, claims, the table of all trends
    present   how a page shows them: the Altair theme, glued prose, how a trend reads, published tables
      |
    data      where the inputs live and how they are checked: the reader, plausibility, the data package,
      |       the tables' schemas, the loaders, the sources' labels
    core      what every part uses: FLOP conventions and SI prefixes, one number format, exponential fits,
              tests of a difference in growth, a parameter a reader may change

``python -m infertrends`` (:mod:`infertrends.__main__`) runs :func:`infertrends.book.cli.main`.
"""

__version__ = "0.1.0"

#: The parts, from the bottom: a module of one may import from it and from those before it.
LAYERS = ("core", "data", "present", "thesis", "model", "book")
