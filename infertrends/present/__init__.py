"""How a page shows numbers, trends and charts.

:mod:`~infertrends.present.charts` (the one Altair theme), :mod:`~infertrends.present.prose` (glued numbers and
the words around counts), :mod:`~infertrends.present.trendtext` (how a fitted trend reads) and
:mod:`~infertrends.present.export` (published tables: CSV files and captioned tables).  It reads the data and the
core, never the thesis or the model: what it shows is handed to it.
"""
