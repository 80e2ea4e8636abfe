"""The records of the retro's "Against the best" section: where the team stands against published benchmarks and
competitors, per plan objective's metric and platform, with intervals.

Built by :mod:`agilesocial.analysis.benchmarking`; every renderer renders them from these records alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

AHEAD, BEHIND, LEVEL, NO_DATA = "ahead of", "behind", "level with (cannot tell yet)", "no data"


def _interval(ci: tuple[float, float] | None) -> list[float | None] | None:
    import math

    return None if ci is None else [b if math.isfinite(b) else None for b in ci]


@dataclass(frozen=True)
class Reference:
    """One comparison: a published benchmark (one-sample test) or a competitor's posts (two-sample test)."""

    kind: Literal["benchmark", "competitor"]
    name: str
    detail: str  # benchmark: population, statistic, source, date; competitor: the account
    value: float | None  # the benchmark's figure, or the competitor's value this sprint
    ci: tuple[float, float] | None  # the competitor's interval (None for a published figure)
    posts: int | None  # competitor posts this sprint
    diff: float | None  # team minus reference
    diff_ci: tuple[float, float] | None
    rel: float | None  # team / reference - 1
    rel_ci: tuple[float, float] | None
    p_value: float | None
    method: str
    verdict: str  # AHEAD, BEHIND, LEVEL or NO_DATA
    reason: str | None = None
    short: str = ""  # benchmark: 'median, published 2026-06-01'

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "detail": self.detail,
            "value": self.value,
            "ci": _interval(self.ci),
            "posts": self.posts,
            "diff": self.diff,
            "diff_ci": _interval(self.diff_ci),
            "rel": self.rel,
            "rel_ci": _interval(self.rel_ci),
            "p_value": self.p_value,
            "method": self.method,
            "verdict": self.verdict,
            "reason": self.reason,
            "short": self.short,
        }


@dataclass(frozen=True)
class TrendValue:
    sprint: str
    team: float | None
    competitors: tuple[tuple[str, float | None], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"sprint": self.sprint, "team": self.team, "competitors": dict(self.competitors)}


@dataclass(frozen=True)
class Standing:
    """The team on one objective's metric and platform this sprint, and everything it is compared with."""

    objective: str
    metric: str
    platform: str
    direction: Literal["higher", "lower"]
    team_value: float | None
    team_ci: tuple[float, float] | None
    team_posts: int
    references: tuple[Reference, ...]
    trend: tuple[TrendValue, ...]
    alpha: float
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "objective": self.objective,
            "metric": self.metric,
            "platform": self.platform,
            "direction": self.direction,
            "team": {"value": self.team_value, "ci": _interval(self.team_ci), "posts": self.team_posts},
            "references": [r.to_dict() for r in self.references],
            "trend": [t.to_dict() for t in self.trend],
            "alpha": self.alpha,
            "note": self.note,
        }
