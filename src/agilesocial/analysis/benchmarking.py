"""Against the best: the team's value per plan objective's metric and platform this sprint, compared with each
published benchmark (one-sample randomisation test, :func:`agilesocial.stats.onesample.one_sample_test`) and each
competitor's posts (two-sample, through :func:`agilesocial.analysis.methods.run_test` with the default method of
split post experiments), plus the trend over the last sprints.

The team's posts are read from ``post_latest`` as the team's analyses see it (competitors kept out by
:func:`agilesocial.analysis.scope.keep_competitors_out`); a competitor's posts from the warehouse's own view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from agilesocial.analysis.scope import all_posts
from agilesocial.analysis.selection import Clause, date_clause
from agilesocial.analysis.standing import AHEAD, BEHIND, LEVEL, NO_DATA, Reference, Standing, TrendValue
from agilesocial.plan.experiment import DateRange
from agilesocial.plan.metrics import Metric
from agilesocial.plan.project import ProjectConfig
from agilesocial.plan.sprint import Sprint
from agilesocial.plan.strategy import StrategyPlan

if TYPE_CHECKING:
    import duckdb

    from agilesocial.stats import TestResult

TREND_SPRINTS = 4


@dataclass(frozen=True)
class _Posts:
    y: list[float]
    x: list[float]

    @property
    def n(self) -> int:
        return len(self.y)


def _scope(metric: Metric, platform: str, accounts: Sequence[str], window: Clause) -> Clause:
    """The posts of ``platform`` in the window (``accounts`` empty: every account) that carry the metric's fields."""
    fields = [metric.numerator, *([metric.denominator] if metric.denominator else [])]
    ok = Clause(" AND ".join(f"{f} IS NOT NULL" for f in fields), [])
    who = Clause("lower(account) IN (" + ", ".join("?" for _ in accounts) + ")", [a.lower() for a in accounts])
    return Clause.all_of([ok, Clause("platform = ?", [platform]), window, *([who] if accounts else [])])


def _posts(
    con: duckdb.DuckDBPyConnection, source: str, metric: Metric, platform: str, accounts: Sequence[str], window: Clause
) -> _Posts:
    """Per-post (numerator, denominator) of ``platform`` posts in the window (``accounts`` empty: every account)."""
    x = metric.denominator or "1"
    where = _scope(metric, platform, accounts, window)
    row = con.execute(
        f"SELECT list({metric.numerator}::DOUBLE ORDER BY post_id), list({x}::DOUBLE ORDER BY post_id) "
        f"FROM {source} WHERE {where.sql}",
        where.params,
    ).fetchone()
    return _Posts(list(row[0] or []), list(row[1] or [])) if row else _Posts([], [])


def _ratio(
    con: duckdb.DuckDBPyConnection, source: str, metric: Metric, platform: str, accounts: Sequence[str], window: Clause
) -> float | None:
    """The ratio of sums (count metric: mean per post) of the posts, computed in SQL."""
    x = metric.denominator or "1"
    where = _scope(metric, platform, accounts, window)
    row = con.execute(
        f"SELECT sum({metric.numerator}::DOUBLE) / nullif(sum({x}::DOUBLE), 0) FROM {source} WHERE {where.sql}",
        where.params,
    ).fetchone()
    return float(row[0]) if row and row[0] is not None else None


def verdict(result: TestResult, direction: str, alpha: float) -> str:
    """'ahead of' / 'behind' when the test rejects at ``alpha``, else 'level with (cannot tell yet)'."""
    if result.p_value is None or result.abs_lift is None:
        return NO_DATA
    if result.p_value >= alpha:
        return LEVEL
    better = result.abs_lift > 0 if direction == "higher" else result.abs_lift < 0
    return AHEAD if better else BEHIND


def _team_ci(team: _Posts, metric: Metric, alpha: float, seed: int) -> tuple[float | None, tuple[float, float] | None]:
    from agilesocial.stats.onesample import one_sample_test

    if team.n < 2 or sum(team.x) <= 0:
        return (sum(team.y) / sum(team.x) if team.n and sum(team.x) > 0 else None), None
    estimate = sum(team.y) / sum(team.x)
    r = one_sample_test(team.y, team.x if metric.denominator else None, estimate, alpha=alpha, seed=seed)
    if r.abs_ci is None:
        return estimate, None
    return estimate, (estimate + r.abs_ci[0], estimate + r.abs_ci[1])


