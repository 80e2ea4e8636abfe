"""The analysis result model: what ``analyze`` computes and every renderer reads.

``AnalysisReport.to_dict()`` is the documented ``analyze --format json`` contract (schema_version 2).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from agilesocial.analysis.its_model import ItsDetail

Action = Literal["scale", "iterate", "stop", "futile", "keep_running", "inconclusive"]
Outcome = Literal["better", "worse", "inconclusive", "none"]
#: A guardrail's verdict as a non-inferiority question (see :meth:`MetricResult.guard`).
Guard = Literal["no_harm", "tolerated_harm", "harm", "cannot_tell"]
DEFAULT_MAX_HARM = 0.10  # tolerated relative harm of a guardrail when neither the experiment nor the config sets one
SCHEMA_VERSION = 2


def json_interval(ci: tuple[float, float] | None) -> list[float | None] | None:
    """An interval for JSON or CSV: an unbounded (infinite) end is null."""
    return _interval(ci)


@dataclass(frozen=True)
class MetricResult:
    """One variant compared with the control on one metric."""

    metric: str
    variant: str
    method: str
    n_control: int | None
    n_variant: int | None
    control_value: float | None
    variant_value: float | None
    abs_lift: float | None
    abs_ci: tuple[float, float] | None
    rel_lift: float | None
    rel_ci: tuple[float, float] | None
    p_value: float | None
    p_adjusted: float | None
    significant: bool | None
    chance_to_beat: float | None
    is_guardrail: bool = False
    direction: Literal["higher", "lower"] = "higher"
    mde_reached: bool | None = None
    note: str | None = None
    # before/after designs: control_value / variant_value are the OBSERVED before and after values; the model's
    # expectation for the after period without the change is counterfactual_value, and the lifts are after minus it
    counterfactual_value: float | None = None
    days_control: int | None = None
    days_variant: int | None = None
    its: ItsDetail | None = None
    statistic: float | None = None  # the test statistic (t, z, X², W, count...) as R reports it
    df: float | None = None  # its degrees of freedom (None where the test has none)
    alternative: str = "two-sided"  # two-sided | greater | less (variant vs control)
    unit: str = "count"  # how the values are shown (the metric's unit; "percent" for counts per impression)
    method_why: str | None = None  # which method ran and why, in plain words
    contrast: bool = False  # shown for comparison only: no correction, no significance, no say in the decision
    not_exported: str | None = None  # 'X exports have no saves': the platform's exports never carry the metric
    max_harm: float | None = None  # guardrails: the tolerated relative harm (0.1 = a 10 % drop of a higher-is-better)

    @property
    def guard(self) -> Guard | None:
        """A guardrail's verdict from its (unadjusted) relative CI, in the metric's good direction:

        ``harm`` -- the CI lies wholly on the harmful side of 0 and reaches beyond the tolerated harm;
        ``tolerated_harm`` -- wholly harmful, but within the tolerated harm; ``no_harm`` -- the CI's harmful end
        stays within the tolerated harm ("no harm beyond 10 %", shown); ``cannot_tell`` -- the CI reaches 0 and
        beyond the tolerated harm. None for primary metrics and results without an interval."""
        if not self.is_guardrail or self.contrast or self.rel_ci is None:
            return None
        margin = self.max_harm if self.max_harm is not None else DEFAULT_MAX_HARM
        lo, hi = self.rel_ci
        worst, best = (lo, hi) if self.direction == "higher" else (-hi, -lo)  # in "good" terms: negative = harm
        if best < 0:
            return "harm" if worst < -margin else "tolerated_harm"
        return "no_harm" if worst >= -margin else "cannot_tell"

    @property
    def harms(self) -> bool:
        """The guardrail blocks scaling: verdict ``harm`` (significantly worse when there is no relative CI)."""
        return self.guard == "harm" or (self.rel_ci is None and self.worse)

    @property
    def harm_reach(self) -> float | None:
        """The CI's harmful end as a signed relative change (-0.23 for "reaches -23 %"), None without a CI."""
        if self.rel_ci is None:
            return None
        return self.rel_ci[0] if self.direction == "higher" else self.rel_ci[1]

    @property
    def outcome(self) -> Outcome:
        """``better`` / ``worse`` (significant, judged by the metric's direction, primary and guardrail alike),
        ``inconclusive`` (not significant) or ``none`` (no test result)."""
        if self.significant is None:
            return "none"
        if not self.significant or self.abs_lift is None or self.abs_lift == 0:
            return "inconclusive"
        return "better" if (self.abs_lift > 0) == (self.direction == "higher") else "worse"

    @property
    def worse(self) -> bool:
        """A guardrail that got significantly worse (in the metric's own direction)."""
        return bool(
            self.is_guardrail
            and self.significant
            and self.abs_lift is not None
            and (self.abs_lift < 0 if self.direction == "higher" else self.abs_lift > 0)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "variant": self.variant,
            "method": self.method,
            "n_control": self.n_control,
            "n_variant": self.n_variant,
            "control_value": self.control_value,
            "variant_value": self.variant_value,
            "abs_lift": self.abs_lift,
            "abs_ci": _interval(self.abs_ci),
            "rel_lift": self.rel_lift,
            "rel_ci": _interval(self.rel_ci),
            "p_value": self.p_value,
            "p_adjusted": self.p_adjusted,
            "significant": self.significant,
            "chance_to_beat": self.chance_to_beat,
            "is_guardrail": self.is_guardrail,
            "worse": self.worse,
            "outcome": self.outcome,
            "unit": self.unit,
            "direction": self.direction,
            "mde_reached": self.mde_reached,
            "note": self.note,
            "counterfactual_value": self.counterfactual_value,
            "days_control": self.days_control,
            "days_variant": self.days_variant,
            "its": self.its.to_dict() if self.its is not None else None,
            "statistic": self.statistic,
            "df": self.df,
            "alternative": self.alternative,
            "method_why": self.method_why,
            "contrast": self.contrast,
            "not_exported": self.not_exported,
            "max_harm": self.max_harm,
            "guard": self.guard,
        }


