"""Planning: posts (and impressions) needed per variant for a baseline and MDE, or the MDE for a number of posts.

``plan_power`` is pure arithmetic over :mod:`agilesocial.stats.power`; ``plan_power_from_history`` first reads the
baseline and post-level variance from the warehouse: posts of the experiment's platform and account published in
the ``HISTORY_DAYS`` before its window (the control's selector when it matches enough of them).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from agilesocial.config import Project
from agilesocial.errors import EXIT_USAGE, AgileSocialError, DataError

Kind = Literal["proportion", "ratio", "mean"]
METHODS: dict[str, str] = {"proportion": "two_proportion", "ratio": "permutation", "mean": "permutation"}
SIM_RUNS = 400
HISTORY_DAYS = 90


@dataclass(frozen=True)
class PowerPlan:
    """The answer of ``agile-social power`` (``to_dict()`` is its JSON contract)."""

    n_per_variant: int
    mde_rel: float
    alpha: float
    power: float
    method: str
    kind: str
    baseline: float
    sd: float | None = None
    sides: int = 2
    impressions_per_variant: int | None = None
    history_posts: int | None = None
    experiment: str | None = None
    history_note: str | None = None
    alternative: str = "two-sided"
    reference: str = "t"  # the distribution the sample size is solved with: t (ratio, mean) or normal (proportion)
    simulated_power: float | None = None  # the randomisation test's power at n_per_variant, simulated from history
    simulated_se: float | None = None
    simulated_runs: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _usage(message: str) -> AgileSocialError:
    return AgileSocialError(message, exit_code=EXIT_USAGE)


_OPTIONS = {"baseline": "--baseline", "mde_rel": "--mde-rel", "n": "--n", "sd": "--sd", "alpha": "--alpha"}
_OPTIONS.update({"power": "--power", "sides": "--sides"})
_HINTS = {
    "--baseline": "a rate as a fraction (0.03 for 3 %) or a mean per post",
    "--mde-rel": "a relative change as a fraction (0.15 for +15 %)",
}


def _option_error(message: str) -> AgileSocialError:
    """``baseline == 3.0, must be ...`` from the statistics layer, reworded with the option the user typed."""
    name, sep, rest = message.partition(" == ")
    option = _OPTIONS.get(name)
    if not sep or option is None:
        return _usage(message)
    value, _, why = rest.partition(", ")
    return AgileSocialError(f"{option} {value}: {why or 'invalid'}", hint=_HINTS.get(option), exit_code=EXIT_USAGE)


def plan_power(
    kind: Kind,
    baseline: float,
    *,
    mde_rel: float | None = None,
    n: int | None = None,
    sd: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    sides: int = 2,
    from_options: bool = True,
) -> PowerPlan:
    """Posts per variant for ``mde_rel`` (give ``mde_rel``), or the relative MDE for ``n`` posts (give ``n``).

    ``kind``: 'proportion' (baseline rate, people), 'mean' (baseline mean per post, needs ``sd``) or 'ratio'
    (baseline ratio of sums, needs ``sd`` = post-level SD of the linearised ratio). Bad values -> exit-2 errors.
    """
    import agilesocial.stats as st

    if kind not in METHODS:
        raise _usage(f"unknown kind {kind!r}; use proportion, ratio or mean")
    if (mde_rel is None) == (n is None):
        raise _usage("give exactly one of --mde-rel and --n")
    if kind != "proportion" and sd is None:
        raise _usage(f"--kind {kind} needs --sd (the per-post standard deviation), or use --experiment")
    try:
        if mde_rel is not None:
            if kind == "proportion":
                n_out = st.n_for_proportion(baseline, mde_rel, alpha=alpha, power=power, sides=sides)
            elif kind == "mean":
                n_out = st.n_for_mean(baseline, sd, mde_rel, alpha=alpha, power=power, sides=sides)  # type: ignore[arg-type]
            else:
                n_out = st.n_for_ratio(baseline, sd, mde_rel, alpha=alpha, power=power, sides=sides)  # type: ignore[arg-type]
            mde_out = float(mde_rel)
        else:
            assert n is not None
            mde_out = float(st.mde_for_n(kind, baseline, n, sd=sd, alpha=alpha, power=power, sides=sides))
            n_out = n
    except ValueError as exc:
        raise (_option_error(str(exc)) if from_options else _usage(str(exc))) from None
    alternative = "two-sided" if sides == 2 else "greater"
    reference = "normal" if kind == "proportion" else "t"
    return PowerPlan(
        int(n_out),
        mde_out,
        alpha,
        power,
        METHODS[kind],
        kind,
        float(baseline),
        sd,
        sides,
        alternative=alternative,
        reference=reference,
    )


def _history(
    project: Project, experiment_id: str, db: Path | None
) -> tuple[Any, Any, Any, tuple[int, Any], str, tuple[list[float], list[float] | None]]:
    """(experiment, metric, SampleStats of the history, (posts, mean impressions per post), note, per-post
    (numerators, denominators or None))."""
    from agilesocial.analysis.engine import DEFAULT_METRIC
    from agilesocial.analysis.selection import (
        Clause,
        describe_scope,
        keyed,
        project_zone,
        scope_clause,
        selector_clause,
    )
    from agilesocial.analysis.sufficient import Sums, _aggregates
    from agilesocial.plan.experiment import DateRange
    from agilesocial.plan.workspace import load_workspace
    from agilesocial.warehouse.connection import warehouse

    ws = load_workspace(project)
    doc = ws.experiment(experiment_id)
    if doc is None:
        known = ", ".join(sorted(d.model.id for d in ws.experiments)) or "none"
        raise AgileSocialError(f"unknown experiment {experiment_id!r}", hint=f"known experiments: {known}")
    exp = doc.model
    catalog = project.config.metric_catalog()
    metric = catalog.get(exp.metric or DEFAULT_METRIC)
    if metric is None:
        raise AgileSocialError(f"unknown metric {exp.metric!r}", path=doc.path, exit_code=1)
    zone = project_zone(project.config.timezone)
    start = exp.window.start if exp.window and exp.window.start else dt.date.today()
    history = DateRange(start=start - dt.timedelta(days=HISTORY_DAYS), end=start - dt.timedelta(days=1))
    scope = scope_clause(exp.model_copy(update={"window": history}), zone)
    aggs = _aggregates(metric)
    path = project.warehouse_path(db)
    hint = f"ingest {describe_scope(exp.model_copy(update={'window': history}))}"
    if not path.exists():
        raise DataError("no warehouse yet", path=path, hint=hint)
    control = exp.control.selector.model_copy(update={"published": None}) if exp.control else None
    with warehouse(path, read_only=True) as con:
        from agilesocial.analysis.scope import keep_competitors_out

        keep_competitors_out(con, project.config)
        tries = [(Clause.all_of([scope, selector_clause(control, zone)]), "control selector")] if control else []
        tries.append((scope, "all posts"))
        for clause, what in tries:
            cols = f"{', '.join(aggs.values())}, avg(impressions::DOUBLE)"
            sql = f"SELECT {cols} FROM {keyed('post_latest')} WHERE {clause.sql}"
            values = con.execute(sql, clause.params).fetchone()
            assert values is not None
            got = dict(zip([*aggs, "impressions"], values, strict=True))
            if int(got["n"] or 0) >= max(project.config.defaults.min_posts_per_variant, 2) or what == "all posts":
                break
        ok = " AND ".join(f"{f} IS NOT NULL" for f in metric.fields)
        den = f"{metric.denominator}::DOUBLE" if metric.denominator else "1.0"
        rows = con.execute(
            f"SELECT {metric.numerator}::DOUBLE, {den} FROM {keyed('post_latest')} WHERE ({clause.sql}) AND {ok}",
            clause.params,
        ).fetchall()
    values = ([r[0] for r in rows], [r[1] for r in rows] if metric.denominator else None)
    n = int(got.pop("n") or 0)
    if n < 2:
        raise DataError(f"only {n} posts before experiment {exp.id!r} to learn a baseline from", hint=hint)
    got.pop("zero_x", None)
    impressions = got.pop("impressions")
    sums = Sums(n, **{k: float(v or 0.0) for k, v in got.items()})  # type: ignore[arg-type]
    note = f"{n} posts published {history.start} to {history.end} ({what})"
    return exp, metric, sums.sample_stats(), (n, impressions), note, values


def plan_power_from_history(
    project: Project,
    experiment_id: str,
    *,
    db: Path | None = None,
    mde_rel: float | None = None,
    n: int | None = None,
    alpha: float | None = None,
    power: float | None = None,
    sides: int | None = None,
    simulate: bool = False,
    runs: int = SIM_RUNS,
    seed: int | None = None,
) -> PowerPlan:
    """Like :func:`plan_power`, with the baseline and post-level SD of the experiment's primary metric taken from
    the warehouse history, plus the impressions per variant that many posts bring at the historical average.
    ``mde_rel`` defaults to the experiment's ``mde``; ``sides`` to the experiment's ``alternative`` (one-sided for
    greater/less). ``simulate`` also estimates the power of the method analyze will run (the randomisation test) at
    the resulting number of posts, by resampling the historical posts ``runs`` times."""
    import agilesocial.stats as st
    from agilesocial.analysis.methods import choose_method, seed_for

    exp, metric, stats, (posts, mean_imps), note, values = _history(project, experiment_id, db)
    mde_rel = mde_rel if mde_rel is not None or n is not None else exp.mde
    if mde_rel is None and n is None:
        raise _usage(f"experiment {exp.id!r} plans no mde; give --mde-rel or --n")
    alpha = alpha or exp.alpha or project.config.defaults.alpha
    power = power or exp.power or project.config.defaults.power
    sides = sides if sides is not None else (2 if exp.alternative == "two-sided" else 1)
    kind: Kind
    if metric.kind == "ratio":
        kind = "proportion" if exp.unit == "user" else "ratio"
        baseline = stats.ratio
        sd = None if kind == "proportion" else st.ratio_sd_from_stats(stats)
    else:
        kind, baseline = "mean", stats.mean_y
        sd = math.sqrt(stats.var_y or 0.0)
    if not baseline:
        raise DataError(f"the history of {exp.id!r} has a {metric.name} of 0; no relative effect can be planned")
    plan = plan_power(
        kind, baseline, mde_rel=mde_rel, n=n, sd=sd, alpha=alpha, power=power, sides=sides, from_options=False
    )
    imps = round(plan.n_per_variant * float(mean_imps)) if mean_imps and exp.unit == "post" else None
    from dataclasses import replace

    method = str(choose_method(exp, metric).method)
    alternative = "two-sided" if sides == 2 else ("less" if exp.alternative == "less" else "greater")
    plan = replace(
        plan,
        method=method,
        alternative=alternative,
        impressions_per_variant=imps,
        history_posts=posts,
        experiment=exp.id,
        history_note=note,
    )
    if simulate:
        if method != "permutation":
            raise _usage(f"--simulate simulates the randomisation test; {exp.id!r} runs {method}")
        lift = -plan.mde_rel if alternative == "less" else plan.mde_rel
        try:
            sim = st.simulated_power(
                values[0],
                values[1],
                plan.n_per_variant,
                lift,
                alpha=alpha,
                alternative=alternative,
                runs=runs,
                seed=seed if seed is not None else seed_for(exp.id),
            )
        except ValueError as exc:
            raise _usage(f"cannot simulate from the history of {exp.id!r}: {exc}") from None
        plan = replace(plan, simulated_power=sim.power, simulated_se=sim.se, simulated_runs=sim.runs)
    return plan
