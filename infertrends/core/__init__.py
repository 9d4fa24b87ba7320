"""The ground floor, what every part uses; it imports nothing of the package above it.

:mod:`~infertrends.core.units` (FLOP conventions, SI prefixes), :mod:`~infertrends.core.numbers` (one way to
write a number), :mod:`~infertrends.core.fits` (exponential trends: OLS and the bootstrap),
:mod:`~infertrends.core.compare` (tests of a difference in growth) and :mod:`~infertrends.core.parameter` (a
value a reader may change, with its type and bounds).
"""
