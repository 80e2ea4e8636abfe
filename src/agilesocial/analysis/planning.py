"""Planning: posts (and impressions) needed per variant for a baseline and MDE, or the MDE for a number of posts.

``plan_power`` is pure arithmetic over :mod:`agilesocial.stats.power`; ``plan_power_from_history`` first reads the
baseline and post-level variance from the warehouse (:mod:`.powerhistory`: every post of the experiment's platform
and account, narrowed by ``since``/``until``; the control's selector when it matches enough of them), and
``plan_power_for_scope`` the variance alone for ``power --kind ratio`` without ``--sd``. Both add the weeks the
posts take at the scope's posting rate.
"""

from __future__ import annotations

import datetime as dt
import math
import shlex
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from agilesocial.config import Project
from agilesocial.errors import EXIT_USAGE, AgileSocialError, DataError

Kind = Literal["proportion", "ratio", "mean"]
METHODS: dict[str, str] = {"proportion": "two_proportion", "ratio": "permutation", "mean": "permutation"}
SIM_RUNS = 400


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
    #: the history's posting rate (posts a week in the scope), the variants it is shared by, and the weeks
    #: ``n_per_variant`` posts per variant take at that rate
    posts_per_week: float | None = None
    variants: int | None = None
    weeks: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    #: where the posting rate was counted ('x/nwdemo')
    rate_scope: str | None = None

    @property
    def rate_sentence(self) -> str | None:
        """'At your rate of 3 posts a week per variant, that is 26 weeks (6 posts a week on …, 2 variants).'"""
        if self.weeks is None or not self.posts_per_week or not self.variants:
            return None
        per = self.posts_per_week / self.variants
        weeks = f"{self.weeks} week{'s' if self.weeks != 1 else ''}"
        on = f" on {self.rate_scope}" if self.rate_scope else ""
        return (
            f"At your rate of {per:.2g} posts a week per variant, that is {weeks} ({self.posts_per_week:.3g} posts"
            f" a week{on}, shared by {self.variants} variants)."
        )


def with_rate(plan: PowerPlan, posts_per_week: float | None, variants: int, scope: str | None = None) -> PowerPlan:
    """``plan`` plus the weeks its posts per variant take when ``posts_per_week`` are shared by ``variants``."""
    from dataclasses import replace

    if not posts_per_week or plan.kind == "proportion" or variants < 1:
        return plan
    weeks = math.ceil(plan.n_per_variant / (posts_per_week / variants) - 1e-9)
    return replace(plan, posts_per_week=posts_per_week, variants=variants, weeks=weeks, rate_scope=scope)


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


