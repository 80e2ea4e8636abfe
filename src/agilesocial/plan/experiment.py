"""Experiments: a question-led hypothesis, variants selected from the warehouse, and a sample-size plan."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from agilesocial.plan.common import Id, NonEmptyStr, Probability, StrictModel


class Method(StrEnum):
    """Statistical methods an experiment may request with ``method:``."""

    permutation = "permutation"  # randomisation test of the studentised ratio of sums (default, unit=post)
    ratio_delta = "ratio_delta"  # ratio of sums, delta-method variance over posts (large samples only)
    welch_t = "welch_t"  # mean per post, Welch t test
    student_t = "student_t"  # mean per post, pooled variance (R's t.test var.equal = TRUE)
    mann_whitney = "mann_whitney"  # robust rank test on per-post values
    negbin = "negbin"  # negative-binomial GLM with log(exposure) offset
    poisson = "poisson"  # Poisson GLM with log(exposure) offset
    poisson_exact = "poisson_exact"  # exact two-sample rate comparison with exposure (R's poisson.test)
    two_proportion = "two_proportion"  # unit=user: two-proportion z-test (default for unit=user)
    chi_square = "chi_square"  # unit=user: chi-square test of independence
    fisher = "fisher"  # unit=user: Fisher exact test (small counts)
    bayesian = "bayesian"  # probability to beat control and expected loss
    its = "its"  # interrupted time series (default for design=before_after)
    pooled_z = "pooled_z"  # naive pooled-impressions z-test: shown for comparison only, never a default


#: Methods that only apply to a people-level proportion (``unit: user``, a ratio metric counting people).
USER_METHODS = frozenset({Method.two_proportion, Method.chi_square, Method.fisher})
#: Methods that compare ratios of sums (a metric with a denominator).
RATIO_METHODS = USER_METHODS | {Method.pooled_z, Method.ratio_delta}
#: Methods whose model needs posts as the unit.
POST_METHODS = frozenset({Method.poisson_exact})


def method_misfit(method: Method, design: str, unit: str, metric_kind: str | None) -> str | None:
    """Why ``method`` cannot analyse this design / unit / metric kind (None when it can); the analysis then falls
    back to the default method with a warning, and ``validate`` reports it before any data arrives."""
    if design == "before_after":
        return None if method == Method.its else f"method {method} does not apply to a before/after design"
    if method == Method.its:
        return "method its needs design: before_after"
    if method in RATIO_METHODS and metric_kind is not None and metric_kind != "ratio":
        return f"method {method} needs a ratio metric"
    if method in USER_METHODS and unit != "user":
        return f"method {method} needs unit: user (people counted once)"
    if method in POST_METHODS and unit != "post":
        return f"method {method} needs unit: post"
    return None


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


WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Hour = Annotated[int, Field(ge=0, le=23)]
#: One post-format vocabulary across platforms (the raw ``post_type`` is kept beside it).
FORMATS: tuple[str, ...] = (
    "photo",
    "video",
    "reel",
    "short",
    "link",
    "text",
    "carousel",
    "story",
    "live",
    "document",
    "poll",
)
PostFormat = Literal["photo", "video", "reel", "short", "link", "text", "carousel", "story", "live", "document", "poll"]
#: Derived yes/no attributes a selector can test (stored per post at ingest).
FLAG_ATTRIBUTES: tuple[str, ...] = ("is_reply", "is_repost", "has_link", "has_media", "has_hashtag", "is_short")
#: Names with built-in platforms; any lower-case name a generic mapping gives (``platform: mastodon``) works too.
PlatformName = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]{0,30}$",
        description="Platform: x, facebook, instagram, linkedin, tiktok, youtube, or a generic mapping's platform.",
        examples=["x", "facebook", "mastodon"],
    ),
]


class NumberRange(StrictModel):
    """An inclusive numeric range; either end may be left open."""

    min: float | None = Field(None, ge=0, description="Smallest value (inclusive).")
    max: float | None = Field(None, ge=0, description="Largest value (inclusive).")

    @model_validator(mode="after")
    def _ordered(self) -> NumberRange:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError(f"max {self.max:g} is below min {self.min:g}")
        return self


def _weekday(value: Any) -> Any:
    """'Monday', 'mon', 'MON' -> 'mon' (anything else is left for the Literal to reject with the valid names)."""
    if isinstance(value, str):
        low = value.strip().lower()
        full = {d: d for d in WEEKDAYS} | {
            "monday": "mon",
            "tuesday": "tue",
            "wednesday": "wed",
            "thursday": "thu",
            "friday": "fri",
            "saturday": "sat",
            "sunday": "sun",
        }
        return full.get(low, value)
    return value


def _post_format(value: Any) -> Any:
    """'Reels', 'reel', 'Stories' -> 'reel', 'story' (unknown values are left for the Literal to reject)."""
    if not isinstance(value, str):
        return value
    low = value.strip().lower()
    for candidate in (low, low.removesuffix("s"), low.removesuffix("ies") + "y"):
        if candidate in FORMATS:
            return candidate
    return value


class Selector(StrictModel):
    """Which posts belong to a variant. All given conditions must hold (AND); list values match any (OR)."""

    model_config = ConfigDict(populate_by_name=True)

    rest: bool = Field(
        False,
        description="Every post in the experiment's scope that no other variant matches (at most one variant).",
    )
    labels: list[NonEmptyStr] = Field(default_factory=list, description="Custom labels (any of them).")
    hashtags: list[NonEmptyStr] = Field(default_factory=list, description="Hashtags in the text, with or without #.")
    post_ids: list[NonEmptyStr] = Field(default_factory=list, description="Explicit post ids.")
    post_type: list[NonEmptyStr] = Field(default_factory=list, description="Raw post types, e.g. Reels, Photos.")
    format: list[PostFormat] = Field(
        default_factory=list,
        description="Post format, one vocabulary across platforms: photo, video, reel, short, link, text, carousel, "
        "story, live, document, poll.",
    )
    text_contains: str | None = Field(None, description="Case-insensitive substring of the post text.")
    published: DateRange | None = Field(None, description="Publication date range.")
    is_reply: bool | None = Field(None, description="X: the post is a reply (its text starts with @).")
    is_repost: bool | None = Field(None, description="X: the post is a retweet (its text starts with 'RT @').")
    has_link: bool | None = Field(None, description="The text holds an http(s) link (or the post is a link post).")
    has_media: bool | None = Field(None, description="The post carries a photo or video.")
    has_hashtag: bool | None = Field(None, description="The text holds at least one hashtag.")
    hashtag_count: NumberRange | None = Field(None, description="Number of hashtags in the text: {min, max}.")
    duration_s: NumberRange | None = Field(None, description="Video length in seconds: {min, max}.")
    is_short: bool | None = Field(
        None, description="YouTube Short: up to 60 s, or up to 180 s with #shorts in the title, or flagged Short."
    )
    weekdays: list[Weekday] = Field(
        default_factory=list, description="Publish weekday in the project's time zone: mon, tue, ... sun."
    )
    hours: list[Hour] = Field(
        default_factory=list, description="Publish hour (0-23) in the project's time zone, e.g. [7, 8, 9]."
    )
    not_: Selector | None = Field(None, alias="not", description="Posts that do NOT match this selector.")

    @field_validator("weekdays", mode="before")
    @classmethod
    def _weekdays(cls, v: Any) -> Any:
        return [_weekday(d) for d in v] if isinstance(v, list) else v

    @field_validator("format", mode="before")
    @classmethod
    def _formats(cls, v: Any) -> Any:
        return [_post_format(f) for f in v] if isinstance(v, list) else v

    @model_validator(mode="after")
    def _rest_not_nested(self) -> Selector:
        if self.not_ is not None and self.not_.rest:
            raise ValueError("'rest' cannot be negated: use it directly on the variant's selector")
        return self

    def conditions(self) -> list[str]:
        """The names of the conditions this selector sets (empty: it selects every post)."""
        out = []
        for name, info in type(self).model_fields.items():
            value = getattr(self, name)
            if name == "rest" or value is None or value == [] or value == "":
                continue
            out.append(info.alias or name)
        return out

    @property
    def is_empty(self) -> bool:
        """No condition and not ``rest``: the variant would match every post in scope."""
        return not self.rest and not self.conditions()


class ComparisonSeries(Selector):
    """before_after: a comparison series the change did not touch (another platform, another account, or the other
    posts). Platform and account default to the experiment's."""

    platform: PlatformName | None = Field(
        None, description="Platform of the comparison posts (default: the experiment's)."
    )
    account: str | None = Field(None, description="Account of the comparison posts (default: the experiment's).")

    @model_validator(mode="after")
    def _no_rest(self) -> ComparisonSeries:
        if self.rest:
            raise ValueError("'rest' selects a variant's posts; a control series names its own posts")
        return self


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


