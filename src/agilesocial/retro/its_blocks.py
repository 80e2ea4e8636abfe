"""Before/after experiments in the document: the result table (Before | After | Expected without the change |
Effect), the daily chart (HTML) or sparkline (text), and the model in words."""

from __future__ import annotations

import itertools

from agilesocial.analysis.model import MetricResult
from agilesocial.analysis.wording import p_eq
from agilesocial.retro import fmt
from agilesocial.retro.blocks import Block, Cell, Chart, Column, Para, Table

BEFORE_AFTER_COLUMNS = (
    Column("metric"),
    Column("posts b/a", num=True, wrap=True),
    Column("days b/a", num=True, wrap=True),
    Column("before", num=True),
    Column("after", num=True),
    Column("expected without the change", num=True, wrap=True),
    Column("effect", num=True),
    Column("95 % CI", num=True, wrap=True),
    Column("result"),
)
SPARK = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 60


def sparkline(values: tuple[float, ...] | list[float], post: tuple[bool, ...] | list[bool]) -> str:
    """Daily values as block characters, a ``┃`` where the change took effect (at most ``SPARK_WIDTH`` cells:
    longer series are averaged in equal bins on each side of the change)."""
    if not values:
        return ""
    before = [v for v, p in zip(values, post, strict=True) if not p]
    after = [v for v, p in zip(values, post, strict=True) if p]
    width_before = max(1, round(SPARK_WIDTH * len(before) / len(values))) if before else 0

    def bins(xs: list[float], width: int) -> list[float]:
        if len(xs) <= width or width <= 0:
            return xs
        edges = [round(i * len(xs) / width) for i in range(width + 1)]
        return [sum(xs[a:b]) / (b - a) for a, b in itertools.pairwise(edges) if b > a]

    left, right = bins(before, width_before), bins(after, SPARK_WIDTH - width_before)
    lo, hi = min(values), max(values)

    def cell(v: float) -> str:
        if hi <= lo:
            return SPARK[3]
        return SPARK[min(len(SPARK) - 1, int((v - lo) / (hi - lo) * len(SPARK)))]

    return "".join(cell(v) for v in left) + "┃" + "".join(cell(v) for v in right)


def _pair(a: int | None, b: int | None) -> str:
    return f"{fmt.count(a)}/{fmt.count(b)}"


def before_after_row(r: MetricResult, result: Cell) -> tuple[Cell, ...]:
    """Observed before and after, the model's expectation without the change, and the effect against it."""
    effect = (
        Cell(fmt.change(r.abs_lift, r.unit), sub=f"({fmt.pct(r.rel_lift)})", raw=r.rel_lift)
        if r.abs_lift is not None and r.rel_lift is not None
        else Cell(fmt.lift(r.abs_lift, r.rel_lift, r.unit), raw=r.rel_lift)
    )
    if r.rel_ci is not None:
        ci = fmt.ci(r.rel_ci)
    elif r.abs_ci is not None:
        ci = f"{fmt.change(r.abs_ci[0], r.unit)} to {fmt.change(r.abs_ci[1], r.unit)}"
    else:
        ci = fmt.DASH
    return (
        Cell(r.metric, sub="guardrail" if r.is_guardrail else "", raw=r.metric),
        Cell(_pair(r.n_control, r.n_variant), raw=f"{r.n_control}/{r.n_variant}"),
        Cell(_pair(r.days_control, r.days_variant), raw=f"{r.days_control}/{r.days_variant}"),
        Cell(fmt.value(r.control_value, r.unit), raw=r.control_value),
        Cell(fmt.value(r.variant_value, r.unit), raw=r.variant_value),
        Cell(fmt.value(r.counterfactual_value, r.unit), raw=r.counterfactual_value),
        effect,
        Cell(ci),
        result,
    )


def model_words(r: MetricResult) -> str:
    """'single segmented regression on 28 + 28 days, weekday terms, weights impressions, Newey-West lag 3; ...'."""
    its = r.its
    assert its is not None
    design = f"comparative (difference to {its.comparison})" if its.comparison else "single-series"
    terms = ", weekday terms" if its.day_of_week else ""
    p = its.placebo
    check = (
        f"placebo check: {p.as_large} of {p.fits} fake change dates before it gave an effect as large "
        f"(p {p_eq(p.p_value)})"
        if p.p_value is not None
        else "placebo check: too few days before the change"
    )
    return (
        f"{design} segmented regression on {its.days_before} + {its.days_after} days{terms}, weights "
        f"{its.weights}, Newey-West lag {its.lags}; expected without the change "
        f"{fmt.value(r.counterfactual_value, r.unit)}; {check}"
    )


def its_blocks(experiment: str, results: tuple[MetricResult, ...] | list[MetricResult], table: Table) -> list[Block]:
    """The table, then per primary result with a model: the chart (a sparkline in text) and the model in words."""
    blocks: list[Block] = [table]
    for r in results:
        if r.its is None or r.is_guardrail:
            continue
        s = r.its.series
        alt = (
            f"{r.metric} by day, {s.dates[0]} to {s.dates[-1]} (┃ = the change, {r.its.change_date}):\n"
            f"{sparkline(s.observed, s.post)}"
        )
        blocks.append(Chart("its", (experiment, r), alt=alt))
        blocks.append(Para(model_words(r), lead="Model"))
    return blocks
