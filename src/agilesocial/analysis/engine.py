"""``run_analysis``: load the plan, pick experiments, read the warehouse once, analyse each one, store results."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from agilesocial.analysis.analyse import Settings, analyse_experiment, draw_keys, selection_of
from agilesocial.analysis.calibrate import with_calibration
from agilesocial.analysis.describe import without_data
from agilesocial.analysis.model import AnalysisReport, ExperimentAnalysis
from agilesocial.analysis.scope import SCOPE_TABLE, drop_scope_sql, keep_competitors_out, scope_table_sql
from agilesocial.analysis.selection import VariantSql, describe_scope, project_zone
from agilesocial.analysis.sufficient import fetch_all_sums
from agilesocial.config import Project
from agilesocial.errors import EXIT_FINDINGS, EXIT_USAGE, AgileSocialError, DataError
from agilesocial.plan.experiment import Experiment
from agilesocial.plan.loader import Document
from agilesocial.plan.metrics import Metric
from agilesocial.plan.workspace import Workspace, load_workspace
from agilesocial.warehouse.engines import analysis_connection

if TYPE_CHECKING:
    import duckdb

CORRECTIONS = ("holm", "hochberg", "hommel", "bonferroni", "bh", "by", "none")  # R's p.adjust methods
DEFAULT_METRIC = "engagement_rate"


def _plan_error(doc: Document[Experiment], message: str, *loc: str | int, hint: str | None = None) -> AgileSocialError:
    line, col = doc.locate(*loc)
    return AgileSocialError(message, path=doc.path, line=line, column=col, hint=hint, exit_code=EXIT_FINDINGS)


def _metrics(doc: Document[Experiment], catalog: dict[str, Metric]) -> list[Metric]:
    """Primary metric first, then the guardrails; unknown names are plan errors (exit 1)."""
    exp = doc.model
    names: list[tuple[str, tuple[str | int, ...]]] = [(exp.metric or DEFAULT_METRIC, ("metric",))]
    names += [(g, ("guardrails", i)) for i, g in enumerate(exp.guardrail_metrics)]
    out: list[Metric] = []
    for name, loc in names:
        if name not in catalog:
            raise _plan_error(
                doc, f"unknown metric {name!r}", *loc, hint=f"use one of: {', '.join(sorted(catalog))} or declare it"
            )
        if catalog[name] not in out:
            out.append(catalog[name])
    return out


def _check_design(doc: Document[Experiment]) -> None:
    exp = doc.model
    if exp.design == "split" and len(exp.variants) < 2:
        raise _plan_error(doc, f"experiment {exp.id!r} needs a control and at least one variant", "variants")
    if exp.design == "before_after" and exp.intervention_date is None:
        raise _plan_error(doc, f"experiment {exp.id!r} is before_after but has no intervention_date", "design")
    rests = [i for i, v in enumerate(exp.variants) if v.selector.rest]
    if len(rests) > 1:
        raise _plan_error(
            doc,
            f"experiment {exp.id!r}: {len(rests)} variants use 'rest: true'; at most one may",
            "variants",
            rests[1],
            "selector",
            "rest",
            hint="keep 'rest: true' on one variant and give the others their own conditions",
        )
    for i, v in enumerate(exp.variants):
        if exp.design == "split" and v.selector.is_empty:
            raise _plan_error(
                doc,
                f"experiment {exp.id!r}: variant {v.name!r} has no selector conditions, so it matches every post",
                "variants",
                i,
                "selector",
                hint="give it conditions (e.g. is_reply: true), or 'rest: true' for every post no other variant takes",
            )


def _select(
    ws: Workspace, sprint: str | None, experiment_ids: Sequence[str]
) -> tuple[list[Document[Experiment]], dt.date | None]:
    sprint_end = None
    docs = list(ws.experiments)
    if sprint is not None:
        sdoc = ws.sprint(sprint)
        if sdoc is None:
            known = ", ".join(sorted(d.model.id for d in ws.sprints)) or "none"
            raise AgileSocialError(f"unknown sprint {sprint!r}", hint=f"known sprints: {known}", exit_code=EXIT_USAGE)
        sprint_end = sdoc.model.end
        docs = [d for d in docs if d.model.sprint == sprint]
    if experiment_ids:
        by_id = {d.model.id: d for d in ws.experiments}
        missing = [i for i in experiment_ids if i not in by_id]
        if missing:
            known = ", ".join(sorted(by_id)) or "none"
            raise AgileSocialError(
                f"unknown experiment {missing[0]!r}", hint=f"known experiments: {known}", exit_code=EXIT_USAGE
            )
        wanted = set(experiment_ids)
        docs = [d for d in docs if d.model.id in wanted]
    return docs, sprint_end


def _not_started(exp: Experiment, today: dt.date) -> bool:
    return exp.window is not None and exp.window.start is not None and exp.window.start > today


def run_analysis(
    project: Project,
    *,
    sprint: str | None = None,
    experiment_ids: Sequence[str] = (),
    db: Path | None = None,
    correction: str | None = None,
    sequential: bool = False,
    store: bool = True,
    today: dt.date | None = None,
    partial: bool = False,
    engine: str | None = None,
) -> AnalysisReport:
    """Analyse the experiments of ``sprint`` (or the given ids, or all), store and return the report.

    An experiment without posts is reported in ``missing_data`` (and shown with what to ingest) when other
    experiments are analysed, or always with ``partial``; otherwise its :class:`DataError` is raised.

    ``engine`` overrides ``engine:`` of agile-social.yaml (duckdb, or spark over a Parquet lake).

    Raises AgileSocialError: exit 1 for invalid plan files, exit 2 for unknown ids, a bad correction and missing data.
    """
    ws = load_workspace(project)
    if ws.issues:
        first = ws.issues[0]
        more = f" (and {len(ws.issues) - 1} more problems)" if len(ws.issues) > 1 else ""
        raise AgileSocialError(
            f"invalid plan file: {first.message}{more}",
            path=first.path,
            line=first.line,
            column=first.column,
            hint="run 'agile-social validate' to see every problem",
            exit_code=EXIT_FINDINGS,
        )
    cfg = project.config
    correction = correction or cfg.defaults.correction
    if correction not in CORRECTIONS:
        raise AgileSocialError(f"unknown correction {correction!r}", hint=f"use one of: {', '.join(CORRECTIONS)}")
    today = today or dt.date.today()
    settings = Settings(
        zone=project_zone(cfg.timezone),
        timezone=cfg.timezone,
        correction=correction,
        sequential=sequential,
        today=today,
        alpha=cfg.defaults.alpha,
        power=cfg.defaults.power,
        min_posts=cfg.defaults.min_posts_per_variant,
        max_harm=cfg.defaults.max_harm,
    )
    docs, sprint_end = _select(ws, sprint, experiment_ids)
    catalog = cfg.metric_catalog()
    report_warnings: list[str] = []
    planned: list[tuple[Document[Experiment], list[Metric]]] = []
    for doc in docs:
        if _not_started(doc.model, today):
            start = doc.model.window.start  # type: ignore[union-attr]
            if experiment_ids:  # asked for by id: no post can be in a window that lies in the future
                line, col = doc.locate("window", "start")
                raise DataError(
                    f"experiment {doc.model.id!r} has not started: its window starts {start} (today is {today})",
                    path=doc.path,
                    line=line,
                    column=col,
                    hint="analyse it once its posts are published and ingested, or fix window.start",
                )
            report_warnings.append(f"{doc.model.id}: not started yet (window starts {start})")
            continue
        _check_design(doc)
        planned.append((doc, _metrics(doc, catalog)))
    if sprint is not None and not docs:
        report_warnings.append(f"sprint {sprint!r} has no experiments")
    generated = dt.datetime.now(dt.UTC)
    if not planned:
        return AnalysisReport(generated, (), correction, sprint, tuple(report_warnings))
    path = project.warehouse_path(db)
    if not path.exists():
        what = "; ".join(describe_scope(d.model) for d, _ in planned)
        raise DataError("no warehouse yet", path=path, hint=f"run 'agile-social ingest <exports>' with: {what}")
    from agilesocial.warehouse.connection import warehouse
    from agilesocial.warehouse.schema import schema_version

    with warehouse(path, read_only=not store) as con:
        if schema_version(con) == 0:  # a DuckDB file, but not one 'ingest' made
            raise DataError(
                "cannot read the warehouse: it is not an agile-social warehouse (no schema)",
                path=path,
                hint="point --db at the warehouse 'agile-social ingest' created, or ingest into a new file",
            )
        keep_competitors_out(con, project.config)  # the team's own posts only
        with analysis_connection(con, path, project.config, engine) as sql:  # DuckDB, or Spark for post tables
            scoped = dataclasses.replace(settings, source=SCOPE_TABLE, keyed=True)
            selections = [selection_of(doc.model, metrics, scoped) for doc, metrics in planned]
            # Spark: the posts in any experiment's scope are read from the lake once and cached; every query below
            # reads the cache. DuckDB scans post_current (a file's table or a lake's Parquet files, with their
            # statistics) per experiment for less CPU than writing a copy of the union costs: a view there.
            once = sql is not con
            sql.execute(*scope_table_sql([d.model for d, _ in planned], settings.zone, selections, materialise=once))
            try:
                analyses, missing = _analyse_all(sql, con, planned, selections, scoped, sprint_end, partial)
            finally:
                sql.execute(drop_scope_sql(materialise=once))
        report = AnalysisReport(
            generated, tuple(analyses), correction, sprint, tuple(report_warnings), missing_data=tuple(missing)
        )
        if store:
            store_results(con, report)
    return report


def _analyse_all(
    sql: duckdb.DuckDBPyConnection,
    con: duckdb.DuckDBPyConnection,
    planned: list[tuple[Document[Experiment], list[Metric]]],
    selections: list[VariantSql],
    settings: Settings,
    sprint_end: dt.date | None,
    partial: bool,
) -> tuple[list[ExperimentAnalysis], list[str]]:
    """Analyse every planned experiment on ``sql`` (the engine's connection; ``con`` the warehouse's, for the
    calibrations): the analyses, and the messages of the experiments without data."""
    from agilesocial.stats.draws import drawing_ahead
    from agilesocial.warehouse.calibrations import CalibrationLookup

    # every experiment's sufficient statistics in one query
    all_sums = fetch_all_sums(sql, [(sel, metrics) for sel, (_, metrics) in zip(selections, planned, strict=True)])
    calibrations = CalibrationLookup(con)  # one query for every experiment's calibration note
    keys = [
        k for (doc, metrics), sums in zip(planned, all_sums, strict=True) for k in draw_keys(doc.model, metrics, sums)
    ]
    analyses: list[ExperimentAnalysis] = []
    missing: list[str] = []
    with drawing_ahead(keys):  # the next experiments' shuffles are drawn while this one is tested
        for (doc, metrics), sel, sums in zip(planned, selections, all_sums, strict=True):
            try:
                analysed = analyse_experiment(sql, doc, metrics, settings, sprint_end=sprint_end, fetched=(sel, sums))
                analyses.append(with_calibration(calibrations, doc.model, analysed))
            except DataError as exc:
                if len(planned) == 1 and not partial:
                    raise
                # the run goes on with the other experiments; the CLI still exits 2 for this one
                analyses.append(without_data(doc.model, exc))
                missing.append(str(exc))
    return analyses, missing


def store_results(con: duckdb.DuckDBPyConnection, report: AnalysisReport) -> int:
    """Append one ``results`` row per experiment x variant x metric, stamped with the report's time."""
    from agilesocial.warehouse.results import insert_results

    return insert_results(
        con,
        (
            {
                "run_at": report.generated_at,
                "experiment_id": e.id,
                "sprint_id": e.sprint,
                "metric": r.metric,
                "variant": r.variant,
                "is_guardrail": r.is_guardrail,
                "method": r.method,
                "n_control": r.n_control,
                "n_variant": r.n_variant,
                "control_value": r.control_value,
                "variant_value": r.variant_value,
                "abs_lift": r.abs_lift,
                "abs_ci_lower": r.abs_ci[0] if r.abs_ci else None,
                "abs_ci_upper": r.abs_ci[1] if r.abs_ci else None,
                "rel_lift": r.rel_lift,
                "rel_ci_lower": r.rel_ci[0] if r.rel_ci else None,
                "rel_ci_upper": r.rel_ci[1] if r.rel_ci else None,
                "p_value": r.p_value,
                "p_adjusted": r.p_adjusted,
                "significant": r.significant,
                "chance_to_beat": r.chance_to_beat,
                "decision": e.decision.action,
                "decision_reason": e.decision.reason,
            }
            for e in report.experiments
            for r in e.results
        ),
    )