def _interval(ci: tuple[float, float] | None) -> list[float | None] | None:
    """A CI for JSON: the infinite end of a one-sided interval becomes null."""
    if ci is None:
        return None
    return [v if math.isfinite(v) else None for v in ci]


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str
    posts_needed: int | None = None  # keep_running: more posts per variant needed; futile: to finish as planned
    posts_per_week: float | None = None  # the experiment's posting rate per variant, when posts_needed is timed
    weeks_needed: int | None = None  # posts_needed (inconclusive: the MDE's total) at posts_per_week
    days_needed: int | None = None  # before/after keep_running: more days after the change (the model's projection)

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "reason": self.reason,
            "posts_needed": self.posts_needed,
            "posts_per_week": self.posts_per_week,
            "weeks_needed": self.weeks_needed,
            "days_needed": self.days_needed,
        }


@dataclass(frozen=True)
class Srm:
    p_value: float
    ok: bool

    def to_dict(self) -> dict[str, Any]:
        return {"p_value": self.p_value, "ok": self.ok}


@dataclass(frozen=True)
class ExperimentAnalysis:
    """Everything the analysis concluded about one experiment."""

    id: str
    design: str
    status: str
    decision: Decision
    srm: Srm | None
    warnings: tuple[str, ...]
    results: tuple[MetricResult, ...]
    sprint: str | None = None
    metric: str | None = None
    hypothesis: str | None = None
    platform: str | None = None
    learnings: tuple[str, ...] = ()
    five_whys: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    control: str | None = None  # name of the control arm ("before" for a before/after design)
    # what `calibrate` found for the primary method on this account's history (split post designs): method, status
    # (calibrated | too_hot | too_cold | not_calibrated) and, when calibrated, its A/A rate at the nearest size
    calibration: dict[str, Any] | None = None

    @property
    def primary(self) -> tuple[MetricResult, ...]:
        return tuple(r for r in self.results if not r.is_guardrail)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "design": self.design,
            "status": self.status,
            "sprint": self.sprint,
            "metric": self.metric,
            "platform": self.platform,
            "hypothesis": self.hypothesis,
            "decision": self.decision.to_dict(),
            "srm": self.srm.to_dict() if self.srm else None,
            "warnings": list(self.warnings),
            "results": [r.to_dict() for r in self.results],
            "learnings": list(self.learnings),
            "five_whys": list(self.five_whys),
            "tags": list(self.tags),
            "control": self.control,
            "calibration": self.calibration,
        }


@dataclass(frozen=True)
class AnalysisReport:
    generated_at: dt.datetime
    experiments: tuple[ExperimentAnalysis, ...]
    correction: str = "holm"
    sprint: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    missing_data: tuple[str, ...] = ()  # experiments that had no posts to analyse (what to ingest, one line each)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "missing_data": list(self.missing_data),
            "generated_at": self.generated_at.isoformat(),
            "sprint": self.sprint,
            "correction": self.correction,
            "warnings": list(self.warnings),
            "experiments": [e.to_dict() for e in self.experiments],
        }


@dataclass(frozen=True)
class TopPost:
    """One post of the period with its totals (``text`` is untrusted: renderers escape it)."""

    platform: str
    account: str | None
    post_id: str
    published: dt.date | None
    post_type: str | None
    text: str  # untrusted: renderers must escape it
    permalink: str | None
    impressions: int | None  # None: the platform's export has no impressions
    engagements: int
    shares: int
    engagement_rate: float | None
    tests: tuple[str, ...] = ()  # the experiments and arms that selected it ("fb-reels-vs-photos: reels")

    def to_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "account": self.account,
            "post_id": self.post_id,
            "published": self.published.isoformat() if self.published else None,
            "post_type": self.post_type,
            "text": self.text,
            "permalink": self.permalink,
            "impressions": self.impressions,
            "engagements": self.engagements,
            "shares": self.shares,
            "engagement_rate": self.engagement_rate,
            "experiments": list(self.tests),
        }
