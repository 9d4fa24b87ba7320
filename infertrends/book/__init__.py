"""The making of the book, on top of everything else.

:mod:`~infertrends.book.params` (chapter parameters), :mod:`~infertrends.book.sources` (the chapters and the
build's folders), :mod:`~infertrends.book.execute` (papermill and the cache), :mod:`~infertrends.book.site`
(laying out the site, the ledger page, jupyter-book), :mod:`~infertrends.book.publish` and
:mod:`~infertrends.book.sitecheck` (what a published site carries and links), :mod:`~infertrends.book.build` (the
whole build, reruns, references, the scenario sweep), :mod:`~infertrends.book.printing` (the PDF),
:mod:`~infertrends.book.outputs` (the folders a command may write) and :mod:`~infertrends.book.cli`.
"""
