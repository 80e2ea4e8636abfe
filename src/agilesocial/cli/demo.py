"""``agile-social demo``: the whole loop on shipped sample data (what ``make demo`` runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agilesocial.cli.common import QuietOption, console, handle_errors

EPILOG = (
    "Examples:\n\n"
    "  agile-social demo\n\n"
    "  agile-social demo --dir /tmp/northwind && cd /tmp/northwind && agile-social retro --format json"
)


def register(app: typer.Typer) -> None:
    """Add the ``demo`` command."""
    app.command("demo", epilog=EPILOG)(demo)


@handle_errors
def demo(
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir", "-d", help="Folder for the demo project (default: a new temporary folder).", show_default=False
        ),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Init a plan into a folder, ingest the sample exports, analyze the sprint, print the retro and write
    retro.html there — then say where everything is."""
    from agilesocial.demo.runner import run_demo
    from agilesocial.retro.render import renderer

    result = run_demo(directory)
    if not quiet:
        renderer("text").print_retro(result.retro, console())
        typer.echo()
    rows = result.ingest.rows_loaded
    typer.echo(f"project:   {result.dir}  (plan, experiments, sprint: {len(result.files)} files)")
    typer.echo(f"warehouse: {result.warehouse}  ({len(result.exports)} sample exports, {rows:,} rows loaded)")
    typer.echo(f"retro:     {result.html}")
    typer.echo(f"next:      cd {result.dir} && agile-social retro --format md")
