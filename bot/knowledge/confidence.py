"""The confidence shown on a suggestion: the matcher's coverage, calibrated to mean "share right".

A matcher's raw coverage (how much of the message the entry explains) ranks answers well but is
no probability: on the dev rows, answers at 30% coverage were right about 57% of the time, and
those at 100% about 86%. Each matcher's coverage is mapped through a non-decreasing step curve
fitted on the dev rows only (``python -m bench.faq_reliability --fit``), so that of the answers
shown at about X%, about X% are right; ``python -m bench.faq_reliability`` checks it per domain,
the blind ones included.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

Curve = Sequence[tuple[float, float]]  # (coverage, share right), coverage ascending

# Fitted on the dev rows (the sample FAQ's dev split and the fitness domain, each weighing the
# same) by --fit.
OFFLINE: Curve = ((0.3, 0.57), (0.5, 0.68), (0.69, 0.83), (0.87, 0.85), (1.0, 0.86))
SEMANTIC: Curve = ((0.37, 0.3), (0.51, 0.65), (0.7, 0.87), (0.88, 0.94), (1.0, 0.98))


def calibrated(curve: Curve, coverage: float) -> float:
    """The share right at ``coverage``: linear between the curve's points, flat beyond them."""
    if not curve:
        return coverage
    if coverage <= curve[0][0]:
        return curve[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(curve):
        if coverage <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (coverage - x0) / (x1 - x0)
    return curve[-1][1]
