"""Property tests (hypothesis), degenerate inputs, parameter validation and plain-word warnings."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agilesocial import stats
from agilesocial.stats import SampleStats, TestResult

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

counts = st.lists(st.integers(min_value=0, max_value=500), min_size=3, max_size=30)


@st.composite
def ratio_arm(draw: st.DrawFn) -> tuple[list[float], list[float]]:
    n = draw(st.integers(min_value=3, max_value=25))
    x = draw(st.lists(st.integers(min_value=1, max_value=100_000), min_size=n, max_size=n))
    y = [draw(st.integers(min_value=0, max_value=xi)) for xi in x]
    return [float(v) for v in y], [float(v) for v in x]


def _finite(r: TestResult) -> None:
    """No silent NaN anywhere: every number is finite or None (with a reason when a p-value is missing)."""
    for name in ("control_value", "variant_value", "abs_lift", "rel_lift", "p_value", "statistic", "df"):
        value = getattr(r, name)
        assert value is None or math.isfinite(value), f"{name} is {value}"
    for name in ("abs_ci", "rel_ci"):
        ci = getattr(r, name)
        assert ci is None or (not any(math.isnan(v) for v in ci) and ci[0] <= ci[1]), f"{name} is {ci}"
        if ci is not None and not all(math.isfinite(v) for v in ci):  # unbounded: only when it says why
            assert r.alternative != "two-sided" or "unbounded" in (r.reason or ""), f"{name} is {ci}"
    if r.p_value is None and not r.method.startswith("bayesian"):
        assert r.reason


def _mirrored(a: TestResult, b: TestResult) -> None:
    assert a.p_value == pytest.approx(b.p_value, abs=1e-12) if a.p_value is not None else b.p_value is None
    if a.abs_lift is not None:
        assert a.abs_lift == pytest.approx(-b.abs_lift, abs=1e-12)  # type: ignore[operator]
    if a.abs_ci is not None:
        assert b.abs_ci is not None
        assert a.abs_ci[0] == pytest.approx(-b.abs_ci[1], abs=1e-9)
        assert a.abs_ci[1] == pytest.approx(-b.abs_ci[0], abs=1e-9)
    if a.rel_lift is not None and b.rel_lift is not None and a.abs_lift:
        assert math.copysign(1, a.rel_lift) == -math.copysign(1, b.rel_lift)


@FAST
@given(ratio_arm(), ratio_arm())
def test_ratio_delta_swap_mirrors(c: tuple, v: tuple) -> None:
    sc, sv = SampleStats.from_arrays(*c), SampleStats.from_arrays(*v)
    a, b = stats.ratio_delta(sc, sv), stats.ratio_delta(sv, sc)
    _finite(a)
    _mirrored(a, b)
    for r in (a, b):  # a rate cannot fall by more than 100 %
        assert r.rel_ci is None or r.rel_ci[0] >= -1.0
    p1, p2 = stats.pooled_z(sc, sv), stats.pooled_z(sv, sc)
    _finite(p1)
    _mirrored(p1, p2)


@FAST
@given(counts, counts)
def test_welch_and_mann_whitney_swap_mirrors(c: list[int], v: list[int]) -> None:
    a = stats.welch_t(SampleStats.from_arrays(c), SampleStats.from_arrays(v))
    b = stats.welch_t(SampleStats.from_arrays(v), SampleStats.from_arrays(c))
    _finite(a)
    _mirrored(a, b)
    m1, m2 = stats.mann_whitney(c, v), stats.mann_whitney(v, c)
    _finite(m1)
    _mirrored(m1, m2)


@FAST
@given(st.integers(0, 300), st.integers(1, 300), st.integers(0, 300), st.integers(1, 300))
def test_proportion_tests_swap_mirror(cs: int, cn: int, vs: int, vn: int) -> None:
    cs, vs = min(cs, cn), min(vs, vn)
    for fn in (stats.two_proportion, stats.chi_square, stats.fisher_exact):
        a, b = fn(cs, cn, vs, vn), fn(vs, vn, cs, cn)
        _finite(a)
        assert (a.p_value is None) == (b.p_value is None)
        if a.p_value is not None:
            assert a.p_value == pytest.approx(b.p_value, rel=1e-9, abs=1e-12)
            assert 0 <= a.p_value <= 1
        assert a.abs_lift == pytest.approx(-b.abs_lift, abs=1e-12)  # type: ignore[operator]


@FAST
@given(st.lists(st.integers(1, 60), min_size=5, max_size=20), st.lists(st.integers(1, 60), min_size=5, max_size=20))
def test_poisson_glm_swap_mirrors(c: list[int], v: list[int]) -> None:
    ec, ev = [100.0 + 10 * i for i in range(len(c))], [120.0 + 7 * i for i in range(len(v))]
    a = stats.count_glm(c, ec, v, ev, family="poisson")
    b = stats.count_glm(v, ev, c, ec, family="poisson")
    _finite(a)
    _mirrored(a, b)
    assert (1 + a.rel_lift) * (1 + b.rel_lift) == pytest.approx(1.0)  # type: ignore[operator]


@FAST
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), max_size=40), st.data())
def test_sample_stats_from_arrays_equals_sums(y: list[float], data: st.DataObject) -> None:
    x = data.draw(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=len(y), max_size=len(y)))
    s = SampleStats.from_arrays(y, x)
    assert s.n == len(y)
    assert s.sum_y == pytest.approx(math.fsum(y), abs=1e-6 * (1 + sum(map(abs, y))))
    assert s.sum_y2 == pytest.approx(math.fsum(v * v for v in y), rel=1e-9, abs=1e-9)
    assert s.sum_x == pytest.approx(math.fsum(x), rel=1e-9, abs=1e-9)
    assert s.sum_xy == pytest.approx(math.fsum(a * b for a, b in zip(x, y, strict=True)), rel=1e-6, abs=1e-3)
    if len(y) >= 2:
        assert s.var_y == pytest.approx(np.var(y, ddof=1), rel=1e-6, abs=1e-3)


def test_bayesian_swap_and_seed() -> None:
    c = SampleStats.from_arrays([3.0, 5, 2, 8, 4, 6, 5, 7, 3, 4], [100.0, 120, 90, 150, 110, 130, 100, 140, 95, 105])
    v = SampleStats.from_arrays([4.0, 6, 3, 9, 5, 6, 7, 8, 4, 5], [100.0, 120, 90, 150, 110, 130, 100, 140, 95, 105])
    a = stats.bayesian(c, v, kind="ratio", seed=3)
    assert a == stats.bayesian(c, v, kind="ratio", seed=3)  # seeded: reproducible
    b = stats.bayesian(v, c, kind="ratio", seed=3)
    assert a.chance_to_beat + b.chance_to_beat == pytest.approx(1.0, abs=0.02)  # type: ignore[operator]
    assert a.abs_lift == pytest.approx(-b.abs_lift)  # type: ignore[operator]
    m = stats.bayesian(c, v, kind="mean")
    assert m.method == "bayesian_mean" and m.variant_value == pytest.approx(v.mean_y)


# --- degenerate inputs: values that exist, None for the rest, a reason, never an exception or NaN ---------------

EMPTY = SampleStats(n=0, sum_y=0, sum_y2=0, sum_x=0, sum_x2=0, sum_xy=0)
ARM = SampleStats.from_arrays(
    [5.0, 7, 6, 9, 4, 8, 6, 7, 5, 6, 8], [100.0, 120, 110, 130, 90, 140, 105, 115, 95, 100, 125]
)
CONST = SampleStats.from_arrays([5.0] * 12, [100.0] * 12)
ZERO_X = SampleStats(n=3, sum_y=0, sum_y2=0, sum_x=0, sum_x2=0, sum_xy=0)


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: stats.ratio_delta(EMPTY, ARM), "no posts"),
        (lambda: stats.ratio_delta(ARM, ZERO_X), "denominator is 0"),
        (lambda: stats.ratio_delta(CONST, CONST), "no variation"),
        (lambda: stats.welch_t(ARM, EMPTY), "no posts"),
        (lambda: stats.welch_t(CONST, CONST), "no variation"),
        (lambda: stats.welch_t(SampleStats.from_arrays([0.0] * 5), ARM), "control value is 0"),
        (lambda: stats.pooled_z(ZERO_X, ARM), "denominator is 0"),
        (lambda: stats.mann_whitney([], [1.0, 2.0]), "no posts"),
        (lambda: stats.mann_whitney([3.0] * 5, [3.0] * 6), "identical"),
        (lambda: stats.count_glm([0, 0], [10, 10], [1, 2], [10, 10]), "no events"),
        (lambda: stats.count_glm([1, 2], [0, 0], [1, 2], [10, 10]), "no posts with exposure"),
        (lambda: stats.two_proportion(0, 0, 3, 10), "0 trials"),
        (lambda: stats.chi_square(0, 10, 0, 10), "no one"),
        (lambda: stats.fisher_exact(10, 10, 10, 10), "everyone"),
        (lambda: stats.two_proportion(0, 10, 3, 10), "control proportion is 0"),
        (lambda: stats.bayesian(EMPTY, ARM, kind="ratio"), "no posts or a zero denominator"),
        (lambda: stats.bayesian(CONST, CONST, kind="mean"), "no variation"),
    ],
)
def test_degenerate_inputs_give_a_reason(call, fragment: str) -> None:  # type: ignore[no-untyped-def]
    r = call()
    _finite(r)
    assert r.reason and fragment in r.reason


def test_empty_arm_keeps_the_other_value() -> None:
    r = stats.ratio_delta(ARM, EMPTY)
    assert r.control_value == pytest.approx(ARM.ratio) and r.variant_value is None and r.p_value is None


# --- parameter validation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: stats.ratio_delta(ARM, ARM, alpha=1.5), "alpha == 1.5, must be in (0, 1)"),
        (lambda: stats.welch_t(ARM, ARM, alpha=0), "alpha == 0, must be in (0, 1)"),
        (lambda: stats.ratio_delta(ARM, ARM, min_n=0), "min_n == 0, must be an integer >= 1"),
        (lambda: stats.ratio_delta(SampleStats(n=2, sum_y=1, sum_y2=1), ARM), "has no denominator sums"),
        (lambda: SampleStats(n=-1, sum_y=0, sum_y2=0), "n == -1, must be an integer >= 0"),
        (lambda: SampleStats(n=2, sum_y=1, sum_y2=-1), "sum_y2 == -1, must be >= 0"),
        (lambda: SampleStats(n=2, sum_y=1, sum_y2=1, sum_x=3), "must be given together"),
        (lambda: SampleStats(n=2, sum_y=float("nan"), sum_y2=1), "sum_y == nan, must be a finite number"),
        (lambda: stats.two_proportion(5, 4, 1, 4), "c_success == 5, must be <= c_trials == 4"),
        (lambda: stats.count_glm([1], [1], [1], [1], family="zip"), "family == 'zip'"),  # type: ignore[arg-type]
        (lambda: stats.bayesian(ARM, ARM, kind="median"), "kind == 'median'"),  # type: ignore[arg-type]
        (lambda: stats.bayesian(ARM, ARM, kind="mean", draws=5), "draws == 5"),
        (lambda: stats.adjust_pvalues([0.1], "sidak"), "method == 'sidak'"),  # type: ignore[arg-type]
        (lambda: stats.adjust_pvalues([1.2], "holm"), "p_values[0] == 1.2"),
        (lambda: stats.sequential_alpha(0), "information_fraction == 0, must be in (0, 1]"),
        (lambda: stats.srm_check([10, 12], [1, 0]), "must be positive"),
        (lambda: stats.n_for_proportion(1.2, 0.1), "baseline == 1.2, must be a proportion in (0, 1)"),
        (lambda: stats.n_for_proportion(0.6, 0.9), "mde_rel == 0.9"),
        (lambda: stats.n_for_mean(1.0, 0.0, 0.1), "sd == 0.0, must be > 0"),
        (lambda: stats.n_for_ratio(0.05, 0.1, 0.1, power=1.0), "power == 1.0, must be in (0, 1)"),
        (lambda: stats.n_for_ratio(0.05, 0.1, 0.1, sides=3), "sides == 3, must be 1 or 2"),
        (lambda: stats.mde_for_n("ratio", 0.05, 100), "sd is required"),
        (lambda: stats.mde_for_n("proportion", 0.5, 3), "too small"),
        (lambda: stats.ratio_sd_from_stats(EMPTY), "need at least 2 posts"),
        (lambda: stats.mann_whitney([1.0, float("inf")], [1.0]), "NaN or infinite"),
    ],
)
def test_parameters_are_validated(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError) as info:
        call()
    assert message in str(info.value)


def test_its_input_validation() -> None:
    d = [dt.date(2026, 1, 1).toordinal() + i for i in range(20)]
    with pytest.raises(ValueError, match="at least 2 days both before"):
        stats.interrupted_time_series(d, list(range(20)), dt.date(2027, 1, 1).toordinal())
    with pytest.raises(ValueError, match="weights must be positive"):
        stats.interrupted_time_series(d, list(range(20)), d[10], weights=[0.0] * 20)
    with pytest.raises(ValueError, match="finite"):
        stats.interrupted_time_series(d, [float("nan")] * 20, d[10])
    with pytest.raises(ValueError, match="duplicates"):
        stats.interrupted_time_series(d[:19] + d[:1], list(range(20)), d[10])
    with pytest.raises(ValueError, match="too few"):  # 8 days now fit without day-of-week terms; 5 cannot fit 4
        stats.interrupted_time_series(d[:5], list(range(5)), d[3])


# --- warnings in plain words -------------------------------------------------------------------------------------


def test_warning_small_arms_threshold_is_a_parameter() -> None:
    small = SampleStats.from_arrays([1.0, 2, 3, 4, 5], [10.0, 20, 30, 40, 50])
    r = stats.ratio_delta(small, ARM)
    assert any("only 5 posts in the control (fewer than 10)" in w for w in r.warnings)
    assert not any("only" in w for w in stats.ratio_delta(small, ARM, min_n=5).warnings)


def test_warning_one_post_dominates() -> None:
    big = SampleStats.from_arrays([50.0, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2], [90_000.0] + [1000.0] * 10)
    r = stats.ratio_delta(big, ARM)
    assert any("one post holds 90% or more of the control's denominator sum" in w for w in r.warnings)
    # without max_x the concentration Σx²/(Σx)² still proves it (lower bound)
    no_max = SampleStats(n=big.n, sum_y=big.sum_y, sum_y2=big.sum_y2, sum_x=big.sum_x, sum_x2=big.sum_x2,
                         sum_xy=big.sum_xy)  # fmt: skip
    assert any("one post holds" in w for w in stats.ratio_delta(no_max, ARM).warnings)


def test_warning_skew_for_welch_and_uneven_impressions_for_ratio() -> None:
    skewed = SampleStats.from_arrays([1.0] * 29 + [400.0])
    r = stats.welch_t(skewed, SampleStats.from_arrays(list(range(1, 31))))
    assert any("heavily skewed" in w and "mann_whitney" in w for w in r.warnings)
    rng = np.random.default_rng(1)
    x = np.round(rng.lognormal(8, 1.5, 60)) + 1
    y = np.round(x * 0.03)
    uneven = SampleStats.from_arrays(y, x)
    assert any("weigh like" in w for w in stats.ratio_delta(uneven, uneven).warnings)


def test_warning_expected_counts_suggest_fisher_and_overdispersion_named() -> None:
    assert any("use method: fisher" in w for w in stats.two_proportion(1, 20, 4, 20).warnings)
    assert not stats.two_proportion(100, 1000, 120, 1000).warnings
    r = stats.count_glm([0, 40, 1, 90, 2, 0, 60, 3], [100] * 8, [5, 70, 0, 1, 80, 2, 0, 50], [100] * 8)
    assert r.method == "negbin" and any("negative-binomial" in w for w in r.warnings)


def test_pooled_z_is_far_more_certain_than_ratio_delta_on_post_data() -> None:
    rng = np.random.default_rng(4)
    arms = []
    for _ in range(2):
        x = np.round(rng.lognormal(9, 1, 30)) + 1
        arms.append(SampleStats.from_arrays(rng.binomial(x.astype(np.int64), rng.beta(2, 40, 30)), x))
    naive, honest = stats.pooled_z(*arms), stats.ratio_delta(*arms)
    width = lambda r: r.abs_ci[1] - r.abs_ci[0]  # noqa: E731
    assert width(honest) > 5 * width(naive)
    assert "far too small" in naive.warnings[0]
