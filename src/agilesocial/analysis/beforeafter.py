"""Before/after designs: observed values first, the segmented-regression model second, the placebo check third.

``control_value`` / ``variant_value`` are what happened: the metric over the fitted before days' posts and over
the after days' posts (ratio of sums for rates, mean per post for counts). The model (:mod:`agilesocial.stats.its`)
fits the daily series of covered days (weights: the day's denominator for rates, its posts for per-post means) and
says what the after period would have been without the change (``counterfactual_value``); the effect and its CI are
after minus that. With ``control:`` the model runs on the daily difference to the comparison series.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agilesocial.analysis import beforeafter_data as bd
from agilesocial.analysis.decide import DEFAULT_MDE
from agilesocial.analysis.its_model import ItsDetail, ItsSeriesData, Placebo
from agilesocial.analysis.wording import p_eq
from agilesocial.errors import DataError
from agilesocial.plan.experiment import Experiment
from agilesocial.plan.metrics import Metric

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    import duckdb

    from agilesocial.analysis.selection import VariantSql
    from agilesocial.plan.loader import Document
    from agilesocial.stats import TestResult


@dataclass(frozen=True)
class BeforeAfter:
    """One metric's before/after result: the TestResult (observed values, model effect) and the extra fields."""

    test: TestResult
    posts: tuple[int, int]
    extra: dict[str, Any] = field(default_factory=dict)
    note: str | None = None


def _iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


def _observed(daily: bd.Daily, start: dt.date, end: dt.date) -> tuple[float | None, int, int]:
    """(metric over the period's posts, posts, days with data) between start and end inclusive."""
    num = den = 0.0
    posts = days = 0
    for d, p, n, x in zip(daily.days, daily.posts, daily.num, daily.den, strict=True):
        if start <= d <= end and x > 0:
            num, den, posts, days = num + n, den + x, posts + p, days + 1
    return (num / den if den > 0 else None), posts, days


def _covered(
    con: duckdb.DuckDBPyConnection, platform: str | None, account: str | None, win: bd.Window, daily: bd.Daily
) -> tuple[frozenset[dt.date], Any]:
    from agilesocial.warehouse.coverage import covered_days

    cov = covered_days(con, platform, account, win.pre_start, win.post_end)
    with_posts = {d for d, p in zip(daily.days, daily.posts, strict=True) if p > 0}
    return frozenset(cov.days | with_posts), cov


def _last_covered(
    con: duckdb.DuckDBPyConnection, exp: Experiment, start: dt.date, end: dt.date, sel: VariantSql, tz: str
) -> dt.date | None:
    from agilesocial.warehouse.coverage import covered_days

    cov = covered_days(con, str(exp.platform) if exp.platform else None, exp.account, start, end)
    row = con.execute(
        f"SELECT max(CAST(timezone(?, published_at) AS DATE)) FROM ({sel.sql}) WHERE v IS NOT NULL",
        [tz, *sel.params],
    ).fetchone()
    last_post = row[0] if row else None
    candidates = [d for d in (max(cov.days) if cov.days else None, last_post) if d is not None]
    return max(candidates) if candidates else None


