"""Assemble the retrospective of a sprint once: plan + analysis results + warehouse progress -> :class:`Retro`."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from agilesocial.analysis.benchmarking import against_the_best
from agilesocial.analysis.model import AnalysisReport, ExperimentAnalysis
from agilesocial.analysis.scope import keep_competitors_out
from agilesocial.config import Project
from agilesocial.errors import ConfigError, DataError
from agilesocial.plan.experiment import Experiment
from agilesocial.plan.loader import Document
from agilesocial.plan.workspace import Workspace
from agilesocial.retro.model import (
    ExperimentRetro,
    Failure,
    PlatformTop,
    Retro,
    TopPost,
    TopPosts,
)
from agilesocial.review.workspace import checked_workspace, default_sprint, hypothesis_text

if TYPE_CHECKING:
    import duckdb

TOP_POSTS = 3  # per platform and ranking


def _experiment(e: ExperimentAnalysis, doc: Document[Experiment] | None, root: Path) -> ExperimentRetro:
    exp = doc.model if doc else None
    source = None
    if doc is not None:
        try:
            source = doc.path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            source = doc.path.as_posix()
    return ExperimentRetro(
        id=e.id,
        design=e.design,
        status=exp.status.value if exp else e.status,
        platform=e.platform or (str(exp.platform) if exp and exp.platform else None),
        metric=e.metric or (exp.metric if exp else None),
        hypothesis=hypothesis_text(exp, e.hypothesis),
        action=e.decision.action,
        reason=e.decision.reason,
        posts_needed=e.decision.posts_needed,
        posts_per_week=e.decision.posts_per_week,
        weeks_needed=e.decision.weeks_needed,
        days_needed=e.decision.days_needed,
        srm_ok=e.srm.ok if e.srm else None,
        warnings=e.warnings,
        results=e.results,
        learnings=tuple(exp.learnings) if exp else e.learnings,
        five_whys=tuple(exp.five_whys) if exp else e.five_whys,
        tags=tuple(exp.tags) if exp else e.tags,
        source=source,
        calibration=e.calibration,
    )


def _failures(experiments: tuple[ExperimentRetro, ...]) -> tuple[Failure, ...]:
    out = []
    for e in experiments:
        stopped = e.action == "stop" or e.status == "stopped"
        if not stopped and e.action != "iterate":
            continue
        prompt = None
        missing = [name for name, have in (("five_whys", e.five_whys), ("learnings", e.learnings)) if not have]
        if stopped and not e.five_whys:
            where = e.source or f"the experiment file of {e.id}"
            prompt = f"Stopped without a root cause: ask 'why?' five times and add {' and '.join(missing)} to {where}."
        out.append(Failure(e.id, e.action, e.reason, e.five_whys, e.learnings, prompt))
    return tuple(out)


def _top_posts(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, tz: str) -> TopPosts:
    """One list per platform, each post marked with the experiments and arms that selected it (after
    :func:`~agilesocial.review.overlaps.select_experiment_posts`)."""
    from agilesocial.analysis.progress import top_posts_by_platform
    from agilesocial.review.overlaps import post_marks

    found = top_posts_by_platform(con, start=start, end=end, limit=TOP_POSTS, timezone=tz)
    keys = [(p.platform, p.account, p.post_id) for f in found for p in (*f.by_rate, *f.by_volume)]
    marks = post_marks(con, keys)

    def marked(posts: tuple[TopPost, ...]) -> tuple[TopPost, ...]:
        return tuple(replace(p, tests=marks.get((p.platform, p.account, p.post_id), ())) for p in posts)

    return TopPosts(
        tuple(
            PlatformTop(
                f.platform, f.posts, f.median_impressions, f.min_impressions, marked(f.by_rate), marked(f.by_volume)
            )
            for f in found
        )
    )


def _overlap_candidates(
    ws: Workspace, shown: tuple[ExperimentRetro, ...], start: dt.date, end: dt.date
) -> list[Experiment]:
    """The retro's experiments, and others that ran (running, completed, scaled) in a window touching the sprint."""
    ids = {e.id for e in shown}
    out = []
    for doc in ws.experiments:
        x = doc.model
        if x.id in ids:
            out.append(x)
        elif x.status.value in ("running", "completed", "scaled") and x.window is not None:
            w = x.window
            if (w.start is None or w.start <= end) and (w.end is None or w.end >= start):
                out.append(x)
    return out


