"""The bounds of the thesis energy method's assumptions that a reader may change, declared once.

:class:`infertrends.thesis.method.Assumptions` checks its values against them, and the energy chapter's
parameters (:mod:`infertrends.book.params`) are these.  Kept apart from the method so that checking a
chapter's parameters on the command line loads neither the data nor the fits.
"""

from __future__ import annotations

from infertrends.core.parameter import Param

#: The assumptions a reader may change, by name, with their bounds.
BOUNDS: dict[str, Param] = {p.name: p for p in (
    Param("hardware_model", "trend", "hardware each model runs on: the GPU efficiency trend at its release "
          "date (thesis), the most efficient GPU launched by then, or one named GPU", str,
          choices=("trend", "best-gpu", "named-gpu")),
    Param("utilisation", 1.0, "fraction of the peak chosen by `precision` that is achieved (thesis: 1); "
          "published model-FLOPs utilisations (0.2-0.76, data/external_values.csv) are fractions of dense "
          "tensor peaks, so they belong with precision 'tensor-peak'", float, minimum=0.01, maximum=1.0),
    Param("power_fraction", 1.0, "average accelerator power as a fraction of its TDP (thesis: 1); measured "
          "0.2-0.43 in LLM decode on an H200 (data/external_values.csv); a whole node's power fraction "
          "already includes the host and does not belong here", float, minimum=0.05, maximum=1.5),
    Param("host_overhead", 1.0, "node power over accelerator power (CPU, memory); 1.43-1.60 in Google's "
          "Gemini serving (data/external_values.csv)", float, minimum=1.0, maximum=5.0),
    Param("pue", 1.0, "data-centre power usage effectiveness; 1.10 (Google fleet 2023) to 1.58 (industry "
          "average 2023) (data/external_values.csv)", float, minimum=1.0, maximum=3.0),
)}
