"""Numbers the thesis states in its text (not in a data table), each with where it comes from.

Tables live in ``data/``; these are the few inputs that only appear in prose or
equations.  Derived numbers are never stored here.
"""

from __future__ import annotations

from typing import Final

# --- Appendix A.1.1: EfficientNet-based estimates --------------------------------
#: Test resolution of FixEfficientNet-B7 (thesis Appendix A.1.1, Eq. A.5: 632 x 632).
FIX_EFFICIENTNET_B7_RESOLUTION: Final[int] = 632
#: Test resolution of FixEfficientNet-B0 (thesis Appendix A.1.1, Eq. A.7: 320 x 320).
FIX_EFFICIENTNET_B0_RESOLUTION: Final[int] = 320
#: Resolution EfficientNet-B0 is evaluated at (thesis Eq. A.7 denominator, 224 x 224; EfficientNet [12]).
EFFICIENTNET_B0_RESOLUTION: Final[int] = 224

# --- Appendix A.1.2: ViT-G/14 ------------------------------------------------------
#: Fine-tuning (and assumed test) resolution of ViT-G/14 (thesis Appendix A.1.2, citing [44]).
VIT_G_TEST_RESOLUTION: Final[int] = 518

# --- Section 4.1.2 -----------------------------------------------------------------
#: Number of crops averaged in 10-crop testing (thesis section 3.1: 4 corners + centre, and their flips).
TEN_CROP_PASSES: Final[int] = 10

# --- Section 5.3: human energy references -----------------------------------------
#: Daily food energy of a person assumed by the thesis (section 5.3), kcal/day.
HUMAN_KCAL_PER_DAY: Final[float] = 2000.0
#: Total energy use per person in the USA in 2019 (thesis section 5.3, citing [49]), kWh/year.
USA_KWH_PER_PERSON_YEAR_2019: Final[float] = 79_897.0
