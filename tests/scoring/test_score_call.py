"""`score_call`: weighted share of passed checks, `na` and missing checks excluded, critical fail caps at 0."""

from __future__ import annotations

import pytest

from callqa.scoring.scorecard import Scorecard, ScoreItem, load_scorecard, score_call
from callqa.types import CheckResult


def _results(**statuses: str) -> dict[str, CheckResult]:
    return {name: CheckResult(name, status) for name, status in statuses.items()}  # type: ignore[arg-type]


CARD = Scorecard(
    "t",
    pass_score=75.0,
    items={"a": ScoreItem(weight=3.0), "b": ScoreItem(weight=1.0), "c": ScoreItem(weight=1.0, critical=True)},
)


def test_weights_give_the_share_of_passed_weight() -> None:
    s = score_call(_results(a="pass", b="fail", c="pass"), CARD)
    assert s.score == pytest.approx(80.0)  # (3 + 1) / 5
    assert s.passed is True and s.counted == ("a", "b", "c") and s.excluded == ()
    s = score_call(_results(a="fail", b="pass", c="pass"), CARD)
    assert s.score == pytest.approx(40.0) and s.passed is False


def test_na_and_missing_checks_are_excluded_not_zero() -> None:
    s = score_call(_results(a="pass", b="na"), CARD)  # c missing
    assert s.score == pytest.approx(100.0)
    assert s.counted == ("a",) and set(s.excluded) == {"b", "c"}


def test_a_failed_critical_check_caps_the_score_at_zero() -> None:
    s = score_call(_results(a="pass", b="pass", c="fail"), CARD)
    assert s.score == 0.0 and s.passed is False


def test_nothing_applicable_gives_no_score() -> None:
    s = score_call(_results(a="na", b="na", c="na"), CARD)
    assert s.score is None and s.passed is None


def test_zero_weight_does_not_count_and_shipped_cards_load() -> None:
    card = Scorecard("z", items={"a": ScoreItem(weight=0.0), "b": ScoreItem()})
    assert score_call(_results(a="fail", b="pass"), card).score == 100.0
    default = load_scorecard("default")
    assert default.items and all(item.weight >= 0 for item in default.items.values())
