"""``agile-social analyze``: significance tests and a decision per experiment (text table, JSON or Markdown)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from agilesocial.cli.common import DbOption, EngineOption, QuietOption, console, handle_errors
from agilesocial.errors import EXIT_USAGE

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
    csv = "csv"
    html = "html"


class Correction(StrEnum):
    """R's p.adjust methods (lower case)."""

    holm = "holm"
    hochberg = "hochberg"
    hommel = "hommel"
    bonferroni = "bonferroni"
    bh = "bh"
    by = "by"
    none = "none"


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
            typer.Option(
                help="Multiple-testing correction across variants x metrics, as R's p.adjust (default: config, holm)."
            ),
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
        engine: EngineOption = None,
        quiet: QuietOption = False,
    ) -> None:
        """Test each experiment's variants against the control and decide: scale, iterate, stop or keep running."""
        from agilesocial.analysis import run_analysis
        from agilesocial.config import load_project
        from agilesocial.retro.render import renderer

        project = load_project(required=True)
        report = run_analysis(
            project,
            sprint=sprint,
            experiment_ids=tuple(experiment or ()),
            db=db,
            correction=correction.value if correction else None,
            sequential=sequential,
            engine=engine,
        )
        out = console()
        if quiet and fmt == Format.text:  # one line per experiment: its decision
            from agilesocial.retro.fmt import ACTION_LABELS

            for e in report.experiments:
                typer.echo(f"{e.id}: {ACTION_LABELS.get(e.decision.action, e.decision.action)} - {e.decision.reason}")
        else:
            renderer(fmt.value).print_analysis(report, out)
        if fmt == Format.text and sprint and retro and not quiet:
            from agilesocial.review.sprint import build_retro

            renderer(fmt.value).print_retro(
                build_retro(project, sprint=sprint, db=db, analysis=report), out, experiments=False
            )
        if report.missing_data:  # the others were analysed and shown; still a missing-data exit for scripts
            for line in report.missing_data:
                typer.echo(f"error: {line}", err=True)
            raise typer.Exit(EXIT_USAGE)
