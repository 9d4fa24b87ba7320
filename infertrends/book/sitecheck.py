"""Before a built site replaces the published one: every file its pages link to or load is there.

Sphinx builds with warnings as errors, but a page can still point at a file the build did not copy
(a table a chapter stopped writing, a download, a stylesheet); the site would then be published
with a broken link. :func:`missing` reads every page's ``href`` and ``src`` attributes that point
inside the site (no scheme, no ``//host``, not a bare ``#anchor``) and lists those whose file does
not exist in the staged folder.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: ``href="..."`` and ``src="..."`` in HTML (single or double quotes).
ATTRIBUTE = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
#: Inline scripts and styles: their text is code, not links.
CODE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)


def _local(url: str) -> str | None:
    """The path part of ``url`` if it points at a file inside the site, else ``None``."""
    url = html.unescape(url.strip())
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("#") or not parts.path or "${" in url or "{{" in url:
        return None
    return unquote(parts.path)


def missing(site: Path, later: tuple[str, ...] = ()) -> list[str]:
    """``page: link`` for every local link of every HTML page under ``site`` whose target does not exist,
    except the files ``later`` (paths relative to ``site``) that a later step adds (the PDF)."""
    root = site.resolve()
    added_later = {(root / name).resolve() for name in later}
    out = []
    for page in sorted(site.rglob("*.html")):
        text = CODE.sub("", page.read_text(encoding="utf-8", errors="replace"))
        seen = set()
        for m in ATTRIBUTE.finditer(text):
            path = _local(m.group(1) if m.group(1) is not None else m.group(2))
            if path is None or path in seen:
                continue
            seen.add(path)
            target = (root / path.lstrip("/")) if path.startswith("/") else (page.parent / path)
            target = target.resolve()
            if target.is_dir():
                target = target / "index.html"
            if target in added_later:
                continue
            if root not in target.parents or not target.exists():
                out.append(f"{page.relative_to(site).as_posix()}: {path}")
    return out
