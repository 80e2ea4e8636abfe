"""``agile-social ingest``: load platform exports (CSV, Excel workbooks) into the warehouse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from agilesocial.cli.common import DbOption, QuietOption, console, handle_errors
from agilesocial.errors import EXIT_FINDINGS, EXIT_USAGE

PROFILES = ("x", "facebook", "facebook_insights", "instagram", "linkedin", "tiktok", "youtube", "generic")
FORMATS = ("text", "json")

EPILOG = """\b
Examples:
  agile-social ingest exports/                      # every CSV in the folder, profile auto-detected
  agile-social ingest 'exports/*.csv' --format json
  agile-social ingest overview.csv --profile tiktok --year 2026 --account northwindcoffee
  agile-social ingest northwind_followers_1735689600000.xls   # every known sheet of a workbook
  agile-social ingest custom.csv --mapping mapping.yaml
  agile-social ingest big.csv --skip-bad-rows       # rejects go to <warehouse folder>/rejects/

\b
Profiles: x, facebook, facebook_insights, instagram, linkedin, tiktok, youtube, generic.
Exit codes: 0 loaded, 1 loaded but rows were rejected (--skip-bad-rows), 2 usage, I/O or data error
(nothing of a failing file is loaded; the other files are)."""


def _choice(options: tuple[str, ...]) -> Any:
    def check(value: str | None) -> str | None:
        if value is not None and value not in options:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(options)}")
        return value

    return check


def register(app: typer.Typer) -> None:
    """Add the ``ingest`` command."""
    app.command("ingest", epilog=EPILOG)(ingest)


@handle_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Export files, folders or globs.", show_default=False)],
    profile: Annotated[
        str | None,
        typer.Option("--profile", "-p", callback=_choice(PROFILES), help="Force a profile instead of detecting it."),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="Mapping YAML (generic profile, or extends --profile).")
    ] = None,
    account: Annotated[str | None, typer.Option("--account", "-a", help="Account name for every row.")] = None,
    skip_bad_rows: Annotated[
        bool, typer.Option("--skip-bad-rows", help="Load the good rows; write the bad ones to a rejects CSV.")
    ] = False,
    year: Annotated[
        int | None,
        typer.Option("--year", help="Year of the most recent day of a file whose dates have no year (TikTok)."),
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option("--timezone", help="Zone of naive export times (default: agile-social.yaml's timezone)."),
    ] = None,
    db: DbOption = None,
    output: Annotated[
        str, typer.Option("--format", "-f", callback=_choice(FORMATS), help="Output format: text, json.")
    ] = "text",
    quiet: QuietOption = False,
) -> None:
    """Load platform exports (CSV, .xlsx, .xls) into the warehouse: idempotent, one transaction per file or sheet."""
    from agilesocial.cli.progress import ingest_progress
    from agilesocial.config import load_project
    from agilesocial.warehouse.ingest import ingest_paths

    project = load_project()
    with ingest_progress(output == "text" and not quiet) as progress:
        report = ingest_paths(
            paths,
            db=project.warehouse_path(db),
            profile=profile,
            mapping=mapping,
            account=account,
            skip_bad_rows=skip_bad_rows,
            year=year,
            timezone=timezone or project.config.timezone,
            progress=progress,
        )
    if output == "json":
        typer.echo(json.dumps(report.to_dict(), indent=2))
    else:
        _render(report, quiet)
    for failed in report.errors:
        typer.echo(f"error: {failed.error}", err=True)
    if report.errors:
        raise typer.Exit(EXIT_USAGE)
    if report.rows_rejected:
        raise typer.Exit(EXIT_FINDINGS)


def _render(report: Any, quiet: bool) -> None:
    from rich.markup import escape  # file names, column names and paths come from the user's files: never markup

    out = console()
    loaded = sum(1 for f in report.files if not f.already_ingested and f.rows_loaded)
    skipped = sum(1 for f in report.files if f.already_ingested)
    summary = (
        f"{len(report.files)} files: {loaded} loaded, {skipped} already ingested; "
        f"{report.rows_loaded:,} rows loaded, {report.rows_rejected:,} rejected -> {escape(report.db)}"
    )
    if quiet:
        out.print(summary)
        return
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False)
    table.add_column("file", no_wrap=True, overflow="ellipsis", max_width=34)
    table.add_column("profile", no_wrap=True)
    for name in ("read", "loaded", "rej."):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("result", no_wrap=True)
    for f in report.files:
        if f.error:
            result = "FAILED"
        elif f.already_ingested:
            result = "already ingested"
        else:
            result = "empty" if f.note else f"-> {f.target_table}"
        table.add_row(
            escape(_short(Path(f.path).name)),
            f.profile,
            str(f.rows_read),
            str(f.rows_loaded),
            str(f.rows_rejected),
            result,
        )
    out.print(table)
    for f in report.files:
        name = escape(Path(f.path).name)
        if f.ignored_columns:
            shown = escape(", ".join(f.ignored_columns[:6]))
            more = len(f.ignored_columns) - 6
            shown += f" and {more} more (--format json lists them)" if more > 0 else ""
            out.print(f"{name}: {f.shape} shape; ignored {len(f.ignored_columns)} columns: {shown}")
        for note in f.notes:
            out.print(f"{name}: {escape(note)}")
        if f.rejects_path:
            out.print(f"{name}: {f.rows_rejected} rejected rows written to {escape(f.rejects_path)}")
    out.print(summary)


def _short(name: str, width: int = 34) -> str:
    """A file name for the table; a workbook sheet (``book.xlsx[Sheet]``) keeps its sheet name visible."""
    if len(name) <= width or not name.endswith("]") or "[" not in name:
        return name
    book, sheet = name.split("[", 1)
    return book[: max(width - len(sheet) - 2, 8)] + "…[" + sheet
