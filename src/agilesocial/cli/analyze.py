"""``agile-social analyze``: significance tests and a decision per experiment (text table, JSON or Markdown)."""

from __future__ import annotations

import json
import math
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agilesocial.cli.common import DbOption, QuietOption, console, handle_errors
from agilesocial.errors import EXIT_USAGE

if TYPE_CHECKING:
    from agilesocial.analysis.model import AnalysisReport, ExperimentAnalysis, MetricResult

EPILOG = (
    "Examples:\n\n"
    "  agile-social analyze --sprint 2026-s01\n\n"
    "  agile-social analyze --experiment fb-reels-vs-photos --format json\n\n"
    "  agile-social analyze --sprint 2026-s01 --correction bh --sequential --format md > retro.md\n\n"
    "Exit codes: 0 analysis ran (whatever the results), 1 invalid plan files, 2 missing data or usage error."
)


class Format(StrEnum):
    text = "text"
    json = "json"
    md = "md"


class Correction(StrEnum):
    holm = "holm"
    bh = "bh"
    none = "none"


def _value(r: MetricResult, v: float | None, ratios: frozenset[str]) -> str:
    """Rates as percentages, counts as numbers: decided by the metric's kind (and the per-exposure GLMs, whose
    values are counts per impression), never by the value's size."""
    from agilesocial.retro import fmt

    return "-" if v is None else fmt.value(v, ratio=r.metric in ratios or r.method in ("poisson", "negbin"))


def _lift(r: MetricResult) -> str:
    if r.rel_lift is not None:
        return f"{r.rel_lift * 100:+.1f} %"
    return f"{r.abs_lift:+.3g}" if r.abs_lift is not None else "-"


def _ci(r: MetricResult) -> str:
    if r.rel_ci is not None:
        return f"{r.rel_ci[0] * 100:+.0f} % to {r.rel_ci[1] * 100:+.0f} %"
    if r.abs_ci is not None:
        return f"{r.abs_ci[0]:+.3g} to {r.abs_ci[1]:+.3g}"
    return "-"


def _verdict(r: MetricResult) -> str:
    if r.significant is None:
        return "n/a"
    if not r.significant:
        return "no"
    good = (r.abs_lift or 0) > 0 if r.direction == "higher" else (r.abs_lift or 0) < 0
    return "better" if good else "WORSE"


def _p(p: float | None) -> str:
    from agilesocial.retro import fmt

    return "-" if p is None else fmt.pvalue(p)


def _p_or_chance(r: MetricResult) -> str:
    if r.p_adjusted is None and r.chance_to_beat is not None:
        return f"P(beat) {r.chance_to_beat:.0%}"
    return _p(r.p_adjusted)


def _cells(r: MetricResult, ratios: frozenset[str]) -> list[str]:
    metric = r.metric + (" (g)" if r.is_guardrail else "")
    n = f"{r.n_control if r.n_control is not None else '-'}/{r.n_variant if r.n_variant is not None else '-'}"
    return [
        metric,
        r.variant,
        n,
        _value(r, r.control_value, ratios),
        _value(r, r.variant_value, ratios),
        _lift(r),
        _ci(r),
        _p_or_chance(r),
        _verdict(r),
    ]


HEADERS = ["Metric", "Variant", "n c/v", "Control", "Variant", "Lift", "CI", "p adj.", "Sig."]


def _title(e: ExperimentAnalysis) -> str:
    bits = [e.design, e.platform or "all platforms", f"control: {e.control}" if e.control else None]
    return f"{e.id} ({', '.join(b for b in bits if b)})"


