"""``agile-social schema``: write the JSON Schemas of plans, experiments, sprints and the config for editors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agilesocial.cli.common import QuietOption, console, handle_errors

EPILOG = """\b
Examples:
  agile-social schema                 # writes schemas/*.schema.json next to agile-social.yaml
  agile-social schema --out .vscode/schemas
  agile-social schema --check         # CI: exit 1 when the committed schemas are out of date

\b
Point a YAML file at its schema with a first line such as
  # yaml-language-server: $schema=../schemas/plan.schema.json"""


def register(app: typer.Typer) -> None:
    @app.command("schema", epilog=EPILOG)
    @handle_errors
    def schema(
        out: Annotated[
            Path | None,
            typer.Option(
                "--out",
                "-o",
                metavar="DIR",
                help="Folder to write to (default: schemas/ in the project root).",
                show_default=False,
            ),
        ] = None,
        check: Annotated[
            bool, typer.Option("--check", help="Write nothing; exit 1 if any schema file is missing or stale.")
        ] = False,
        quiet: QuietOption = False,
    ) -> None:
        """Write plan, experiment, sprint and config JSON Schemas (draft 7, from the models) for YAML editors."""
        from agilesocial.config import load_project
        from agilesocial.errors import EXIT_FINDINGS, AgileSocialError
        from agilesocial.lint.runner import display_path
        from agilesocial.plan.schema import stale_schemas, write_schemas

        folder = out if out is not None else load_project().root / "schemas"
        out_console = console(quiet=quiet)
        if check:
            stale = stale_schemas(folder)
            for path in stale:
                typer.echo(f"{display_path(path)}: out of date (run 'agile-social schema' to regenerate)")
            if stale:
                raise typer.Exit(EXIT_FINDINGS)
            out_console.print(f"ok: the schema files in {display_path(folder)}/ are up to date")
            return
        try:
            written = write_schemas(folder)
        except OSError as exc:
            raise AgileSocialError(f"cannot write schemas: {exc.strerror or exc}", path=folder) from None
        for path in written:
            out_console.print(f"wrote {display_path(path)}")