def analyse_before_after(
    con: duckdb.DuckDBPyConnection,
    doc: Document[Experiment],
    metric: Metric,
    sel: VariantSql,
    *,
    timezone: str,
    zone: ZoneInfo,
    today: dt.date,
    alpha: float,
    power: float = 0.8,
) -> BeforeAfter:
    """The before/after result for one metric. Raises DataError (exit 2) on gaps and short history. ``power``:
    for the projection of the days needed to detect the planned effect (``mde``)."""
    import agilesocial.stats as st
    from agilesocial.stats.its_power import Detect

    exp = doc.model
    change = exp.intervention_date
    assert change is not None
    horizon = exp.window.end if exp.window is not None and exp.window.end else today
    last = _last_covered(con, exp, change - bd.MAX_PRE_DAYS * bd.DAY, horizon, sel, timezone)
    if last is None or last < change:
        scope = f"{exp.platform} posts" if exp.platform else "posts"
        raise DataError(
            f"experiment {exp.id!r}: no export covers days from the change ({change}) on"
            + (f"; the last covered day is {last}" if last else ""),
            path=doc.path,
            line=doc.locate("intervention_date")[0],
            hint=f"ingest an export of {scope} covering {change} to {horizon}",
        )
    win = bd.window(doc, today, last)
    daily = bd.treated_daily(con, sel, metric, timezone, win, zone)
    platform = str(exp.platform) if exp.platform else None
    covered, cov = _covered(con, platform, exp.account, win, daily)
    bd.check_coverage(doc, win, covered, cov, "treated")
    warnings: list[str] = []
    if not cov.known:
        warnings.append(
            "the warehouse has no record of which days its exports covered (rows not loaded by ingest); days "
            "without posts were treated as missing, not as days without posts"
        )
    control = None
    if exp.comparison is not None:
        shared = bd.overlap(con, sel, exp, win, zone)
        if shared:
            raise DataError(
                f"experiment {exp.id!r}: posts are in both the changed series and the control: {', '.join(shared)}",
                path=doc.path,
                line=doc.locate("control")[0],
                hint="make the control selector exclude the changed posts (other labels, post_type or account)",
            )
        control = bd.comparison_daily(con, exp, metric, timezone, win, zone)
        c_platform, c_account = bd.comparison_scope(exp)
        c_covered, c_cov = _covered(con, c_platform, c_account, win, control)
        bd.check_coverage(doc, win, c_covered, c_cov, "comparison")
    before, posts_before, _ = _observed(daily, win.pre_start, change - bd.DAY)
    after, posts_after, _ = _observed(daily, change, win.post_end)
    zero_days = sum(1 for i in range((win.post_end - win.pre_start).days + 1) if win.pre_start + i * bd.DAY in covered)
    zero_days -= sum(1 for p in daily.posts if p > 0)
    kept = [(d, n / x, x) for d, n, x in zip(daily.days, daily.num, daily.den, strict=True) if x > 0]
    weights_name = metric.denominator or "posts"
    detect = Detect(exp.mde if exp.mde is not None else DEFAULT_MDE, power, bd.before_span(exp, win))
    try:
        if control is None:
            days = [d.toordinal() for d, _, _ in kept]
            values = [v for _, v, _ in kept]
            weights = [w for _, _, w in kept]
            its = st.interrupted_time_series(
                days, values, change.toordinal(), weights=weights, alpha=alpha, detect=detect
            )
            pre = [(o, v, w) for o, v, w in zip(days, values, weights, strict=True) if o < change.toordinal()]
            comparison_values = None
        else:
            cmap = {d: (n / x, x) for d, n, x in zip(control.days, control.num, control.den, strict=True) if x > 0}
            both = [(d, v, w, *cmap[d]) for d, v, w in kept if d in cmap]
            days = [d.toordinal() for d, *_ in both]
            its = st.comparative_its(
                days,
                [b[1] for b in both],
                [b[3] for b in both],
                change.toordinal(),
                treated_weights=[b[2] for b in both],
                control_weights=[b[4] for b in both],
                alpha=alpha,
                detect=detect,
            )
            pre = [(d.toordinal(), v - cv, 1.0 / (1.0 / w + 1.0 / cw)) for d, v, w, cv, cw in both if d < change]
            comparison_values = tuple(b[3] for b in both)
    except ValueError as exc:
        before_days = sum(1 for d, _, _ in kept if d < change)
        reason = f"the time series could not be fitted: {exc}"
        if before_days < 2:
            reason += "; the before period needs posts on at least 2 days"
        elif len(kept) - before_days < 2:
            reason += "; keep posting: the analysis needs posts on at least 2 days from the intervention_date"
        test = st.TestResult("its", before, after, None, None, None, None, None, reason=reason)
        extra: dict[str, Any] = {"days_control": before_days, "days_variant": len(kept) - before_days}
        return BeforeAfter(test, (posts_before, posts_after), extra)
    placebo = st.placebo_check(
        [p[0] for p in pre], [p[1] for p in pre], its.t_stat, weights=[p[2] for p in pre], alpha=alpha
    )
    as_large = sum(1 for t in placebo.t_stats if abs(t) >= abs(its.t_stat))
    s = its.series
    detail = ItsDetail(
        design="single" if control is None else "comparative",
        change_date=change,
        pre_start=win.pre_start,
        post_end=win.post_end,
        days_before=its.n_before,
        days_after=its.n_after,
        zero_post_days=max(zero_days, 0),
        day_of_week=its.day_of_week,
        lags=its.lags,
        weights=weights_name,
        level_change=its.level_change,
        level_ci=its.level_ci,
        slope_change=its.slope_change,
        slope_ci=its.slope_ci,
        placebo=Placebo(placebo.n, as_large, placebo.p_value, placebo.stands_out),
        series=ItsSeriesData(
            tuple(_iso(d) for d in s.days),
            s.observed,
            s.fitted,
            s.counterfactual,
            s.band_low,
            s.band_high,
            s.post,
            comparison_values,
        ),
        comparison=_comparison_words(exp) if control is not None else None,
        coverage_known=cov.known,
        days_needed=its.days_needed,
        projected=its.projected,
    )
    if placebo.p_value is not None and not placebo.stands_out:
        warnings.append(
            f"placebo check: {as_large} of {placebo.n} fake change dates in the before period show an effect as "
            f"large (p {p_eq(placebo.p_value)}); the result does not stand out from ordinary ups and downs"
        )
    elif placebo.p_value is None:
        need = 2 * _placebo_side()
        warnings.append(f"placebo check impossible: the before period needs posts on at least {need} days")
    if control is not None:
        after = its.after  # the treated after value on the days both series have data
    test = st.TestResult(
        "its",
        before,
        after,
        its.effect,
        its.effect_ci,
        its.rel_effect,
        its.rel_ci,
        its.p_value,
        warnings=tuple(warnings) + its.warnings,
        statistic=its.t_stat,
        df=float(its.dof),
    )
    extra = {
        "counterfactual_value": its.expected,
        "days_control": its.n_before,
        "days_variant": its.n_after,
        "its": detail,
    }
    return BeforeAfter(test, (posts_before, posts_after), extra)


def _placebo_side() -> int:
    from agilesocial.stats.its import PLACEBO_MIN_SIDE

    return PLACEBO_MIN_SIDE


def _comparison_words(exp: Experiment) -> str:
    platform, account = bd.comparison_scope(exp)
    comp = exp.comparison
    assert comp is not None
    bits = [f"{platform} posts" if platform else "posts"]
    if account:
        bits.append(f"of account {account!r}")
    for name in ("labels", "hashtags", "post_type", "post_ids"):
        values = getattr(comp, name)
        if values:
            bits.append(f"{name.replace('_', ' ')} {', '.join(values)}")
    if comp.text_contains:
        bits.append(f"text containing {comp.text_contains!r}")
    return " ".join(bits)