def _before_after_message(exp: Any) -> AgileSocialError:
    """A before/after experiment has no variants to size: say what analyze does with it instead."""
    window = exp.window
    days = ""
    if window is not None and window.start and window.end and exp.intervention_date:
        before = (exp.intervention_date - window.start).days
        after = (window.end - exp.intervention_date).days + 1
        days = f" over its {before} days before and {after} days from {exp.intervention_date}"
    scope = f" --platform {exp.platform}" if exp.platform else ""
    scope += f" --account {shlex.quote(exp.account)}" if exp.account else ""
    return _usage(
        f"experiment {exp.id!r} is a before/after design: power sizes split tests (posts per variant), while analyze"
        f" judges a before/after change with an interrupted time series{days} and reports the interval it reaches;"
        f" to size the same change as a split test, run 'agile-social power --kind ratio --mde-rel M{scope}'"
    )


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
    since: dt.date | None = None,
    until: dt.date | None = None,
    simulate: bool = False,
    runs: int = SIM_RUNS,
    seed: int | None = None,
) -> PowerPlan:
    """Like :func:`plan_power`, with the baseline and post-level SD of the experiment's primary metric taken from
    the history of its platform and account (every post, or those published ``since``..``until``), plus the
    impressions per variant that many posts bring at the historical average and the weeks they take at the
    history's posting rate shared by the experiment's variants. ``mde_rel`` defaults to the experiment's ``mde``;
    ``sides`` to the experiment's ``alternative`` (one-sided for greater/less). ``simulate`` also estimates the
    power of the method analyze will run (the randomisation test) at the resulting number of posts, by resampling
    the historical posts ``runs`` times. A before/after experiment gets a usage error saying why and what to do."""
    import agilesocial.stats as st
    from agilesocial.analysis.engine import DEFAULT_METRIC
    from agilesocial.analysis.methods import choose_method, seed_for
    from agilesocial.analysis.powerhistory import read_history
    from agilesocial.plan.workspace import load_workspace

    ws = load_workspace(project)
    doc = ws.experiment(experiment_id)
    if doc is None:
        known = ", ".join(sorted(d.model.id for d in ws.experiments)) or "none"
        raise AgileSocialError(f"unknown experiment {experiment_id!r}", hint=f"known experiments: {known}")
    exp = doc.model
    if exp.design == "before_after":
        raise _before_after_message(exp)
    metric = project.config.metric_catalog().get(exp.metric or DEFAULT_METRIC)
    if metric is None:
        raise AgileSocialError(f"unknown metric {exp.metric!r}", path=doc.path, exit_code=1)
    mde_rel = mde_rel if mde_rel is not None or n is not None else exp.mde
    if mde_rel is None and n is None:
        raise _usage(f"experiment {exp.id!r} plans no mde; give --mde-rel or --n")
    control = exp.control.selector.model_copy(update={"published": None}) if exp.control else None
    hist = read_history(
        project,
        metric,
        platform=exp.platform,
        account=exp.account,
        since=since,
        until=until,
        control=control,
        db=db,
    )
    stats = hist.stats
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
    mean_imps = hist.mean_impressions
    imps = round(plan.n_per_variant * mean_imps) if mean_imps and exp.unit == "post" else None
    from dataclasses import replace

    method = str(choose_method(exp, metric).method)
    alternative = "two-sided" if sides == 2 else ("less" if exp.alternative == "less" else "greater")
    plan = replace(
        plan,
        method=method,
        alternative=alternative,
        impressions_per_variant=imps,
        history_posts=hist.posts,
        experiment=exp.id,
        history_note=hist.note,
    )
    plan = with_rate(plan, hist.posts_per_week, max(len(exp.variants), 2), hist.scope)
    if simulate:
        if method != "permutation":
            raise _usage(f"--simulate simulates the randomisation test; {exp.id!r} runs {method}")
        lift = -plan.mde_rel if alternative == "less" else plan.mde_rel
        try:
            sim = st.simulated_power(
                hist.values[0],
                hist.values[1],
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


def plan_power_for_scope(
    project: Project,
    kind: Kind,
    baseline: float | None,
    *,
    metric_name: str,
    platform: str | None,
    account: str | None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    db: Path | None = None,
    mde_rel: float | None = None,
    n: int | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    sides: int = 2,
    variants: int = 2,
) -> PowerPlan:
    """``power --kind ratio|mean`` without ``--sd``: the per-post SD of ``metric_name`` estimated from the history of
    ``platform``/``account`` (every post, or ``since``..``until``). With ``baseline`` the history's relative SD
    (SD / baseline) is kept and scaled to it; without, the baseline comes from the history too. Adds the weeks the
    posts take at the scope's posting rate shared by ``variants``."""
    import agilesocial.stats as st
    from agilesocial.analysis.powerhistory import read_history

    if kind == "proportion":
        raise _usage("--kind proportion needs no history: give --baseline")
    if (mde_rel is None) == (n is None):
        raise _usage("give exactly one of --mde-rel and --n")
    metric = project.config.metric_catalog().get(metric_name)
    if metric is None:
        raise _usage(f"unknown metric {metric_name!r}; 'agile-social metrics' lists them")
    wanted = "ratio" if kind == "ratio" else "mean"
    if (metric.kind == "ratio") != (wanted == "ratio"):
        raise _usage(f"--kind {kind} does not fit metric {metric.name!r} (a {metric.kind}); use --kind {metric.kind}")
    hist = read_history(project, metric, platform=platform, account=account, since=since, until=until, db=db)
    stats = hist.stats
    if kind == "ratio":
        own, sd_hist = stats.ratio, st.ratio_sd_from_stats(stats)
    else:
        own, sd_hist = stats.mean_y, math.sqrt(stats.var_y or 0.0)
    if not own:
        raise DataError(f"the history of {hist.scope} has a {metric.name} of 0; no relative effect can be planned")
    base = float(baseline) if baseline is not None else float(own)
    sd = sd_hist * abs(base / own)
    plan = plan_power(kind, base, mde_rel=mde_rel, n=n, sd=sd, alpha=alpha, power=power, sides=sides)
    from dataclasses import replace

    scaled = f"; SD scaled from the history's {own:.4g} to the baseline {base:.4g}" if baseline is not None else ""
    note = f"{hist.note}: {metric.name} {own:.4g}, per-post SD {sd_hist:.4g}{scaled}"
    plan = replace(plan, history_posts=hist.posts, history_note=note)
    return with_rate(plan, hist.posts_per_week, variants, hist.scope)
