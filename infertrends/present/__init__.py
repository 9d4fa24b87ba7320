"""How numbers, trends and charts look on a page: the Altair theme, glued prose, published tables."""