def _benchmark_ref(
    team: _Posts, metric: Metric, bench: Any, direction: str, alpha: float, min_n: int, seed: int
) -> Reference:
    from agilesocial.stats.onesample import METHOD, one_sample_test

    detail = ", ".join(
        part
        for part in (
            bench.population,
            bench.statistic.replace("_", " "),
            bench.source or "no source",
            bench.published.isoformat() if bench.published else "undated",
        )
        if part
    )
    r = one_sample_test(
        team.y, team.x if metric.denominator else None, bench.value, alpha=alpha, seed=seed, min_n=min_n
    )
    return Reference(
        "benchmark",
        bench.name,
        detail,
        bench.value,
        None,
        None,
        r.abs_lift,
        r.abs_ci,
        r.rel_lift,
        r.rel_ci,
        r.p_value,
        METHOD,
        verdict(r, direction, alpha),
        r.reason,
        f"{bench.statistic.replace('_', ' ')}, "
        + (f"published {bench.published.isoformat()}" if bench.published else "undated"),
    )


def _competitor_ref(
    team: _Posts,
    rival: _Posts,
    metric: Metric,
    name: str,
    account: str,
    direction: str,
    alpha: float,
    min_n: int,
    seed: int,
) -> Reference:
    from agilesocial.analysis.methods import choose_method, run_test
    from agilesocial.analysis.sufficient import Sums
    from agilesocial.plan.experiment import Experiment

    # the competitor is the control, the team the variant: the same call (and default method) as a split experiment
    shape = Experiment.model_construct(id="against-the-best", design="split", unit="post", method=None)
    choice = choose_method(shape, metric)

    def sums(p: _Posts) -> Sums:
        return Sums(p.n, sum(p.y), sum(v * v for v in p.y), sum(p.x), sum(v * v for v in p.x))

    r = run_test(
        choice,
        metric,
        sums(rival),
        sums(team),
        alpha=alpha,
        min_n=min_n,
        values=lambda: ((rival.y, rival.x), (team.y, team.x)),
        seed=seed,
    )
    rival_value, rival_ci = _team_ci(rival, metric, alpha, seed)
    return Reference(
        "competitor",
        name,
        account,
        rival_value,
        rival_ci,
        rival.n,
        r.abs_lift,
        r.abs_ci,
        r.rel_lift,
        r.rel_ci,
        r.p_value,
        str(choice.method),
        verdict(r, direction, alpha),
        r.reason,
    )


def against_the_best(
    con: duckdb.DuckDBPyConnection,
    plans: Sequence[StrategyPlan],
    sprints: Sequence[Sprint],
    sprint: Sprint,
    config: ProjectConfig,
) -> tuple[Standing, ...]:
    """One :class:`Standing` per (objective, platform) that has a benchmark or a competitor to compare with."""
    from agilesocial.analysis.methods import seed_for

    catalog = config.metric_catalog()
    zone = ZoneInfo(config.timezone)
    alpha, min_n = config.defaults.alpha, config.defaults.min_posts_per_variant
    rivals = [a for a in config.accounts if a.role == "competitor"]
    everything = all_posts(con)
    earlier = sorted((s for s in sprints if s.start <= sprint.start), key=lambda s: s.start)[-TREND_SPRINTS:]
    out: list[Standing] = []
    for plan in plans:
        for obj in plan.objectives:
            metric = catalog.get(obj.metric) if obj.metric else None
            if metric is None:
                continue
            direction = obj.direction or metric.direction
            tools = [t for t in plan.tools if obj.id in t.serves]
            for platform in sorted({str(t.platform) for t in tools}):
                benches = [b for b in config.benchmarks if b.metric == metric.name and b.platform == platform]
                competitors = [a for a in rivals if a.platform == platform]
                if not benches and not competitors:
                    continue
                on = [t for t in tools if str(t.platform) == platform]
                accounts = [] if any(not t.account for t in on) else [t.account for t in on if t.account]
                window = date_clause(DateRange(start=sprint.start, end=sprint.end), zone)
                team = _posts(con, "post_latest", metric, platform, accounts, window)
                key = f"{obj.id}:{platform}"
                value, ci = _team_ci(team, metric, alpha, seed_for(key))
                refs = [
                    _benchmark_ref(team, metric, b, direction, alpha, min_n, seed_for(f"{key}:{b.name}"))
                    for b in benches
                ]
                for a in competitors:
                    rival = _posts(con, everything, metric, platform, [a.account], window)
                    refs.append(
                        _competitor_ref(
                            team, rival, metric, a.name, a.account, direction, alpha, min_n, seed_for(f"{key}:{a.name}")
                        )
                    )
                trend = []
                for s in earlier:
                    w = date_clause(DateRange(start=s.start, end=s.end), zone)
                    trend.append(
                        TrendValue(
                            s.id,
                            _ratio(con, "post_latest", metric, platform, accounts, w),
                            tuple(
                                (a.name, _ratio(con, everything, metric, platform, [a.account], w)) for a in competitors
                            ),
                        )
                    )
                note = None if team.n else f"no {platform} posts of the team in this sprint: ingest them first"
                out.append(
                    Standing(
                        obj.id,
                        metric.name,
                        platform,
                        direction,
                        value,
                        ci,
                        team.n,
                        tuple(refs),
                        tuple(trend),
                        alpha,
                        note,
                    )
                )
    return tuple(out)
