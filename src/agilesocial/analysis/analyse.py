"""Analyse one experiment: its single sufficient-statistics query, the tests, the guards and the decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agilesocial.analysis.checks import check_posts, missing_note
from agilesocial.analysis.describe import describe
from agilesocial.analysis.methods import (
    CONTRAST_ONLY,
    RESAMPLES,
    Choice,
    _degenerate,
    choose_method,
    default_method,
    omnibus_note,
    run_test,
    seed_for,
)
from agilesocial.analysis.model import DEFAULT_MAX_HARM, Decision, ExperimentAnalysis, MetricResult, Srm
from agilesocial.analysis.selection import VariantSql, variant_sql
from agilesocial.analysis.sufficient import ExperimentSums, fetch_all_values, fetch_sums
from agilesocial.analysis.sufficient import metric_fields as fields_of
from agilesocial.analysis.verdict import FINISHED, decide_experiment
from agilesocial.analysis.warnings_text import MetricWarning, grouped, reword
from agilesocial.plan.experiment import Experiment, Method
from agilesocial.plan.loader import Document
from agilesocial.plan.metrics import BUILTIN_METRICS, Metric, available_metrics, exports_lack, missing_fields

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    import duckdb

    from agilesocial.stats import TestResult

SRM_THRESHOLD = 0.001  # a sample-ratio mismatch is flagged below this p-value


@dataclass(frozen=True)
class Settings:
    """Run-wide settings of an analysis."""

    zone: ZoneInfo
    timezone: str
    correction: str
    sequential: bool
    today: dt.date
    alpha: float
    power: float
    min_posts: int
    source: str = "post_latest"  # the posts with their current metrics (a view over post_current)
    keyed: bool = False  # ``source`` has the selectors' tag_keys and label_keys (the analysis's scope table)
    max_harm: float = DEFAULT_MAX_HARM  # a guardrail's tolerated harm unless the experiment sets one


@dataclass
class _Row:
    metric: Metric
    variant: int
    guardrail: bool
    test: TestResult
    n: tuple[int, int]
    method: str
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # before/after: counterfactual, days, model detail
    why: str | None = None
    contrast: bool = False  # shown for comparison only (pooled_z): never adjusted, never decides


def selection_of(exp: Experiment, metrics: list[Metric], settings: Settings) -> VariantSql:
    """The experiment's variant-assignment query over ``settings.source``."""
    return variant_sql(exp, settings.zone, settings.source, fields_of(metrics), has_keys=settings.keyed)


def draw_keys(exp: Experiment, metrics: list[Metric], sums: ExperimentSums) -> list[tuple[int, int, int, int]]:
    """The seeded shuffles the experiment's randomisation tests will ask for, in order (posts, variant posts,
    resamples, seed), from its sufficient statistics: ``analyze`` draws them ahead (see
    :func:`agilesocial.stats.draws.drawing_ahead`)."""
    if exp.design != "split":
        return []
    keys = []
    for metric in metrics:
        choices = _deciding_and_contrast(exp, metric, choose_method(exp, metric))
        if not any(c.method == Method.permutation for c in choices):
            continue
        per = sums.sums[metric.name]
        for vi in range(1, len(per)):
            if per[0].n >= 2 and per[vi].n >= 2:
                keys.append((per[0].n + per[vi].n, per[vi].n, RESAMPLES, seed_for(exp.id)))
    return keys


def _srm(exp: Experiment, posts: tuple[int, ...]) -> Srm | None:
    if exp.design != "split" or not any(v.weight for v in exp.variants):
        return None
    from agilesocial.stats import srm_check

    weights = [v.weight or 1.0 for v in exp.variants]
    _, p = srm_check(list(posts), weights)
    return Srm(float(p), bool(p >= SRM_THRESHOLD))


def _planned_end(exp: Experiment, sprint_end: dt.date | None) -> dt.date | None:
    return exp.window.end if exp.window is not None and exp.window.end else sprint_end


