"""What ``power`` learns from the warehouse: a metric's baseline and post-level variance, and the posting rate.

The history is every post of a scope (platform, account; narrowed by ``since``/``until``) -- not a fixed number of
days before an experiment, so monthly exports with gaps between them serve. The baseline and variance come from the
posts a control selector matches when it matches enough of them, else from all posts of the scope. The posting rate
is the scope's posts per week over the days its exports covered (``export_coverage``, gaps left out), or over the
first to the last post when no coverage is recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agilesocial.errors import DataError

if TYPE_CHECKING:
    from agilesocial.config import Project
    from agilesocial.plan.experiment import Selector
    from agilesocial.plan.metrics import Metric
    from agilesocial.stats import SampleStats


@dataclass(frozen=True)
class History:
    """A scope's history for planning."""

    stats: SampleStats
    #: posts the baseline and variance came from, and what they are ('control selector' or 'all posts')
    posts: int
    source: str
    mean_impressions: float | None
    #: per-post (numerators, denominators or None): for the simulated power
    values: tuple[list[float], list[float] | None]
    #: every post of the scope, the days they were published over, and posts per week
    scope_posts: int
    days: int
    posts_per_week: float | None
    first: dt.date | None
    last: dt.date | None
    scope: str

    @property
    def note(self) -> str:
        span = f" published {self.first} to {self.last}" if self.first else ""
        rate = f"; {self.scope_posts} posts over {self.days} days its exports covered" if self.days else ""
        return f"{self.posts} posts of {self.scope}{span} ({self.source}{rate})"


def describe(platform: str | None, account: str | None, since: dt.date | None, until: dt.date | None) -> str:
    """``x/nwdemo``, ``x (every account)`` plus the narrowing: for notes and hints."""
    what = f"{platform or 'every platform'}/{account}" if account else f"{platform or 'every platform'} (every account)"
    if since or until:
        what += f" ({f'--since {since}' if since else ''}{' ' if since and until else ''}"
        what += f"{f'--until {until}' if until else ''})"
    return what


def read_history(
    project: Project,
    metric: Metric,
    *,
    platform: str | None,
    account: str | None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    control: Selector | None = None,
    db: Path | None = None,
) -> History:
    """The history of a scope for ``metric`` (see the module docstring); :class:`DataError` when there is none."""
    from agilesocial.analysis.scope import keep_competitors_out
    from agilesocial.analysis.selection import Clause, date_clause, keyed, project_zone, selector_clause
    from agilesocial.analysis.sufficient import Sums, _aggregates
    from agilesocial.plan.experiment import DateRange
    from agilesocial.warehouse.connection import warehouse
    from agilesocial.warehouse.coverage import covered_day_count

    if since and until and until < since:
        raise DataError(f"--until {until} is before --since {since}")
    zone = project_zone(project.config.timezone)
    parts: list[Clause] = []
    if platform is not None:
        parts.append(Clause("platform = ?", [platform]))
    if account:
        parts.append(Clause("lower(account) = ?", [account.strip().lower()]))
    parts.append(date_clause(DateRange(start=since, end=until), zone))
    scope = Clause.all_of(parts)
    what = describe(platform, account, since, until)
    path = project.warehouse_path(db)
    hint = f"ingest {platform or ''} exports{f' of account {account!r}' if account else ''}".replace("  ", " ")
    if not path.exists():
        raise DataError("no warehouse yet", path=path, hint=hint)
    aggs = _aggregates(metric)
    source = keyed("post_latest")
    with warehouse(path, read_only=True) as con:
        keep_competitors_out(con, project.config)
        tries = [(Clause.all_of([scope, selector_clause(control, zone)]), "control selector")] if control else []
        tries.append((scope, "all posts"))
        for clause, used in tries:
            sql = f"SELECT {', '.join(aggs.values())}, avg(impressions::DOUBLE) FROM {source} WHERE {clause.sql}"
            row = con.execute(sql, clause.params).fetchone()
            assert row is not None
            got: dict[str, Any] = dict(zip([*aggs, "impressions"], row, strict=True))
            if int(got["n"] or 0) >= max(project.config.defaults.min_posts_per_variant, 2) or used == "all posts":
                break
        ok = " AND ".join(f"{f} IS NOT NULL" for f in metric.fields)
        den = f"{metric.denominator}::DOUBLE" if metric.denominator else "1.0"
        rows = con.execute(
            f"SELECT {metric.numerator}::DOUBLE, {den} FROM {source} WHERE ({clause.sql}) AND {ok}", clause.params
        ).fetchall()
        local = "CAST(timezone(?, published_at) AS DATE)"
        span = con.execute(
            f"SELECT count(*), min({local}), max({local}) FROM post_latest WHERE {scope.sql}",
            [zone.key, zone.key, *scope.params],
        ).fetchone()
        covered = covered_day_count(con, platform, account, since, until)
    assert span is not None
    scope_posts, first, last = int(span[0]), span[1], span[2]
    n = int(got.pop("n") or 0)
    if n < 2:
        raise DataError(f"only {n} posts of {what} with {metric.name} to learn a baseline from", hint=hint)
    got.pop("zero_x", None)
    impressions = got.pop("impressions")
    stats = Sums(n, **{k: float(v or 0.0) for k, v in got.items()}).sample_stats()  # type: ignore[arg-type]
    days = covered if covered else ((last - first).days + 1 if first and last else 0)
    rate = scope_posts / days * 7 if days else None
    values = ([r[0] for r in rows], [r[1] for r in rows] if metric.denominator else None)
    mean_imps = float(impressions) if impressions is not None else None
    return History(stats, n, used, mean_imps, values, scope_posts, days, rate, first, last, what)
