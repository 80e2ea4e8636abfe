"""Experiments: a question-led hypothesis, variants selected from the warehouse, and a sample-size plan."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from agilesocial.plan.common import Id, NonEmptyStr, Probability, StrictModel
from agilesocial.plan.strategy import Platform


class Method(StrEnum):
    """Statistical methods an experiment may request with ``method:``."""

    ratio_delta = "ratio_delta"  # ratio of sums, delta-method variance over posts (default for rates, unit=post)
    welch_t = "welch_t"  # mean per post (default for counts, unit=post)
    mann_whitney = "mann_whitney"  # robust rank test on per-post values
    negbin = "negbin"  # negative-binomial GLM with log(exposure) offset
    poisson = "poisson"  # Poisson GLM with log(exposure) offset
    two_proportion = "two_proportion"  # unit=user: two-proportion z-test (default for unit=user)
    chi_square = "chi_square"  # unit=user: chi-square test of independence
    fisher = "fisher"  # unit=user: Fisher exact test (small counts)
    bayesian = "bayesian"  # probability to beat control and expected loss
    its = "its"  # interrupted time series (default for design=before_after)
    pooled_z = "pooled_z"  # naive pooled-impressions z-test: shown for comparison only, never a default


class Status(StrEnum):
    planned = "planned"
    running = "running"
    completed = "completed"
    scaled = "scaled"
    stopped = "stopped"


class DateRange(StrictModel):
    start: dt.date | None = Field(None, description="First day (inclusive, ISO date).")
    end: dt.date | None = Field(None, description="Last day (inclusive, ISO date).")

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Selector(StrictModel):
    """Which posts belong to a variant. All given conditions must hold (AND); list values match any (OR)."""

    labels: list[NonEmptyStr] = Field(default_factory=list, description="Custom labels (any of them).")
    hashtags: list[NonEmptyStr] = Field(default_factory=list, description="Hashtags in the text, with or without #.")
    post_ids: list[NonEmptyStr] = Field(default_factory=list, description="Explicit post ids.")
    post_type: list[NonEmptyStr] = Field(default_factory=list, description="Post types, e.g. Reels, Photos.")
    text_contains: str | None = Field(None, description="Case-insensitive substring of the post text.")
    published: DateRange | None = Field(None, description="Publication date range.")


class Variant(StrictModel):
    name: Id = Field(description="Variant name; the first variant is the control.")
    description: str | None = None
    selector: Selector = Field(default_factory=Selector, description="How to find this variant's posts.")
    weight: float | None = Field(None, gt=0, description="Planned share of posts (for the sample-ratio check).")


class Hypothesis(StrictModel):
    """A hypothesis card: question-led and falsifiable."""

    question: str | None = Field(None, description="The question that led to the test.")
    we_believe: NonEmptyStr = Field(description="We believe that <change> ...")
    will_result_in: NonEmptyStr = Field(description="... will result in <measurable outcome> ...")
    we_will_know_when: NonEmptyStr = Field(description="... and we will know when <metric moves by X>.")


class SampleSize(StrictModel):
    posts_per_variant: int | None = Field(None, gt=0, description="Planned posts per variant.")
    impressions_per_variant: int | None = Field(None, gt=0, description="Planned impressions per variant.")


class Experiment(StrictModel):
    """One small, calculated experiment."""

    id: Id = Field(description="Experiment identifier.")
    plan: Id | None = Field(None, description="Id of the strategy plan it belongs to.")
    objective: Id | None = Field(None, description="Id of the plan objective it serves.")
    sprint: Id | None = Field(None, description="Id of the sprint it runs in.")
    hypothesis: Hypothesis | None = Field(None, description="The hypothesis card.")
    design: Literal["split", "before_after"] = Field("split", description="split, or before_after (no split).")
    unit: Literal["post", "user"] = Field("post", description="Unit of analysis: post (default) or user.")
    platform: Platform | None = Field(None, description="Platform whose posts are compared.")
    account: str | None = Field(None, description="Account whose posts are compared.")
    window: DateRange | None = Field(None, description="Experiment time window (publication dates).")
    intervention_date: dt.date | None = Field(None, description="before_after: the day the change took effect.")
    variants: list[Variant] = Field(default_factory=list, description="Control first, then the treatments.")
    metric: str | None = Field(None, description="Primary metric (from the metric catalog).")
    guardrails: list[str] = Field(default_factory=list, description="Metrics that must not get worse.")
    method: Method | None = Field(None, description="Override the default statistical method.")
    mde: float | None = Field(None, gt=0, description="Minimum detectable effect, relative (0.1 = +10 %).")
    alpha: Probability | None = Field(None, description="Significance level (default from agile-social.yaml).")
    power: Probability | None = Field(None, description="Planned power (default 0.8).")
    sample_size: SampleSize | None = Field(None, description="Sample-size plan.")
    status: Status = Field(Status.planned, description="planned, running, completed, scaled or stopped.")
    learnings: list[NonEmptyStr] = Field(default_factory=list, description="What we learned.")
    five_whys: list[NonEmptyStr] = Field(default_factory=list, max_length=5, description="Why? x5, root cause last.")
    tags: list[NonEmptyStr] = Field(default_factory=list, description="Free tags for the learnings library.")

    @property
    def control(self) -> Variant | None:
        return self.variants[0] if self.variants else None
