"""The before/after (interrupted time series) part of a metric result: model facts, placebo check and the chart data.

Renderers draw the chart from ``series`` (observed daily values, the fitted line, the counterfactual and its band
after the change) without computing anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ItsSeriesData:
    """One row per day with data in the fitted window (ISO dates); ``post`` marks the days from the change."""

    dates: tuple[str, ...]
    observed: tuple[float, ...]
    fitted: tuple[float, ...]
    counterfactual: tuple[float, ...]
    band_low: tuple[float, ...]
    band_high: tuple[float, ...]
    post: tuple[bool, ...]
    control: tuple[float, ...] | None = None  # comparative design: the comparison series' daily values

    def to_dict(self) -> dict[str, Any]:
        return {
            "dates": list(self.dates),
            "observed": list(self.observed),
            "fitted": list(self.fitted),
            "counterfactual": list(self.counterfactual),
            "band_low": list(self.band_low),
            "band_high": list(self.band_high),
            "post": list(self.post),
            "control": list(self.control) if self.control is not None else None,
        }


@dataclass(frozen=True)
class Placebo:
    """Refits at fake change days inside the before period (see :func:`agilesocial.stats.placebo_check`)."""

    fits: int
    as_large: int  # placebo effects at least as large (in standard errors) as the real one
    p_value: float | None
    stands_out: bool

    def to_dict(self) -> dict[str, Any]:
        return {"fits": self.fits, "as_large": self.as_large, "p_value": self.p_value, "stands_out": self.stands_out}


@dataclass(frozen=True)
class ItsDetail:
    """What the before/after model did and found, beyond the headline numbers of the MetricResult."""

    design: str  # 'single' | 'comparative'
    change_date: dt.date
    pre_start: dt.date
    post_end: dt.date
    days_before: int  # days with data the model fitted
    days_after: int
    zero_post_days: int  # covered days without posts (no value that day; not missing data)
    day_of_week: bool
    lags: int
    weights: str  # 'impressions' etc. for rates, 'posts' for per-post means
    level_change: float
    level_ci: tuple[float, float]
    slope_change: float
    slope_ci: tuple[float, float]
    placebo: Placebo
    series: ItsSeriesData
    comparison: str | None = None  # words for the comparison series
    coverage_known: bool = True
    # more calendar days after the change until the planned effect (mde) is detectable with the planned power, if
    # the coming days are as noisy as these (0: already enough); None with projected=True: no number of days will
    days_needed: int | None = None
    projected: bool = False

    @property
    def days_needed_date(self) -> dt.date | None:
        """The day the after period would reach ``days_needed`` more days."""
        return self.post_end + dt.timedelta(days=self.days_needed) if self.days_needed is not None else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "design": self.design,
            "change_date": self.change_date.isoformat(),
            "pre_start": self.pre_start.isoformat(),
            "post_end": self.post_end.isoformat(),
            "days_before": self.days_before,
            "days_after": self.days_after,
            "zero_post_days": self.zero_post_days,
            "day_of_week": self.day_of_week,
            "hac_lags": self.lags,
            "weights": self.weights,
            "level_change": self.level_change,
            "level_ci": list(self.level_ci),
            "slope_change": self.slope_change,
            "slope_ci": list(self.slope_ci),
            "placebo": self.placebo.to_dict(),
            "comparison": self.comparison,
            "coverage_known": self.coverage_known,
            "days_needed": self.days_needed,
            "days_needed_date": self.days_needed_date.isoformat() if self.days_needed_date else None,
            "series": self.series.to_dict(),
        }
