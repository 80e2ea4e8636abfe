"""Numbers in the decision sentences, worded once: p-values, "more posts" as time at the team's posting rate.

Every renderer shows p-values the same way (:func:`p_text`): "< 0.001", "0.055", "> 0.99" -- never "1.000", which
reads as certainty. "More posts needed" is always turned into weeks at the experiment's own posting rate
(:func:`posts_in_time`); an answer further away than a quarter says so and what would make it answerable sooner.
"""

from __future__ import annotations

import math

QUARTER_WEEKS = 13  # an answer further away than this is "longer than a quarter"
NEAR_MISS = 0.10  # a p-value below this (but not significant) is a near miss, worded as such
SOONER = "a bolder variant (a larger planned lift), pooling accounts or a metric with less noise"


def p_text(p: float | None) -> str:
    """``< 0.001``, ``0.055``, ``> 0.99``; a dash when unknown."""
    if p is None or not math.isfinite(p):
        return "–"
    if p < 0.001:
        return "< 0.001"
    if p > 0.99:
        return "> 0.99"
    return f"{p:.3f}"


def p_eq(p: float | None) -> str:
    """``= 0.055``, ``< 0.001``, ``> 0.99`` -- to follow "p "."""
    text = p_text(p)
    return text if text[0] in "<>" else f"= {text}"


def rate_text(rate: float) -> str:
    """Posts a week: ``4``, ``1.5``, ``0.25``."""
    if rate >= 10 or abs(rate - round(rate)) < 0.05:
        return f"{round(rate):,}"
    return f"{rate:.1f}" if rate >= 1 else f"{rate:.2g}"


def weeks_needed(more: int, rate: float | None) -> int | None:
    """Whole weeks until ``more`` posts per variant at ``rate`` posts per week per variant (None: rate unknown)."""
    if rate is None or rate <= 0 or more <= 0:
        return None
    return max(1, math.ceil(more / rate))


def _weeks(n: int) -> str:
    return "1 week" if n == 1 else f"{n} weeks"


def time_text(more: int, rate: float | None, *, advise: bool = True) -> str:
    """``~3 weeks at your rate of 4 a week`` (empty when the rate is unknown); beyond a quarter it says so and (with
    ``advise``) what would make the question answerable sooner."""
    weeks = weeks_needed(more, rate)
    if weeks is None or rate is None:
        return ""
    text = f"~{_weeks(weeks)} at your rate of {rate_text(rate)} a week"
    if weeks > QUARTER_WEEKS:
        text += f", longer than a quarter; to answer it sooner, try {SOONER}" if advise else ", longer than a quarter"
    return text


def posts_in_time(more: int, rate: float | None, unit: str = "posts", *, advise: bool = True) -> str:
    """``about 13 more posts per variant: ~4 weeks at your rate of 3.5 a week``."""
    if more == 1:
        unit = {"posts": "post", "people": "person"}.get(unit, unit)
    text = f"about {more:,} more {unit} per variant"
    when = time_text(more, rate, advise=advise) if unit in ("posts", "post") else ""
    return f"{text}: {when}" if when else text
