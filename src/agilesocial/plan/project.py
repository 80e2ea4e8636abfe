"""The project configuration file ``agile-social.yaml``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from agilesocial.plan.common import Probability, StrictModel
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


class ProjectConfig(StrictModel):
    """``agile-social.yaml``: where things are and the project's defaults."""

    version: Literal[1] = Field(1, description="Config format version.")
    plans: str = Field("plans", description="Folder of strategy plans.")
    experiments: str = Field("experiments", description="Folder of experiments.")
    sprints: str = Field("sprints", description="Folder of sprints.")
    warehouse: str = Field(".agile-social/warehouse.duckdb", description="DuckDB warehouse file.")
    timezone: str = Field("UTC", description="Time zone used to bucket posts into days and weeks.")
    defaults: Defaults = Field(default_factory=Defaults, description="Statistical and lint defaults.")
    metrics: list[CustomMetric] = Field(default_factory=list, description="Custom ratio metrics.")

    def metric_catalog(self) -> dict[str, Metric]:
        from agilesocial.plan.metrics import metric_catalog

        return metric_catalog({m.name: m.to_metric() for m in self.metrics})
