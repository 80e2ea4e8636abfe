"""Before/after decisions: SCALE or STOP need the model's test, the placebo check and the observed direction."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from agilesocial.analysis.beforeafter_decide import decide_before_after
from agilesocial.analysis.its_model import ItsDetail, ItsSeriesData, Placebo
from agilesocial.analysis.model import MetricResult
from agilesocial.plan.metrics import BUILTIN_METRICS

RATE = BUILTIN_METRICS["engagement_rate"]


def _result(before: float, after: float, expected: float, *, significant: bool, placebo: bool) -> MetricResult:
    effect = after - expected
    detail = ItsDetail(
        "single", dt.date(2026, 11, 9), dt.date(2026, 10, 12), dt.date(2026, 12, 6), 28, 28, 0, True, 3,
        "impressions", effect, (effect - 0.001, effect + 0.001), 0.0, (-0.001, 0.001),
        Placebo(20, 0 if placebo else 9, 1 / 21 if placebo else 10 / 21, placebo),
        ItsSeriesData((), (), (), (), (), (), ()),
    )  # fmt: skip
    half = 0.002
    return MetricResult(
        "engagement_rate", "after", "its", 28, 28, before, after, effect, (effect - half, effect + half),
        effect / expected, ((effect - half) / (after - effect + half), (effect + half) / (after - effect - half)),
        0.001 if significant else 0.4, 0.001 if significant else 0.4, significant, None,
        counterfactual_value=expected, its=detail,
    )  # fmt: skip


def test_scale_needs_test_placebo_and_observed_direction() -> None:
    r = _result(0.0200, 0.0250, 0.0200, significant=True, placebo=True)
    d = decide_before_after(r, RATE, harmed=(), mde=0.1, ci_alpha=0.05)
    assert d.action == "scale"
    assert d.reason.startswith("Engagement per impression was 2.00 % before the change and 2.50 % after (+25 %)")
    assert "the model expected 2.00 % without the change; you got 2.50 %: +25 %" in d.reason
    assert "0 of 20 placebo change dates" in d.reason


def test_a_result_that_does_not_stand_out_from_its_placebos_keeps_running() -> None:
    r = _result(0.0200, 0.0250, 0.0200, significant=True, placebo=False)
    d = decide_before_after(r, RATE, harmed=(), mde=0.1, ci_alpha=0.05)
    assert d.action == "keep_running" and "9 of 20 placebo change dates" in d.reason


def test_model_gain_against_an_observed_fall_keeps_running() -> None:
    """The issue's trap: a falling trend extrapolated makes a flat or lower after period look like a gain."""
    r = _result(0.0116, 0.0115, 0.0090, significant=True, placebo=True)
    d = decide_before_after(r, RATE, harmed=(), mde=0.1, ci_alpha=0.05)
    assert d.action == "keep_running"
    assert "was 1.16 % before the change and 1.15 % after (-1 %)" in d.reason
    assert "the observed value fell after the change: the model's gain rests on the trend it extrapolated" in d.reason


def test_stop_needs_the_same_three() -> None:
    worse = _result(0.0250, 0.0200, 0.0250, significant=True, placebo=True)
    assert decide_before_after(worse, RATE, harmed=(), mde=0.1, ci_alpha=0.05).action == "stop"
    rising = replace(worse, control_value=0.0190)  # observed up, model says down: not a stop
    assert decide_before_after(rising, RATE, harmed=(), mde=0.1, ci_alpha=0.05).action == "keep_running"


def test_before_after_keys_are_refused_on_a_split_design() -> None:
    import pytest
    from pydantic import ValidationError

    from agilesocial.plan.experiment import Experiment

    with pytest.raises(ValidationError, match="pre_period and control apply only to design: before_after"):
        Experiment.model_validate({"id": "e", "pre_period": 28, "control": {"account": "other"}})
    with pytest.raises(ValidationError, match="'rest' selects a variant's posts"):
        Experiment.model_validate({"id": "e", "design": "before_after", "control": {"rest": True}})
    ok = Experiment.model_validate(
        {"id": "e", "design": "before_after", "pre_period": 28, "control": {"labels": ["x"]}}
    )
    assert ok.pre_period == 28 and ok.comparison is not None and ok.comparison.labels == ["x"]
