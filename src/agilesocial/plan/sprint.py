"""Sprints and their weekly key results."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from agilesocial.plan.common import Id, NonEmptyStr, StrictModel
from agilesocial.plan.strategy import Platform


class KeyResult(StrictModel):
    """A weekly key result: a metric and its target for each week of the sprint."""

    metric: NonEmptyStr = Field(description="Metric name from the catalog.")
    platform: Platform | None = Field(None, description="Restrict to one platform (default: all).")
    weekly_targets: list[float] = Field(min_length=1, description="Target per week, in order.")


class Sprint(StrictModel):
    """A time box, usually 1-4 weeks, with a goal and weekly key results."""

    id: Id = Field(description="Sprint identifier.")
    start: dt.date = Field(description="First day (ISO date).")
    end: dt.date = Field(description="Last day (ISO date, inclusive).")
    goal: NonEmptyStr = Field(description="What the sprint is for.")
    key_results: list[KeyResult] = Field(default_factory=list, description="Weekly key results.")

    @model_validator(mode="after")
    def _ordered(self) -> Sprint:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    @property
    def weeks(self) -> int:
        return ((self.end - self.start).days // 7) + 1
