"""The thesis's method and its audit.

:mod:`~infertrends.thesis.constants` (numbers the thesis states in prose), :mod:`~infertrends.thesis.scaling`
(Eq. 4.1 and the Appendix A estimates), :mod:`~infertrends.thesis.selection` (state of the art, frontiers),
:mod:`~infertrends.thesis.hardware` (GFLOPS per Watt, NGC speed-ups), :mod:`~infertrends.thesis.method` (Joules
per inference and its assumptions, whose bounds are in :mod:`~infertrends.thesis.bounds`),
:mod:`~infertrends.thesis.extension` (the method carried past 2021), :mod:`~infertrends.thesis.recount` (Table
A.3 beside its recount), :mod:`~infertrends.thesis.ledger` (the thesis's numbers beside the book's),
:mod:`~infertrends.thesis.claims` (its claims, tested) and :mod:`~infertrends.thesis.trends` (every trend of the
book in one table).
"""
