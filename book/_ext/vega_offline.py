"""Serve Vega, Vega-Lite and Vega-Embed from the site itself, so charts render offline.

Altair's HTML output loads these libraries from a CDN unless ``window.VEGA_DEBUG``
says the versions it expects are already loaded.  This extension writes the
bundle shipped by ``vl-convert-python`` into ``_static``, loads it on every page
and sets ``VEGA_DEBUG`` to the versions found in Altair's own output template.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert

BUNDLE = "vega-offline.js"


def expected_versions() -> dict[str, str]:
    """The ``VEGA_DEBUG`` keys and versions Altair's html renderer checks."""
    with alt.renderers.enable("html"):
        html = alt.Chart(pd.DataFrame({"x": [0]})).mark_point().encode(x="x")._repr_mimebundle_()["text/html"]
    found = dict(re.findall(r'maybeLoadScript\("([a-z-]+)", "([^"]+)"\)', html))
    if set(found) != {"vega", "vega-lite", "vega-embed"}:
        raise RuntimeError(f"unexpected Altair html template; found versions {found}")
    return {f"{lib.replace('-', '')}_version": version for lib, version in found.items()}


def _write_bundle(app) -> None:
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    versions = json.dumps(expected_versions(), sort_keys=True)
    code = (
        "(function(){\n" + vl_convert.javascript_bundle() + "\n})();\n"
        f"window.VEGA_DEBUG = Object.assign(window.VEGA_DEBUG || {{}}, {versions});\n"
    )
    target = static / BUNDLE
    if not target.exists() or target.read_text(encoding="utf-8") != code:
        target.write_text(code, encoding="utf-8")


def setup(app):
    app.connect("builder-inited", _write_bundle)
    app.add_js_file(BUNDLE, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