def _information(exp: Experiment, end: dt.date, today: dt.date, n_min: int) -> float:
    planned = exp.sample_size.posts_per_variant if exp.sample_size else None
    if planned:
        return min(1.0, max(n_min / planned, 0.01))
    start = exp.window.start if exp.window is not None else None
    if start is None:
        return 0.5
    total = (end - start).days + 1
    return min(1.0, max((today - start).days / total, 0.01))


def _deciding_and_contrast(exp: Experiment, metric: Metric, choice: Choice) -> list[Choice]:
    """The method that decides, then (for a contrast-only method such as pooled_z) the contrast itself."""
    if choice.method not in CONTRAST_ONLY:
        return [choice]
    default = choose_method(exp.model_copy(update={"method": None}), metric)
    why = f"{default.why}; {choice.method} was requested, shown for contrast only"
    return [Choice(default_method(exp, metric), default.kind, None, why), choice]


def _why(choice: Choice, test: TestResult) -> str:
    """Which method ran and why, with the randomisation details when it was one."""
    why = choice.why
    if test.method != str(choice.method) and not test.method.startswith(str(choice.method)):
        why += f"; {test.method} ran"
    if test.resamples is not None:
        how = "all" if test.exact else "a seeded random sample of"
        why += f"; p-value over {how} {test.resamples:,} re-randomisations"
    if test.alternative != "two-sided":
        why += f"; one-sided ({test.alternative})"
    return why


def _significant(r: _Row, p_adj: float | None, alpha: float) -> bool | None:
    if p_adj is not None:
        return p_adj < alpha
    ctb = r.test.chance_to_beat
    if ctb is not None:
        return ctb >= 1 - alpha or ctb <= alpha
    return None