def build_retro(
    project: Project,
    *,
    sprint: str,
    db: Path | None = None,
    analysis: AnalysisReport | None = None,
    today: dt.date | None = None,
    store: bool = True,
    now: dt.datetime | None = None,
    engine: str | None = None,
) -> Retro:
    """The retrospective of ``sprint``; runs the analysis (on ``engine``, default: the config's) when ``analysis``
    is None and stores a snapshot when ``store`` (so later retros show the trend)."""
    from agilesocial.analysis.selection import project_zone
    from agilesocial.review.followup import next_sprint
    from agilesocial.review.history import previous_sprints, store_snapshot
    from agilesocial.review.overlaps import find_overlaps, select_experiment_posts
    from agilesocial.review.tracking import key_result_progress, objective_progress, scope_notes
    from agilesocial.warehouse.connection import warehouse

    today = today or dt.date.today()
    ws = checked_workspace(project)
    doc = ws.sprint(sprint)
    if doc is None:
        known = ", ".join(sorted(d.model.id for d in ws.sprints)) or "none"
        raise ConfigError(f"unknown sprint {sprint!r}", path=project.folders["sprint"], hint=f"sprints: {known}")
    sp = doc.model
    path = project.warehouse_path(db)
    if not path.exists():
        raise DataError("no warehouse yet", path=path, hint="run 'agile-social ingest <exports>' first")
    if analysis is None:
        from agilesocial.analysis import run_analysis

        analysis = run_analysis(project, sprint=sprint, db=db, store=False, today=today, partial=True, engine=engine)
    catalog = project.config.metric_catalog()
    tz = project.config.timezone
    warnings = list(analysis.warnings)
    sprint_ids = {d.model.id for d in ws.experiments if d.model.sprint == sprint}
    chosen = [e for e in analysis.experiments if e.sprint in (None, sprint) or e.id in sprint_ids]
    experiments = tuple(_experiment(e, ws.experiment(e.id), project.root) for e in chosen)
    until = min(today, sp.end)
    with warehouse(path) as con:
        keep_competitors_out(con, project.config)  # the team's own posts only, until the comparison below
        objectives = tuple(
            objective_progress(con, d.model, o, catalog, anchor=sp.start, until=until, timezone=tz)
            for d in ws.plans
            for o in d.model.objectives
        )
        key_results = []
        for kr in sp.key_results:
            metric = catalog.get(kr.metric)
            if metric is None:
                warnings.append(f"key result metric {kr.metric!r} is not in the metric catalog; skipped")
                continue
            key_results.append(key_result_progress(con, kr, metric, sp, today=today, timezone=tz))
        candidates = _overlap_candidates(ws, experiments, sp.start, sp.end)
        select_experiment_posts(con, candidates, project_zone(tz))
        overlaps = tuple(o for o in find_overlaps(con, candidates) if o.experiment in {e.id for e in experiments})
        top = _top_posts(con, sp.start, sp.end, tz)
        standings = against_the_best(
            con, [d.model for d in ws.plans], [d.model for d in ws.sprints], sp, project.config
        )
        history = previous_sprints(con, sprint=sprint, start=sp.start)
        plan = ws.plans[0].model if ws.plans else None
        retro = Retro(
            generated_at=now or dt.datetime.now(dt.UTC),
            today=today,
            brand=plan.brand if plan else None,
            plan=plan.id if plan else None,
            sprint=sp.id,
            sprint_start=sp.start,
            sprint_end=sp.end,
            goal=sp.goal,
            correction=analysis.correction,
            objectives=objectives,
            key_results=tuple(key_results),
            experiments=experiments,
            failures=_failures(experiments),
            next_sprint=next_sprint(experiments, ws, sprint, objectives),
            top_posts=top,
            trend=(),
            warnings=tuple(warnings),
            units={name: m.unit for name, m in catalog.items()},
            missing_data=analysis.missing_data,
            standings=standings,
            scope_notes=tuple(scope_notes(objectives, key_results)),
            overlaps=overlaps,
        )
        retro = replace(retro, trend=(*history, retro.trend_point()))
        if store:
            store_snapshot(con, retro)
    return retro


def run_retro(
    project: Project,
    *,
    sprint: str | None = None,
    db: Path | None = None,
    today: dt.date | None = None,
    store: bool = True,
    engine: str | None = None,
) -> Retro:
    """What ``agile-social retro`` does: pick the sprint (default: the latest one that has started), analyse it
    without storing results again, build the retro and store its snapshot."""
    today = today or dt.date.today()
    return build_retro(
        project, sprint=sprint or default_sprint(project, today), db=db, today=today, store=store, engine=engine
    )
