"""``agile-social validate``: schema errors and strategy lint findings, for people and for CI."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agilesocial.cli.common import QuietOption, console, handle_errors

FORMATS = ("text", "json", "github", "sarif")  # kept in step with lint.reporters.REPORTERS (a test checks it)

EPILOG = """\b
Examples:
  agile-social validate                      # the project's plans/, experiments/, sprints/
  agile-social validate plans/acme.yaml --strict
  agile-social validate --format github      # annotations in GitHub Actions
  agile-social validate --format sarif > agile-social.sarif

\b
Exit codes: 0 clean, 1 findings (errors; warnings too with --strict), 2 usage or I/O error
(unreadable files or folders and broken links are AS002 findings in the report, and exit 2 even with --exit-zero).
Without PATH, or given the project's root folder, the whole project is checked: what pre-commit runs."""


def _check_format(value: str) -> str:
    if value not in FORMATS:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(FORMATS)}")
    return value


def register(app: typer.Typer) -> None:
    @app.command("validate", epilog=EPILOG)
    @handle_errors
    def validate(
        paths: Annotated[
            list[Path] | None,
            typer.Argument(
                help="Files or folders to check (default: the project's plan folders).",
                show_default=False,
                metavar="PATH",
            ),
        ] = None,
        strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
        output_format: Annotated[
            str,
            typer.Option(
                "--format", "-f", callback=_check_format, help=f"Output format: {', '.join(FORMATS)}.", metavar="FORMAT"
            ),
        ] = "text",
        exit_zero: Annotated[
            bool,
            typer.Option(
                "--exit-zero", help="Exit 0 even with findings (for rolling the check out); I/O errors still exit 2."
            ),
        ] = False,
        quiet: QuietOption = False,
    ) -> None:
        """Check plans, experiments and sprints: schema errors plus strategy lint rules (AS codes)."""
        from agilesocial.lint.reporters import REPORTERS
        from agilesocial.lint.runner import project_for, run_validation

        report = run_validation(project_for(paths), paths or None)
        REPORTERS[output_format]().render(report.to_dict(quiet=quiet), console(), quiet=quiet)
        code = report.exit_code(strict, exit_zero)
        if code:
            raise typer.Exit(code)
