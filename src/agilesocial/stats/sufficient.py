"""Sufficient statistics per variant and parameter validation shared by every test.

A :class:`SampleStats` holds what one SQL ``GROUP BY`` returns for one variant over its units (posts):
``n``, ``sum(y)``, ``sum(y*y)`` and, for ratio metrics, ``sum(x)``, ``sum(x*x)``, ``sum(x*y)``.  Optional
``sum_y3``, ``max_y`` and ``max_x`` let the tests warn about skew and about one post dominating a sum.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Alternative = Literal["two-sided", "greater", "less"]
ALTERNATIVES: tuple[str, ...] = ("two-sided", "greater", "less")


def check_alpha(alpha: float, name: str = "alpha") -> float:
    """Validate a probability in the open interval (0, 1); return it as float."""
    if not isinstance(alpha, int | float) or isinstance(alpha, bool) or not 0.0 < float(alpha) < 1.0:
        raise ValueError(f"{name} == {alpha!r}, must be in (0, 1)")
    return float(alpha)


def check_alternative(alternative: str) -> Alternative:
    """Validate the direction of the alternative hypothesis (variant minus control, as R's ``alternative``)."""
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative == {alternative!r}, must be one of 'two-sided', 'greater', 'less'")
    return alternative  # type: ignore[return-value]


def check_sides(sides: int) -> int:
    if sides not in (1, 2):
        raise ValueError(f"sides == {sides!r}, must be 1 or 2")
    return int(sides)


def check_positive_int(value: int, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} == {value!r}, must be an integer >= {minimum}")
    return int(value)


def check_finite(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number) or not math.isfinite(float(value)):
        raise ValueError(f"{name} == {value!r}, must be a finite number")
    return float(value)


def as_array(values: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    """A 1-D float array with only finite values (raises ValueError otherwise)."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of numbers, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values; drop or fix those rows first")
    return arr


@dataclass(frozen=True)
class SampleStats:
    """Sufficient statistics of one variant over its units (posts, users or days).

    Attributes:
        n: number of units.
        sum_y, sum_y2: sum of the value (numerator) and of its square.
        sum_x, sum_x2, sum_xy: sum of the denominator (e.g. impressions), its square and the cross product;
            all three set for ratio metrics, all ``None`` otherwise.
        sum_y3: optional sum of cubes (lets ``welch_t`` warn about heavy skew).
        max_y, max_x: optional largest single value (lets tests warn when one post dominates a sum).
    """

    n: int
    sum_y: float
    sum_y2: float
    sum_x: float | None = None
    sum_x2: float | None = None
    sum_xy: float | None = None
    sum_y3: float | None = None
    max_y: float | None = None
    max_x: float | None = None

    def __post_init__(self) -> None:
        check_positive_int(self.n, "n", minimum=0)
        check_finite(self.sum_y, "sum_y")
        if check_finite(self.sum_y2, "sum_y2") < 0:
            raise ValueError(f"sum_y2 == {self.sum_y2!r}, must be >= 0 (it is a sum of squares)")
        x_parts = (self.sum_x, self.sum_x2, self.sum_xy)
        if any(v is None for v in x_parts) and not all(v is None for v in x_parts):
            raise ValueError("sum_x, sum_x2 and sum_xy must be given together (ratio metric) or not at all")
        if self.sum_x is not None:
            check_finite(self.sum_x, "sum_x")
            check_finite(self.sum_xy, "sum_xy")  # type: ignore[arg-type]
            if check_finite(self.sum_x2, "sum_x2") < 0:  # type: ignore[arg-type]
                raise ValueError(f"sum_x2 == {self.sum_x2!r}, must be >= 0 (it is a sum of squares)")
        for name in ("sum_y3", "max_y", "max_x"):
            value = getattr(self, name)
            if value is not None:
                check_finite(value, name)
        if self.n == 0 and (self.sum_y != 0 or self.sum_y2 != 0 or (self.sum_x or 0) != 0):
            raise ValueError("n == 0 but the sums are not 0")

    @classmethod
    def from_arrays(cls, y: Sequence[float], x: Sequence[float] | None = None) -> SampleStats:
        """Build the statistics from per-unit values ``y`` (and denominators ``x`` for ratio metrics)."""
        ya = as_array(y, "y")
        kwargs: dict[str, float | None] = {}
        if x is not None:
            xa = as_array(x, "x")
            if xa.shape != ya.shape:
                raise ValueError(f"x has {xa.size} values but y has {ya.size}; they must pair up per unit")
            kwargs = {
                "sum_x": float(xa.sum()),
                "sum_x2": float(np.dot(xa, xa)),
                "sum_xy": float(np.dot(xa, ya)),
                "max_x": float(xa.max()) if xa.size else None,
            }
        return cls(
            n=int(ya.size),
            sum_y=float(ya.sum()),
            sum_y2=float(np.dot(ya, ya)),
            sum_y3=float(np.sum(ya**3)),
            max_y=float(ya.max()) if ya.size else None,
            **kwargs,
        )

    @property
    def has_x(self) -> bool:
        return self.sum_x is not None

    @property
    def mean_y(self) -> float | None:
        """Mean value per unit (None when n == 0)."""
        return self.sum_y / self.n if self.n > 0 else None

    @property
    def var_y(self) -> float | None:
        """Sample variance of y, ddof=1 (None when n < 2)."""
        if self.n < 2:
            return None
        return max((self.sum_y2 - self.sum_y * self.sum_y / self.n) / (self.n - 1), 0.0)

    @property
    def mean_x(self) -> float | None:
        return self.sum_x / self.n if self.sum_x is not None and self.n > 0 else None

    @property
    def var_x(self) -> float | None:
        if self.sum_x is None or self.sum_x2 is None or self.n < 2:
            return None
        return max((self.sum_x2 - self.sum_x * self.sum_x / self.n) / (self.n - 1), 0.0)

    @property
    def cov_xy(self) -> float | None:
        if self.sum_x is None or self.sum_xy is None or self.n < 2:
            return None
        return (self.sum_xy - self.sum_x * self.sum_y / self.n) / (self.n - 1)

    @property
    def ratio(self) -> float | None:
        """Ratio of sums ``sum_y / sum_x`` (None without a denominator or when it is 0)."""
        if self.sum_x is None or self.sum_x == 0:
            return None
        return self.sum_y / self.sum_x

    @property
    def skewness(self) -> float | None:
        """Sample skewness g1 of y (needs ``sum_y3``; None when undefined)."""
        if self.sum_y3 is None or self.n < 3:
            return None
        n, m = self.n, self.sum_y / self.n
        m2 = self.sum_y2 / n - m * m
        if m2 <= 1e-12 * max(1.0, self.sum_y2 / n):
            return None
        m3 = self.sum_y3 / n - 3 * m * self.sum_y2 / n + 2 * m**3
        return m3 / m2**1.5

    def linearised_var(self) -> float | None:
        """Sample variance (ddof=1) of the per-unit linearised ratio ``(y - R x) / mean_x`` (delta method).

        Equals ``var_y/mx² - 2 R cov_xy/mx² + R² var_x/mx²`` (Deng et al. 2018); None when undefined.
        """
        r = self.ratio
        if r is None or self.n < 2 or self.sum_x2 is None or self.sum_xy is None:
            return None
        mx = self.sum_x / self.n  # type: ignore[operator]
        resid_ss = self.sum_y2 - 2.0 * r * self.sum_xy + r * r * self.sum_x2
        scale = self.sum_y2 + r * r * self.sum_x2
        if resid_ss < 1e-12 * scale:  # rounding noise around an exact fit
            resid_ss = 0.0
        return resid_ss / ((self.n - 1) * mx * mx)