def render_text(report: AnalysisReport, quiet: bool = False, ratios: frozenset[str] = frozenset()) -> None:
    """A rich table per experiment (fits 100 columns), its decision, SRM and warnings."""
    from rich.table import Table
    from rich.text import Text

    out = console(quiet=False)

    def say(text: str, style: str = "") -> None:
        out.print(Text(text, style=style), soft_wrap=True)

    for w in report.warnings:
        say(f"note: {w}")
    if not report.experiments:
        say("No experiments to analyse.")
    for e in report.experiments:
        out.print()
        say(_title(e), "bold")
        if not quiet:
            table = Table(show_edge=False, pad_edge=False, header_style="bold")
            for h in HEADERS:
                table.add_column(h, no_wrap=h != "CI", overflow="fold")
            for r in e.results:
                table.add_row(*(Text(c) for c in _cells(r, ratios)))
            out.print(table)
        say(f"Decision: {e.decision.action.upper().replace('_', ' ')} - {e.decision.reason}", "bold")
        if e.srm is not None and not quiet:
            say(f"Sample ratio: p = {e.srm.p_value:.3g} ({'ok' if e.srm.ok else 'MISMATCH'})")
        for w in [] if quiet else e.warnings:
            say(f"  ! {w}")
    if not quiet and report.experiments:
        out.print()
        say(f"(g) = guardrail metric. Correction: {report.correction}. Lifts and CIs are relative to the control.")


def render_md(report: AnalysisReport, ratios: frozenset[str] = frozenset()) -> str:
    lines = [f"# Analysis{f' of sprint {report.sprint}' if report.sprint else ''}", ""]
    lines += [f"> {w}" for w in report.warnings] + ([""] if report.warnings else [])
    for e in report.experiments:
        lines += [f"## {_title(e)}", ""]
        if e.hypothesis:
            lines += [f"_{e.hypothesis}_", ""]
        lines += ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in _cells(r, ratios)) + " |" for r in e.results]
        lines += ["", f"**Decision: {e.decision.action.replace('_', ' ')}** - {e.decision.reason}", ""]
        if e.srm is not None:
            lines += [f"Sample ratio check: p = {e.srm.p_value:.3g} ({'ok' if e.srm.ok else 'mismatch'})", ""]
        lines += [f"- {w}" for w in e.warnings] + ([""] if e.warnings else [])
    lines.append(f"Multiple-testing correction: {report.correction}.")
    return "\n".join(lines) + "\n"


def register(app: typer.Typer) -> None:
    @app.command("analyze", epilog=EPILOG)
    @handle_errors
    def analyze(
        sprint: Annotated[
            str | None, typer.Option("--sprint", "-s", help="Analyse the experiments of this sprint.")
        ] = None,
        experiment: Annotated[
            list[str] | None, typer.Option("--experiment", "-e", help="Experiment id (repeatable).")
        ] = None,
        correction: Annotated[
            Correction | None,
            typer.Option(help="Multiple-testing correction across variants x metrics (default: from config, holm)."),
        ] = None,
        sequential: Annotated[
            bool, typer.Option("--sequential", help="Before the planned end, use a sequential (O'Brien-Fleming) alpha.")
        ] = False,
        fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
        retro: Annotated[
            bool,
            typer.Option(
                "--retro/--no-retro",
                help="With --sprint and text output, end with the sprint retrospective (objectives, key results, "
                "learnings, next sprint).",
            ),
        ] = True,
        db: DbOption = None,
        quiet: QuietOption = False,
    ) -> None:
        """Test each experiment's variants against the control and decide: scale, iterate, stop or keep running."""
        from agilesocial.analysis import run_analysis
        from agilesocial.config import load_project

        project = load_project(required=True)
        report = run_analysis(
            project,
            sprint=sprint,
            experiment_ids=tuple(experiment or ()),
            db=db,
            correction=correction.value if correction else None,
            sequential=sequential,
        )
        ratios = frozenset(n for n, m in project.config.metric_catalog().items() if m.kind == "ratio")
        if fmt == Format.json:
            typer.echo(json.dumps(_finite(report.to_dict()), indent=2, default=_json_default, allow_nan=False))
        elif fmt == Format.md:
            typer.echo(render_md(report, ratios), nl=False)
        else:
            render_text(report, quiet=quiet, ratios=ratios)
            if sprint and retro and not quiet:
                from agilesocial.cli.retro import print_retro
                from agilesocial.retro.build import build_retro

                print_retro(build_retro(project, sprint=sprint, db=db, analysis=report), experiments=False)
        if report.missing_data:  # the others were analysed and shown; still a missing-data exit for scripts
            for line in report.missing_data:
                typer.echo(f"error: {line}", err=True)
            raise typer.Exit(EXIT_USAGE)


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _finite(value: Any) -> Any:
    """Non-finite floats become null so the output stays valid JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
