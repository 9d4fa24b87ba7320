"""The making of the book: chapter parameters, execution and cache, the site, publishing, the PDF, the command line."""
