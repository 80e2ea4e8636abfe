"""``calibrate``: the A/A self-check on a team's own history, and the calibration note ``analyze`` attaches.

Reads an account's posts in a date range from the warehouse, splits them at random into two arms many times, runs
every method of the registry that applies to the metric's kind (:mod:`agilesocial.stats.calibration`), stores the
result in the ``calibrations`` table and returns it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agilesocial.config import Project
from agilesocial.errors import EXIT_USAGE, AgileSocialError, DataError

if TYPE_CHECKING:
    import duckdb

    from agilesocial.analysis.model import ExperimentAnalysis
    from agilesocial.plan.experiment import Experiment
    from agilesocial.stats.calibration import MethodCalibration
    from agilesocial.warehouse.calibrations import CalibrationLookup

DEFAULT_SIZES = (5, 10, 20, 50)
INTERVAL = "Clopper-Pearson (exact binomial) 95 %"


@dataclass(frozen=True)
class CalibrationReport:
    """What ``calibrate`` found; ``to_dict()`` is the ``--format json`` contract (schema_version 1)."""

    platform: str
    account: str | None
    metric: str
    metric_kind: str
    since: dt.date | None
    until: dt.date | None
    posts: int
    left_out: int  # posts without the metric's denominator (or a zero one)
    runs: int
    seed: int
    alpha: float
    sizes: tuple[int, ...]
    results: tuple[MethodCalibration, ...]
    not_calibrated: dict[str, str] = field(default_factory=dict)
    skipped_sizes: tuple[int, ...] = ()  # requested sizes the history is too small for
    run_at: dt.datetime | None = None
    stored: bool = False

    @property
    def interval(self) -> str:
        return INTERVAL

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "platform": self.platform,
            "account": self.account,
            "metric": self.metric,
            "metric_kind": self.metric_kind,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "posts": self.posts,
            "left_out": self.left_out,
            "runs": self.runs,
            "seed": self.seed,
            "alpha": self.alpha,
            "interval": INTERVAL,
            "posts_per_arm": list(self.sizes),
            "skipped_sizes": list(self.skipped_sizes),
            "results": [r.to_dict() for r in self.results],
            "not_calibrated": dict(self.not_calibrated),
            "run_at": self.run_at.isoformat() if self.run_at else None,
            "stored": self.stored,
        }


def run_calibration(
    project: Project,
    *,
    platform: str,
    account: str | None = None,
    metric: str = "engagement_rate",
    since: dt.date | None = None,
    until: dt.date | None = None,
    runs: int = 1000,
    sizes: Sequence[int] = DEFAULT_SIZES,
    seed: int = 0,
    alpha: float | None = None,
    db: Path | None = None,
    store: bool = True,
) -> CalibrationReport:
    """Calibrate every applicable method on the account's history; stores the rows when ``store``.

    Raises AgileSocialError (exit 2) for an unknown metric, bad options, a missing warehouse or too little history.
    """
    from agilesocial.stats.calibration import COUNT_METHODS, NOT_CALIBRATED, RATIO_METHODS, calibrate_methods
    from agilesocial.warehouse.calibrations import fetch_history, insert_calibrations
    from agilesocial.warehouse.connection import warehouse

    catalog = project.config.metric_catalog()
    if metric not in catalog:
        raise AgileSocialError(
            f"unknown metric {metric!r}", hint=f"use one of: {', '.join(sorted(catalog))}", exit_code=EXIT_USAGE
        )
    m = catalog[metric]
    if runs < 20:
        raise AgileSocialError(f"--runs {runs} is too few", hint="use at least 20 (default 1000)")
    if not sizes or any(s < 2 for s in sizes):
        raise AgileSocialError("--posts-per-arm needs sizes of 2 or more", hint="e.g. --posts-per-arm 5,10,20")
    if since and until and until < since:
        raise AgileSocialError(f"--until {until} is before --since {since}")
    alpha = alpha if alpha is not None else project.config.defaults.alpha
    path = project.warehouse_path(db)
    if not path.exists():
        raise DataError("no warehouse yet", path=path, hint="run 'agile-social ingest <exports>' first")
    with warehouse(path, read_only=True) as con:  # read, then compute without holding the warehouse
        y, x, left_out = fetch_history(
            con,
            platform=platform,
            account=account,
            numerator=m.numerator,
            denominator=m.denominator,
            since=since,
            until=until,
            timezone=project.config.timezone,
        )
        who = f"{platform} posts" + (f" of account {account!r}" if account else "")
        when = f" from {since or 'the start'} to {until or 'the end'}" if since or until else ""
        if len(y) < 4:
            raise DataError(
                f"only {len(y)} {who}{when} have {' and '.join(m.fields)}: too few to split into two arms",
                path=path,
                hint=f"ingest more history, widen --since/--until, or check --platform/--account ({_holdings(con)})",
            )
    usable = tuple(sorted({s for s in sizes if 2 * s <= len(y)}))
    skipped = tuple(sorted({s for s in sizes if 2 * s > len(y)}))
    if not usable:
        raise DataError(
            f"{len(y)} {who}{when}: --posts-per-arm {min(sizes)} needs {2 * min(sizes)}",
            path=path,
            hint=f"use --posts-per-arm {len(y) // 2} or less, or ingest more history",
        )
    results = calibrate_methods(y, x, usable, runs=runs, alpha=alpha, seed=seed)
    methods = COUNT_METHODS if m.denominator is None else RATIO_METHODS
    not_cal = {k: v for k, v in NOT_CALIBRATED.items() if k not in methods}
    if m.denominator is None:
        not_cal.update({k: "needs a ratio metric" for k in ("ratio_delta", "pooled_z")})
    report = CalibrationReport(
        platform, account, metric, m.kind, since, until, len(y), left_out, runs, seed, alpha, usable,
        tuple(results), not_cal, skipped, dt.datetime.now(dt.UTC),
    )  # fmt: skip
    if store:
        with warehouse(path) as con:  # migrates an older warehouse: the calibrations table comes with it
            insert_calibrations(con, _rows(report))
        report = CalibrationReport(**{**report.__dict__, "stored": True})
    return report


def _holdings(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        "SELECT platform, coalesce(account, '?'), count(*) FROM post_latest GROUP BY ALL ORDER BY 1, 2"
    ).fetchall()
    if not rows:
        return "the warehouse has no posts"
    return "the warehouse holds " + "; ".join(f"{n} {p} posts of {a!r}" for p, a, n in rows)


def _rows(report: CalibrationReport) -> list[dict[str, Any]]:
    return [
        {
            "run_at": report.run_at,
            "platform": report.platform,
            "account": report.account,
            "metric": report.metric,
            "since": report.since,
            "until": report.until,
            "posts": report.posts,
            "method": r.method,
            "posts_per_arm": r.posts_per_arm,
            "runs": r.runs,
            "seed": report.seed,
            "alpha": r.alpha,
            "rejections": r.rejections,
            "false_positive_rate": r.rate,
            "ci_lower": r.ci[0],
            "ci_upper": r.ci[1],
            "verdict": r.verdict,
            "mde": r.mde,
        }
        for r in report.results
    ]


def calibration_note(
    con: duckdb.DuckDBPyConnection | CalibrationLookup,
    platform: str | None,
    account: str | None,
    metric: str,
    method: str,
    posts: int,
) -> tuple[dict[str, Any], str | None]:
    """What the stored calibrations say about ``method`` on this account and metric, for an experiment with
    ``posts`` per arm: (the record for the JSON result, a one-line warning or None). Statuses: calibrated, too_hot,
    too_cold, not_calibrated (warned), not_covered (a method calibrate does not check, e.g. negbin)."""
    from agilesocial.stats.calibration import COUNT_METHODS, RATIO_METHODS
    from agilesocial.warehouse.calibrations import CalibrationLookup

    if method not in (*RATIO_METHODS, *COUNT_METHODS):  # e.g. negbin: calibrate cannot check it, so no nagging
        return {"method": method, "status": "not_covered"}, None
    hint = f"agile-social calibrate --platform {platform}" + (f' --account "{account}"' if account else "")
    hint += f" --metric {metric}"
    lookup = con if isinstance(con, CalibrationLookup) else CalibrationLookup(con)
    found = lookup.latest(platform, account, metric, method) if platform else None
    if found is None:
        record: dict[str, Any] = {"method": method, "status": "not_calibrated"}
        return record, f"{method} is not yet calibrated on this account's {metric} history: run {hint}"
    size, rate, lo, hi, verdict = found.nearest(posts)
    record = {
        "method": method,
        "status": verdict.replace(" ", "_"),
        "posts_per_arm": size,
        "false_positive_rate": rate,
        "ci": [lo, hi],
        "calibrated_at": found.run_at.isoformat(),
    }
    if verdict == "too hot":
        return record, (
            f"{method} was found too hot on this account's history: {rate:.1%} false positives in A/A splits of "
            f"{size} posts per arm (95 % CI {lo:.1%} to {hi:.1%}); do not trust its significant results here"
        )
    return record, None


def with_calibration(
    con: duckdb.DuckDBPyConnection | CalibrationLookup, exp: Experiment, analysis: ExperimentAnalysis
) -> ExperimentAnalysis:
    """The analysis of a split experiment of posts, with what ``calibrate`` found for its primary method attached (and
    a warning when that method was never calibrated on the account or was found too hot there)."""
    from dataclasses import replace

    primary = analysis.primary
    if exp.design != "split" or exp.unit != "post" or not primary or analysis.metric is None:
        return analysis
    first = primary[0]
    if first.not_exported:  # no history of a metric the exports never carry: calibrating it cannot help
        return analysis
    posts = min(first.n_control or 0, first.n_variant or 0)
    platform = str(exp.platform) if exp.platform else analysis.platform
    record, warning = calibration_note(con, platform, exp.account, analysis.metric, first.method, posts)
    warnings = analysis.warnings + ((warning,) if warning else ())
    return replace(analysis, calibration=record, warnings=warnings)
