"""``agile-social retro``: the sprint retrospective in the terminal, Markdown, JSON, HTML, and CSV tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

import typer

from agilesocial.cli.common import DbOption, EngineOption, QuietOption, choice, console, handle_errors
from agilesocial.errors import EXIT_USAGE

EPILOG = (
    "Examples:\n\n"
    "  agile-social retro\n\n"
    "  agile-social retro 2026-s01 --format html --output retro.html\n\n"
    "  agile-social retro --format json | jq '.experiments[].decision'\n\n"
    "  agile-social retro 2026-s01 --csv retro-tables/"
)

Format = Literal["text", "md", "json", "csv", "html"]
FORMATS: tuple[Format, ...] = ("text", "md", "json", "csv", "html")


def register(app: typer.Typer) -> None:
    """Add the ``retro`` command."""
    app.command("retro", epilog=EPILOG)(retro)


@handle_errors
def retro(
    sprint: Annotated[
        str | None, typer.Argument(help="Sprint id (default: the latest sprint that has started).", show_default=False)
    ] = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format", "-f", callback=choice(*FORMATS), help=f"Output format: {', '.join(FORMATS)}.", metavar="FORMAT"
        ),
    ] = "text",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.", show_default=False)
    ] = None,
    csv_dir: Annotated[
        Path | None,
        typer.Option("--csv", help="Also write the retro tables as CSV files into this folder.", show_default=False),
    ] = None,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Judge the sprint as of this date (default: today).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Let --output replace a file agile-social did not write.")
    ] = False,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not store this run's snapshot.")] = False,
    db: DbOption = None,
    engine: EngineOption = None,
    quiet: QuietOption = False,
) -> None:
    """Sprint retrospective: objective progress, weekly key results, experiments and their decisions, what failed
    and why, next sprint, top posts and the trend across sprints. Each run stores a snapshot for the trend."""
    from agilesocial.config import load_project
    from agilesocial.reportfile import check_target, write_report
    from agilesocial.retro.render import renderer
    from agilesocial.review.sprint import run_retro

    if output is not None:
        check_target(output, force=force)
    project = load_project(required=True)
    today = as_of.date() if as_of else None
    result = run_retro(project, sprint=sprint, db=db, today=today, store=not no_store, engine=engine)
    err = console(stderr=True, quiet=quiet)
    if csv_dir is not None:
        from agilesocial.retro.csvexport import write_csv

        for path in write_csv(result, csv_dir):
            err.print(f"wrote {path}")
    chosen = renderer(output_format)
    if output is not None:
        write_report(output, chosen.retro(result), output_format, force=force)
        err.print(f"wrote {output}")
    elif quiet and output_format == "text":
        typer.echo(
            f"{result.sprint}: {result.kr_met}/{result.kr_judged} weekly key results met; "
            + ", ".join(f"{e.id} {e.action}" for e in result.experiments)
        )
    else:
        chosen.print_retro(result, console())
    if result.missing_data:  # shown in the retro with what to ingest; the exit code still says data is missing
        for line in result.missing_data:
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(EXIT_USAGE)