def analyse_experiment(
    con: duckdb.DuckDBPyConnection,
    doc: Document[Experiment],
    metrics: list[Metric],
    settings: Settings,
    *,
    sprint_end: dt.date | None = None,
    fetched: tuple[VariantSql, ExperimentSums] | None = None,
) -> ExperimentAnalysis:
    """Analyse one experiment; ``metrics[0]`` is the primary metric, the rest guardrails.

    ``fetched`` is the experiment's selection and its sufficient statistics when the caller already ran them (one
    query for every experiment, see :func:`agilesocial.analysis.sufficient.fetch_all_sums`)."""
    exp = doc.model
    alpha = exp.alpha or settings.alpha
    if fetched is None:
        sel = selection_of(exp, metrics, settings)
        sums = fetch_sums(con, sel, metrics)
    else:
        sel, sums = fetched
    check_posts(doc, sums, con, sel)
    warnings: list[str] = []
    per_metric: list[MetricWarning] = []  # grouped per cause at the end, naming metrics, arms and denominators
    rows: list[_Row] = []
    names = sums.variant_names
    cache: dict[str, Any] = {}  # per-post values by metric, fetched with one query when a test first needs them
    for mi, metric in enumerate(metrics):
        choice = choose_method(exp, metric)
        if choice.warning:
            warnings.append(choice.warning)
        per = sums.sums[metric.name]
        if exp.design == "before_after":
            from agilesocial.analysis.beforeafter import analyse_before_after

            ba = analyse_before_after(
                con,
                doc,
                metric,
                sel,
                timezone=settings.timezone,
                zone=settings.zone,
                today=settings.today,
                alpha=alpha,
                power=exp.power or settings.power,
            )
            rows.append(_Row(metric, 0, mi > 0, ba.test, ba.posts, "its", ba.note, ba.extra))
            continue
        for vi in range(1, len(names)):

            def values(vi: int = vi, metric: Metric = metric) -> Any:
                if metric.name not in cache:  # only when a method needs per-post values: every metric's at once
                    cache.update(fetch_all_values(con, sel, metrics))
                return cache[metric.name][0], cache[metric.name][vi]

            for ch in _deciding_and_contrast(exp, metric, choice):
                blank = next((i for i in (0, vi) if per[i].n == 0), None)
                extra: dict[str, Any] = {}
                if blank is not None:  # posts exist (checked above) but none has the metric's fields
                    note = missing_note(metric, names[blank], sums.posts[blank], exp.platform)
                    test = _degenerate(str(ch.method), note)
                    lacking = missing_fields(metric, exp.platform) if exp.platform else ()
                    if lacking:  # the platform's exports never carry it: said in the table, not '0/0'
                        extra["not_exported"] = exports_lack(exp.platform or "", lacking)
                else:
                    test = run_test(
                        ch,
                        metric,
                        per[0],
                        per[vi],
                        alpha=alpha,
                        min_n=settings.min_posts,
                        values=values,
                        alternative=exp.alternative,
                        seed=seed_for(exp.id),
                        exact=exp.exact,
                    )
                n = (per[0].n, per[vi].n)
                if ch.kind == "proportion":  # unit: user -- the units are people (the denominator sums)
                    n = (round(per[0].sum_x or 0), round(per[vi].sum_x or 0))
                contrast = ch.method in CONTRAST_ONLY
                rows.append(_Row(metric, vi, mi > 0, test, n, test.method, None, extra, _why(ch, test), contrast))
        warnings += [w for w in (omnibus_note(choice, metric, per),) if w]
        for vi, s in enumerate(per):
            if 0 < s.n < sums.posts[vi]:
                gone = sums.posts[vi] - s.n
                has, are = ("has", "is") if gone == 1 else ("have", "are")
                text = (
                    f"{gone} of the {sums.posts[vi]} {names[vi]} posts {has} no {' or '.join(metric.fields)} "
                    f"recorded and {are} left out"
                )
                per_metric.append(MetricWarning(metric.name, text))
            if s.zero_x:
                what = "1 post has" if s.zero_x == 1 else f"{s.zero_x} posts have"
                add = "adds" if s.zero_x == 1 else "add"
                text = f"{what} 0 {metric.denominator} in {names[vi]} and {add} nothing to the rate"
                per_metric.append(MetricWarning(metric.name, text))
    # guards: multiple testing, peeking, sequential alpha
    from agilesocial.stats import adjust_pvalues, sequential_alpha

    deciding = iter(adjust_pvalues([r.test.p_value for r in rows if not r.contrast], settings.correction))
    adjusted = [None if r.contrast else next(deciding) for r in rows]
    end = _planned_end(exp, sprint_end)
    effective_alpha = alpha
    if end is not None and end >= settings.today:
        n_min = min(sums.posts) if sums.posts else 0
        if settings.sequential:
            frac = _information(exp, end, settings.today, n_min)
            effective_alpha = sequential_alpha(frac, alpha)
            warnings.append(
                f"analysed before the planned end ({end}): sequential boundary applied, significant only at "
                f"p < {effective_alpha:.2g} ({frac:.0%} of the information)"
            )
        else:
            warnings.append(
                f"analysed before the planned end ({end}): peeking inflates false positives; wait for the end or "
                "use --sequential"
            )
    srm = _srm(exp, sums.posts)
    if srm is not None and not srm.ok:
        warnings.append(f"sample-ratio mismatch: posts per variant {list(sums.posts)} do not match the weights")
    mde = exp.mde
    results: list[MetricResult] = []
    for r, p_adj in zip(rows, adjusted, strict=True):
        t = r.test
        label = "after" if exp.design == "before_after" else names[r.variant]
        if not r.contrast:  # a contrast-only method's caveats are its own, not the experiment's
            control_name = "before" if exp.design == "before_after" else names[0]
            per_metric += [reword(w, r.metric, control_name, label) for w in t.warnings]
        good = None if t.rel_lift is None else (t.rel_lift if r.metric.direction == "higher" else -t.rel_lift)
        results.append(
            MetricResult(
                metric=r.metric.name,
                variant=label,
                method=r.method,
                n_control=r.n[0],
                n_variant=r.n[1],
                control_value=t.control_value,
                variant_value=t.variant_value,
                abs_lift=t.abs_lift,
                abs_ci=t.abs_ci,
                rel_lift=t.rel_lift,
                rel_ci=t.rel_ci,
                p_value=t.p_value,
                p_adjusted=p_adj,
                significant=None if r.contrast else _significant(r, p_adj, effective_alpha),
                chance_to_beat=t.chance_to_beat,
                is_guardrail=r.guardrail,
                direction=r.metric.direction,
                mde_reached=None if good is None or mde is None else good >= mde,
                note=r.note or t.reason,
                **r.extra,
                statistic=t.statistic,
                df=t.df,
                alternative=t.alternative,
                unit=_unit(r.metric, r.method),
                method_why=r.why,
                contrast=r.contrast,
                max_harm=exp.max_harm(r.metric.name, settings.max_harm) if r.guardrail else None,
            )
        )
    rate = None
    if exp.design == "split":
        from agilesocial.analysis.pace import posting_rate

        rate = posting_rate(con, sel, exp, settings.today, sums.posts)
    warnings += grouped(per_metric, [m.name for m in metrics])
    over = end is None or end < settings.today or str(exp.status) in FINISHED
    decision = _decide(exp, metrics, results, sums, srm, (effective_alpha, alpha), settings, rate, over)
    control = "before" if exp.design == "before_after" else names[0]
    return describe(
        exp,
        decision=decision,
        srm=srm,
        warnings=tuple(dict.fromkeys(warnings)),
        results=tuple(results),
        metric=metrics[0].name,
        control=control,
    )