class Guardrail(StrictModel):
    """A metric that must not get worse by more than a tolerated harm (a non-inferiority margin)."""

    metric: NonEmptyStr = Field(description="Guardrail metric (from the metric catalog).")
    max_harm: float | None = Field(
        None,
        gt=0,
        lt=1,
        description="Tolerated harm, relative (0.1 = a 10 % drop of a higher-is-better metric); default "
        "defaults.max_harm in agile-social.yaml.",
    )


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
    platform: PlatformName | None = Field(None, description="Platform whose posts are compared.")
    account: str | None = Field(None, description="Account whose posts are compared.")
    window: DateRange | None = Field(None, description="Experiment time window (publication dates).")
    intervention_date: dt.date | None = Field(None, description="before_after: the day the change took effect.")
    pre_period: int | None = Field(
        None,
        ge=14,
        le=366,
        description="before_after: days before the change the model fits (default: as long as the after period, "
        "14 to 56 days).",
    )
    comparison: ComparisonSeries | None = Field(
        None,
        alias="control",
        description="before_after: a comparison series not touched by the change; turns the design into a "
        "comparative interrupted time series.",
    )
    variants: list[Variant] = Field(default_factory=list, description="Control first, then the treatments.")
    metric: str | None = Field(None, description="Primary metric (from the metric catalog).")
    guardrails: list[str | Guardrail] = Field(
        default_factory=list,
        description="Metrics that must not get worse: a metric name, or {metric, max_harm} to set the tolerated harm.",
    )
    method: Method | None = Field(None, description="Override the default statistical method.")
    alternative: Literal["two-sided", "greater", "less"] = Field(
        "two-sided",
        description=(
            "Direction of the hypothesis: two-sided (default), greater (the variants are expected to raise the "
            "metric) or less (to lower it). One-sided p-values, intervals and sample sizes follow it."
        ),
    )
    exact: bool | Literal["auto"] = Field(
        "auto",
        description="method: mann_whitney only -- exact p-value: auto (below 50 posts per arm and no ties), "
        "true or false (normal approximation), as R's wilcox.test.",
    )
    mde: float | None = Field(None, gt=0, description="Minimum detectable effect, relative (0.1 = +10 %).")
    alpha: Probability | None = Field(None, description="Significance level (default from agile-social.yaml).")
    power: Probability | None = Field(None, description="Planned power (default 0.8).")
    sample_size: SampleSize | None = Field(None, description="Sample-size plan.")
    status: Status = Field(Status.planned, description="planned, running, completed, scaled or stopped.")
    learnings: list[NonEmptyStr] = Field(default_factory=list, description="What we learned.")
    five_whys: list[NonEmptyStr] = Field(default_factory=list, max_length=5, description="Why? x5, root cause last.")
    tags: list[NonEmptyStr] = Field(default_factory=list, description="Free tags for the learnings library.")

    @model_validator(mode="after")
    def _before_after_keys(self) -> Experiment:
        used = [k for k, v in (("pre_period", self.pre_period), ("control", self.comparison)) if v is not None]
        if used and self.design != "before_after":
            raise ValueError(f"{' and '.join(used)} apply only to design: before_after")
        return self

    @property
    def guardrail_metrics(self) -> list[str]:
        """The guardrails' metric names, in order."""
        return [g if isinstance(g, str) else g.metric for g in self.guardrails]

    def max_harm(self, metric: str, default: float) -> float:
        """The tolerated harm of guardrail ``metric`` (``default`` when the experiment sets none)."""
        for g in self.guardrails:
            if not isinstance(g, str) and g.metric == metric and g.max_harm is not None:
                return g.max_harm
        return default

    @property
    def control(self) -> Variant | None:
        return self.variants[0] if self.variants else None
