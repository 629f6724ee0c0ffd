"""The calibration from a matcher's coverage to the share of answers that are right."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge.confidence import OFFLINE, SEMANTIC, Curve, calibrated
from bot.knowledge.matching import Match
from tests.knowledge.test_matching import MATCHER

CURVE: Curve = ((0.2, 0.5), (0.6, 0.7), (1.0, 0.9))


def test_between_points_it_is_linear_and_beyond_them_flat() -> None:
    assert calibrated(CURVE, 0.0) == 0.5
    assert calibrated(CURVE, 0.4) == 0.6
    assert calibrated(CURVE, 1.0) == 0.9
    assert calibrated(CURVE, 1.7) == 0.9


@given(st.floats(0, 1), st.floats(0, 1))
def test_the_shipped_curves_never_go_down_and_stay_probabilities(a: float, b: float) -> None:
    low, high = sorted((a, b))
    for curve in (OFFLINE, SEMANTIC):
        assert 0 <= calibrated(curve, low) <= calibrated(curve, high) <= 1


def test_the_matcher_shows_the_calibrated_share_not_the_raw_coverage() -> None:
    assert MATCHER.confidence(Match("a", 9.0, 1.0)) == OFFLINE[-1][1]
    assert MATCHER.confidence(Match("a", 9.0, 0.0)) == OFFLINE[0][1]