def _unit(metric: Metric, method: str) -> str:
    """The metric's unit; a count analysed per impression (Poisson, negative binomial) is a rate."""
    return "percent" if metric.unit == "count" and method in ("poisson", "negbin") else metric.unit


def _finished(decision: Decision, status: str) -> Decision:
    """A keep-running verdict on an experiment that is over: inconclusive, never "keep running"."""
    reason = decision.reason
    early = "Too early to tell: "
    if reason.startswith(early):
        reason = reason[len(early) :].removeprefix("so far ")
        reason = reason[: reason.find(", not yet clear")] if ", not yet clear" in reason else reason.rstrip(".")
        return Decision("inconclusive", f"Inconclusive: {reason}; the experiment is {status}, so no more days come.")
    return Decision("inconclusive", f"Inconclusive (the experiment is {status}): {reason}")


def _decide(
    exp: Experiment,
    metrics: list[Metric],
    results: list[MetricResult],
    sums: ExperimentSums,
    srm: Srm | None,
    alphas: tuple[float, float],
    s: Settings,
    rate: float | None = None,
    over: bool = False,
) -> Any:
    """The decision; ``alphas`` = (threshold for significance, level of the CIs)."""
    primary = metrics[0]
    per = sums.sums[primary.name]
    lacking = missing_fields(primary, exp.platform) if exp.platform else ()
    if lacking and not any(arm.n for arm in per):
        others = [m for m in available_metrics(BUILTIN_METRICS, exp.platform or "") if m != primary.name][:3]
        return Decision(
            "iterate",
            f"{exports_lack(exp.platform or '', lacking)}, so {primary.name} cannot be measured here: more posts "
            f"will not help; change the metric (e.g. {', '.join(others)}) and analyse again.",
        )
    if exp.design == "before_after":
        from agilesocial.analysis.beforeafter_decide import decide_before_after

        main = next(r for r in results if not r.is_guardrail)
        harmed = tuple(g for g in results if g.harms)
        decision = decide_before_after(main, primary, harmed=harmed, mde=exp.mde, ci_alpha=alphas[1], over=over)
        if decision.action == "keep_running" and str(exp.status) in FINISHED:  # no more days are coming
            return _finished(decision, str(exp.status))
        return decision
    power = exp.power or s.power
    return decide_experiment(exp, metrics, results, sums, srm, alphas, power, rate)
