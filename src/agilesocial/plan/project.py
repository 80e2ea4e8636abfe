"""The project configuration file ``agile-social.yaml``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator

from agilesocial.plan.common import NonEmptyStr, Probability, StrictModel
from agilesocial.plan.experiment import PlatformName
from agilesocial.plan.metrics import BUILTIN_METRICS, METRIC_FIELDS, Metric, Unit


class CustomMetric(StrictModel):
    """A ratio of sums of canonical fields, e.g. ``link_clicks / reach``. No free SQL."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,40}$", description="Metric name (lowercase, underscores).")
    numerator: str = Field(description="Canonical field summed in the numerator.")
    denominator: str | None = Field(None, description="Canonical field summed in the denominator (none: a count).")
    direction: Literal["higher", "lower"] = Field("higher", description="Which way is better.")
    description: str = ""
    unit: Unit | None = Field(
        None,
        description="How values are shown: percent, count, seconds, currency or ratio (default: percent for a "
        "ratio of sums, count for a count).",
    )

    @field_validator("numerator", "denominator")
    @classmethod
    def _known_field(cls, v: str | None) -> str | None:
        if v is not None and v not in METRIC_FIELDS:
            raise ValueError(f"unknown field {v!r}; use one of: {', '.join(METRIC_FIELDS)}")
        return v

    @field_validator("name")
    @classmethod
    def _not_builtin(cls, v: str) -> str:
        if v in BUILTIN_METRICS:
            raise ValueError(f"{v!r} is a built-in metric; choose another name")
        return v

    def to_metric(self) -> Metric:
        kind: Literal["count", "ratio"] = "count" if self.denominator is None else "ratio"
        unit: Unit = self.unit or ("count" if self.denominator is None else "percent")
        return Metric(self.name, kind, self.numerator, self.denominator, self.direction, self.description, unit)


class Defaults(StrictModel):
    alpha: Probability = Field(0.05, description="Significance level.")
    power: Probability = Field(0.8, description="Planned power.")
    correction: Literal["holm", "hochberg", "hommel", "bonferroni", "bh", "by", "none"] = Field(
        "holm",
        description="Multiple-testing correction (R's p.adjust methods: holm, hochberg, hommel, bonferroni, "
        "bh, by) or none.",
    )
    focus_limit: int = Field(3, ge=1, description="Most tools a plan should use.")
    min_posts_per_variant: int = Field(10, ge=2, description="Fewer posts than this per variant draws a warning.")
    max_harm: float = Field(
        0.1,
        gt=0,
        lt=1,
        description="Tolerated harm of a guardrail metric, relative (0.1 = 10 %), unless the experiment sets one.",
    )


class Benchmark(StrictModel):
    """A published reference value (an industry median, a best-in-class figure) on one platform's metric.

    Paste the figures of a report you trust: agile-social ships no benchmark numbers as facts about your industry.
    """

    name: NonEmptyStr = Field(description="What it is, e.g. 'Higher-education median, 10k-50k followers'.")
    platform: PlatformName = Field(description="Platform the figure is about: instagram, x, facebook, ...")
    metric: NonEmptyStr = Field(description="Metric from the catalog, measured per post as the report measures it.")
    value: float = Field(description="The published value (rates as fractions: 0.021 for 2.1 %).")
    population: NonEmptyStr = Field(description="Who it describes: industry, follower band, region.")
    statistic: Literal["median", "mean", "top_quartile", "best_in_class"] = Field(
        "median", description="Which figure of the population: median, mean, top_quartile or best_in_class."
    )
    source: str | None = Field(None, description="Where the figure was published (report name or URL).")
    published: dt.date | None = Field(None, description="When the figure was published (YYYY-MM-DD).")


class AccountRole(StrictModel):
    """An account whose posts are ingested, and whose they are: a competitor's posts never enter the team's
    experiments or KPIs; they are only compared with the team's in the retro's "Against the best" section."""

    account: NonEmptyStr = Field(description="Account name as the export (or 'ingest --account') gives it.")
    platform: PlatformName = Field(description="Platform of the account.")
    role: Literal["competitor"] = Field(description="competitor: someone else's account, for comparison only.")
    name: NonEmptyStr = Field(description="Display name in reports.")


class ProjectConfig(StrictModel):
    """``agile-social.yaml``: where things are and the project's defaults."""

    version: Literal[1] = Field(1, description="Config format version.")
    plans: str = Field("plans", description="Folder of strategy plans.")
    experiments: str = Field("experiments", description="Folder of experiments.")
    sprints: str = Field("sprints", description="Folder of sprints.")
    warehouse: str = Field(
        ".agile-social/warehouse.duckdb", description="DuckDB warehouse file, or a Parquet lake folder."
    )
    engine: Literal["duckdb", "spark"] = Field(
        "duckdb",
        description="Where the analysis SQL runs: duckdb, or spark (Apache Spark over a Parquet lake; needs "
        "agile-social[spark]).",
    )
    spark: dict[str, str | int | float | bool] = Field(
        default_factory=dict,
        description="Spark properties for engine: spark, with or without the 'spark.' prefix (master: "
        "spark://host:7077, executor.memory: 4g...); master defaults to local[*].",
    )
    timezone: str = Field("UTC", description="Time zone used to bucket posts into days and weeks.")
    defaults: Defaults = Field(default_factory=Defaults, description="Statistical and lint defaults.")
    metrics: list[CustomMetric] = Field(default_factory=list, description="Custom ratio metrics.")
    benchmarks: list[Benchmark] = Field(
        default_factory=list, description="Published reference values the team compares itself with."
    )
    accounts: list[AccountRole] = Field(
        default_factory=list, description="Accounts that are not the team's own (competitors), by platform."
    )

    def competitor_accounts(self) -> list[tuple[str, str]]:
        """(platform, lower-case account) of every competitor account: excluded from the team's own analyses."""
        return sorted({(a.platform, a.account.strip().lower()) for a in self.accounts if a.role == "competitor"})

    def metric_catalog(self) -> dict[str, Metric]:
        from agilesocial.plan.metrics import metric_catalog

        return metric_catalog({m.name: m.to_metric() for m in self.metrics})
