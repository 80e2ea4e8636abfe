"""A weighted straight-line trend through weekly values, and whether its slope stands out from the noise."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CLEAR_SLOPE_SE = 2.0  # a slope counts as a clear trend when it is more than this many standard errors from zero


@dataclass(frozen=True)
class LineFit:
    """``y = intercept + slope * x``; ``slope_se`` is None with fewer than three points or no spread in ``x``."""

    intercept: float
    slope: float
    slope_se: float | None

    @property
    def clear(self) -> bool:
        """The slope is more than :data:`CLEAR_SLOPE_SE` standard errors away from zero."""
        return self.slope_se is not None and abs(self.slope) > CLEAR_SLOPE_SE * self.slope_se

    def at(self, x: float) -> float:
        return self.intercept + self.slope * x


def weighted_line(points: Sequence[tuple[float, float, float]]) -> LineFit:
    """Weighted least squares of ``y`` on ``x`` from ``(x, y, weight)`` points (weights: e.g. posts per week)."""
    sw = sum(w for _, _, w in points) or float(len(points))
    norm = [(x, y, (w / sw) if sw else 1.0) for x, y, w in points]
    mx = sum(x * w for x, _, w in norm)
    my = sum(y * w for _, y, w in norm)
    sxx = sum(w * (x - mx) ** 2 for x, _, w in norm)
    sxy = sum(w * (x - mx) * (y - my) for x, y, w in norm)
    slope = sxy / sxx if sxx else 0.0
    intercept = my - slope * mx
    if len(points) < 3 or not sxx:
        return LineFit(intercept, slope, None)
    n = len(points)
    # residual variance with normalised weights (effective-weights form), then Var(slope) = s2 / sxx
    rss = sum(w * (y - intercept - slope * x) ** 2 for x, y, w in norm)
    s2 = rss * n / (n - 2)
    return LineFit(intercept, slope, (s2 / (n * sxx)) ** 0.5)
